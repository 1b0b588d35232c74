"""Filters of the request list, each limited to the editor's municipalities.

A value that is not one of a filter's choices (another municipality's
neighbourhood, a typo in the address) gives an empty list instead of an
error, so a hand-made address can neither fail nor see past the scope.
"""

import datetime

from django.contrib.admin import ListFilter, SimpleListFilter
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import BudgetPage, Neighbourhood, RequestNeed
from ..models.requests import NeedKind, RequestStatus
from . import date_range
from .permissions import editable_municipalities
from .request_display import local_time_zone, need_label


class ScopedChoiceFilter(SimpleListFilter):
    """A filter whose choices come from the municipalities the editor may edit."""

    def lookups(self, request, model_admin):
        self.request = request
        return self.scoped_lookups(request)

    def scoped_lookups(self, request):
        raise NotImplementedError

    @cached_property
    def municipalities(self):
        return list(editable_municipalities(self.request.user).order_by("title"))

    @property
    def many_municipalities(self) -> bool:
        return len(self.municipalities) > 1

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value not in {str(choice) for choice, _label in self.lookup_choices}:
            return queryset.none()
        return self.filter(queryset, value)

    def filter(self, queryset, value):
        raise NotImplementedError


class StatusFilter(ScopedChoiceFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def scoped_lookups(self, request):
        # "submitted" lasts only inside the intake's transaction.
        return [
            (value, label)
            for value, label in RequestStatus.choices
            if value != RequestStatus.SUBMITTED
        ]

    def filter(self, queryset, value):
        return queryset.filter(status=value)


class NeedFilter(ScopedChoiceFilter):
    title = gettext_lazy("need")
    parameter_name = "need"

    def scoped_lookups(self, request):
        return [(kind, need_label(kind).capitalize()) for kind in NeedKind.values]

    def filter(self, queryset, value):
        # A subquery on the needs' rows, not a JSON lookup on ``needs``:
        # SQLite has no JSON "contains", and a join would repeat rows.
        return queryset.filter(
            Exists(RequestNeed.objects.filter(request=OuterRef("pk"), kind=value))
        )


# The sources of a request, as ``InitiativeRequest.source`` stores them: the
# site's form, the API (the embedded widget too), or the site's form opened
# from a paper card's short address.
SOURCE_CHOICES = [
    ("form", gettext_lazy("form")),
    ("api", gettext_lazy("API")),
    ("card", gettext_lazy("paper card")),
]


def source_choice_label(source) -> str:
    """Return the filter's label of ``source``, or the stored value when unknown."""
    return str(dict(SOURCE_CHOICES).get(source, source))


class SourceFilter(ScopedChoiceFilter):
    title = gettext_lazy("source")
    parameter_name = "source"

    def scoped_lookups(self, request):
        return SOURCE_CHOICES

    def filter(self, queryset, value):
        return queryset.filter(source=value)


class MunicipalityFilter(ScopedChoiceFilter):
    title = gettext_lazy("municipality")
    parameter_name = "municipality"

    def scoped_lookups(self, request):
        return [(str(page.pk), page.title) for page in self.municipalities]

    def has_output(self):
        # modeladmin applies only filters with output, so a value in the
        # address keeps the filter even for an editor of one municipality.
        return self.many_municipalities or self.value() is not None

    def filter(self, queryset, value):
        return queryset.filter(municipality_id=int(value))


class NeighbourhoodFilter(ScopedChoiceFilter):
    title = gettext_lazy("neighbourhood")
    parameter_name = "neighbourhood"

    def scoped_lookups(self, request):
        neighbourhoods = (
            Neighbourhood.objects.filter(municipality__in=self.municipalities)
            .select_related("municipality")
            .order_by("municipality__title", "name")
        )
        if not self.many_municipalities:
            return [(str(n.pk), n.name) for n in neighbourhoods]
        return [
            (str(n.pk), f"{n.name} ({n.municipality.title})") for n in neighbourhoods
        ]

    def filter(self, queryset, value):
        return queryset.filter(neighbourhood_id=int(value))


class BudgetFilter(ScopedChoiceFilter):
    title = gettext_lazy("budget")
    parameter_name = "budget"

    def scoped_lookups(self, request):
        if not self.municipalities:
            return []
        below = Q()
        for municipality in self.municipalities:
            below |= Q(path__startswith=municipality.path, depth=municipality.depth + 1)
        budgets = BudgetPage.objects.filter(below).order_by("path")
        if not self.many_municipalities:
            return [(str(budget.pk), budget.title) for budget in budgets]
        titles = {m.path: m.title for m in self.municipalities}
        return [
            (
                str(budget.pk),
                f"{budget.title} ({titles[budget.path[: -budget.steplen]]})",
            )
            for budget in budgets
        ]

    def filter(self, queryset, value):
        return queryset.filter(budget_id=int(value))


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class PeriodFilter(ListFilter):
    """Submitted in a named period (this month, ...) or between two dates.

    Days are days in the booking time zone; "until" includes its whole day.
    """

    title = gettext_lazy("submitted")
    template = "wagtail_kanskaart/admin/requests/period_filter.html"
    parameter_name = "period"
    from_name = "submitted_from"
    until_name = "submitted_until"

    PERIODS = [
        ("this_month", gettext_lazy("This month")),
        ("last_month", gettext_lazy("Last month")),
        ("this_year", gettext_lazy("This year")),
        ("last_year", gettext_lazy("Last year")),
    ]

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]
        self.errors = []
        self.day_from = self._day(self.from_name)
        self.day_until = self._day(self.until_name)
        error = date_range.range_error(self.day_from, self.day_until)
        if error is not None:
            self.errors.append(error)
        self.hidden_parameters = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in self.expected_parameters() + ["p", "export"]
            for value in values
        ]

    def _day(self, name):
        text = self.used_parameters.get(name, "")
        if not text:
            return None
        day, error = date_range.clean_day(text)
        if error is not None:
            self.errors.append(error)
        return day

    @property
    def value_from(self):
        return self.used_parameters.get(self.from_name, "")

    @property
    def value_until(self):
        return self.used_parameters.get(self.until_name, "")

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name, self.from_name, self.until_name]

    def choices(self, changelist):
        period = self.used_parameters.get(self.parameter_name)
        yield {
            "selected": period is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Any time"),
        }
        for value, label in self.PERIODS:
            yield {
                "selected": period == value,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: value}
                ),
                "display": label,
            }

    def _bounds(self, period):
        today = timezone.localdate(timezone=local_time_zone())
        if period == "this_month":
            return _month_start(today), _next_month(today)
        if period == "last_month":
            start = _month_start(_month_start(today) - datetime.timedelta(days=1))
            return start, _month_start(today)
        if period == "this_year":
            return today.replace(month=1, day=1), today.replace(
                year=today.year + 1, month=1, day=1
            )
        if period == "last_year":
            return today.replace(year=today.year - 1, month=1, day=1), today.replace(
                month=1, day=1
            )
        return None

    def _aware(self, day):
        return datetime.datetime.combine(day, datetime.time(), tzinfo=local_time_zone())

    def queryset(self, request, queryset):
        period = self.used_parameters.get(self.parameter_name)
        if period:
            bounds = self._bounds(period)
            if bounds is None:
                return queryset.none()
            start, end = bounds
            queryset = queryset.filter(
                created_at__gte=self._aware(start), created_at__lt=self._aware(end)
            )
        if self.day_from:
            queryset = queryset.filter(created_at__gte=self._aware(self.day_from))
        if self.day_until:
            next_day = self.day_until + datetime.timedelta(days=1)
            queryset = queryset.filter(created_at__lt=self._aware(next_day))
        return queryset


REQUEST_FILTERS = (
    StatusFilter,
    NeedFilter,
    SourceFilter,
    NeighbourhoodFilter,
    MunicipalityFilter,
    BudgetFilter,
    PeriodFilter,
)


def filter_parameters() -> set[str]:
    """Return every query parameter the request list's filters read."""
    return {
        "status",
        "need",
        "source",
        "neighbourhood",
        "municipality",
        "budget",
        PeriodFilter.parameter_name,
        PeriodFilter.from_name,
        PeriodFilter.until_name,
    }
