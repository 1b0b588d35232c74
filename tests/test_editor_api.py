"""The editors' read-only API: login required, scoped, documented; and the
public API never lists requests."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import make_neighbourhood, submit_form

pytestmark = pytest.mark.django_db

API = "/api/kanskaart/v1/"
LIST = API + "editor/requests/"


def detail(reference):
    return f"{LIST}{reference}/"


def ask(municipality, amount="150", email="fatma@example.org", **overrides):
    # Without a phone number by default, so each e-mail address is another
    # resident with a cap of her own.
    overrides.setdefault("needs", ["budget"])
    overrides.setdefault("phone", "")
    return submit_form(
        municipality, budget_amount=amount, email=email, **overrides
    ).request


@pytest.fixture
def requests(two_municipalities):
    """A granted and a waiting request in Roosendaal, one request in Bergen op Zoom."""
    roosendaal, bergen = two_municipalities
    return {
        "granted": ask(roosendaal, "150", "een@example.org"),
        "waiting": ask(
            roosendaal,
            "400",
            "twee@example.org",
            needs=["budget", "support"],
            phone="06 12345678",
        ),
        "bergen": ask(bergen, "150", "drie@example.org", neighbourhood="gageldonk"),
    }


def references(response):
    return {item["reference"] for item in response.json()["results"]}


# Authentication


def test_anonymous_list_is_rejected(client, requests):
    response = client.get(LIST)

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_anonymous_detail_is_rejected(client, requests):
    response = client.get(detail(requests["granted"].reference))

    assert response.status_code == 403
    assert requests["granted"].email not in response.content.decode()


def test_user_without_admin_access_is_rejected(client, requests):
    user = get_user_model().objects.create_user("bewoner", "b@example.org", "pw")
    client.force_login(user)

    response = client.get(LIST)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# The list


def test_list_shows_own_requests(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST)

    assert response.status_code == 200
    assert references(response) == {
        requests["granted"].reference,
        requests["waiting"].reference,
    }


def test_list_for_bergen_editor(client, editors, requests):
    client.force_login(editors["bergen"])

    response = client.get(LIST)

    assert references(response) == {requests["bergen"].reference}


def test_list_item_fields(client, editors, requests):
    client.force_login(editors["roosendaal"])
    waiting = requests["waiting"]

    response = client.get(LIST + "?status=in_review&language=en")

    [item] = response.json()["results"]
    assert item["reference"] == waiting.reference
    assert item["status"] == "in_review"
    assert item["status_label"] == "in review"
    assert item["municipality"] == {"slug": "roosendaal", "name": "Roosendaal"}
    assert item["neighbourhood"] == {"slug": "kalsdonk", "name": "Kalsdonk"}
    assert item["budget_amount"] == "400.00"
    assert item["url"] == "http://testserver" + detail(waiting.reference)
    assert [need["kind"] for need in item["needs"]] == ["budget", "support"]
    assert item["needs"][0]["reason"] == "above_instant_limit"


def test_list_has_no_contact_details(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST)

    body = response.content.decode()
    assert "twee@example.org" not in body
    assert "contact" not in response.json()["results"][0]


def test_list_filters_on_status(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?status=granted")

    assert references(response) == {requests["granted"].reference}


def test_list_rejects_unknown_status(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?status=lost&language=en")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "status" in response.json()["errors"]


def test_list_filters_on_municipality(client, admin_user, requests):
    client.force_login(admin_user)

    response = client.get(LIST + "?municipality=bergen-op-zoom")

    assert references(response) == {requests["bergen"].reference}


def test_other_municipality_filter_is_404(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?municipality=bergen-op-zoom")

    assert response.status_code == 404
    assert requests["bergen"].reference not in response.content.decode()


def test_list_filters_on_neighbourhood(client, editors, requests, two_municipalities):
    roosendaal, _bergen = two_municipalities
    make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")
    tolberg = ask(roosendaal, "100", "vier@example.org", neighbourhood="tolberg")
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?municipality=roosendaal&neighbourhood=tolberg")

    assert references(response) == {tolberg.reference}


def test_other_neighbourhood_filter_is_404(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?neighbourhood=gageldonk")

    assert response.status_code == 404


def test_list_is_paginated(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST + "?page_size=1")

    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["next"]


def test_list_is_newest_first(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST)

    results = response.json()["results"]
    assert [item["reference"] for item in results] == [
        requests["waiting"].reference,
        requests["granted"].reference,
    ]


def test_superuser_sees_all_requests(client, admin_user, requests):
    client.force_login(admin_user)

    response = client.get(LIST)

    assert references(response) == {obj.reference for obj in requests.values()}


def test_responses_are_not_stored(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(LIST)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# The detail


def test_detail_has_answers_and_contact(client, editors, requests):
    client.force_login(editors["roosendaal"])
    waiting = requests["waiting"]

    response = client.get(detail(waiting.reference))

    body = response.json()
    assert response.status_code == 200
    assert body["contact"] == {
        "name": "Fatma Yilmaz",
        "email": "twee@example.org",
        "phone": "+31612345678",
    }
    assert body["description"] == waiting.description
    assert body["budget_purpose"] == "Drinken en slingers"
    assert body["support"] == {"kind": "organise", "note": ""}
    assert body["space"] is None
    assert body["initiative_page"]["id"] == waiting.initiative_page_id


def test_detail_needs_have_details(client, editors, requests):
    client.force_login(editors["roosendaal"])

    response = client.get(detail(requests["waiting"].reference))

    support = response.json()["needs"][1]
    assert support["kind"] == "support"
    assert support["status"] == "arranged"
    assert support["details"]["name"] == "Fatima"


def test_detail_of_other_municipality_is_404(client, editors, requests):
    client.force_login(editors["bergen"])
    theirs = requests["granted"]

    response = client.get(detail(theirs.reference))

    assert response.status_code == 404
    assert theirs.email not in response.content.decode()


def test_detail_of_unknown_reference_is_404(client, editors, requests):
    client.force_login(editors["roosendaal"])

    for reference in ("KK-NOPE00", "KK%00A", "x" * 300):
        response = client.get(detail(reference))

        assert response.status_code == 404, reference


# The schema


def test_schema_documents_editor_endpoints(client):
    schema = client.get(API + "schema/?format=json").json()

    for path in ("editor/requests/", "editor/requests/{reference}/"):
        operation = schema["paths"][API + path]["get"]

        assert operation["tags"] == ["editor"]
        assert operation["security"] == [{"sessionAuth": []}]
    scheme = schema["components"]["securitySchemes"]["sessionAuth"]
    assert scheme == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": scheme["description"],
    }


def test_public_operations_need_no_login(client):
    schema = client.get(API + "schema/?format=json").json()

    for path, operations in schema["paths"].items():
        if "/editor/" in path:
            continue
        for method, operation in operations.items():
            assert operation.get("security", [{}]) == [{}], (path, method)


# The public API never lists requests


def test_request_endpoint_does_not_list(client, requests):
    response = client.get(API + "requests/")

    assert response.status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "municipalities/roosendaal/",
        "budgets/?municipality=roosendaal",
        "initiatives/?municipality=roosendaal",
        "stories/?municipality=roosendaal",
        "",
    ],
)
def test_public_reads_hold_no_request(client, requests, path):
    granted = requests["granted"]

    response = client.get(API + path)

    body = response.content.decode()
    assert response.status_code == 200
    assert granted.reference not in body
    assert granted.email not in body
    assert granted.name not in body
