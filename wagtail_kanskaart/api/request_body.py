"""The JSON body of a new request: its shape, and its translation to ``RequestForm``.

The body is checked in two steps. First its JSON types, field by field, with
the serializers below, so one wrong field does not hide the others. Then the
values go, flattened, through ``intake.forms.RequestForm``, the same form
the hosted page uses, and its errors come back under JSON paths such as
``contact.email`` or ``needs.budget.amount``.
"""

from collections.abc import Mapping

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from ..intake import booking
from .exceptions import NON_FIELD_ERRORS, flatten_errors, join_path
from .fields import AmountField, TextField, TrueFalseField, WholeNumberField

DEFAULT_LANGUAGE = "nl"


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


class StrictObjectSerializer(serializers.Serializer):
    default_error_messages = {"invalid": gettext_lazy("Send a JSON object here.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(*args, **kwargs)


class BudgetNeedSerializer(StrictObjectSerializer):
    amount = AmountField(help_text="Euros, as a number or as Dutch text.")
    purpose = TextField(help_text="What the money is for.")


class SpaceNeedSerializer(StrictObjectSerializer):
    date = TextField(help_text="The day, as YYYY-MM-DD.")
    start = TextField(help_text="From, as HH:MM.")
    end = TextField(help_text="Until, as HH:MM.")
    people = WholeNumberField(help_text="How many people come.")
    space = WholeNumberField(
        help_text="Optional: the id of a space from the municipality's ``spaces``. "
        "Without it, the first suitable free space is booked."
    )


class SupportNeedSerializer(StrictObjectSerializer):
    kind = TextField(help_text="A ``value`` from the municipality's ``support_kinds``.")
    note = TextField(help_text="Optional note for the community worker.")


class NeedsSerializer(StrictObjectSerializer):
    """The needs asked for: an object per need; leave a need out, or null, for no."""

    budget = BudgetNeedSerializer()
    space = SpaceNeedSerializer()
    support = SupportNeedSerializer()


class ContactSerializer(StrictObjectSerializer):
    name = TextField()
    email = TextField(help_text="An e-mail address, a phone number, or both.")
    phone = TextField(help_text="A Dutch or international phone number.")


class RequestBodySerializer(StrictObjectSerializer):
    """A resident's request. Only ``municipality`` is needed to check the rest."""

    municipality = TextField(required=True, allow_null=False, help_text="Its slug.")
    neighbourhood = TextField(help_text="A neighbourhood ``slug`` of the municipality.")
    title = TextField()
    description = TextField()
    needs = NeedsSerializer()
    contact = ContactSerializer()
    consent = TrueFalseField(help_text="The resident agrees; must be true.")
    language = serializers.ChoiceField(
        choices=[("nl", "nl"), ("en", "en")],
        required=False,
        allow_null=True,
        help_text="The language of the outcome texts, messages and e-mails.",
    )
    website = TextField(
        help_text="The honeypot: leave it empty. A request with text here is "
        "rejected, because only bots fill it in."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = language_codes()
        self.fields["language"].choices = [(code, code) for code in codes]
        self.fields["language"].error_messages["invalid_choice"] = _(
            "Choose one of these languages: %(codes)s."
        ) % {"codes": ", ".join(codes)}


def check_types(serializer, data, path=""):
    """Return ``(values, errors)`` for ``data`` checked against ``serializer``'s fields.

    Unlike ``is_valid()``, the values of correct fields are kept when others
    are wrong. ``null`` counts as leaving a field out. An unknown field is an
    error, so a misspelt ``emial`` is reported instead of ignored.
    """
    if not isinstance(data, Mapping):
        return None, {path or NON_FIELD_ERRORS: [_("Send a JSON object here.")]}

    values, errors = {}, {}
    for name in data:
        if name not in serializer.fields:
            errors[join_path(path, name)] = [_("This field is unknown.")]
    for name, field in serializer.fields.items():
        field_path = join_path(path, name)
        value = data.get(name)
        if value is None:
            if name in data and not field.allow_null:
                errors[field_path] = [_("This field cannot be null.")]
            elif name not in data and field.required:
                errors[field_path] = [_("This field is required.")]
            continue
        if isinstance(field, serializers.Serializer):
            nested_values, nested_errors = check_types(field, value, field_path)
            errors.update(nested_errors)
            values[name] = nested_values
            continue
        try:
            values[name] = field.run_validation(value)
        except ValidationError as error:
            errors.update(flatten_errors(error.detail, field_path))
    return values, errors


# Form field name -> JSON path of the same field in the request body.
FORM_FIELD_PATHS = {
    "neighbourhood": "neighbourhood",
    "title": "title",
    "description": "description",
    "needs": "needs",
    "budget_amount": "needs.budget.amount",
    "budget_purpose": "needs.budget.purpose",
    "space_date": "needs.space.date",
    "space_start": "needs.space.start",
    "space_end": "needs.space.end",
    "space_people": "needs.space.people",
    "support_kind": "needs.support.kind",
    "support_note": "needs.support.note",
    "name": "contact.name",
    "email": "contact.email",
    "phone": "contact.phone",
    "consent": "consent",
    "__all__": NON_FIELD_ERRORS,
}

NEED_ORDER = ["budget", "space", "support"]


def form_data(body, values) -> dict:
    """Flatten the checked values into the field names of ``RequestForm``.

    A need counts as asked for when its key is in the body and not null,
    even when its object was malformed. Otherwise the form would also report
    that no need was chosen.
    """
    raw_needs = body.get("needs") if isinstance(body.get("needs"), Mapping) else {}
    needs = values.get("needs") or {}
    budget = needs.get("budget") or {}
    space = needs.get("space") or {}
    support = needs.get("support") or {}
    contact = values.get("contact") or {}
    flat = {
        "neighbourhood": values.get("neighbourhood"),
        "title": values.get("title"),
        "description": values.get("description"),
        "needs": [kind for kind in NEED_ORDER if raw_needs.get(kind) is not None],
        "budget_amount": budget.get("amount"),
        "budget_purpose": budget.get("purpose"),
        "space_date": space.get("date"),
        "space_start": space.get("start"),
        "space_end": space.get("end"),
        "space_people": space.get("people"),
        "support_kind": support.get("kind"),
        "support_note": support.get("note"),
        "name": contact.get("name"),
        "email": contact.get("email"),
        "phone": contact.get("phone"),
    }
    flat = {name: value for name, value in flat.items() if value is not None}
    if values.get("consent"):
        flat["consent"] = True
    return flat


def form_errors(form) -> dict[str, list[str]]:
    """Return the form's errors under JSON paths, as text in the active language."""
    errors = {}
    for name, messages in form.errors.items():
        path = FORM_FIELD_PATHS.get(name, name)
        errors.setdefault(path, []).extend(str(message) for message in messages)
    return errors


def merge_errors(type_errors, rule_errors):
    """Combine both steps' errors; a path with a type error keeps only that.

    Rule errors under a path whose type was wrong are dropped too: after
    "Send a JSON object here." on ``needs.budget``, "Fill in how much money
    you need." on ``needs.budget.amount`` adds nothing.
    """
    merged = {path: list(messages) for path, messages in type_errors.items()}
    for path, messages in rule_errors.items():
        if any(path == bad or path.startswith(bad + ".") for bad in type_errors):
            continue
        merged.setdefault(path, []).extend(messages)
    return merged


def chosen_space(municipality, neighbourhood, space_id):
    """Return the space with this id if it is offered to the neighbourhood, else None.

    It uses the booking service's list of candidate spaces, so the API offers
    exactly the spaces the service would try by itself.
    """
    for space in booking.candidate_spaces(municipality, neighbourhood):
        if space.pk == space_id:
            return space
    return None


def request_language(body) -> str | None:
    """Return the body's ``language`` when it is a known code, else None."""
    if isinstance(body, Mapping):
        language = body.get("language")
        if isinstance(language, str) and language in language_codes():
            return language
    return None
