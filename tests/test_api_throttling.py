"""Rate limits per client IP address on the intake and status endpoints."""

import pytest
from django.test import override_settings

from tests.test_api import API, make_world, post_request, request_body, use_dutch
from wagtail_kanskaart.models import InitiativeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "2/hour"})
def test_third_request_in_an_hour_is_a_429(client, world):
    post_request(client, request_body())
    post_request(client, request_body())

    response = post_request(client, request_body(language="en"))

    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "throttled"
    assert 3500 <= data["retry_after"] <= 3600
    assert response["Retry-After"] == str(data["retry_after"])
    assert data["message"] == "You sent too many requests. Try again in 60 minutes."
    assert InitiativeRequest.objects.count() == 2


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "1/min"})
def test_throttle_message_follows_the_body_language(client, world, monkeypatch):
    use_dutch(
        monkeypatch,
        {
            (
                "You sent too many requests. Try again in %(minutes)s minute.",
                0,
            ): "Je stuurde te veel aanvragen. "
            "Probeer het over %(minutes)s minuut opnieuw.",
        },
    )
    post_request(client, request_body())

    response = post_request(client, request_body(language="nl"))

    assert response.status_code == 429
    assert response["Content-Language"] == "nl"
    assert response.json()["message"] == (
        "Je stuurde te veel aanvragen. Probeer het over 1 minuut opnieuw."
    )


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "1/min"})
def test_invalid_requests_count_too(client, world):
    post_request(client, "{broken")

    response = post_request(client, request_body())

    assert response.status_code == 429


@override_settings(KANSKAART_API_THROTTLE_RATES={"status": "2/hour"})
def test_status_endpoints_share_one_limit(client, world):
    submitted = post_request(client, request_body())
    status_path = submitted.json()["status_api_url"].removeprefix("http://testserver")
    client.get(status_path)
    client.get(API + "status/" + "A" * 43 + "/")

    response = client.post(status_path + "withdraw/?language=en")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert InitiativeRequest.objects.get().status == "granted"


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "1/hour"})
def test_reads_are_not_throttled_by_default(client, world):
    for _attempt in range(5):
        response = client.get(API + "municipalities/roosendaal/")

        assert response.status_code == 200


@override_settings(KANSKAART_API_THROTTLE_RATES={"read": "2/min"})
def test_reads_can_be_throttled(client, world):
    client.get(API + "municipalities/roosendaal/")
    client.get(API + "budgets/?municipality=roosendaal")

    response = client.get(API + "initiatives/?municipality=roosendaal")

    assert response.status_code == 429


@override_settings(
    KANSKAART_API_THROTTLE_RATES={"submit": "1/hour"}, KANSKAART_API_NUM_PROXIES=0
)
def test_forwarded_for_is_ignored_without_proxies(client, world):
    post_request(client, request_body(), **{"X-Forwarded-For": "192.0.2.1"})

    response = post_request(client, request_body(), **{"X-Forwarded-For": "192.0.2.2"})

    assert response.status_code == 429


@override_settings(
    KANSKAART_API_THROTTLE_RATES={"submit": "1/hour"}, KANSKAART_API_NUM_PROXIES=1
)
def test_client_address_behind_one_proxy(client, world):
    first = post_request(client, request_body(), **{"X-Forwarded-For": "192.0.2.1"})
    other_client = post_request(
        client, request_body(), **{"X-Forwarded-For": "192.0.2.2"}
    )
    forged_prefix = post_request(
        client, request_body(), **{"X-Forwarded-For": "198.51.100.7, 192.0.2.1"}
    )

    assert first.status_code == 201
    assert other_client.status_code == 201
    # The proxy appended 192.0.2.1; what the client wrote before it is ignored.
    assert forged_prefix.status_code == 429
