"""Payouts: the resident's bank account, and the batches editors pay out.

Money moves only in ``lifecycle.mark_paid``, through the ledger. This module
decides which requests may be paid, groups them into batches, and marks a
whole batch paid in one transaction. A request is in at most one open batch:
batch creation locks the request rows and takes only rows without a batch.

IBANs are personal data. They are stored in compact form, shown in full only
to editors of the municipality, and masked everywhere else. They never go
into log entries or log messages.
"""

import datetime
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..models import InitiativeRequest, LedgerEntry, PayoutBatch, RequestNeed
from ..models.requests import NeedKind, NeedStatus
from ..notifications.outbox import queue_notifications
from . import ledger, lifecycle
from .fields import PlainTextField

logger = logging.getLogger("wagtail_kanskaart")

ZERO = Decimal("0.00")


class PayoutError(Exception):
    """A payout change that is not allowed; the message is for the editor."""


# The resident's bank account ----------------------------------------------


# Characters that banking apps and web pages put between the groups of an
# IBAN: hyphens and dashes, dots. Invisible characters (Unicode category Cf,
# such as the zero-width space) are removed as well.
IBAN_SEPARATORS = str.maketrans("", "", "-.\u2010\u2011\u2012\u2013\u2014\u2212")


def _strip_separators(text: str) -> str:
    visible = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return " ".join(visible.translate(IBAN_SEPARATORS).split())


def parse_iban(value) -> str:
    """Return the IBAN in compact form ("NL91ABNA0417164300") or raise ValidationError.

    Spaces, hyphens, dots, invisible characters and lower case are
    accepted. schwifty checks the country's length and format and the
    check digits. Only accounts in the SEPA zone are
    accepted, because the payout file is a SEPA credit transfer.
    """
    from schwifty import IBAN
    from schwifty.exceptions import (
        InvalidChecksumDigits,
        InvalidCountryCode,
        SchwiftyException,
    )

    text = _strip_separators(str(value or ""))
    if not text:
        raise ValidationError(_("Fill in your IBAN."), code="required")
    try:
        iban = IBAN(text)
    except InvalidChecksumDigits as error:
        raise ValidationError(
            _(
                "This IBAN is not right. Maybe there is a typing error. "
                "Check it on your bank card or in your banking app."
            ),
            code="checksum",
        ) from error
    except InvalidCountryCode as error:
        # schwifty raises this only for 2 letters that are no IBAN country.
        raise ValidationError(
            _(
                "We cannot pay to a bank account in this country. We can only "
                "pay to a bank account in Europe."
            ),
            code="country",
        ) from error
    except SchwiftyException as error:
        raise ValidationError(
            _(
                "This is not an IBAN. An IBAN looks like this: "
                "NL91 ABNA 0417 1643 00. Check it on your bank card or in "
                "your banking app."
            ),
            code="invalid",
        ) from error
    if not iban.in_sepa_zone:
        raise ValidationError(
            _("We can only pay to a bank account in Europe."), code="not_sepa"
        )
    return iban.compact


def mask_iban(iban: str) -> str:
    """Return the IBAN with all but the country and the last 4 characters hidden.

    For example "NL** **** **** **** 4300". The number of hidden groups
    follows the length and reveals nothing else about the account.
    """
    if not iban or len(iban) < 8:
        return ""
    hidden_groups = -(-(len(iban) - 8) // 4)
    return " ".join([iban[:2] + "**", *(["****"] * hidden_groups), iban[-4:]])


def format_iban(iban: str) -> str:
    """Return the IBAN in groups of 4, the way banks print it."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


class IbanField(forms.CharField):
    """An IBAN as residents type it; cleans to the compact form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "autocapitalize": "characters",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = self.to_python(value)
        if len(value) > self.max_length:
            # Longer than any IBAN with spaces, so reject it before schwifty parses it.
            raise ValidationError(
                _("This is not an IBAN. An IBAN has at most 34 letters and digits."),
                code="max_length",
            )
        return parse_iban(value)


class IbanForm(forms.Form):
    """The resident's bank account: the hosted page and the API use this form."""

    iban = IbanField(
        label=_("Your IBAN"),
        help_text=_("Your bank account number. For example: NL91 ABNA 0417 1643 00."),
    )
    account_holder = PlainTextField(
        single_line=True,
        label=_("Name of the account holder"),
        help_text=_("The name that your bank shows with this account."),
        max_length=70,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Fill in the name of the account holder."),
            "max_length": _("Fill in a shorter name (at most 70 letters)."),
        },
    )


def has_budget_granted(request_obj) -> bool:
    need = request_obj.need(NeedKind.BUDGET)
    return need is not None and need.status == NeedStatus.ARRANGED


def may_give_iban(request_obj) -> bool:
    """Tell whether the resident may give or change her IBAN now.

    Only while money is granted, reserved and not yet paid, and only until
    the request is put in a payout batch.
    """
    return (
        request_obj.status in lifecycle.PAYABLE
        and request_obj.payout_batch_id is None
        and has_budget_granted(request_obj)
        and ledger.reserved_for(request_obj) > 0
    )


def give_iban(request_obj, iban: str, holder: str, user=None):
    """Store the bank account the money goes to; return the updated request.

    ``iban`` must be the compact form from :func:`parse_iban`. The request
    row is locked first, so a batch that an editor creates at the same time
    either contains the new account or refuses to take the request.
    Raises ``PayoutError`` when the IBAN can no longer be given.
    """
    with transaction.atomic():
        request_obj = (
            InitiativeRequest.objects.select_for_update()
            .prefetch_related("need_set")
            .get(pk=request_obj.pk)
        )
        if not may_give_iban(request_obj):
            raise PayoutError(request_obj.status)
        changed = bool(request_obj.iban)
        request_obj.iban = iban
        request_obj.iban_holder = holder
        request_obj.iban_given_at = timezone.now()
        request_obj.save(
            update_fields=["iban", "iban_holder", "iban_given_at", "updated_at"]
        )
        # The log entry records that the account was given, never which one.
        log(
            request_obj,
            "wagtail_kanskaart.iban_given",
            user=user,
            data={"changed": changed},
        )
        if changed:
            # Anyone with the status link can change the account, so the
            # resident gets a message about every change and can object in time.
            queue_notifications(
                request_obj, "iban_changed", context={"iban": mask_iban(iban)}
            )
    return request_obj


@dataclass
class PayoutState:
    """The payout facts that the resident's status page and the API show.

    ``amount`` is the money paid out, or before the payout the money reserved.
    """

    may_give_iban: bool
    iban_masked: str
    iban_given_at: datetime.datetime | None
    in_batch: bool
    paid: bool
    granted: bool
    amount: Decimal


def payout_state(request_obj) -> PayoutState:
    paid_amount = ledger.paid_for(request_obj)
    in_batch = (
        request_obj.payout_batch_id is not None
        and request_obj.payout_batch.status == PayoutBatch.Status.OPEN
    )
    return PayoutState(
        may_give_iban=may_give_iban(request_obj),
        iban_masked=mask_iban(request_obj.iban),
        iban_given_at=request_obj.iban_given_at,
        in_batch=in_batch,
        paid=paid_amount > 0,
        granted=has_budget_granted(request_obj),
        amount=paid_amount or ledger.reserved_for(request_obj),
    )


# Batches -------------------------------------------------------------------


def with_amounts(queryset):
    """Annotate requests with ``open_amount`` (reserved, not released or paid)
    and ``paid_amount`` (paid out), summed from the ledger entries."""
    kind = "ledger_entries__kind"
    amount = "ledger_entries__amount"
    reserved = Sum(amount, filter=Q(**{kind: LedgerEntry.Kind.RESERVE}), default=ZERO)
    released_or_paid = Sum(
        amount,
        filter=Q(**{f"{kind}__in": [LedgerEntry.Kind.RELEASE, LedgerEntry.Kind.PAY]}),
        default=ZERO,
    )
    paid = Sum(amount, filter=Q(**{kind: LedgerEntry.Kind.PAY}), default=ZERO)
    return queryset.annotate(open_amount=reserved - released_or_paid, paid_amount=paid)


def _budget_granted():
    return Exists(
        RequestNeed.objects.filter(
            request=OuterRef("pk"), kind=NeedKind.BUDGET, status=NeedStatus.ARRANGED
        )
    )


def _unbatched_granted(municipality):
    return InitiativeRequest.objects.filter(
        municipality=municipality,
        status__in=lifecycle.PAYABLE,
        payout_batch__isnull=True,
    ).filter(_budget_granted())


def payout_candidates(municipality):
    """Return the municipality's requests with granted money that waits for a batch."""
    return (
        with_amounts(_unbatched_granted(municipality))
        .filter(open_amount__gt=0)
        .select_related("neighbourhood")
        .order_by("created_at", "pk")
    )


def payable_requests(municipality):
    """Return the requests that can go into a batch now: money and an IBAN."""
    return payout_candidates(municipality).exclude(iban="")


def waiting_for_iban(municipality):
    """Return the requests whose money waits until the resident gives an IBAN."""
    return payout_candidates(municipality).filter(iban="")


# Banks accept a requested execution date up to about a year ahead, and a
# date further off is almost always a typing error ("9999-12-31").
EXECUTION_DAYS_AHEAD = 365


def last_execution_date(today=None) -> datetime.date:
    """Return the last payment date a new batch may have."""
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=EXECUTION_DAYS_AHEAD)


def check_execution_date(day, today=None):
    """Raise ``PayoutError`` unless ``day`` is today or at most a year ahead.

    Saturdays and Sundays are allowed: a bank pays such a transfer on its
    next working day.
    """
    today = today or timezone.localdate()
    last = last_execution_date(today)
    if day < today or day > last:
        raise PayoutError(
            _("Choose a payment date from today up to %(last)s.")
            % {"last": formats.date_format(last, "j F Y")}
        )


def new_batch_reference() -> str:
    """Return a reference such as "KK-20270314-3F9A1C": unique and short enough
    for the 35 characters SEPA allows in a reference."""
    return f"KK-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def create_batch(municipality, execution_date, user=None, request_ids=None):
    """Put payable requests into a new open batch; return the batch.

    With ``request_ids`` only those requests go in, and all of them must be
    payable; without, every payable request of the municipality goes in.
    The request rows are locked and taken only while they have no batch,
    so two editors who create a batch at one moment never share a request.
    Without ``execution_date`` the file asks the bank to pay at once.
    Raises ``PayoutError`` when the payment date is out of range, nothing
    can be paid out, or a chosen request no longer can.
    """
    if execution_date is not None:
        check_execution_date(execution_date)
    with transaction.atomic():
        chosen = _unbatched_granted(municipality).exclude(iban="")
        if request_ids is not None:
            chosen = chosen.filter(pk__in=request_ids)
        # FOR UPDATE cannot be combined with the sums below, so lock first.
        locked_ids = list(
            chosen.select_for_update().order_by("pk").values_list("pk", flat=True)
        )
        amounts = dict(
            with_amounts(InitiativeRequest.objects.filter(pk__in=locked_ids))
            .filter(open_amount__gt=0)
            .values_list("pk", "open_amount")
        )
        if request_ids is not None and set(amounts) != set(request_ids):
            raise PayoutError(
                _(
                    "Some of the chosen requests can no longer be paid out. "
                    "Reload the page and choose again."
                )
            )
        if not amounts:
            raise PayoutError(_("There is nothing to pay out."))

        total = sum(amounts.values(), ZERO)
        batch = PayoutBatch.objects.create(
            municipality=municipality,
            reference=new_batch_reference(),
            total=total,
            execution_date=execution_date,
            created_by=user,
        )
        InitiativeRequest.objects.filter(pk__in=amounts).update(payout_batch=batch)
        log(
            batch,
            "wagtail_kanskaart.payout_batch_created",
            user=user,
            data={"requests": len(amounts), "total": str(total)},
        )
        for request_obj in InitiativeRequest.objects.filter(pk__in=amounts):
            log(
                request_obj,
                "wagtail_kanskaart.payout_batch_added",
                user=user,
                data={"batch": batch.reference},
            )
    return batch


def batch_items(batch):
    """Return the batch's requests with ``amount``: open money, or paid once paid."""
    items = list(
        with_amounts(batch.requests.all())
        .select_related("neighbourhood")
        .prefetch_related("need_set")
        .order_by("reference")
    )
    for item in items:
        item.amount = (
            item.paid_amount
            if batch.status == PayoutBatch.Status.PAID
            else item.open_amount
        )
    return items


def batch_problems(batch, items=None) -> list:
    """Return the requests of an open batch that can no longer be paid out.

    A resident may withdraw, or an editor decline or pay a request by hand,
    after it was put in a batch. Such a request must be removed from the
    batch before the batch can be downloaded or marked paid.
    """
    if batch.status != PayoutBatch.Status.OPEN:
        return []
    if items is None:
        items = batch_items(batch)
    return [
        item
        for item in items
        if item.status not in lifecycle.PAYABLE
        or item.open_amount <= 0
        or not has_budget_granted(item)
    ]


def batch_total(items) -> Decimal:
    return sum((item.amount for item in items), ZERO)


def closed_batch_message(batch) -> str:
    """Return why a batch that is no longer open cannot be changed."""
    if batch.status == PayoutBatch.Status.CANCELLED:
        return _("This batch is cancelled already. It cannot be changed.")
    return _("This batch is paid already. It cannot be changed.")


def _locked_open_batch(batch):
    batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PayoutBatch.Status.OPEN:
        raise PayoutError(closed_batch_message(batch))
    return batch


def _refresh_total(batch):
    batch.total = batch_total(batch_items(batch))
    batch.save(update_fields=["total"])


def remove_from_batch(batch, request_obj, user=None):
    """Take a request out of an open batch; its money waits for the next batch.

    A batch without requests has nothing to pay, so removing its last
    request cancels it. Return the batch, with its new status.
    """
    with transaction.atomic():
        batch = _locked_open_batch(batch)
        removed = InitiativeRequest.objects.filter(
            pk=request_obj.pk, payout_batch=batch
        ).update(payout_batch=None)
        if not removed:
            raise PayoutError(_("This request is not in this batch."))
        log(
            request_obj,
            "wagtail_kanskaart.payout_batch_removed",
            user=user,
            data={"batch": batch.reference},
        )
        if not batch.requests.exists():
            # The total stays as it was, the record of what the file held.
            batch.cancelled_requests = [request_obj.reference]
            _cancel(batch, user)
            return batch
        _refresh_total(batch)
        log(
            batch,
            "wagtail_kanskaart.payout_batch_changed",
            user=user,
            data={"removed": request_obj.reference, "total": str(batch.total)},
        )
    return batch


def cancel_batch(batch, user=None):
    """Cancel an open batch; its requests wait for the next batch again.

    The batch stays as a record with status cancelled, the references of
    its requests and its total, because its file may have reached a bank.
    Return the batch.
    """
    with transaction.atomic():
        batch = _locked_open_batch(batch)
        requests = list(batch.requests.order_by("reference"))
        batch.cancelled_requests = [item.reference for item in requests]
        batch.requests.update(payout_batch=None)
        for request_obj in requests:
            log(
                request_obj,
                "wagtail_kanskaart.payout_batch_removed",
                user=user,
                data={"batch": batch.reference},
            )
        _cancel(batch, user)
    return batch


def _cancel(batch, user):
    batch.status = PayoutBatch.Status.CANCELLED
    batch.cancelled_at = timezone.now()
    batch.cancelled_by = user
    batch.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancelled_requests"]
    )
    log(
        batch,
        "wagtail_kanskaart.payout_batch_cancelled",
        user=user,
        data={"reference": batch.reference, "requests": len(batch.cancelled_requests)},
    )


def mark_batch_paid(batch, user=None):
    """Pay out every request of an open batch and mark the batch paid.

    All in one transaction: each request goes through ``lifecycle.mark_paid``
    (a PAY ledger entry, status paid, a message to the resident), and if
    one of them cannot be paid, nothing is. The batch row is locked, so a
    batch is marked paid once, also when two editors click at one moment.
    Raises ``PayoutError``.
    """
    with transaction.atomic():
        batch = _locked_open_batch(batch)
        requests = list(batch.requests.order_by("pk"))
        if not requests:
            raise PayoutError(_("This batch has no requests."))
        for request_obj in requests:
            try:
                lifecycle.mark_paid(request_obj, user=user, batch=batch)
            except lifecycle.TransitionError as error:
                raise PayoutError(
                    _(
                        "Request %(reference)s can no longer be paid out. "
                        "Remove it from the batch first."
                    )
                    % {"reference": request_obj.reference}
                ) from error
        batch.status = PayoutBatch.Status.PAID
        batch.paid_at = timezone.now()
        batch.paid_by = user
        batch.total = batch_total(batch_items(batch))
        batch.save(update_fields=["status", "paid_at", "paid_by", "total"])
        log(
            batch,
            "wagtail_kanskaart.payout_batch_paid",
            user=user,
            data={"requests": len(requests), "total": str(batch.total)},
        )
    logger.info(
        "Payout batch %s marked paid: %s requests, total %s",
        batch.reference,
        len(requests),
        batch.total,
    )
    return batch
