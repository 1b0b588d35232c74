"""Rooms: a free, open and large enough space is booked, or an editor looks."""

import datetime
import zoneinfo

import pytest
from django.test import override_settings

from tests.factories import (
    form_errors,
    make_municipality,
    make_neighbourhood,
    make_space,
    next_weekday,
    submit_form,
)
from wagtail_kanskaart.intake import booking
from wagtail_kanskaart.models import SpaceBooking

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TUESDAY = next_weekday(1)


@pytest.fixture
def municipality():
    return make_municipality()


@pytest.fixture
def kalsdonk(municipality):
    return make_neighbourhood(municipality)


def ask_room(
    municipality, day=TUESDAY, start="10:00", end="12:00", people="20", **extra
):
    result = submit_form(
        municipality,
        needs=["space"],
        space_date=day.isoformat(),
        space_start=start,
        space_end=end,
        space_people=people,
        **extra,
    )
    return result, next(n for n in result.outcome.needs if n.kind == "space")


def booked_space(result):
    return SpaceBooking.objects.get(request=result.request, status="booked").space


# Opening hours


def test_room_is_closed_on_weekend(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], weekdays=range(5))

    result, need = ask_room(municipality, day=next_weekday(5))

    assert need.status == "in_review"
    assert need.reason == booking.CLOSED
    assert need.title == "Room: we look for one"
    assert need.message == (
        "The rooms in your neighbourhood are closed at that time. We look for "
        "another time or place and contact you within 5 working days."
    )
    assert not SpaceBooking.objects.exists()
    assert result.request.status == "in_review"


def test_room_is_closed_before_opening(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], opens=datetime.time(9))

    _result, need = ask_room(municipality, start="08:30", end="10:00")

    assert need.reason == booking.CLOSED


def test_room_is_closed_after_closing(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], closes=datetime.time(21))

    _result, need = ask_room(municipality, start="20:00", end="21:30")

    assert need.reason == booking.CLOSED


def test_room_is_booked_from_opening_to_closing(municipality, kalsdonk):
    space = make_space(
        municipality, [kalsdonk], opens=datetime.time(9), closes=datetime.time(21)
    )

    result, need = ask_room(municipality, start="09:00", end="21:00")

    assert need.status == "arranged"
    assert booked_space(result) == space


def test_second_opening_period_is_bookable(municipality, kalsdonk):
    space = make_space(
        municipality, [kalsdonk], opens=datetime.time(9), closes=datetime.time(12)
    )
    make_space_hours = space.opening_hours.model.objects.create
    make_space_hours(
        space=space,
        weekday=TUESDAY.weekday(),
        opens=datetime.time(18),
        closes=datetime.time(22),
    )

    result, need = ask_room(municipality, start="19:00", end="21:30")

    assert need.status == "arranged"
    assert booked_space(result) == space


def test_closed_room_gives_way_to_open_room(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], name="A", weekdays=[0])
    open_room = make_space(municipality, [kalsdonk], name="B", weekdays=range(5))

    result, need = ask_room(municipality)

    assert need.status == "arranged"
    assert booked_space(result) == open_room


# Capacity


def test_room_too_small_goes_to_review(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], capacity=20)

    _result, need = ask_room(municipality, people="21")

    assert need.status == "in_review"
    assert need.reason == booking.TOO_SMALL
    assert need.message == (
        "The rooms in your neighbourhood are too small for that many people. We "
        "look for another place and contact you within 5 working days."
    )


def test_room_of_exact_capacity_is_booked(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], capacity=20)

    _result, need = ask_room(municipality, people="20")

    assert need.status == "arranged"


def test_small_room_gives_way_to_larger(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], name="A", capacity=10)
    large = make_space(municipality, [kalsdonk], name="B", capacity=60)

    result, _need = ask_room(municipality, people="45")

    assert booked_space(result) == large


# Overlap


def test_second_request_for_slot_gets_other_room(municipality, kalsdonk):
    first_room = make_space(municipality, [kalsdonk], name="A")
    second_room = make_space(municipality, [kalsdonk], name="B")

    first, _ = ask_room(municipality, start="10:00", end="12:00")
    second, need = ask_room(municipality, start="11:00", end="13:00")

    assert booked_space(first) == first_room
    assert need.status == "arranged"
    assert booked_space(second) == second_room


def test_second_request_for_only_room_goes_to_review(municipality, kalsdonk):
    make_space(municipality, [kalsdonk])

    ask_room(municipality, start="10:00", end="12:00")
    second, need = ask_room(municipality, start="09:30", end="10:30")

    assert need.status == "in_review"
    assert need.reason == booking.FULLY_BOOKED
    assert need.message == (
        "The rooms in your neighbourhood are already booked at that time. We look "
        "for another time or place and contact you within 5 working days."
    )
    assert SpaceBooking.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [("10:00", "12:00"), ("09:00", "13:00"), ("10:30", "11:30"), ("11:59", "14:00")],
)
def test_overlapping_periods_are_refused(municipality, kalsdonk, start, end):
    make_space(municipality, [kalsdonk])
    ask_room(municipality, start="10:00", end="12:00", email="eerste@example.org")

    _result, need = ask_room(municipality, start=start, end=end)

    assert need.reason == booking.FULLY_BOOKED


def test_touching_periods_are_both_booked(municipality, kalsdonk):
    space = make_space(municipality, [kalsdonk])

    first, first_need = ask_room(municipality, start="10:00", end="12:00")
    second, second_need = ask_room(municipality, start="12:00", end="14:00")
    third, third_need = ask_room(municipality, start="08:00", end="10:00", people="5")

    assert first_need.status == "arranged"
    assert second_need.status == "arranged"
    assert third_need.reason == booking.CLOSED
    assert booked_space(first) == space
    assert booked_space(second) == space


def test_same_slot_on_other_day_is_free(municipality, kalsdonk):
    make_space(municipality, [kalsdonk])
    ask_room(municipality, day=TUESDAY)

    _result, need = ask_room(municipality, day=TUESDAY + datetime.timedelta(days=1))

    assert need.status == "arranged"


# Which rooms count


def test_room_of_neighbourhood_goes_before_shared_room(municipality, kalsdonk):
    make_space(municipality, [], name="A gedeeld")
    own = make_space(municipality, [kalsdonk], name="Z eigen")

    result, _need = ask_room(municipality)

    assert booked_space(result) == own


def test_shared_room_used_when_own_is_taken(municipality, kalsdonk):
    make_space(municipality, [kalsdonk], name="Eigen")
    shared = make_space(municipality, [], name="Gedeeld")
    ask_room(municipality, email="eerste@example.org")

    result, need = ask_room(municipality)

    assert need.status == "arranged"
    assert booked_space(result) == shared


def test_rooms_of_other_places_are_not_offered(municipality, kalsdonk):
    westrand = make_neighbourhood(municipality, name="Westrand", slug="westrand")
    make_space(municipality, [westrand])
    make_space(municipality, [kalsdonk], active=False)
    elsewhere = make_municipality(slug="etten-leur", title="Etten-Leur")
    make_space(elsewhere, [])

    _result, need = ask_room(municipality)

    assert need.status == "in_review"
    assert need.reason == booking.NO_SPACE
    assert need.message == (
        "There is no room to book in your neighbourhood yet. We look for a place "
        "and contact you within 5 working days."
    )


def test_booking_is_stored_in_amsterdam_time(municipality, kalsdonk):
    make_space(municipality, [kalsdonk])
    result, need = ask_room(municipality, day=TUESDAY, start="10:00", end="12:00")

    stored = SpaceBooking.objects.get(request=result.request)
    assert stored.starts_at == datetime.datetime.combine(
        TUESDAY, datetime.time(10), tzinfo=AMSTERDAM
    )
    assert (
        datetime.datetime.fromisoformat(need.details["starts_at"]) == stored.starts_at
    )


# Form checks


@pytest.fixture
def fixed_clock(monkeypatch):
    """Freeze the form's clock at Wednesday 10 March 2027, 14:30 in Amsterdam."""
    moment = datetime.datetime(2027, 3, 10, 14, 30, tzinfo=AMSTERDAM)
    monkeypatch.setattr("wagtail_kanskaart.intake.forms.timezone.now", lambda: moment)
    return moment


def space_errors(municipality, day, start="10:00", end="12:00", **extra):
    errors = form_errors(
        municipality,
        needs=["space"],
        space_date=day.isoformat(),
        space_start=start,
        space_end=end,
        **extra,
    )
    return {name: errors[name] for name in errors if name.startswith("space")}


def test_day_in_past_is_form_error(municipality, kalsdonk, fixed_clock):
    errors = space_errors(municipality, datetime.date(2027, 3, 9))

    assert errors == {"space_date": ["Choose a day that is not in the past."]}


def test_time_earlier_today_is_form_error(municipality, kalsdonk, fixed_clock):
    errors = space_errors(municipality, datetime.date(2027, 3, 10), "14:00", "16:00")

    assert errors == {"space_start": ["Choose a time that is not in the past."]}


def test_time_later_today_is_accepted(municipality, kalsdonk, fixed_clock):
    errors = space_errors(municipality, datetime.date(2027, 3, 10), "15:00", "16:00")

    assert errors == {}


def test_last_bookable_day_is_accepted(municipality, kalsdonk, fixed_clock):
    last_day = datetime.date(2027, 3, 10) + datetime.timedelta(days=120)

    assert space_errors(municipality, last_day) == {}


def test_day_too_far_ahead_is_form_error(municipality, kalsdonk, fixed_clock):
    day = datetime.date(2027, 3, 10) + datetime.timedelta(days=121)

    errors = space_errors(municipality, day)

    assert errors == {"space_date": ["Choose a day within 120 days from now."]}


@override_settings(KANSKAART_SPACE_BOOKING_DAYS_AHEAD=14)
def test_days_ahead_come_from_setting(municipality, kalsdonk, fixed_clock):
    day = datetime.date(2027, 3, 25)

    errors = space_errors(municipality, day)

    assert errors == {"space_date": ["Choose a day within 14 days from now."]}


@pytest.mark.parametrize(("start", "end"), [("12:00", "10:00"), ("10:00", "10:00")])
def test_end_not_after_start_is_form_error(municipality, kalsdonk, start, end):
    errors = space_errors(municipality, TUESDAY, start, end)

    assert errors == {"space_end": ["The end time must be later than the start time."]}


def test_missing_room_answers_are_form_errors(municipality, kalsdonk):
    errors = form_errors(
        municipality,
        needs=["space"],
        space_date="",
        space_start="",
        space_end="",
        space_people="",
    )

    assert errors["space_date"] == ["Choose the day you need the room."]
    assert errors["space_start"] == ["Fill in the time you need the room from."]
    assert errors["space_end"] == ["Fill in the time you need the room until."]
    assert errors["space_people"] == ["Fill in how many people come."]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("space_date", "14 maart", "Enter a date, for example 2027-03-14."),
        ("space_start", "10 uur", "Enter a time, for example 10:00."),
        ("space_people", "0", "Enter at least 1 person."),
        ("space_people", "1001", "Enter at most 1000 people."),
        ("space_people", "veel", "Enter a number of people, for example 12."),
    ],
)
def test_unreadable_room_answers_are_form_errors(
    municipality, kalsdonk, field, value, message
):
    errors = form_errors(municipality, needs=["space"], **{field: value})

    assert errors[field] == [message]


def test_dutch_date_and_time_notation_is_accepted(municipality, kalsdonk):
    day = TUESDAY.strftime("%d-%m-%Y")

    errors = form_errors(
        municipality, needs=["space"], space_date=day, space_start="10.00"
    )

    assert errors == {}
