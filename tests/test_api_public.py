"""The public read endpoints: budgets, initiatives and stories.

Only live pages without view restrictions appear, with public fields only.
"""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.factories import add_page, make_budget
from tests.test_api import API, make_world, post_request, request_body
from wagtail_kanskaart.models import InitiativePage, InitiativeRequest, StoryPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def add_initiative(municipality, title, neighbourhood, publish=True, **fields):
    page = InitiativePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        neighbourhood=neighbourhood,
        summary=f"Over {title}.",
        needs=["budget"],
        live=publish,
        **fields,
    )
    return add_page(municipality, page, publish=publish)


def add_story(municipality, title, initiative=None, publish=True, neighbourhood=None):
    page = StoryPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        initiative=initiative,
        neighbourhood=neighbourhood,
        intro="Zo ging het.",
        body="<p>Het was <b>mooi</b>.</p>",
        live=publish,
    )
    return add_page(municipality, page, publish=publish)


def restrict(page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )


def titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["results"]]


# Budgets


def test_budgets_show_money_per_budget(client, world):
    post_request(
        client, request_body(needs={"budget": {"amount": "40", "purpose": "Verf"}})
    )

    response = client.get(API + "budgets/?municipality=roosendaal")

    [budget] = response.json()["results"]
    assert budget["title"] == "Bewonersbudget"
    assert budget["municipality"] == "roosendaal"
    assert budget["is_open"] is True
    assert budget["neighbourhoods"] == []
    assert budget["money"] == {
        "total": "1000.00",
        "granted": "40.00",
        "paid": "0.00",
        "available": "960.00",
    }
    assert budget["url"] == "http://localhost/roosendaal/budget-roosendaal/"


def test_budgets_leave_out_drafts_and_restricted_pages(client, world):
    draft = make_budget(world.municipality, slug="draft-budget", title="Concept")
    draft.unpublish()
    private = make_budget(world.municipality, slug="private-budget", title="Besloten")
    restrict(private)

    response = client.get(API + "budgets/?municipality=roosendaal")

    assert titles(response) == ["Bewonersbudget"]


def test_budgets_filter_by_neighbourhood_and_open(client, world):
    today = timezone.localdate()
    make_budget(
        world.municipality,
        slug="tolberg-budget",
        title="Tolberg",
        neighbourhoods=[world.tolberg],
    )
    make_budget(
        world.municipality,
        slug="old-budget",
        title="Vorig jaar",
        period_start=today - datetime.timedelta(days=400),
        period_end=today - datetime.timedelta(days=35),
    )

    kalsdonk = client.get(
        API + "budgets/?municipality=roosendaal&neighbourhood=kalsdonk"
    )
    tolberg = client.get(API + "budgets/?municipality=roosendaal&neighbourhood=tolberg")
    open_now = client.get(API + "budgets/?municipality=roosendaal&open=true")
    closed = client.get(API + "budgets/?municipality=roosendaal&open=false")

    assert titles(kalsdonk) == ["Vorig jaar", "Bewonersbudget"]
    assert sorted(titles(tolberg)) == ["Bewonersbudget", "Tolberg", "Vorig jaar"]
    assert sorted(titles(open_now)) == ["Bewonersbudget", "Tolberg"]
    assert titles(closed) == ["Vorig jaar"]
    assert closed.json()["results"][0]["is_open"] is False


def test_lists_need_a_municipality(client, world):
    for endpoint in ["budgets/", "initiatives/", "stories/"]:
        response = client.get(API + endpoint + "?language=en")

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "municipality": ["Add ?municipality= with the slug of a municipality."]
        }


def test_lists_of_an_unknown_municipality_are_404(client, world):
    for endpoint in ["budgets/", "initiatives/", "stories/"]:
        response = client.get(API + endpoint + "?municipality=atlantis")

        assert response.status_code == 404


def test_lists_keep_municipalities_apart(client, world):
    other = make_world(slug="bergen-op-zoom", title="Bergen op Zoom")
    add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    add_initiative(other.municipality, "Opruimactie", other.kalsdonk)

    roosendaal = client.get(API + "initiatives/?municipality=roosendaal")
    bergen = client.get(API + "initiatives/?municipality=bergen-op-zoom")

    assert titles(roosendaal) == ["Moestuin"]
    assert titles(bergen) == ["Opruimactie"]


# Initiatives


def test_initiatives_are_live_public_and_newest_first(client, world):
    add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    add_initiative(world.municipality, "Buitenspeeldag", world.tolberg)
    add_initiative(world.municipality, "Nog een concept", world.kalsdonk, publish=False)
    restrict(add_initiative(world.municipality, "Besloten", world.kalsdonk))

    response = client.get(API + "initiatives/?municipality=roosendaal")

    assert titles(response) == ["Buitenspeeldag", "Moestuin"]
    first = response.json()["results"][0]
    assert first["neighbourhood"] == {"slug": "tolberg", "name": "Tolberg"}
    assert first["summary"] == "Over Buitenspeeldag."
    assert first["needs"] == ["budget"]
    assert first["url"] == "http://localhost/roosendaal/buitenspeeldag/"


def test_initiatives_filter_by_neighbourhood(client, world):
    add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    add_initiative(world.municipality, "Buitenspeeldag", world.tolberg)

    response = client.get(
        API + "initiatives/?municipality=roosendaal&neighbourhood=tolberg"
    )

    assert titles(response) == ["Buitenspeeldag"]


def test_initiative_waiting_for_moderation_is_not_listed(client):
    make_world(publish_initiatives_at_once=False)
    post_request(client, request_body())

    response = client.get(API + "initiatives/?municipality=roosendaal")

    assert InitiativePage.objects.count() == 1
    assert titles(response) == []


@override_settings(KANSKAART_API_PAGE_SIZE=2)
def test_lists_are_paginated(client, world):
    for number in range(5):
        add_initiative(world.municipality, f"Idee {number}", world.kalsdonk)

    first = client.get(API + "initiatives/?municipality=roosendaal")
    last = client.get(API + "initiatives/?municipality=roosendaal&page=3")
    bigger = client.get(API + "initiatives/?municipality=roosendaal&page_size=4")

    assert first.json()["count"] == 5
    assert titles(first) == ["Idee 4", "Idee 3"]
    assert first.json()["next"].endswith("page=2")
    assert first.json()["previous"] is None
    assert titles(last) == ["Idee 0"]
    assert last.json()["next"] is None
    assert len(titles(bigger)) == 4


def test_page_past_the_end_is_a_404(client, world):
    response = client.get(
        API + "initiatives/?municipality=roosendaal&page=2&language=en"
    )

    assert response.status_code == 404
    assert response.json()["message"] == "This page does not exist."


# Stories


def test_stories_link_only_published_initiatives(client, world):
    live = add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    draft = add_initiative(world.municipality, "Concept", world.kalsdonk, publish=False)
    add_story(world.municipality, "Oogstfeest", initiative=live)
    add_story(world.municipality, "Geheim verhaal", initiative=draft)
    add_story(world.municipality, "Nog niet af", publish=False)

    response = client.get(API + "stories/?municipality=roosendaal")

    assert titles(response) == ["Geheim verhaal", "Oogstfeest"]
    secret, harvest = response.json()["results"]
    assert secret["initiative"] is None
    assert secret["neighbourhood"] is None
    assert harvest["initiative"] == {
        "id": live.pk,
        "title": "Moestuin",
        "url": "http://localhost/roosendaal/moestuin/",
    }
    assert harvest["neighbourhood"] == {"slug": "kalsdonk", "name": "Kalsdonk"}
    assert harvest["intro"] == "Zo ging het."
    assert harvest["body"] == "<p>Het was <b>mooi</b>.</p>"
    assert harvest["image"] is None


def test_stories_filter_by_neighbourhood(client, world):
    garden = add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    games = add_initiative(world.municipality, "Spelen", world.tolberg)
    add_story(world.municipality, "Oogstfeest", initiative=garden)
    add_story(world.municipality, "Spelletjes", initiative=games)

    response = client.get(
        API + "stories/?municipality=roosendaal&neighbourhood=tolberg"
    )

    assert titles(response) == ["Spelletjes"]


def test_story_neighbourhood_is_its_own_before_its_initiatives(client, world):
    garden = add_initiative(world.municipality, "Moestuin", world.kalsdonk)
    add_story(
        world.municipality, "Oogstfeest", initiative=garden, neighbourhood=world.tolberg
    )
    add_story(world.municipality, "Zonder idee", neighbourhood=world.kalsdonk)

    response = client.get(API + "stories/?municipality=roosendaal")

    neighbourhoods = {
        item["title"]: item["neighbourhood"]["slug"]
        for item in response.json()["results"]
    }
    assert neighbourhoods == {"Oogstfeest": "tolberg", "Zonder idee": "kalsdonk"}


# Personal data


def test_no_personal_data_in_any_public_endpoint(client, world):
    body = request_body(
        needs={
            "budget": {"amount": "40", "purpose": "Purpose-Qx7 verf"},
            "support": {"kind": "organise", "note": "Note-Qx7 bel na vijven"},
        },
        contact={
            "name": "Zorana Qx7-Vandersteen",
            "email": "zorana.qx7@example.org",
            "phone": "06 29384756",
        },
    )
    submitted = post_request(client, body)
    assert submitted.status_code == 201, submitted.json()
    initiative = InitiativePage.objects.get()
    add_story(world.municipality, "Oogstfeest", initiative=initiative)
    secrets = ["Qx7", "zorana", "29384756", "fatima@example.org", "0612121212"]

    responses = [
        client.get(API + "municipalities/roosendaal/"),
        client.get(API + "budgets/?municipality=roosendaal"),
        client.get(API + "initiatives/?municipality=roosendaal"),
        client.get(API + "stories/?municipality=roosendaal"),
        client.get(API + "schema/?format=json"),
    ]

    assert titles(responses[2]) == ["Straatfeest Kalsdonk"]
    assert titles(responses[3]) == ["Oogstfeest"]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode().lower()
        for secret in secrets:
            assert secret.lower() not in text, (response.request["PATH_INFO"], secret)
    assert InitiativeRequest.objects.get().name == "Zorana Qx7-Vandersteen"


def test_stories_list_every_photo_with_caption(client, world, settings, tmp_path):
    from tests.factories import make_image
    from wagtail_kanskaart.models.story import StoryPhoto

    settings.MEDIA_ROOT = str(tmp_path / "media")
    story = add_story(world.municipality, "Oogstfeest")
    for order, caption in enumerate(["De tafel", "Het podium"]):
        StoryPhoto.objects.create(
            story=story,
            image=make_image(title=f"Foto {order}", size=(64 + order, 48)),
            caption=caption,
            sort_order=order,
        )

    response = client.get(API + "stories/?municipality=roosendaal")

    [item] = response.json()["results"]
    photos = item["photos"]
    assert [photo["alt"] for photo in photos] == ["De tafel", "Het podium"]
    assert [photo["width"] for photo in photos] == [64, 65]
    assert [photo["height"] for photo in photos] == [48, 48]
    assert all(photo["url"].startswith("http") for photo in photos)
    assert item["image"] == photos[0]


def test_schema_documents_story_photos(client):
    schema = client.get(API + "schema/?format=json").json()

    story = schema["components"]["schemas"]["Story"]
    assert "photos" in story["required"]
    assert story["properties"]["photos"]["type"] == "array"
    assert story["properties"]["photos"]["items"] == {
        "$ref": "#/components/schemas/Image"
    }
