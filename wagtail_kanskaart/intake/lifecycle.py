"""Status changes after the intake, each logged with who and when."""

from django.db import transaction
from wagtail.log_actions import log

from ..models import InitiativeRequest, PayoutBatch
from ..models.requests import NeedStatus, RequestStatus
from ..notifications.outbox import queue_notifications
from . import booking, ledger
from .hooks import run_after_commit

WITHDRAWABLE = {RequestStatus.SUBMITTED, RequestStatus.GRANTED, RequestStatus.IN_REVIEW}
PAYABLE = {RequestStatus.GRANTED, RequestStatus.IN_REVIEW}


class TransitionError(Exception):
    """The request is not in a status that allows this change."""


def set_status(request, status, user=None, **data):
    """Change a request's status, log the change and run the
    ``after_kanskaart_status_change`` hooks after the commit."""
    previous = request.status
    request.status = status
    request.save(update_fields=["status", "updated_at"])
    log(
        request,
        "wagtail_kanskaart.status_changed",
        user=user,
        data={"from": previous, "to": status, **data},
    )
    run_after_commit(
        "after_kanskaart_status_change",
        request,
        previous=previous,
        status=status,
        user=user,
    )


def _locked(request):
    return InitiativeRequest.objects.select_for_update().get(pk=request.pk)


def in_open_batch(request) -> bool:
    """Return whether the request waits in a payout batch that is not paid yet."""
    return (
        request.payout_batch_id is not None
        and PayoutBatch.objects.filter(
            pk=request.payout_batch_id, status=PayoutBatch.Status.OPEN
        ).exists()
    )


def can_withdraw(request) -> bool:
    """Return whether the resident may still withdraw the request.

    Not once an editor put it in a payout batch: the bank may be paying it
    already. Not once the resident sent her story: the idea happened, and
    the story accounts for it. :func:`withdraw` also refuses once money was
    paid.
    """
    return (
        request.status in WITHDRAWABLE
        and request.story_page_id is None
        and not in_open_batch(request)
    )


def withdrawal_frees(request) -> dict:
    """Return what withdrawing the request frees for others.

    ``money``: money is reserved for it. ``room``: a room is booked for it.
    A need that was declined, or still waits for a decision, has neither
    money reserved nor a room booked.
    """
    return {
        "money": ledger.reserved_for(request) > 0,
        "room": bool(booking.active_bookings(request)),
    }


def withdraw(request, user=None):
    """Withdraw a request before payout: release its money, cancel its bookings.

    The public initiative page is unpublished and taken out of moderation.
    Raises ``TransitionError`` when the request was paid, completed, declined
    or withdrawn already. The request row is locked first, so of two
    withdrawals at one moment the second sees the first and is refused.
    """
    with transaction.atomic():
        request = _locked(request)
        if not can_withdraw(request) or ledger.paid_for(request) > 0:
            raise TransitionError(request.status)

        released = ledger.release(request, user=user)
        affected = booking.active_bookings(request)
        cancelled = booking.cancel_bookings(request)
        request.need_set.exclude(status=NeedStatus.DECLINED).update(
            status=NeedStatus.WITHDRAWN
        )
        _take_page_offline(request.initiative_page, user)
        set_status(
            request,
            RequestStatus.WITHDRAWN,
            user=user,
            released=str(released),
            bookings_cancelled=cancelled,
        )
        queue_notifications(request, "withdrawn", bookings=affected)
    return request


def _take_page_offline(page, user):
    if page is None:
        return
    page = page.specific
    workflow_state = page.current_workflow_state
    if workflow_state is not None:
        # An editor must not approve, and so publish, a withdrawn idea.
        workflow_state.cancel(user=user)
    if page.live:
        page.unpublish(user=user, log_action=True)


def mark_paid(request, user=None, batch=None):
    """Pay out what is reserved for a request, set it to paid and tell the resident.

    A request in review can be paid when its budget need was granted, so a
    space that waits for an editor does not hold up the money. A request in
    an open payout batch is paid with that batch only (``batch``), so its
    money cannot go out twice, once by hand and once in the bank file.
    Raises ``TransitionError`` when the request is not granted or in review,
    has no money reserved, or is in another open batch.
    """
    with transaction.atomic():
        request = _locked(request)
        if request.status not in PAYABLE:
            raise TransitionError(request.status)
        batched = in_open_batch(request)
        if batched and (batch is None or batch.pk != request.payout_batch_id):
            raise TransitionError("in_payout_batch")
        try:
            amount = ledger.pay(request, user=user)
        except ledger.LedgerError as error:
            raise TransitionError(request.status) from error
        set_status(request, RequestStatus.PAID, user=user, paid=str(amount))
        queue_notifications(request, "paid", context={"amount": str(amount)})
    return request
