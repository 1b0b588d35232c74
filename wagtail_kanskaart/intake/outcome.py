"""What the resident is told: per need what was arranged, in plain words.

The outcome page, the status page, the API and the e-mails all build their
texts here, from the stored decisions, so they never disagree.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import kanskaart_settings
from ..models.requests import NeedKind, NeedStatus, RequestStatus
from . import actions, booking, policy
from .forms import euro

# The words the hosted form and the widget use for the needs. Residents
# read these, so they stay plain: no "budget".
NEED_NAMES = {
    NeedKind.BUDGET: gettext_lazy("Money"),
    NeedKind.SPACE: gettext_lazy("Room"),
    NeedKind.SUPPORT: gettext_lazy("Help"),
}


def need_name(kind) -> str:
    """Return the resident's word for a need kind, e.g. "Money" for "budget"."""
    name = NEED_NAMES.get(kind)
    return str(name) if name is not None else str(kind)


@dataclass
class NeedOutcome:
    kind: str
    status: str
    reason: str
    title: str
    message: str
    details: dict = field(default_factory=dict)
    label: str = ""
    # The municipality's reason for a decline or a cancelled booking.
    note: str = ""


@dataclass
class Outcome:
    reference: str
    status: str
    status_label: str
    message: str
    needs: list[NeedOutcome]


def local(value: str) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(kanskaart_settings.TIME_ZONE)
    return datetime.datetime.fromisoformat(value).astimezone(zone)


def format_period(starts_at: str, ends_at: str) -> str:
    """Return e.g. "zaterdag 14 maart 2027, 10:00 tot 12:00" in the active language."""
    start, end = local(starts_at), local(ends_at)
    day = formats.date_format(start, "l j F Y")
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": day,
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def _budget_text(need, request):
    if need.status == NeedStatus.ARRANGED:
        amount = euro(Decimal(need.details["amount"]))
        return (
            _("%(amount)s is granted") % {"amount": amount},
            _(
                "You get %(amount)s for your idea. You do not need to keep "
                "receipts. Afterwards, tell in a short story with photos what "
                "you did."
            )
            % {"amount": amount},
        )
    if need.status == NeedStatus.IN_REVIEW:
        messages = {
            policy.ABOVE_INSTANT_LIMIT: _(
                "You ask for more than we can give at once. Someone from the "
                "municipality looks at your request and contacts you within 5 "
                "working days."
            ),
            policy.RESIDENT_CAP_REACHED: _(
                "You already got money from this budget. Someone from the "
                "municipality looks at your request and contacts you within 5 "
                "working days."
            ),
            policy.BUDGET_SPENT: _(
                "There is not enough money left in the budget right now. Someone "
                "from the municipality looks at your request and contacts you "
                "within 5 working days."
            ),
            policy.NO_BUDGET: _(
                "There is no budget for your neighbourhood right now. Someone "
                "from the municipality looks at your request and contacts you "
                "within 5 working days."
            ),
        }
        default = _(
            "Someone from the municipality looks at your request and contacts "
            "you within 5 working days."
        )
        return _("Money: we look at it"), messages.get(need.reason, default)
    return _status_text(need)


def _space_text(need, request):
    if need.status == NeedStatus.ARRANGED:
        details = need.details
        where = details["space"]
        if details.get("address"):
            where = f"{where}, {details['address']}"
        period = format_period(details["starts_at"], details["ends_at"])
        return (
            _("Room booked: %(space)s") % {"space": details["space"]},
            _("The room is yours: %(where)s, on %(period)s.")
            % {"where": where, "period": period},
        )
    if need.status == NeedStatus.IN_REVIEW:
        messages = {
            booking.CLOSED: _(
                "The rooms in your neighbourhood are closed at that time. We look "
                "for another time or place and contact you within 5 working days."
            ),
            booking.TOO_SMALL: _(
                "The rooms in your neighbourhood are too small for that many "
                "people. We look for another place and contact you within 5 "
                "working days."
            ),
            booking.FULLY_BOOKED: _(
                "The rooms in your neighbourhood are already booked at that time. "
                "We look for another time or place and contact you within 5 "
                "working days."
            ),
            booking.NO_SPACE: _(
                "There is no room to book in your neighbourhood yet. We look for a "
                "place and contact you within 5 working days."
            ),
        }
        default = _("We look for a room and contact you within 5 working days.")
        return _("Room: we look for one"), messages.get(need.reason, default)
    return _status_text(need)


def _support_text(need, request):
    if need.status == NeedStatus.ARRANGED:
        details = need.details
        who = details["name"]
        if details.get("organisation"):
            who = _("%(name)s from %(organisation)s") % {
                "name": who,
                "organisation": details["organisation"],
            }
        days = details.get("response_days", 2)
        return (
            _("Help: %(name)s helps you") % {"name": details["name"]},
            translation.ngettext(
                "%(who)s contacts you within %(days)s day.",
                "%(who)s contacts you within %(days)s days.",
                days,
            )
            % {"who": who, "days": days},
        )
    if need.status == NeedStatus.IN_REVIEW:
        return (
            _("Help: we look for someone"),
            _(
                "We look for someone who can help you, and contact you within 5 "
                "working days."
            ),
        )
    return _status_text(need)


def _status_text(need):
    if need.status == NeedStatus.WITHDRAWN:
        messages = {
            NeedKind.BUDGET: (
                _("Money: withdrawn"),
                _("The money goes back to the budget, for other ideas."),
            ),
            NeedKind.SPACE: (
                _("Room: withdrawn"),
                _("The room is free again for others."),
            ),
            NeedKind.SUPPORT: (
                _("Help: withdrawn"),
                _("We tell the community worker that you no longer need help."),
            ),
        }
        return messages.get(need.kind, (_("Withdrawn"), ""))
    return _declined_text(need)


def _declined_text(need):
    titles = {
        NeedKind.BUDGET: _("Money: declined"),
        NeedKind.SPACE: _("Room: declined"),
        NeedKind.SUPPORT: _("Help: declined"),
    }
    title = titles.get(need.kind, _("Declined"))
    message = _("The municipality cannot arrange this for you.")
    if need.kind == NeedKind.SPACE and need.reason == actions.BOOKING_CANCELLED:
        title = _("Room: booking cancelled")
        message = _("The municipality cancelled the booking of the room.")
    note = need.details.get("note")
    if note:
        message = f"{message} {_('The reason: %(note)s') % {'note': note}}"
    return title, message


NEED_TEXTS = {
    NeedKind.BUDGET: _budget_text,
    NeedKind.SPACE: _space_text,
    NeedKind.SUPPORT: _support_text,
}


def _overall_message(request):
    messages = {
        RequestStatus.GRANTED: _("Everything is arranged. You can start!"),
        RequestStatus.IN_REVIEW: _(
            "Part of your request needs a check by the municipality. Below you "
            "see what is already arranged."
        ),
        RequestStatus.DECLINED: _("The municipality cannot arrange your request."),
        RequestStatus.PAID: _("The money is paid out. Good luck with your idea!"),
        RequestStatus.COMPLETED: _("Thank you for your story!"),
        RequestStatus.WITHDRAWN: _("You withdrew your request."),
    }
    return messages.get(request.status, _("We received your request."))


def build_outcome(request, language=None) -> Outcome:
    """Describe a stored request's state per need, in the given language."""
    with translation.override(language or request.language):
        needs = []
        for need in request.need_set.all():
            describe = NEED_TEXTS.get(need.kind)
            if describe is None:
                title, message = need.kind, need.details.get("message", "")
            else:
                title, message = describe(need, request)
            needs.append(
                NeedOutcome(
                    kind=need.kind,
                    status=need.status,
                    reason=need.reason,
                    title=title,
                    message=message,
                    details=dict(need.details),
                    label=need_name(need.kind),
                    note=need.details.get("note", "")
                    if need.status == NeedStatus.DECLINED
                    else "",
                )
            )
        return Outcome(
            reference=request.reference,
            status=request.status,
            status_label=str(RequestStatus(request.status).label),
            message=_overall_message(request),
            needs=needs,
        )
