"""Editors' decisions on a request: approve, decline, pay, rebook, reassign.

Each action locks the request row, checks that the request's state allows
it, changes needs, money and bookings in one transaction, logs what it did
with the editor as the user, and queues the messages for the people
involved. When an action raises, its transaction is rolled back, so nothing
is changed. The admin views only collect input and call these functions.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from ..conf import kanskaart_settings
from ..models import InitiativeRequest, Space, SpaceBooking, SupportContact
from ..models.notification import Notification
from ..models.payouts import PayoutBatch
from ..models.requests import NeedKind, NeedStatus, RequestStatus
from ..notifications.outbox import queue_notifications
from . import booking, ledger, lifecycle, policy, support
from .forms import euro

Audience = Notification.Audience

APPROVE = "approve"
DECLINE = "decline"
MARK_PAID = "mark_paid"
CHANGE_BOOKING = "change_booking"
CANCEL_BOOKING = "cancel_booking"
REASSIGN_SUPPORT = "reassign_support"

ACTIONS = [
    APPROVE,
    DECLINE,
    MARK_PAID,
    CHANGE_BOOKING,
    CANCEL_BOOKING,
    REASSIGN_SUPPORT,
]

# Reason codes of needs, beside those of policy, booking and support.
DECLINED = "declined"
BOOKING_CANCELLED = "booking_cancelled"
DATE_PASSED = "date_passed"

# The maximum length of an editor's reason for a decline or a cancellation.
REASON_MAX_LENGTH = 1000

# Statuses in which the arrangements of a request may still change. A paid
# request keeps its room and its support contact until the activity is done.
ARRANGEABLE = {RequestStatus.GRANTED, RequestStatus.IN_REVIEW, RequestStatus.PAID}
DECLINABLE = {RequestStatus.GRANTED, RequestStatus.IN_REVIEW}

STATUS_REFUSALS = {
    RequestStatus.SUBMITTED: gettext_lazy(
        "This request is still being stored. Try again in a moment."
    ),
    RequestStatus.WITHDRAWN: gettext_lazy(
        "The resident withdrew this request, so it cannot be changed any more."
    ),
    RequestStatus.DECLINED: gettext_lazy(
        "This request is declined, so it cannot be changed any more."
    ),
    RequestStatus.PAID: gettext_lazy("This request is paid out already."),
    RequestStatus.COMPLETED: gettext_lazy(
        "This request is completed, so it cannot be changed any more."
    ),
}


def _status_refusal(status) -> str:
    message = STATUS_REFUSALS.get(status)
    if message is None:
        return _("This action does not fit the status of this request.")
    return str(message)


class ActionError(Exception):
    """The action failed on its input, and nothing was changed.

    ``message`` is written for the editor; ``field`` names the form field it
    is about, or is None for the form as a whole.
    """

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class ActionNotAllowed(ActionError):
    """The request's status or state does not allow this action."""


@dataclass
class ApproveResult:
    request: InitiativeRequest
    arranged: list[str] = field(default_factory=list)
    in_review: list[str] = field(default_factory=list)


def _locked(request):
    # Only the request row is locked: PostgreSQL cannot lock the nullable
    # side of the join to the payout batch, and the municipality page must
    # stay free for the intake.
    return (
        InitiativeRequest.objects.select_for_update(of=("self",))
        .select_related("municipality", "neighbourhood", "payout_batch")
        .get(pk=request.pk)
    )


def _needs(request) -> dict:
    return {need.kind: need for need in request.need_set.all()}


def _open_batch(request):
    batch = request.payout_batch
    if batch is not None and batch.status == PayoutBatch.Status.OPEN:
        return batch
    return None


def refusal(request, action) -> str | None:
    """Return why ``action`` is not allowed on ``request`` now, or None.

    The message is written for the editor. The actions call this again
    with the request row locked, so a button that was shown a moment ago
    can still be refused.
    """
    needs = _needs(request)
    status = request.status

    if action == APPROVE:
        if status != RequestStatus.IN_REVIEW:
            if status == RequestStatus.GRANTED:
                return _("Nothing in this request waits for a decision.")
            return _status_refusal(status)
        if not any(need.status == NeedStatus.IN_REVIEW for need in needs.values()):
            return _("Nothing in this request waits for a decision.")
        return None

    if action == DECLINE:
        if status not in DECLINABLE:
            return _status_refusal(status)
        if ledger.paid_for(request) > 0:
            return _status_refusal(RequestStatus.PAID)
        batch = _open_batch(request)
        if batch is not None:
            return _(
                "This request is in the open payout batch %(batch)s, so the "
                "bank may pay it. Decline it only after it is out of that batch."
            ) % {"batch": batch.reference}
        return None

    if action == MARK_PAID:
        if status not in lifecycle.PAYABLE:
            return _status_refusal(status)
        batch = _open_batch(request)
        if batch is not None:
            return _(
                "This request is in the open payout batch %(batch)s. Mark that "
                "batch paid instead."
            ) % {"batch": batch.reference}
        if ledger.reserved_for(request) <= 0:
            return _(
                "No money is granted for this request, so there is nothing to pay."
            )
        return None

    if action in (CHANGE_BOOKING, CANCEL_BOOKING, REASSIGN_SUPPORT):
        if status not in ARRANGEABLE:
            return _status_refusal(status)
        kind = NeedKind.SUPPORT if action == REASSIGN_SUPPORT else NeedKind.SPACE
        need = needs.get(kind)
        if need is None:
            if kind == NeedKind.SPACE:
                return _("The resident did not ask for a room.")
            return _("The resident did not ask for support.")
        if need.status == NeedStatus.WITHDRAWN:
            return _("The resident withdrew this part of the request.")
        if action == CANCEL_BOOKING:
            if need.status not in (NeedStatus.ARRANGED, NeedStatus.IN_REVIEW):
                return _("There is no booking to cancel.")
            # A room in review has no booking yet, so there is nothing to
            # cancel. Declining only the room is no part of this action.
            if not booking.active_bookings(request):
                return _(
                    "There is no booking to cancel yet. Use Change booking to "
                    "book a room."
                )
            others_open = [
                other
                for other in needs.values()
                if other.kind != NeedKind.SPACE
                and other.status in (NeedStatus.ARRANGED, NeedStatus.IN_REVIEW)
            ]
            if not others_open:
                return _(
                    "The room is the only thing left in this request. Decline "
                    "the request instead."
                )
        return None

    raise ValueError(f"Unknown action: {action}")


def available_actions(request) -> list[str]:
    """Return the actions an editor may take on ``request`` in its current state."""
    return [action for action in ACTIONS if refusal(request, action) is None]


def _check(request, action):
    message = refusal(request, action)
    if message is not None:
        raise ActionNotAllowed(message)


def _settle_status(request, user):
    """Set a request in review to granted once none of its needs waits."""
    if request.status != RequestStatus.IN_REVIEW:
        return
    if request.need_set.filter(status=NeedStatus.IN_REVIEW).exists():
        return
    lifecycle.set_status(request, RequestStatus.GRANTED, user=user)


def space_details(space_booking) -> dict:
    """Return the details of an arranged space need, as the intake stores them."""
    space = space_booking.space
    return {
        "booking": space_booking.pk,
        "space": space.name,
        "address": space.address,
        "starts_at": space_booking.starts_at.isoformat(),
        "ends_at": space_booking.ends_at.isoformat(),
        "people": space_booking.people,
    }


def contact_details(contact) -> dict:
    """Return the details of an arranged support need, as the intake stores them."""
    return {
        "contact": contact.pk,
        "name": contact.name,
        "organisation": contact.organisation,
        "response_days": contact.response_days,
    }


# Approve


def approve(request, user=None, amount: Decimal | None = None) -> ApproveResult:
    """Decide every need of a request in review, as far as it can be arranged.

    A budget need gets ``amount`` (default: the amount asked) from the
    budget that covers the request, with the checks of an instant grant.
    Two checks are skipped: the editor may go above the instant-grant limit
    and the per-resident cap, because those are why the request waited. A
    missing budget, an amount above the maximum per request or too little
    money left raises ``ActionError`` and changes nothing. A room and a support
    contact are tried again as the intake tries them; what still cannot be
    arranged stays in review. The request becomes granted once nothing
    waits.
    """
    with transaction.atomic():
        request = _locked(request)
        _check(request, APPROVE)
        needs = _needs(request)
        result = ApproveResult(request=request)
        data = {}

        budget_need = needs.get(NeedKind.BUDGET)
        if budget_need is not None and budget_need.status == NeedStatus.IN_REVIEW:
            granted, budget = _approve_budget(request, budget_need, amount, user)
            result.arranged.append(NeedKind.BUDGET)
            data.update(amount=str(granted), budget=budget.title)

        space_need = needs.get(NeedKind.SPACE)
        if space_need is not None and space_need.status == NeedStatus.IN_REVIEW:
            if _try_booking(request, space_need):
                result.arranged.append(NeedKind.SPACE)
                data.update(space=space_need.details["space"])

        support_need = needs.get(NeedKind.SUPPORT)
        if support_need is not None and support_need.status == NeedStatus.IN_REVIEW:
            if _try_support(request, support_need):
                result.arranged.append(NeedKind.SUPPORT)
                data.update(contact=support_need.details["name"])

        result.in_review = [
            need.kind for need in needs.values() if need.status == NeedStatus.IN_REVIEW
        ]
        if not result.arranged:
            return result

        log(
            request,
            "wagtail_kanskaart.approved",
            user=user,
            data={
                "arranged": result.arranged,
                "in_review": result.in_review,
                **data,
            },
        )
        _settle_status(request, user)
        audiences = {Audience.RESIDENT}
        if NeedKind.SPACE in result.arranged:
            audiences.add(Audience.SPACE_MANAGER)
        if NeedKind.SUPPORT in result.arranged:
            audiences.add(Audience.SUPPORT)
        queue_notifications(
            request,
            "approved",
            context={"arranged": result.arranged, "in_review": result.in_review},
            audiences=audiences,
        )
    return result


def approval_limits(request, amount=None) -> policy.Limits:
    """Return the budget and limits an approval of ``amount`` would use."""
    if amount is None:
        amount = request.budget_amount
    return policy.limits_for(request.municipality, request.neighbourhood, amount=amount)


def _approve_budget(request, need, amount, user):
    asked = request.budget_amount
    amount = asked if amount is None else amount
    if amount is None or amount <= 0:
        raise ActionError(_("Enter an amount above € 0."), field="amount")
    if asked is not None and amount > asked:
        raise ActionError(
            _("You cannot grant more than the resident asked for: %(asked)s.")
            % {"asked": euro(asked)},
            field="amount",
        )

    limits = approval_limits(request, amount)
    budget = limits.budget
    if budget is None:
        raise ActionError(
            _(
                "No budget covers %(neighbourhood)s today. Publish a budget for "
                "this neighbourhood or for the whole municipality first."
            )
            % {"neighbourhood": request.neighbourhood.name}
        )
    if amount > limits.max_request_amount:
        raise ActionError(
            _("%(amount)s is more than the maximum per request: %(maximum)s.")
            % {"amount": euro(amount), "maximum": euro(limits.max_request_amount)},
            field="amount",
        )

    # The same lock as the intake takes, so a grant at this moment waits.
    ledger.account_for(budget, lock=True)
    try:
        ledger.reserve(budget, request, amount, user=user)
    except ledger.LedgerError as error:
        raise ActionError(
            _(
                "There is not enough money left in the budget %(budget)s: "
                "%(left)s is left and this request needs %(amount)s."
            )
            % {
                "budget": budget.title,
                "left": euro(policy.money_left(budget)),
                "amount": euro(amount),
            },
            field="amount",
        ) from error

    need.status = NeedStatus.ARRANGED
    need.reason = policy.APPROVED
    need.details = {"amount": str(amount)}
    need.save(update_fields=["status", "reason", "details", "updated_at"])
    request.budget = budget
    request.save(update_fields=["budget", "updated_at"])
    return amount, budget


def _try_booking(request, need) -> bool:
    day, start, end = request.space_date, request.space_start, request.space_end
    if day is None or start is None or end is None:
        return False
    if day < timezone.localdate():
        _set_reason(need, DATE_PASSED)
        return False
    result = booking.book(
        request,
        request.municipality,
        request.neighbourhood,
        day,
        start,
        end,
        request.space_people or 1,
    )
    if result.booking is None:
        _set_reason(need, result.reason)
        return False
    need.status = NeedStatus.ARRANGED
    need.reason = booking.BOOKED
    need.details = space_details(result.booking)
    need.save(update_fields=["status", "reason", "details", "updated_at"])
    return True


def _try_support(request, need) -> bool:
    contact = support.find_contact(
        request.municipality, request.neighbourhood, request.support_kind
    )
    if contact is None:
        return False
    need.status = NeedStatus.ARRANGED
    need.reason = support.ASSIGNED
    need.details = contact_details(contact)
    need.save(update_fields=["status", "reason", "details", "updated_at"])
    return True


def _set_reason(need, reason):
    if need.reason != reason:
        need.reason = reason
        need.save(update_fields=["reason", "updated_at"])


# Decline


def decline(request, reason: str, user=None):
    """Decline a request: release its money, cancel its bookings, tell the resident.

    ``reason`` is the editor's explanation; the resident reads it. The
    initiative page is unpublished and taken out of moderation. The support
    contact and the space managers hear of it when help was arranged or a
    booking was cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Write why the request is declined."), field="reason")

    with transaction.atomic():
        request = _locked(request)
        _check(request, DECLINE)
        support_need = _needs(request).get(NeedKind.SUPPORT)
        support_arranged = (
            support_need is not None and support_need.status == NeedStatus.ARRANGED
        )

        released = ledger.release(request, user=user)
        affected = booking.active_bookings(request)
        cancelled = booking.cancel_bookings(request)
        # The status page shows the reason with each need that it declined.
        # A room cancelled earlier keeps the reason given then.
        open_needs = request.need_set.exclude(
            status__in=[NeedStatus.DECLINED, NeedStatus.WITHDRAWN]
        )
        for need in open_needs:
            need.status = NeedStatus.DECLINED
            need.details = {**need.details, "note": reason}
            need.save(update_fields=["status", "details", "updated_at"])
        lifecycle._take_page_offline(request.initiative_page, user)
        log(
            request,
            "wagtail_kanskaart.declined",
            user=user,
            data={
                "reason": reason,
                "released": str(released),
                "bookings_cancelled": cancelled,
            },
        )
        lifecycle.set_status(request, RequestStatus.DECLINED, user=user)

        audiences = {Audience.RESIDENT}
        if support_arranged:
            audiences.add(Audience.SUPPORT)
        if cancelled:
            audiences.add(Audience.SPACE_MANAGER)
        queue_notifications(
            request,
            "declined",
            context={"reason": reason},
            audiences=audiences,
            bookings=affected,
        )
    return request


# Mark paid


def mark_paid(request, user=None):
    """Pay out what is reserved for one request; see ``lifecycle.mark_paid``.

    Refused while the request is in an open payout batch, so the batch
    stays the one place where its requests are paid.
    """
    with transaction.atomic():
        request = _locked(request)
        _check(request, MARK_PAID)
        try:
            return lifecycle.mark_paid(request, user=user)
        except lifecycle.TransitionError as error:
            raise ActionNotAllowed(
                _("This request cannot be marked paid in its current status.")
            ) from error


# Bookings


def change_booking(
    request,
    space,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    people: int,
    user=None,
):
    """Book ``space`` for the request in place of its current booking.

    The old booking is cancelled first, so the request may keep its own
    room and move by an hour. Opening hours, capacity and other bookings
    are checked as the intake checks them; a failure raises ``ActionError``
    naming the field, and nothing changes. The resident and the space
    managers get a message.
    """
    if end <= start:
        raise ActionError(_("The end time must be after the start time."), field="end")
    today = timezone.localdate()
    if day < today:
        raise ActionError(_("Choose today or a later date."), field="date")
    if day > booking.last_bookable_day(today):
        raise ActionError(
            _("Choose a date within %(days)s days from today.")
            % {"days": kanskaart_settings.SPACE_BOOKING_DAYS_AHEAD},
            field="date",
        )

    with transaction.atomic():
        request = _locked(request)
        _check(request, CHANGE_BOOKING)
        if space.municipality_id != request.municipality_id or not space.active:
            raise ActionError(
                _("Choose a bookable room of this municipality."), field="space"
            )
        # The lock on the room makes a booking at the same moment wait.
        space = (
            Space.objects.select_for_update()
            .prefetch_related("opening_hours")
            .get(pk=space.pk)
        )
        need = _needs(request)[NeedKind.SPACE]
        previous = _booking_summary(need)

        replaced = booking.active_bookings(request)
        cancelled = booking.cancel_bookings(request)
        result = booking.book(
            request,
            request.municipality,
            request.neighbourhood,
            day,
            start,
            end,
            people,
            space=space,
        )
        if result.booking is None:
            raise _booking_error(result.reason, space, day, start, end, people)

        need.status = NeedStatus.ARRANGED
        need.reason = booking.BOOKED
        need.details = space_details(result.booking)
        need.save(update_fields=["status", "reason", "details", "updated_at"])
        log(
            request,
            "wagtail_kanskaart.booking_changed",
            user=user,
            data={
                "space": space.name,
                "starts_at": need.details["starts_at"],
                "ends_at": need.details["ends_at"],
                "people": people,
                "previous": previous,
                "bookings_cancelled": cancelled,
            },
        )
        _settle_status(request, user)
        # The messages carry the bookings themselves: they are rendered when
        # they are sent, and the request may have changed again by then.
        queue_notifications(
            request,
            "booking_changed",
            context={"booking": _booking_summary(need), "previous": previous},
            audiences={Audience.RESIDENT, Audience.SPACE_MANAGER},
            # The managers of the old room and of the new one both hear of it.
            bookings=[*replaced, result.booking],
        )
    return request


def _booking_summary(need):
    """Return the room, period and people of an arranged space need, or None."""
    if need.status != NeedStatus.ARRANGED or "starts_at" not in need.details:
        return None
    details = need.details
    return {
        "space": details.get("space", ""),
        "address": details.get("address", ""),
        "starts_at": details["starts_at"],
        "ends_at": details["ends_at"],
        "people": details.get("people"),
    }


def _hours_text(space, day):
    periods = [
        f"{hours.opens:%H:%M}-{hours.closes:%H:%M}"
        for hours in space.opening_hours.all()
        if hours.weekday == day.weekday()
    ]
    weekday = formats.date_format(day, "l")
    if not periods:
        return _("%(space)s is closed on %(weekday)s.") % {
            "space": space.name,
            "weekday": weekday,
        }
    return _("%(space)s is open on %(weekday)s: %(hours)s.") % {
        "space": space.name,
        "weekday": weekday,
        "hours": ", ".join(periods),
    }


def _booking_error(reason, space, day, start, end, people):
    if reason == booking.CLOSED:
        return ActionError(
            _("The room is closed at that time.") + " " + _hours_text(space, day),
            field="start",
        )
    if reason == booking.TOO_SMALL:
        return ActionError(
            _("%(space)s fits at most %(capacity)s people.")
            % {"space": space.name, "capacity": space.capacity},
            field="people",
        )
    starts_at, ends_at = booking.period_of(day, start, end)
    taken = SpaceBooking.objects.filter(
        space=space,
        status=SpaceBooking.Status.BOOKED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).order_by("starts_at")
    periods = ", ".join(
        f"{timezone.localtime(b.starts_at, starts_at.tzinfo):%H:%M}-"
        f"{timezone.localtime(b.ends_at, starts_at.tzinfo):%H:%M}"
        for b in taken
    )
    return ActionError(
        _("%(space)s is already booked at that time (%(periods)s).")
        % {"space": space.name, "periods": periods},
        field="start",
    )


def cancel_booking(request, reason: str, user=None):
    """Cancel the request's room: the booking ends and the space need is declined.

    ``reason`` is the editor's explanation; the resident reads it. The
    space manager gets a message when a booking was cancelled. Refused when the
    room is the last open need of the request: declining the request
    handles that case.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Write why the booking is cancelled."), field="reason")

    with transaction.atomic():
        request = _locked(request)
        _check(request, CANCEL_BOOKING)
        need = _needs(request)[NeedKind.SPACE]
        previous = _booking_summary(need)

        affected = booking.active_bookings(request)
        cancelled = booking.cancel_bookings(request)
        need.status = NeedStatus.DECLINED
        need.reason = BOOKING_CANCELLED
        need.details = {**need.details, "note": reason}
        need.save(update_fields=["status", "reason", "details", "updated_at"])
        log(
            request,
            "wagtail_kanskaart.booking_cancelled",
            user=user,
            data={
                "reason": reason,
                "previous": previous,
                "bookings_cancelled": cancelled,
            },
        )
        _settle_status(request, user)
        audiences = {Audience.RESIDENT}
        if cancelled:
            audiences.add(Audience.SPACE_MANAGER)
        queue_notifications(
            request,
            "booking_cancelled",
            context={"reason": reason, "previous": previous},
            audiences=audiences,
            bookings=affected,
        )
    return request


# Support


def reassign_support(request, contact, user=None):
    """Make ``contact`` the request's support contact and tell everyone involved.

    The resident and the new contact get a message, and so does the
    contact who helped before, that they no longer need to help.
    """
    with transaction.atomic():
        request = _locked(request)
        _check(request, REASSIGN_SUPPORT)
        if contact.municipality_id != request.municipality_id or not contact.active:
            raise ActionError(
                _("Choose an active support contact of this municipality."),
                field="contact",
            )
        need = _needs(request)[NeedKind.SUPPORT]
        previous = None
        previous_contact = None
        if need.status == NeedStatus.ARRANGED:
            previous = need.details.get("name")
            previous_contact = SupportContact.objects.filter(
                pk=need.details.get("contact")
            ).first()
            if need.details.get("contact") == contact.pk:
                raise ActionError(
                    _("%(name)s already helps with this request.")
                    % {"name": contact.name},
                    field="contact",
                )

        need.status = NeedStatus.ARRANGED
        need.reason = support.ASSIGNED
        need.details = contact_details(contact)
        need.save(update_fields=["status", "reason", "details", "updated_at"])
        log(
            request,
            "wagtail_kanskaart.support_reassigned",
            user=user,
            data={"contact": contact.name, "previous": previous},
        )
        _settle_status(request, user)
        queue_notifications(
            request,
            "support_reassigned",
            context={"contact": need.details, "previous": previous},
            audiences={Audience.RESIDENT, Audience.SUPPORT},
        )
        if previous_contact is not None:
            queue_notifications(
                request,
                "support_released",
                context={"previous": previous},
                contact=previous_contact,
            )
    return request
