"""Log actions of the editors' decisions on requests, for Wagtail's history views."""

from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter

from .request_display import log_text


class RequestActionFormatter(LogFormatter):
    """Show the action's label followed by its data in words."""

    def format_message(self, log_entry):
        return log_text(log_entry)


# (action, label, message): the label names the action in filters, the
# message starts each line of a request's history.
REQUEST_ACTIONS = [
    (
        "wagtail_kanskaart.approved",
        gettext_lazy("Approve request"),
        gettext_lazy("Request approved"),
    ),
    (
        "wagtail_kanskaart.declined",
        gettext_lazy("Decline request"),
        gettext_lazy("Request declined"),
    ),
    (
        "wagtail_kanskaart.booking_changed",
        gettext_lazy("Change booking"),
        gettext_lazy("Booking changed"),
    ),
    (
        "wagtail_kanskaart.booking_cancelled",
        gettext_lazy("Cancel booking"),
        gettext_lazy("Booking cancelled"),
    ),
    (
        "wagtail_kanskaart.support_reassigned",
        gettext_lazy("Reassign support"),
        gettext_lazy("Support contact changed"),
    ),
    (
        "wagtail_kanskaart.story_submitted",
        gettext_lazy("Send story"),
        gettext_lazy("Story sent for moderation"),
    ),
    (
        "wagtail_kanskaart.story_resubmitted",
        gettext_lazy("Send changed story"),
        gettext_lazy("Changed story sent for moderation"),
    ),
]


def register_request_log_actions(registry):
    """Register the log actions of ``intake.actions`` and ``intake.story``."""
    for action, label, message in REQUEST_ACTIONS:
        formatter = type(
            "RequestActionFormatter",
            (RequestActionFormatter,),
            {"label": label, "message": message},
        )
        registry.register_action(action)(formatter)
