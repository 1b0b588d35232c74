"""The grant decision: grant at once, or let an editor look.

The decision is made on trust: no receipts, only limits. The ledger has the
last word, so a hook or a race can never grant money that is not there.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail import hooks

from ..conf import kanskaart_settings

# Reason codes, shared by the outcome texts, the admin and the API.
GRANTED = "granted"
NO_BUDGET = "no_budget"
ABOVE_INSTANT_LIMIT = "above_instant_limit"
RESIDENT_CAP_REACHED = "resident_cap"
BUDGET_SPENT = "budget_spent"
HOOK = "hook"


@dataclass(frozen=True)
class Limits:
    budget: object  # BudgetPage or None
    instant_grant_limit: Decimal
    max_request_amount: Decimal
    resident_cap: Decimal


@dataclass(frozen=True)
class GrantDecision:
    """What the policy decided for a budget need.

    ``grant`` True means: reserve ``amount`` now. ``reason`` is one of the
    reason codes above; a hook may use a code of its own.
    """

    grant: bool
    amount: Decimal
    reason: str
    budget: object = None

    def refuse(self, reason):
        return replace(self, grant=False, reason=reason)


def _first_set(*values):
    return next(value for value in values if value is not None)


def find_budget(municipality, neighbourhood, day=None):
    """Return the live budget that covers this neighbourhood today, or None.

    A budget for named neighbourhoods goes before one for the whole
    municipality; among equals, the one that ends first.
    """
    from ..models import BudgetPage

    day = day or timezone.localdate()
    budgets = (
        BudgetPage.objects.live()
        .child_of(municipality)
        .filter(period_start__lte=day, period_end__gte=day)
        .annotate(area_count=Count("neighbourhoods"))
    )
    if neighbourhood is not None:
        budgets = budgets.filter(Q(neighbourhoods=neighbourhood) | Q(area_count=0))
    else:
        budgets = budgets.filter(area_count=0)
    return budgets.order_by("-area_count", "period_end", "pk").first()


def limits_for(municipality, neighbourhood, day=None) -> Limits:
    budget = find_budget(municipality, neighbourhood, day) if neighbourhood else None
    layers = [budget, municipality] if budget else [municipality]

    def pick(name):
        return _first_set(
            *(getattr(layer, name) for layer in layers),
            getattr(kanskaart_settings, name.upper()),
        )

    return Limits(
        budget=budget,
        instant_grant_limit=pick("instant_grant_limit"),
        max_request_amount=pick("max_request_amount"),
        resident_cap=pick("resident_cap"),
    )


def granted_to_resident(budget, resident_key, exclude_request=None) -> Decimal:
    """Sum what this resident holds in this budget: reserved or paid, not released."""
    from ..models import LedgerEntry

    entries = LedgerEntry.objects.filter(
        account__budget=budget, request__resident_key=resident_key
    )
    if exclude_request is not None:
        entries = entries.exclude(request=exclude_request)
    totals = entries.values("kind").annotate(total=Sum("amount"))
    by_kind = {row["kind"]: row["total"] for row in totals}
    reserved = by_kind.get("reserve", Decimal(0)) - by_kind.get("release", Decimal(0))
    return reserved


def decide_grant(request, amount: Decimal, limits: Limits, *, instant=True) -> GrantDecision:
    """Decide a budget need. Call it with the budget account locked.

    With ``instant`` False (an editor approving), the instant-grant limit does
    not apply, but the resident cap and the money left still do.
    """
    budget = limits.budget
    decision = GrantDecision(grant=True, amount=amount, reason=GRANTED, budget=budget)

    if budget is None:
        decision = decision.refuse(NO_BUDGET)
    elif instant and amount > limits.instant_grant_limit:
        decision = decision.refuse(ABOVE_INSTANT_LIMIT)
    elif (
        granted_to_resident(budget, request.resident_key, exclude_request=request) + amount
        > limits.resident_cap
    ):
        decision = decision.refuse(RESIDENT_CAP_REACHED)
    elif budget.account.available < amount:
        decision = decision.refuse(BUDGET_SPENT)

    for hook in hooks.get_hooks("construct_kanskaart_grant_decision"):
        result = hook(decision, request)
        if result is not None:
            decision = result
    return decision
