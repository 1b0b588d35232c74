"""Extension points of the intake: hooks through Wagtail's hook registry."""

import dataclasses
import logging
from decimal import Decimal

import pytest
from wagtail import hooks

from tests.factories import (
    make_budget,
    make_municipality,
    make_neighbourhood,
    submit_form,
)
from wagtail_kanskaart.intake import policy
from wagtail_kanskaart.models import BudgetAccount, InitiativeRequest, LedgerEntry

pytestmark = pytest.mark.django_db

KEY = "hook-test-key-0123456789"


@pytest.fixture
def municipality():
    municipality = make_municipality()
    make_neighbourhood(municipality)
    return municipality


def budget_need(result):
    return next(n for n in result.outcome.needs if n.kind == "budget")


# after_kanskaart_submit


def test_after_submit_hook_runs_once_after_commit(
    municipality, django_capture_on_commit_callbacks
):
    make_budget(municipality)
    calls = []

    def after_submit(request, outcome):
        calls.append((request, outcome))

    with hooks.register_temporarily("after_kanskaart_submit", after_submit):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = submit_form(municipality, idempotency_key=KEY, needs=["budget"])

        assert calls == []
        for callback in callbacks:
            callback()

    assert len(calls) == 1
    request, outcome = calls[0]
    assert request.pk == result.request.pk
    assert outcome == result.outcome
    assert outcome.needs[0].status == "arranged"


def test_after_submit_hook_is_not_run_for_repeat(
    municipality, django_capture_on_commit_callbacks
):
    calls = []

    def after_submit(request, outcome):
        calls.append(request.pk)

    with hooks.register_temporarily("after_kanskaart_submit", after_submit):
        with django_capture_on_commit_callbacks(execute=True):
            first = submit_form(municipality, idempotency_key=KEY, needs=["support"])
        with django_capture_on_commit_callbacks(execute=True):
            repeat = submit_form(municipality, idempotency_key=KEY, needs=["support"])

    assert repeat.created is False
    assert calls == [first.request.pk]


def test_failing_after_submit_hook_keeps_request(
    municipality, django_capture_on_commit_callbacks, caplog
):
    def broken(request, outcome):
        raise RuntimeError("the CRM is down")

    with hooks.register_temporarily("after_kanskaart_submit", broken):
        with caplog.at_level(logging.ERROR, logger="wagtail_kanskaart"):
            with django_capture_on_commit_callbacks(execute=True):
                result = submit_form(municipality, needs=["support"])

    assert InitiativeRequest.objects.filter(pk=result.request.pk).exists()
    assert f"failed for request {result.request.reference}" in caplog.text


# construct_kanskaart_grant_decision


def test_decision_hook_turns_grant_into_review(municipality):
    budget = make_budget(municipality)
    seen = []

    def review_everything(decision, request):
        seen.append((decision.grant, decision.reason, decision.amount))
        return decision.refuse("checked_by_hand")

    with hooks.register_temporarily(
        "construct_kanskaart_grant_decision", review_everything
    ):
        result = submit_form(municipality, needs=["budget"], budget_amount="100")

    need = budget_need(result)
    assert seen == [(True, policy.GRANTED, Decimal("100.00"))]
    assert need.status == "in_review"
    assert need.reason == "checked_by_hand"
    assert need.message == (
        "Someone from the municipality looks at your request and contacts you "
        "within 5 working days."
    )
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("0.00")


def test_decision_hook_turns_review_into_grant(municipality):
    budget = make_budget(municipality)

    def trust_more(decision, request):
        if decision.reason == policy.ABOVE_INSTANT_LIMIT:
            return decision.allow()
        return None

    with hooks.register_temporarily("construct_kanskaart_grant_decision", trust_more):
        result = submit_form(municipality, needs=["budget"], budget_amount="400")

    need = budget_need(result)
    assert need.status == "arranged"
    assert need.details["amount"] == "400.00"
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("400.00")


def test_decision_hook_returning_none_keeps_decision(municipality):
    make_budget(municipality)

    with hooks.register_temporarily(
        "construct_kanskaart_grant_decision", lambda decision, request: None
    ):
        result = submit_form(municipality, needs=["budget"], budget_amount="400")

    assert budget_need(result).reason == policy.ABOVE_INSTANT_LIMIT


def test_decision_hook_cannot_grant_more_than_is_left(municipality):
    budget = make_budget(municipality, amount="300.00")
    submit_form(
        municipality, needs=["budget"], budget_amount="250", email="a@example.org"
    )

    def grant_anything(decision, request):
        return decision.allow()

    with hooks.register_temporarily(
        "construct_kanskaart_grant_decision", grant_anything
    ):
        result = submit_form(municipality, needs=["budget"], budget_amount="100")

    need = budget_need(result)
    assert need.status == "in_review"
    assert need.reason == policy.BUDGET_SPENT
    account = BudgetAccount.objects.get(budget=budget)
    assert account.reserved == Decimal("250.00")
    assert LedgerEntry.objects.filter(request=result.request).count() == 0


def test_decision_hook_cannot_raise_amount_beyond_budget(municipality):
    budget = make_budget(municipality, amount="300.00")

    def double_it(decision, request):
        return dataclasses.replace(decision, amount=decision.amount * 4)

    with hooks.register_temporarily("construct_kanskaart_grant_decision", double_it):
        result = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(result).reason == policy.BUDGET_SPENT
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("0.00")


def test_decision_hook_cannot_grant_without_budget(municipality):
    def grant_anything(decision, request):
        return decision.allow()

    with hooks.register_temporarily(
        "construct_kanskaart_grant_decision", grant_anything
    ):
        result = submit_form(municipality, needs=["budget"], budget_amount="100")

    need = budget_need(result)
    assert need.status == "in_review"
    assert need.reason == policy.NO_BUDGET
    assert not LedgerEntry.objects.exists()


def test_decision_hook_granting_nothing_goes_to_review(municipality):
    budget = make_budget(municipality)

    def grant_zero(decision, request):
        return dataclasses.replace(decision, amount=Decimal("0.00"))

    with hooks.register_temporarily("construct_kanskaart_grant_decision", grant_zero):
        result = submit_form(municipality, needs=["budget"], budget_amount="100")

    assert budget_need(result).status == "in_review"
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("0.00")


# after_kanskaart_status_change


def test_status_change_hook_after_commit(
    municipality, django_capture_on_commit_callbacks
):
    from wagtail_kanskaart.intake import lifecycle

    make_budget(municipality)
    with django_capture_on_commit_callbacks(execute=True):
        request = submit_form(municipality, needs=["budget"]).request
    calls = []

    def after_status_change(request, previous, status, user):
        calls.append((request.pk, previous, status, user))

    with hooks.register_temporarily(
        "after_kanskaart_status_change", after_status_change
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            lifecycle.mark_paid(request)
        assert calls == []
        for callback in callbacks:
            callback()

    assert calls == [(request.pk, "granted", "paid", None)]


def test_status_change_hook_is_not_run_on_rollback(
    municipality, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from wagtail_kanskaart.intake import lifecycle

    with django_capture_on_commit_callbacks(execute=True):
        request = submit_form(municipality, needs=["support"]).request
    calls = []

    with hooks.register_temporarily(
        "after_kanskaart_status_change", lambda **kwargs: calls.append(kwargs)
    ):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                lifecycle.withdraw(InitiativeRequest.objects.get(pk=request.pk))
                raise RuntimeError("the caller's transaction fails")

    assert calls == []
    assert InitiativeRequest.objects.get(pk=request.pk).status == request.status


def test_failing_status_change_hook_is_logged(
    municipality, django_capture_on_commit_callbacks, caplog
):
    from wagtail_kanskaart.intake import lifecycle

    with django_capture_on_commit_callbacks(execute=True):
        request = submit_form(municipality, needs=["support"]).request

    def broken(**kwargs):
        raise ValueError("broken hook")

    with hooks.register_temporarily("after_kanskaart_status_change", broken):
        with caplog.at_level(logging.ERROR, logger="wagtail_kanskaart"):
            with django_capture_on_commit_callbacks(execute=True):
                lifecycle.withdraw(request)

    assert InitiativeRequest.objects.get(pk=request.pk).status == "withdrawn"
    assert any(
        "after_kanskaart_status_change" in record.getMessage()
        and request.reference in record.getMessage()
        for record in caplog.records
    )
