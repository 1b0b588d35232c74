"""Editors' actions on a request, through the admin views.

Each action is checked for what it changes (needs, status, ledger entries
and account totals, bookings), what it logs and which messages it queues.
It is also checked for what it rejects: a status that does not fit, too
little money, a request of another municipality, a PUT where a POST is
needed.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from tests.factories import make_contact, make_space, next_weekday, submit_form
from tests.request_admin_helpers import (
    action_url,
    inspect_url,
    messages_of,
    need_of,
    queued,
    reload,
    speak_english,
    submit,
)
from wagtail_kanskaart.intake import actions, ledger, lifecycle
from wagtail_kanskaart.models import (
    BudgetAccount,
    BudgetPage,
    InitiativeRequest,
    LedgerEntry,
    Notification,
    PayoutBatch,
    SpaceBooking,
)
from wagtail_kanskaart.notifications.outbox import render
from wagtail_kanskaart.views.urls import status_url

pytestmark = pytest.mark.django_db

RESIDENT = ("resident", "fatma@example.org")
FATIMA = ("support", "fatima@example.org")
WIJKCENTRUM_MANAGER = ("space_manager", "beheer@wijkcentrum.example.org")
KRING_MANAGER = ("space_manager", "beheer@dekring.example.org")

ALL_ACTIONS = [
    actions.APPROVE,
    actions.DECLINE,
    actions.MARK_PAID,
    actions.CHANGE_BOOKING,
    actions.CANCEL_BOOKING,
    actions.REASSIGN_SUPPORT,
]


@pytest.fixture
def kalsdonk(roosendaal):
    return roosendaal.neighbourhoods.get(slug="kalsdonk")


@pytest.fixture
def wijkcentrum(roosendaal, kalsdonk):
    return make_space(
        roosendaal,
        [kalsdonk],
        name="Wijkcentrum Kalsdonk",
        capacity=40,
        manager_email=WIJKCENTRUM_MANAGER[1],
    )


@pytest.fixture
def kring(roosendaal):
    """A small room for every neighbourhood, open on weekdays 9:00 to 17:00."""
    return make_space(
        roosendaal,
        name="Buurthuis De Kring",
        capacity=10,
        closes=datetime.time(17),
        manager_email=KRING_MANAGER[1],
    )


def budget_of(municipality):
    return BudgetPage.objects.child_of(municipality).get()


def account_of(municipality):
    return BudgetAccount.objects.get(budget=budget_of(municipality))


def entries(request_obj, kind):
    return list(LedgerEntry.objects.filter(request=request_obj, kind=kind))


def logged(request_obj, action):
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(request_obj.pk), action=f"wagtail_kanskaart.{action}"
        )
    )


def booking_form(space, day=None, start="14:00", end="16:00", people="8"):
    return {
        "space": str(space.pk),
        "date": (day or next_weekday(2)).isoformat(),
        "start": start,
        "end": end,
        "people": people,
    }


# Approve


def test_approve_reserves_amount_asked(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    response = client.post(action_url("approve", waiting), {"amount": ""})

    assert response.status_code == 302
    assert response["Location"] == inspect_url(waiting)
    assert reload(waiting).status == "granted"
    need = need_of(waiting, "budget")
    assert need.status == "arranged"
    assert need.reason == "approved"
    assert need.details == {"amount": "400.00"}
    [reserve] = entries(waiting, "reserve")
    assert reserve.amount == Decimal("400.00")
    assert reserve.created_by == editor
    assert account_of(roosendaal).reserved == Decimal("400.00")
    assert reload(waiting).budget == budget_of(roosendaal)


def test_approve_is_logged_with_editor(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    client.post(action_url("approve", waiting), {"amount": "400"})

    [entry] = logged(waiting, "approved")
    assert entry.user == editor
    assert entry.data["amount"] == "400.00"
    assert entry.data["arranged"] == ["budget"]
    assert entry.data["budget"] == "Bewonersbudget"
    [status_change] = [
        e for e in logged(waiting, "status_changed") if e.data["to"] == "granted"
    ]
    assert status_change.user == editor


def test_approve_tells_resident(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    client.post(action_url("approve", waiting), {"amount": "400"})

    assert queued(waiting, "approved") == {RESIDENT}


def test_approve_grants_lower_amount(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    client.post(action_url("approve", waiting), {"amount": "300,50"})

    assert need_of(waiting, "budget").details == {"amount": "300.50"}
    assert account_of(roosendaal).reserved == Decimal("300.50")


def test_approve_refuses_more_than_asked(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    response = client.post(action_url("approve", waiting), {"amount": "450"})

    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert entries(waiting, "reserve") == []


def test_approve_without_money_changes_nothing(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    ledger.set_amount(budget_of(roosendaal), Decimal("350.00"))

    response = client.post(action_url("approve", waiting), {"amount": "400"})

    assert response.status_code == 200
    [error] = response.context["form"].errors["amount"]
    assert "not enough money left" in error
    assert "€ 350.00" in error
    assert entries(waiting, "reserve") == []
    assert account_of(roosendaal).reserved == Decimal("0.00")
    assert need_of(waiting, "budget").status == "in_review"
    assert reload(waiting).status == "in_review"
    assert logged(waiting, "approved") == []
    assert queued(waiting, "approved") == set()


def test_approve_above_maximum_per_request(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    roosendaal.max_request_amount = Decimal("300.00")
    roosendaal.save()

    response = client.post(action_url("approve", waiting), {"amount": "400"})

    assert response.status_code == 200
    [error] = response.context["form"].errors["amount"]
    assert "maximum per request" in error
    assert entries(waiting, "reserve") == []


def test_approve_without_budget(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    budget_of(roosendaal).unpublish()

    response = client.post(action_url("approve", waiting), {"amount": "400"})

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert "No budget covers Kalsdonk" in error
    assert need_of(waiting, "budget").status == "in_review"


def test_approve_may_exceed_resident_cap(client, roosendaal, editor):
    granted = submit(roosendaal, needs=["budget"], budget_amount="200")
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    response = client.post(action_url("approve", waiting), {"amount": "400"})

    assert response.status_code == 302
    assert reload(granted).status == "granted"
    assert reload(waiting).status == "granted"
    assert account_of(roosendaal).reserved == Decimal("600.00")


def test_approve_books_room_free_now(client, roosendaal, editor, kalsdonk):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="400")
    assert need_of(waiting, "space").reason == "no_space"
    make_space(
        roosendaal, [kalsdonk], name="Wijkcentrum", manager_email="w@example.org"
    )

    client.post(action_url("approve", waiting), {"amount": "400"})

    space = need_of(waiting, "space")
    assert space.status == "arranged"
    assert space.details["space"] == "Wijkcentrum"
    assert SpaceBooking.objects.filter(request=waiting, status="booked").count() == 1
    assert reload(waiting).status == "granted"
    assert queued(waiting, "approved") == {RESIDENT, ("space_manager", "w@example.org")}


def test_approve_keeps_unbookable_room_waiting(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="400")

    response = client.post(
        action_url("approve", waiting), {"amount": "400"}, follow=True
    )

    assert need_of(waiting, "budget").status == "arranged"
    assert need_of(waiting, "space").status == "in_review"
    assert reload(waiting).status == "in_review"
    [message] = messages_of(response)
    assert "Still waiting: room" in message
    assert "Change booking" in message


def test_approve_assigns_contact_found_now(client, bergen, editors):
    client.force_login(speak_english(editors["bergen"]))
    waiting = submit(bergen, neighbourhood="gageldonk", needs=["support"])
    assert need_of(waiting, "support").reason == "no_contact"
    make_contact(bergen, name="Ahmed", email="ahmed@example.org")

    client.post(action_url("approve", waiting), {})

    support = need_of(waiting, "support")
    assert support.status == "arranged"
    assert support.details["name"] == "Ahmed"
    assert queued(waiting, "approved") == {RESIDENT, ("support", "ahmed@example.org")}


def test_approve_with_nothing_to_arrange(client, bergen, editors):
    client.force_login(speak_english(editors["bergen"]))
    waiting = submit(bergen, neighbourhood="gageldonk", needs=["support"])

    response = client.post(action_url("approve", waiting), {})

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert "Nothing could be arranged" in error
    assert logged(waiting, "approved") == []
    assert reload(waiting).status == "in_review"


def test_approve_page_shows_limits(client, roosendaal, editor):
    granted = submit(roosendaal, needs=["budget"], budget_amount="200")
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    response = client.get(action_url("approve", waiting))

    assert response.status_code == 200
    rows = dict(response.context["limit_rows"])
    assert rows["This resident already has from this budget"] == "€ 200.00"
    assert rows["Money left"] == "€ 9,800.00"
    assert reload(granted).status == "granted"


# Decline


@pytest.fixture
def arranged(roosendaal, wijkcentrum):
    """A granted request with € 150, a booked room and Fatima for support."""
    request_obj = submit(roosendaal)
    assert request_obj.status == "granted"
    return request_obj


def test_decline_releases_money(client, roosendaal, editor, arranged):
    response = client.post(
        action_url("decline", arranged), {"reason": "Dit past niet in de regels."}
    )

    assert response.status_code == 302
    [release] = entries(arranged, "release")
    assert release.amount == Decimal("150.00")
    assert release.created_by == editor
    assert account_of(roosendaal).reserved == Decimal("0.00")


def test_decline_cancels_booking(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Dit past niet."})

    booking = SpaceBooking.objects.get(request=arranged)
    assert booking.status == "cancelled"


def test_decline_sets_statuses(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Dit past niet."})

    declined = reload(arranged)
    assert declined.status == "declined"
    assert set(declined.need_set.values_list("status", flat=True)) == {"declined"}


def test_decline_takes_page_offline(client, roosendaal, editor, wijkcentrum):
    roosendaal.publish_initiatives_at_once = True
    roosendaal.save()
    request_obj = submit(roosendaal)
    assert request_obj.initiative_page.live

    client.post(action_url("decline", request_obj), {"reason": "Dit past niet."})

    assert not reload(request_obj).initiative_page.live


def test_decline_is_logged_with_reason(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Dit past niet."})

    [entry] = logged(arranged, "declined")
    assert entry.user == editor
    assert entry.data["reason"] == "Dit past niet."
    assert entry.data["released"] == "150.00"
    assert entry.data["bookings_cancelled"] == 1


def test_decline_tells_everyone_involved(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Dit past niet."})

    assert queued(arranged, "declined") == {RESIDENT, FATIMA, WIJKCENTRUM_MANAGER}
    resident = Notification.objects.get(
        request=arranged, event="declined", audience="resident"
    )
    assert resident.context == {"reason": "Dit past niet."}


def test_decline_needs_reason(client, editor, arranged):
    response = client.post(action_url("decline", arranged), {"reason": "   "})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert reload(arranged).status == "granted"
    assert entries(arranged, "release") == []


def test_decline_refused_after_payout(client, editor, arranged):
    lifecycle.mark_paid(arranged)

    response = client.post(
        action_url("decline", arranged), {"reason": "Te laat."}, follow=True
    )

    assert response.redirect_chain[-1][0] == inspect_url(arranged)
    assert messages_of(response) == ["This request is paid out already."]
    assert reload(arranged).status == "paid"
    assert entries(arranged, "release") == []


def test_decline_refused_in_open_batch(client, roosendaal, editor, arranged):
    batch = PayoutBatch.objects.create(municipality=roosendaal, reference="UIT-1")
    arranged.payout_batch = batch
    arranged.save()

    response = client.post(action_url("decline", arranged), {"reason": "Nee."})

    assert response.status_code == 302
    assert reload(arranged).status == "granted"


# Mark paid


def test_mark_paid_pays_out(client, roosendaal, editor, arranged):
    response = client.post(action_url("mark_paid", arranged), {})

    assert response.status_code == 302
    assert reload(arranged).status == "paid"
    [payout] = entries(arranged, "pay")
    assert payout.amount == Decimal("150.00")
    assert payout.created_by == editor
    account = account_of(roosendaal)
    assert account.paid == Decimal("150.00")
    assert account.reserved == Decimal("0.00")


def test_mark_paid_is_logged(client, editor, arranged):
    client.post(action_url("mark_paid", arranged), {})

    [entry] = [e for e in logged(arranged, "status_changed") if e.data["to"] == "paid"]
    assert entry.user == editor
    assert entry.data["paid"] == "150.00"


def test_mark_paid_refused_without_money(client, roosendaal, editor):
    request_obj = submit(roosendaal, needs=["support"])

    response = client.get(action_url("mark_paid", request_obj), follow=True)

    assert response.redirect_chain[-1][0] == inspect_url(request_obj)
    [message] = messages_of(response)
    assert "nothing to pay" in message


def test_mark_paid_refused_in_open_batch(client, roosendaal, editor, arranged):
    batch = PayoutBatch.objects.create(municipality=roosendaal, reference="UIT-2")
    arranged.payout_batch = batch
    arranged.save()

    response = client.post(action_url("mark_paid", arranged), {}, follow=True)

    [message] = messages_of(response)
    assert "UIT-2" in message
    assert entries(arranged, "pay") == []


# Change and cancel a booking


def test_change_booking_moves_room(client, editor, arranged, kring):
    day = next_weekday(2)

    response = client.post(
        action_url("change_booking", arranged), booking_form(kring, day=day)
    )

    assert response.status_code == 302
    bookings = SpaceBooking.objects.filter(request=arranged).order_by("pk")
    assert [b.status for b in bookings] == ["cancelled", "booked"]
    assert bookings[1].space == kring
    details = need_of(arranged, "space").details
    assert details["space"] == "Buurthuis De Kring"
    assert details["people"] == 8
    assert details["booking"] == bookings[1].pk


def test_change_booking_is_logged(client, editor, arranged, kring):
    client.post(action_url("change_booking", arranged), booking_form(kring))

    [entry] = logged(arranged, "booking_changed")
    assert entry.user == editor
    assert entry.data["space"] == "Buurthuis De Kring"
    assert entry.data["previous"]["space"] == "Wijkcentrum Kalsdonk"


def test_change_booking_tells_both_managers(client, editor, arranged, kring):
    client.post(action_url("change_booking", arranged), booking_form(kring))

    assert queued(arranged, "booking_changed") == {
        RESIDENT,
        WIJKCENTRUM_MANAGER,
        KRING_MANAGER,
    }


def test_change_booking_within_own_slot(client, editor, arranged, wijkcentrum):
    day = arranged.space_date

    response = client.post(
        action_url("change_booking", arranged),
        booking_form(wijkcentrum, day=day, start="11:00", end="13:00", people="20"),
    )

    assert response.status_code == 302
    starts_at = need_of(arranged, "space").details["starts_at"]
    assert starts_at.startswith(f"{day.isoformat()}T11:00")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"day": "sunday"}, "start", "closed on Sunday"),
        ({"start": "16:00", "end": "18:00"}, "start", "open on"),
        ({"people": "11"}, "people", "fits at most 10 people"),
        ({"start": "14:00", "end": "13:00"}, "end", "end time must be after"),
        ({"day": "past"}, "date", "today or a later date"),
        ({"day": "far"}, "date", "within 120 days"),
        ({"day": "9999"}, "date", "within 120 days"),
    ],
)
def test_change_booking_refusals(
    client, editor, arranged, kring, changes, field, words
):
    changes = dict(changes)
    if changes.get("day") == "sunday":
        changes["day"] = next_weekday(6)
    elif changes.get("day") == "past":
        changes["day"] = datetime.date(2020, 1, 6)
    elif changes.get("day") == "far":
        # An open weekday just past the 120 days residents may book ahead.
        horizon = timezone.localdate() + datetime.timedelta(days=120)
        changes["day"] = next_weekday(1, after=horizon)
    elif changes.get("day") == "9999":
        changes["day"] = datetime.date(9999, 12, 31)

    response = client.post(
        action_url("change_booking", arranged), booking_form(kring, **changes)
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors[field]
    assert words in error
    assert SpaceBooking.objects.get(request=arranged).status == "booked"
    assert logged(arranged, "booking_changed") == []


def test_change_booking_refuses_taken_slot(client, roosendaal, editor, arranged, kring):
    day = next_weekday(3)
    other = submit(
        roosendaal,
        needs=["space"],
        space_date=day.isoformat(),
        space_start="14:00",
        space_end="16:00",
        space_people="30",
    )
    client.post(
        action_url("change_booking", other),
        booking_form(kring, day=day, start="14:00", end="16:00"),
    )
    assert SpaceBooking.objects.filter(request=other, space=kring).exists()

    response = client.post(
        action_url("change_booking", arranged),
        booking_form(kring, day=day, start="15:00", end="17:00"),
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["start"]
    assert "already booked at that time (14:00-16:00)" in error
    assert SpaceBooking.objects.get(request=arranged).space.name == (
        "Wijkcentrum Kalsdonk"
    )


def test_change_booking_refuses_foreign_room(client, bergen, editor, arranged):
    foreign = make_space(bergen, name="Zaal Bergen")

    response = client.post(
        action_url("change_booking", arranged), booking_form(foreign)
    )

    assert response.status_code == 200
    assert "space" in response.context["form"].errors


def test_change_booking_settles_review(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="150")
    assert reload(waiting).status == "in_review"
    room = make_space(roosendaal, name="Later gebouwd")

    client.post(action_url("change_booking", waiting), booking_form(room))

    assert need_of(waiting, "space").status == "arranged"
    assert reload(waiting).status == "granted"


def test_cancel_booking_frees_room(client, editor, arranged):
    response = client.post(
        action_url("cancel_booking", arranged), {"reason": "De zaal is dicht."}
    )

    assert response.status_code == 302
    assert SpaceBooking.objects.get(request=arranged).status == "cancelled"
    space = need_of(arranged, "space")
    assert space.status == "declined"
    assert space.reason == "booking_cancelled"
    assert space.details["note"] == "De zaal is dicht."
    assert reload(arranged).status == "granted"


def test_cancel_booking_is_logged_and_told(client, editor, arranged):
    client.post(action_url("cancel_booking", arranged), {"reason": "Dicht."})

    [entry] = logged(arranged, "booking_cancelled")
    assert entry.user == editor
    assert entry.data["reason"] == "Dicht."
    assert queued(arranged, "booking_cancelled") == {RESIDENT, WIJKCENTRUM_MANAGER}


def test_cancel_booking_refused_for_only_need(client, roosendaal, editor, wijkcentrum):
    request_obj = submit(roosendaal, needs=["space"])

    response = client.post(
        action_url("cancel_booking", request_obj), {"reason": "Dicht."}, follow=True
    )

    [message] = messages_of(response)
    assert "Decline the request instead" in message
    assert SpaceBooking.objects.get(request=request_obj).status == "booked"


def test_cancel_waiting_room_is_refused(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="150")

    response = client.post(
        action_url("cancel_booking", waiting), {"reason": "Geen zaal."}, follow=True
    )

    [message] = messages_of(response)
    assert "no booking to cancel yet" in message
    assert need_of(waiting, "space").status == "in_review"
    assert queued(waiting, "booking_cancelled") == set()


def test_cancel_booking_service_refuses_without_booking(roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="150")

    with pytest.raises(actions.ActionNotAllowed):
        actions.cancel_booking(waiting, "Geen zaal.", user=editor)


# Reassign support


def test_reassign_support(client, roosendaal, editor, arranged):
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")

    response = client.post(
        action_url("reassign_support", arranged), {"contact": str(karim.pk)}
    )

    assert response.status_code == 302
    support = need_of(arranged, "support")
    assert support.details["contact"] == karim.pk
    assert support.details["name"] == "Karim"


def test_reassign_support_is_logged_and_told(client, roosendaal, editor, arranged):
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")

    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})

    [entry] = logged(arranged, "support_reassigned")
    assert entry.user == editor
    assert entry.data == {"contact": "Karim", "previous": "Fatima"}
    assert queued(arranged, "support_reassigned") == {
        RESIDENT,
        ("support", "karim@example.org"),
    }


def test_reassign_refuses_same_contact(client, editor, arranged):
    fatima = need_of(arranged, "support").details["contact"]

    response = client.post(
        action_url("reassign_support", arranged), {"contact": str(fatima)}
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["contact"]
    assert "Fatima already helps" in error


@pytest.mark.parametrize("whose", ["bergen", "inactive"])
def test_reassign_refuses_unlisted_contact(
    client, roosendaal, bergen, editor, arranged, whose
):
    if whose == "bergen":
        contact = make_contact(bergen, name="Ahmed")
    else:
        contact = make_contact(roosendaal, name="Sanne", active=False)

    response = client.post(
        action_url("reassign_support", arranged), {"contact": str(contact.pk)}
    )

    assert response.status_code == 200
    assert "contact" in response.context["form"].errors
    assert need_of(arranged, "support").details["name"] == "Fatima"


# Refusals and permissions


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_withdrawn_request_refuses_action(client, editor, arranged, kring, action):
    lifecycle.withdraw(arranged)
    data = {"reason": "x", "contact": "1", "amount": "1", **booking_form(kring)}

    shown = client.get(action_url(action, arranged), follow=True)
    posted = client.post(action_url(action, arranged), data)

    assert shown.redirect_chain[-1][0] == inspect_url(arranged)
    assert "withdrew this request" in messages_of(shown)[0]
    assert posted.status_code == 302
    assert reload(arranged).status == "withdrawn"
    assert SpaceBooking.objects.filter(request=arranged, status="booked").count() == 0


@pytest.mark.parametrize("action", [actions.APPROVE, actions.DECLINE])
def test_declined_request_refuses_decision(client, editor, arranged, action):
    client.post(action_url("decline", arranged), {"reason": "Nee."})

    response = client.post(
        action_url(action, arranged), {"reason": "Toch nee.", "amount": "150"}
    )

    assert response.status_code == 302
    assert reload(arranged).status == "declined"
    assert len(logged(arranged, "declined")) == 1
    assert len(entries(arranged, "reserve")) == 1
    assert len(entries(arranged, "release")) == 1


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_other_municipality_is_forbidden(client, editors, arranged, action):
    client.force_login(editors["bergen"])

    shown = client.get(action_url(action, arranged))
    posted = client.post(action_url(action, arranged), {"reason": "x"})

    assert shown.status_code == 403
    assert posted.status_code == 403
    assert reload(arranged).status == "granted"


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_unknown_request_is_not_found(client, editor, pk):
    response = client.get(action_url("approve", pk))

    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, arranged):
    response = client.post(action_url("decline", arranged), {"reason": "x"})

    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert reload(arranged).status == "granted"


def test_user_without_admin_access(client, roosendaal, arranged):
    outsider = get_user_model().objects.create_user("buitenstaander", password="pw")
    client.force_login(outsider)

    response = client.post(action_url("decline", arranged), {"reason": "x"})

    assert response.status_code in (302, 403)
    assert reload(arranged).status == "granted"


def test_get_shows_form_and_changes_nothing(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    response = client.get(action_url("approve", waiting))

    assert response.status_code == 200
    assert response.context["form"]["amount"].value() == "400,00"
    assert reload(waiting).status == "in_review"
    assert entries(waiting, "reserve") == []


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_not_allowed(client, editor, arranged, method):
    response = getattr(client, method)(action_url("decline", arranged))

    assert response.status_code == 405
    assert reload(arranged).status == "granted"


def test_post_without_csrf_token_is_refused(editor, arranged):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)

    response = strict.post(action_url("decline", arranged), {"reason": "x"})

    assert response.status_code == 403
    assert reload(arranged).status == "granted"


def test_superuser_may_act_everywhere(client, admin_user, arranged):
    client.force_login(admin_user)

    response = client.post(action_url("mark_paid", arranged), {})

    assert response.status_code == 302
    assert reload(arranged).status == "paid"


# The messages


def rendered(request_obj, event, audience):
    notification = Notification.objects.get(
        request=request_obj, event=event, audience=audience
    )
    return render(notification)


def test_approved_message_names_amount(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    client.post(action_url("approve", waiting), {"amount": "350"})

    message = rendered(waiting, "approved", "resident")

    assert waiting.reference in message.subject
    assert "€ 350.00 is granted" in message.body
    assert "Fatma Yilmaz" in message.body


def test_declined_message_gives_reason(client, editor, arranged, settings):
    client.post(action_url("decline", arranged), {"reason": "Het budget is op."})
    # Staff messages are written in the site's language.
    settings.LANGUAGE_CODE = "en"

    resident = rendered(arranged, "declined", "resident")
    support = rendered(arranged, "declined", "support")
    manager = rendered(arranged, "declined", "space_manager")

    assert "Het budget is op." in resident.body
    assert "we cannot arrange it" in resident.subject
    assert "do not need to help" in support.body
    assert "Wijkcentrum Kalsdonk" in manager.subject
    assert "free again" in manager.body


def test_booking_changed_messages(client, editor, arranged, kring):
    client.post(action_url("change_booking", arranged), booking_form(kring))

    resident = rendered(arranged, "booking_changed", "resident")
    managers = Notification.objects.filter(
        request=arranged, event="booking_changed", audience="space_manager"
    )

    assert "Buurthuis De Kring" in resident.body
    assert "This replaces your booking of Wijkcentrum Kalsdonk" in resident.body
    for notification in managers:
        body = render(notification).body
        assert "Buurthuis De Kring" in body
        assert "Wijkcentrum Kalsdonk" in body
        assert ": 8\n" in body


def test_decline_after_change_skips_old_manager(client, editor, arranged, kring):
    client.post(action_url("change_booking", arranged), booking_form(kring))
    client.post(action_url("decline", arranged), {"reason": "Past niet."})

    managers = Notification.objects.filter(
        request=arranged, event="declined", audience="space_manager"
    )

    assert [n.recipient for n in managers] == [KRING_MANAGER[1]]


def test_booking_cancelled_messages(client, editor, arranged):
    client.post(action_url("cancel_booking", arranged), {"reason": "Lekkage."})

    resident = rendered(arranged, "booking_cancelled", "resident")
    manager = rendered(arranged, "booking_cancelled", "space_manager")

    assert "Lekkage." in resident.body
    assert "Wijkcentrum Kalsdonk" in resident.body
    assert "Wijkcentrum Kalsdonk" in manager.subject


def test_support_reassigned_messages(client, roosendaal, editor, arranged):
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")
    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})

    resident = rendered(arranged, "support_reassigned", "resident")
    contact = rendered(arranged, "support_reassigned", "support")

    assert "Someone else helps you" in resident.body
    assert "Karim" in resident.body
    assert contact.recipient == "karim@example.org"
    assert "Fatma Yilmaz" in contact.body


@pytest.mark.parametrize("language", ["nl", "en"])
def test_messages_render_in_both_languages(
    client, roosendaal, editor, arranged, kring, language
):
    InitiativeRequest.objects.filter(pk=arranged.pk).update(language=language)
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")
    client.post(action_url("change_booking", arranged), booking_form(kring))
    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})
    client.post(action_url("cancel_booking", arranged), {"reason": "Dicht."})
    client.post(action_url("decline", arranged), {"reason": "Nee."})

    for notification in Notification.objects.filter(request=arranged):
        message = render(notification)

        assert message.subject
        assert arranged.reference in message.body


# Concurrency on PostgreSQL


def post_at_once(user, posts):
    """POST each (url, data) from its own thread and client at one moment.

    Returns the responses, or the exception a thread raised. Each thread has
    its own database connection, so the posts race as real requests do.
    """
    barrier = threading.Barrier(len(posts))
    results = [None] * len(posts)

    def run(index):
        try:
            browser = Client()
            browser.force_login(user)
            barrier.wait(timeout=60)
            url, data = posts[index]
            results[index] = browser.post(url, data)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_approval_reserves_once(roosendaal, editors):
    editor = speak_english(editors["roosendaal"])
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    url = action_url("approve", waiting)

    results = post_at_once(editor, [(url, {"amount": "400"})] * 4)

    assert [r.status_code for r in results] == [302] * 4
    assert len(entries(waiting, "reserve")) == 1
    assert account_of(roosendaal).reserved == Decimal("400.00")
    assert len(logged(waiting, "approved")) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_approvals_share_last_money(roosendaal, editors):
    editor = speak_english(editors["roosendaal"])
    waiting = [
        submit(roosendaal, needs=["budget"], budget_amount="400") for _ in range(4)
    ]
    ledger.set_amount(budget_of(roosendaal), Decimal("1000.00"))

    results = post_at_once(
        editor, [(action_url("approve", r), {"amount": "400"}) for r in waiting]
    )

    codes = sorted(r.status_code for r in results)
    assert codes == [200, 200, 302, 302]
    assert account_of(roosendaal).reserved == Decimal("800.00")
    assert sorted(reload(r).status for r in waiting) == [
        "granted",
        "granted",
        "in_review",
        "in_review",
    ]


# What the resident reads on her status page after a decision


def status_html(client, request_obj):
    client.logout()
    return client.get(status_url(request_obj, absolute=False)).content.decode()


def test_status_page_gives_decline_reason(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Het budget is op."})

    html = status_html(client, arranged)

    assert "Het budget is op." in html


def test_status_page_names_declined_part(client, editor, arranged):
    client.post(action_url("decline", arranged), {"reason": "Nee."})

    html = status_html(client, arranged)

    with translation.override(django_settings.LANGUAGE_CODE):
        assert translation.gettext("Money: declined") in html
        assert translation.gettext("Help: declined") in html


def test_status_page_gives_cancel_reason(client, editor, arranged):
    client.post(action_url("cancel_booking", arranged), {"reason": "Lekkage."})

    html = status_html(client, arranged)

    assert "Lekkage." in html
    with translation.override(django_settings.LANGUAGE_CODE):
        assert translation.gettext("Room: booking cancelled") in html


def test_status_api_gives_decline_reason(client, roosendaal, editor, wijkcentrum):
    result = submit_form(roosendaal)
    client.post(action_url("decline", result.request), {"reason": "Het budget is op."})
    client.logout()

    body = client.get(f"/api/kanskaart/v1/status/{result.token}/").json()

    messages = [need["message"] for need in body["outcome"]]
    assert all("Het budget is op." in message for message in messages)


def test_status_page_uses_form_words(client, arranged):
    html = status_html(client, arranged)

    with translation.override(django_settings.LANGUAGE_CODE):
        money = translation.gettext("Money")
    assert f"{money}: " in html
    assert "Budget: " not in html


# Paying a request with or without an IBAN


def with_iban(request_obj):
    InitiativeRequest.objects.filter(pk=request_obj.pk).update(
        iban="NL91ABNA0417164300", iban_holder="F. Yilmaz"
    )
    return reload(request_obj)


def test_paid_without_iban_names_no_account(client, editor, arranged):
    client.post(action_url("mark_paid", arranged), {})

    message = rendered(arranged, "paid", "resident")

    assert "bank account" not in message.body
    assert "The municipality paid € 150.00" in message.body


def test_paid_with_iban_names_the_account(client, editor, arranged):
    client.post(action_url("mark_paid", with_iban(arranged)), {})

    message = rendered(arranged, "paid", "resident")

    assert "to your bank account" in message.body


def test_paid_status_page_without_iban(client, editor, arranged):
    client.post(action_url("mark_paid", arranged), {})

    html = status_html(client, arranged)

    with translation.override("nl"):
        claim = translation.gettext("We paid %(amount)s to your bank account.")
        paid = translation.gettext("The municipality paid %(amount)s for your idea.")
    assert claim % {"amount": "€ 150,00"} not in html
    assert paid % {"amount": "€ 150,00"} in html


def test_mark_paid_warns_without_iban(client, editor, arranged):
    html = client.get(action_url("mark_paid", arranged)).content.decode()

    assert "The resident did not give an IBAN." in html


def test_mark_paid_no_warning_with_iban(client, editor, arranged):
    html = client.get(action_url("mark_paid", with_iban(arranged))).content.decode()

    assert "The resident did not give an IBAN." not in html


def test_approved_message_asks_for_iban(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")
    client.post(action_url("approve", waiting), {"amount": "350"})

    message = rendered(waiting, "approved", "resident")

    assert "fill in your bank account number (IBAN)" in message.body


def test_submitted_message_asks_for_iban(roosendaal):
    granted = submit(roosendaal, needs=["budget"])

    message = rendered(granted, "submitted", "resident")

    assert "fill in your bank account number (IBAN)" in message.body


# Messages to support contacts and editors


def test_reassigned_contact_hears_municipality(
    client, roosendaal, editor, arranged, settings
):
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")
    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})
    # Staff messages are written in the site's language.
    settings.LANGUAGE_CODE = "en"

    contact = rendered(arranged, "support_reassigned", "support")

    assert "The Kanskaart chose you" not in contact.body
    assert "The municipality asks you to help." in contact.body


def test_support_message_names_declined_part(
    client, roosendaal, editor, arranged, settings
):
    settings.LANGUAGE_CODE = "en"
    client.post(action_url("cancel_booking", arranged), {"reason": "Lekkage."})
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")
    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})

    contact = rendered(arranged, "support_reassigned", "support")

    assert "* Room: declined\n" in contact.body
    assert "* Declined" not in contact.body


def test_previous_contact_is_released(client, roosendaal, editor, arranged, settings):
    karim = make_contact(roosendaal, name="Karim", email="karim@example.org")
    client.post(action_url("reassign_support", arranged), {"contact": str(karim.pk)})
    # Staff messages are written in the site's language.
    settings.LANGUAGE_CODE = "en"

    released = rendered(arranged, "support_released", "support")

    assert released.recipient == FATIMA[1]
    assert "no longer need to help" in released.body
    assert "Fatma Yilmaz" not in released.body


def test_editors_message_has_one_label_per_need(roosendaal, wijkcentrum, settings):
    settings.LANGUAGE_CODE = "en"
    roosendaal.editors_email = "redactie@roosendaal.example.org"
    roosendaal.save_revision().publish()
    request_obj = submit(roosendaal)

    message = rendered(request_obj, "submitted", "editors")

    assert "* Money: arranged\n" in message.body
    assert " - " not in message.body
