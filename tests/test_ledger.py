"""The ledger: money is reserved, released and paid only within a budget's amount."""

import logging
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from wagtail.signals import page_published
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtail.users.models import UserProfile

from tests.factories import (
    make_budget,
    make_municipality,
    make_neighbourhood,
    submit_form,
)
from wagtail_kanskaart.intake import ledger, lifecycle
from wagtail_kanskaart.models import BudgetAccount, BudgetPage, LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    municipality = make_municipality()
    make_neighbourhood(municipality)
    return municipality


@pytest.fixture
def budget(municipality):
    return make_budget(municipality, amount="1000.00")


def account_of(budget):
    return BudgetAccount.objects.get(budget=budget)


def granted(municipality, amount, email):
    result = submit_form(
        municipality, needs=["budget"], budget_amount=amount, email=email
    )
    assert result.outcome.needs[0].status == "arranged"
    return result.request


def entry_totals(account):
    reserved = paid = Decimal("0.00")
    for entry in LedgerEntry.objects.filter(account=account):
        if entry.kind == LedgerEntry.Kind.RESERVE:
            reserved += entry.amount
        elif entry.kind == LedgerEntry.Kind.RELEASE:
            reserved -= entry.amount
        else:
            reserved -= entry.amount
            paid += entry.amount
    return reserved, paid


# Reserve, release, pay


def test_reserve_raises_beyond_amount(municipality, budget):
    request = granted(municipality, "200", "a@example.org")

    with pytest.raises(ledger.LedgerError):
        ledger.reserve(budget, request, Decimal("800.01"))

    account = account_of(budget)
    assert account.reserved == Decimal("200.00")
    assert LedgerEntry.objects.count() == 1


def test_reserve_takes_exactly_what_is_left(municipality, budget):
    request = granted(municipality, "200", "a@example.org")

    ledger.reserve(budget, request, Decimal("800.00"))

    assert account_of(budget).available == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_reserve_raises_for_amount_not_above_zero(municipality, budget, amount):
    request = granted(municipality, "200", "a@example.org")

    with pytest.raises(ledger.LedgerError):
        ledger.reserve(budget, request, Decimal(amount))

    assert account_of(budget).reserved == Decimal("200.00")


def test_pay_moves_reserved_money_to_paid(municipality, budget):
    request = granted(municipality, "200", "a@example.org")

    paid = ledger.pay(request)

    account = account_of(budget)
    assert paid == Decimal("200.00")
    assert account.reserved == Decimal("0.00")
    assert account.paid == Decimal("200.00")
    assert ledger.reserved_for(request) == Decimal("0.00")


def test_pay_raises_when_nothing_is_reserved(municipality, budget):
    request = granted(municipality, "200", "a@example.org")
    ledger.pay(request)

    with pytest.raises(ledger.LedgerError):
        ledger.pay(request)

    assert account_of(budget).paid == Decimal("200.00")


def test_release_after_payout_releases_nothing(municipality, budget):
    request = granted(municipality, "200", "a@example.org")
    ledger.pay(request)

    released = ledger.release(request)

    account = account_of(budget)
    assert released == Decimal("0.00")
    assert account.paid == Decimal("200.00")
    assert account.reserved == Decimal("0.00")


def test_release_uses_stored_entries_not_a_stale_copy(municipality, budget):
    request = granted(municipality, "200", "a@example.org")
    stale = type(request).objects.prefetch_related("ledger_entries").get(pk=request.pk)
    ledger.release(request)

    released = ledger.release(stale)

    assert released == Decimal("0.00")
    assert account_of(budget).reserved == Decimal("0.00")


def test_mark_paid_pays_and_sets_status(municipality, budget):
    request = granted(municipality, "200", "a@example.org")

    lifecycle.mark_paid(request)

    request.refresh_from_db()
    assert request.status == "paid"
    assert account_of(budget).paid == Decimal("200.00")


def test_mark_paid_is_refused_without_grant(municipality, budget):
    result = submit_form(municipality, needs=["budget"], budget_amount="300")

    with pytest.raises(lifecycle.TransitionError):
        lifecycle.mark_paid(result.request)

    assert account_of(budget).paid == Decimal("0.00")


def test_entries_add_up_to_account_totals(municipality, budget):
    kept = granted(municipality, "100", "a@example.org")
    paid = granted(municipality, "200", "b@example.org")
    withdrawn = granted(municipality, "150", "c@example.org")

    lifecycle.mark_paid(paid)
    lifecycle.withdraw(withdrawn)

    account = account_of(budget)
    assert entry_totals(account) == (account.reserved, account.paid)
    assert account.reserved == Decimal("100.00")
    assert account.paid == Decimal("200.00")
    assert ledger.reserved_for(kept) == Decimal("100.00")


# Database constraints


def test_database_refuses_over_allocation(budget):
    account = account_of(budget)

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAccount.objects.filter(pk=account.pk).update(reserved=F("amount") + 1)

    assert account_of(budget).reserved == Decimal("0.00")


def test_database_refuses_paid_and_reserved_above_amount(budget):
    account = account_of(budget)

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAccount.objects.filter(pk=account.pk).update(
            reserved=Decimal("600.00"), paid=Decimal("400.01")
        )

    assert account_of(budget).paid == Decimal("0.00")


def test_database_refuses_negative_reserved(budget):
    account = account_of(budget)

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetAccount.objects.filter(pk=account.pk).update(reserved=Decimal("-1.00"))


def test_database_refuses_ledger_entry_without_amount(municipality, budget):
    request = granted(municipality, "200", "a@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            account=account_of(budget), request=request, kind="reserve", amount=0
        )


# Budget page revisions


def test_publishing_new_amount_keeps_reserved_and_paid(municipality, budget):
    paid = granted(municipality, "200", "a@example.org")
    granted(municipality, "150", "b@example.org")
    lifecycle.mark_paid(paid)

    budget.amount = Decimal("2500.00")
    budget.save_revision().publish()

    account = account_of(budget)
    assert account.amount == Decimal("2500.00")
    assert account.reserved == Decimal("150.00")
    assert account.paid == Decimal("200.00")


def test_draft_with_new_amount_does_not_change_account(municipality, budget):
    budget.amount = Decimal("2500.00")
    budget.save_revision()

    assert account_of(budget).amount == Decimal("1000.00")


def test_reverting_to_old_revision_keeps_reserved_and_paid(municipality, budget):
    first_revision = budget.get_latest_revision()
    budget.amount = Decimal("3000.00")
    budget.save_revision().publish()
    paid = granted(municipality, "200", "a@example.org")
    granted(municipality, "150", "b@example.org")
    lifecycle.mark_paid(paid)

    first_revision.as_object().save_revision(previous_revision=first_revision).publish()

    account = account_of(budget)
    assert BudgetPage.objects.get(pk=budget.pk).amount == Decimal("1000.00")
    assert account.amount == Decimal("1000.00")
    assert account.reserved == Decimal("150.00")
    assert account.paid == Decimal("200.00")


def test_publishing_old_revision_below_granted_is_refused(municipality):
    budget = make_budget(municipality, amount="100.00")
    first_revision = budget.get_latest_revision()
    budget.amount = Decimal("1000.00")
    budget.save_revision().publish()
    granted(municipality, "250", "a@example.org")

    with pytest.raises(ValidationError) as refused:
        first_revision.publish()

    assert "amount" in refused.value.message_dict
    account = account_of(budget)
    assert account.amount == Decimal("1000.00")
    assert account.reserved == Decimal("250.00")
    assert BudgetPage.objects.get(pk=budget.pk).amount == Decimal("1000.00")


def test_racing_grant_keeps_account_amount(municipality, caplog):
    # The page form checks the amount before it publishes; a grant between
    # that check and the publication leaves the account as it was.
    budget = make_budget(municipality, amount="1000.00")
    granted(municipality, "250", "a@example.org")
    budget.amount = Decimal("100.00")

    with caplog.at_level(logging.WARNING, logger="wagtail_kanskaart"):
        page_published.send(sender=BudgetPage, instance=budget, revision=None)

    assert account_of(budget).amount == Decimal("1000.00")
    assert f"Budget {budget.pk} published with an amount below" in caplog.text


def test_budget_form_refuses_amount_below_granted(
    municipality, budget, admin_client, admin_user
):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    granted(municipality, "250", "a@example.org")
    granted(municipality, "200", "b@example.org")

    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[budget.pk]),
        nested_form_data(
            {
                "title": budget.title,
                "slug": budget.slug,
                "intro": rich_text(""),
                "amount": "449.99",
                "period_start": budget.period_start.isoformat(),
                "period_end": budget.period_end.isoformat(),
                "instant_grant_limit": "",
                "max_request_amount": "",
                "resident_cap": "",
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        ),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["amount"] == [
        "The amount cannot be lower than what is already granted: € 450.00."
    ]
    assert account_of(budget).amount == Decimal("1000.00")
    assert BudgetPage.objects.get(pk=budget.pk).amount == Decimal("1000.00")


def test_budget_form_accepts_amount_equal_to_granted(municipality, budget):
    granted(municipality, "250", "a@example.org")
    budget.amount = Decimal("250.00")

    budget.full_clean()
    budget.save_revision().publish()

    assert account_of(budget).amount == Decimal("250.00")
