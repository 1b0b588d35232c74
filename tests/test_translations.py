"""The Dutch catalogue: complete, faithful to its placeholders, and used by the pages.

``make check-messages`` checks that the catalogue is current with the code
and that the committed .mo matches the .po. These tests check what a stale
or careless translation would break: an untranslated or fuzzy entry shows
English to a resident, and a lost placeholder drops an amount or a name.
"""

import re
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

import wagtail_kanskaart
from tests.factories import (
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_neighbourhood,
    make_space,
    request_data,
)

CATALOGUE = (
    Path(wagtail_kanskaart.__file__).parent
    / "locale"
    / "nl"
    / "LC_MESSAGES"
    / "django.po"
)

# Python's %-format placeholders, e.g. %(amount)s or %(days)d. "%%" is a literal
# percent sign, not a placeholder.
PLACEHOLDER_RE = re.compile(r"%(?:\([^)]+\))?[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TAG_RE = re.compile(r"<[^>]+>")


def placeholders(text):
    return sorted(set(PLACEHOLDER_RE.findall(text)) - {"%%"})


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def active_entries(catalogue):
    return [entry for entry in catalogue if not entry.obsolete]


def translations_of(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# The catalogue file


def test_catalogue_header_is_dutch(catalogue):
    assert catalogue.metadata["Language"] == "nl"
    assert "charset=UTF-8" in catalogue.metadata["Content-Type"]
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert not catalogue.metadata_is_fuzzy


def test_catalogue_is_not_empty(catalogue):
    assert len(active_entries(catalogue)) > 100


def test_catalogue_has_no_untranslated_entry(catalogue):
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]

    assert untranslated == []


def test_catalogue_has_no_fuzzy_entry(catalogue):
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert fuzzy == []


def test_plural_entries_have_two_forms(catalogue):
    plurals = [entry for entry in active_entries(catalogue) if entry.msgid_plural]

    assert plurals, "expected ngettext entries such as the throttling message"
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


def test_translations_keep_every_placeholder(catalogue):
    for entry in active_entries(catalogue):
        expected = placeholders(entry.msgid + " " + entry.msgid_plural)
        for translation in translations_of(entry):
            assert placeholders(translation) == expected, (entry.msgid, translation)


def test_translations_keep_markup(catalogue):
    for entry in active_entries(catalogue):
        expected = sorted(TAG_RE.findall(entry.msgid))
        for translation in translations_of(entry):
            assert sorted(TAG_RE.findall(translation)) == expected, entry.msgid


def test_translations_differ_from_english_sentences(catalogue):
    # Single words such as "Status" or "Budget" are the same in Dutch. A whole
    # English sentence copied as its own translation is a mistake.
    for entry in active_entries(catalogue):
        if len(entry.msgid.split()) < 4:
            continue
        for translation in translations_of(entry):
            assert translation != entry.msgid, entry.msgid


# The pages in Dutch


@pytest.fixture
def form_page(db):
    municipality = make_municipality(
        contact_email="kanskaart@roosendaal.example.org",
        instant_grant_limit="250.00",
    )
    kalsdonk = make_neighbourhood(municipality)
    make_budget(municipality)
    make_space(municipality, [kalsdonk], name="Wijkcentrum Kalsdonk")
    make_contact(municipality, [kalsdonk], name="Fatima")
    return make_form_page(municipality)


@pytest.fixture
def dutch_client():
    return Client(HTTP_ACCEPT_LANGUAGE="nl")


def error_summary_items(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    summary = soup.find(class_="kanskaart-error-summary")
    assert summary is not None, "the page shows no error summary"
    title = summary.find(class_="kanskaart-error-summary__title").get_text(strip=True)
    items = [item.get_text(" ", strip=True) for item in summary.find_all("li")]
    return title, items


def test_form_page_labels_are_dutch(dutch_client, form_page):
    response = dutch_client.get(form_page.url)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="nl"' in page
    assert "Hoe heet je idee?" in page
    assert "Wat heb je nodig?" in page
    assert "Verstuur mijn aanvraag" in page


def test_empty_form_shows_dutch_errors(dutch_client, form_page):
    response = dutch_client.post(form_page.url, {})

    title, items = error_summary_items(response)
    assert response.status_code == 200
    assert title == "Er is een probleem"
    assert "Geef je idee een naam." in items
    assert "Kies je wijk." in items
    assert "Vul je naam in." in items
    assert (
        "Zet een vinkje als je het goed vindt. Anders kunnen we je niet helpen."
        in items
    )


def test_wrong_amount_shows_dutch_error(dutch_client, form_page):
    response = dutch_client.post(form_page.url, request_data(budget_amount="twaalf"))

    _, items = error_summary_items(response)
    assert items == ["Vul een bedrag in euro's in, bijvoorbeeld 150 of 12,50."]


def test_outcome_page_tells_grant_in_dutch(
    dutch_client, form_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = dutch_client.post(form_page.url, request_data(budget_amount="150"))
    outcome = dutch_client.get(response["Location"])

    page = " ".join(
        BeautifulSoup(outcome.content.decode(), "html.parser").get_text().split()
    )
    assert response.status_code in (302, 303)
    assert "Je aanvraag is verstuurd" in page
    assert "Alles is geregeld. Je kunt beginnen!" in page
    assert (
        "Je krijgt € 150,00 voor je idee. Je hoeft geen bonnetjes te bewaren." in page
    )
    assert "Fatima van het buurtteam neemt binnen 2 dagen contact met je op." in page
    resident_mail = next(m for m in mail.outbox if "fatma@example.org" in m.to)
    assert resident_mail.subject.startswith("Je aanvraag KK-")
    assert "Bedankt voor je idee" in resident_mail.body
