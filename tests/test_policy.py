"""The grant policy: which budget need is granted at once and which waits.

Messages are compared with their English msgids, so the outcomes are built
in English (``submit_form`` submits with ``language="en"``).
"""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.factories import (
    form_errors,
    make_budget,
    make_municipality,
    make_neighbourhood,
    submit_form,
)
from wagtail_kanskaart.intake import lifecycle, policy
from wagtail_kanskaart.models import BudgetAccount, LedgerEntry

pytestmark = pytest.mark.django_db

REVIEW_SUFFIX = (
    "Someone from the municipality looks at your request and contacts you "
    "within 5 working days."
)


@pytest.fixture
def municipality():
    return make_municipality()


@pytest.fixture
def kalsdonk(municipality):
    return make_neighbourhood(municipality)


def budget_need(result):
    return next(n for n in result.outcome.needs if n.kind == "budget")


def reserved(budget):
    return BudgetAccount.objects.get(budget=budget).reserved


# Instant-grant limit


def test_amount_above_instant_limit_goes_to_review(municipality, kalsdonk):
    budget = make_budget(municipality)

    result = submit_form(municipality, needs=["budget"], budget_amount="250,01")

    need = budget_need(result)
    assert need.status == "in_review"
    assert need.reason == policy.ABOVE_INSTANT_LIMIT
    assert need.title == "Money: we look at it"
    assert need.message == (
        "You ask for more than we can give at once. " + REVIEW_SUFFIX
    )
    assert result.request.status == "in_review"
    assert reserved(budget) == Decimal("0.00")
    assert not LedgerEntry.objects.exists()


def test_amount_equal_to_instant_limit_is_granted(municipality, kalsdonk):
    budget = make_budget(municipality)

    result = submit_form(municipality, needs=["budget"], budget_amount="250")

    assert budget_need(result).status == "arranged"
    assert reserved(budget) == Decimal("250.00")


# Maximum per request


def test_amount_above_maximum_is_form_error_with_maximum(municipality, kalsdonk):
    make_budget(municipality)

    errors = form_errors(municipality, needs=["budget"], budget_amount="500,01")

    assert errors["budget_amount"] == ["You can ask for at most € 500.00."]


def test_amount_equal_to_maximum_is_accepted(municipality, kalsdonk):
    make_budget(municipality)

    errors = form_errors(municipality, needs=["budget"], budget_amount="500")

    assert "budget_amount" not in errors


def test_maximum_of_budget_goes_before_municipality(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.max_request_amount = Decimal("400.00")
    municipality.save()
    make_budget(municipality, max_request_amount=Decimal("1200.00"))

    errors = form_errors(municipality, needs=["budget"], budget_amount="1.250")

    assert errors["budget_amount"] == ["You can ask for at most € 1,200.00."]


def test_maximum_of_municipality_goes_before_setting(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.max_request_amount = Decimal("75.00")
    municipality.save()
    make_budget(municipality)

    errors = form_errors(municipality, needs=["budget"], budget_amount="80")

    assert errors["budget_amount"] == ["You can ask for at most € 75.00."]


@override_settings(KANSKAART_MAX_REQUEST_AMOUNT=Decimal("60.00"))
def test_maximum_falls_back_to_setting(municipality, kalsdonk):
    make_budget(municipality)

    errors = form_errors(municipality, needs=["budget"], budget_amount="60,50")

    assert errors["budget_amount"] == ["You can ask for at most € 60.00."]


def test_amount_below_minimum_is_form_error(municipality, kalsdonk):
    make_budget(municipality)

    errors = form_errors(municipality, needs=["budget"], budget_amount="0,50")

    assert errors["budget_amount"] == ["Ask for at least € 1.00."]


# Limit layers: budget, municipality, settings


def test_instant_limit_of_budget_goes_before_municipality(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.instant_grant_limit = Decimal("300.00")
    municipality.save()
    make_budget(municipality, instant_grant_limit=Decimal("50.00"))

    result = submit_form(municipality, needs=["budget"], budget_amount="60")

    assert budget_need(result).reason == policy.ABOVE_INSTANT_LIMIT


def test_instant_limit_of_municipality_goes_before_setting(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.instant_grant_limit = Decimal("400.00")
    municipality.save()
    budget = make_budget(municipality)

    result = submit_form(municipality, needs=["budget"], budget_amount="350")

    assert budget_need(result).status == "arranged"
    assert reserved(budget) == Decimal("350.00")


@override_settings(KANSKAART_INSTANT_GRANT_LIMIT=Decimal("20.00"))
def test_instant_limit_falls_back_to_setting(municipality, kalsdonk):
    make_budget(municipality)

    result = submit_form(municipality, needs=["budget"], budget_amount="25")

    assert budget_need(result).reason == policy.ABOVE_INSTANT_LIMIT


def test_zero_limit_is_not_empty(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.instant_grant_limit = Decimal("0.00")
    municipality.save()
    make_budget(municipality)

    result = submit_form(municipality, needs=["budget"], budget_amount="5")

    assert budget_need(result).reason == policy.ABOVE_INSTANT_LIMIT


def test_limits_for_reads_each_layer(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.resident_cap = Decimal("700.00")
    municipality.save()
    budget = make_budget(municipality, instant_grant_limit=Decimal("100.00"))

    with override_settings(KANSKAART_MAX_REQUEST_AMOUNT=Decimal("450.00")):
        limits = policy.limits_for(municipality, kalsdonk)

    assert limits.budget == budget
    assert limits.instant_grant_limit == Decimal("100.00")
    assert limits.resident_cap == Decimal("700.00")
    assert limits.max_request_amount == Decimal("450.00")


# Resident cap


def test_second_request_above_resident_cap_goes_to_review(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.resident_cap = Decimal("200.00")
    municipality.save()
    budget = make_budget(municipality)

    first = submit_form(municipality, needs=["budget"], budget_amount="150")
    second = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(first).status == "arranged"
    need = budget_need(second)
    assert need.status == "in_review"
    assert need.reason == policy.RESIDENT_CAP_REACHED
    assert need.message == "You already got money from this budget. " + REVIEW_SUFFIX
    assert reserved(budget) == Decimal("150.00")


def test_resident_cap_counts_one_address_in_any_case(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))

    submit_form(
        municipality, needs=["budget"], budget_amount="150", email="Fatma@Example.org"
    )
    second = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(second).reason == policy.RESIDENT_CAP_REACHED


def test_resident_cap_counts_one_phone_in_any_notation(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))

    submit_form(
        municipality,
        needs=["budget"],
        budget_amount="150",
        email="",
        phone="0612345678",
    )
    second = submit_form(
        municipality,
        needs=["budget"],
        budget_amount="100",
        email="",
        phone="+31 6 1234 5678",
    )

    assert budget_need(second).reason == policy.RESIDENT_CAP_REACHED


def test_resident_cap_is_per_resident(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))

    submit_form(municipality, needs=["budget"], budget_amount="150")
    other = submit_form(
        municipality,
        needs=["budget"],
        budget_amount="150",
        email="buurvrouw@example.org",
        phone="06 87654321",
    )

    assert budget_need(other).status == "arranged"


def test_resident_cap_counts_one_phone_with_other_address(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))

    submit_form(municipality, needs=["budget"], budget_amount="150", phone="0612345678")
    second = submit_form(
        municipality,
        needs=["budget"],
        budget_amount="100",
        email="",
        phone="06 12345678",
    )
    third = submit_form(
        municipality,
        needs=["budget"],
        budget_amount="100",
        email="nieuw@example.org",
        phone="06-12345678",
    )

    assert budget_need(second).reason == policy.RESIDENT_CAP_REACHED
    assert budget_need(third).reason == policy.RESIDENT_CAP_REACHED


def test_resident_cap_counts_paid_money(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))
    first = submit_form(municipality, needs=["budget"], budget_amount="150")
    lifecycle.mark_paid(first.request)

    second = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(second).reason == policy.RESIDENT_CAP_REACHED


def test_resident_cap_frees_withdrawn_money(kalsdonk):
    municipality = kalsdonk.municipality
    make_budget(municipality, resident_cap=Decimal("200.00"))
    first = submit_form(municipality, needs=["budget"], budget_amount="150")
    lifecycle.withdraw(first.request)

    second = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(second).status == "arranged"


@override_settings(KANSKAART_RESIDENT_CAP=Decimal("100.00"))
def test_resident_cap_falls_back_to_setting(municipality, kalsdonk):
    make_budget(municipality)

    submit_form(municipality, needs=["budget"], budget_amount="60")
    second = submit_form(municipality, needs=["budget"], budget_amount="60")

    assert budget_need(second).reason == policy.RESIDENT_CAP_REACHED


# Money left


def test_request_above_money_left_goes_to_review(municipality, kalsdonk):
    budget = make_budget(municipality, amount="200.00")
    submit_form(
        municipality, needs=["budget"], budget_amount="100", email="a@example.org"
    )

    result = submit_form(municipality, needs=["budget"], budget_amount="150")

    need = budget_need(result)
    assert need.status == "in_review"
    assert need.reason == policy.BUDGET_SPENT
    assert need.message == (
        "There is not enough money left in the budget right now. " + REVIEW_SUFFIX
    )
    assert reserved(budget) == Decimal("100.00")


def test_request_for_exactly_the_money_left_is_granted(municipality, kalsdonk):
    budget = make_budget(municipality, amount="200.00")
    submit_form(
        municipality, needs=["budget"], budget_amount="50", email="a@example.org"
    )

    result = submit_form(municipality, needs=["budget"], budget_amount="150")

    assert budget_need(result).status == "arranged"
    assert BudgetAccount.objects.get(budget=budget).available == Decimal("0.00")


# No budget


def assert_no_budget(result):
    need = budget_need(result)
    assert need.status == "in_review"
    assert need.reason == policy.NO_BUDGET
    assert need.message == (
        "There is no budget for your neighbourhood right now. " + REVIEW_SUFFIX
    )
    assert result.request.budget is None


def test_request_without_budget_goes_to_review(municipality, kalsdonk):
    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


def test_budget_of_past_period_is_not_used(municipality, kalsdonk):
    today = timezone.localdate()
    make_budget(
        municipality,
        period_start=today - datetime.timedelta(days=400),
        period_end=today - datetime.timedelta(days=1),
    )

    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


def test_budget_of_future_period_is_not_used(municipality, kalsdonk):
    today = timezone.localdate()
    make_budget(
        municipality,
        period_start=today + datetime.timedelta(days=1),
        period_end=today + datetime.timedelta(days=400),
    )

    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


def test_budget_of_other_neighbourhood_is_not_used(municipality, kalsdonk):
    westrand = make_neighbourhood(municipality, name="Westrand", slug="westrand")
    make_budget(municipality, neighbourhoods=[westrand])

    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


def test_budget_of_other_municipality_is_not_used(municipality, kalsdonk):
    make_budget(make_municipality(slug="etten-leur", title="Etten-Leur"))

    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


def test_unpublished_budget_is_not_used(municipality, kalsdonk):
    budget = make_budget(municipality)
    budget.unpublish()

    result = submit_form(municipality, needs=["budget"])

    assert_no_budget(result)


# Several budgets


def test_budget_for_neighbourhood_goes_before_general(municipality, kalsdonk):
    make_budget(municipality, title="Roosendaal")
    own = make_budget(municipality, neighbourhoods=[kalsdonk], title="Kalsdonk")

    assert policy.find_budget(municipality, kalsdonk) == own


def test_budget_ending_first_goes_first_among_named(municipality, kalsdonk):
    westrand = make_neighbourhood(municipality, name="Westrand", slug="westrand")
    today = timezone.localdate()
    make_budget(municipality, neighbourhoods=[kalsdonk], title="Kalsdonk")
    ends_first = make_budget(
        municipality,
        neighbourhoods=[kalsdonk, westrand],
        title="Twee wijken",
        period_end=today + datetime.timedelta(days=10),
    )

    assert policy.find_budget(municipality, kalsdonk) == ends_first


def test_spent_budget_falls_back_to_next_covering_budget(municipality, kalsdonk):
    own = make_budget(municipality, neighbourhoods=[kalsdonk], amount="100.00")
    general = make_budget(municipality, amount="5000.00")

    first = submit_form(
        municipality, needs=["budget"], budget_amount="80", email="a@example.org"
    )
    second = submit_form(municipality, needs=["budget"], budget_amount="80")

    assert first.request.budget == own
    assert second.request.budget == general
    assert budget_need(second).status == "arranged"
    assert reserved(own) == Decimal("80.00")
    assert reserved(general) == Decimal("80.00")


def test_every_budget_spent_goes_to_review_on_first(municipality, kalsdonk):
    own = make_budget(municipality, neighbourhoods=[kalsdonk], amount="50.00")
    make_budget(municipality, amount="60.00")

    result = submit_form(municipality, needs=["budget"], budget_amount="80")

    assert budget_need(result).reason == policy.BUDGET_SPENT
    assert result.request.budget == own


def test_neighbourhood_budget_of_many_neighbourhoods_is_found(municipality, kalsdonk):
    others = [
        make_neighbourhood(municipality, name=f"Wijk {i}", slug=f"wijk-{i}")
        for i in range(3)
    ]
    budget = make_budget(municipality, neighbourhoods=[*others, kalsdonk])

    assert policy.find_budget(municipality, kalsdonk) == budget
    assert policy.find_budget(municipality, others[0]) == budget
