"""Admin forms of the package's page types."""

from wagtail.admin.forms import WagtailAdminPageForm

from ..intake.fields import AmountField

# Euro fields of page models. Django's decimal field rejects "1.250",
# "1.250,50" and "€ 1.250", the ways Dutch editors write amounts.
MONEY_FIELDS = ("amount", "instant_grant_limit", "max_request_amount", "resident_cap")


class KanskaartPageForm(WagtailAdminPageForm):
    """A page form that reads Dutch amounts and offers only its own neighbourhoods.

    The neighbourhoods on offer are those of the municipality the page is
    under, so an editor cannot tie a budget or initiative to a neighbourhood
    of another municipality.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in MONEY_FIELDS:
            if name not in self.fields:
                continue
            decimal_field = self.fields[name]
            self.fields[name] = AmountField(
                label=decimal_field.label,
                help_text=decimal_field.help_text,
                required=decimal_field.required,
            )
        if "card_invitation" in self.fields:
            self._use_invitation_field()
        municipality = self._municipality()
        for name in ("neighbourhood", "neighbourhoods"):
            if name in self.fields and municipality is not None:
                self.fields[name].queryset = self.fields[name].queryset.filter(
                    municipality_id=municipality.pk
                )

    def _municipality(self):
        from .municipality import MunicipalityPage

        if self.instance.pk:
            parent = self.instance.get_parent()
        else:
            parent = self.parent_page
        if parent is None:
            return None
        if isinstance(parent.specific_deferred, MunicipalityPage):
            return parent
        # The page is a municipality itself.
        return self.instance if isinstance(self.instance, MunicipalityPage) else None

    def _use_invitation_field(self):
        """Check the card invitation as the print form does (``cards.invitation``)."""
        from ..cards.invitation import InvitationField

        model_field = self.fields["card_invitation"]
        self.fields["card_invitation"] = InvitationField(
            label=model_field.label,
            help_text=model_field.help_text,
            required=False,
            widget=model_field.widget,
        )

    def clean_card_invitation(self):
        from ..cards.invitation import check_fits

        text = self.cleaned_data["card_invitation"]
        if not text:
            return text
        title = self.cleaned_data.get("title") or self.instance.title
        neighbourhoods = (
            list(self.instance.neighbourhoods.order_by("name"))
            if self.instance.pk
            else []
        )
        check_fits(text, title, neighbourhoods)
        return text
