"""Readable texts of a request for editors: labels, amounts, times and history.

The list, the inspect view, the exports and the log messages take their
words from here, so a need or a reason reads the same on every screen.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import get_language_info, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from ..conf import kanskaart_settings
from ..intake import actions, booking, ledger, policy, support
from ..intake.forms import euro
from ..intake.outcome import format_period
from ..models import LedgerEntry, Notification
from ..models.requests import NeedKind, NeedStatus, RequestStatus

NEED_LABELS = {
    NeedKind.BUDGET: pgettext_lazy("need kind", "money"),
    NeedKind.SPACE: pgettext_lazy("need kind", "room"),
    NeedKind.SUPPORT: pgettext_lazy("need kind", "support"),
}

REASON_LABELS = {
    policy.GRANTED: gettext_lazy("granted at once, within the limits"),
    policy.APPROVED: gettext_lazy("approved by an editor"),
    policy.NO_BUDGET: gettext_lazy("no budget covers this neighbourhood"),
    policy.ABOVE_INSTANT_LIMIT: gettext_lazy(
        "the amount is above the instant grant limit"
    ),
    policy.RESIDENT_CAP_REACHED: gettext_lazy(
        "the resident would go above the maximum per resident"
    ),
    policy.BUDGET_SPENT: gettext_lazy("not enough money left in the budget"),
    policy.HOOK: gettext_lazy("decided by an extension of this site"),
    booking.BOOKED: gettext_lazy("booked"),
    booking.NO_SPACE: gettext_lazy("no room for this neighbourhood"),
    booking.CLOSED: gettext_lazy("the rooms are closed at that time"),
    booking.TOO_SMALL: gettext_lazy("the rooms are too small for that many people"),
    booking.FULLY_BOOKED: gettext_lazy("the rooms are booked at that time"),
    support.ASSIGNED: gettext_lazy("support contact assigned"),
    support.NO_CONTACT: gettext_lazy(
        "no support contact for this neighbourhood and kind of help"
    ),
    actions.DECLINED: gettext_lazy("declined by an editor"),
    actions.BOOKING_CANCELLED: gettext_lazy("booking cancelled by an editor"),
    actions.DATE_PASSED: gettext_lazy("the date has passed"),
}

SOURCE_LABELS = {
    "form": gettext_lazy("form on the website"),
    "api": gettext_lazy("embedded form or API"),
    "card": gettext_lazy("form opened from a paper card"),
}


def need_label(kind) -> str:
    """Return the editors' word for a need kind, e.g. "money" for "budget"."""
    return str(NEED_LABELS.get(kind, kind))


def need_labels(kinds) -> str:
    """Return need kinds as one readable list, e.g. "money, room"."""
    return ", ".join(need_label(kind) for kind in kinds)


def reason_label(code) -> str:
    if not code:
        return ""
    return str(REASON_LABELS.get(code, code))


def status_label(status) -> str:
    try:
        return str(RequestStatus(status).label)
    except ValueError:
        return str(status)


def need_status_label(status) -> str:
    try:
        return str(NeedStatus(status).label)
    except ValueError:
        return str(status)


def source_label(source) -> str:
    return str(SOURCE_LABELS.get(source, source))


def language_label(code) -> str:
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def local_time_zone():
    return zoneinfo.ZoneInfo(kanskaart_settings.TIME_ZONE)


def local_datetime(value: datetime.datetime) -> datetime.datetime:
    """Return an aware datetime in the booking time zone (Europe/Amsterdam)."""
    return timezone.localtime(value, local_time_zone())


def datetime_text(value) -> str:
    """Return e.g. "14-3-2026 10:05" in the booking time zone and active language."""
    if value is None:
        return ""
    return formats.date_format(local_datetime(value), "SHORT_DATETIME_FORMAT")


def money_text(amount) -> str:
    if amount is None or amount == "":
        return ""
    return euro(Decimal(str(amount)))


def phone_text(value) -> str:
    from ..templatetags.kanskaart_tags import phone_display

    return phone_display(value)


# The needs of one request


def _asked(request, kind) -> list[str]:
    if kind == NeedKind.BUDGET:
        lines = [
            _("Amount: %(amount)s") % {"amount": money_text(request.budget_amount)}
        ]
        if request.budget_purpose:
            lines.append(_("For: %(purpose)s") % {"purpose": request.budget_purpose})
        return lines
    if kind == NeedKind.SPACE and request.space_date and request.space_start:
        zone = local_time_zone()
        starts_at = datetime.datetime.combine(
            request.space_date, request.space_start, tzinfo=zone
        )
        ends_at = datetime.datetime.combine(
            request.space_date, request.space_end or request.space_start, tzinfo=zone
        )
        return [
            format_period(starts_at.isoformat(), ends_at.isoformat()),
            _("Number of people: %(people)s") % {"people": request.space_people},
        ]
    if kind == NeedKind.SUPPORT:
        from ..templatetags.kanskaart_tags import support_kind_label

        lines = [
            _("Kind of help: %(kind)s")
            % {"kind": support_kind_label(request.support_kind)}
        ]
        if request.support_note:
            lines.append(_("Note: %(note)s") % {"note": request.support_note})
        return lines
    return []


def _arranged(need) -> list[str]:
    details = need.details or {}
    lines = []
    if need.kind == NeedKind.BUDGET and "amount" in details:
        if need.status == NeedStatus.ARRANGED:
            lines.append(
                _("Granted: %(amount)s") % {"amount": money_text(details["amount"])}
            )
    elif need.kind == NeedKind.SPACE and "starts_at" in details:
        room = details.get("space", "")
        if details.get("address"):
            room = f"{room}, {details['address']}"
        lines.append(room)
        lines.append(format_period(details["starts_at"], details["ends_at"]))
        if details.get("people"):
            lines.append(
                _("Number of people: %(people)s") % {"people": details["people"]}
            )
    elif need.kind == NeedKind.SUPPORT and "name" in details:
        who = details["name"]
        if details.get("organisation"):
            who = f"{who} ({details['organisation']})"
        lines.append(who)
        if details.get("response_days"):
            lines.append(
                _("Contacts the resident within %(days)s days")
                % {"days": details["response_days"]}
            )
    if details.get("note"):
        lines.append(_("Editor's note: %(note)s") % {"note": details["note"]})
    return lines


def need_rows(request) -> list[dict]:
    """Return per need what was asked, its status, the reason and what was arranged."""
    return [
        {
            "kind": need.kind,
            "label": need_label(need.kind),
            "status": need.status,
            "status_label": need_status_label(need.status),
            "reason": reason_label(need.reason),
            "asked": _asked(request, need.kind),
            "arranged": _arranged(need),
        }
        for need in request.need_set.all()
    ]


def granted_amount(request) -> Decimal | None:
    """Return the amount granted to a request's budget need, or None."""
    need = request.need(NeedKind.BUDGET)
    if need is None or need.status != NeedStatus.ARRANGED:
        return None
    amount = (need.details or {}).get("amount")
    return Decimal(amount) if amount else None


def money_rows(request) -> list[tuple[str, str]]:
    """Return the request's money as (label, value) rows, asked to paid."""
    if NeedKind.BUDGET not in request.needs:
        return []
    return [
        (_("Amount asked"), money_text(request.budget_amount)),
        (_("Amount granted"), money_text(granted_amount(request)) or "-"),
        (_("Reserved, not yet paid"), money_text(ledger.reserved_for(request))),
        (_("Paid"), money_text(ledger.paid_for(request))),
        (_("Budget"), request.budget.title if request.budget_id else "-"),
    ]


# History


def _period_of(value) -> str:
    if isinstance(value, dict) and "starts_at" in value and "ends_at" in value:
        text = format_period(value["starts_at"], value["ends_at"])
        if value.get("space"):
            return f"{value['space']}, {text}"
        return text
    return ""


def describe_log_data(action, data) -> list[str]:
    """Return the data of a request's log entry as short readable lines."""
    data = dict(data or {})
    lines = []
    if "from" in data and "to" in data:
        lines.append(
            _("from %(before)s to %(after)s")
            % {
                "before": status_label(data.pop("from")),
                "after": status_label(data.pop("to")),
            }
        )
    if "starts_at" in data and "ends_at" in data:
        period = {
            "space": data.pop("space", ""),
            "starts_at": data.pop("starts_at"),
            "ends_at": data.pop("ends_at"),
        }
        lines.append(_("Room: %(booking)s") % {"booking": _period_of(period)})

    labelled = [
        ("reason", _("Reason: %(value)s"), str),
        ("arranged", _("Arranged: %(value)s"), need_labels),
        ("in_review", _("Still in review: %(value)s"), need_labels),
        ("amount", _("Amount: %(value)s"), money_text),
        ("budget", _("Budget: %(value)s"), str),
        ("released", _("Released: %(value)s"), money_text),
        ("paid", _("Paid: %(value)s"), money_text),
        ("space", _("Room: %(value)s"), str),
        ("people", _("Number of people: %(value)s"), str),
        ("contact", _("Support contact: %(value)s"), str),
        ("bookings_cancelled", _("Bookings cancelled: %(value)s"), str),
        ("source", _("Source: %(value)s"), source_label),
        ("page_type", _("Page: %(value)s"), page_kind_label),
        ("batch", _("Payout batch: %(value)s"), str),
        ("reference", _("Payout batch: %(value)s"), str),
        ("removed", _("Removed: %(value)s"), str),
        ("requests", _("Requests: %(value)s"), str),
        ("total", _("Total: %(value)s"), money_text),
        ("format", _("File: %(value)s"), str.upper),
        ("photos", _("Photos: %(value)s"), str),
    ]
    # Shown by the headline (see log_headline) or only useful to developers.
    for key in ("changed", "page", "revision"):
        data.pop(key, None)
    for key, template, formatter in labelled:
        value = data.pop(key, None)
        if value in (None, "", []):
            continue
        lines.append(template % {"value": formatter(value)})

    previous = data.pop("previous", None)
    if isinstance(previous, dict):
        lines.append(_("Before: %(value)s") % {"value": _period_of(previous)})
    elif previous:
        lines.append(_("Before: %(value)s") % {"value": previous})

    # Data that other parts of the package or a site's hooks logged.
    for key, value in sorted(data.items()):
        if value not in (None, "", [], {}):
            lines.append(f"{key}: {value}")
    return lines


PAGE_KIND_LABELS = {
    "initiative": gettext_lazy("initiative page"),
    "story": gettext_lazy("story"),
}


def page_kind_label(kind) -> str:
    return str(PAGE_KIND_LABELS.get(kind, kind))


# Actions that a resident takes from the status page, the form or the API.
# They are logged without a user, because a resident has no account.
RESIDENT_ACTIONS = {
    "wagtail_kanskaart.submitted",
    "wagtail_kanskaart.iban_given",
    "wagtail_kanskaart.changes_resubmitted",
    "wagtail_kanskaart.story_submitted",
    "wagtail_kanskaart.story_resubmitted",
}

# The states of intake.story.StoryState, as editors read them.
STORY_STATE_LABELS = {
    "not_yet": gettext_lazy(
        "not yet: the resident can write it once the "
        "request is granted and any money is paid"
    ),
    "can_write": gettext_lazy("the resident can write it now"),
    "in_review": gettext_lazy("waiting for moderation"),
    "changes_requested": gettext_lazy("changes requested from the resident"),
    "published": gettext_lazy("published"),
    "waiting": gettext_lazy("draft, not in moderation: publish it yourself"),
    "closed": gettext_lazy("none"),
}


def story_summary(request) -> dict:
    """Return the state of the resident's story as text, with its page's id."""
    from ..intake.story import story_state

    state = story_state(request)
    return {
        "label": str(STORY_STATE_LABELS.get(state.state, state.state)),
        "page_id": state.page.pk if state.page is not None else None,
        "url": state.url,
    }


def log_actor(entry) -> str:
    """Return who took a logged action: the editor, "resident" or "system"."""
    if entry.user_id is not None:
        return entry.user_display_name
    data = entry.data or {}
    withdrawn = (
        entry.action == "wagtail_kanskaart.status_changed"
        and data.get("to") == RequestStatus.WITHDRAWN
    )
    if entry.action in RESIDENT_ACTIONS or withdrawn:
        return _("resident")
    return _("system")


def log_headline(entry) -> str:
    """Return the short message of a log entry, without its data."""
    if entry.action == "wagtail_kanskaart.iban_given":
        if (entry.data or {}).get("changed"):
            return _("Account number changed")
        return _("Account number given")
    return str(getattr(entry.formatter, "message", "") or entry.message)


def log_text(entry) -> str:
    """Return a log entry as one line: its short message and its data in words."""
    details = describe_log_data(entry.action, entry.data)
    if not details:
        return log_headline(entry)
    return _("%(action)s: %(details)s") % {
        "action": log_headline(entry),
        "details": "; ".join(details),
    }


def history_rows(request) -> list[dict]:
    """Return the request's log entries, oldest first, with who, when and what."""
    from wagtail.log_actions import registry

    entries = (
        registry.get_logs_for_instance(request)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    return [
        {
            "when": datetime_text(entry.timestamp),
            "who": log_actor(entry),
            # The history lists the data below, so the short message is enough.
            "what": log_headline(entry),
            "details": describe_log_data(entry.action, entry.data),
        }
        for entry in entries
    ]


def ledger_rows(request) -> list[dict]:
    entries = (
        LedgerEntry.objects.filter(request=request)
        .select_related("account__budget", "created_by")
        .order_by("created_at", "pk")
    )
    return [
        {
            "when": datetime_text(entry.created_at),
            "kind": entry.get_kind_display(),
            "amount": money_text(entry.amount),
            "budget": entry.account.budget.title,
            "who": (
                entry.created_by.get_full_name() or entry.created_by.get_username()
                if entry.created_by
                else _("system")
            ),
        }
        for entry in entries
    ]


EVENT_LABELS = {
    "submitted": gettext_lazy("request received"),
    "withdrawn": gettext_lazy("request withdrawn"),
    "approved": gettext_lazy("request approved"),
    "declined": gettext_lazy("request declined"),
    "paid": gettext_lazy("money paid out"),
    "booking_changed": gettext_lazy("booking changed"),
    "booking_cancelled": gettext_lazy("booking cancelled"),
    "support_reassigned": gettext_lazy("support contact changed"),
    "support_released": gettext_lazy("support contact released"),
    "iban_changed": gettext_lazy("bank account changed"),
    "published": gettext_lazy("initiative page online"),
    "changes_requested": gettext_lazy("changes to the idea requested"),
    "story_submitted": gettext_lazy("story received"),
    "story_changes_requested": gettext_lazy("changes to the story requested"),
    "story_published": gettext_lazy("story online"),
}


def notification_rows(request) -> list[dict]:
    """Return the messages queued for a request, without their addresses."""
    notifications = Notification.objects.filter(request=request).order_by(
        "created_at", "pk"
    )
    return [
        {
            "when": datetime_text(notification.created_at),
            "event": str(EVENT_LABELS.get(notification.event, notification.event)),
            "audience": notification.get_audience_display(),
            "channel": notification.channel,
            "status": notification.get_status_display(),
            "sent": datetime_text(notification.sent_at),
        }
        for notification in notifications
    ]
