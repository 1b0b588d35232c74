"""The request form: every rule about what a resident may send.

The hosted form page renders it; the API feeds its JSON into it, so both
give the same messages for the same mistakes.
"""

import re
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ..conf import kanskaart_settings
from ..models.requests import NeedKind
from .booking import last_bookable_day
from .fields import AmountField, PhoneField, PlainTextField
from .policy import limits_for

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")

NEED_CHOICES = [
    (NeedKind.SUPPORT.value, _("Support: someone who helps you")),
    (NeedKind.SPACE.value, _("A space: a room for your activity")),
    (NeedKind.BUDGET.value, _("A small budget: money for your idea")),
]


def euro(amount) -> str:
    return "€ " + number_format(
        amount, decimal_pos=2, use_l10n=True, force_grouping=True
    )


class RequestForm(forms.Form):
    """Validate one request for one municipality.

    ``cleaned_data`` holds a ``Neighbourhood`` instance, ``Decimal`` money,
    ``date`` and ``time`` objects, and an E.164 phone number.
    """

    neighbourhood = forms.ChoiceField(
        label=_("Your neighbourhood"),
        error_messages={
            "required": _("Choose your neighbourhood."),
            "invalid_choice": _("Choose a neighbourhood from the list."),
        },
    )
    title = PlainTextField(
        single_line=True,
        label=_("What is your idea called?"),
        help_text=_("A short name, for example: Street party Kalsdonk."),
        min_length=3,
        max_length=120,
        error_messages={
            "required": _("Give your idea a name."),
            "min_length": _("Give your idea a name of at least 3 letters."),
            "max_length": _("Give your idea a shorter name (at most 120 letters)."),
        },
    )
    description = PlainTextField(
        label=_("What do you want to do?"),
        help_text=_(
            "Tell it in a few sentences. Who joins? What happens? The name and "
            "this text of your idea can appear on the website, so do not write "
            "your address or phone number here."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=2000,
        error_messages={
            "required": _("Tell us what you want to do."),
            "min_length": _("Tell a bit more about your idea (at least 10 letters)."),
            "max_length": _("Make your text shorter (at most 2000 letters)."),
        },
    )
    needs = forms.MultipleChoiceField(
        label=_("What do you need?"),
        help_text=_("Choose one or more."),
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose what you need: support, a space or a budget."),
            "invalid_choice": _("Choose support, a space or a budget."),
        },
    )
    budget_amount = AmountField(
        label=_("How much money do you need?"),
        help_text=_("In euros, for example 150 or 12,50."),
        required=False,
    )
    budget_purpose = PlainTextField(
        label=_("What will you spend the money on?"),
        help_text=_("For example: drinks, paint, a tent."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        error_messages={
            "max_length": _("Make your text shorter (at most 1000 letters).")
        },
    )
    space_date = forms.DateField(
        label=_("On which day?"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
        error_messages={"invalid": _("Enter a date, for example 2027-03-14.")},
    )
    space_start = forms.TimeField(
        label=_("From"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        required=False,
        error_messages={"invalid": _("Enter a time, for example 10:00.")},
    )
    space_end = forms.TimeField(
        label=_("Until"),
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        required=False,
        error_messages={"invalid": _("Enter a time, for example 12:00.")},
    )
    space_people = forms.IntegerField(
        label=_("How many people come?"),
        min_value=1,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter a number of people, for example 12."),
            "min_value": _("Enter at least 1 person."),
            "max_value": _("Enter at most 1000 people."),
        },
    )
    support_kind = forms.ChoiceField(
        label=_("What kind of help do you want?"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a kind of help from the list.")},
    )
    support_note = PlainTextField(
        label=_("Anything the community worker should know? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        error_messages={
            "max_length": _("Make your text shorter (at most 1000 letters).")
        },
    )
    name = PlainTextField(
        single_line=True,
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Fill in your name."),
            "max_length": _("Fill in a shorter name (at most 100 letters)."),
        },
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Enter an e-mail address, for example naam@voorbeeld.nl.")
        },
    )
    phone = PhoneField(label=_("Your phone number"), required=False)
    consent = forms.BooleanField(
        label=_("I agree that the municipality uses my details to arrange my request."),
        error_messages={"required": _("Tick the box to agree, or we cannot help you.")},
    )

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.neighbourhoods = {n.slug: n for n in municipality.neighbourhoods.all()}
        self.fields["neighbourhood"].choices = [
            ("", _("Choose your neighbourhood"))
        ] + [(slug, n.name) for slug, n in self.neighbourhoods.items()]
        self.fields["support_kind"].choices = list(kanskaart_settings.SUPPORT_KINDS)

    def clean_neighbourhood(self):
        return self.neighbourhoods[self.cleaned_data["neighbourhood"]]

    def clean(self):
        data = super().clean()
        needs = data.get("needs") or []
        if NeedKind.BUDGET in needs:
            self._clean_budget(data)
        if NeedKind.SPACE in needs:
            self._clean_space(data)
        if (
            NeedKind.SUPPORT in needs
            and not data.get("support_kind")
            and "support_kind" not in self.errors
        ):
            self.add_error("support_kind", _("Choose what kind of help you want."))
        if (
            not data.get("email")
            and not data.get("phone")
            and not self._has_error_on("email", "phone")
        ):
            self.add_error(
                "email",
                _(
                    "Fill in your e-mail address or your phone number, "
                    "so we can reach you."
                ),
            )
        return data

    def _has_error_on(self, *names):
        return any(name in self.errors for name in names)

    def _clean_budget(self, data):
        amount = data.get("budget_amount")
        if amount is None and "budget_amount" not in self.errors:
            self.add_error("budget_amount", _("Fill in how much money you need."))
        elif amount is not None:
            limits = limits_for(
                self.municipality, data.get("neighbourhood"), amount=amount
            )
            if amount < kanskaart_settings.MIN_REQUEST_AMOUNT:
                self.add_error(
                    "budget_amount",
                    _("Ask for at least %(min)s.")
                    % {"min": euro(kanskaart_settings.MIN_REQUEST_AMOUNT)},
                )
            elif amount > limits.max_request_amount:
                self.add_error(
                    "budget_amount",
                    _("You can ask for at most %(max)s.")
                    % {"max": euro(limits.max_request_amount)},
                )
        if not data.get("budget_purpose") and "budget_purpose" not in self.errors:
            self.add_error(
                "budget_purpose", _("Tell us what you will spend the money on.")
            )

    def _clean_space(self, data):
        required = {
            "space_date": _("Choose the day you need the room."),
            "space_start": _("Fill in the time you need the room from."),
            "space_end": _("Fill in the time you need the room until."),
            "space_people": _("Fill in how many people come."),
        }
        for name, message in required.items():
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, message)

        now = timezone.localtime(
            timezone.now(), zoneinfo.ZoneInfo(kanskaart_settings.TIME_ZONE)
        )
        today = now.date()
        day, start = data.get("space_date"), data.get("space_start")
        if day is not None:
            last_day = last_bookable_day(today)
            if day < today:
                self.add_error("space_date", _("Choose a day that is not in the past."))
            elif day > last_day:
                self.add_error(
                    "space_date",
                    _("Choose a day within %(days)s days from now.")
                    % {"days": kanskaart_settings.SPACE_BOOKING_DAYS_AHEAD},
                )

        if day == today and start is not None and start <= now.time():
            self.add_error("space_start", _("Choose a time that is not in the past."))

        end = data.get("space_end")
        if start is not None and end is not None and end <= start:
            self.add_error(
                "space_end", _("The end time must be later than the start time.")
            )
