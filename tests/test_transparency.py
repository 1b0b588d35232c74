"""Budget meters, the municipality page with its neighbourhood filter, and the
budget page's public ledger."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import (
    add_page,
    make_budget,
    make_neighbourhood,
    make_story,
    submit_form,
)
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import BudgetAccount, InitiativePage
from wagtail_kanskaart.transparency import budget_meter, budget_summary

pytestmark = pytest.mark.django_db


def soup_of(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def publish(page):
    page = InitiativePage.objects.get(pk=page.pk)
    page.save_revision().publish()
    return page


def submit_budget_request(municipality, number, amount="150", **overrides):
    """Submit a budget request of its own resident; return the request."""
    result = submit_form(
        municipality,
        needs=["budget"],
        title=overrides.pop("title", f"Buurtidee {number}"),
        budget_amount=amount,
        email=f"bewoner{number}@example.org",
        phone=f"06123{number:05d}",
        **overrides,
    )
    return result.request


# Budget meter


@pytest.mark.parametrize(
    ("available", "total", "percent", "percent_text"),
    [
        ("0", "10000", 0, "0%"),
        ("0.01", "10000", 1, "less than 1%"),
        ("0.40", "10000", 1, "less than 1%"),
        ("50", "10000", 1, "less than 1%"),  # 0.5 %
        ("100", "10000", 1, "1%"),
        ("5000", "10000", 50, "50%"),
        ("9900", "10000", 99, "99%"),
        ("9950", "10000", 99, "more than 99%"),  # 99.5 %
        ("9999", "10000", 99, "more than 99%"),  # 99.99 %
        ("9999.99", "10000", 99, "more than 99%"),
        ("10000", "10000", 100, "100%"),
        ("0", "0", 0, "0%"),
    ],
)
def test_meter_percent_at_edges(available, total, percent, percent_text):
    with translation.override("en"):
        meter = budget_meter(Decimal(available), Decimal(total))

    assert meter.percent == percent
    assert meter.percent_text == percent_text


@pytest.mark.parametrize(
    ("available", "total", "amount_text"),
    [
        ("0.01", "10000", "€ 0.01"),
        ("0.40", "10000", "€ 0.40"),
        ("0.004", "10000", "less than € 0.01"),
        ("9999.99", "10000", "€ 9,999.99"),
        ("0", "10000", "€ 0.00"),
        ("0", "0", "€ 0.00"),
    ],
)
def test_meter_amount_never_zero_while_money_left(available, total, amount_text):
    with translation.override("en"):
        meter = budget_meter(Decimal(available), Decimal(total))

    assert meter.amount_text == amount_text


def test_meter_amount_in_dutch():
    with translation.override("nl"):
        meter = budget_meter(Decimal("0.40"), Decimal("10000"))

    assert meter.amount_text == "€ 0,40"
    assert "0,40" in meter.description
    assert "10.000,00" in meter.description


def test_meter_of_empty_budget_has_no_division_error():
    with translation.override("en"):
        meter = budget_meter(Decimal("0"), Decimal("0"))

    assert meter.percent == 0
    assert "0%" in meter.description


def account_with_available(budget, available):
    account = BudgetAccount.objects.get(budget=budget)
    account.reserved = account.amount - Decimal(available)
    account.save()


def test_money_card_meter_with_cents_left(client, roosendaal):
    budget = make_budget(roosendaal, amount="10000.00", title="Klein potje")
    account_with_available(budget, "0.40")

    soup = soup_of(client.get(budget.url))

    meter = soup.select_one(".kanskaart-money__card meter")
    assert meter["value"] == "1"
    assert meter["max"] == "100"
    text = soup.select_one(".kanskaart-money__card").get_text(" ")
    assert "€ 0,40" in text
    assert "minder dan 1%" in text or "less than 1%" in text
    assert "€ 0,00" not in text


def test_money_card_meter_with_one_cent_granted(client, roosendaal):
    budget = make_budget(roosendaal, amount="10000.00", title="Bijna vol potje")
    account_with_available(budget, "9999.99")

    soup = soup_of(client.get(budget.url))

    meter = soup.select_one(".kanskaart-money__card meter")
    assert meter["value"] == "99"
    assert "10.000,00 nog beschikbaar" not in soup.get_text(" ")


def test_neighbourhood_table_has_a_meter_per_row(client, roosendaal):
    make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")

    soup = soup_of(client.get(roosendaal.url))

    rows = soup.select(".kanskaart-table tbody tr")
    assert len(rows) == 2
    for row in rows:
        assert row.select_one("meter") is not None
        assert row.select_one(".kanskaart-visually-hidden").get_text(strip=True)


# The municipality page


@pytest.fixture
def places(roosendaal):
    """Kalsdonk and Tolberg, each with a published initiative and a story."""
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    tolberg = make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")
    kalsdonk_idea = add_page(
        roosendaal,
        InitiativePage(
            title="Moestuin Kalsdonk", slug="moestuin", neighbourhood=kalsdonk
        ),
    )
    add_page(
        roosendaal,
        InitiativePage(
            title="Speeltuin Tolberg", slug="speeltuin", neighbourhood=tolberg
        ),
    )
    make_story(
        roosendaal,
        "Oogstfeest in Kalsdonk",
        neighbourhood=kalsdonk,
        photo_caption="Kinderen plukken tomaten",
    )
    make_story(roosendaal, "Schommel in Tolberg", neighbourhood=tolberg)
    # No neighbourhood of its own: it belongs to its initiative's.
    make_story(roosendaal, "Compost in Kalsdonk", initiative=kalsdonk_idea)
    return {"kalsdonk": kalsdonk, "tolberg": tolberg}


def card_titles(soup, section_id):
    section = soup.find(id=section_id).find_parent("section")
    return {h3.get_text(strip=True) for h3 in section.select(".kanskaart-card h3")}


def test_municipality_page_shows_latest_stories_and_initiatives(
    client, roosendaal, places
):
    soup = soup_of(client.get(roosendaal.url))

    assert card_titles(soup, "kanskaart-stories-title") == {
        "Oogstfeest in Kalsdonk",
        "Schommel in Tolberg",
        "Compost in Kalsdonk",
    }
    assert card_titles(soup, "kanskaart-initiatives-title") == {
        "Moestuin Kalsdonk",
        "Speeltuin Tolberg",
    }


def test_story_card_photo_alt_is_caption(client, roosendaal, places):
    soup = soup_of(client.get(roosendaal.url))

    images = soup.select(".kanskaart-card img")
    assert [image["alt"] for image in images] == ["Kinderen plukken tomaten"]


def test_story_card_photo_alt_falls_back_to_title(client, roosendaal):
    make_story(roosendaal, "Picknick zonder bijschrift", photo_caption="")

    soup = soup_of(client.get(roosendaal.url))

    assert soup.select_one(".kanskaart-card img")["alt"] == (
        "Picknick zonder bijschrift"
    )


def test_neighbourhood_filter_shows_its_stories(client, roosendaal, places):
    soup = soup_of(client.get(roosendaal.url, {"wijk": "kalsdonk"}))

    assert card_titles(soup, "kanskaart-stories-title") == {
        "Oogstfeest in Kalsdonk",
        "Compost in Kalsdonk",
    }
    assert card_titles(soup, "kanskaart-initiatives-title") == {"Moestuin Kalsdonk"}


def test_neighbourhood_filter_shows_its_money(client, roosendaal, places):
    soup = soup_of(client.get(roosendaal.url, {"wijk": "tolberg"}))

    rows = soup.select(".kanskaart-table tbody tr th")
    assert [row.get_text(strip=True) for row in rows] == ["Tolberg"]


def test_neighbourhood_filter_form_works_without_javascript(client, roosendaal, places):
    soup = soup_of(client.get(roosendaal.url, {"wijk": "tolberg"}))

    form = soup.select_one("form.kanskaart-filter__form")
    assert form["method"] == "get"
    select = form.select_one("select[name=wijk]")
    assert select.select_one("option[selected]")["value"] == "tolberg"
    assert form.select_one("label[for=kanskaart-wijk]") is not None
    assert form.select_one("button[type=submit]") is not None
    links = {a["href"] for a in soup.select(".kanskaart-filter__links a")}
    assert f"{roosendaal.url}?wijk=kalsdonk" in links


@pytest.mark.parametrize(
    "wijk", ["onbekend", "\x00", "kals\x00donk", "a" * 1000, "<script>", "%", "名前"]
)
def test_bad_neighbourhood_is_ignored_with_a_note(client, roosendaal, places, wijk):
    soup = soup_of(client.get(roosendaal.url, {"wijk": wijk}))

    assert soup.select_one(".kanskaart-filter .kanskaart-notice") is not None
    assert len(card_titles(soup, "kanskaart-stories-title")) == 3


def test_neighbourhood_filter_ignores_case(client, roosendaal, places):
    soup = soup_of(client.get(roosendaal.url, {"wijk": " Kalsdonk "}))

    assert soup.select_one(".kanskaart-filter .kanskaart-notice") is None
    assert card_titles(soup, "kanskaart-initiatives-title") == {"Moestuin Kalsdonk"}


def test_municipality_page_hides_drafts(client, roosendaal, places):
    make_story(roosendaal, "Concept verhaal", publish=False)
    add_page(
        roosendaal,
        InitiativePage(title="Concept idee", slug="concept", live=False),
        publish=False,
    )

    text = soup_of(client.get(roosendaal.url)).get_text(" ")

    assert "Concept verhaal" not in text
    assert "Concept idee" not in text


def test_municipality_page_links_the_feeds(client, roosendaal):
    soup = soup_of(client.get(roosendaal.url))

    alternates = {
        link["type"]: link["href"] for link in soup.select("link[rel=alternate]")
    }
    assert alternates["application/rss+xml"] == f"{roosendaal.url}verhalen/rss/"
    assert alternates["application/atom+xml"] == f"{roosendaal.url}verhalen/atom/"
    assert soup.find("a", href=f"{roosendaal.url}verhalen/rss/") is not None


def add_items(municipality, count, start=0):
    kalsdonk = municipality.neighbourhoods.get(slug="kalsdonk")
    for number in range(start, start + count):
        idea = add_page(
            municipality,
            InitiativePage(
                title=f"Idee {number}", slug=f"idee-{number}", neighbourhood=kalsdonk
            ),
        )
        make_story(
            municipality,
            f"Verhaal {number}",
            initiative=idea,
            photo_caption=f"Foto {number}",
        )


def count_page_queries(client, url):
    client.get(url)  # makes the renditions, which are stored once
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"wijk": "kalsdonk"}])
def test_municipality_page_queries_do_not_grow(
    client, roosendaal, django_assert_max_num_queries, query
):
    url = roosendaal.url + ("?wijk=kalsdonk" if query else "")
    add_items(roosendaal, 2)
    with_two = count_page_queries(client, url)

    add_items(roosendaal, 8, start=2)
    client.get(url)
    with django_assert_max_num_queries(with_two):
        response = client.get(url)

    assert len(soup_of(response).select(".kanskaart-card img")) == 6


# The budget page's public ledger


def roosendaal_budget(roosendaal):
    from wagtail_kanskaart.models import BudgetPage

    return BudgetPage.objects.child_of(roosendaal).get()


def ledger_rows(soup):
    rows = []
    for row in soup.select(".kanskaart-ledger tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        link = row.select_one("th a")
        rows.append({"cells": cells, "link": link["href"] if link else None})
    return rows


def test_ledger_lists_money_per_idea(client, roosendaal):
    budget = roosendaal_budget(roosendaal)
    public = submit_budget_request(roosendaal, 1, "150", title="Zichtbaar feest")
    publish(public.initiative_page)
    submit_budget_request(roosendaal, 2, "75,50", title="Geheim plan")
    paid = submit_budget_request(roosendaal, 3, "40", title="Betaald idee")
    lifecycle.mark_paid(paid)
    withdrawn = submit_budget_request(roosendaal, 4, "60", title="Ingetrokken idee")
    lifecycle.withdraw(withdrawn)

    soup = soup_of(client.get(budget.url))
    rows = ledger_rows(soup)

    assert len(rows) == 3
    by_amount = {row["cells"][2]: row for row in rows}
    assert set(by_amount) == {"€ 150,00", "€ 75,50", "€ 40,00"}
    visible = by_amount["€ 150,00"]
    assert visible["cells"][0] == "Zichtbaar feest"
    assert (
        visible["link"] == InitiativePage.objects.get(pk=public.initiative_page_id).url
    )
    assert visible["cells"][1] == "Kalsdonk"
    hidden = by_amount["€ 75,50"]
    assert hidden["link"] is None
    assert hidden["cells"][0] != "Geheim plan"
    assert by_amount["€ 40,00"]["cells"][3] == "€ 40,00"
    assert by_amount["€ 150,00"]["cells"][3] == "€ 0,00"
    text = soup.get_text(" ")
    assert "Geheim plan" not in text
    assert "Ingetrokken idee" not in text
    assert "€ 60,00" not in text


def test_ledger_totals_equal_budget_summary(client, roosendaal):
    budget = roosendaal_budget(roosendaal)
    for number, amount in enumerate(["150", "99,99", "1,01", "42"]):
        request = submit_budget_request(roosendaal, number, amount)
    lifecycle.mark_paid(request)
    withdrawn = submit_budget_request(roosendaal, 9, "10")
    lifecycle.withdraw(withdrawn)
    summary = budget_summary(budget)

    soup = soup_of(client.get(budget.url))

    def total(name):
        return soup.select_one(f"[data-total={name}]").get_text(strip=True)

    assert total("granted") == "€ 293,00"
    assert summary.granted == Decimal("293.00")
    assert total("paid") == "€ 42,00"
    assert summary.paid == Decimal("42.00")
    assert total("available") == "€ 9.707,00"
    assert summary.available == Decimal("9707.00")
    row_sum = sum(
        Decimal(row["cells"][2].removeprefix("€ ").replace(".", "").replace(",", "."))
        for row in ledger_rows(soup)
    )
    assert row_sum == summary.granted


def test_ledger_date_is_in_amsterdam_time(client, roosendaal, settings):
    import datetime

    from wagtail_kanskaart.models import LedgerEntry

    request = submit_budget_request(roosendaal, 1)
    # 23:30 UTC on 31 December is already 1 January in Amsterdam.
    LedgerEntry.objects.filter(request=request).update(
        created_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )
    settings.TIME_ZONE = "UTC"

    soup = soup_of(client.get(roosendaal_budget(roosendaal).url))

    assert soup.select_one(".kanskaart-ledger time")["datetime"] == "2026-01-01"


def test_ledger_has_no_personal_data(client, roosendaal):
    request = submit_budget_request(
        roosendaal, 1, name="Gerrit Geheimnaam", title="Tuin met Gerrit"
    )
    request.iban = "NL91ABNA0417164300"
    request.save()

    text = client.get(roosendaal_budget(roosendaal).url).content.decode()

    for secret in ["Geheimnaam", "bewoner1@example.org", "0612300001", "NL91ABNA"]:
        assert secret not in text


def test_ledger_is_paginated(client, roosendaal):
    budget = roosendaal_budget(roosendaal)
    for number in range(51):
        submit_budget_request(roosendaal, number, "10")

    first = ledger_rows(soup_of(client.get(budget.url)))
    second = ledger_rows(soup_of(client.get(budget.url, {"pagina": "2"})))

    assert len(first) == 50
    assert len(second) == 1


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99", "\x00", "1" * 50, "２"])
def test_bad_ledger_page_gives_page_one(client, roosendaal, value):
    budget = roosendaal_budget(roosendaal)
    submit_budget_request(roosendaal, 1, "10")

    rows = ledger_rows(soup_of(client.get(budget.url, {"pagina": value})))

    assert len(rows) == 1
