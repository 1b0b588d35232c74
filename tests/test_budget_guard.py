"""An editor cannot lower a budget's amount below what is already granted.

Every test posts Wagtail's page edit form as an editor of the municipality,
the way an editor changes a budget, and then reads the page, its revisions
and the budget account.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.factories import submit_form
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import BudgetAccount, BudgetPage

pytestmark = pytest.mark.django_db

# Five instant grants of € 250 of which one is paid: € 1.000 reserved and
# € 250 paid, so € 1.250 is granted.
GRANTS = 5
GRANT = "250"
GRANTED = Decimal("1250.00")
REFUSED_NL = "Het bedrag kan niet lager zijn dan wat al is toegekend: € 1.250,00."


@pytest.fixture
def budget(roosendaal):
    budget = BudgetPage.objects.child_of(roosendaal).get()
    requests = []
    for number in range(GRANTS):
        result = submit_form(
            roosendaal,
            needs=["budget"],
            budget_amount=GRANT,
            email=f"bewoner{number}@example.org",
            phone="",
        )
        assert result.outcome.needs[0].status == "arranged"
        requests.append(result.request)
    lifecycle.mark_paid(requests[0])
    return budget


@pytest.fixture
def editor_client(editors):
    client = Client()
    client.force_login(editors["roosendaal"])
    return client


def account_of(budget):
    return BudgetAccount.objects.get(budget=budget)


def edit(client, budget, amount, action="action-publish", **fields):
    """Post the budget's edit form with ``amount`` and other ``fields`` as editor."""
    data = {
        "title": budget.title,
        "slug": budget.slug,
        "intro": rich_text(""),
        "amount": amount,
        "period_start": budget.period_start.isoformat(),
        "period_end": budget.period_end.isoformat(),
        "instant_grant_limit": "",
        "max_request_amount": "",
        "resident_cap": "",
        "comments": inline_formset([]),
        **fields,
    }
    if action:
        data[action] = action
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[budget.pk]), nested_form_data(data)
    )


def test_account_starts_with_granted_money(budget):
    account = account_of(budget)

    assert account.amount == Decimal("10000.00")
    assert account.committed == GRANTED


def test_lower_amount_is_refused_in_dutch(editor_client, budget):
    response = edit(editor_client, budget, "1249.99")

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [REFUSED_NL]
    assert REFUSED_NL in response.content.decode()


def test_refused_amount_changes_nothing(editor_client, budget):
    revisions_before = budget.revisions.count()

    edit(editor_client, budget, "100.00")

    page = BudgetPage.objects.get(pk=budget.pk)
    assert page.amount == Decimal("10000.00")
    assert page.revisions.count() == revisions_before
    account = account_of(budget)
    assert account.amount == Decimal("10000.00")
    assert account.reserved == Decimal("1000.00")
    assert account.paid == Decimal("250.00")


def test_lower_amount_is_refused_as_draft(editor_client, budget):
    revisions_before = budget.revisions.count()

    response = edit(editor_client, budget, "100.00", action=None)

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [REFUSED_NL]
    assert budget.revisions.count() == revisions_before


def test_amount_equal_to_granted_is_published(editor_client, budget):
    response = edit(editor_client, budget, "1250.00")

    assert response.status_code == 302
    assert BudgetPage.objects.get(pk=budget.pk).amount == GRANTED
    assert account_of(budget).amount == GRANTED


def test_raised_amount_updates_account(editor_client, budget):
    response = edit(editor_client, budget, "12500.00")

    assert response.status_code == 302
    assert BudgetPage.objects.get(pk=budget.pk).amount == Decimal("12500.00")
    account = account_of(budget)
    assert account.amount == Decimal("12500.00")
    assert account.reserved == Decimal("1000.00")
    assert account.paid == Decimal("250.00")


def test_raised_draft_waits_for_publication(editor_client, budget):
    response = edit(editor_client, budget, "12500.00", action=None)

    assert response.status_code == 302
    assert account_of(budget).amount == Decimal("10000.00")

    BudgetPage.objects.get(pk=budget.pk).get_latest_revision().publish()

    assert account_of(budget).amount == Decimal("12500.00")


def test_other_municipality_editor_cannot_edit(editors, budget):
    client = Client()
    client.force_login(editors["bergen"])

    response = edit(client, budget, "12500.00")

    assert response.status_code in (302, 403)
    assert BudgetPage.objects.get(pk=budget.pk).amount == Decimal("10000.00")
    assert account_of(budget).amount == Decimal("10000.00")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("€ 12.500", Decimal("12500.00")),
        ("12.500,50", Decimal("12500.50")),
        ("12500,5", Decimal("12500.50")),
        ("12500.00", Decimal("12500.00")),
    ],
)
def test_amount_accepts_dutch_notation(editor_client, budget, typed, amount):
    response = edit(editor_client, budget, typed)

    assert response.status_code == 302
    assert BudgetPage.objects.get(pk=budget.pk).amount == amount
    assert account_of(budget).amount == amount


def test_lower_amount_in_dutch_notation_is_refused(editor_client, budget):
    response = edit(editor_client, budget, "1.249,99")

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [REFUSED_NL]


def test_amount_in_words_is_invalid(editor_client, budget):
    response = edit(editor_client, budget, "twaalfduizend")

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Vul een bedrag in euro's in, bijvoorbeeld 150 of 12,50."
    ]
    assert account_of(budget).amount == Decimal("10000.00")


def test_limit_accepts_dutch_notation(editor_client, budget):
    response = edit(editor_client, budget, "10.000", instant_grant_limit="€ 1.000")

    assert response.status_code == 302
    page = BudgetPage.objects.get(pk=budget.pk)
    assert page.instant_grant_limit == Decimal("1000.00")
    assert page.amount == Decimal("10000.00")


def test_budget_form_offers_own_neighbourhoods(editor_client, roosendaal, budget):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[budget.pk]))

    choices = response.context["form"].fields["neighbourhoods"].queryset
    assert [n.name for n in choices] == ["Kalsdonk"]


def test_budget_refuses_other_neighbourhood(editor_client, two_municipalities, budget):
    _roosendaal, bergen = two_municipalities
    gageldonk = bergen.neighbourhoods.get()

    data = nested_form_data(
        {
            "title": budget.title,
            "slug": budget.slug,
            "intro": rich_text(""),
            "amount": "12500",
            "period_start": budget.period_start.isoformat(),
            "period_end": budget.period_end.isoformat(),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    # nested_form_data would spread a list over numbered keys.
    data["neighbourhoods"] = [str(gageldonk.pk)]

    response = editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[budget.pk]), data
    )

    assert response.status_code == 200
    assert "neighbourhoods" in response.context["form"].errors
    assert not BudgetPage.objects.get(pk=budget.pk).neighbourhoods.exists()
