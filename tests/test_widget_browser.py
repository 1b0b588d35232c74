"""The embeddable widget in Chromium, on another origin, under a strict CSP.

The API runs on pytest-django's live server. A second server in a thread
plays the municipality's own website (example_site/host_site), with the
one-tag embed and the Content-Security-Policy of docs/csp.md. A resident
fills in the form there, by mouse and by keyboard alone, and axe-core
checks every state she can reach.

Needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium),
Playwright for Python, and for the axe checks ``npm ci`` in widget/.
Playwright's own browser downloads are not used.
"""

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections
from django.utils import translation

from tests.factories import (
    NeighbourhoodFactory,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    next_weekday,
)
from wagtail_kanskaart.intake.forms import euro
from wagtail_kanskaart.intake.outcome import build_outcome
from wagtail_kanskaart.models import InitiativeRequest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KANSKAART_CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "widget" / "node_modules" / "axe-core" / "axe.min.js"
WIDGET_SCRIPT = (
    ROOT / "wagtail_kanskaart" / "static" / "wagtail_kanskaart" / "kanskaart-form.js"
)
CHROMIUM_ARGS = [
    # Chromium's date and time inputs take the order of their parts from the
    # browser's language. It is fixed here, so the keyboard test can type
    # month, day and year, and a 12-hour time with AM or PM.
    "--lang=en-US",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000
CONSENT_LABEL = (
    "Ik vind het goed dat de gemeente mijn gegevens gebruikt "
    "om mijn aanvraag te regelen."
)

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="BROWSER TESTS DID NOT RUN: Playwright for Python is not installed "
    "(pip install -e '.[test]').",
)
if not shutil.which(CHROMIUM):
    pytest.skip(
        f"BROWSER TESTS DID NOT RUN: no Chromium at {CHROMIUM}. Install Debian's "
        "with 'apt-get install chromium', or set KANSKAART_CHROMIUM.",
        allow_module_level=True,
    )

from host_site.server import make_server, start_in_thread  # noqa: E402

expect = sync_api.expect

# The live server and the test share rows, so every test needs a real
# transaction. Serialized rollback restores the rows that Wagtail's
# migrations create (the root page and the default site) after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Records what the widget and the browser report, before any page script runs.
WATCH_SCRIPT = """
window.__kanskaart = { violations: [], events: [] };
document.addEventListener("securitypolicyviolation", (event) => {
  window.__kanskaart.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
for (const type of ["ready", "submitted", "error"]) {
  document.addEventListener(`kanskaart:${type}`, (event) => {
    window.__kanskaart.events.push({ type, detail: event.detail });
  });
}
"""

# The id of the element that has focus inside the widget's shadow root.
FOCUSED_IN_WIDGET = """
() => {
  const active = document.activeElement;
  if (!active || active.localName !== "kanskaart-form") return null;
  const inner = active.shadowRoot.activeElement;
  return inner ? (inner.id || inner.className) : null;
}
"""


@pytest.fixture(scope="module")
def browser(django_db_setup):
    # Playwright's sync API keeps an event loop running in this thread. Django
    # then treats the thread as async: it refuses database calls unless
    # DJANGO_ALLOW_ASYNC_UNSAFE is set, and asgiref gives this context its own
    # connection objects. Those lack the copy of the test database that
    # serialized rollback restores, so the copy is handed over to them.
    serialized = {
        connection.alias: getattr(connection, "_test_serialized_contents", None)
        for connection in connections.all()
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Close this context's connections, or PostgreSQL cannot drop the
        # test database at the end of the session.
        connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def host_site(live_server):
    """Start the municipality's own website, which embeds the live server's widget."""
    assert WIDGET_SCRIPT.exists(), "The built widget is missing: run 'make widget'."
    servers = SimpleNamespace()
    for name, csp in (("strict", True), ("open", False)):
        server = make_server("127.0.0.1", 0, live_server.url, csp=csp)
        start_in_thread(server)
        setattr(servers, name, server)
    host, port = servers.strict.server_address[:2]
    servers.url = f"http://{host}:{port}/"
    servers.origin = f"http://{host}:{port}"
    host, port = servers.open.server_address[:2]
    servers.open_url = f"http://{host}:{port}/"
    servers.open_origin = f"http://{host}:{port}"
    yield servers
    for server in (servers.strict, servers.open):
        server.shutdown()
        server.server_close()


def allow_origins(monkeypatch, municipality, origins):
    """Let the municipality accept requests from these origins."""
    text = "\n".join(origins)
    municipality.allowed_origins = text
    municipality.save(update_fields=["allowed_origins"])


@pytest.fixture
def world(host_site, monkeypatch):
    """Roosendaal, where a budget, a room and a community worker are free."""
    municipality = make_municipality(
        privacy_url="https://roosendaal.example.org/privacy",
        publish_initiatives_at_once=True,
    )
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    NeighbourhoodFactory(municipality=municipality, name="Tolberg", slug="tolberg")
    make_budget(municipality, amount="1000.00")
    make_form_page(municipality)
    make_space(municipality, [kalsdonk], name="Wijkcentrum Kalsdonk")
    make_contact(municipality, [kalsdonk], name="Fatima")
    allow_origins(monkeypatch, municipality, [host_site.origin, host_site.open_origin])
    return SimpleNamespace(municipality=municipality, kalsdonk=kalsdonk)


class Resident:
    """A browser tab on the host page, with what it reported."""

    def __init__(self, page):
        self.page = page
        self.page_errors = []
        self.console_errors = []
        self.posts = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                message.type == "error" and self.console_errors.append(message.text)
            ),
        )
        page.on(
            "request",
            lambda request: (
                request.method == "POST"
                and "/requests/" in request.url
                and self.posts.append(request.headers.get("idempotency-key"))
            ),
        )
        page.add_init_script(WATCH_SCRIPT)
        page.set_default_timeout(TIMEOUT_MS)

    def open(self, url):
        self.page.goto(url)
        expect(self.submit_button()).to_be_visible()

    def submit_button(self, name="Verstuur mijn aanvraag"):
        return self.page.get_by_role("button", name=name)

    def field(self, label):
        return self.page.get_by_label(label, exact=True)

    def fill_all_three_needs(self, amount="150"):
        page = self.page
        self.field("Hoe heet je idee?").fill("Straatfeest Kalsdonk")
        self.field("Wat wil je doen?").fill(
            "Een feest voor de hele straat, met muziek en eten."
        )
        self.field("Hulp: iemand die je helpt").check()
        self.field("Een ruimte: een plek voor je activiteit").check()
        self.field("Een klein budget: geld voor je idee").check()
        page.get_by_role("radiogroup", name="Wat voor hulp wil je?").get_by_role(
            "radio"
        ).first.check()
        self.field("Op welke dag?").fill(next_weekday(1).isoformat())
        self.field("Van").fill("10:00")
        self.field("Tot").fill("12:00")
        self.field("Hoeveel mensen komen er?").fill("20")
        self.field("Hoeveel geld heb je nodig?").fill(amount)
        self.field("Waar ga je het geld aan uitgeven?").fill("Drinken en slingers")
        self.fill_contact()

    def fill_support_only(self):
        self.field("Hoe heet je idee?").fill("Moestuin")
        self.field("Wat wil je doen?").fill("Samen groente kweken achter de school.")
        self.field("Hulp: iemand die je helpt").check()
        self.page.get_by_role("radio").first.check()
        self.fill_contact()

    def fill_contact(self):
        self.field("Je naam").fill("Fatma Yilmaz")
        self.field("Je e-mailadres").fill("fatma@example.org")
        self.field(CONSENT_LABEL).check()

    def focused(self):
        return self.page.evaluate(FOCUSED_IN_WIDGET)

    def watched(self):
        return self.page.evaluate("window.__kanskaart")

    def assert_no_csp_violations(self):
        assert self.watched()["violations"] == []
        assert [
            text for text in self.console_errors if "Content Security Policy" in text
        ] == []
        assert self.page_errors == []


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 390, "height": 844},
    )
    yield context
    context.close()


@pytest.fixture
def resident(context):
    return Resident(context.new_page())


def shadow_query(page, selector, expression):
    """Evaluate ``expression``, a function of one element, on a widget element."""
    return page.evaluate(
        f"(selector) => ({expression})("
        "document.querySelector('kanskaart-form').shadowRoot.querySelector(selector))",
        selector,
    )


def dutch_amount_limit_message(amount):
    with translation.override("nl"):
        message = translation.gettext("You can ask for at most %(max)s.")
        return message % {"max": euro(Decimal(amount))}


def throttled_message(minutes):
    with translation.override("nl"):
        return translation.ngettext(
            "You sent too many requests. Try again in %(minutes)s minute.",
            "You sent too many requests. Try again in %(minutes)s minutes.",
            minutes,
        ) % {"minutes": minutes}


# The form on another website


def test_resident_gets_all_three_needs_arranged(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page

    expect(
        page.get_by_role("link", name="Vraag hulp, een ruimte of een klein budget aan")
    ).to_be_hidden()
    expect(resident.field("Je wijk")).to_have_value("kalsdonk")
    resident.fill_all_three_needs(amount="12,50")
    resident.submit_button().click()

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_focused()
    request = InitiativeRequest.objects.get()
    assert request.source == "api"
    assert sorted(request.needs) == ["budget", "space", "support"]
    assert request.budget_amount == Decimal("12.50")
    assert request.neighbourhood == world.kalsdonk
    assert request.email == "fatma@example.org"
    expect(page.get_by_text(request.reference, exact=True)).to_be_visible()
    for need in build_outcome(request, "nl").needs:
        expect(page.get_by_role("heading", name=str(need.title))).to_be_visible()
    status_link = page.locator("kanskaart-form .kk-status-link")
    assert "/status/" in status_link.get_attribute("href")
    submitted = [
        event for event in resident.watched()["events"] if event["type"] == "submitted"
    ]
    assert submitted == [
        {
            "type": "submitted",
            "detail": {"reference": request.reference, "status": request.status},
        }
    ]
    resident.assert_no_csp_violations()


def test_styles_apply_under_strict_csp(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page

    background = resident.submit_button().evaluate(
        "(button) => getComputedStyle(button).backgroundColor"
    )
    adopted = page.evaluate(
        "document.querySelector('kanskaart-form').shadowRoot.adoptedStyleSheets.length"
    )
    inline_styles = page.evaluate(
        "document.querySelector('kanskaart-form').shadowRoot"
        ".querySelectorAll('[style], style').length"
    )

    # The host page sets --kanskaart-color-action: #8a1538 outside the shadow root.
    assert background == "rgb(138, 21, 56)"
    assert adopted == 1
    assert inline_styles == 0
    resident.assert_no_csp_violations()


def test_server_error_is_shown_at_its_field(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    resident.fill_all_three_needs(amount="600")

    resident.submit_button().click()

    message = dutch_amount_limit_message("500.00")
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    assert resident.focused() == "kk-error-summary"
    assert shadow_query(
        page, ".kk-error-summary [role=alert]", "(element) => element !== null"
    )
    amount = resident.field("Hoeveel geld heb je nodig?")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(amount).to_have_accessible_description(
        re.compile(re.escape(f"Fout: {message}"))
    )
    expect(page.locator("kanskaart-form #kk-budgetAmount-error")).to_have_text(
        f"Fout: {message}"
    )
    expect(page.locator("kanskaart-form .kk-error-summary li")).to_have_text([message])
    assert InitiativeRequest.objects.count() == 0
    resident.assert_no_csp_violations()


def test_error_summary_links_move_focus_to_the_field(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    resident.fill_all_three_needs(amount="600")
    resident.submit_button().click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    assert resident.focused() == "kk-budgetAmount"
    assert page.evaluate("location.hash") == ""


def test_missing_answers_are_listed_before_sending(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page

    resident.submit_button().click()

    summary = page.locator("kanskaart-form .kk-error-summary li")
    expect(summary).to_have_text(
        [
            "Geef je idee een naam.",
            "Vertel wat je wilt doen.",
            "Kies wat je nodig hebt: hulp, een ruimte of een budget.",
            "Vul je naam in.",
            "Vul je e-mailadres of je telefoonnummer in. Dan kunnen we je bereiken.",
            "Zet een vinkje als je het goed vindt. Anders kunnen we je niet helpen.",
        ]
    )
    assert resident.focused() == "kk-error-summary"
    assert resident.posts == []


def test_each_need_reveals_its_own_questions(world, host_site, resident):
    resident.open(host_site.url)
    amount = resident.field("Hoeveel geld heb je nodig?")
    day = resident.field("Op welke dag?")
    expect(amount).to_be_hidden()
    expect(day).to_be_hidden()

    resident.field("Een klein budget: geld voor je idee").check()

    expect(amount).to_be_visible()
    expect(day).to_be_hidden()
    expect(
        resident.page.get_by_text("Je kunt maximaal € 500,00 vragen", exact=False)
    ).to_be_visible()


def test_double_click_and_retry_make_one_request(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    resident.fill_support_only()

    # The server stores the first request, but its response is lost.
    def lose_response(route):
        route.fetch()
        route.abort("connectionreset")

    page.route("**/api/kanskaart/v1/requests/**", lose_response)
    resident.submit_button().dblclick()

    expect(page.locator("kanskaart-form .kk-notice")).to_contain_text(
        "Er ging iets mis met de verbinding"
    )
    expect(resident.field("Hoe heet je idee?")).to_have_value("Moestuin")
    assert len(resident.posts) == 1
    page.unroute("**/api/kanskaart/v1/requests/**")

    resident.submit_button().click()

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_visible()
    assert len(resident.posts) == 2
    assert resident.posts[0] == resident.posts[1]
    assert len(resident.posts[0]) >= 16
    assert InitiativeRequest.objects.count() == 1


def test_throttled_request_keeps_the_answers(world, host_site, resident, settings):
    settings.KANSKAART_API_THROTTLE_RATES = {"submit": "1/hour"}
    resident.open(host_site.url)
    page = resident.page
    resident.fill_all_three_needs(amount="600")
    resident.submit_button().click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    resident.field("Hoeveel geld heb je nodig?").fill("150")

    resident.submit_button().click()

    notice = page.locator("kanskaart-form .kk-notice")
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_have_text(throttled_message(minutes=60))
    assert resident.focused() == "kk-notice"
    expect(resident.field("Hoeveel geld heb je nodig?")).to_have_value("150")
    expect(resident.submit_button()).to_be_enabled()
    assert InitiativeRequest.objects.count() == 0


def test_server_failure_gives_a_plain_message(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    resident.fill_support_only()
    page.route(
        "**/api/kanskaart/v1/requests/**",
        lambda route: route.fulfill(
            status=500, content_type="text/html", body="<h1>Server Error</h1>"
        ),
    )

    resident.submit_button().click()

    expect(page.locator("kanskaart-form .kk-notice")).to_have_text(
        "Er ging bij ons iets mis. Je aanvraag is niet verstuurd. "
        "Je antwoorden staan er nog. Probeer het over een paar minuten opnieuw."
    )
    expect(resident.field("Je naam")).to_have_value("Fatma Yilmaz")
    errors = [
        event for event in resident.watched()["events"] if event["type"] == "error"
    ]
    assert errors == [{"type": "error", "detail": {"reason": "failed", "status": 500}}]


def test_conflict_starts_a_new_form_fill(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    resident.fill_support_only()
    conflict = {
        "code": "idempotency_conflict",
        "message": "Deze sleutel is al gebruikt.",
    }
    page.route(
        "**/api/kanskaart/v1/requests/**",
        lambda route: route.fulfill(status=409, json=conflict),
    )
    resident.submit_button().click()
    expect(page.locator("kanskaart-form .kk-notice")).to_have_text(conflict["message"])
    page.unroute("**/api/kanskaart/v1/requests/**")

    resident.submit_button().click()

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_visible()
    assert len(resident.posts) == 2
    assert resident.posts[0] != resident.posts[1]
    assert InitiativeRequest.objects.count() == 1


def test_whole_form_works_by_keyboard_alone(world, host_site, resident):
    resident.open(host_site.url)
    page = resident.page
    keyboard = page.keyboard
    resident.field("Je wijk").focus()

    def tab_to(expected_id):
        keyboard.press("Tab")
        assert resident.focused() == expected_id

    def tab_past(current_id, expected_id):
        for _press in range(5):
            keyboard.press("Tab")
            if resident.focused() != current_id:
                break
        assert resident.focused() == expected_id

    tab_to("kk-title")
    keyboard.type("Buitenspeeldag")
    tab_to("kk-description")
    keyboard.type("Een middag spelletjes op straat.")
    tab_to("kk-needs-0")
    keyboard.press("Space")
    tab_to("kk-needs-1")
    keyboard.press("Space")
    tab_to("kk-needs-2")
    keyboard.press("Space")
    tab_to("kk-supportKind-0")
    keyboard.press("Space")
    tab_to("kk-supportNote")
    tab_to("kk-spaceDate")
    day = next_weekday(1)
    # A date or time input has a part each for month, day and year (or hour,
    # minute and AM/PM), and typing fills the parts in turn. Tab may stop on
    # its picker button before it leaves the input.
    keyboard.type(day.strftime("%m%d%Y"))
    tab_past("kk-spaceDate", "kk-spaceStart")
    keyboard.type("1000AM")
    tab_past("kk-spaceStart", "kk-spaceEnd")
    keyboard.type("1200PM")
    tab_past("kk-spaceEnd", "kk-spacePeople")
    keyboard.type("15")
    tab_to("kk-budgetAmount")
    keyboard.type("75")
    tab_to("kk-budgetPurpose")
    keyboard.type("Stoepkrijt en limonade")
    tab_to("kk-name")
    keyboard.type("Fatma Yilmaz")
    tab_to("kk-email")
    keyboard.type("fatma@example.org")
    tab_to("kk-phone")
    tab_to("kk-consent")
    keyboard.press("Space")
    # Enter in a text field sends the form.
    resident.field("Je naam").focus()
    keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_focused()
    request = InitiativeRequest.objects.get()
    assert request.space_date == day
    assert request.budget_amount == Decimal("75.00")
    assert request.support_kind
    resident.assert_no_csp_violations()


def test_page_language_sets_the_widget_language(world, host_site, resident):
    resident.page.goto(f"{host_site.url}?lang=en")
    page = resident.page
    expect(resident.submit_button("Send my request")).to_be_visible()
    page.get_by_label("A small budget: money for your idea", exact=True).check()

    resident.submit_button("Send my request").click()

    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator("kanskaart-form .kk-error-summary li").first).to_have_text(
        "Give your idea a name."
    )
    expect(page.locator("kanskaart-form #kk-budget-limits")).to_have_text(
        "You can ask for at most €500.00. "
        "Up to €250.00 you hear at once that you get it."
    )
    container = shadow_query(page, ".kk", "(element) => [element.lang, element.dir]")
    assert container == ["en", "ltr"]


# The fallback link


def test_fallback_link_shows_without_javascript(world, host_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(host_site.url)

    link = page.get_by_role(
        "link", name="Vraag hulp, een ruimte of een klein budget aan"
    )
    expect(link).to_be_visible()
    assert link.get_attribute("href").endswith("/roosendaal/kans/?wijk=kalsdonk")
    context.close()


def test_fallback_link_stays_when_api_fails(host_site, resident):
    # No municipality exists, so the API returns 404.
    resident.page.goto(host_site.url)

    link = resident.page.get_by_role(
        "link", name="Vraag hulp, een ruimte of een klein budget aan"
    )
    expect(link).to_be_visible()
    resident.page.wait_for_function(
        "window.__kanskaart.events.some((event) => event.type === 'error')"
    )
    errors = [
        event for event in resident.watched()["events"] if event["type"] == "error"
    ]
    assert errors == [{"type": "error", "detail": {"reason": "unavailable"}}]
    expect(resident.submit_button()).to_have_count(0)


# Accessibility


def run_axe(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })",
        AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


@pytest.fixture
def axe_context(browser):
    if not AXE_SCRIPT.exists():
        pytest.skip(
            f"AXE CHECKS DID NOT RUN: {AXE_SCRIPT} is missing. Run 'npm ci' in widget/."
        )
    # axe-core is injected as a script, which the host page's CSP would
    # block; bypass_csp lets it in. The CSP tests above use the strict page.
    context = browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport={"width": 390, "height": 844}
    )
    yield context
    context.close()


def test_widget_states_pass_axe(world, host_site, axe_context):
    resident = Resident(axe_context.new_page())
    page = resident.page
    resident.open(host_site.open_url)
    found = {}

    found["empty"] = run_axe(page)

    resident.submit_button().click()
    expect(page.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    found["missing answers"] = run_axe(page)

    resident.fill_all_three_needs(amount="600")
    resident.submit_button().click()
    expect(page.locator("kanskaart-form .kk-error-summary li")).to_have_count(1)
    found["server errors"] = run_axe(page)

    resident.field("Hoeveel geld heb je nodig?").fill("150")
    held = []
    page.route("**/api/kanskaart/v1/requests/**", lambda route: held.append(route))
    resident.submit_button().click()
    expect(resident.submit_button()).to_be_disabled()
    expect(page.locator("kanskaart-form .kk-status")).to_have_text(
        "We versturen je aanvraag. Even geduld."
    )
    found["sending"] = run_axe(page)
    held[0].continue_()

    expect(page.get_by_role("heading", name="Je aanvraag is verstuurd")).to_be_visible()
    found["outcome"] = run_axe(page)

    assert found == {state: [] for state in found}, json.dumps(found, indent=2)


def test_hosted_form_page_passes_axe(world, live_server, axe_context):
    page = axe_context.new_page()
    page.goto(f"{live_server.url}/roosendaal/kans/")
    found = {"empty": run_axe(page)}

    page.get_by_role("button", name="Send my request").or_(
        page.get_by_role("button", name="Verstuur mijn aanvraag")
    ).click()
    page.wait_for_load_state()
    found["errors"] = run_axe(page)

    assert found == {"empty": [], "errors": []}, json.dumps(found, indent=2)
