"""Input rules for money, phone numbers and names.

The hosted form and the API use these same fields, so a rule and its
message exist once.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")

# Amounts from this value up are refused: no budget is this large, and the
# request model stores at most 8 digits before the decimal mark.
AMOUNT_CEILING = Decimal("100000000")

# Digits, optionally grouped by thousands with one kind of separator (dot,
# comma or space), then an optional decimal mark with one or two digits.
# ``\d`` also matches other scripts' decimal digits, which ``Decimal`` reads.
_AMOUNT_RE = re.compile(
    r"^(?P<int>\d{1,3}(?:(?P<sep>[., ])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:(?P<mark>[.,])(?P<frac>\d{1,2}))?$"
)
_CURRENCY_PREFIX_RE = re.compile(r"^(?:€|eur(?:o)?)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX_RE = re.compile(r"\s*(?:€|eur(?:o)?)$", re.IGNORECASE)
# "150,-" is the Dutch way to write whole euros.
_NO_CENTS_RE = re.compile(r"[.,]-+$")
_MINUS_SIGNS = ("-", "\u2212")


def _invalid_amount():
    return ValidationError(
        _("Enter an amount in euros, for example 150 or 12,50."), code="invalid"
    )


def parse_amount(value) -> Decimal:
    """Parse a euro amount as residents type it into a ``Decimal`` with 2 places.

    Accepts "150", "12,50", "€ 1.250", "1.250,00", "EUR 40", "150,-", "12.5"
    and "1,250.50". The rules for the marks:

    - A comma followed by one or two digits marks the cents ("12,50").
    - A dot followed by one or two digits marks the cents too ("12.5"), and
      a dot followed by three digits groups thousands ("1.250" is 1250).
    - A comma groups thousands only when a dot marks the cents after it
      ("1,250.50"). On its own, "1,250" could be 1.25 or 1250, so it is
      rejected with a message that asks for the amount without that comma.
    - A group of thousands never follows a leading 0, so "0.500" and
      "0.001" (three decimals) are rejected.

    Raises ``ValidationError`` for anything else, including negative
    amounts, more than two decimals and amounts of 100 million or more.
    """
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        amount = _parse_amount_text(str(value))

    if not amount.is_finite():
        raise _invalid_amount()
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if amount >= AMOUNT_CEILING:
        raise ValidationError(_("This amount is too high."), code="too_high")
    if amount.as_tuple().exponent < -2:
        raise _invalid_amount()
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _parse_amount_text(text: str) -> Decimal:
    text = text.replace("\u00a0", " ").strip()
    text = _CURRENCY_PREFIX_RE.sub("", text)
    text = _CURRENCY_SUFFIX_RE.sub("", text)
    text = _NO_CENTS_RE.sub("", text).strip()
    if text.startswith(_MINUS_SIGNS):
        raise ValidationError(_("The amount cannot be negative."), code="negative")

    match = _AMOUNT_RE.match(text)
    if not match:
        raise _invalid_amount()
    separator, mark = match["sep"], match["mark"]
    # "1.250.50": one mark cannot both group thousands and mark the cents.
    if separator and separator == mark:
        raise _invalid_amount()
    # "0.500" and "0.001" are no thousands: they read as three decimals.
    if separator and match["int"].startswith("0"):
        raise _invalid_amount()
    if separator == "," and mark is None:
        raise ValidationError(
            _("Use a comma only before the cents, for example 1250 or 12,50."),
            code="ambiguous",
        )
    digits = re.sub(r"[., ]", "", match["int"])
    try:
        return Decimal(f"{digits}.{match['frac'] or '0'}")
    except InvalidOperation as error:
        raise _invalid_amount() from error


class AmountField(forms.Field):
    """A form field for euro amounts in Dutch notation."""

    widget = forms.TextInput
    max_input_length = 30

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if len(str(value)) > self.max_input_length:
            raise _invalid_amount()
        return parse_amount(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs


def normalise_phone(value: str) -> str:
    """Return a Dutch or international phone number in E.164 form.

    Raises ``ValidationError`` when the number cannot be a real number.
    """
    invalid = ValidationError(
        _("Enter a phone number, for example 06 12345678."), code="invalid"
    )
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException as error:
        raise invalid from error
    if not phonenumbers.is_valid_number(number):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneField(forms.CharField):
    widget = forms.TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return normalise_phone(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        return attrs


# C0 controls, and the bidirectional embedding and override marks that can
# make a title read backwards on public pages.
_CONTROL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(value: str) -> str:
    """Strip control characters and surrounding white space from free text."""
    return _CONTROL_CHARS.sub("", value or "").strip()


class PlainTextField(forms.CharField):
    """A text field that drops control characters before its checks.

    The length limits and ``required`` apply to the cleaned text, so a value
    of only control characters counts as empty. With ``single_line`` every
    run of white space, line breaks included, becomes one space.
    """

    def __init__(self, *, single_line=False, **kwargs):
        self.single_line = single_line
        super().__init__(**kwargs)

    def to_python(self, value):
        value = clean_text(super().to_python(value))
        if self.single_line:
            value = " ".join(value.split())
        return value
