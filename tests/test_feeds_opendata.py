"""Story feeds, open data files and the sitemap: public pages only, no personal data."""

import csv
import html
import io
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from wagtail.models import PageViewRestriction

from tests.factories import make_story, submit_form
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import BudgetPage, InitiativePage
from wagtail_kanskaart.transparency import budget_summary

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

# Personal data planted in a request; none of it may reach a public file.
SECRETS = {
    "name": "Gerrit Geheimnaam",
    "email": "gerrit.geheim@example.org",
    "phone": "06 29876543",
    "iban": "NL91ABNA0417164300",
}
SECRET_TEXTS = [
    "Geheimnaam",
    "gerrit.geheim@example.org",
    "29876543",
    "NL91ABNA0417164300",
    "ABNA0417",
    "Een plan dat nog niemand mag zien",
]


def submit_idea(municipality, title, number, amount="150", **overrides):
    result = submit_form(
        municipality,
        needs=["budget"],
        title=title,
        budget_amount=amount,
        email=overrides.pop("email", f"bewoner{number}@example.org"),
        phone=overrides.pop("phone", f"0612{number:06d}"),
        **overrides,
    )
    return result.request


def publish_initiative(request):
    page = InitiativePage.objects.get(pk=request.initiative_page_id)
    page.save_revision().publish()
    return InitiativePage.objects.get(pk=page.pk)


@pytest.fixture
def world(roosendaal):
    """Published, draft and private stories and initiatives, with money."""
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    kalsdonk.cbs_code = "WK165000"
    kalsdonk.save()
    public = submit_idea(roosendaal, "Zonnebloemen in de straat", 1)
    public_page = publish_initiative(public)
    lifecycle.mark_paid(public)

    hidden = submit_idea(
        roosendaal,
        "Geheim buurtidee",
        2,
        amount="75,50",
        name=SECRETS["name"],
        email=SECRETS["email"],
        phone=SECRETS["phone"],
        description="Een plan dat nog niemand mag zien, echt niet.",
    )
    hidden.iban = SECRETS["iban"]
    hidden.iban_holder = SECRETS["name"]
    hidden.save()

    withdrawn = submit_idea(roosendaal, "Ingetrokken idee", 3, amount="20")
    lifecycle.withdraw(withdrawn)

    private = submit_idea(roosendaal, "Privé plan", 4, amount="30")
    private_page = publish_initiative(private)
    PageViewRestriction.objects.create(
        page=private_page, restriction_type=PageViewRestriction.LOGIN
    )

    story = make_story(
        roosendaal,
        "Vuurtoren verhaal",
        initiative=public_page,
        photo_caption="De straat vol zonnebloemen",
        body="<p>Lange tekst over de zonnebloemen.</p>",
    )
    make_story(roosendaal, "Zonder foto verhaal", intro="")
    make_story(roosendaal, "Concept verhaal", publish=False)
    private_story = make_story(roosendaal, "Besloten verhaal")
    PageViewRestriction.objects.create(
        page=private_story, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    return {
        "public_page": public_page,
        "story": story,
        "hidden": hidden,
        "budget": BudgetPage.objects.child_of(roosendaal).get(),
    }


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def rss_items(client, municipality):
    response = get_ok(client, f"{municipality.url}verhalen/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    return root.find("channel").findall("item")


def atom_entries(client, municipality):
    response = get_ok(client, f"{municipality.url}verhalen/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return root.findall(f"{ATOM}entry")


def open_data(client, municipality, name):
    response = get_ok(client, f"{municipality.url}open-data/{name}")
    if name.endswith("json/"):
        return json.loads(response.content)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Feeds


def test_rss_lists_public_stories(client, roosendaal, world):
    items = rss_items(client, roosendaal)

    titles = [item.findtext("title") for item in items]
    assert sorted(titles) == ["Vuurtoren verhaal", "Zonder foto verhaal"]


def test_rss_item_fields(client, roosendaal, world):
    items = {item.findtext("title"): item for item in rss_items(client, roosendaal)}
    item = items["Vuurtoren verhaal"]

    assert item.findtext("link") == world["story"].full_url
    assert item.findtext("description") == "Zo ging het: Vuurtoren verhaal."
    assert item.findtext("pubDate")
    assert item.findtext("guid").endswith(f":kanskaart-story-{world['story'].pk}")
    enclosure = item.find("enclosure")
    site_root = world["story"].get_site().root_url
    assert enclosure.get("url").startswith(f"{site_root}/media/")
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) > 0
    assert item.find("author") is None


def test_rss_description_falls_back_to_body(client, roosendaal):
    make_story(roosendaal, "Alleen tekst", intro="", body="<p>Eerst <b>dit</b>.</p>")

    (item,) = rss_items(client, roosendaal)

    assert item.findtext("description") == "Eerst dit."


def test_resident_text_is_not_markup_in_feeds(client, roosendaal):
    typed = "Wij <3 soep & <b>brood</b> <img src=x onerror=alert(1)>"
    make_story(roosendaal, "Soep", intro=typed)

    (item,) = rss_items(client, roosendaal)
    (entry,) = atom_entries(client, roosendaal)

    # A reader decodes the XML, then renders the description as HTML: what
    # it renders must be the text as she typed it, not tags.
    for description in (
        item.findtext("description"),
        entry.findtext(f"{ATOM}summary"),
    ):
        assert "<b>" not in description
        assert "<img" not in description
        assert html.unescape(description) == typed


def test_atom_lists_public_stories(client, roosendaal, world):
    response = get_ok(client, f"{roosendaal.url}verhalen/atom/")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")

    titles = sorted(entry.findtext(f"{ATOM}title") for entry in entries)
    assert titles == ["Vuurtoren verhaal", "Zonder foto verhaal"]
    # Atom requires an author: the municipality, never a resident.
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == roosendaal.title
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}published")
        assert entry.find(f"{ATOM}author") is None


def test_feed_has_newest_twenty(client, roosendaal):
    for number in range(22):
        make_story(roosendaal, f"Verhaal nummer {number}")

    titles = [item.findtext("title") for item in rss_items(client, roosendaal)]

    assert len(titles) == 20
    assert titles[0] == "Verhaal nummer 21"
    assert "Verhaal nummer 0" not in titles


def test_feed_of_bergen_is_empty(client, bergen, world):
    assert rss_items(client, bergen) == []


# Open data


def test_initiatives_json_fields(client, roosendaal, world):
    data = open_data(client, roosendaal, "initiatieven/json/")

    assert data["dataset"] == "initiatieven"
    assert data["municipality"]["slug"] == "roosendaal"
    (item,) = data["items"]
    page = world["public_page"]
    assert item == {
        "id": page.pk,
        "title": "Zonnebloemen in de straat",
        "neighbourhood": "Kalsdonk",
        "neighbourhood_cbs_code": "WK165000",
        "needs": ["budget"],
        "published_at": item["published_at"],
        "url": page.full_url,
        "has_story": True,
        "story_url": world["story"].full_url,
    }
    assert item["published_at"][-6:] in ("+01:00", "+02:00")


def test_initiatives_csv_has_header_and_rows(client, roosendaal, world):
    rows = open_data(client, roosendaal, "initiatieven/csv/")

    assert [row["title"] for row in rows] == ["Zonnebloemen in de straat"]
    assert rows[0]["has_story"] == "true"
    assert rows[0]["needs"] == "budget"


def test_spending_json_has_every_entry(client, roosendaal, world):
    data = open_data(client, roosendaal, "uitgaven/json/")

    kinds = sorted((item["kind"], item["amount"]) for item in data["items"])
    assert kinds == [
        ("paid", "150.00"),
        ("released", "20.00"),
        ("reserved", "150.00"),
        ("reserved", "20.00"),
        ("reserved", "30.00"),
        ("reserved", "75.50"),
    ]
    for item in data["items"]:
        assert item["budget"] == "Bewonersbudget"
        assert item["neighbourhood"] == "Kalsdonk"
        assert len(item["date"]) == 10


def test_spending_names_only_public_initiatives(client, roosendaal, world):
    data = open_data(client, roosendaal, "uitgaven/json/")

    named = {item["initiative"] for item in data["items"]}
    assert named == {"Zonnebloemen in de straat", None}
    for item in data["items"]:
        if item["initiative"] is None:
            assert item["initiative_id"] is None


def test_spending_adds_up_to_budget_summary(client, roosendaal, world):
    rows = open_data(client, roosendaal, "uitgaven/csv/")
    summary = budget_summary(world["budget"])

    def total(kind):
        return sum(
            (Decimal(row["amount"]) for row in rows if row["kind"] == kind),
            Decimal(0),
        )

    assert total("reserved") - total("released") == summary.granted
    assert total("paid") == summary.paid


def test_open_data_csv_blocks_formulas(client, roosendaal):
    request = submit_idea(roosendaal, "=HYPERLINK(1)", 1)
    publish_initiative(request)

    initiatives = open_data(client, roosendaal, "initiatieven/csv/")
    spending = open_data(client, roosendaal, "uitgaven/csv/")

    assert initiatives[0]["title"] == "'=HYPERLINK(1)"
    assert spending[0]["initiative"] == "'=HYPERLINK(1)"


def test_open_data_json_keeps_title_as_typed(client, roosendaal):
    request = submit_idea(roosendaal, "=HYPERLINK(1)", 1)
    publish_initiative(request)

    data = open_data(client, roosendaal, "initiatieven/json/")

    assert data["items"][0]["title"] == "=HYPERLINK(1)"


def test_open_data_page_lists_files_and_fields(client, roosendaal):
    soup = BeautifulSoup(
        get_ok(client, f"{roosendaal.url}open-data/").content, "html.parser"
    )

    links = {a["href"] for a in soup.find_all("a")}
    for name in [
        "initiatieven/csv/",
        "initiatieven/json/",
        "uitgaven/csv/",
        "uitgaven/json/",
    ]:
        assert f"{roosendaal.url}open-data/{name}" in links
    fields = {code.get_text() for code in soup.select("th code")}
    assert {"neighbourhood_cbs_code", "story_url", "kind", "amount"} <= fields


@pytest.mark.parametrize(
    "name",
    [
        "onbekend/csv/",
        "initiatieven/xml/",
        "initiatieven.csv",
        "initiatieven/csv/extra/",
        "x/json/",
    ],
)
def test_unknown_open_data_file_is_404(client, roosendaal, name):
    assert client.get(f"{roosendaal.url}open-data/{name}").status_code == 404


def test_open_data_of_unpublished_municipality_is_404(client, roosendaal):
    roosendaal.unpublish()

    assert client.get(f"{roosendaal.url}open-data/uitgaven/json/").status_code == 404
    assert client.get(f"{roosendaal.url}verhalen/rss/").status_code == 404


# Nothing hidden, nothing personal


def public_outputs(client, municipality, budget):
    paths = [
        "",
        "?wijk=kalsdonk",
        "verhalen/rss/",
        "verhalen/atom/",
        "open-data/",
        "open-data/initiatieven/csv/",
        "open-data/initiatieven/json/",
        "open-data/uitgaven/csv/",
        "open-data/uitgaven/json/",
    ]
    outputs = {
        path: get_ok(client, municipality.url + path).content.decode() for path in paths
    }
    outputs["budget page"] = get_ok(client, budget.url).content.decode()
    outputs["sitemap"] = get_ok(client, "/sitemap.xml").content.decode()
    return outputs


def test_no_personal_data_in_any_output(client, roosendaal, world):
    outputs = public_outputs(client, roosendaal, world["budget"])

    for name, text in outputs.items():
        for secret in SECRET_TEXTS:
            assert secret not in text, (name, secret)


def test_nothing_unpublished_in_any_output(client, roosendaal, world):
    outputs = public_outputs(client, roosendaal, world["budget"])

    for name, text in outputs.items():
        for hidden in [
            "Geheim buurtidee",
            "Ingetrokken idee",
            "Privé plan",
            "Concept verhaal",
            "Besloten verhaal",
        ]:
            assert hidden not in text, (name, hidden)


# Sitemap


def sitemap_locations(client):
    root = ElementTree.fromstring(get_ok(client, "/sitemap.xml").content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return {url.findtext(f"{namespace}loc") for url in root.findall(f"{namespace}url")}


def test_sitemap_lists_public_pages(client, roosendaal, world):
    locations = sitemap_locations(client)

    form_page = roosendaal.form_page
    for page in [
        roosendaal,
        world["budget"],
        world["public_page"],
        world["story"],
        form_page,
    ]:
        assert page.full_url in locations, page.title
    assert f"{roosendaal.full_url}open-data/" in locations


def test_sitemap_leaves_out_hidden_pages(client, roosendaal, world):
    locations = " ".join(sitemap_locations(client))

    hidden = InitiativePage.objects.get(pk=world["hidden"].initiative_page_id)
    assert hidden.url_path.rstrip("/").split("/")[-1] not in locations
    for slug in ["concept-verhaal", "besloten-verhaal", "prive-plan"]:
        assert slug not in locations
    assert "/status/" not in locations
    assert "/uitkomst/" not in locations
    assert "verhalen/rss" not in locations
