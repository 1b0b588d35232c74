"""Input rules shared by the form and the API: amounts, phone numbers, text."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from wagtail_kanskaart.intake.fields import (
    AmountField,
    PhoneField,
    PlainTextField,
    clean_text,
    normalise_phone,
    parse_amount,
)

INVALID = "Enter an amount in euros, for example 150 or 12,50."
NEGATIVE = "The amount cannot be negative."
AMBIGUOUS = "Use a comma only before the cents, for example 1250 or 12,50."
TOO_HIGH = "This amount is too high."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("150", "150.00"),
        ("12,50", "12.50"),
        ("12,5", "12.50"),
        ("0,99", "0.99"),
        ("€ 1.250", "1250.00"),
        ("€1.250", "1250.00"),
        ("1.250,00", "1250.00"),
        ("1.250,5", "1250.50"),
        ("1.250.000", "1250000.00"),
        ("1 250,50", "1250.50"),
        ("1\u00a0250", "1250.00"),
        ("EUR 40", "40.00"),
        ("eur40", "40.00"),
        ("40 euro", "40.00"),
        ("40 €", "40.00"),
        ("150,-", "150.00"),
        ("€ 150,--", "150.00"),
        ("150.-", "150.00"),
        ("12.5", "12.50"),
        ("12.50", "12.50"),
        ("1.25", "1.25"),
        ("1,250.50", "1250.50"),
        ("  75  ", "75.00"),
        ("0", "0.00"),
        ("99999999,99", "99999999.99"),
        ("\u0661\u0665\u0660", "150.00"),
    ],
)
def test_amount_in_resident_notation_is_parsed(text, expected):
    amount = parse_amount(text)

    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", INVALID),
        ("0.500", INVALID),
        ("0.001", INVALID),
        ("", INVALID),
        ("   ", INVALID),
        ("€", INVALID),
        ("-5", NEGATIVE),
        ("- 5", NEGATIVE),
        ("\u22125", NEGATIVE),
        ("€ -5", NEGATIVE),
        ("1e5", INVALID),
        ("1E5", INVALID),
        ("12,345", AMBIGUOUS),
        ("1,250", AMBIGUOUS),
        ("1,250,000", AMBIGUOUS),
        ("1.2.3", INVALID),
        ("1.250.50", INVALID),
        ("1,250,50", INVALID),
        ("12,505", AMBIGUOUS),
        ("12.505,5,5", INVALID),
        ("12,3456", INVALID),
        ("12.3456", INVALID),
        ("1.25.0", INVALID),
        (",50", INVALID),
        ("12,", INVALID),
        ("NaN", INVALID),
        ("nan", INVALID),
        ("sNaN", INVALID),
        ("Infinity", INVALID),
        ("-Infinity", NEGATIVE),
        ("inf", INVALID),
        ("0x10", INVALID),
        ("1_000", INVALID),
        ("12 50 euro cent", INVALID),
        ("100000000", TOO_HIGH),
        ("9" * 40, TOO_HIGH),
        ("9" * 10_000, TOO_HIGH),
        ("1" + "0" * 5000 + ",50", TOO_HIGH),
        ("\x00", INVALID),
        ("1\n2", INVALID),
        ("١٢,٣٤٥", AMBIGUOUS),
    ],
)
def test_unreadable_amount_raises_validation_error(text, message):
    with pytest.raises(ValidationError) as raised:
        parse_amount(text)

    assert raised.value.messages == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), INVALID),
        (Decimal("sNaN"), INVALID),
        (Decimal("Infinity"), INVALID),
        (Decimal("-Infinity"), INVALID),
        (Decimal("-0.01"), NEGATIVE),
        (Decimal("12.345"), INVALID),
        (Decimal("1E+30"), TOO_HIGH),
        (-5, NEGATIVE),
        (10**40, TOO_HIGH),
        (True, INVALID),
        (None, INVALID),
        (float("nan"), INVALID),
        (float("inf"), INVALID),
        (1e5, "ok"),
    ],
)
def test_non_text_amount_is_checked_too(value, message):
    if message == "ok":
        assert parse_amount(value) == Decimal("100000.00")
        return

    with pytest.raises(ValidationError) as raised:
        parse_amount(value)

    assert raised.value.messages == [message]


def test_decimal_amount_keeps_its_value():
    assert parse_amount(Decimal("12.5")) == Decimal("12.50")
    assert parse_amount(12) == Decimal("12.00")


# The form field


class AmountForm(forms.Form):
    amount = AmountField(required=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,50", Decimal("12.50")),
        ("", None),
        ("   ", None),
        ("€ 1.250", Decimal("1250")),
    ],
)
def test_amount_field_cleans_to_decimal_or_none(text, expected):
    form = AmountForm({"amount": text})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", INVALID),
        ("9" * 31, INVALID),
        ("1" * 100_000, INVALID),
        ("12,345", AMBIGUOUS),
        ("-5", NEGATIVE),
    ],
)
def test_amount_field_shows_message(text, message):
    form = AmountForm({"amount": text})

    assert not form.is_valid()
    assert form.errors["amount"] == [message]


def test_required_amount_field_asks_for_value():
    class RequiredAmountForm(forms.Form):
        amount = AmountField()

    form = RequiredAmountForm({"amount": ""})

    assert not form.is_valid()
    assert form.errors["amount"] == ["This field is required."]


def test_amount_field_asks_for_decimal_keyboard():
    html = str(AmountForm()["amount"])

    assert 'inputmode="decimal"' in html


# Phone numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("0165 579 111", "+31165579111"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_phone_number_is_stored_in_e164(text, expected):
    assert normalise_phone(text) == expected


@pytest.mark.parametrize("text", ["12345", "06 1234", "abc", "+999 123", "0" * 30])
def test_unreal_phone_number_raises_validation_error(text):
    with pytest.raises(ValidationError) as raised:
        normalise_phone(text)

    assert raised.value.messages == ["Enter a phone number, for example 06 12345678."]


def test_phone_field_longer_than_limit_is_refused():
    class PhoneForm(forms.Form):
        phone = PhoneField(required=False)

    form = PhoneForm({"phone": "0" * 200})

    assert not form.is_valid()
    assert "phone" in form.errors


# Free text


def test_clean_text_drops_control_characters():
    assert clean_text(" Straat\x00feest\x07 \n") == "Straatfeest"
    assert clean_text("regel 1\nregel 2\tmet tab") == "regel 1\nregel 2\tmet tab"


def test_clean_text_drops_direction_overrides():
    assert clean_text("Feest \u202egnol\u202c") == "Feest gnol"
    assert clean_text("\u2067Buurt\u2069") == "Buurt"


def test_plain_text_field_checks_length_after_cleaning():
    class TitleForm(forms.Form):
        title = PlainTextField(single_line=True, min_length=3, max_length=10)

    form = TitleForm({"title": "\x01\x02\x03ab"})

    assert not form.is_valid()
    assert form.errors["title"] == [
        "Ensure this value has at least 3 characters (it has 2)."
    ]
