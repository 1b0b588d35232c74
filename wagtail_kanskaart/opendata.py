"""Open data of one municipality: its initiatives and its spending, as CSV and JSON.

Served as routes of ``MunicipalityPage`` below ``open-data/``. Only live
pages without view restrictions take part, and only public fields: titles,
neighbourhoods, amounts and dates, never anything from a resident's request
beyond its neighbourhood. docs/reference/open-data.md describes each field.
"""

import csv
import io
import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .conf import kanskaart_settings
from .exports import CSV_BYTE_ORDER_MARK, CSV_CONTENT_TYPE, spreadsheet_text
from .models import BudgetPage, LedgerEntry, StoryPage
from .transparency import (
    local_date,
    public_initiatives,
    redact_contact_details,
)

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# The public names of the ledger's kinds of entry.
SPENDING_KINDS = {
    LedgerEntry.Kind.RESERVE: "reserved",
    LedgerEntry.Kind.RELEASE: "released",
    LedgerEntry.Kind.PAY: "paid",
}


@dataclass(frozen=True)
class Field:
    name: str
    description: str


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple


INITIATIVES = Dataset(
    slug="initiatieven",
    title=_("Initiatives"),
    description=_("Every published idea of residents, one row per idea."),
    fields=(
        Field("id", _("The number of the idea's page.")),
        Field("title", _("The title of the idea.")),
        Field("neighbourhood", _("The name of the neighbourhood.")),
        Field(
            "neighbourhood_cbs_code",
            _("The code of the neighbourhood at CBS, for example WK167400."),
        ),
        Field(
            "needs",
            _(
                "What the idea needs: support, space and/or budget. "
                "In the CSV file separated by a semicolon."
            ),
        ),
        Field("published_at", _("When the page was first published.")),
        Field("url", _("The web address of the idea's page.")),
        Field("has_story", _("Whether a story about the idea is published.")),
        Field("story_url", _("The web address of the newest story, if any.")),
    ),
)

SPENDING = Dataset(
    slug="uitgaven",
    title=_("Spending"),
    description=_(
        "Every change to the money of a published budget, one row per change."
    ),
    fields=(
        Field("id", _("The number of the change.")),
        Field("budget_id", _("The number of the budget's page.")),
        Field("budget", _("The title of the budget.")),
        Field("neighbourhood", _("The name of the neighbourhood of the idea.")),
        Field(
            "neighbourhood_cbs_code",
            _("The code of the neighbourhood at CBS, for example WK167400."),
        ),
        Field(
            "initiative_id",
            _("The number of the idea's page. Empty while the idea is not published."),
        ),
        Field(
            "initiative",
            _("The title of the idea. Empty while the idea is not published."),
        ),
        Field(
            "kind",
            _(
                "reserved: money granted to the idea; released: money given "
                "back to the budget; paid: granted money that was paid out, "
                "not extra money."
            ),
        ),
        Field("amount", _("The amount in euros, with a point and two decimals.")),
        Field("date", _("The day of the change.")),
    ),
)

DATASETS = {dataset.slug: dataset for dataset in (INITIATIVES, SPENDING)}
FORMATS = ("csv", "json")


def _zone():
    return ZoneInfo(kanskaart_settings.TIME_ZONE)


def _moment(value):
    if value is None:
        return None
    return timezone.localtime(value, _zone()).isoformat(timespec="seconds")


def _money(amount):
    return f"{amount:.2f}"


def initiative_items(request, municipality) -> list[dict]:
    """Return one item per published initiative of the municipality, newest first."""
    initiatives = list(public_initiatives(municipality))
    newest_story = {}
    stories = (
        StoryPage.objects.live()
        .public()
        .child_of(municipality)
        .filter(initiative__in=initiatives)
        .order_by("-first_published_at", "-pk")
    )
    for story in stories:
        newest_story.setdefault(story.initiative_id, story)
    items = []
    for page in initiatives:
        neighbourhood = page.neighbourhood
        story = newest_story.get(page.pk)
        items.append(
            {
                "id": page.pk,
                "title": redact_contact_details(page.title),
                "neighbourhood": neighbourhood.name if neighbourhood else None,
                "neighbourhood_cbs_code": (
                    neighbourhood.cbs_code or None if neighbourhood else None
                ),
                "needs": [str(need) for need in page.needs if isinstance(need, str)],
                "published_at": _moment(page.first_published_at),
                "url": page.get_full_url(request),
                "has_story": story is not None,
                "story_url": story.get_full_url(request) if story else None,
            }
        )
    return items


def spending_items(request, municipality) -> list[dict]:
    """Return one item per ledger entry of the municipality's published budgets.

    Reads only public columns of the requests: the neighbourhood and the
    initiative page.
    """
    budgets = {
        budget.pk: budget
        for budget in BudgetPage.objects.live().public().child_of(municipality)
    }
    entries = list(
        LedgerEntry.objects.filter(account__budget_id__in=budgets)
        .order_by("created_at", "pk")
        .values(
            "pk",
            "kind",
            "amount",
            "created_at",
            "account__budget_id",
            "request__neighbourhood__name",
            "request__neighbourhood__cbs_code",
            "request__initiative_page_id",
        )
    )
    page_ids = {entry["request__initiative_page_id"] for entry in entries}
    titles = dict(
        public_initiatives(municipality)
        .filter(pk__in=[pk for pk in page_ids if pk])
        .values_list("pk", "title")
    )
    items = []
    for entry in entries:
        budget = budgets[entry["account__budget_id"]]
        initiative_id = entry["request__initiative_page_id"]
        if initiative_id not in titles:
            initiative_id = None
        day = local_date(entry["created_at"])
        items.append(
            {
                "id": entry["pk"],
                "budget_id": budget.pk,
                "budget": budget.title,
                "neighbourhood": entry["request__neighbourhood__name"],
                "neighbourhood_cbs_code": entry["request__neighbourhood__cbs_code"]
                or None,
                "initiative_id": initiative_id,
                "initiative": (
                    redact_contact_details(titles[initiative_id])
                    if initiative_id
                    else None
                ),
                "kind": SPENDING_KINDS.get(entry["kind"], entry["kind"]),
                "amount": _money(entry["amount"]),
                "date": day.isoformat() if day else None,
            }
        )
    return items


ITEM_BUILDERS = {INITIATIVES.slug: initiative_items, SPENDING.slug: spending_items}


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(value)
    return spreadsheet_text(value)


def csv_response(dataset, items, filename):
    buffer = io.StringIO()
    buffer.write(CSV_BYTE_ORDER_MARK)
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = [field.name for field in dataset.fields]
    writer.writerow(names)
    for item in items:
        writer.writerow([_csv_cell(item[name]) for name in names])
    response = HttpResponse(buffer.getvalue(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(request, municipality, dataset, items):
    payload = {
        "municipality": {
            "slug": municipality.slug,
            "name": municipality.title,
            "url": municipality.get_full_url(request),
        },
        "dataset": dataset.slug,
        "generated_at": _moment(timezone.now()),
        "count": len(items),
        "items": items,
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1),
        content_type=JSON_CONTENT_TYPE,
    )
    # Public data without cookies: any website may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data_file(request, municipality, dataset_slug, file_format):
    """Return one open data file, e.g. ``uitgaven/csv/``; 404 for any other name."""
    dataset = DATASETS.get(dataset_slug)
    if dataset is None or file_format not in FORMATS:
        raise Http404("No such open data file.")
    items = ITEM_BUILDERS[dataset.slug](request, municipality)
    if file_format == "csv":
        filename = f"{municipality.slug}-{dataset.slug}.csv"
        return csv_response(dataset, items, filename)
    return json_response(request, municipality, dataset, items)


def open_data_page(request, municipality):
    """Render the page that lists the open data files and their fields."""
    base = municipality.url + municipality.reverse_subpage("open_data")
    datasets = [
        {
            "dataset": dataset,
            "files": [
                (file_format, f"{base}{dataset.slug}/{file_format}/")
                for file_format in FORMATS
            ],
        }
        for dataset in DATASETS.values()
    ]
    return TemplateResponse(
        request,
        "wagtail_kanskaart/open_data.html",
        {
            "page": municipality,
            "self": municipality,
            "municipality": municipality,
            "datasets": datasets,
        },
    )
