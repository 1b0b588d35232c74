"""Dates typed into the period filters of the request list and the reports.

Both screens parse and check their dates here, so they accept the same
input and explain a mistake with the same message. Only years from
``FIRST_YEAR`` to ``LAST_YEAR`` are accepted: a day such as 1-1-0001 or
31-12-9999 cannot become a moment in the Amsterdam time zone, or has no
next day, and nothing in the package happens outside these years.
"""

import datetime

from django import forms
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

FIRST_YEAR = 2000
LAST_YEAR = 2100


def parse_day(text: str) -> datetime.date | None:
    """Parse "2026-03-14" or the Dutch "14-3-2026"; return None when invalid."""
    text = text.strip()
    try:
        day = parse_date(text)
    except ValueError:
        return None
    if day is not None:
        return day
    try:
        return datetime.datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        return None


def not_a_date_message(text: str) -> str:
    return _("%(value)s is not a date. Use a date such as 14-3-2026.") % {"value": text}


def day_error(day: datetime.date, text: str) -> str | None:
    """Return why ``day`` (typed as ``text``) cannot be used, or None."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return _(
        "%(value)s is not a valid date here. Choose a date from %(first)s to %(last)s."
    ) % {"value": text, "first": FIRST_YEAR, "last": LAST_YEAR}


def range_error(first_day, last_day) -> str | None:
    """Return why the period from ``first_day`` to ``last_day`` is empty, or None."""
    if first_day and last_day and last_day < first_day:
        return _("The end date is before the start date.")
    return None


def clean_day(text: str) -> tuple[datetime.date | None, str | None]:
    """Return the day typed as ``text`` and None, or None and the error message."""
    day = parse_day(text)
    if day is None:
        return None, not_a_date_message(text)
    error = day_error(day, text)
    if error is not None:
        return None, error
    return day, None


class DayField(forms.DateField):
    """A date form field that accepts what the request list's period filter accepts."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            value = value.isoformat()
        day, error = clean_day(str(value))
        if error is not None:
            raise forms.ValidationError(error, code="invalid")
        return day


class DateRangeFormMixin:
    """Reject a period whose ``last_name`` day lies before its ``first_name`` day.

    The error is not tied to a field, so both days stay in ``cleaned_data``
    and a filter that still applies them finds nothing, as the request list
    does.
    """

    first_name = "first_day"
    last_name = "last_day"

    def clean(self):
        cleaned_data = super().clean()
        error = range_error(
            cleaned_data.get(self.first_name), cleaned_data.get(self.last_name)
        )
        if error is not None:
            self.add_error(None, error)
        return cleaned_data
