"""Reserve, release and pay out money, atomically.

Each function changes the account totals with one conditional UPDATE, so two
transactions can never both take the last euros, and writes a ledger entry.
Check constraints in the database back up the same rules: reserved plus paid
never exceeds the amount, and no total goes below zero.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ..models import BudgetAccount, InitiativeRequest, LedgerEntry

logger = logging.getLogger("wagtail_kanskaart")

ZERO = Decimal("0.00")


class LedgerError(Exception):
    """The ledger cannot make this change (not enough money, nothing to release)."""


def account_for(budget, *, lock=False) -> BudgetAccount:
    """Return the budget's account, creating an empty one when it has none.

    With ``lock`` the row stays locked until the transaction ends, which
    serialises grant decisions per budget on PostgreSQL. SQLite has no row
    locks; there the intake relies on ``transaction_mode`` IMMEDIATE, which
    serialises every writing transaction.
    """
    if budget is None:
        raise LedgerError("no budget")
    account, _created = BudgetAccount.objects.get_or_create(budget=budget)
    if lock:
        account = BudgetAccount.objects.select_for_update().get(pk=account.pk)
    return account


def set_amount(budget, amount: Decimal) -> None:
    """Give the account a new amount. Raises LedgerError below what is committed."""
    with transaction.atomic():
        account = account_for(budget, lock=True)
        changed = BudgetAccount.objects.filter(
            pk=account.pk, reserved__lte=amount - F("paid")
        ).update(amount=amount)
        if not changed:
            raise LedgerError("amount below committed money")


def reserve(budget, request, amount: Decimal, user=None) -> LedgerEntry:
    """Reserve money for a request. Raises LedgerError when too little is left."""
    if amount is None or amount <= 0:
        raise LedgerError(f"cannot reserve {amount}: the amount must be above zero")
    with transaction.atomic():
        account = account_for(budget)
        changed = BudgetAccount.objects.filter(
            pk=account.pk, amount__gte=F("reserved") + F("paid") + amount
        ).update(reserved=F("reserved") + amount)
        if not changed:
            logger.info(
                "Reservation rejected, not enough money left: budget=%s request=%s",
                budget.pk,
                request.reference,
            )
            raise LedgerError("not enough money left")
        return LedgerEntry.objects.create(
            account=account,
            request=request,
            kind=LedgerEntry.Kind.RESERVE,
            amount=amount,
            created_by=user,
        )


def _open_by_account(request) -> dict[int, Decimal]:
    """Return per account what is reserved for a request and not released or paid.

    Reads the stored entries, never a prefetched copy.
    """
    totals: dict[int, Decimal] = {}
    for account_id, kind, amount in LedgerEntry.objects.filter(
        request=request
    ).values_list("account_id", "kind", "amount"):
        sign = 1 if kind == LedgerEntry.Kind.RESERVE else -1
        totals[account_id] = totals.get(account_id, ZERO) + sign * amount
    return {account_id: total for account_id, total in totals.items() if total > 0}


def reserved_for(request) -> Decimal:
    """Return what is reserved and not yet released or paid for a request."""
    return sum(_open_by_account(request).values(), ZERO)


def paid_for(request) -> Decimal:
    """Return what was paid out for a request."""
    entries = LedgerEntry.objects.filter(request=request, kind=LedgerEntry.Kind.PAY)
    return sum(entries.values_list("amount", flat=True), ZERO)


def _lock_request(request):
    # Release and payout of one request must not interleave: both read what
    # is open and then move it, so the second would move it twice.
    InitiativeRequest.objects.select_for_update().filter(pk=request.pk).first()


def release(request, user=None) -> Decimal:
    """Release what is still reserved for a request; return the amount released."""
    with transaction.atomic():
        _lock_request(request)
        released = ZERO
        for account_id, amount in _open_by_account(request).items():
            BudgetAccount.objects.filter(pk=account_id).update(
                reserved=F("reserved") - amount
            )
            LedgerEntry.objects.create(
                account_id=account_id,
                request=request,
                kind=LedgerEntry.Kind.RELEASE,
                amount=amount,
                created_by=user,
            )
            released += amount
        return released


def pay(request, user=None) -> Decimal:
    """Turn what is reserved for a request into a payout; return the amount.

    Raises LedgerError when nothing is reserved. This changes money only;
    ``lifecycle.mark_paid`` also sets the request's status.
    """
    with transaction.atomic():
        _lock_request(request)
        open_amounts = _open_by_account(request)
        if not open_amounts:
            raise LedgerError("nothing reserved to pay out")
        paid = ZERO
        for account_id, amount in open_amounts.items():
            BudgetAccount.objects.filter(pk=account_id).update(
                reserved=F("reserved") - amount, paid=F("paid") + amount
            )
            LedgerEntry.objects.create(
                account_id=account_id,
                request=request,
                kind=LedgerEntry.Kind.PAY,
                amount=amount,
                created_by=user,
            )
            paid += amount
        return paid
