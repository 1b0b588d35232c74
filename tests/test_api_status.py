"""The resident's status and withdrawal by her secret token."""

import pytest

from tests.test_api import API, make_world, post_request, request_body, use_dutch
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import BudgetAccount, InitiativeRequest, SpaceBooking
from wagtail_kanskaart.models.requests import RequestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def submit(client, **changes):
    response = post_request(client, request_body(**changes))
    assert response.status_code == 201, response.content
    url = response.json()["status_api_url"]
    return url.removeprefix("http://testserver")


def test_status_shows_the_outcome_per_need(client, world):
    status_path = submit(client)

    response = client.get(status_path)

    assert response.status_code == 200
    data = response.json()
    request = InitiativeRequest.objects.get()
    assert data["reference"] == request.reference
    assert data["title"] == "Straatfeest Kalsdonk"
    assert data["municipality"] == "roosendaal"
    assert data["neighbourhood"] == {"slug": "kalsdonk", "name": "Kalsdonk"}
    assert data["status"] == "granted"
    assert data["can_withdraw"] is True
    assert [need["kind"] for need in data["outcome"]] == ["budget", "space", "support"]
    assert data["outcome"][0]["message"].startswith("You get € 150.00 for your idea.")
    assert data["status_url"].endswith(
        "/kans/status/" + status_path.split("/")[-2] + "/"
    )


def test_status_holds_no_contact_details(client, world):
    status_path = submit(client, contact={"name": "Zorana Qx7", "phone": "06 29384756"})

    text = client.get(status_path).content.decode()

    assert "Qx7" not in text
    assert "29384756" not in text


def test_status_is_private_to_caches(client, world):
    status_path = submit(client)

    response = client.get(status_path)

    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_status_speaks_the_residents_language(client, world, monkeypatch):
    use_dutch(
        monkeypatch, {"Everything is arranged. You can start!": "Alles is geregeld!"}
    )
    status_path = submit(client, language="nl")

    stored = client.get(status_path)
    english = client.get(status_path + "?language=en")

    assert stored.json()["message"] == "Alles is geregeld!"
    assert stored["Content-Language"] == "nl"
    assert english.json()["message"] == "Everything is arranged. You can start!"


def test_unknown_token_is_a_json_404(client, world):
    response = client.get(API + "status/" + "A" * 43 + "/?language=en")

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "This link does not work. Check that you copied it whole.",
    }
    assert response["Cache-Control"] == "private, no-store"


def test_withdraw_releases_money_and_booking(client, world):
    status_path = submit(client)

    response = client.post(status_path + "withdraw/")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "withdrawn"
    assert data["can_withdraw"] is False
    assert {need["status"] for need in data["outcome"]} == {"withdrawn"}
    assert BudgetAccount.objects.get(budget=world.budget).reserved == 0
    assert SpaceBooking.objects.get().status == SpaceBooking.Status.CANCELLED


def test_second_withdraw_is_a_409(client, world):
    status_path = submit(client)
    client.post(status_path + "withdraw/")

    response = client.post(status_path + "withdraw/?language=en")

    assert response.status_code == 409
    assert response.json() == {
        "code": "withdraw_not_allowed",
        "message": "You can no longer withdraw this request.",
    }


def test_paid_request_cannot_be_withdrawn(client, world):
    status_path = submit(client, needs={"budget": {"amount": "40", "purpose": "Verf"}})
    lifecycle.set_status(InitiativeRequest.objects.get(), RequestStatus.PAID)

    status = client.get(status_path)
    response = client.post(status_path + "withdraw/")

    assert status.json()["can_withdraw"] is False
    assert response.status_code == 409
    assert InitiativeRequest.objects.get().status == "paid"


def test_withdraw_of_unknown_token_is_a_404(client, world):
    response = client.post(API + "status/" + "B" * 43 + "/withdraw/")

    assert response.status_code == 404


def test_withdraw_needs_post(client, world):
    status_path = submit(client)

    response = client.get(status_path + "withdraw/")

    assert response.status_code == 405
    assert InitiativeRequest.objects.get().status == "granted"


def test_withdraw_refused_after_story(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    status_path = submit(
        client,
        needs={"support": {"kind": "organise", "note": "Ik ben 's ochtends thuis."}},
    )
    assert client.get(status_path).json()["status"] == "granted"
    story = client.post(
        status_path + "story/",
        {
            "title": "Ons straatfeest",
            "text": "We hielden een straatfeest met de hele buurt, met muziek.",
        },
        content_type="application/json",
    )
    assert story.status_code == 201, story.content

    status = client.get(status_path).json()
    response = client.post(status_path + "withdraw/?language=en")

    assert status["can_withdraw"] is False
    assert response.status_code == 409
    assert response.json()["code"] == "withdraw_not_allowed"
    assert InitiativeRequest.objects.get().status == RequestStatus.GRANTED
