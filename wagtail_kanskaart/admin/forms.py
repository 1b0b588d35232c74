from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..models.resources import support_kind_choices


class SupportContactForm(WagtailAdminModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("kinds of support"),
        required=False,
        choices=support_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every kind of support."),
    )
