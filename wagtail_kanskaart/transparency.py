"""Public figures: money per budget and per neighbourhood, latest initiatives.

Everything here is safe for public pages and the public API: totals, titles
and neighbourhoods, never a resident's details.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from django.db.models import Case, DecimalField, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BudgetAccount,
    BudgetPage,
    InitiativePage,
    LedgerEntry,
    StoryPage,
)

ZERO = Decimal("0.00")

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact_contact_details(text: str) -> str:
    """Replace e-mail addresses and phone numbers in free text with a marker.

    Residents sometimes type their phone number or e-mail address into the
    description, which becomes the public summary of their idea. Names cannot
    be recognised this way, so the editors' moderation is the check for those.
    """
    if not text:
        return text
    marker = _("[contact details removed]")
    text = _EMAIL_RE.sub(marker, text)
    matches = list(phonenumbers.PhoneNumberMatcher(text, "NL"))
    for match in reversed(matches):
        text = text[: match.start] + marker + text[match.end :]
    return text


@dataclass(frozen=True)
class MoneySummary:
    total: Decimal
    granted: Decimal
    paid: Decimal
    available: Decimal


def budget_summary(budget) -> MoneySummary:
    account = BudgetAccount.objects.filter(budget=budget).first()
    if account is None:
        return MoneySummary(ZERO, ZERO, ZERO, ZERO)
    return MoneySummary(
        total=account.amount,
        granted=account.reserved + account.paid,
        paid=account.paid,
        available=account.available,
    )


def open_budgets(municipality, day=None):
    day = day or timezone.localdate()
    return (
        BudgetPage.objects.live()
        .public()
        .child_of(municipality)
        .filter(period_start__lte=day, period_end__gte=day)
        .prefetch_related("neighbourhoods")
        .order_by("period_end", "pk")
    )


def _granted_per_neighbourhood(budget_ids):
    signed = Case(
        When(kind=LedgerEntry.Kind.RELEASE, then=-F("amount")),
        When(kind=LedgerEntry.Kind.RESERVE, then=F("amount")),
        default=Decimal(0),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    rows = (
        LedgerEntry.objects.filter(account__budget_id__in=budget_ids)
        .values("request__neighbourhood_id")
        .annotate(total=Sum(signed))
    )
    return {row["request__neighbourhood_id"]: row["total"] or ZERO for row in rows}


def neighbourhood_summaries(municipality, budgets):
    """Return per neighbourhood: total of the budgets that cover it, granted there,
    and available to it (shared money of municipality-wide budgets included)."""
    summaries = {b.pk: budget_summary(b) for b in budgets}
    granted = _granted_per_neighbourhood(list(summaries))
    rows = []
    for neighbourhood in municipality.neighbourhoods.all():
        covering = [
            b
            for b in budgets
            if not b.neighbourhoods.all() or neighbourhood in b.neighbourhoods.all()
        ]
        rows.append(
            {
                "neighbourhood": neighbourhood,
                "total": sum((summaries[b.pk].total for b in covering), ZERO),
                "granted": granted.get(neighbourhood.pk, ZERO),
                "available": sum((summaries[b.pk].available for b in covering), ZERO),
            }
        )
    return rows


def municipality_context(municipality) -> dict:
    budgets = list(open_budgets(municipality))
    budget_rows = [{"budget": b, "summary": budget_summary(b)} for b in budgets]
    return {
        "budgets": budget_rows,
        "totals": MoneySummary(
            total=sum((r["summary"].total for r in budget_rows), ZERO),
            granted=sum((r["summary"].granted for r in budget_rows), ZERO),
            paid=sum((r["summary"].paid for r in budget_rows), ZERO),
            available=sum((r["summary"].available for r in budget_rows), ZERO),
        ),
        "neighbourhood_rows": neighbourhood_summaries(municipality, budgets),
        "initiatives": InitiativePage.objects.live()
        .public()
        .child_of(municipality)
        .select_related("neighbourhood")
        .order_by("-first_published_at")[:6],
        "stories": StoryPage.objects.live()
        .public()
        .child_of(municipality)
        .order_by("-first_published_at")[:3],
        "form_page": municipality.form_page,
    }
