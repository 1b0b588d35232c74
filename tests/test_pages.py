"""The hosted form, outcome, status and withdraw pages, through the test client."""

import re
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import (
    NeighbourhoodFactory,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    next_weekday,
    request_data,
)
from wagtail_kanskaart.intake.forms import RequestForm
from wagtail_kanskaart.models import (
    BudgetAccount,
    InitiativeRequest,
    SpaceBooking,
)

pytestmark = pytest.mark.django_db

FIELD_NAMES = {
    "neighbourhood",
    "title",
    "description",
    "needs",
    "budget_amount",
    "budget_purpose",
    "space_date",
    "space_start",
    "space_end",
    "space_people",
    "support_kind",
    "support_note",
    "name",
    "email",
    "phone",
    "consent",
}

OUTCOME_PATH = re.compile(r"^/roosendaal/kans/uitkomst/[A-Za-z0-9_-]{20,100}/$")


@pytest.fixture
def roosendaal():
    municipality = make_municipality(
        privacy_url="https://roosendaal.example.org/privacy",
        contact_email="kanskaart@roosendaal.example.org",
    )
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    NeighbourhoodFactory(municipality=municipality, name="Tolberg", slug="tolberg")
    budget = make_budget(municipality, title="Bewonersbudget Roosendaal")
    form_page = make_form_page(municipality)
    space = make_space(municipality, [kalsdonk], name="Wijkcentrum Kalsdonk")
    contact = make_contact(municipality, [kalsdonk], name="Fatima")
    return SimpleNamespace(
        municipality=municipality,
        kalsdonk=kalsdonk,
        budget=budget,
        form_page=form_page,
        form_url=form_page.url,
        space=space,
        contact=contact,
    )


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def form_values(soup):
    """Return every named control's value in the request form, as a browser sends it."""
    form = soup.find("form", attrs={"data-kanskaart-form": True})
    values = {}
    for control in form.find_all(["input", "textarea", "select"]):
        name = control.get("name")
        if not name:
            continue
        if control.name == "textarea":
            # Django writes a newline after <textarea>, which browsers drop.
            values[name] = control.get_text().removeprefix("\n").removeprefix("\r\n")
        elif control.name == "select":
            selected = control.find("option", selected=True)
            values[name] = selected["value"] if selected else ""
        elif control.get("type") in ("checkbox", "radio"):
            values.setdefault(name, [])
            if control.has_attr("checked"):
                values[name].append(control.get("value", "on"))
        else:
            values[name] = control.get("value", "")
    return values


def expected_errors(municipality, data):
    """Return the form's own messages for this data, in the page's language (nl)."""
    with translation.override("nl"):
        form = RequestForm(data, municipality=municipality)
        form.is_valid()
        return {
            name: [str(message) for message in messages]
            for name, messages in form.errors.items()
        }


def submit(client, roosendaal, **overrides):
    return client.post(roosendaal.form_url, request_data(**overrides))


def outcome_path_of(response):
    assert response.status_code in (302, 303), response.content.decode()[:2000]
    path = urlsplit(response["Location"]).path
    assert OUTCOME_PATH.match(path), path
    return path


def status_path_of(outcome_response):
    link = soup_of(outcome_response).find("a", class_="kanskaart-status-link")
    assert link is not None
    return urlsplit(link["href"]).path


def available(budget):
    return BudgetAccount.objects.get(budget=budget).available


# The form page


def test_form_page_shows_every_field(client, roosendaal):
    response = client.get(roosendaal.form_url)

    assert response.status_code == 200
    soup = soup_of(response)
    names = set(form_values(soup))
    assert FIELD_NAMES <= names
    assert {"idempotency_key", "csrfmiddlewaretoken"} <= names
    assert soup.find("form", attrs={"data-kanskaart-form": True}).has_attr("novalidate")


def test_form_page_labels_every_control(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    form = soup.find("form", attrs={"data-kanskaart-form": True})
    for control in form.find_all(["input", "textarea", "select"]):
        if control.get("type") == "hidden":
            continue
        label = soup.find("label", attrs={"for": control["id"]})
        assert label is not None, control["name"]
        assert label.get_text(strip=True), control["name"]


def test_form_page_uses_aria_required_not_native_validation(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    assert soup.find(attrs={"required": True}) is None
    for name in ("neighbourhood", "title", "description", "name", "consent"):
        assert soup.find(attrs={"name": name})["aria-required"] == "true", name


def test_form_page_sets_autocomplete_on_contact_fields(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    assert soup.find("input", attrs={"name": "name"})["autocomplete"] == "name"
    assert soup.find("input", attrs={"name": "email"})["autocomplete"] == "email"
    phone = soup.find("input", attrs={"name": "phone"})
    assert phone["autocomplete"] == "tel"
    assert phone["type"] == "tel"


def test_form_page_shows_every_need_section_without_javascript(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    sections = soup.find_all(attrs={"data-kanskaart-need": True})
    assert {section["data-kanskaart-need"] for section in sections} == {
        "budget",
        "space",
        "support",
    }
    for section in sections:
        assert not section.has_attr("hidden")
        assert soup.find(id=section["aria-describedby"]) is not None


def test_form_page_links_to_privacy_statement(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    assert soup.find("a", href="https://roosendaal.example.org/privacy") is not None


def test_form_page_shows_budget_limits(client, roosendaal):
    response = client.get(roosendaal.form_url)

    soup = soup_of(response)
    hint = soup.find(id="id_budget_amount_extrahint")
    assert "500,00" in hint.get_text()
    assert "250,00" in hint.get_text()
    amount = soup.find("input", attrs={"name": "budget_amount"})
    assert "id_budget_amount_extrahint" in amount["aria-describedby"].split()


def test_form_page_preselects_neighbourhood_from_wijk(client, roosendaal):
    response = client.get(roosendaal.form_url, {"wijk": "kalsdonk"})

    assert response.status_code == 200
    assert form_values(soup_of(response))["neighbourhood"] == "kalsdonk"


@pytest.mark.parametrize(
    "wijk", ["atlantis", "", "KALSDONK ", "kals\x00donk", "x" * 5000, "../admin"]
)
def test_form_page_ignores_unknown_wijk(client, roosendaal, wijk):
    response = client.get(roosendaal.form_url, {"wijk": wijk})

    assert response.status_code == 200
    expected = "kalsdonk" if wijk.strip().lower() == "kalsdonk" else ""
    assert form_values(soup_of(response))["neighbourhood"] == expected


# Submitting


def test_valid_request_shows_outcome_with_what_was_arranged(roosendaal):
    client = Client(enforce_csrf_checks=True)
    form = soup_of(client.get(roosendaal.form_url))
    data = request_data(
        csrfmiddlewaretoken=form_values(form)["csrfmiddlewaretoken"],
        idempotency_key=form_values(form)["idempotency_key"],
    )

    response = client.post(roosendaal.form_url, data)

    outcome = client.get(outcome_path_of(response))
    assert outcome.status_code == 200
    text = soup_of(outcome).get_text(" ")
    assert "150,00" in text
    assert "Wijkcentrum Kalsdonk" in text
    assert "10:00" in text
    assert "12:00" in text
    assert "Fatima" in text
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.reference in text
    assert status_path_of(outcome).startswith("/roosendaal/kans/status/")


def test_outcome_page_is_private(client, roosendaal):
    response = submit(client, roosendaal)

    outcome = client.get(outcome_path_of(response))

    assert "no-store" in outcome["Cache-Control"]
    assert outcome["Referrer-Policy"] == "same-origin"
    assert (
        soup_of(outcome)
        .find("meta", attrs={"name": "robots"})["content"]
        .startswith("noindex")
    )


def test_double_submit_gives_one_request(client, roosendaal):
    data = request_data(idempotency_key="a" * 32)

    first = client.post(roosendaal.form_url, data)
    second = client.post(roosendaal.form_url, data)

    assert outcome_path_of(first) == outcome_path_of(second)
    assert InitiativeRequest.objects.count() == 1
    assert available(roosendaal.budget) == Decimal("9850.00")


def test_reused_key_with_other_answers_shows_conflict_message(client, roosendaal):
    client.post(roosendaal.form_url, request_data(idempotency_key="b" * 32))

    response = client.post(
        roosendaal.form_url,
        request_data(idempotency_key="b" * 32, title="Een heel ander idee"),
    )

    assert response.status_code == 200
    soup = soup_of(response)
    notice = soup.find(class_="kanskaart-notice")
    assert notice is not None
    assert notice["role"] == "alert"
    assert form_values(soup)["idempotency_key"] != "b" * 32
    assert form_values(soup)["title"] == "Een heel ander idee"


# Errors


def test_error_summary_links_each_field(client, roosendaal):
    data = {"needs": ["budget", "space", "support"], "email": "geen-adres"}

    response = client.post(roosendaal.form_url, data)

    assert response.status_code == 200
    soup = soup_of(response)
    errors = expected_errors(roosendaal.municipality, data)
    assert {"neighbourhood", "title", "name", "consent", "budget_amount"} <= set(errors)
    summary = soup.find(class_="kanskaart-error-summary")
    assert summary["role"] == "alert"
    assert summary.find(["h2", "h1"]).get_text(strip=True)
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    for name, messages in errors.items():
        assert links[f"#id_{name}"] == messages[0], name
        assert soup.find(id=f"id_{name}") is not None, name
        message = soup.find(id=f"id_{name}_error")
        assert message is not None, name
        for text in messages:
            assert text in message.get_text(" ", strip=True), name


def test_error_page_title_starts_with_error(client, roosendaal):
    response = submit(client, roosendaal, consent="")

    with translation.override("nl"):
        prefix = translation.gettext("Error:")
    title = soup_of(response).title.get_text(strip=True)
    assert title.startswith(prefix)


def test_title_has_no_error_prefix_when_valid(client, roosendaal):
    response = client.get(roosendaal.form_url)

    with translation.override("nl"):
        prefix = translation.gettext("Error:")
    assert not soup_of(response).title.get_text(strip=True).startswith(prefix)


def test_field_error_is_tied_to_its_control(client, roosendaal):
    response = submit(client, roosendaal, budget_amount="abc", email="", phone="")

    soup = soup_of(response)
    amount = soup.find("input", attrs={"name": "budget_amount"})
    assert amount["aria-invalid"] == "true"
    assert "id_budget_amount_error" in amount["aria-describedby"].split()
    email = soup.find("input", attrs={"name": "email"})
    assert email["aria-invalid"] == "true"
    # The message sits above the control, so it is read and seen first.
    error = soup.find(id="id_budget_amount_error")
    assert error.find_next("input", attrs={"name": "budget_amount"}) is amount
    title = soup.find("input", attrs={"name": "title"})
    assert not title.has_attr("aria-invalid")


def test_error_page_keeps_every_entered_value(client, roosendaal):
    data = request_data(
        consent="",
        budget_amount="abc",
        support_kind="promote",
        support_note="Na 18 uur",
    )

    response = client.post(roosendaal.form_url, data)

    assert response.status_code == 200
    values = form_values(soup_of(response))
    for name in FIELD_NAMES - {"needs", "support_kind", "consent"}:
        assert values[name] == data[name], name
    assert sorted(values["needs"]) == sorted(data["needs"])
    assert values["support_kind"] == ["promote"]
    assert values["consent"] == []
    assert InitiativeRequest.objects.count() == 0


def test_error_page_keeps_the_idempotency_key(client, roosendaal):
    response = submit(client, roosendaal, consent="", idempotency_key="c" * 32)

    assert form_values(soup_of(response))["idempotency_key"] == "c" * 32


GARBAGE = [
    {"title": "x" * 100_000},
    {"description": "y" * 100_000},
    {"name": "z" * 10_000},
    {"email": ("a" * 300) + "@example.org"},
    {"phone": "9" * 10_000},
    {"phone": "bel me maar"},
    {"neighbourhood": "atlantis"},
    {"neighbourhood": ["kalsdonk", "tolberg"]},
    {"needs": ["rocket"]},
    {"needs": []},
    {"support_kind": "magic"},
    {"budget_amount": "abc"},
    {"budget_amount": "-5"},
    {"budget_amount": "1e5"},
    {"budget_amount": "€ 1.250"},
    {"budget_amount": "NaN"},
    {"budget_amount": "Infinity"},
    {"budget_amount": "12,345"},
    {"budget_amount": "9" * 500},
    {"budget_amount": "0"},
    {"consent": ""},
    {"space_date": "31-02-2027"},
    {"space_date": "gisteren"},
    {"space_date": "1999-01-01"},
    {"space_date": "9999-12-31"},
    {"space_start": "25:00"},
    {"space_start": "12:00", "space_end": "10:00"},
    {"space_people": "1e5"},
    {"space_people": "-3"},
    {"space_people": "9" * 5000},
    {"title": "Feest\x00 met NUL"},
    {"name": "\x00"},
    {"email": "fatma\x00@example.org"},
    {"description": "\u202e\ufeff\U0001f389" * 50},
    {"idempotency_key": "'; DROP TABLE x; --"},
]


@pytest.mark.parametrize("overrides", GARBAGE, ids=lambda o: repr(o)[:40])
def test_garbage_input_never_gives_a_server_error(client, roosendaal, overrides):
    response = submit(client, roosendaal, **overrides)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        soup = soup_of(response)
        summary = soup.find(class_="kanskaart-error-summary")
        assert summary is not None
        for link in summary.find_all("a"):
            assert soup.find(id=link["href"][1:]) is not None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"budget_amount": "abc"}, "budget_amount"),
        ({"budget_amount": "-5"}, "budget_amount"),
        ({"budget_amount": "1e5"}, "budget_amount"),
        ({"budget_amount": "€ 1.250"}, "budget_amount"),
        ({"consent": ""}, "consent"),
        ({"space_date": "31-02-2027"}, "space_date"),
        ({"space_start": "12:00", "space_end": "10:00"}, "space_end"),
        ({"neighbourhood": "atlantis"}, "neighbourhood"),
        ({"support_kind": "magic"}, "support_kind"),
        ({"email": "", "phone": ""}, "email"),
    ],
)
def test_bad_answer_is_reported_on_its_field(client, roosendaal, overrides, field):
    data = request_data(**overrides)

    response = client.post(roosendaal.form_url, data)

    assert response.status_code == 200
    soup = soup_of(response)
    message = soup.find(id=f"id_{field}_error")
    assert message is not None
    for text in expected_errors(roosendaal.municipality, data)[field]:
        assert text in message.get_text(" ", strip=True)
    assert InitiativeRequest.objects.count() == 0


def test_undecodable_bytes_give_the_form_again(client, roosendaal):
    body = (
        b"title=Feest+\xff\xfe\xfd&description=\xc3\x28\xa0\xa1"
        b"&name=Fa\xe9tma&consent=on"
    )

    response = client.post(
        roosendaal.form_url, body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert soup_of(response).find(class_="kanskaart-error-summary") is not None


@pytest.mark.parametrize(
    "typed, amount", [("12,50", Decimal("12.50")), ("€ 1.250", Decimal("1250.00"))]
)
def test_dutch_amounts_are_accepted(client, roosendaal, typed, amount):
    roosendaal.municipality.instant_grant_limit = Decimal("2000.00")
    roosendaal.municipality.max_request_amount = Decimal("2000.00")
    roosendaal.municipality.resident_cap = Decimal("2000.00")
    roosendaal.municipality.save()

    response = submit(client, roosendaal, budget_amount=typed)

    outcome = client.get(outcome_path_of(response))
    assert InitiativeRequest.objects.get().budget_amount == amount
    assert BudgetAccount.objects.get(budget=roosendaal.budget).reserved == amount
    formatted = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert formatted in soup_of(outcome).get_text(" ")


# Status and withdrawal


def test_status_page_shows_needs_and_withdraw(client, roosendaal):
    outcome = client.get(outcome_path_of(submit(client, roosendaal)))

    response = client.get(status_path_of(outcome))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    soup = soup_of(response)
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.reference in soup.get_text(" ")
    assert len(soup.select(".kanskaart-need")) == 3
    assert len(soup.select(".kanskaart-need--arranged")) == 3
    withdraw = soup.find("a", href=re.compile(r"/intrekken/$"))
    assert withdraw is not None
    assert client.get(withdraw["href"]).status_code == 200


def test_status_page_speaks_site_language(client, roosendaal):
    """A request sent in English through the widget still gets a Dutch page."""
    from tests.factories import submit_form
    from wagtail_kanskaart.views.urls import status_url

    request_obj = submit_form(roosendaal.municipality, language="en").request

    text = soup_of(client.get(status_url(request_obj, absolute=False))).get_text(" ")

    with translation.override("nl"):
        money = translation.gettext("Money")
    assert money != "Money"
    assert money in text
    assert "Money" not in text


def test_withdraw_releases_money_and_cancels_booking(roosendaal):
    client = Client(enforce_csrf_checks=True)
    form = form_values(soup_of(client.get(roosendaal.form_url)))
    response = client.post(
        roosendaal.form_url,
        request_data(csrfmiddlewaretoken=form["csrfmiddlewaretoken"]),
    )
    status_path = status_path_of(client.get(outcome_path_of(response)))
    assert available(roosendaal.budget) == Decimal("9850.00")
    assert SpaceBooking.objects.get().status == SpaceBooking.Status.BOOKED

    confirm = soup_of(client.get(status_path + "intrekken/"))
    confirm_form = confirm.find("form", method="post")
    token = confirm_form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    # A browser sends the page's origin here, as the page's Referrer-Policy
    # allows it for same-origin requests; Django's CSRF check compares it.
    response = client.post(
        confirm_form["action"],
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )

    assert response.status_code in (302, 303)
    assert urlsplit(response["Location"]).path == status_path
    assert available(roosendaal.budget) == Decimal("10000.00")
    assert SpaceBooking.objects.get().status == SpaceBooking.Status.CANCELLED
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.status == "withdrawn"
    status = soup_of(client.get(status_path))
    assert status.select(".kanskaart-message--success")
    assert status.find("a", href=re.compile(r"/intrekken/$")) is None
    assert len(status.select(".kanskaart-need--withdrawn")) == 3


def test_withdraw_confirmation_has_a_cancel_link(client, roosendaal):
    outcome = client.get(outcome_path_of(submit(client, roosendaal)))
    status_path = status_path_of(outcome)

    response = client.get(status_path + "intrekken/")

    soup = soup_of(response)
    assert soup.find("a", href=status_path) is not None
    assert available(roosendaal.budget) == Decimal("9850.00")


def test_second_withdrawal_is_refused_with_a_message(client, roosendaal):
    outcome = client.get(outcome_path_of(submit(client, roosendaal)))
    withdraw_path = status_path_of(outcome) + "intrekken/"
    client.post(withdraw_path)

    response = client.post(withdraw_path, follow=True)

    assert response.status_code == 200
    assert soup_of(response).select(".kanskaart-message--error")
    assert available(roosendaal.budget) == Decimal("10000.00")


@pytest.mark.parametrize("suffix", ["", "intrekken/"])
def test_unknown_token_gives_404(client, roosendaal, suffix):
    path = f"/roosendaal/kans/status/{'A' * 43}/{suffix}"

    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert client.get(f"/roosendaal/kans/uitkomst/{'A' * 43}/").status_code == 404


@pytest.mark.parametrize("token", ["short", "a" * 500, "%00" * 30, "..%2F..%2Fadmin"])
def test_malformed_token_gives_404(client, roosendaal, token):
    assert client.get(f"/roosendaal/kans/status/{token}/").status_code == 404


def test_token_of_other_municipality_gives_404(client, roosendaal):
    outcome = client.get(outcome_path_of(submit(client, roosendaal)))
    token = status_path_of(outcome).rstrip("/").rsplit("/", 1)[1]
    other = make_municipality(slug="bergen-op-zoom", title="Bergen op Zoom")
    make_form_page(other)

    response = client.get(f"/bergen-op-zoom/kans/status/{token}/")

    assert response.status_code == 404


# The municipality page


def test_municipality_page_shows_money_taken_and_given_back(client, roosendaal):
    before = soup_of(client.get("/roosendaal/")).get_text(" ")
    assert "10.000,00" in before
    assert "9.850,00" not in before

    outcome = client.get(outcome_path_of(submit(client, roosendaal)))
    granted = soup_of(client.get("/roosendaal/")).get_text(" ")
    client.post(status_path_of(outcome) + "intrekken/")
    after = soup_of(client.get("/roosendaal/")).get_text(" ")

    assert "9.850,00" in granted
    assert "9.850,00" not in after
    assert "10.000,00" in after


def test_municipality_page_links_to_form(client, roosendaal):
    response = client.get("/roosendaal/")

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("a", href=roosendaal.form_url) is not None
    assert soup.find(string=re.compile("Kalsdonk")) is not None


def test_closed_day_puts_space_in_review(client, roosendaal):
    sunday = next_weekday(6).isoformat()

    response = submit(client, roosendaal, needs=["space"], space_date=sunday)

    outcome = soup_of(client.get(outcome_path_of(response)))
    assert outcome.select(".kanskaart-need--in_review")
    assert SpaceBooking.objects.count() == 0


def test_unknown_token_page_explains_in_dutch(client, roosendaal):
    response = client.get(f"/roosendaal/kans/status/{'A' * 43}/")

    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()
    assert response["Cache-Control"].startswith("private")


def test_english_browser_still_gets_dutch_form(client, roosendaal):
    response = client.get(roosendaal.form_url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()
    assert "Je naam" in response.content.decode()


def test_filled_honeypot_creates_nothing(client, roosendaal):
    response = client.post(roosendaal.form_url, request_data(website="http://spam"))

    assert response.status_code == 400
    assert InitiativeRequest.objects.count() == 0
    assert soup_of(response).select(".kanskaart-notice")


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "2/hour"})
def test_hosted_form_is_throttled_like_the_api(client, roosendaal):
    for number in range(2):
        data = request_data(email=f"bewoner{number}@example.org", needs=["support"])
        assert client.post(roosendaal.form_url, data).status_code in (302, 303)

    response = client.post(
        roosendaal.form_url, request_data(email="bewoner9@example.org")
    )

    assert response.status_code == 429
    assert InitiativeRequest.objects.count() == 2
    assert 'value="bewoner9@example.org"' in response.content.decode()


@override_settings(KANSKAART_API_THROTTLE_RATES={"submit": "1/hour"})
def test_posts_with_mistakes_do_not_count_towards_throttle(client, roosendaal):
    for _attempt in range(3):
        client.post(roosendaal.form_url, request_data(title=""))

    response = client.post(roosendaal.form_url, request_data())

    assert response.status_code in (302, 303)
