"""Public figures: money per budget and per neighbourhood, the public ledger,
and the live public pages of a municipality.

Everything here is safe for public pages, feeds, open data and the public
API: totals, titles and neighbourhoods, never a resident's details.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import phonenumbers
from django.core.paginator import Paginator
from django.db.models import Case, DecimalField, F, Min, Prefetch, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    BudgetAccount,
    BudgetPage,
    InitiativePage,
    InitiativeRequest,
    LedgerEntry,
    StoryPage,
    StoryPhoto,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# How many stories and initiatives the municipality page shows.
LATEST_COUNT = 6

# Rows per page of a budget's public ledger.
LEDGER_PAGE_SIZE = 50

# The thumbnail of a story on the cards of the municipality page.
STORY_THUMBNAIL_SPEC = "fill-480x320"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# An IBAN as people type it: a country code, two check digits, then groups
# of four letters or digits, with or without spaces, and a shorter last
# group. Matched by shape only, so a mistyped IBAN is removed too.
_IBAN_RE = re.compile(
    r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b"
)

# A Dutch postcode ("4701 AB", "4701AB"). Capitals only, so "in 2024 en"
# is left alone.
_POSTCODE_RE = re.compile(r"\b[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}\b")
# A street with its house number ("Kalsdonkseweg 12", "Dorpsstraat 12-2"):
# a word that ends in a usual street word, then a number.
_STREET_RE = re.compile(
    r"\b[^\W\d_][\w'-]+(?:straat|weg|laan|plein|singel|gracht|kade|dijk|dreef|hof|"
    r"pad|steeg|markt|ring|baan|park|veld|erf|wal|haven)"
    r"\s+\d{1,5}(?:[ -]?[A-Za-z]\b|[ -]\d{1,4}\b)?",
    re.IGNORECASE,
)

# A neighbourhood slug as it may appear in ?wijk=. Anything else is ignored
# before it reaches the database, because PostgreSQL rejects strings with
# NUL characters.
NEIGHBOURHOOD_SLUG_RE = re.compile(r"^[-a-z0-9_]{1,100}$")


def redact_contact_details(text: str) -> str:
    """Replace e-mail addresses, phone numbers, IBANs and addresses in free
    text with a marker.

    Residents sometimes type such details into the description of their idea
    or into their story, which become public. Names cannot be recognised
    this way, so the editors' moderation is the check for those.
    """
    if not text:
        return text
    marker = _("[contact details removed]")
    text = _EMAIL_RE.sub(marker, text)
    # IBANs before phone numbers: the digits of an IBAN can look like one.
    text = _IBAN_RE.sub(marker, text)
    text = _STREET_RE.sub(marker, text)
    text = _POSTCODE_RE.sub(marker, text)
    matches = list(phonenumbers.PhoneNumberMatcher(text, "NL"))
    for match in reversed(matches):
        text = text[: match.start] + marker + text[match.end :]
    return text


# Budget meters


@dataclass(frozen=True)
class BudgetMeter:
    """What a budget meter shows: the share of the money still available.

    ``percent`` is a whole number from 0 to 100. It is 0 only when nothing
    is left and 100 only when nothing is granted. In between it stays within
    1..99, so a meter never looks empty or full while money is both left
    and granted.
    """

    percent: int
    percent_text: str
    amount_text: str
    description: str


def available_amount_text(available: Decimal) -> str:
    """Format the money left as euros, never "€ 0,00" while money is left.

    Rounds down to whole cents, so the text never promises more than there
    is; an amount below one cent reads "less than € 0,01".
    """
    from .intake.forms import euro

    if available <= 0:
        return euro(ZERO)
    cents = available.quantize(CENT, rounding=ROUND_DOWN)
    if cents == 0:
        return _("less than %(amount)s") % {"amount": euro(CENT)}
    return euro(cents)


def budget_meter(available: Decimal, total: Decimal) -> BudgetMeter:
    """Turn the money available of a total into what a budget meter shows.

    A total of zero (or less) gives an empty meter, without dividing by it.
    """
    from .intake.forms import euro

    available = Decimal(available)
    total = Decimal(total)
    if available <= 0 or total <= 0:
        percent = 0
        percent_text = "0%"
    elif available >= total:
        percent = 100
        percent_text = "100%"
    else:
        exact = available * HUNDRED / total
        rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        percent = min(max(rounded, 1), 99)
        if exact < 1:
            percent_text = _("less than 1%")
        elif exact > 99:
            percent_text = _("more than 99%")
        else:
            percent_text = f"{percent}%"
    amount_text = available_amount_text(available)
    description = _(
        "%(percent)s of the budget is still available: %(available)s of %(total)s."
    ) % {
        "percent": percent_text,
        "available": amount_text,
        "total": euro(max(total, ZERO)),
    }
    return BudgetMeter(percent, percent_text, amount_text, description)


# Money per budget and per neighbourhood


@dataclass(frozen=True)
class MoneySummary:
    total: Decimal
    granted: Decimal
    paid: Decimal
    available: Decimal

    @property
    def meter(self) -> BudgetMeter:
        return budget_meter(self.available, self.total)


EMPTY_SUMMARY = MoneySummary(ZERO, ZERO, ZERO, ZERO)


def _summary_of(account) -> MoneySummary:
    return MoneySummary(
        total=account.amount,
        granted=account.reserved + account.paid,
        paid=account.paid,
        available=account.available,
    )


def budget_summary(budget) -> MoneySummary:
    account = BudgetAccount.objects.filter(budget=budget).first()
    if account is None:
        return EMPTY_SUMMARY
    return _summary_of(account)


def budget_summaries(budgets) -> dict:
    """Return the ``MoneySummary`` of each budget by its id, with one query."""
    ids = [budget.pk for budget in budgets]
    accounts = BudgetAccount.objects.filter(budget_id__in=ids)
    by_budget = {account.budget_id: _summary_of(account) for account in accounts}
    return {pk: by_budget.get(pk, EMPTY_SUMMARY) for pk in ids}


def add_summaries(summaries) -> MoneySummary:
    summaries = list(summaries)
    return MoneySummary(
        total=sum((s.total for s in summaries), ZERO),
        granted=sum((s.granted for s in summaries), ZERO),
        paid=sum((s.paid for s in summaries), ZERO),
        available=sum((s.available for s in summaries), ZERO),
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


def covers(budget, neighbourhood) -> bool:
    """Return whether a budget's money is for this neighbourhood.

    A budget without neighbourhoods is for the whole municipality. Reads the
    prefetched ``neighbourhoods`` when there are any.
    """
    chosen = budget.neighbourhoods.all()
    return not chosen or neighbourhood in chosen


def _signed_grant():
    # Reservations minus releases: what was granted and not given back,
    # paid out or not yet.
    return Case(
        When(kind=LedgerEntry.Kind.RELEASE, then=-F("amount")),
        When(kind=LedgerEntry.Kind.RESERVE, then=F("amount")),
        default=Decimal(0),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _granted_per_neighbourhood(budget_ids):
    rows = (
        LedgerEntry.objects.filter(account__budget_id__in=budget_ids)
        .values("request__neighbourhood_id")
        .annotate(total=Sum(_signed_grant()))
        .order_by()
    )
    return {row["request__neighbourhood_id"]: row["total"] or ZERO for row in rows}


def neighbourhood_summaries(municipality, budgets, summaries=None, only=None):
    """Return per neighbourhood: total of the budgets that cover it, granted there,
    and available to it (shared money of municipality-wide budgets included).

    ``only`` limits the rows to one neighbourhood.
    """
    if summaries is None:
        summaries = budget_summaries(budgets)
    granted = _granted_per_neighbourhood(list(summaries))
    neighbourhoods = [only] if only else municipality.neighbourhoods.all()
    rows = []
    for neighbourhood in neighbourhoods:
        covering = [b for b in budgets if covers(b, neighbourhood)]
        total = sum((summaries[b.pk].total for b in covering), ZERO)
        available = sum((summaries[b.pk].available for b in covering), ZERO)
        rows.append(
            {
                "neighbourhood": neighbourhood,
                "total": total,
                "granted": granted.get(neighbourhood.pk, ZERO),
                "available": available,
                "meter": budget_meter(available, total),
            }
        )
    return rows


# Live public pages


def find_neighbourhood(municipality, slug):
    """Return the municipality's neighbourhood with this slug, or None.

    A value that cannot be a slug returns None without a query.
    """
    if not isinstance(slug, str):
        return None
    slug = slug.strip().lower()
    if not NEIGHBOURHOOD_SLUG_RE.match(slug):
        return None
    return municipality.neighbourhoods.filter(slug=slug).first()


def public_initiatives(municipality, neighbourhood=None):
    """Return the live initiative pages without view restrictions, newest first."""
    initiatives = (
        InitiativePage.objects.live()
        .public()
        .child_of(municipality)
        .select_related("neighbourhood")
        .order_by("-first_published_at", "-pk")
    )
    if neighbourhood is not None:
        initiatives = initiatives.filter(neighbourhood=neighbourhood)
    return initiatives


def public_stories(municipality, neighbourhood=None):
    """Return the live stories without view restrictions, newest first.

    A story belongs to a neighbourhood by its own field or, when that is
    empty, by its initiative's. The photos come prefetched with their images.
    """
    stories = (
        StoryPage.objects.live()
        .public()
        .child_of(municipality)
        .select_related("neighbourhood")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=StoryPhoto.objects.select_related("image").order_by(
                    "sort_order", "pk"
                ),
            )
        )
        .order_by("-first_published_at", "-pk")
    )
    if neighbourhood is not None:
        stories = stories.filter(
            Q(neighbourhood=neighbourhood)
            | Q(neighbourhood__isnull=True, initiative__neighbourhood=neighbourhood)
        )
    return stories


def first_story_photo(story):
    """Return a story's first ``StoryPhoto``, or None; uses prefetched photos."""
    return next(iter(story.photos.all()), None)


def municipality_context(municipality, neighbourhood=None) -> dict:
    """Return the stories, initiatives and money the municipality page shows.

    With ``neighbourhood``, only that neighbourhood's stories and initiatives
    and the budgets that cover it.
    """
    budgets = list(open_budgets(municipality))
    if neighbourhood is not None:
        budgets = [b for b in budgets if covers(b, neighbourhood)]
    summaries = budget_summaries(budgets)
    budget_rows = [{"budget": b, "summary": summaries[b.pk]} for b in budgets]
    stories = public_stories(municipality, neighbourhood).prefetch_related(
        "photos__image__renditions"
    )
    return {
        "budgets": budget_rows,
        "totals": add_summaries(summaries.values()),
        "neighbourhood_rows": neighbourhood_summaries(
            municipality, budgets, summaries, only=neighbourhood
        ),
        "initiatives": list(
            public_initiatives(municipality, neighbourhood)[:LATEST_COUNT]
        ),
        "stories": list(stories[:LATEST_COUNT]),
        "form_page": municipality.form_page,
    }


# The public ledger of a budget


@dataclass(frozen=True)
class LedgerRow:
    """The money one request got from a budget, as the public may see it.

    ``initiative`` is set only while the initiative page is live and public.
    """

    initiative: InitiativePage | None
    neighbourhood: object
    granted: Decimal
    paid: Decimal
    granted_on: date | None


def ledger_totals(budget):
    """Return per request the money granted net of releases, paid, and when granted.

    Requests whose money was released in full (declined, withdrawn) are left
    out: they got nothing from this budget, and their sum is zero, so the
    rows still add up to the budget's totals.
    """
    return (
        LedgerEntry.objects.filter(account__budget=budget)
        .values("request_id")
        .annotate(
            granted=Sum(_signed_grant()),
            paid=Sum(
                Case(
                    When(kind=LedgerEntry.Kind.PAY, then=F("amount")),
                    default=Decimal(0),
                    output_field=DecimalField(max_digits=12, decimal_places=2),
                )
            ),
            granted_at=Min(
                Case(When(kind=LedgerEntry.Kind.RESERVE, then=F("created_at")))
            ),
        )
        .filter(granted__gt=0)
        .order_by("-granted_at", "-request_id")
    )


def local_date(moment):
    """Return the date of an aware datetime in the site's time zone, or None."""
    from zoneinfo import ZoneInfo

    from .conf import kanskaart_settings

    if moment is None:
        return None
    return timezone.localtime(moment, ZoneInfo(kanskaart_settings.TIME_ZONE)).date()


def public_initiative_ids(initiative_ids):
    """Return which of these initiative pages are live and without view restrictions."""
    return set(
        InitiativePage.objects.live()
        .public()
        .filter(pk__in=[pk for pk in initiative_ids if pk])
        .values_list("pk", flat=True)
    )


def ledger_rows(totals) -> list[LedgerRow]:
    """Turn rows of :func:`ledger_totals` into ``LedgerRow`` objects."""
    totals = list(totals)
    requests = {
        request.pk: request
        for request in InitiativeRequest.objects.filter(
            pk__in=[row["request_id"] for row in totals]
        )
        .select_related("neighbourhood")
        .only("pk", "initiative_page_id", "neighbourhood")
    }
    public_ids = public_initiative_ids(r.initiative_page_id for r in requests.values())
    initiatives = InitiativePage.objects.in_bulk(public_ids)
    rows = []
    for row in totals:
        request = requests[row["request_id"]]
        rows.append(
            LedgerRow(
                initiative=initiatives.get(request.initiative_page_id),
                neighbourhood=request.neighbourhood,
                granted=row["granted"],
                paid=row["paid"] or ZERO,
                granted_on=local_date(row["granted_at"]),
            )
        )
    return rows


def page_number(value) -> int:
    """Return a page number from the query; anything but a whole number above 0 is 1."""
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) < 7
    ):
        return max(int(value), 1)
    return 1


def budget_ledger(budget, page_value=None, per_page=LEDGER_PAGE_SIZE) -> dict:
    """Return the budget page's ledger: one page of rows and the budget's totals.

    A page number past the last page gives page 1.
    """
    paginator = Paginator(ledger_totals(budget), per_page)
    number = page_number(page_value)
    if number > paginator.num_pages:
        number = 1
    page = paginator.page(number)
    return {
        "ledger_page": page,
        "ledger_rows": ledger_rows(page.object_list),
        "summary": budget_summary(budget),
    }
