"""Reports for editors in Wagtail's Reports menu, with CSV and XLSX export.

Each report shows only the municipalities the editor may edit, and can be
filtered on municipality, neighbourhood and period. The queries and the
definitions of the figures live in ``wagtail_kanskaart.reporting``.
"""

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput

from .. import reporting
from ..exports import spreadsheet_text
from ..intake.forms import euro
from ..models import InitiativeRequest, LedgerEntry, Neighbourhood, RequestNeed
from ..models.requests import NeedKind
from . import date_range
from .permissions import editable_municipalities
from .spreadsheets import SpreadsheetDownloadMixin

URL_NAMESPACE = "kanskaart_reports"


# Columns


class MoneyColumn(Column):
    """A column of amounts in euros, written the Dutch way: "€ 1.250,00"."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        value = context["raw_value"]
        context["value"] = "" if value is None else euro(value)
        return context


class ShareColumn(Column):
    """A column of counts with their share in percent, e.g. "3 (37,5%)".

    ``accessor`` names the count and ``share_accessor`` the percentage; a
    share of None (nothing to divide) shows as a dash.
    """

    def __init__(self, name, share_accessor, **kwargs):
        super().__init__(name, **kwargs)
        self.share_accessor = share_accessor

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        share = instance[self.share_accessor]
        if share is None:
            percent = "–"
        else:
            percent = number_format(share, 1, use_l10n=True) + "%"
        context["value"] = f"{context['raw_value']} ({percent})"
        return context


class RowPaginator(WagtailPaginator):
    """Pages of report rows, counted as rows rather than as the model's objects."""

    verbose_name = _("row")
    verbose_name_plural = _("rows")


# Filters


def _municipalities(request):
    return editable_municipalities(request.user).order_by("title")


def _neighbourhoods(request):
    return (
        Neighbourhood.objects.filter(
            municipality__in=editable_municipalities(request.user)
        )
        .select_related("municipality")
        .order_by("municipality__title", "name")
    )


class DayFilter(django_filters.DateFilter):
    """A date filter that parses and checks its day like the request list."""

    field_class = date_range.DayField


def _period_filters(first_label, last_label):
    return (
        DayFilter(label=first_label, method="filter_first_day", widget=AdminDateInput),
        DayFilter(label=last_label, method="filter_last_day", widget=AdminDateInput),
    )


def _place_filters(request_path=""):
    """Return the municipality and neighbourhood filters, through ``request_path``."""
    return (
        django_filters.ModelChoiceFilter(
            label=_("Municipality"),
            field_name=f"{request_path}municipality",
            queryset=_municipalities,
        ),
        django_filters.ModelChoiceFilter(
            label=_("Neighbourhood"),
            field_name=f"{request_path}neighbourhood",
            queryset=_neighbourhoods,
        ),
    )


class ReportFilterSet(WagtailFilterSet):
    """Filters on municipality, neighbourhood and a period of calendar days.

    Subclasses declare the filters with the field paths of their model and
    set ``date_path`` to the moment the period applies to.
    """

    date_path = "created_at"

    def get_form_class(self):
        form_class = super().get_form_class()
        return type("ReportFilterForm", (date_range.DateRangeFormMixin, form_class), {})

    def filter_first_day(self, queryset, name, value):
        return reporting.created_between(queryset, first_day=value, path=self.date_path)

    def filter_last_day(self, queryset, name, value):
        return reporting.created_between(queryset, last_day=value, path=self.date_path)


class LedgerFilterSet(ReportFilterSet):
    municipality, neighbourhood = _place_filters("request__")
    first_day, last_day = _period_filters(_("Booked from"), _("Booked until"))

    class Meta:
        model = LedgerEntry
        fields = []


class NeedFilterSet(ReportFilterSet):
    date_path = "request__created_at"

    municipality, neighbourhood = _place_filters("request__")
    first_day, last_day = _period_filters(_("Submitted from"), _("Submitted until"))

    class Meta:
        model = RequestNeed
        fields = []


class RequestFilterSet(ReportFilterSet):
    municipality, neighbourhood = _place_filters()
    first_day, last_day = _period_filters(_("Submitted from"), _("Submitted until"))

    class Meta:
        model = InitiativeRequest
        fields = []


# Views


class KanskaartReportView(SpreadsheetDownloadMixin, ReportView):
    """A report over the municipalities the editor may edit, aggregated in SQL.

    Subclasses set ``model``, ``filterset_class``, ``columns``,
    ``list_export`` and ``export_headings``, implement ``aggregate`` and may
    implement ``decorate_row``. The export cells named in ``text_fields``
    pass through :func:`spreadsheet_text`.
    """

    header_icon = "table"
    results_template_name = "wagtail_kanskaart/admin/reports/report_results.html"
    paginate_by = 50
    paginator_class = RowPaginator
    name = ""
    text_fields = ()
    municipality_path = "request__municipality"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.custom_field_preprocess = {
            **self.custom_field_preprocess,
            **{
                name: {
                    self.FORMAT_CSV: spreadsheet_text,
                    self.FORMAT_XLSX: spreadsheet_text,
                }
                for name in self.text_fields
            },
        }

    @classmethod
    def url_name(cls, results=False):
        suffix = "_results" if results else ""
        return f"{URL_NAMESPACE}:{cls.name}{suffix}"

    @property
    def index_url_name(self):
        return self.url_name()

    @property
    def index_results_url_name(self):
        return self.url_name(results=True)

    def dispatch(self, request, *args, **kwargs):
        self.municipalities = editable_municipalities(request.user)
        if not self.municipalities.exists():
            raise PermissionDenied
        if self.is_export and self.filter_errors:
            # An empty file would not say why; the report page does.
            query = request.GET.copy()
            query.pop("export")
            return redirect(f"{request.path}?{query.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.results_only:
            return [self.results_template_name]
        return [f"wagtail_kanskaart/admin/reports/{self.name}.html"]

    def get_queryset(self):
        return self.model._default_manager.filter(
            **{f"{self.municipality_path}__in": self.municipalities}
        )

    def get_filtered_queryset(self):
        return self.aggregate(self.filter_queryset(self.get_queryset()))

    def filter_queryset(self, queryset):
        # Wagtail drops every filter when one is invalid, which would show
        # the totals of all the editor's municipalities under a wrong date.
        # The report shows the errors and no rows instead.
        if self.filter_errors:
            return queryset.none()
        return super().filter_queryset(queryset)

    @cached_property
    def filter_errors(self) -> list[str]:
        """Return the filter form's error messages, for the top of the report."""
        if self.filters is None or self.filters.is_valid():
            return []
        return [
            str(message)
            for messages in self.filters.form.errors.values()
            for message in messages
        ]

    def aggregate(self, queryset):
        raise NotImplementedError

    def decorate_row(self, row):
        return row

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Wagtail builds the table from the rows before it calls
        # decorate_paginated_queryset, so the table is built again here
        # from the decorated rows.
        rows = [self.decorate_row(row) for row in context["object_list"]]
        context["object_list"] = rows
        context["table"] = self.get_table(rows)
        context["filter_errors"] = self.filter_errors
        return context

    def decorate_paginated_queryset(self, object_list):
        return object_list

    @property
    def sheet_title(self):
        return self.page_title

    def get_filename(self):
        return (
            f"kanskaart-{self.name.replace('_', '-')}-{timezone.localdate():%Y-%m-%d}"
        )

    @classmethod
    def menu_item(cls):
        return ReportMenuItem(
            cls.page_title,
            reverse(cls.url_name()),
            name=f"kanskaart-{cls.name.replace('_', '-')}",
            icon_name=cls.header_icon,
            order=900,
        )


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        # One query per page for all four menu items, not one each.
        if not hasattr(request, "_kanskaart_may_report"):
            request._kanskaart_may_report = editable_municipalities(
                request.user
            ).exists()
        return request._kanskaart_may_report


def _need_label(kind):
    try:
        return str(NeedKind(kind).label)
    except ValueError:
        return kind


class MoneyPerMonthReport(KanskaartReportView):
    name = "money_per_month"
    page_title = _("Money per neighbourhood per month")
    model = LedgerEntry
    filterset_class = LedgerFilterSet
    columns = [
        Column("municipality", label=_("Municipality")),
        Column("neighbourhood", label=_("Neighbourhood")),
        Column("month_label", label=_("Month")),
        MoneyColumn("granted", label=_("Granted")),
        MoneyColumn("paid", label=_("Paid")),
    ]
    list_export = ["municipality", "neighbourhood", "month", "granted", "paid"]
    export_headings = {
        "municipality": _("Municipality"),
        "neighbourhood": _("Neighbourhood"),
        "month": _("Month"),
        "granted": _("Granted (€)"),
        "paid": _("Paid (€)"),
    }
    text_fields = ("municipality", "neighbourhood")

    def aggregate(self, queryset):
        return reporting.money_per_month(queryset)

    def decorate_row(self, row):
        month = row["month"].astimezone(reporting.report_time_zone())
        return {
            **row,
            "granted": reporting.cents(row["granted"]),
            "paid": reporting.cents(row["paid"]),
            # A text in the export, so a spreadsheet sorts it and shows no day.
            "month": f"{month:%Y-%m}",
            "month_label": date_format(month, "YEAR_MONTH_FORMAT"),
        }


class NeedsReport(KanskaartReportView):
    name = "needs"
    page_title = _("Initiatives per need")
    model = RequestNeed
    filterset_class = NeedFilterSet
    columns = [
        Column("municipality", label=_("Municipality")),
        Column("need", label=_("Need")),
        Column("requests", label=_("Requests")),
        Column("arranged", label=_("Arranged")),
        Column("waiting", label=_("Waiting")),
        Column("declined", label=_("Declined")),
    ]
    list_export = [
        "municipality",
        "need",
        "requests",
        "arranged",
        "waiting",
        "declined",
    ]
    export_headings = {
        "municipality": _("Municipality"),
        "need": _("Need"),
        "requests": _("Requests"),
        "arranged": _("Arranged"),
        "waiting": _("Waiting"),
        "declined": _("Declined"),
    }
    text_fields = ("municipality", "need")

    def aggregate(self, queryset):
        return reporting.needs_per_kind(queryset)

    def decorate_row(self, row):
        return {**row, "need": _need_label(row["kind"])}


class AverageAmountReport(KanskaartReportView):
    name = "average_amount"
    page_title = _("Average amount per initiative")
    model = InitiativeRequest
    filterset_class = RequestFilterSet
    municipality_path = "municipality"
    columns = [
        Column("municipality", label=_("Municipality")),
        Column("neighbourhood_label", label=_("Neighbourhood")),
        Column("requests", label=_("Requests with money")),
        MoneyColumn("total", label=_("Granted in total")),
        MoneyColumn("average", label=_("Average")),
    ]
    list_export = [
        "municipality",
        "neighbourhood_label",
        "requests",
        "total",
        "average",
    ]
    export_headings = {
        "municipality": _("Municipality"),
        "neighbourhood_label": _("Neighbourhood"),
        "requests": _("Requests with money"),
        "total": _("Granted in total (€)"),
        "average": _("Average (€)"),
    }
    text_fields = ("municipality", "neighbourhood_label")

    def aggregate(self, queryset):
        return reporting.average_granted(queryset)

    def decorate_row(self, row):
        row.neighbourhood_label = row.neighbourhood or _("All neighbourhoods")
        return row


class InstantShareReport(KanskaartReportView):
    name = "instant_share"
    page_title = _("Share granted at once")
    model = RequestNeed
    filterset_class = NeedFilterSet
    columns = [
        Column("municipality", label=_("Municipality")),
        Column("requests", label=_("Requests with a budget")),
        ShareColumn("instant", "instant_share", label=_("Granted at once")),
        ShareColumn(
            "after_review", "after_review_share", label=_("Granted after review")
        ),
        ShareColumn("not_granted", "not_granted_share", label=_("Not (yet) granted")),
    ]
    list_export = [
        "municipality",
        "requests",
        "instant",
        "instant_share",
        "after_review",
        "after_review_share",
        "not_granted",
        "not_granted_share",
    ]
    export_headings = {
        "municipality": _("Municipality"),
        "requests": _("Requests with a budget"),
        "instant": _("Granted at once"),
        "instant_share": _("Granted at once (%)"),
        "after_review": _("Granted after review"),
        "after_review_share": _("Granted after review (%)"),
        "not_granted": _("Not (yet) granted"),
        "not_granted_share": _("Not (yet) granted (%)"),
    }
    text_fields = ("municipality",)

    def aggregate(self, queryset):
        return reporting.instant_share(queryset)

    def decorate_row(self, row):
        total = row["requests"]
        not_granted = total - row["instant"] - row["after_review"]
        return {
            **row,
            "not_granted": not_granted,
            "instant_share": reporting.percentage(row["instant"], total),
            "after_review_share": reporting.percentage(row["after_review"], total),
            "not_granted_share": reporting.percentage(not_granted, total),
        }


REPORTS = [MoneyPerMonthReport, NeedsReport, AverageAmountReport, InstantShareReport]


def admin_urls():
    """Return the reports' admin URLs, for the ``register_admin_urls`` hook."""
    patterns = []
    for report in REPORTS:
        slug = report.name.replace("_", "-")
        patterns += [
            path(f"{slug}/", report.as_view(), name=report.name),
            path(
                f"{slug}/results/",
                report.as_view(results_only=True),
                name=f"{report.name}_results",
            ),
        ]
    return [path("kanskaart/reports/", include((patterns, URL_NAMESPACE)))]
