"""The resident's bank account: the status page form, the API and privacy."""

import json
import logging

import pytest
from django.utils import translation
from wagtail.models import ModelLogEntry

from tests.factories import make_editor, submit_form
from tests.test_api import use_dutch
from tests.test_privacy import visible_and_hidden_text
from wagtail_kanskaart.intake import payouts
from wagtail_kanskaart.models import InitiativeRequest, Notification
from wagtail_kanskaart.notifications.outbox import render
from wagtail_kanskaart.views.urls import status_url

pytestmark = pytest.mark.django_db

API = "/api/kanskaart/v1/"
IBAN = "NL91ABNA0417164300"
IBAN_TYPED = "nl91 abna 0417 1643 00"
WRONG_CHECK_DIGITS = "NL92 ABNA 0417 1643 00"
MASKED = "NL** **** **** **** 4300"
# Every part of the IBAN that must not show up where only the mask may.
IBAN_PARTS = [IBAN, "NL91 ABNA", "ABNA0417", "0417 1643", "04171643"]
CHECKSUM_MESSAGE = (
    "This IBAN is not right. Maybe there is a typing error. "
    "Check it on your bank card or in your banking app."
)
CHECKSUM_DUTCH = (
    "Dit IBAN klopt niet. Misschien staat er een tikfout in. "
    "Kijk het na op je bankpas of in je bank-app."
)


def dutch(msgid):
    """Return the Dutch text of a message, as the site shows it by default.

    Before the catalogue has a translation, this is the English msgid.
    """
    with translation.override("nl"):
        return translation.gettext(msgid)


def granted(municipality, **overrides):
    """Submit a request whose € 150 is granted at once; return (request, token)."""
    overrides.setdefault("needs", ["budget"])
    result = submit_form(municipality, **overrides)
    return result.request, result.token


def status_path(request_obj):
    return status_url(request_obj, absolute=False)


def payout_path(request_obj):
    return status_path(request_obj) + "rekening/"


def post_iban(client, request_obj, iban=IBAN_TYPED, holder="F. Yilmaz"):
    return client.post(
        payout_path(request_obj), {"iban": iban, "account_holder": holder}
    )


def api_payout(token):
    return f"{API}status/{token}/payout/"


def post_api(client, token, body, **headers):
    return client.post(
        api_payout(token),
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def assert_no_iban(text, where):
    for part in IBAN_PARTS:
        assert part.lower() not in text.lower(), (where, part)


# The hosted form on the status page


def test_status_page_offers_the_iban_form(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    html = client.get(status_path(request_obj)).content.decode()

    assert payout_path(request_obj) in html


def test_valid_iban_is_saved_normalised(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj)

    assert response.status_code == 302
    assert response["Location"] == status_path(request_obj)
    request_obj.refresh_from_db()
    assert request_obj.iban == IBAN
    assert request_obj.iban_holder == "F. Yilmaz"
    assert request_obj.iban_given_at is not None


def test_wrong_check_digits_are_refused(client, two_municipalities, monkeypatch):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    use_dutch(monkeypatch, {CHECKSUM_MESSAGE: CHECKSUM_DUTCH})

    response = post_iban(client, request_obj, iban=WRONG_CHECK_DIGITS)

    assert response.status_code == 200
    html = response.content.decode()
    assert CHECKSUM_DUTCH in html
    assert 'value="NL92 ABNA 0417 1643 00"' in html
    assert 'value="F. Yilmaz"' in html
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


@pytest.mark.parametrize(
    "typed",
    ["", "NL91 ABNA 0417 1643 0", "XX91ABNA0417164300", "NL91-ABNA-0417", "A" * 60],
)
def test_invalid_iban_gets_a_message(client, two_municipalities, typed):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj, iban=typed)

    assert response.status_code == 200
    assert 'class="kanskaart-error-message"' in response.content.decode()
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_iban_outside_sepa_is_refused(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj, iban="SA03 8000 0000 6080 1016 7519")

    html = response.content.decode()
    assert dutch("We can only pay to a bank account in Europe.") in html


@pytest.mark.parametrize(
    "typed",
    [
        "NL91-ABNA-0417-1643-00",
        "NL91.ABNA.0417.1643.00",
        "NL91\u200bABNA\u200b0417\u200b1643\u200b00",
        "\ufeffNL91\u00a0ABNA\u20600417 1643\u202f00",
    ],
)
def test_iban_separators_are_ignored(client, two_municipalities, typed):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj, iban=typed)

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.iban == IBAN


def test_iban_of_unknown_country_names_europe(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj, iban="US12345678901234567890")

    html = response.content.decode()
    assert "starts with 2 letters" not in html
    assert (
        dutch(
            "We cannot pay to a bank account in this country. We can only "
            "pay to a bank account in Europe."
        )
        in html
    )


def test_missing_holder_gets_a_message(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    response = post_iban(client, request_obj, holder="  ")

    html = response.content.decode()
    assert dutch("Fill in the name of the account holder.") in html


def test_iban_form_needs_a_csrf_token(two_municipalities):
    from django.test import Client

    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    client = Client(enforce_csrf_checks=True)

    response = post_iban(client, request_obj)

    assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_status_page_shows_the_iban_masked(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)

    response = client.get(status_path(request_obj))

    text = visible_and_hidden_text(response)
    assert MASKED.lower() in text
    assert_no_iban(text, "status page")


def test_iban_can_be_changed_before_a_batch(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)

    post_iban(client, request_obj, iban="DE89 3704 0044 0532 0130 00")

    request_obj.refresh_from_db()
    assert request_obj.iban == "DE89370400440532013000"


def test_iban_change_tells_the_resident(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)
    assert not Notification.objects.filter(event="iban_changed").exists()

    post_iban(client, request_obj, iban="DE89 3704 0044 0532 0130 00")

    notification = Notification.objects.get(event="iban_changed")
    message = render(notification)
    assert notification.recipient == "fatma@example.org"
    assert "DE** **** **** **** **** 3000" in message.body
    assert "DE89370400440532013000" not in message.body


def test_batched_request_cannot_be_withdrawn(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)
    post_iban(client, request_obj)
    payouts.create_batch(roosendaal, execution_date=None)

    status_html = client.get(status_path(request_obj)).content.decode()
    response = client.post(f"/api/kanskaart/v1/status/{token}/withdraw/")

    assert "intrekken/" not in status_html
    assert response.status_code == 409
    request_obj.refresh_from_db()
    assert request_obj.status == "granted"


def test_iban_is_fixed_once_in_a_batch(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)
    payouts.create_batch(roosendaal, execution_date=None)

    response = post_iban(client, request_obj, iban="DE89 3704 0044 0532 0130 00")

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.iban == IBAN
    status_html = client.get(status_path(request_obj)).content.decode()
    assert payout_path(request_obj) not in status_html
    assert MASKED in status_html


@pytest.mark.parametrize("needs", [["support"], ["space"]])
def test_iban_form_not_offered_without_money(client, two_municipalities, needs):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal, needs=needs)

    status_html = client.get(status_path(request_obj)).content.decode()
    form_html = client.get(payout_path(request_obj)).content.decode()
    response = post_iban(client, request_obj)

    assert payout_path(request_obj) not in status_html
    assert 'name="iban"' not in form_html
    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_iban_form_not_offered_above_instant_limit(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal, budget_amount="400")
    assert request_obj.status == "in_review"

    response = post_iban(client, request_obj)

    assert response.status_code == 302
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_iban_form_not_offered_after_withdrawal(client, two_municipalities):
    from wagtail_kanskaart.intake import lifecycle

    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    lifecycle.withdraw(request_obj)

    post_iban(client, request_obj)

    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_unknown_token_gets_no_iban_form(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    path = payout_path(request_obj).replace("/status/", "/status/x")

    response = client.post(path, {"iban": IBAN, "account_holder": "F. Yilmaz"})

    assert response.status_code == 404


def test_giving_the_iban_is_logged_without_it(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)

    post_iban(client, request_obj)

    entry = ModelLogEntry.objects.get(action="wagtail_kanskaart.iban_given")
    assert entry.object_id == str(request_obj.pk)
    assert_no_iban(json.dumps(entry.data), "log entry")


# The API


def test_api_accepts_an_iban(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)

    response = post_api(
        client, token, {"iban": IBAN_TYPED, "account_holder": "F. Yilmaz"}
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["iban_masked"] == MASKED
    assert data["may_give_iban"] is True
    assert data["amount"] == "150.00"
    assert response["Cache-Control"] == "private, no-store"
    request_obj.refresh_from_db()
    assert request_obj.iban == IBAN


def test_api_refuses_wrong_check_digits(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)

    response = post_api(
        client,
        token,
        {"iban": WRONG_CHECK_DIGITS, "account_holder": ""},
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["iban"] == [CHECKSUM_MESSAGE]
    assert errors["account_holder"] == ["Fill in the name of the account holder."]
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_api_speaks_dutch_by_default(client, two_municipalities, monkeypatch):
    roosendaal, _bergen = two_municipalities
    _request_obj, token = granted(roosendaal, language="nl")
    use_dutch(monkeypatch, {CHECKSUM_MESSAGE: CHECKSUM_DUTCH})

    response = post_api(
        client, token, {"iban": WRONG_CHECK_DIGITS, "account_holder": "F"}
    )

    assert response.json()["errors"]["iban"] == [CHECKSUM_DUTCH]


@pytest.mark.parametrize(
    "body",
    [
        {"iban": 12, "account_holder": "F. Yilmaz"},
        {"iban": IBAN, "account_holder": "F. Yilmaz", "bic": "ABNANL2A"},
        ["not", "an", "object"],
    ],
)
def test_api_refuses_wrong_types(client, two_municipalities, body):
    roosendaal, _bergen = two_municipalities
    _request_obj, token = granted(roosendaal)

    response = post_api(client, token, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_api_refuses_iban_without_money(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal, needs=["support"])

    response = post_api(client, token, {"iban": IBAN, "account_holder": "F"})

    assert response.status_code == 409
    assert response.json()["code"] == "payout_not_allowed"
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_api_refuses_other_origins(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)

    response = post_api(
        client,
        token,
        {"iban": IBAN, "account_holder": "F"},
        Origin="https://evil.example.com",
    )

    assert response.status_code == 403
    request_obj.refresh_from_db()
    assert request_obj.iban == ""


def test_api_shows_only_the_masked_iban(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)
    post_iban(client, request_obj)

    payout = client.get(api_payout(token))
    status = client.get(f"{API}status/{token}/")

    assert payout.json()["iban_masked"] == MASKED
    assert_no_iban(payout.content.decode(), "payout API")
    assert_no_iban(status.content.decode(), "status API")


def test_schema_documents_the_payout_endpoint(client):
    schema = client.get(API + "schema/?format=json").json()

    operations = schema["paths"]["/api/kanskaart/v1/status/{token}/payout/"]
    assert operations["post"]["operationId"] == "status_payout_update"
    assert operations["get"]["operationId"] == "status_payout_retrieve"


# Privacy


def test_iban_is_on_no_public_page_or_api(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    roosendaal.publish_initiatives_at_once = True
    roosendaal.save()
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)
    request_obj.refresh_from_db()
    initiative = request_obj.initiative_page
    paths = [
        "/",
        roosendaal.url,
        roosendaal.form_page.url,
        "/sitemap.xml",
        f"{API}municipalities/roosendaal/",
        f"{API}initiatives/?municipality=roosendaal",
        f"{API}budgets/?municipality=roosendaal",
        f"{API}stories/?municipality=roosendaal",
        initiative.url,
    ]
    assert initiative.live

    for path in paths:
        response = client.get(path)

        assert response.status_code == 200, path
        assert_no_iban(visible_and_hidden_text(response), path)
        assert "yilmaz" not in visible_and_hidden_text(response), path


def test_iban_never_reaches_the_logs(client, two_municipalities, caplog):
    from wagtail_kanskaart.intake import payouts as service

    roosendaal, _bergen = two_municipalities
    request_obj, token = granted(roosendaal)
    editor = make_editor("kassier", roosendaal, group_name="Kassa")

    with caplog.at_level(logging.DEBUG):
        post_iban(client, request_obj)
        post_api(client, token, {"iban": WRONG_CHECK_DIGITS, "account_holder": "F"})
        batch = service.create_batch(roosendaal, execution_date=None, user=editor)
        service.mark_batch_paid(batch, user=editor)

    assert InitiativeRequest.objects.get().status == "paid"
    for record in caplog.records:
        assert_no_iban(record.getMessage(), record.name)
        assert "NL92ABNA" not in record.getMessage()
    for entry in ModelLogEntry.objects.all():
        assert_no_iban(json.dumps(entry.data), entry.action)


def test_batched_status_page_says_request_number(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request_obj, _token = granted(roosendaal)
    post_iban(client, request_obj)
    payouts.create_batch(roosendaal, execution_date=None)

    html = client.get(status_path(request_obj)).content.decode()

    assert "kenmerk" not in html
