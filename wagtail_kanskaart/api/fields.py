"""Serializer fields that accept exactly one JSON type.

DRF's fields coerce: a ``CharField`` takes the number 12, a ``BooleanField``
takes "yes". The request body is checked strictly for its JSON types here,
and every rule about the values themselves (lengths, dates, amounts) is left
to ``intake.forms.RequestForm``, so the hosted form and the API give the
same messages.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class TextField(serializers.CharField):
    """A JSON string, passed on as sent: the form strips and checks it."""

    default_error_messages = {"invalid": _("Enter text here.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class WholeNumberField(serializers.IntegerField):
    """A JSON integer; ``true``, ``20.5`` and ``"20"`` are rejected."""

    default_error_messages = {
        "invalid": _("Enter a whole number here, for example 12.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return data


class TrueFalseField(serializers.BooleanField):
    """A JSON ``true`` or ``false``; "yes", 1 and "on" are rejected."""

    default_error_messages = {"invalid": _("Enter true or false here.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "description": "Euros: a number (150, 12.5) or Dutch notation in a string "
        '("12,50", "€ 1.250").',
        "example": "12,50",
    }
)
class AmountField(serializers.Field):
    """A euro amount as a JSON number or as text; the form parses it."""

    default_error_messages = {
        "invalid": _("Enter an amount, for example 150 or 12,50.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, float):
            # A JSON number is not Dutch notation: 0.001 must not reach the
            # text parser, which reads "0.001" as 1 with a thousands point.
            # repr gives the shortest text that reads back as the same float,
            # so 12.5 becomes Decimal("12.5"), not 12.500000000000000001.
            return Decimal(repr(data))
        return data

    def to_representation(self, value):
        return value
