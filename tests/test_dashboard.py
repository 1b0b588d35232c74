"""The Kanskaart panel on the Wagtail admin home: what waits, and the money left."""

import re

import pytest
from django.db import connection
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from tests.factories import add_page, make_editor, submit_form
from wagtail_kanskaart.admin.dashboard import KanskaartDashboardPanel
from wagtail_kanskaart.models import BudgetPage, StoryPage

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def panel_of(html, slug):
    """Return the HTML of one municipality's section of the panel, or ""."""
    match = re.search(
        rf'<section[^>]*data-kanskaart-municipality="{slug}".*?</section>',
        html,
        re.DOTALL,
    )
    return match.group(0) if match else ""


def waiting_request(municipality, **overrides):
    # Above the instant-grant limit of € 250, so an editor must decide.
    overrides.setdefault("needs", ["budget"])
    overrides.setdefault("phone", "")
    return submit_form(municipality, budget_amount="400", **overrides).request


def granted_request(municipality, **overrides):
    # Without a phone number, so each e-mail address is another resident.
    overrides.setdefault("needs", ["budget"])
    overrides.setdefault("phone", "")
    return submit_form(municipality, budget_amount="150", **overrides).request


def home(client, user, language=None):
    """Return the admin home's HTML for ``user``, in ``language`` if given."""
    if language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_panel_counts_waiting_requests(client, editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    waiting_request(roosendaal, email="a@example.org")
    waiting_request(roosendaal, email="b@example.org")
    granted_request(roosendaal, email="c@example.org")

    section = panel_of(home(client, editors["roosendaal"], "en"), "roosendaal")

    assert 'data-kanskaart-waiting="2"' in section
    assert "2 requests wait for a decision" in section


def test_panel_links_the_filtered_request_list(client, editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    waiting = waiting_request(roosendaal, email="a@example.org")
    granted = granted_request(roosendaal, email="b@example.org")
    section = panel_of(home(client, editors["roosendaal"]), "roosendaal")
    link = re.search(r'data-kanskaart-waiting="1">\s*<a href="([^"]+)"', section)

    response = client.get(link.group(1).replace("&amp;", "&"))

    assert response.status_code == 200
    assert waiting.reference in response.content.decode()
    assert granted.reference not in response.content.decode()


def test_panel_shows_money_per_budget(client, editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    granted_request(roosendaal)
    budget = BudgetPage.objects.child_of(roosendaal).get()

    section = panel_of(home(client, editors["roosendaal"]), "roosendaal")
    row = re.search(
        rf'<tr data-kanskaart-budget="{budget.pk}">.*?</tr>', section, re.DOTALL
    ).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row)

    assert cells == ["€ 10.000,00", "€ 150,00", "€ 0,00", "€ 9.850,00"]
    assert reverse("wagtailadmin_pages:edit", args=[budget.pk]) in row


def test_panel_leaves_out_ended_budgets(client, editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    budget = BudgetPage.objects.child_of(roosendaal).get()
    BudgetPage.objects.filter(pk=budget.pk).update(
        period_start="2020-01-01", period_end="2020-12-31"
    )

    section = panel_of(home(client, editors["roosendaal"], "en"), "roosendaal")

    assert f'data-kanskaart-budget="{budget.pk}"' not in section
    assert "No published budget for now or later." in section


def test_panel_lists_pages_in_moderation(client, editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    request = waiting_request(roosendaal, title="Moestuin Kalsdonk")
    story = add_page(roosendaal, StoryPage(title="Zo ging het", slug="zo"), False)
    story.get_workflow().start(story, editors["roosendaal"])
    published = add_page(roosendaal, StoryPage(title="Al online", slug="online"))

    section = panel_of(home(client, editors["roosendaal"]), "roosendaal")

    assert 'data-kanskaart-moderation="2"' in section
    initiative_url = reverse(
        "wagtailadmin_pages:edit", args=[request.initiative_page_id]
    )
    assert initiative_url in section
    assert reverse("wagtailadmin_pages:edit", args=[story.pk]) in section
    assert reverse("wagtailadmin_pages:edit", args=[published.pk]) not in section


def test_panel_shows_only_own_municipality(client, editors, two_municipalities):
    html = home(client, editors["bergen"])

    assert panel_of(html, "bergen-op-zoom")
    assert not panel_of(html, "roosendaal")


def test_superuser_sees_every_municipality(client, admin_user, two_municipalities):
    html = home(client, admin_user)

    assert panel_of(html, "roosendaal")
    assert panel_of(html, "bergen-op-zoom")


def test_no_panel_without_municipalities(client, two_municipalities):
    roosendaal, _bergen = two_municipalities
    user = make_editor("zonder-gemeente", roosendaal)
    user.groups.first().page_permissions.all().delete()

    html = home(client, user)

    assert 'id="kanskaart-dashboard"' not in html


def render_panel(user):
    request = RequestFactory().get(HOME)
    request.user = user
    return KanskaartDashboardPanel().render_html({"request": request})


def test_panel_queries_are_bounded(
    editors, two_municipalities, django_assert_max_num_queries
):
    roosendaal, _bergen = two_municipalities
    for number in range(8):
        waiting_request(roosendaal, email=f"bewoner{number}@example.org")
        granted_request(roosendaal, email=f"buur{number}@example.org")

    with django_assert_max_num_queries(8):
        html = render_panel(editors["roosendaal"])

    assert 'data-kanskaart-waiting="8"' in html


def test_panel_queries_do_not_grow_with_requests(editors, two_municipalities):
    roosendaal, _bergen = two_municipalities
    waiting_request(roosendaal, email="eerste@example.org")
    # The first rendering also fills Django's content type cache.
    render_panel(editors["roosendaal"])
    with CaptureQueriesContext(connection) as few:
        render_panel(editors["roosendaal"])

    for number in range(6):
        waiting_request(roosendaal, email=f"bewoner{number}@example.org")
    with CaptureQueriesContext(connection) as many:
        render_panel(editors["roosendaal"])

    assert len(many) == len(few)
