from django_tasks import task

from .outbox import deliver


@task()
def send_notification(notification_id: int) -> str:
    """Send one notification from the outbox; return its new status."""
    return deliver(notification_id)
