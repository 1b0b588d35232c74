"""The OpenAPI schema, its documentation page, and a schemathesis run against it.

schemathesis sends generated requests, valid and invalid, to the WSGI app in
this process: no server, no network. It checks that no response is a server
error and that every response matches the schema.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_api import API, KEY, make_world, post_request, request_body

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/kanskaart/v1/municipalities/{slug}/",
    "/api/kanskaart/v1/requests/",
    "/api/kanskaart/v1/budgets/",
    "/api/kanskaart/v1/initiatives/",
    "/api/kanskaart/v1/stories/",
    "/api/kanskaart/v1/status/{token}/",
    "/api/kanskaart/v1/status/{token}/withdraw/",
    "/api/kanskaart/v1/status/{token}/payout/",
    "/api/kanskaart/v1/status/{token}/story/",
    "/api/kanskaart/v1/editor/requests/",
    "/api/kanskaart/v1/editor/requests/{reference}/",
]


def test_schema_is_valid_openapi_3(client):
    response = client.get(API + "schema/?format=json")

    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Kanskaart API"
    assert sorted(schema["paths"]) == sorted(ENDPOINTS)


def test_schema_describes_the_request_body_and_errors(client):
    schema = client.get(API + "schema/?format=json").json()

    operation = schema["paths"]["/api/kanskaart/v1/requests/"]["post"]
    body = operation["requestBody"]["content"]
    assert list(body) == ["application/json"]
    assert {"201", "200", "400", "403", "404", "409", "413", "415", "429"} <= set(
        operation["responses"]
    )
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    properties = schema["components"]["schemas"]["RequestBody"]["properties"]
    assert {
        "municipality",
        "needs",
        "contact",
        "consent",
        "language",
        "website",
    } <= set(properties)
    # The public endpoints are anonymous; only the editors' endpoints offer
    # a scheme, the Wagtail admin's session (see test_editor_api.py).
    assert set(schema["components"]["securitySchemes"]) == {"sessionAuth"}
    assert operation["security"] == [{}]


def test_schema_is_also_served_as_yaml(client):
    response = client.get(API + "schema/")

    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_docs_page_loads_nothing_from_elsewhere(client):
    page = client.get(API + "docs/")
    script = client.get(API + "docs/?script=")

    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    )
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("text/javascript")
    assert '"url": "/api/kanskaart/v1/schema/"' in script.content.decode()
    assert not page.cookies
    assert not script.cookies


def test_docs_script_has_no_csrf_token(client):
    script = client.get(API + "docs/?script=").content.decode()

    assert "csrf" not in script.lower()


# schemathesis


# Loading the schema makes one request through the WSGI app while the tests
# are collected; generating the schema needs no database.
# NOTE: schemathesis.pytest.from_fixture, which would load it inside a test,
# fails under pytest 9.2 (schemathesis 4.32 reads the removed
# Function._nodeid), so the schema is loaded at import.
schema = schemathesis.openapi.from_wsgi(
    API + "schema/?format=json", get_wsgi_application()
)


@pytest.fixture
def worlds():
    return make_world(), make_world(slug="bergen-op-zoom", title="Bergen op Zoom")


@pytest.fixture
def keep_connection():
    """Keep the test's database connection open across WSGI requests.

    Django's WSGI handler closes the connection when a request ends, which
    on PostgreSQL would end the test's transaction. Django's test client
    disconnects the same handler for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": None, "status": None})
def test_generated_requests_get_no_server_error(case, worlds, keep_connection):
    response = case.call()

    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_documented_example_request_is_accepted(client):
    make_world()

    response = post_request(client, request_body(), key=KEY)

    assert response.status_code == 201
