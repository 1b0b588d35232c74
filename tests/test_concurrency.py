"""Concurrent requests on PostgreSQL: the invariants hold under real races.

Each thread has its own database connection and its own transaction, and a
barrier releases them at one moment. These tests need PostgreSQL, because
SQLite serialises every writing transaction and so cannot show a race; run
them with, for example::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kanskaart_test \\
        .venv/bin/pytest tests/test_concurrency.py
"""

import threading
import traceback
from decimal import Decimal

import pytest
from django.db import connection
from wagtail.models import Page

from tests.factories import (
    make_budget,
    make_municipality,
    make_neighbourhood,
    make_space,
    submit_form,
)
from wagtail_kanskaart.intake import ledger, lifecycle, policy
from wagtail_kanskaart.models import (
    BudgetAccount,
    InitiativePage,
    InitiativeRequest,
    LedgerEntry,
    SpaceBooking,
)

NOT_POSTGRES = (
    "CONCURRENCY TESTS DID NOT RUN: they need PostgreSQL, and this run uses "
    f"{connection.vendor}. Set DATABASE_URL=postgres://... to run them."
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason=NOT_POSTGRES),
    # serialized_rollback restores Wagtail's root page and default site,
    # which the table flush after a transactional test removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 10
TIMEOUT = 60


def run_at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; return results.

    Returns a list with, per thread, the return value or the exception it
    raised. Each thread closes its database connection when it ends.
    """
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def assert_no_exceptions(results):
    errors = [result for result in results if isinstance(result, BaseException)]
    details = "\n".join("".join(traceback.format_exception(error)) for error in errors)
    assert errors == [], details


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


def budget_need(result):
    return next(n for n in result.outcome.needs if n.kind == "budget")


@pytest.fixture
def municipality():
    assert connection.vendor == "postgresql"
    municipality = make_municipality()
    make_neighbourhood(municipality)
    return municipality


def test_budget_grants_exactly_what_fits(municipality):
    budget = make_budget(municipality, amount="1000.00")

    results = run_at_once(
        THREADS,
        lambda i: submit_form(
            municipality,
            needs=["budget"],
            budget_amount="250",
            email=f"bewoner{i}@example.org",
            phone="",
        ),
    )

    assert_no_exceptions(results)
    needs = [budget_need(result) for result in results]
    assert sum(need.status == "arranged" for need in needs) == 4
    assert sum(need.status == "in_review" for need in needs) == 6
    assert {need.reason for need in needs if need.status == "in_review"} == {
        policy.BUDGET_SPENT
    }
    account = BudgetAccount.objects.get(budget=budget)
    assert account.reserved == Decimal("1000.00")
    assert account.paid == Decimal("0.00")
    assert entry_totals(account) == (account.reserved, account.paid)
    assert LedgerEntry.objects.count() == 4
    assert InitiativeRequest.objects.count() == THREADS


def test_initiative_pages_of_concurrent_requests_fit_in_tree(municipality):
    results = run_at_once(
        THREADS,
        lambda i: submit_form(
            municipality, needs=["support"], email=f"b{i}@example.org"
        ),
    )

    assert_no_exceptions(results)
    pages = InitiativePage.objects.child_of(municipality)
    assert pages.count() == THREADS
    assert len({page.path for page in pages}) == THREADS
    parent = Page.objects.get(pk=municipality.pk)
    assert parent.numchild == parent.get_children().count()
    assert Page.find_problems() == ([], [], [], [], [])


def test_resident_cap_holds_for_one_resident_at_once(municipality):
    budget = make_budget(municipality, amount="5000.00", resident_cap=Decimal("300.00"))

    results = run_at_once(
        6,
        lambda i: submit_form(municipality, needs=["budget"], budget_amount="100"),
    )

    assert_no_exceptions(results)
    needs = [budget_need(result) for result in results]
    assert sum(need.status == "arranged" for need in needs) == 3
    assert {need.reason for need in needs if need.status == "in_review"} == {
        policy.RESIDENT_CAP_REACHED
    }
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("300.00")


def test_same_room_and_slot_is_booked_once(municipality):
    kalsdonk = municipality.neighbourhoods.get()
    make_space(municipality, [kalsdonk])

    results = run_at_once(
        THREADS,
        lambda i: submit_form(municipality, needs=["space"], email=f"b{i}@example.org"),
    )

    assert_no_exceptions(results)
    statuses = [result.outcome.needs[0].status for result in results]
    assert statuses.count("arranged") == 1
    assert statuses.count("in_review") == THREADS - 1
    assert SpaceBooking.objects.filter(status="booked").count() == 1


def test_one_idempotency_key_at_once_creates_one_request(municipality):
    make_budget(municipality)
    key = "same-key-from-a-double-click"

    results = run_at_once(
        6,
        lambda i: submit_form(municipality, idempotency_key=key, needs=["budget"]),
    )

    assert_no_exceptions(results)
    assert InitiativeRequest.objects.count() == 1
    assert {result.request.pk for result in results} == {
        InitiativeRequest.objects.get().pk
    }
    assert sum(result.created for result in results) == 1
    assert LedgerEntry.objects.count() == 1


def test_two_withdrawals_at_once_release_money_once(municipality):
    budget = make_budget(municipality)
    request = submit_form(municipality, needs=["budget"]).request

    results = run_at_once(2, lambda i: lifecycle.withdraw(request))

    refused = [r for r in results if isinstance(r, lifecycle.TransitionError)]
    withdrawn = [r for r in results if isinstance(r, InitiativeRequest)]
    assert len(refused) == 1
    assert len(withdrawn) == 1
    account = BudgetAccount.objects.get(budget=budget)
    assert account.reserved == Decimal("0.00")
    assert LedgerEntry.objects.filter(kind="release").count() == 1


def test_payout_racing_withdrawal_wins_once(municipality):
    budget = make_budget(municipality)
    request = submit_form(municipality, needs=["budget"]).request
    actions = [lifecycle.mark_paid, lifecycle.withdraw]

    results = run_at_once(2, lambda i: actions[i](request))

    refused = [r for r in results if isinstance(r, lifecycle.TransitionError)]
    assert len(refused) == 1
    assert not any(
        isinstance(r, BaseException) and not isinstance(r, lifecycle.TransitionError)
        for r in results
    )
    account = BudgetAccount.objects.get(budget=budget)
    assert entry_totals(account) == (account.reserved, account.paid)
    assert account.reserved + account.paid in (Decimal("0.00"), Decimal("150.00"))
    assert ledger.reserved_for(request) == Decimal("0.00")
