"""No resident's name, e-mail address or phone number on any public page."""

import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from wagtail.models import Page

from tests.factories import (
    NeighbourhoodFactory,
    add_page,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    request_data,
)
from wagtail_kanskaart.models import InitiativeRequest, StoryPage

pytestmark = pytest.mark.django_db

NAME = "Zwanhilde Quispelaar"
EMAIL = "zwanhilde.quispelaar@voorbeeld.nl"
PHONE = "06 47839261"
# Every way the phone number may be written on a page.
PHONE_FORMS = [
    "0647839261",
    "06 47839261",
    "+31647839261",
    "+31 6 47839261",
    "47839261",
]
NOTE = "Bel Zwanhilde op 06-47839261 na 18 uur"

PRIVATE = [NAME, "Zwanhilde", "Quispelaar", EMAIL, "zwanhilde.quispelaar", *PHONE_FORMS]


@pytest.fixture
def roosendaal():
    municipality = make_municipality(
        publish_initiatives_at_once=True,
        contact_email="kanskaart@roosendaal.example.org",
    )
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    budget = make_budget(municipality)
    form_page = make_form_page(municipality)
    make_space(municipality, [kalsdonk])
    make_contact(municipality, [kalsdonk])
    return SimpleNamespace(
        municipality=municipality, budget=budget, form_page=form_page
    )


def send_requests(client, roosendaal):
    """Send two requests with distinctive contact details; return their pages."""
    client.post(
        roosendaal.form_page.url,
        request_data(name=NAME, email=EMAIL, phone=PHONE, support_note=NOTE),
    )
    client.post(
        roosendaal.form_page.url,
        request_data(
            title="Koffie in de wijk",
            description=(
                f"Koffie voor moeders. Vragen? Mail {EMAIL} of bel {PHONE}, "
                "ik ben er elke ochtend."
            ),
            name=NAME,
            email="",
            phone=PHONE,
            needs=["budget"],
            budget_amount="50",
        ),
    )
    requests = list(InitiativeRequest.objects.order_by("pk"))
    assert len(requests) == 2
    return requests


def public_paths(client, roosendaal, requests):
    initiative = requests[0].initiative_page.specific
    with_contact_in_text = requests[1].initiative_page.specific
    assert initiative.live
    assert with_contact_in_text.live
    story = add_page(
        roosendaal.municipality,
        StoryPage(
            title="Zo ging het straatfeest",
            slug="zo-ging-het",
            initiative=initiative,
            intro="Het was een mooie dag in Kalsdonk.",
            body="<p>Veel buren kwamen langs.</p>",
        ),
    )
    return [
        "/",
        roosendaal.municipality.url,
        roosendaal.budget.url,
        roosendaal.form_page.url,
        roosendaal.form_page.url + "?wijk=kalsdonk",
        initiative.url,
        with_contact_in_text.url,
        story.url,
        "/sitemap.xml",
    ]


def visible_and_hidden_text(response):
    """Return the page's text plus every attribute value, lower-cased."""
    html = response.content.decode()
    if "html" not in response["Content-Type"]:
        return html.lower()
    soup = BeautifulSoup(html, "html.parser")
    parts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        for value in tag.attrs.values():
            parts.append(" ".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts).lower()


def test_public_pages_show_no_contact_details(client, roosendaal):
    requests = send_requests(client, roosendaal)
    paths = public_paths(client, roosendaal, requests)

    for path in paths:
        response = client.get(path)

        assert response.status_code == 200, path
        text = visible_and_hidden_text(response)
        for private in PRIVATE:
            assert private.lower() not in text, (path, private)


def test_public_pages_still_show_the_public_facts(client, roosendaal):
    requests = send_requests(client, roosendaal)
    paths = public_paths(client, roosendaal, requests)

    municipality_page = client.get(paths[1]).content.decode()
    initiative_page = client.get(paths[5]).content.decode()
    contact_page = client.get(paths[6]).content.decode()

    assert requests[0].title in municipality_page
    assert requests[0].title in initiative_page
    assert "Kalsdonk" in initiative_page
    assert "Koffie voor moeders." in contact_page
    assert "ik ben er elke ochtend." in contact_page
    with translation.override("nl"):
        marker = translation.gettext("[contact details removed]")
    assert marker in BeautifulSoup(contact_page, "html.parser").get_text()


def test_form_page_keeps_nothing_of_requests(client, roosendaal):
    send_requests(client, roosendaal)

    response = client.get(roosendaal.form_page.url)

    text = visible_and_hidden_text(response)
    for private in PRIVATE:
        assert private.lower() not in text, private


def test_unpublished_initiative_page_is_not_public(client, roosendaal):
    roosendaal.municipality.publish_initiatives_at_once = False
    roosendaal.municipality.save()

    client.post(
        roosendaal.form_page.url, request_data(name=NAME, email=EMAIL, phone=PHONE)
    )

    page = Page.objects.get(pk=InitiativeRequest.objects.get().initiative_page_id)
    assert not page.live
    assert client.get(page.url or "/roosendaal/" + page.slug + "/").status_code == 404
    municipality_page = client.get(roosendaal.municipality.url).content.decode()
    assert InitiativeRequest.objects.get().title not in municipality_page


def test_status_link_is_not_in_any_public_page(client, roosendaal):
    requests = send_requests(client, roosendaal)
    paths = public_paths(client, roosendaal, requests)

    for path in paths:
        html = client.get(path).content.decode()

        assert not re.search(r"/status/[A-Za-z0-9_-]{20,}", html), path
        assert not re.search(r"/uitkomst/[A-Za-z0-9_-]{20,}", html), path


def test_iban_and_address_in_the_idea_are_removed(client, roosendaal):
    typed = {
        "iban": "NL91ABNA0417164300",
        "spaced iban": "NL91 ABNA 0417 1643 00",
        "street": "Kalsdonkseweg 12",
        "postcode": "4701 AB",
    }
    client.post(
        roosendaal.form_page.url,
        request_data(
            title="Bloemen in de straat",
            description=(
                f"Geld graag naar {typed['iban']} (of {typed['spaced iban']}). "
                f"Ik woon op {typed['street']}, {typed['postcode']} Roosendaal. "
                "We plantten in 2024 en 12 buren hielpen."
            ),
            needs=["budget"],
            budget_amount="50",
        ),
    )
    page = InitiativeRequest.objects.get().initiative_page.specific

    text = BeautifulSoup(client.get(page.url).content, "html.parser").get_text()

    for what, value in typed.items():
        assert value not in text, what
    with translation.override("nl"):
        assert translation.gettext("[contact details removed]") in text
    # Ordinary numbers in the story stay.
    assert "We plantten in 2024 en 12 buren hielpen." in text
