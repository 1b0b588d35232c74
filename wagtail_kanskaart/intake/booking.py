"""Book a room: a free period of a suitable space, or a reason why not."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Q

from ..conf import kanskaart_settings
from ..models import Space, SpaceBooking

# Reason codes for a space need that waits for an editor.
BOOKED = "booked"
NO_SPACE = "no_space"
CLOSED = "closed"
TOO_SMALL = "too_small"
FULLY_BOOKED = "fully_booked"


@dataclass(frozen=True)
class BookingResult:
    booking: SpaceBooking | None
    reason: str


def period_of(day: datetime.date, start: datetime.time, end: datetime.time):
    """Return aware start and end datetimes in the booking time zone."""
    zone = zoneinfo.ZoneInfo(kanskaart_settings.TIME_ZONE)
    return (
        datetime.datetime.combine(day, start, tzinfo=zone),
        datetime.datetime.combine(day, end, tzinfo=zone),
    )


def last_bookable_day(today: datetime.date) -> datetime.date:
    """Return the last day a room can be booked, counted from ``today``.

    Residents and editors share this limit: ``SPACE_BOOKING_DAYS_AHEAD``.
    """
    return today + datetime.timedelta(days=kanskaart_settings.SPACE_BOOKING_DAYS_AHEAD)


def candidate_spaces(municipality, neighbourhood):
    """Spaces offered to this neighbourhood, those named for it first."""
    spaces = (
        Space.objects.filter(municipality=municipality, active=True)
        .filter(Q(neighbourhoods=neighbourhood) | Q(neighbourhoods__isnull=True))
        .prefetch_related("opening_hours", "neighbourhoods")
        .distinct()
        .order_by("name", "pk")
    )
    return sorted(spaces, key=lambda space: not space.neighbourhoods.all())


def is_open(space, day, start, end) -> bool:
    # TODO: a booking across midnight is refused, because opening hours are
    # per day; such a request goes to an editor.
    return any(
        hours.weekday == day.weekday() and hours.opens <= start and end <= hours.closes
        for hours in space.opening_hours.all()
    )


def overlaps(space, starts_at, ends_at) -> bool:
    return SpaceBooking.objects.filter(
        space=space,
        status=SpaceBooking.Status.BOOKED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).exists()


def book(request, municipality, neighbourhood, day, start, end, people, space=None):
    """Book the first suitable space that is free. Call inside a transaction.

    Each candidate space row is locked before its bookings are read, so two
    requests for the same room and time cannot both get it. With ``space``
    given, only that space is tried.
    """
    spaces = (
        [space] if space is not None else candidate_spaces(municipality, neighbourhood)
    )
    if not spaces:
        return BookingResult(None, NO_SPACE)

    starts_at, ends_at = period_of(day, start, end)
    open_spaces = [s for s in spaces if is_open(s, day, start, end)]
    if not open_spaces:
        return BookingResult(None, CLOSED)
    large_enough = [s for s in open_spaces if s.capacity >= people]
    if not large_enough:
        return BookingResult(None, TOO_SMALL)

    for candidate in large_enough:
        Space.objects.select_for_update().filter(pk=candidate.pk).first()
        if not overlaps(candidate, starts_at, ends_at):
            booking = SpaceBooking.objects.create(
                space=candidate,
                request=request,
                starts_at=starts_at,
                ends_at=ends_at,
                people=people,
            )
            return BookingResult(booking, BOOKED)
    return BookingResult(None, FULLY_BOOKED)


def active_bookings(request) -> list:
    """Return the request's bookings that are not cancelled, with their spaces."""
    return list(
        SpaceBooking.objects.filter(
            request=request, status=SpaceBooking.Status.BOOKED
        ).select_related("space")
    )


def cancel_bookings(request) -> int:
    """Cancel every active booking of a request; return how many."""
    return SpaceBooking.objects.filter(
        request=request, status=SpaceBooking.Status.BOOKED
    ).update(status=SpaceBooking.Status.CANCELLED)
