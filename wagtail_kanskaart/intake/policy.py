"""The grant decision: grant at once, or let an editor look.

The decision is made on trust: no receipts, only limits. The ledger has the
last word, so a hook or a race can never grant money that is not there.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
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
# An editor granted the money after review (not at once by the policy).
APPROVED = "approved"


@dataclass(frozen=True)
class Limits:
    budget: object  # BudgetPage or None
    instant_grant_limit: Decimal
    max_request_amount: Decimal
    resident_cap: Decimal


@dataclass(frozen=True)
class GrantDecision:
    """The policy's decision on a budget need.

    ``grant`` True means: reserve ``amount`` now. ``reason`` is one of the
    reason codes above; a hook may use a code of its own.
    """

    grant: bool
    amount: Decimal
    reason: str
    budget: object = None

    def refuse(self, reason):
        return replace(self, grant=False, reason=reason)

    def allow(self, reason=HOOK):
        """Return this decision turned into a grant, e.g. from a hook."""
        return replace(self, grant=True, reason=reason)


def _first_set(*values):
    return next(value for value in values if value is not None)


def covering_budgets(municipality, neighbourhood, day=None) -> list:
    """Return the live budgets that cover this neighbourhood on ``day``, in order.

    A budget for named neighbourhoods goes before one for the whole
    municipality. Among equals the one that ends first goes first, then the
    oldest page. Without a neighbourhood only whole-municipality budgets count.
    """
    from ..models import BudgetPage

    day = day or timezone.localdate()
    areas = BudgetPage.neighbourhoods.through.objects
    budgets = (
        BudgetPage.objects.live()
        .child_of(municipality)
        .filter(period_start__lte=day, period_end__gte=day)
        .annotate(named=Exists(areas.filter(budgetpage_id=OuterRef("pk"))))
    )
    covers = Q(named=False)
    if neighbourhood is not None:
        covers |= Q(
            pk__in=areas.filter(neighbourhood=neighbourhood).values("budgetpage_id")
        )
    return list(budgets.filter(covers).order_by("-named", "period_end", "pk"))


def find_budget(municipality, neighbourhood, day=None, amount=None):
    """Return the budget a request for ``amount`` draws from, or None.

    That is the first covering budget (see :func:`covering_budgets`) with at
    least ``amount`` left, so a spent neighbourhood budget passes requests on
    to a budget for the whole municipality. When none has enough left, or
    without ``amount``, it is the first covering budget.

    NOTE: the choice is made before the account is locked. When two requests
    take the last money of one budget at the same moment, the second goes to
    review as ``budget_spent`` even if a later budget still has money.
    """
    from ..models import BudgetAccount

    budgets = covering_budgets(municipality, neighbourhood, day)
    if not budgets or amount is None:
        return budgets[0] if budgets else None
    accounts = {
        account.budget_id: account
        for account in BudgetAccount.objects.filter(budget__in=budgets)
    }
    for budget in budgets:
        account = accounts.get(budget.pk)
        if account is not None and account.available >= amount:
            return budget
    return budgets[0]


def limits_for(municipality, neighbourhood, day=None, amount=None) -> Limits:
    """Return the budget for this request and the limits that apply to it.

    Each limit comes from the budget page, else the municipality page, else
    the ``KANSKAART_*`` setting: the first that is not empty.
    """
    budget = (
        find_budget(municipality, neighbourhood, day, amount) if neighbourhood else None
    )
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


def resident_keys(request) -> set[str]:
    """Return the keys that identify the resident of a request."""
    return {key for key in (request.resident_key, request.phone_key) if key}


def granted_to_resident(budget, keys, exclude_request=None) -> Decimal:
    """Sum what a resident holds in this budget: reserved or paid, not released.

    ``keys`` are the resident's keys (see :func:`resident_keys`); a request
    counts when its e-mail or phone key is one of them.
    """
    from ..models import LedgerEntry

    keys = {keys} if isinstance(keys, str) else set(keys)
    entries = LedgerEntry.objects.filter(account__budget=budget).filter(
        Q(request__resident_key__in=keys) | Q(request__phone_key__in=keys)
    )
    if exclude_request is not None:
        entries = entries.exclude(request=exclude_request)
    totals = entries.values("kind").annotate(total=Sum("amount"))
    by_kind = {row["kind"]: row["total"] for row in totals}
    # A payout moves reserved money to paid, so reserve minus release is
    # what the resident holds, paid or not.
    return by_kind.get("reserve", Decimal(0)) - by_kind.get("release", Decimal(0))


def money_left(budget) -> Decimal:
    """Return what the budget's account has left, read from the database now."""
    from ..models import BudgetAccount

    account = BudgetAccount.objects.filter(budget=budget).first()
    return account.available if account else Decimal("0.00")


def decide_grant(
    request, amount: Decimal, limits: Limits, *, instant=True
) -> GrantDecision:
    """Decide a budget need. Call it with the budget account locked.

    With ``instant`` False (an editor approving), the instant-grant limit does
    not apply, but the resident cap and the money left still do. The
    ``construct_kanskaart_grant_decision`` hooks may change the decision;
    the ledger still refuses to reserve more than is left.
    """
    budget = limits.budget
    decision = GrantDecision(grant=True, amount=amount, reason=GRANTED, budget=budget)

    if budget is None:
        decision = decision.refuse(NO_BUDGET)
    elif instant and amount > limits.instant_grant_limit:
        decision = decision.refuse(ABOVE_INSTANT_LIMIT)
    elif (
        granted_to_resident(budget, resident_keys(request), exclude_request=request)
        + amount
        > limits.resident_cap
    ):
        decision = decision.refuse(RESIDENT_CAP_REACHED)
    elif money_left(budget) < amount:
        decision = decision.refuse(BUDGET_SPENT)

    for hook in hooks.get_hooks("construct_kanskaart_grant_decision"):
        result = hook(decision, request)
        if result is not None:
            decision = result
    return decision
