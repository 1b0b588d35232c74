"""The editors' paper cards: short addresses, visit numbers and the print form.

Every screen is limited to the municipalities the editor may edit
(``editable_municipalities``). Another municipality's print form returns
404, so its existence and its neighbourhoods are not revealed.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from ..cards import pdf
from ..cards.addresses import ShortAddressUnavailable, short_url
from ..cards.invitation import InvitationField, changed_name_messages, check_fits
from ..cards.visits import RECENT_DAYS, card_figures
from .permissions import editable_municipalities

NAMESPACE = "kanskaart_card_admin"
ICON = "doc-full"
PAPER_CARDS = gettext_lazy("Paper cards")

# The editors' message for ``addresses.ShortAddressUnavailable``, raised when
# the site's urls.py lacks the card URLs or the page belongs to no site.
ADDRESS_PROBLEM = gettext_lazy(
    "The short address of the cards cannot be made. Ask your developer to "
    "run manage.py check and set up the paper cards."
)

# The neighbourhood choice of the print form that prints every neighbourhood.
ALL_NEIGHBOURHOODS = "all"


def url(name, *args):
    return reverse(f"{NAMESPACE}:{name}", args=args)


def standard_invitation() -> str:
    """Return the standard invitation in the site's language, as cards print it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(pdf.STANDARD_INVITATION)


def invitation_for(municipality) -> str:
    return municipality.card_invitation.strip() or standard_invitation()


class PrintForm(forms.Form):
    """The choice of cards to print: neighbourhood, paper and invitation."""

    neighbourhood = forms.ChoiceField(
        label=gettext_lazy("Neighbourhood"),
        error_messages={
            "required": gettext_lazy("Choose a neighbourhood."),
            "invalid_choice": gettext_lazy(
                "Choose a neighbourhood from the list. Reload the page if it "
                "is missing."
            ),
        },
    )
    layout = forms.ChoiceField(
        label=gettext_lazy("Paper"),
        choices=[
            (pdf.LAYOUT_A6, gettext_lazy("One A6 card per page")),
            (pdf.LAYOUT_A4, gettext_lazy("Four cards on an A4 sheet, to cut")),
        ],
        initial=pdf.LAYOUT_A4,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose the paper."),
            "invalid_choice": gettext_lazy("Choose A6 or A4."),
        },
    )
    invitation = InvitationField(
        label=gettext_lazy("Invitation"),
        help_text=gettext_lazy(
            "The short text on the card that invites residents. At most "
            "200 characters and 10 lines. Change the standard text on the "
            "municipality page, under invitation on the paper card."
        ),
        error_messages={"required": gettext_lazy("Write an invitation for the card.")},
    )

    def __init__(self, *args, municipality=None, neighbourhoods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.neighbourhoods = {str(n.pk): n for n in neighbourhoods}
        self.fields["neighbourhood"].choices = [
            (ALL_NEIGHBOURHOODS, _("All neighbourhoods")),
            *[(pk, n.name) for pk, n in self.neighbourhoods.items()],
        ]

    def clean_invitation(self):
        text = self.cleaned_data["invitation"]
        if "neighbourhood" in self.cleaned_data:
            neighbourhoods = self.chosen_neighbourhoods()
        else:
            neighbourhoods = list(self.neighbourhoods.values())
        check_fits(text, self.municipality.title, neighbourhoods)
        return text

    def chosen_neighbourhoods(self):
        choice = self.cleaned_data["neighbourhood"]
        if choice == ALL_NEIGHBOURHOODS:
            return list(self.neighbourhoods.values())
        return [self.neighbourhoods[choice]]


class CardAdminMixin(WagtailAdminTemplateMixin):
    """Only for editors who may edit at least one municipality."""

    header_icon = ICON

    def dispatch(self, request, *args, **kwargs):
        if not editable_municipalities(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": url("index"), "label": PAPER_CARDS}]


def _short_url_or_problem(neighbourhood):
    try:
        return short_url(neighbourhood), ""
    except ShortAddressUnavailable:
        return "", ADDRESS_PROBLEM


class IndexView(CardAdminMixin, TemplateView):
    """Per municipality: each neighbourhood's card address and visit numbers."""

    template_name = "wagtail_kanskaart/admin/cards/index.html"
    page_title = PAPER_CARDS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        for municipality in editable_municipalities(self.request.user).order_by(
            "title"
        ):
            neighbourhoods = list(municipality.neighbourhoods.order_by("name"))
            figures = card_figures(neighbourhoods)
            rows = []
            for neighbourhood in neighbourhoods:
                address, problem = _short_url_or_problem(neighbourhood)
                rows.append(
                    {
                        "neighbourhood": neighbourhood,
                        "address": address,
                        "problem": problem,
                        "print_url": url("print", municipality.pk)
                        + f"?neighbourhood={neighbourhood.pk}",
                        **figures[neighbourhood.pk],
                    }
                )
            sections.append(
                {
                    "municipality": municipality,
                    "rows": rows,
                    "has_form": municipality.form_page is not None,
                    "print_all_url": url("print", municipality.pk),
                }
            )
        context["sections"] = sections
        context["recent_days"] = RECENT_DAYS
        return context


class PrintView(CardAdminMixin, TemplateView):
    """The print form of one municipality; a valid POST returns the PDF."""

    template_name = "wagtail_kanskaart/admin/cards/print.html"

    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(
            editable_municipalities(request.user), pk=kwargs["municipality_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Print paper cards")

    def get_page_subtitle(self):
        return self.municipality.title

    @cached_property
    def neighbourhoods(self):
        return list(self.municipality.neighbourhoods.order_by("name"))

    def get_form(self):
        if self.request.method == "POST":
            return PrintForm(
                self.request.POST,
                municipality=self.municipality,
                neighbourhoods=self.neighbourhoods,
            )
        chosen = self.request.GET.get("neighbourhood", "")
        known = {str(n.pk) for n in self.neighbourhoods}
        return PrintForm(
            municipality=self.municipality,
            neighbourhoods=self.neighbourhoods,
            initial={
                "neighbourhood": chosen if chosen in known else ALL_NEIGHBOURHOODS,
                "invitation": invitation_for(self.municipality),
            },
        )

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "municipality": self.municipality,
                "form": form or self.get_form(),
                "action_url": url("print", self.municipality.pk),
                "has_form": self.municipality.form_page is not None,
                "has_neighbourhoods": bool(self.neighbourhoods),
                "changed_names": changed_name_messages(
                    self.municipality, self.neighbourhoods
                ),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, _("The cards were not made. Check the form."))
            return self.render_to_response(self.get_context_data(form=form))
        neighbourhoods = form.chosen_neighbourhoods()
        if not neighbourhoods:
            messages.error(
                request,
                _(
                    "This municipality has no neighbourhoods yet. Ask the "
                    "administrator to add them, then print their cards here."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form))
        layout = form.cleaned_data["layout"]
        try:
            content = pdf.card_pdf(
                self.municipality,
                neighbourhoods,
                layout=layout,
                invitation=form.cleaned_data["invitation"],
                language=settings.LANGUAGE_CODE,
            )
        except ShortAddressUnavailable:
            messages.error(
                request,
                _("The cards were not made.") + " " + str(ADDRESS_PROBLEM),
            )
            return self.render_to_response(self.get_context_data(form=form))
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=pdf_filename(self.municipality, form, layout)
        )
        return response


def pdf_filename(municipality, form, layout) -> str:
    """Return e.g. "kaarten-roosendaal-kalsdonk-a6.pdf", built from the slugs."""
    choice = form.cleaned_data["neighbourhood"]
    if choice == ALL_NEIGHBOURHOODS:
        place = "alle-wijken"
    else:
        place = form.neighbourhoods[choice].slug
    paper = "a6" if layout == pdf.LAYOUT_A6 else "4-op-a4"
    return f"kaarten-{municipality.slug}-{place}-{paper}.pdf"


class CardMenuItem(MenuItem):
    def is_shown(self, request):
        return editable_municipalities(request.user).exists()


class CardViewSet(ViewSet):
    """The "Paper cards" menu item and its screens."""

    name = NAMESPACE
    url_prefix = "kanskaart/cards"
    icon = ICON
    menu_label = PAPER_CARDS
    menu_name = "kanskaart-cards"
    menu_order = 246
    add_to_admin_menu = True
    menu_item_class = CardMenuItem

    def get_urlpatterns(self):
        return [
            path("", IndexView.as_view(), name="index"),
            path(
                "municipality/<int:municipality_id>/print/",
                PrintView.as_view(),
                name="print",
            ),
        ]
