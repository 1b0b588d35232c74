"""The intake endpoint responds to malformed input with a 4xx, never a 500.

Each case is a body a broken client or an attacker could send. The test
client re-raises any exception a view lets through, so a 500 fails the test
with its traceback.
"""

import json

import pytest

from tests.test_api import API, make_world, post_request, request_body
from wagtail_kanskaart.models import InitiativeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _errors(response):
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def test_invalid_json_is_a_parse_error(client, world):
    for raw in ["{bad", "", "[1, 2", '{"a": NaN}', '{"a": Infinity}', "\xff\xfe"]:
        response = post_request(client, raw.encode("latin-1") if raw else b"{")

        assert response.status_code == 400, raw
        assert response.json()["code"] == "parse_error", raw


def test_empty_body_reports_the_missing_municipality(client, world):
    response = client.post(
        API + "requests/?language=en", data=b"", content_type="application/json"
    )

    assert _errors(response) == {"municipality": ["This field is required."]}


def test_body_that_is_not_an_object_is_rejected(client, world):
    for body in [[], [request_body()], "text", 12, True, None]:
        response = post_request(client, json.dumps(body), query="?language=en")

        assert _errors(response) == {
            "non_field_errors": ["Send a JSON object here."]
        }, body


def test_arrays_where_objects_belong_are_rejected(client, world):
    body = request_body(needs=[], contact=["Fatma"])

    errors = _errors(post_request(client, body))

    assert errors["needs"] == ["Send a JSON object here."]
    assert errors["contact"] == ["Send a JSON object here."]
    assert "contact.name" not in errors


def test_wrong_json_types_are_named_per_field(client, world):
    body = request_body(
        title=12,
        neighbourhood=["kalsdonk"],
        consent="yes",
        needs={
            "budget": {"amount": True, "purpose": {"text": "verf"}},
            "space": {
                "date": 20270314,
                "start": "10:00",
                "end": "12:00",
                "people": "20",
            },
            "support": {"kind": 1},
        },
        contact={"name": None, "email": 5},
    )

    errors = _errors(post_request(client, body))

    assert errors["title"] == ["Enter text here."]
    assert errors["neighbourhood"] == ["Enter text here."]
    assert errors["consent"] == ["Enter true or false here."]
    assert errors["needs.budget.amount"] == [
        "Enter an amount, for example 150 or 12,50."
    ]
    assert errors["needs.budget.purpose"] == ["Enter text here."]
    assert errors["needs.space.date"] == ["Enter text here."]
    assert errors["needs.space.people"] == [
        "Enter a whole number here, for example 12."
    ]
    assert errors["needs.support.kind"] == ["Enter text here."]
    assert errors["contact.email"] == ["Enter text here."]
    assert errors["contact.name"] == ["Fill in your name."]


def test_fractional_people_and_space_ids_are_rejected(client, world):
    needs = request_body()["needs"]
    needs["space"].update(people=20.5, space="1")

    errors = _errors(
        post_request(client, request_body(needs={"space": needs["space"]}))
    )

    assert errors["needs.space.people"] == [
        "Enter a whole number here, for example 12."
    ]
    assert errors["needs.space.space"] == ["Enter a whole number here, for example 12."]


def test_nested_nulls_count_as_missing(client, world):
    body = request_body(
        title=None,
        needs={"budget": {"amount": None, "purpose": None}},
        contact={"name": "Fatma", "email": None, "phone": None},
        consent=None,
    )

    errors = _errors(post_request(client, body))

    assert errors == {
        "title": ["Give your idea a name."],
        "needs.budget.amount": ["Fill in how much money you need."],
        "needs.budget.purpose": ["Tell us what you will spend the money on."],
        "contact.email": [
            "Fill in your e-mail address or your phone number, so we can reach you."
        ],
        "consent": ["Tick the box to agree, or we cannot help you."],
    }


def test_null_municipality_is_a_field_error(client, world):
    errors = _errors(post_request(client, request_body(municipality=None)))

    assert errors == {"municipality": ["This field cannot be null."]}


def test_unknown_fields_are_rejected_at_their_path(client, world):
    body = request_body(
        colour="blue", contact={"name": "Fatma", "emial": "f@example.org"}
    )
    body["needs"]["catering"] = {"people": 20}
    body["needs"]["budget"]["iban"] = "NL00BANK0123456789"

    errors = _errors(post_request(client, body))

    assert errors["colour"] == ["This field is unknown."]
    assert errors["contact.emial"] == ["This field is unknown."]
    assert errors["needs.catering"] == ["This field is unknown."]
    assert errors["needs.budget.iban"] == ["This field is unknown."]
    assert not InitiativeRequest.objects.exists()


def test_amounts_that_are_not_euros_are_field_errors(client, world):
    for amount in [-5, "-5", 10**40, "12,505", "twaalf", "1.2.3", 0.001, 12.555, ""]:
        body = request_body(needs={"budget": {"amount": amount, "purpose": "Verf"}})

        errors = _errors(post_request(client, body))

        assert list(errors) == ["needs.budget.amount"], amount


def test_huge_numbers_do_not_break_the_parser(client, world):
    raw = json.dumps(request_body()).replace('"people": 20', '"people": ' + "9" * 5000)

    response = post_request(client, raw)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_number_beyond_float_range_is_a_field_error(client, world):
    raw = json.dumps(request_body()).replace('"amount": "150"', '"amount": 1e400')

    errors = _errors(post_request(client, raw))

    assert errors == {
        "needs.budget.amount": ["Enter an amount in euros, for example 150 or 12,50."]
    }


def test_deeply_nested_json_is_a_parse_error(client, world):
    raw = '{"municipality": "roosendaal", "title": ' + "[" * 20000 + "]" * 20000 + "}"

    response = post_request(client, raw)

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_nul_and_lone_surrogates_are_refused(client, world):
    for raw in [
        json.dumps(request_body(title="Feest\u0000")),
        json.dumps(request_body(municipality="roosen\u0000daal")),
        json.dumps(request_body()).replace("Straatfeest", "Straat\\ud800feest"),
        json.dumps({"\udfff": 1}),
    ]:
        response = post_request(client, raw)

        assert response.status_code == 400, raw
        assert response.json()["code"] == "parse_error"
    assert not InitiativeRequest.objects.exists()


def test_odd_text_in_fields_gives_field_errors(client, world):
    body = request_body(
        neighbourhood="kals\u200bdonk",
        title="x" * 10_000,
        contact={"name": "Fatma", "email": "a@" + "b" * 300 + ".nl"},
        needs={
            "space": {
                "date": "2027-02-30",
                "start": "25:00",
                "end": "99",
                "people": -1,
            },
            "support": {"kind": "<script>"},
        },
    )

    errors = _errors(post_request(client, body))

    assert set(errors) == {
        "neighbourhood",
        "title",
        "contact.email",
        "needs.space.date",
        "needs.space.start",
        "needs.space.end",
        "needs.space.people",
        "needs.support.kind",
    }


def test_municipality_slug_that_cannot_exist_is_a_404(client, world):
    for slug in ["", " ", "../admin", "a" * 300, "roosendaal/", "%00"]:
        response = post_request(client, request_body(municipality=slug))

        assert response.status_code == 404, slug


def test_path_parameters_that_cannot_exist_are_404s(client, world):
    for path in [
        "municipalities/%00/",
        "municipalities/" + "a" * 300 + "/",
        "municipalities/%F0%9F%98%80/",
        "status/%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00/",
        "status/short/",
        "status/" + "a" * 101 + "/",
    ]:
        response = client.get(API + path)

        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_query_parameters_that_cannot_exist_are_handled(client, world):
    cases = {
        "budgets/?municipality=%00": 400,
        "budgets/?municipality=roosendaal&neighbourhood=%00": 400,
        "budgets/?municipality=roosendaal&neighbourhood=atlantis": 404,
        "budgets/?municipality=roosendaal&open=maybe": 400,
        "initiatives/?municipality=roosendaal&page=0": 404,
        "initiatives/?municipality=roosendaal&page=abc": 404,
        "initiatives/?municipality=roosendaal&page_size=-1": 200,
        "stories/?municipality=roosendaal&page=99999999999999999999": 404,
        "municipalities/roosendaal/?language=%00": 200,
    }
    for path, status in cases.items():
        response = client.get(API + path)

        assert response.status_code == status, path
