"""The REST API: the municipality endpoint and the anonymous intake.

The helpers at the top are shared by the other ``test_api_*`` files. Every
request goes through Django's test client and the site's full middleware
stack, the way a browser or the widget reaches the API.
"""

import datetime
import json
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils.translation import trans_real

from tests.factories import (
    NeighbourhoodFactory,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    next_weekday,
)
from wagtail_kanskaart.intake.tokens import hash_token
from wagtail_kanskaart.models import (
    BudgetAccount,
    InitiativeRequest,
    SpaceBooking,
)

pytestmark = pytest.mark.django_db

API = "/api/kanskaart/v1/"
KEY = "form-fill-0123456789abcdef"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def make_world(slug="roosendaal", title="Roosendaal", **fields):
    """Create a municipality where every need can be arranged at once."""
    fields.setdefault("publish_initiatives_at_once", True)
    fields.setdefault("privacy_url", "https://www.example.org/privacy")
    municipality = make_municipality(slug=slug, title=title, **fields)
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    tolberg = NeighbourhoodFactory(
        municipality=municipality, name="Tolberg", slug="tolberg"
    )
    budget = make_budget(municipality, amount="1000.00", slug=f"budget-{slug}")
    form_page = make_form_page(municipality)
    space = make_space(
        municipality,
        [kalsdonk],
        name="Wijkcentrum Kalsdonk",
        manager_name="Mr Beheerder",
        manager_email="beheerder@example.org",
    )
    contact = make_contact(municipality, [kalsdonk], phone="0612121212")
    return SimpleNamespace(
        municipality=municipality,
        kalsdonk=kalsdonk,
        tolberg=tolberg,
        budget=budget,
        form_page=form_page,
        space=space,
        contact=contact,
    )


def request_body(municipality="roosendaal", **changes):
    """Return a complete, valid JSON body; ``changes`` replace top-level fields."""
    body = {
        "municipality": municipality,
        "neighbourhood": "kalsdonk",
        "title": "Straatfeest Kalsdonk",
        "description": "Een feest voor de hele straat, met muziek en eten.",
        "needs": {
            "budget": {"amount": "150", "purpose": "Drinken en slingers"},
            "space": {
                "date": next_weekday(1).isoformat(),
                "start": "10:00",
                "end": "12:00",
                "people": 20,
            },
            "support": {"kind": "organise", "note": "Ik ben 's ochtends thuis."},
        },
        "contact": {"name": "Fatma Yilmaz", "email": "fatma@example.org"},
        "consent": True,
        "language": "en",
    }
    body.update(changes)
    return body


def post_request(client, body, key=None, query="", **headers):
    """POST ``body`` (a dict, or raw text) to the intake endpoint."""
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        API + "requests/" + query,
        data=data,
        content_type="application/json",
        headers=headers,
    )


class OriginRegistry:
    """Sets a municipality's allowed origins.

    It writes past the model's validation, so tests can also store lines an
    older version let through and check that the API ignores them.
    """

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def allow(self, municipality, *origins):
        municipality.allowed_origins = "\n".join(origins)
        type(municipality).objects.filter(pk=municipality.pk).update(
            allowed_origins=municipality.allowed_origins
        )


def use_dutch(monkeypatch, translations):
    """Give msgids a Dutch translation for this test, whatever the catalogue holds."""
    catalog = trans_real.translation("nl")._catalog._catalogs[0]
    for msgid, text in translations.items():
        monkeypatch.setitem(catalog, msgid, text)


@pytest.fixture
def world():
    return make_world()


# The municipality endpoint


def test_municipality_lists_what_the_form_needs(client, world):
    response = client.get(API + "municipalities/roosendaal/?language=en")

    assert response.status_code == 200
    data = response.json()
    assert data["slug"] == "roosendaal"
    assert data["name"] == "Roosendaal"
    assert data["privacy_url"] == "https://www.example.org/privacy"
    assert data["form_url"].endswith("/roosendaal/kans/")
    assert [n["slug"] for n in data["neighbourhoods"]] == ["kalsdonk", "tolberg"]
    assert [need["value"] for need in data["needs"]] == ["support", "space", "budget"]
    assert {"value": "organise", "label": "Help to organise the activity"} in data[
        "support_kinds"
    ]
    assert data["limits"] == {
        "min_request_amount": "1.00",
        "max_request_amount": "500.00",
        "instant_grant_limit": "250.00",
        "space_booking_days_ahead": 120,
    }
    assert data["budget"] == {
        "total": "1000.00",
        "granted": "0.00",
        "paid": "0.00",
        "available": "1000.00",
    }


def test_municipality_spaces_have_no_manager_details(client, world):
    response = client.get(API + "municipalities/roosendaal/")

    spaces = response.json()["spaces"]
    assert spaces == [
        {
            "id": world.space.pk,
            "name": "Wijkcentrum Kalsdonk",
            "capacity": 40,
            "neighbourhoods": ["kalsdonk"],
        }
    ]
    assert "beheerder" not in response.content.decode().lower()


def test_municipality_neighbourhood_limits_follow_its_budget(client, world):
    make_budget(
        world.municipality,
        amount="300.00",
        neighbourhoods=[world.tolberg],
        slug="budget-tolberg",
        max_request_amount=Decimal("100.00"),
        instant_grant_limit=Decimal("50.00"),
    )

    response = client.get(API + "municipalities/roosendaal/")

    limits = {n["slug"]: n["limits"] for n in response.json()["neighbourhoods"]}
    assert limits["tolberg"] == {
        "max_request_amount": "100.00",
        "instant_grant_limit": "50.00",
    }
    assert limits["kalsdonk"] == {
        "max_request_amount": "500.00",
        "instant_grant_limit": "250.00",
    }


def test_municipality_labels_follow_the_language(client, world, monkeypatch):
    use_dutch(
        monkeypatch, {"Help to organise the activity": "Hulp bij het organiseren"}
    )

    dutch = client.get(API + "municipalities/roosendaal/")
    english = client.get(API + "municipalities/roosendaal/?language=en")

    assert dutch["Content-Language"] == "nl"
    assert english["Content-Language"] == "en"
    assert dutch.json()["support_kinds"][0]["label"] == "Hulp bij het organiseren"
    assert (
        english.json()["support_kinds"][0]["label"] == "Help to organise the activity"
    )


def test_municipality_budget_shows_money_granted(client, world):
    post_request(
        client, request_body(needs={"budget": {"amount": "12,50", "purpose": "Verf"}})
    )

    response = client.get(API + "municipalities/roosendaal/")

    assert response.json()["budget"]["granted"] == "12.50"
    assert response.json()["budget"]["available"] == "987.50"


def test_unknown_municipality_is_a_json_404(client, world):
    response = client.get(API + "municipalities/atlantis/?language=en")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "We cannot find this municipality.",
    }


def test_unpublished_municipality_is_a_404(client, world):
    world.municipality.unpublish()

    response = client.get(API + "municipalities/roosendaal/")

    assert response.status_code == 404


def test_unknown_api_path_is_json_404(client, world):
    response = client.get(API + "municipalities?language=en")

    assert response.status_code == 404
    assert response.json()["message"] == "There is no API endpoint at this address."


def test_api_root_links_schema_and_docs(client):
    response = client.get(API)

    assert response.status_code == 200
    assert response.json()["schema"] == "http://testserver/api/kanskaart/v1/schema/"
    assert response.json()["docs"] == "http://testserver/api/kanskaart/v1/docs/"


# Sending a request


def test_request_is_arranged_with_201(client, world):
    response = post_request(client, request_body(), key=KEY)

    assert response.status_code == 201
    data = response.json()
    request = InitiativeRequest.objects.get()
    assert data["reference"] == request.reference
    assert request.source == "api"
    assert request.language == "en"
    assert data["status"] == "granted"
    assert data["message"] == "Everything is arranged. You can start!"
    assert data["replayed"] is False
    assert "Idempotent-Replayed" not in response
    assert [need["kind"] for need in data["outcome"]] == ["budget", "space", "support"]
    assert [need["status"] for need in data["outcome"]] == ["arranged"] * 3


def test_request_outcome_describes_each_need(client, world):
    response = post_request(client, request_body())

    budget, space, support = response.json()["outcome"]
    assert budget["title"] == "€ 150.00 is granted"
    assert budget["details"] == {"amount": "150.00"}
    assert space["reason"] == "booked"
    assert space["details"]["space"] == "Wijkcentrum Kalsdonk"
    day = datetime.date.fromisoformat(request_body()["needs"]["space"]["date"])
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=AMSTERDAM)
    assert space["details"]["starts_at"] == starts_at.isoformat()
    assert set(space["details"]) == {"space", "address", "starts_at", "ends_at"}
    assert support["title"] == "Help: Fatima helps you"
    assert support["details"] == {
        "name": "Fatima",
        "organisation": "het buurtteam",
        "response_days": 2,
    }


def test_request_outcome_hides_the_contacts_details(client, world):
    response = post_request(client, request_body())

    text = response.content.decode()
    assert "fatima@example.org" not in text
    assert "0612121212" not in text
    assert "+31612121212" not in text


def test_request_links_to_the_residents_status(client, world):
    response = post_request(client, request_body())

    data = response.json()
    token = data["status_api_url"].rstrip("/").rsplit("/", 1)[1]
    assert data["status_api_url"] == f"http://testserver{API}status/{token}/"
    assert data["status_url"].endswith(f"/roosendaal/kans/status/{token}/")
    assert InitiativeRequest.objects.get().status_token_hash == hash_token(token)


def test_request_in_review_says_why(client, world):
    body = request_body(
        needs={"budget": {"amount": "400", "purpose": "Een tent huren"}}
    )

    response = post_request(client, body)

    assert response.status_code == 201
    [budget] = response.json()["outcome"]
    assert response.json()["status"] == "in_review"
    assert budget["status"] == "in_review"
    assert budget["reason"] == "above_instant_limit"


def test_amount_accepts_a_json_number_and_dutch_text(client, world):
    cases = [(12.5, "12.50"), (40, "40.00"), ("12,50", "12.50"), ("€ 1.250", None)]
    for amount, expected in cases:
        body = request_body(needs={"budget": {"amount": amount, "purpose": "Verf"}})

        response = post_request(client, body)

        if expected is None:
            # 1250 is above the maximum of 500, so the form rejects it.
            assert response.status_code == 400, amount
            assert "needs.budget.amount" in response.json()["errors"]
        else:
            assert response.status_code == 201, response.json()
            assert response.json()["outcome"][0]["details"]["amount"] == expected


def test_request_books_the_space_the_resident_chose(client, world):
    second = make_space(world.municipality, [world.kalsdonk], name="Aula Kalsdonk")
    needs = request_body()["needs"]
    needs["space"]["space"] = second.pk

    response = post_request(client, request_body(needs={"space": needs["space"]}))

    assert response.status_code == 201
    assert response.json()["outcome"][0]["details"]["space"] == "Aula Kalsdonk"
    assert SpaceBooking.objects.get().space == second


def test_space_of_another_neighbourhood_is_rejected(client, world):
    elsewhere = make_space(
        world.municipality, [world.tolberg], name="Buurthuis Tolberg"
    )
    other = make_world(slug="bergen-op-zoom", title="Bergen op Zoom")
    for space in (elsewhere, other.space):
        needs = request_body()["needs"]
        needs["space"]["space"] = space.pk

        response = post_request(client, request_body(needs={"space": needs["space"]}))

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "needs.space.space": [
                "Choose a space from the list for your neighbourhood."
            ]
        }
    assert not SpaceBooking.objects.exists()


def test_phone_alone_is_enough_contact(client, world):
    body = request_body(contact={"name": "Fatma", "phone": "06 12345678"})

    response = post_request(client, body)

    assert response.status_code == 201
    assert InitiativeRequest.objects.get().phone == "+31612345678"


# Idempotency


def test_repeat_with_same_key_returns_the_first_outcome(client, world):
    first = post_request(client, request_body(), key=KEY)

    second = post_request(client, request_body(), key=KEY)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["replayed"] is True
    assert second.json()["reference"] == first.json()["reference"]
    assert second.json()["outcome"] == first.json()["outcome"]
    assert InitiativeRequest.objects.count() == 1
    assert BudgetAccount.objects.get(budget=world.budget).reserved == Decimal("150.00")


def test_same_key_with_another_body_is_a_409(client, world):
    post_request(client, request_body(), key=KEY)

    response = post_request(client, request_body(title="Een ander idee"), key=KEY)

    assert response.status_code == 409
    assert response.json() == {
        "code": "idempotency_conflict",
        "message": "This Idempotency-Key was used for a request with other answers. "
        "Use a new key for a new request.",
    }
    assert InitiativeRequest.objects.count() == 1


def test_requests_without_a_key_are_not_deduplicated(client, world):
    post_request(client, request_body())

    post_request(client, request_body())

    assert InitiativeRequest.objects.count() == 2


def test_invalid_idempotency_key_is_a_400(client, world):
    for key in ["short", "has spaces in it 123", "x" * 129, "ümlaut-0123456789"]:
        response = post_request(
            client, request_body(), key=key.encode().decode("latin-1")
        )

        assert response.status_code == 400, key
        assert response.json()["code"] == "invalid_idempotency_key"
        assert response.json()["message"] == "The Idempotency-Key header is invalid."
        assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not InitiativeRequest.objects.exists()


# Field errors


def test_field_errors_use_json_paths(client, world):
    body = request_body(
        title="",
        needs={"budget": {"amount": "abc"}, "space": {"date": "tomorrow"}},
        contact={"name": "Fatma", "email": "not-an-address"},
        consent=False,
    )

    response = post_request(client, body)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert response.json()["code"] == "invalid"
    assert errors["title"] == ["Give your idea a name."]
    assert errors["needs.budget.amount"] == [
        "Enter an amount in euros, for example 150 or 12,50."
    ]
    assert errors["needs.budget.purpose"] == [
        "Tell us what you will spend the money on."
    ]
    assert errors["needs.space.date"] == ["Enter a date, for example 2027-03-14."]
    assert errors["needs.space.start"] == ["Fill in the time you need the room from."]
    assert errors["contact.email"] == [
        "Enter an e-mail address, for example naam@voorbeeld.nl."
    ]
    assert errors["consent"] == ["Tick the box to agree, or we cannot help you."]
    assert not InitiativeRequest.objects.exists()


def test_missing_contact_is_reported_on_email(client, world):
    response = post_request(client, request_body(contact={"name": "Fatma"}))

    assert response.json()["errors"] == {
        "contact.email": [
            "Fill in your e-mail address or your phone number, so we can reach you."
        ]
    }


def test_no_needs_is_reported_on_needs(client, world):
    response = post_request(client, request_body(needs={}))

    assert response.json()["errors"] == {
        "needs": ["Choose what you need: support, a space or a budget."]
    }


def test_null_need_counts_as_not_asked(client, world):
    body = request_body(
        needs={"budget": None, "space": None, "support": {"kind": "rules"}}
    )

    response = post_request(client, body)

    assert response.status_code == 201
    assert [need["kind"] for need in response.json()["outcome"]] == ["support"]


def test_field_errors_follow_the_body_language(client, world, monkeypatch):
    use_dutch(
        monkeypatch,
        {
            "Give your idea a name.": "Geef je idee een naam.",
            "Check the fields with an error.": "Kijk naar de velden met een fout.",
        },
    )

    dutch = post_request(client, request_body(title="", language="nl"))
    english = post_request(client, request_body(title="", language="en"))
    default = post_request(
        client, {k: v for k, v in request_body(title="").items() if k != "language"}
    )

    assert dutch.json()["errors"]["title"] == ["Geef je idee een naam."]
    assert dutch.json()["message"] == "Kijk naar de velden met een fout."
    assert dutch["Content-Language"] == "nl"
    assert english.json()["errors"]["title"] == ["Give your idea a name."]
    assert english["Content-Language"] == "en"
    assert default.json()["errors"]["title"] == ["Geef je idee een naam."]


def test_outcome_follows_the_body_language(client, world, monkeypatch):
    use_dutch(
        monkeypatch, {"Everything is arranged. You can start!": "Alles is geregeld!"}
    )

    response = post_request(client, request_body(language="nl"))

    assert response.json()["message"] == "Alles is geregeld!"
    assert InitiativeRequest.objects.get().language == "nl"


def test_unknown_language_is_a_field_error(client, world):
    response = post_request(client, request_body(language="de"), query="?language=en")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "language": ["Choose one of these languages: nl, en."]
    }


def test_unknown_municipality_in_body_is_a_404(client, world):
    response = post_request(client, request_body(municipality="atlantis"))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not InitiativeRequest.objects.exists()


def test_missing_municipality_is_a_field_error(client, world):
    body = request_body()
    del body["municipality"]

    response = post_request(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"municipality": ["This field is required."]}


# The honeypot


def test_filled_honeypot_is_rejected_and_nothing_is_stored(client, world):
    for website in ["https://spam.example", 5, ["x"]]:
        response = post_request(client, request_body(website=website))

        assert response.status_code == 400
        assert response.json() == {
            "code": "rejected",
            "message": "We could not take your request. Try again, or contact your "
            "municipality.",
        }
    assert not InitiativeRequest.objects.exists()


def test_empty_honeypot_is_fine(client, world):
    for website in ["", "   ", None]:
        response = post_request(client, request_body(website=website))

        assert response.status_code == 201


# Methods, media types and cookies


def test_intake_only_accepts_post(client, world):
    response = client.get(API + "requests/?language=en")

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This address does not accept the GET method.",
    }


def test_form_encoded_body_is_a_415(client, world):
    response = client.post(
        API + "requests/?language=en", {"municipality": "roosendaal"}
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not InitiativeRequest.objects.exists()


def test_intake_skips_csrf_and_cookies(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = post_request(client, request_body())

    assert response.status_code == 201
    assert not response.cookies


def test_intake_ignores_a_logged_in_session(admin_client, world):
    response = post_request(admin_client, request_body())

    assert response.status_code == 201
    request = InitiativeRequest.objects.get()
    from wagtail.models import ModelLogEntry

    entries = ModelLogEntry.objects.filter(object_id=str(request.pk))
    assert entries.exists()
    assert all(entry.user_id is None for entry in entries)


@override_settings(KANSKAART_API_MAX_BODY_SIZE=2000)
def test_body_over_the_limit_is_a_413(client, world):
    body = request_body(description="x" * 3000)

    response = post_request(client, body)

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "2000" in response.json()["message"]
    assert not InitiativeRequest.objects.exists()


def test_accept_without_json_is_a_406(client, world):
    response = client.get(
        API + "municipalities/roosendaal/?language=en", headers={"Accept": "text/html"}
    )

    assert response.status_code == 406
    assert response.json() == {
        "code": "not_acceptable",
        "message": "This API only answers in JSON. Accept application/json.",
    }
