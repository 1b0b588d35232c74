"""Every editors' surface, for both editors: each sees her own municipality only.

Two tables drive the tests. ``LIST_SURFACES`` are addresses that show
many rows: the editor's own marker must be in the response and the other
municipality's marker must not. ``OBJECT_SURFACES`` are addresses of one
request: the editor's own request opens (200), the other municipality's
request is refused (403 or 404) without showing its details. To cover a
new screen, add one row to a table.
"""

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import submit_form

pytestmark = pytest.mark.django_db

EDITORS = ["roosendaal", "bergen"]
OTHER = {"roosendaal": "bergen", "bergen": "roosendaal"}

API = "/api/kanskaart/v1/"
REPORTS = ["money_per_month", "needs", "average_amount", "instant_share"]


# How to read a response as text


def html_text(response) -> str:
    return response.content.decode()


def csv_text(response) -> str:
    content = b"".join(response.streaming_content).decode("utf-8")
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(content)))


def xlsx_text(response) -> str:
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        ",".join("" if value is None else str(value) for value in row)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def json_text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


READERS = {"html": html_text, "csv": csv_text, "xlsx": xlsx_text, "json": json_text}


# What marks a municipality's data in a response


@dataclass(frozen=True)
class Side:
    """One municipality's data in the world: its page and one request."""

    municipality: object
    request: object


def reference(side) -> str:
    return side.request.reference


def municipality_title(side) -> str:
    return side.municipality.title


def dashboard_section(side) -> str:
    return f'data-kanskaart-municipality="{side.municipality.slug}"'


def resident_email(side) -> str:
    return side.request.email


def card_code(side) -> str:
    """Return the code in the short address of the municipality's one card."""
    return side.municipality.neighbourhoods.get().card_code


# The surfaces


@dataclass(frozen=True)
class ListSurface:
    name: str
    url: Callable[[], str]
    marker: Callable[[Side], str] = reference
    reader: str = "html"


@dataclass(frozen=True)
class ObjectSurface:
    name: str
    url: Callable[[object], str]
    marker: Callable[[Side], str] = resident_email
    reader: str = "html"


def request_index():
    return reverse("wagtail_kanskaart_initiativerequest_modeladmin_index")


def report(name, export=None):
    url = reverse(f"kanskaart_reports:{name}")
    return f"{url}?export={export}" if export else url


def modeladmin_url(view):
    def url(request_obj):
        return reverse(
            f"wagtail_kanskaart_initiativerequest_modeladmin_{view}",
            kwargs={"instance_pk": request_obj.pk},
        )

    return url


LIST_SURFACES = [
    ListSurface("request list", request_index),
    ListSurface("request csv", lambda: request_index() + "?export=csv", reader="csv"),
    ListSurface(
        "request xlsx", lambda: request_index() + "?export=xlsx", reader="xlsx"
    ),
    ListSurface("dashboard", lambda: reverse("wagtailadmin_home"), dashboard_section),
    *[
        ListSurface(
            f"report {name} {export or 'html'}",
            lambda name=name, export=export: report(name, export),
            municipality_title,
            export or "html",
        )
        for name in REPORTS
        for export in (None, "csv", "xlsx")
    ],
    ListSurface("editor api list", lambda: API + "editor/requests/", reader="json"),
    ListSurface(
        "paper cards", lambda: reverse("kanskaart_card_admin:index"), card_code
    ),
]

OBJECT_SURFACES = [
    ObjectSurface("request inspect", modeladmin_url("inspect")),
    ObjectSurface("request history", modeladmin_url("history"), reference),
    ObjectSurface(
        "editor api detail",
        lambda request_obj: f"{API}editor/requests/{request_obj.reference}/",
        reader="json",
    ),
]


# The world: one granted request per municipality


@pytest.fixture
def world(two_municipalities):
    roosendaal, bergen = two_municipalities
    return {
        "roosendaal": Side(
            roosendaal,
            submit_form(
                roosendaal,
                needs=["budget"],
                title="Straatfeest Kalsdonk",
                email="bewoner-roosendaal@example.org",
            ).request,
        ),
        "bergen": Side(
            bergen,
            submit_form(
                bergen,
                needs=["budget"],
                neighbourhood="gageldonk",
                title="Kookclub Gageldonk",
                email="bewoner-bergen@example.org",
            ).request,
        ),
    }


@pytest.mark.parametrize("surface", LIST_SURFACES, ids=lambda s: s.name)
@pytest.mark.parametrize("editor", EDITORS)
def test_list_shows_only_own_rows(client, editors, world, editor, surface):
    client.force_login(editors[editor])

    response = client.get(surface.url())

    assert response.status_code == 200
    text = READERS[surface.reader](response)
    assert surface.marker(world[editor]) in text
    assert surface.marker(world[OTHER[editor]]) not in text


@pytest.mark.parametrize("surface", OBJECT_SURFACES, ids=lambda s: s.name)
@pytest.mark.parametrize("editor", EDITORS)
def test_own_request_opens(client, editors, world, editor, surface):
    client.force_login(editors[editor])

    response = client.get(surface.url(world[editor].request))

    assert response.status_code == 200
    assert surface.marker(world[editor]) in READERS[surface.reader](response)


@pytest.mark.parametrize("surface", OBJECT_SURFACES, ids=lambda s: s.name)
@pytest.mark.parametrize("editor", EDITORS)
def test_other_request_is_refused(client, editors, world, editor, surface):
    client.force_login(editors[editor])
    other = world[OTHER[editor]]

    response = client.get(surface.url(other.request))

    assert response.status_code in (403, 404)
    assert surface.marker(other) not in response.content.decode()


# Request actions: the other municipality's editor can neither open nor run them

ACTIONS = [
    "approve",
    "decline",
    "mark_paid",
    "change_booking",
    "cancel_booking",
    "reassign_support",
]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("editor", EDITORS)
def test_other_request_action_is_refused(client, editors, world, editor, action):
    from wagtail.models import ModelLogEntry

    client.force_login(editors[editor])
    other = world[OTHER[editor]].request
    url = modeladmin_url(action)(other)
    log_count = ModelLogEntry.objects.filter(object_id=str(other.pk)).count()

    opened = client.get(url)
    posted = client.post(url, {"reason": "Nee.", "amount": "1"})

    assert opened.status_code in (403, 404)
    assert posted.status_code in (403, 404)
    other.refresh_from_db()
    assert other.status == "granted"
    assert ModelLogEntry.objects.filter(object_id=str(other.pk)).count() == log_count


# Payouts: batches of the other municipality stay closed


@pytest.fixture
def batches(world):
    from wagtail_kanskaart.intake import payouts

    result = {}
    for name, side in world.items():
        # The SEPA file needs the municipality's own account.
        side.municipality.payout_account_name = f"Gemeente {name}"
        side.municipality.payout_iban = "NL02ABNA0123456789"
        side.municipality.save()
        payouts.give_iban(side.request, "NL91ABNA0417164300", f"Bewoner {name}")
        result[name] = payouts.create_batch(side.municipality, execution_date=None)
    return result


BATCH_VIEWS = ["batch", "batch_csv", "batch_sepa", "batch_mark_paid", "batch_cancel"]


@pytest.mark.parametrize("editor", EDITORS)
def test_payout_index_shows_own_municipality(client, editors, world, batches, editor):
    client.force_login(editors[editor])

    text = client.get(reverse("kanskaart_payouts:index")).content.decode()

    assert batches[editor].reference in text
    assert batches[OTHER[editor]].reference not in text


@pytest.mark.parametrize("view", BATCH_VIEWS)
@pytest.mark.parametrize("editor", EDITORS)
def test_own_batch_opens(client, editors, batches, editor, view):
    client.force_login(editors[editor])

    response = client.get(
        reverse(f"kanskaart_payouts:{view}", args=[batches[editor].pk])
    )

    assert response.status_code == 200


@pytest.mark.parametrize("view", BATCH_VIEWS)
@pytest.mark.parametrize("editor", EDITORS)
def test_other_batch_is_refused(client, editors, batches, editor, view):
    client.force_login(editors[editor])
    other = batches[OTHER[editor]]
    url = reverse(f"kanskaart_payouts:{view}", args=[other.pk])

    opened = client.get(url)
    posted = client.post(url)

    assert opened.status_code in (403, 404)
    assert posted.status_code in (403, 404, 405)
    other.refresh_from_db()
    assert other.status == "open"
    assert other.requests.get().status == "granted"


# Paper cards: the print form of the other municipality stays closed


def card_print_url(side):
    return reverse("kanskaart_card_admin:print", args=[side.municipality.pk])


def card_print_data(side):
    return {
        "neighbourhood": side.municipality.neighbourhoods.get().pk,
        "layout": "a6",
        "invitation": "Doe mee!",
    }


@pytest.mark.parametrize("editor", EDITORS)
def test_own_card_print_opens(client, editors, world, editor):
    client.force_login(editors[editor])
    own = world[editor]

    opened = client.get(card_print_url(own))
    posted = client.post(card_print_url(own), card_print_data(own))

    assert opened.status_code == 200
    assert posted.status_code == 200
    assert posted["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("editor", EDITORS)
def test_other_card_print_is_refused(client, editors, world, editor):
    client.force_login(editors[editor])
    other = world[OTHER[editor]]
    other_name = other.municipality.neighbourhoods.get().name

    opened = client.get(card_print_url(other))
    posted = client.post(card_print_url(other), card_print_data(other))
    # The other municipality's neighbourhood, sent to the own print form.
    smuggled = client.post(card_print_url(world[editor]), card_print_data(other))

    assert opened.status_code in (403, 404)
    assert posted.status_code in (403, 404)
    assert other_name not in opened.content.decode()
    assert smuggled["Content-Type"].startswith("text/html")
    assert other_name not in smuggled.content.decode()


# The page chooser: titles of unpublished pages stay within the municipality


@pytest.fixture
def draft_stories(two_municipalities):
    """A story waiting for moderation, and a published one, per municipality."""
    from tests.factories import make_story

    roosendaal, bergen = two_municipalities
    return {
        "roosendaal": make_story(roosendaal, "Kalsdonk geheim concept", publish=False),
        "bergen": make_story(bergen, "Gageldonk geheim concept", publish=False),
        "roosendaal live": make_story(roosendaal, "Kalsdonk geheim gepubliceerd"),
    }


def chooser_search(client, query):
    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def chooser_browse(client, parent):
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("editor", EDITORS)
def test_chooser_search_hides_other_drafts(client, editors, draft_stories, editor):
    client.force_login(editors[editor])

    html = chooser_search(client, "geheim")

    assert draft_stories[editor].title in html
    assert draft_stories[OTHER[editor]].title not in html
    assert "Kalsdonk geheim gepubliceerd" in html


@pytest.mark.parametrize("editor", EDITORS)
def test_chooser_browse_hides_other_drafts(
    client, editors, two_municipalities, draft_stories, editor
):
    pages = dict(zip(EDITORS, two_municipalities, strict=True))
    client.force_login(editors[editor])

    own = chooser_browse(client, pages[editor])
    other = chooser_browse(client, pages[OTHER[editor]])

    assert draft_stories[editor].title in own
    assert draft_stories[OTHER[editor]].title not in other


def test_chooser_shows_superuser_every_draft(client, admin_user, draft_stories):
    client.force_login(admin_user)

    html = chooser_search(client, "geheim")

    assert draft_stories["roosendaal"].title in html
    assert draft_stories["bergen"].title in html
