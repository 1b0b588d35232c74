"""CORS: browsers on a municipality's own websites may call the API, others may not.

A preflight is allowed for any origin that some live municipality lists.
The intake and the withdrawal then check the origin against the one
municipality the request is for.
"""

import pytest
from django.core.exceptions import ValidationError

from tests.test_api import (
    API,
    OriginRegistry,
    make_world,
    post_request,
    request_body,
)
from wagtail_kanskaart.models import InitiativeRequest

pytestmark = pytest.mark.django_db

ROOSENDAAL_SITE = "https://www.roosendaal.nl"
BERGEN_SITE = "https://www.bergenopzoom.nl"
STRANGER = "https://evil.example"


@pytest.fixture
def worlds(monkeypatch):
    roosendaal = make_world()
    bergen = make_world(slug="bergen-op-zoom", title="Bergen op Zoom")
    origins = OriginRegistry(monkeypatch)
    origins.allow(roosendaal.municipality, ROOSENDAAL_SITE, "  ", "not an origin")
    origins.allow(bergen.municipality, BERGEN_SITE + "/", "http://localhost:8080")
    return roosendaal, bergen


def preflight(client, origin, path="requests/", method="POST"):
    return client.options(
        API + path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )


def test_preflight_from_a_listed_origin_is_allowed(client, worlds):
    for origin in [ROOSENDAAL_SITE, BERGEN_SITE, "http://localhost:8080"]:
        response = preflight(client, origin)

        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == origin
        allowed_headers = response["Access-Control-Allow-Headers"].lower()
        assert "content-type" in allowed_headers
        assert "idempotency-key" in allowed_headers
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "Access-Control-Allow-Credentials" not in response


def test_preflight_from_another_origin_is_refused(client, worlds):
    for origin in [
        STRANGER,
        "null",
        "https://www.roosendaal.nl.evil.example",
        "not a url",
    ]:
        response = preflight(client, origin)

        assert "Access-Control-Allow-Origin" not in response, origin
        assert "Access-Control-Allow-Headers" not in response, origin


def test_origin_of_an_unpublished_municipality_is_refused(client, worlds):
    roosendaal, _bergen = worlds
    roosendaal.municipality.unpublish()

    response = preflight(client, ROOSENDAAL_SITE)

    assert "Access-Control-Allow-Origin" not in response


def test_cors_covers_only_the_api(client, worlds):
    response = client.options(
        "/roosendaal/",
        headers={"Origin": ROOSENDAAL_SITE, "Access-Control-Request-Method": "GET"},
    )

    assert "Access-Control-Allow-Origin" not in response


def test_read_from_a_listed_origin_gets_cors_headers(client, worlds):
    allowed = client.get(
        API + "municipalities/roosendaal/", headers={"Origin": BERGEN_SITE}
    )
    refused = client.get(
        API + "municipalities/roosendaal/", headers={"Origin": STRANGER}
    )

    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == BERGEN_SITE
    assert "Content-Language" in allowed["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in refused


def test_post_from_the_municipalitys_origin_is_arranged(client, worlds):
    response = post_request(client, request_body(), Origin=ROOSENDAAL_SITE)

    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == ROOSENDAAL_SITE
    assert "Idempotent-Replayed" in response["Access-Control-Expose-Headers"]


def test_post_from_another_municipalitys_origin_is_a_403(client, worlds):
    response = post_request(client, request_body(language="en"), Origin=BERGEN_SITE)

    assert response.status_code == 403
    assert response.json() == {
        "code": "origin_not_allowed",
        "message": "This website may not send requests to this municipality.",
    }
    # The browser may read the refusal, because the origin is listed at all.
    assert response["Access-Control-Allow-Origin"] == BERGEN_SITE
    assert not InitiativeRequest.objects.exists()


def test_post_from_an_unknown_origin_is_a_403(client, worlds):
    response = post_request(client, request_body(), Origin=STRANGER)

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert not InitiativeRequest.objects.exists()


def test_post_without_origin_is_allowed(client, worlds):
    response = post_request(client, request_body())

    assert response.status_code == 201


def test_post_from_the_sites_own_origin_is_allowed(client, worlds):
    response = post_request(client, request_body(), Origin="http://testserver")

    assert response.status_code == 201


def test_withdraw_checks_the_origin_too(client, worlds):
    submitted = post_request(client, request_body(), Origin=ROOSENDAAL_SITE)
    status_path = submitted.json()["status_api_url"].removeprefix("http://testserver")

    refused = client.post(status_path + "withdraw/", headers={"Origin": BERGEN_SITE})
    allowed = client.post(
        status_path + "withdraw/", headers={"Origin": ROOSENDAAL_SITE}
    )

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert InitiativeRequest.objects.get().status == "withdrawn"


def test_municipality_rejects_line_that_is_no_origin(worlds):
    municipality = worlds[0].municipality
    municipality.allowed_origins = f"{ROOSENDAAL_SITE}\nwww.roosendaal.nl/pagina"

    with pytest.raises(ValidationError) as error:
        municipality.full_clean()

    assert "www.roosendaal.nl/pagina" in str(
        error.value.message_dict["allowed_origins"]
    )


def test_municipality_accepts_origins_one_per_line(worlds):
    municipality = worlds[0].municipality
    municipality.allowed_origins = f"{ROOSENDAAL_SITE}\n\nhttp://127.0.0.1:8001/"

    municipality.full_clean()
