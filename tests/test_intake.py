"""The intake service: a validated request goes in, arrangements come out.

Each test goes through ``RequestForm`` and ``submit_request``, the way the
hosted form, the API and the admin do.
"""

import base64
import datetime
import hashlib
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.test import override_settings
from django.utils import translation
from wagtail.models import ModelLogEntry, Page, WorkflowState

from tests.factories import (
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_neighbourhood,
    make_space,
    next_weekday,
    request_data,
    submit_form,
)
from wagtail_kanskaart.intake import ledger, lifecycle, submit, support, tokens
from wagtail_kanskaart.intake.forms import RequestForm
from wagtail_kanskaart.intake.submit import IdempotencyConflict, submit_request
from wagtail_kanskaart.models import (
    BudgetAccount,
    InitiativePage,
    InitiativeRequest,
    LedgerEntry,
    Notification,
    SpaceBooking,
)

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
KEY = "a1b2c3d4e5f6g7h8i9j0"


@pytest.fixture
def municipality():
    return make_municipality(editors_email="redactie@example.org")


@pytest.fixture
def kalsdonk(municipality):
    return make_neighbourhood(municipality)


@pytest.fixture
def budget(municipality):
    return make_budget(municipality, amount="10000.00")


@pytest.fixture
def space(municipality, kalsdonk):
    return make_space(municipality, [kalsdonk], name="Buurthuis De Kring")


@pytest.fixture
def contact(municipality, kalsdonk):
    return make_contact(municipality, [kalsdonk], name="Fatima")


def need(result, kind):
    return next(n for n in result.outcome.needs if n.kind == kind)


def log_actions(request):
    return list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(InitiativeRequest),
            object_id=str(request.pk),
        )
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


# Budget


def test_budget_need_is_granted_and_reserved_in_ledger(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget"], budget_amount="150,00")

    account = BudgetAccount.objects.get(budget=budget)
    entry = LedgerEntry.objects.get(request=result.request)
    assert account.reserved == Decimal("150.00")
    assert account.paid == Decimal("0.00")
    assert entry.kind == LedgerEntry.Kind.RESERVE
    assert entry.amount == Decimal("150.00")
    assert entry.account == account
    assert result.request.budget_id == budget.pk
    assert result.request.status == "granted"
    budget_need = need(result, "budget")
    assert budget_need.status == "arranged"
    assert budget_need.reason == "granted"
    assert budget_need.title == "€ 150.00 is granted"
    assert budget_need.message.startswith("You get € 150.00 for your idea.")


# Space


def test_space_need_books_room_for_the_asked_period(municipality, kalsdonk, space):
    day = next_weekday(2)

    result = submit_form(
        municipality,
        needs=["space"],
        space_date=day.isoformat(),
        space_start="10:00",
        space_end="12:30",
        space_people="25",
    )

    booking = SpaceBooking.objects.get(request=result.request)
    assert booking.space == space
    assert booking.status == SpaceBooking.Status.BOOKED
    assert booking.starts_at == datetime.datetime.combine(
        day, datetime.time(10), tzinfo=AMSTERDAM
    )
    assert booking.ends_at == datetime.datetime.combine(
        day, datetime.time(12, 30), tzinfo=AMSTERDAM
    )
    assert booking.people == 25
    space_need = need(result, "space")
    assert space_need.status == "arranged"
    assert space_need.details["space"] == "Buurthuis De Kring"
    assert space_need.title == "Room booked: Buurthuis De Kring"
    assert "10:00 to 12:30" in space_need.message


# Support


def test_support_need_assigns_neighbourhood_contact(municipality, kalsdonk, contact):
    other = make_neighbourhood(municipality, name="Westrand", slug="westrand")
    make_contact(municipality, [other], name="Kees")
    make_contact(municipality, [], name="Anna")

    result = submit_form(municipality, needs=["support"], support_kind="organise")

    support_need = need(result, "support")
    assert support_need.status == "arranged"
    assert support_need.reason == "assigned"
    assert support_need.details["contact"] == contact.pk
    assert support_need.title == "Help: Fatima helps you"
    assert (
        support_need.message == "Fatima from het buurtteam contacts you within 2 days."
    )


def test_support_contact_for_neighbourhood_and_kind_goes_first(municipality, kalsdonk):
    make_contact(municipality, [], kinds=["promote"], name="Anna")
    make_contact(municipality, [kalsdonk], name="Bram")
    chosen = make_contact(municipality, [kalsdonk], kinds=["promote"], name="Chris")

    found = support.find_contact(municipality, kalsdonk, "promote")

    assert found == chosen


def test_support_contact_for_neighbourhood_goes_before_kind(municipality, kalsdonk):
    make_contact(municipality, [], kinds=["promote"], name="Anna")
    chosen = make_contact(municipality, [kalsdonk], name="Bram")

    found = support.find_contact(municipality, kalsdonk, "promote")

    assert found == chosen


def test_support_contact_for_kind_goes_before_generalist(municipality, kalsdonk):
    make_contact(municipality, [], name="Anna")
    chosen = make_contact(municipality, [], kinds=["rules"], name="Bram")

    found = support.find_contact(municipality, kalsdonk, "rules")

    assert found == chosen


def test_support_contact_falls_back_to_every_neighbourhood(municipality, kalsdonk):
    other = make_neighbourhood(municipality, name="Westrand", slug="westrand")
    make_contact(municipality, [other], name="Kees")
    chosen = make_contact(municipality, [], name="Anna")

    found = support.find_contact(municipality, kalsdonk, "organise")

    assert found == chosen


def test_support_contact_skips_unsuitable_ones(municipality, kalsdonk):
    make_contact(municipality, [kalsdonk], kinds=["rules"], name="Anna")
    make_contact(municipality, [kalsdonk], name="Bram", active=False)
    elsewhere = make_municipality(slug="etten-leur", title="Etten-Leur")
    make_contact(elsewhere, [], name="Chris")

    found = support.find_contact(municipality, kalsdonk, "organise")

    assert found is None


def test_support_need_without_contact_goes_to_review(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])

    support_need = need(result, "support")
    assert support_need.status == "in_review"
    assert support_need.reason == support.NO_CONTACT
    assert support_need.message == (
        "We look for someone who can help you, and contact you within 5 working days."
    )
    assert result.request.status == "in_review"


def test_all_needs_arranged_give_granted_request(
    municipality, kalsdonk, budget, space, contact
):
    result = submit_form(municipality)

    assert [n.kind for n in result.outcome.needs] == ["budget", "space", "support"]
    assert [n.status for n in result.outcome.needs] == ["arranged"] * 3
    assert result.outcome.status == "granted"
    assert result.outcome.message == "Everything is arranged. You can start!"
    assert result.created is True


# Answers that are stored


def test_answers_of_unchosen_needs_are_not_stored(municipality, kalsdonk, contact):
    result = submit_form(municipality, needs=["support"], budget_amount="80")

    request = InitiativeRequest.objects.get(pk=result.request.pk)
    assert request.needs == ["support"]
    assert request.budget_amount is None
    assert request.budget_purpose == ""
    assert request.space_date is None


# Idempotency


def test_repeat_with_same_key_returns_first_result(municipality, kalsdonk, budget):
    first = submit_form(municipality, idempotency_key=KEY, needs=["budget"])

    repeat = submit_form(municipality, idempotency_key=KEY, needs=["budget"])

    assert repeat.created is False
    assert repeat.request.pk == first.request.pk
    assert repeat.token == first.token
    assert repeat.outcome == first.outcome
    assert InitiativeRequest.objects.count() == 1
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("150.00")
    assert LedgerEntry.objects.count() == 1


def test_same_key_with_other_answers_raises_conflict(municipality, kalsdonk, budget):
    submit_form(municipality, idempotency_key=KEY, needs=["budget"])

    with pytest.raises(IdempotencyConflict):
        submit_form(
            municipality, idempotency_key=KEY, needs=["budget"], budget_amount="90"
        )

    assert InitiativeRequest.objects.count() == 1


def test_same_key_in_other_municipality_raises_conflict(municipality, kalsdonk):
    submit_form(municipality, idempotency_key=KEY, needs=["support"])
    elsewhere = make_municipality(slug="etten-leur", title="Etten-Leur")
    make_neighbourhood(elsewhere)

    with pytest.raises(IdempotencyConflict):
        submit_form(elsewhere, idempotency_key=KEY, needs=["support"])

    assert InitiativeRequest.objects.count() == 1


def test_key_used_while_first_submit_runs_returns_first_result(
    municipality, kalsdonk, budget, monkeypatch
):
    # The first look-up misses, as when two submissions with one key start at
    # the same moment; the insert then hits the unique key of the first.
    first = submit_form(municipality, idempotency_key=KEY, needs=["budget"])
    real_existing = submit._existing
    calls = []

    def existing_missed_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            return None
        return real_existing(*args, **kwargs)

    monkeypatch.setattr(submit, "_existing", existing_missed_once)

    repeat = submit_form(municipality, idempotency_key=KEY, needs=["budget"])

    assert len(calls) == 2
    assert repeat.created is False
    assert repeat.request.pk == first.request.pk
    assert InitiativeRequest.objects.count() == 1
    assert BudgetAccount.objects.get(budget=budget).reserved == Decimal("150.00")


def test_other_integrity_error_is_not_taken_for_repeat(
    municipality, kalsdonk, monkeypatch
):
    def fail(*args, **kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(submit, "create_initiative_page", fail)

    with pytest.raises(IntegrityError):
        submit_form(municipality, idempotency_key=KEY, needs=["support"])

    assert InitiativeRequest.objects.count() == 0


@pytest.mark.parametrize(
    "key",
    ["short", "x" * 129, "spaces are not allowed here"],
)
def test_invalid_idempotency_key_is_rejected(municipality, kalsdonk, key):
    with pytest.raises(ValueError, match="idempotency key"):
        submit_form(municipality, idempotency_key=key, needs=["support"])

    assert InitiativeRequest.objects.count() == 0


def test_fingerprint_ignores_order_of_needs(municipality, kalsdonk):
    data = request_data(needs=["support", "budget"])
    swapped = request_data(needs=["budget", "support"])
    form = RequestForm(data, municipality=municipality)
    form_swapped = RequestForm(swapped, municipality=municipality)
    assert form.is_valid()
    assert form_swapped.is_valid()

    first = tokens.fingerprint(form.cleaned_data, municipality)
    second = tokens.fingerprint(form_swapped.cleaned_data, municipality)

    assert first == second


def test_fingerprint_tells_neighbourhoods_with_one_name_apart(municipality):
    make_neighbourhood(municipality, name="Centrum", slug="centrum")
    make_neighbourhood(municipality, name="Centrum", slug="centrum-oost")
    forms = [
        RequestForm(request_data(neighbourhood=slug), municipality=municipality)
        for slug in ("centrum", "centrum-oost")
    ]
    assert all(form.is_valid() for form in forms)

    first, second = (tokens.fingerprint(f.cleaned_data, municipality) for f in forms)

    assert first != second


# Status token


def test_status_token_has_at_least_128_bits(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])

    raw = base64.urlsafe_b64decode(result.token + "=" * (-len(result.token) % 4))

    assert len(raw) * 8 >= 128


def test_only_hash_of_status_token_is_stored(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])

    row = InitiativeRequest.objects.filter(pk=result.request.pk).values().get()
    assert row["status_token_hash"] == hashlib.sha256(result.token.encode()).hexdigest()
    assert not any(result.token in str(value) for value in row.values())


def test_status_token_finds_its_request(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])
    submit_form(municipality, needs=["support"], email="ander@example.org")

    found = tokens.find_request(result.token)

    assert found == result.request


def test_wrong_status_token_finds_nothing(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])
    elsewhere = make_municipality(slug="etten-leur", title="Etten-Leur")

    assert tokens.find_request(result.token[:-1] + "x") is None
    assert tokens.find_request("") is None
    assert tokens.find_request(result.token, municipality=elsewhere) is None


def test_status_tokens_differ_per_request(municipality, kalsdonk):
    first = submit_form(municipality, needs=["support"])
    second = submit_form(municipality, needs=["support"])

    assert first.token != second.token
    assert first.request.reference != second.request.reference


# Initiative page


def test_initiative_page_waits_in_moderation_workflow(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])

    page = InitiativePage.objects.get(pk=result.request.initiative_page_id)
    assert page.live is False
    assert page.get_parent().pk == municipality.pk
    assert page.workflow_in_progress is True
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_initiative_page_is_live_when_municipality_publishes_at_once(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.publish_initiatives_at_once = True
    municipality.save()

    result = submit_form(municipality, needs=["support"])

    page = InitiativePage.objects.get(pk=result.request.initiative_page_id)
    assert page.live is True
    assert page.workflow_in_progress is False


def test_initiative_page_holds_no_personal_data(municipality, kalsdonk):
    result = submit_form(
        municipality,
        needs=["support"],
        name="Fatma Yilmaz",
        email="fatma@example.org",
        phone="06 12345678",
        support_note="Bel me na 17 uur",
    )

    page = InitiativePage.objects.get(pk=result.request.initiative_page_id)
    stored = [
        str(value) for value in Page.objects.filter(pk=page.pk).values().get().values()
    ]
    stored += [
        str(v)
        for v in InitiativePage.objects.filter(pk=page.pk).values().get().values()
    ]
    stored.append(str(page.get_latest_revision().content))
    for personal in ["Fatma", "Yilmaz", "fatma@example.org", "+31612345678", "17 uur"]:
        assert not any(personal in value for value in stored), personal
    assert page.title == "Straatfeest Kalsdonk"
    assert page.neighbourhood == kalsdonk
    assert page.needs == ["support"]


def test_long_titles_that_start_alike_get_own_pages(municipality, kalsdonk):
    title = "Een heel lang straatfeest " * 4 + "met taart"

    first = submit_form(municipality, needs=["support"], title=title[:120])
    second = submit_form(municipality, needs=["support"], title=title[:120])

    assert first.request.initiative_page_id != second.request.initiative_page_id
    pages = InitiativePage.objects.filter(
        pk__in=[first.request.initiative_page_id, second.request.initiative_page_id]
    )
    assert len({page.slug for page in pages}) == 2


def test_title_of_only_control_characters_is_a_form_error(municipality, kalsdonk):
    with translation.override("en"):
        form = RequestForm(
            request_data(title="\x01\x02\x03\x04", name="\x07\x07"),
            municipality=municipality,
        )

        assert not form.is_valid()
        assert form.errors["title"] == ["Give your idea a name."]
        assert form.errors["name"] == ["Fill in your name."]


def test_line_breaks_in_title_and_name_become_spaces(municipality, kalsdonk):
    form = RequestForm(
        request_data(title="Straat\nfeest  samen", name=" Fatma\r\nYilmaz "),
        municipality=municipality,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Straat feest samen"
    assert form.cleaned_data["name"] == "Fatma Yilmaz"


# Notifications


def test_notifications_are_stored_in_submit_transaction(
    municipality, kalsdonk, space, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = submit_form(municipality, needs=["space", "support"])

    rows = Notification.objects.filter(request=result.request)
    assert {(n.audience, n.recipient) for n in rows} == {
        ("resident", "fatma@example.org"),
        ("support", "fatima@example.org"),
        ("space_manager", "beheer@example.org"),
        ("editors", "redactie@example.org"),
    }
    assert {n.status for n in rows} == {"pending"}
    assert {n.event for n in rows} == {"submitted"}
    assert len(callbacks) >= 1


def test_sms_resident_gets_skipped_notification_without_sms_channel(
    municipality, kalsdonk
):
    result = submit_form(municipality, needs=["support"], email="")

    resident = Notification.objects.get(request=result.request, audience="resident")
    assert resident.channel == "sms"
    assert resident.recipient == "+31612345678"
    assert resident.status == Notification.Status.SKIPPED


@override_settings(
    KANSKAART_NOTIFICATION_CHANNELS={
        "email": "wagtail_kanskaart.notifications.channels.MemoryChannel",
        "sms": "wagtail_kanskaart.notifications.channels.MemoryChannel",
    }
)
def test_sms_resident_gets_pending_notification_with_sms_channel(
    municipality, kalsdonk
):
    result = submit_form(municipality, needs=["support"], email="")

    resident = Notification.objects.get(request=result.request, audience="resident")
    assert resident.channel == "sms"
    assert resident.status == Notification.Status.PENDING


# Log


def test_submit_logs_submission_and_status_change(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget"])

    entries = ModelLogEntry.objects.filter(object_id=str(result.request.pk)).order_by(
        "pk"
    )
    assert log_actions(result.request) == [
        "wagtail_kanskaart.submitted",
        "wagtail_kanskaart.status_changed",
    ]
    assert entries[1].data == {"from": "submitted", "to": "granted"}
    assert "fatma" not in str([entry.data for entry in entries]).lower()


def test_every_transition_is_logged(municipality, kalsdonk, budget, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x")
    result = submit_form(municipality, needs=["budget"])

    lifecycle.mark_paid(result.request, user=editor)
    paid = InitiativeRequest.objects.get(pk=result.request.pk)
    withdrawable = submit_form(
        municipality, needs=["budget"], email="ander@example.org"
    )
    lifecycle.withdraw(withdrawable.request)

    paid_entries = ModelLogEntry.objects.filter(object_id=str(paid.pk)).order_by("pk")
    assert log_actions(paid) == [
        "wagtail_kanskaart.submitted",
        "wagtail_kanskaart.status_changed",
        "wagtail_kanskaart.status_changed",
    ]
    assert paid_entries.last().data["to"] == "paid"
    assert paid_entries.last().user == editor
    withdrawn_entries = ModelLogEntry.objects.filter(
        object_id=str(withdrawable.request.pk)
    ).order_by("pk")
    assert withdrawn_entries.last().action == "wagtail_kanskaart.status_changed"
    assert withdrawn_entries.last().data["from"] == "granted"
    assert withdrawn_entries.last().data["to"] == "withdrawn"


# Withdraw


def open_reservations(account):
    total = Decimal("0.00")
    for entry in LedgerEntry.objects.filter(account=account):
        total += (
            entry.amount if entry.kind == LedgerEntry.Kind.RESERVE else -entry.amount
        )
    return total


def test_withdraw_releases_money(municipality, kalsdonk, budget):
    kept = submit_form(municipality, needs=["budget"], budget_amount="100")
    withdrawn = submit_form(
        municipality, needs=["budget"], budget_amount="200", email="ander@example.org"
    )

    lifecycle.withdraw(withdrawn.request)

    account = BudgetAccount.objects.get(budget=budget)
    assert account.reserved == Decimal("100.00")
    assert account.reserved == open_reservations(account)
    assert ledger.reserved_for(kept.request) == Decimal("100.00")
    assert ledger.reserved_for(withdrawn.request) == Decimal("0.00")
    release = LedgerEntry.objects.get(request=withdrawn.request, kind="release")
    assert release.amount == Decimal("200.00")


def test_withdraw_cancels_booking_and_frees_slot(municipality, kalsdonk, space):
    first = submit_form(municipality, needs=["space"])

    lifecycle.withdraw(first.request)
    second = submit_form(municipality, needs=["space"], email="ander@example.org")

    assert SpaceBooking.objects.get(request=first.request).status == "cancelled"
    booking = SpaceBooking.objects.get(request=second.request)
    assert booking.space == space
    assert booking.status == "booked"


def test_withdraw_unpublishes_initiative_page(kalsdonk):
    municipality = kalsdonk.municipality
    municipality.publish_initiatives_at_once = True
    municipality.save()
    result = submit_form(municipality, needs=["support"])

    lifecycle.withdraw(result.request)

    page = InitiativePage.objects.get(pk=result.request.initiative_page_id)
    assert page.live is False


def test_withdraw_stops_moderation_of_initiative_page(municipality, kalsdonk):
    result = submit_form(municipality, needs=["support"])

    lifecycle.withdraw(result.request)

    page = InitiativePage.objects.get(pk=result.request.initiative_page_id)
    assert page.live is False
    assert page.workflow_in_progress is False


def test_withdraw_marks_needs_and_outcome_withdrawn(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget", "support"])

    request = lifecycle.withdraw(result.request)

    outcome = submit.build_outcome(request, "en")
    assert request.status == "withdrawn"
    assert [n.status for n in outcome.needs] == ["withdrawn", "withdrawn"]
    assert outcome.message == "You withdrew your request."


def test_withdraw_is_refused_after_payout(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget"])
    ledger.pay(result.request)

    with pytest.raises(lifecycle.TransitionError):
        lifecycle.withdraw(result.request)

    account = BudgetAccount.objects.get(budget=budget)
    assert account.paid == Decimal("150.00")
    assert account.reserved == Decimal("0.00")
    assert InitiativeRequest.objects.get(pk=result.request.pk).status != "withdrawn"


def test_second_withdraw_is_refused(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget"])
    lifecycle.withdraw(result.request)

    with pytest.raises(lifecycle.TransitionError):
        lifecycle.withdraw(result.request)

    account = BudgetAccount.objects.get(budget=budget)
    assert account.reserved == Decimal("0.00")
    assert (
        LedgerEntry.objects.filter(request=result.request, kind="release").count() == 1
    )


def test_withdraw_queues_withdrawn_notifications(municipality, kalsdonk, space):
    result = submit_form(municipality, needs=["space"])

    lifecycle.withdraw(result.request)

    withdrawn = Notification.objects.filter(request=result.request, event="withdrawn")
    assert {n.audience for n in withdrawn} == {"resident", "space_manager", "editors"}


# A municipality without a form page


def test_submit_works_without_form_page(municipality, kalsdonk, budget):
    result = submit_form(municipality, needs=["budget"])

    assert result.request.status == "granted"
    assert Notification.objects.filter(request=result.request).exists()


def test_submit_works_with_form_page(municipality, kalsdonk, budget):
    make_form_page(municipality)

    result = submit_form(municipality, needs=["budget"])

    assert result.request.status == "granted"


def test_submit_request_accepts_cleaned_data_of_request_form(municipality, kalsdonk):
    form = RequestForm(request_data(needs=["support"]), municipality=municipality)
    assert form.is_valid(), form.errors

    result = submit_request(municipality, dict(form.cleaned_data), language="en")

    assert result.request.name == "Fatma Yilmaz"
    assert result.request.phone == "+31612345678"
    assert result.request.language == "en"


def test_initiative_page_drops_typed_contact_details(municipality, kalsdonk, contact):
    description = "Bel me op 06 12345678 of mail fatma@example.org voor de datum."

    result = submit_form(
        municipality,
        needs=["support"],
        title="Feest, bel 0612345678",
        description=description,
    )

    page = result.request.initiative_page
    assert "12345678" not in page.summary
    assert "fatma@example.org" not in page.summary
    assert "12345678" not in page.title
    assert "voor de datum" in page.summary
    assert result.request.description == description


def test_unknown_support_kind_gives_one_message(municipality, kalsdonk):
    form = RequestForm(
        request_data(needs=["support"], support_kind="massage"),
        municipality=municipality,
    )

    assert not form.is_valid()
    assert len(form.errors["support_kind"]) == 1


def test_initiative_address_hides_reference(municipality, kalsdonk, contact):
    result = submit_form(municipality, needs=["support"], title="Buurtborrel")

    slug = result.request.initiative_page.slug
    assert slug.startswith("buurtborrel-")
    assert result.request.reference.lower() not in slug
