"""Status changes after the intake, each logged with who and when."""

from django.db import transaction
from wagtail.log_actions import log

from ..models import InitiativeRequest
from ..models.requests import NeedStatus, RequestStatus
from ..notifications.outbox import queue_notifications
from . import booking, ledger

WITHDRAWABLE = {RequestStatus.SUBMITTED, RequestStatus.GRANTED, RequestStatus.IN_REVIEW}


class TransitionError(Exception):
    """The request is not in a status that allows this change."""


def set_status(request, status, user=None, **data):
    """Change a request's status and log the change."""
    previous = request.status
    request.status = status
    request.save(update_fields=["status", "updated_at"])
    log(
        request,
        "wagtail_kanskaart.status_changed",
        user=user,
        data={"from": previous, "to": status, **data},
    )


def can_withdraw(request) -> bool:
    return request.status in WITHDRAWABLE


def withdraw(request, user=None):
    """Withdraw a request before payout: release its money, cancel its bookings.

    The public initiative page is unpublished. Raises ``TransitionError``
    when the request was paid, completed, declined or withdrawn already.
    """
    with transaction.atomic():
        request = InitiativeRequest.objects.select_for_update().get(pk=request.pk)
        if not can_withdraw(request):
            raise TransitionError(request.status)

        released = ledger.release(request, user=user) if request.budget_id else 0
        cancelled = booking.cancel_bookings(request)
        request.need_set.exclude(status=NeedStatus.DECLINED).update(
            status=NeedStatus.WITHDRAWN
        )
        page = request.initiative_page
        if page is not None and page.live:
            page.specific.unpublish(user=user, log_action=True)
        set_status(
            request,
            RequestStatus.WITHDRAWN,
            user=user,
            released=str(released),
            bookings_cancelled=cancelled,
        )
        queue_notifications(request, "withdrawn")
    return request
