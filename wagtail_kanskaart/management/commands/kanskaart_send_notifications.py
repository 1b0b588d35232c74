"""Send the notifications that are due: new ones the task missed and retries.

Run it every few minutes from cron or a scheduler. A notification that
fails again gets a later ``next_attempt_at``, until
``KANSKAART_NOTIFICATION_MAX_ATTEMPTS`` marks it failed.
"""

from django.core.management.base import BaseCommand

from ...notifications.outbox import deliver_due


class Command(BaseCommand):
    help = "Send pending kanskaart notifications whose next attempt is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=500,
            help="Maximum number of notifications to send in this run (default: 500).",
        )

    def handle(self, *args, **options):
        counts = deliver_due(limit=options["limit"])
        if not counts:
            self.stdout.write("No notifications are due.")
            return
        summary = ", ".join(
            f"{status}: {count}" for status, count in sorted(counts.items())
        )
        self.stdout.write(f"Notifications processed ({summary}).")
