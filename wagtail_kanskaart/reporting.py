"""Figures for editors: the dashboard overview and the four reports.

Every function takes querysets the caller has already limited to the
municipalities a user may edit (see ``admin.permissions``), so nothing here
decides who sees what. The counting and summing happens in SQL and works on
SQLite and PostgreSQL; Python only divides and labels the results.

Definitions (the report screens and ``docs/`` say the same to editors):

- Money per month: *granted* is the money reserved in that month minus the
  money released in that month, so a month in which more was given back
  (a decline or withdrawal of an earlier grant) than granted shows a
  negative amount. *Paid* is the money paid out in that month. A payout
  does not lower *granted*. Months run from the first to the last day in
  ``KANSKAART_TIME_ZONE`` (Europe/Amsterdam by default).
- Withdrawn requests are left out of the per-need counts and the share
  granted at once: the resident ended them, and any money they held went
  back to the budget.
- A request *got money* when what was reserved for it is more than what was
  released, whether or not it is paid yet.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from .conf import kanskaart_settings
from .intake import policy
from .models import (
    BudgetPage,
    InitiativePage,
    InitiativeRequest,
    LedgerEntry,
    StoryPage,
)
from .models.requests import NeedKind, NeedStatus, RequestStatus
from .transparency import MoneySummary

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)


def money_field():
    return DecimalField(max_digits=12, decimal_places=2)


def report_time_zone() -> ZoneInfo:
    return ZoneInfo(kanskaart_settings.TIME_ZONE)


def cents(amount) -> Decimal:
    """Return a sum from the database with exactly two decimals.

    SQLite returns sums of decimals without a fixed number of places
    ("250" for 250.00), PostgreSQL with the column's places.
    """
    return (amount or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def day_start(day: datetime.date) -> datetime.datetime:
    """Return the first moment of ``day`` in the report time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=report_time_zone())


def created_between(queryset, first_day=None, last_day=None, path="created_at"):
    """Keep the rows whose ``path`` falls from ``first_day`` to ``last_day``, inclusive.

    Days are calendar days in the report time zone; either bound may be None.
    """
    if first_day is not None:
        queryset = queryset.filter(**{f"{path}__gte": day_start(first_day)})
    if last_day is not None:
        next_day = last_day + datetime.timedelta(days=1)
        queryset = queryset.filter(**{f"{path}__lt": day_start(next_day)})
    return queryset


def percentage(part: int, whole: int) -> Decimal | None:
    """Return ``part`` of ``whole`` in percent, rounded to one decimal.

    The rounding never shows 100.0 unless ``part`` is all of ``whole``, and
    never 0.0 unless ``part`` is zero: 1999 of 2000 is 99.9, not 100.0.
    Returns None when ``whole`` is zero.
    """
    if not whole:
        return None
    share = (Decimal(part) * HUNDRED / Decimal(whole)).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )
    if share == HUNDRED and part != whole:
        return HUNDRED - TENTH
    if share == 0 and part != 0:
        return TENTH
    return share


# The dashboard


@dataclass
class BudgetMoney:
    budget: BudgetPage
    money: MoneySummary


@dataclass
class MunicipalityOverview:
    """The requests and pages waiting for one municipality's editors, and its money."""

    municipality: object
    waiting_requests: int = 0
    budgets: list[BudgetMoney] = field(default_factory=list)
    pages_in_moderation: list[Page] = field(default_factory=list)


def _children_of_any(municipalities) -> Q:
    query = Q(pk__in=[])
    for municipality in municipalities:
        query |= Page.objects.child_of_q(municipality)
    return query


def _parent_path(page) -> str:
    return page.path[: -Page.steplen]


def _money_of(budget) -> MoneySummary:
    try:
        account = budget.account
    except BudgetPage.account.RelatedObjectDoesNotExist:
        return MoneySummary(ZERO, ZERO, ZERO, ZERO)
    return MoneySummary(
        total=account.amount,
        granted=account.committed,
        paid=account.paid,
        available=account.available,
    )


def municipality_overviews(municipalities, day=None) -> list[MunicipalityOverview]:
    """Return per municipality: requests in review, budgets, pages in moderation.

    Budgets are the live budget pages whose period has not ended on ``day``
    (default today), so a fund that can still grant money. Pages in
    moderation are initiative and story pages with a workflow in progress.
    The number of queries is the same for any number of municipalities,
    requests, budgets and pages.
    """
    municipalities = list(municipalities.order_by("title", "pk"))
    if not municipalities:
        return []
    day = day or timezone.localdate()
    overviews = {m.path: MunicipalityOverview(municipality=m) for m in municipalities}
    by_pk = {m.pk: overviews[m.path] for m in municipalities}

    waiting = (
        InitiativeRequest.objects.filter(
            municipality__in=list(by_pk), status=RequestStatus.IN_REVIEW
        )
        .order_by()
        .values_list("municipality")
        .annotate(count=Count("pk"))
    )
    for municipality_id, count in waiting:
        by_pk[municipality_id].waiting_requests = count

    budgets = (
        BudgetPage.objects.live()
        .filter(_children_of_any(municipalities), period_end__gte=day)
        .select_related("account")
        .order_by("period_end", "pk")
    )
    for budget in budgets:
        overviews[_parent_path(budget)].budgets.append(
            BudgetMoney(budget=budget, money=_money_of(budget))
        )

    content_types = ContentType.objects.get_for_models(
        InitiativePage, StoryPage, for_concrete_models=False
    ).values()
    # WorkflowState.object_id is text, so the page id is cast for PostgreSQL,
    # which does not compare text with integers.
    in_progress = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=Cast(OuterRef("pk"), CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
    )
    in_moderation = (
        Page.objects.filter(
            _children_of_any(municipalities),
            Exists(in_progress),
            content_type__in=list(content_types),
        )
        .select_related("content_type")
        .order_by("-latest_revision_created_at", "-pk")
    )
    for page in in_moderation:
        overviews[_parent_path(page)].pages_in_moderation.append(page)

    return list(overviews.values())


# The reports


def _signed_granted():
    return Case(
        When(kind=LedgerEntry.Kind.RESERVE, then=F("amount")),
        When(kind=LedgerEntry.Kind.RELEASE, then=-F("amount")),
        default=Value(ZERO),
        output_field=money_field(),
    )


def money_per_month(entries):
    """Sum ledger entries per municipality, neighbourhood and month.

    Returns dicts with ``municipality``, ``neighbourhood`` (names),
    ``month`` (an aware datetime at the start of the month in the report
    time zone), ``granted`` and ``paid``. See the module docstring for what
    the two amounts mean.
    """
    paid = Case(
        When(kind=LedgerEntry.Kind.PAY, then=F("amount")),
        default=Value(ZERO),
        output_field=money_field(),
    )
    return (
        entries.annotate(
            month=TruncMonth("created_at", tzinfo=report_time_zone()),
            municipality=F("request__municipality__title"),
            neighbourhood=F("request__neighbourhood__name"),
        )
        .values(
            "request__municipality",
            "municipality",
            "request__neighbourhood",
            "neighbourhood",
            "month",
        )
        .annotate(granted=Sum(_signed_granted()), paid=Sum(paid))
        .order_by("municipality", "neighbourhood", "month")
    )


def needs_per_kind(needs):
    """Count needs per municipality and kind, and how many were arranged, wait or
    were declined.

    Needs of withdrawn requests are left out. Each request has at most one
    need of a kind, so the counts are numbers of requests.
    """
    return (
        needs.exclude(request__status=RequestStatus.WITHDRAWN)
        .annotate(municipality=F("request__municipality__title"))
        .values("request__municipality", "municipality", "kind")
        .annotate(
            requests=Count("pk"),
            arranged=Count("pk", filter=Q(status=NeedStatus.ARRANGED)),
            waiting=Count("pk", filter=Q(status=NeedStatus.IN_REVIEW)),
            declined=Count("pk", filter=Q(status=NeedStatus.DECLINED)),
        )
        .order_by("municipality", "kind")
    )


def with_granted_amount(requests):
    """Annotate each request with ``granted``: reserved minus released for it."""
    granted = (
        LedgerEntry.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(total=Sum(_signed_granted()))
        .values("total")
    )
    return requests.annotate(
        granted=Coalesce(
            Subquery(granted, output_field=money_field()),
            Value(ZERO),
            output_field=money_field(),
        )
    )


@dataclass
class AverageRow:
    municipality: str
    neighbourhood: str
    requests: int
    total: Decimal

    @property
    def average(self) -> Decimal:
        return (self.total / self.requests).quantize(CENT, rounding=ROUND_HALF_UP)


def average_granted(requests) -> list[AverageRow]:
    """Return the average money per request that got money, per municipality and
    per neighbourhood.

    Each municipality's row (with an empty ``neighbourhood``) comes first,
    followed by its neighbourhoods by name. Averages are exact ``Decimal``
    divisions of the SQL sums, rounded half up to cents.
    """
    with_money = with_granted_amount(requests).filter(granted__gt=0).order_by()
    totals = {"requests": Count("pk"), "total": Sum("granted")}
    per_municipality = with_money.values(
        "municipality", "municipality__title"
    ).annotate(**totals)
    per_neighbourhood = with_money.values(
        "municipality", "neighbourhood__name"
    ).annotate(**totals)

    neighbourhood_rows = defaultdict(list)
    for row in per_neighbourhood:
        neighbourhood_rows[row["municipality"]].append(
            AverageRow(
                "", row["neighbourhood__name"], row["requests"], cents(row["total"])
            )
        )
    rows = []
    for row in sorted(
        per_municipality, key=lambda r: (r["municipality__title"], r["municipality"])
    ):
        title = row["municipality__title"]
        rows.append(AverageRow(title, "", row["requests"], cents(row["total"])))
        for child in sorted(
            neighbourhood_rows[row["municipality"]], key=lambda r: r.neighbourhood
        ):
            child.municipality = title
            rows.append(child)
    return rows


def instant_share(needs):
    """Count budget needs per municipality by how their money was granted.

    ``instant`` counts needs with reason ``policy.GRANTED`` (granted at once
    at intake), ``after_review`` those with ``policy.APPROVED`` (granted by
    an editor), ``requests`` all budget needs. The rest were declined or
    still wait. Needs of withdrawn requests are left out.
    """
    return (
        needs.filter(kind=NeedKind.BUDGET)
        .exclude(request__status=RequestStatus.WITHDRAWN)
        .annotate(municipality=F("request__municipality__title"))
        .values("request__municipality", "municipality")
        .annotate(
            requests=Count("pk"),
            instant=Count("pk", filter=Q(reason=policy.GRANTED)),
            after_review=Count("pk", filter=Q(reason=policy.APPROVED)),
        )
        .order_by("municipality")
    )
