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

# Digits with optional thousands separators and optional decimals, in Dutch
# ("1.250,50") or international ("1,250.50") notation, or plain ("1250.5").
_AMOUNT_RE = re.compile(
    r"^(?P<int>\d{1,3}(?:(?P<sep>[.,\s])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:(?P<dec>[.,])(?P<frac>\d{1,2}))?$"
)


def parse_amount(value) -> Decimal:
    """Parse a euro amount as residents type it into a ``Decimal`` with 2 places.

    Accepts "150", "12,50", "€ 1.250", "1.250,00", "EUR 40" and "12.5".
    Raises ``ValidationError`` for anything else, including negative amounts
    and more than two decimals.
    """
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        text = str(value).strip()
        text = re.sub(r"^(€|eur(o)?)\s*", "", text, flags=re.IGNORECASE)
        text = re.sub(r"\s*(€|eur(o)?)$", "", text, flags=re.IGNORECASE)
        text = re.sub(r",-+$|\.-+$", "", text)
        text = text.replace("\u00a0", " ").strip()
        amount = _parse_amount_text(text)

    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError(_("Enter an amount in euros, for example 150 or 12,50."), code="invalid")
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _parse_amount_text(text: str) -> Decimal:
    invalid = ValidationError(
        _("Enter an amount in euros, for example 150 or 12,50."), code="invalid"
    )
    match = _AMOUNT_RE.match(text)
    if not match:
        raise invalid
    integer_part, separator, decimal_mark = match["int"], match["sep"], match["dec"]
    # "1.250,50" is fine, "1.250.50" is not: a mark cannot be both.
    if separator and decimal_mark and separator == decimal_mark:
        raise invalid
    digits = re.sub(r"[.,\s]", "", integer_part)
    fraction = match["frac"] or "0"
    try:
        return Decimal(f"{digits}.{fraction}")
    except InvalidOperation as error:
        raise invalid from error


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
            raise ValidationError(
                _("Enter an amount in euros, for example 150 or 12,50."), code="invalid"
            )
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
        attrs.update({"inputmode": "tel", "autocomplete": "tel", "type": "tel"})
        return attrs


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Strip control characters and surrounding white space from free text."""
    return _CONTROL_CHARS.sub("", value or "").strip()
