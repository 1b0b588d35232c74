from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Neighbourhood
from ..models.resources import support_kind_choices
from .permissions import editable_municipalities


class MunicipalityScopedForm(WagtailAdminModelForm):
    """Offer only the municipalities, and their neighbourhoods, the editor may edit."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None:
            return
        municipalities = editable_municipalities(for_user)
        if "municipality" in self.fields:
            self.fields["municipality"].queryset = municipalities
        if "neighbourhoods" in self.fields:
            self.fields["neighbourhoods"].queryset = Neighbourhood.objects.filter(
                municipality__in=municipalities
            ).select_related("municipality")
            self.fields["neighbourhoods"].label_from_instance = lambda n: (
                f"{n.name} ({n.municipality.title})"
            )

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality")
        neighbourhoods = data.get("neighbourhoods")
        if municipality and neighbourhoods:
            foreign = [
                n for n in neighbourhoods if n.municipality_id != municipality.pk
            ]
            if foreign:
                self.add_error(
                    "neighbourhoods",
                    _("Choose only neighbourhoods of %(municipality)s.")
                    % {"municipality": municipality.title},
                )
        return data


class SupportContactForm(MunicipalityScopedForm):
    kinds = forms.MultipleChoiceField(
        label=_("kinds of support"),
        required=False,
        choices=support_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every kind of support."),
    )
