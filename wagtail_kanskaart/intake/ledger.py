"""Reserve, release and pay out money, atomically.

Each function changes the account totals with one conditional UPDATE, so two
transactions can never both take the last euros, and writes a ledger entry.
A check constraint in the database backs up the same rule.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from ..models import BudgetAccount, LedgerEntry

logger = logging.getLogger("wagtail_kanskaart")


class LedgerError(Exception):
    """The ledger cannot make this change (not enough money, nothing to release)."""


def account_for(budget, *, lock=False) -> BudgetAccount:
    """Return the budget's account, creating an empty one when it has none."""
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
    with transaction.atomic():
        account = account_for(budget)
        changed = BudgetAccount.objects.filter(
            pk=account.pk, amount__gte=F("reserved") + F("paid") + amount
        ).update(reserved=F("reserved") + amount)
        if not changed:
            logger.info(
                "Reservation refused, budget spent: budget=%s request=%s",
                budget.pk,
                request.reference,
            )
            raise LedgerError("not enough money left")
        return LedgerEntry.objects.create(
            account=account, request=request, kind=LedgerEntry.Kind.RESERVE,
            amount=amount, created_by=user,
        )


def reserved_for(request) -> Decimal:
    """Return what is reserved and not yet released or paid for a request."""
    total = Decimal("0.00")
    for entry in request.ledger_entries.all():
        if entry.kind == LedgerEntry.Kind.RESERVE:
            total += entry.amount
        else:
            total -= entry.amount
    return total


def release(request, user=None) -> Decimal:
    """Release what is still reserved for a request; return the amount released."""
    with transaction.atomic():
        amount = reserved_for(request)
        if amount <= 0:
            return Decimal("0.00")
        account = request.budget.account
        BudgetAccount.objects.filter(pk=account.pk).update(reserved=F("reserved") - amount)
        LedgerEntry.objects.create(
            account=account, request=request, kind=LedgerEntry.Kind.RELEASE,
            amount=amount, created_by=user,
        )
        return amount


def pay(request, user=None) -> Decimal:
    """Turn what is reserved for a request into a payout; return the amount."""
    with transaction.atomic():
        amount = reserved_for(request)
        if amount <= 0:
            raise LedgerError("nothing reserved to pay out")
        account = request.budget.account
        BudgetAccount.objects.filter(pk=account.pk).update(
            reserved=F("reserved") - amount, paid=F("paid") + amount
        )
        LedgerEntry.objects.create(
            account=account, request=request, kind=LedgerEntry.Kind.PAY,
            amount=amount, created_by=user,
        )
        return amount
