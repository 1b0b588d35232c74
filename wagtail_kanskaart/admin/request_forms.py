"""Forms of the editors' actions on a request.

The forms check only the shape of the input (a date, a room of this
municipality). The rules of each action live in ``intake.actions``, whose
errors the views put on these forms.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..intake.actions import REASON_MAX_LENGTH
from ..intake.fields import AmountField, PlainTextField
from ..models import Space, SupportContact


class RequestActionForm(forms.Form):
    """A form about one request; ``request_obj`` scopes its choices."""

    def __init__(self, *args, request_obj, **kwargs):
        self.request_obj = request_obj
        super().__init__(*args, **kwargs)


class ApproveForm(RequestActionForm):
    amount = AmountField(
        label=_("Amount to grant (€)"),
        required=False,
        help_text=_("Leave empty to grant the amount the resident asked for."),
    )

    def __init__(self, *args, with_amount=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_amount:
            amount = self.request_obj.budget_amount
            self.fields["amount"].initial = (
                str(amount).replace(".", ",") if amount is not None else None
            )
        else:
            del self.fields["amount"]


def reason_field(help_text):
    return PlainTextField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={"required": _("Write a reason. The resident reads it.")},
    )


class DeclineForm(RequestActionForm):
    reason = reason_field(
        _(
            "The resident reads this in her message. Write short, plain "
            'sentences, with "je".'
        )
    )


class CancelBookingForm(RequestActionForm):
    reason = reason_field(
        _("The resident reads this in her message. Say why, and what she can do now.")
    )


class MarkPaidForm(RequestActionForm):
    pass


class SpaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, space):
        if space.address:
            return f"{space.name}, {space.address} ({space.capacity})"
        return f"{space.name} ({space.capacity})"


class ChangeBookingForm(RequestActionForm):
    space = SpaceChoiceField(
        label=_("Room"),
        queryset=Space.objects.none(),
        help_text=_("The number in brackets is how many people fit in the room."),
        error_messages={
            "required": _("Choose a room."),
            "invalid_choice": _("Choose a room from the list."),
        },
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": _("Enter a date."),
            "invalid": _("Enter a date such as 14-3-2026."),
        },
    )
    start = forms.TimeField(
        label=_("From"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Enter a start time."),
            "invalid": _("Enter a time such as 10:00."),
        },
    )
    end = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Enter an end time."),
            "invalid": _("Enter a time such as 12:00."),
        },
    )
    people = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=10000,
        error_messages={
            "required": _("Enter the number of people."),
            "invalid": _("Enter a whole number."),
            "min_value": _("Enter at least 1 person."),
            "max_value": _("Enter at most 10000 people."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request_obj = self.request_obj
        self.fields["space"].queryset = Space.objects.filter(
            municipality_id=request_obj.municipality_id, active=True
        ).order_by("name", "pk")
        self.fields["date"].initial = request_obj.space_date
        self.fields["start"].initial = request_obj.space_start
        self.fields["end"].initial = request_obj.space_end
        self.fields["people"].initial = request_obj.space_people


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contact):
        if contact.organisation:
            return f"{contact.name} ({contact.organisation})"
        return contact.name


class ReassignSupportForm(RequestActionForm):
    contact = ContactChoiceField(
        label=_("Support contact"),
        queryset=SupportContact.objects.none(),
        error_messages={
            "required": _("Choose a support contact."),
            "invalid_choice": _("Choose a support contact from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = SupportContact.objects.filter(
            municipality_id=self.request_obj.municipality_id, active=True
        ).order_by("name", "pk")
