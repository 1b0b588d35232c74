from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..admin.panels import EmbedSnippetPanel
from .page_forms import KanskaartPageForm

cbs_code_validator = RegexValidator(
    r"^(WK|BU)\d{6,8}$",
    _("Enter a CBS code such as WK167400 or BU16740001."),
)

money_validators = [MinValueValidator(Decimal("0.00"))]

# The invitation must fit on an A6 card beside the QR code.
CARD_INVITATION_MAX_LENGTH = 200

# Card codes use letters and digits that cannot be mistaken for each other
# when a resident types the short address from the card.
CARD_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CARD_CODE_LENGTH = 6


def new_card_code():
    """Return a random card code such as "k7m2xq"."""
    import secrets

    return "".join(secrets.choice(CARD_CODE_ALPHABET) for _ in range(CARD_CODE_LENGTH))


def optional_limit_field(verbose_name, help_text):
    """Return an optional euro limit; empty means the next level's value applies."""
    return models.DecimalField(
        verbose_name,
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
        help_text=help_text,
    )


def validate_iban(value):
    """Check an IBAN's country format and check digits (with schwifty)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(value)
    except SchwiftyException as error:
        raise ValidationError(
            _("This IBAN is not valid. Check it on your bank card or statement.")
        ) from error


def validate_bic(value):
    """Check a BIC's format (with schwifty)."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        BIC(value)
    except SchwiftyException as error:
        raise ValidationError(
            _("This BIC is not valid. It has 8 or 11 letters and digits.")
        ) from error


def validate_origins(text):
    """Check that every line is an origin such as https://www.gemeente.nl."""
    from ..api.cors import normalise_origin

    wrong = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and normalise_origin(line) != line.strip().lower().rstrip("/")
    ]
    if wrong:
        raise ValidationError(
            _(
                "Enter one website address per line, with http:// or https:// "
                "and without a path, for example https://www.gemeente.nl. "
                "Not valid: %(lines)s"
            )
            % {"lines": ", ".join(wrong)}
        )


class MunicipalityPage(RoutablePageMixin, Page):
    """The root of one municipality's section, with its settings.

    Neighbourhoods, spaces and support contacts are separate models that point
    here, so that page revisions never delete data that requests refer to.
    Routes below the page serve the story feeds and the open data.
    """

    intro = RichTextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown at the top of the municipality page."),
    )
    contact_email = models.EmailField(
        _("contact e-mail address"),
        blank=True,
        help_text=_("Residents can write to this address with questions."),
    )
    editors_email = models.EmailField(
        _("e-mail address for new requests"),
        blank=True,
        help_text=_("Gets a message for every new request. Leave empty for none."),
    )
    privacy_url = models.URLField(
        _("privacy statement URL"),
        blank=True,
        help_text=_("The form links to this page."),
    )
    instant_grant_limit = optional_limit_field(
        _("instant grant limit (€)"),
        _(
            "Requests up to this amount are granted at once. "
            "Leave empty to use the default."
        ),
    )
    max_request_amount = optional_limit_field(
        _("maximum per request (€)"),
        _("Residents cannot ask for more. Leave empty to use the default."),
    )
    resident_cap = optional_limit_field(
        _("maximum per resident per budget (€)"),
        _(
            "Above this total a request goes to an editor. "
            "Leave empty to use the default."
        ),
    )
    allowed_origins = models.TextField(
        _("websites that may show the form"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One address per line, for example https://www.gemeente.nl. "
            "The embedded form works only on these websites."
        ),
    )
    publish_initiatives_at_once = models.BooleanField(
        _("publish initiatives at once"),
        default=False,
        help_text=_(
            "When off, every new initiative page waits in the moderation workflow."
        ),
    )

    payout_account_name = models.CharField(
        _("account name for payouts"),
        max_length=70,
        blank=True,
        help_text=_("The name of the municipality's bank account that pays out."),
    )
    payout_iban = models.CharField(
        _("IBAN for payouts"),
        max_length=34,
        blank=True,
        validators=[validate_iban],
        help_text=_("The bank account the money is paid from."),
    )
    payout_bic = models.CharField(
        _("BIC for payouts"),
        max_length=11,
        blank=True,
        validators=[validate_bic],
        help_text=_("Optional. Leave empty when your bank does not ask for it."),
    )

    card_invitation = models.TextField(
        _("invitation on the paper card"),
        max_length=CARD_INVITATION_MAX_LENGTH,
        blank=True,
        help_text=_(
            "A short text that invites residents to share their idea: at most "
            "200 characters and 10 lines, in letters, digits and normal "
            "punctuation. Leave empty for the standard text."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("card_invitation"),
        MultiFieldPanel(
            [
                FieldPanel("contact_email"),
                FieldPanel("editors_email"),
                FieldPanel("privacy_url"),
            ],
            heading=_("Contact and privacy"),
        ),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("instant_grant_limit"),
                FieldPanel("max_request_amount"),
                FieldPanel("resident_cap"),
                FieldPanel("publish_initiatives_at_once"),
            ],
            heading=_("Limits and publishing"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("payout_account_name"),
                FieldPanel("payout_iban"),
                FieldPanel("payout_bic"),
            ],
            heading=_("Payouts"),
        ),
        FieldPanel("allowed_origins"),
        EmbedSnippetPanel(heading=_("Code for your own website")),
    ]

    base_form_class = KanskaartPageForm
    subpage_types = [
        "wagtail_kanskaart.BudgetPage",
        "wagtail_kanskaart.RequestFormPage",
        "wagtail_kanskaart.InitiativePage",
        "wagtail_kanskaart.StoryPage",
    ]
    template = "wagtail_kanskaart/municipality_page.html"

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def get_context(self, request, *args, **kwargs):
        from ..transparency import find_neighbourhood, municipality_context

        context = super().get_context(request, *args, **kwargs)
        # ?wijk=<slug> narrows the page to one neighbourhood. A value that
        # matches none is ignored, and the page shows a note.
        wijk = request.GET.get("wijk", "")
        neighbourhood = find_neighbourhood(self, wijk) if wijk else None
        context.update(municipality_context(self, neighbourhood))
        context["neighbourhood"] = neighbourhood
        context["neighbourhood_ignored"] = bool(wijk) and neighbourhood is None
        context["neighbourhoods"] = list(self.neighbourhoods.all())
        return context

    def get_sitemap_urls(self, request=None):
        # The open data page is a route, so Wagtail does not list it itself.
        urls = super().get_sitemap_urls(request)
        urls.append(
            {
                "location": self.get_full_url(request)
                + self.reverse_subpage("open_data"),
                "lastmod": self.last_published_at or self.latest_revision_created_at,
            }
        )
        return urls

    @path("verhalen/rss/", name="stories_rss")
    def stories_rss(self, request):
        from ..feeds import StoryRssFeed

        return StoryRssFeed()(request, municipality=self)

    @path("verhalen/atom/", name="stories_atom")
    def stories_atom(self, request):
        from ..feeds import StoryAtomFeed

        return StoryAtomFeed()(request, municipality=self)

    @path("open-data/", name="open_data")
    def open_data(self, request):
        from ..opendata import open_data_page

        return open_data_page(request, self)

    # Wagtail serves only addresses of letters, digits, "-" and "_" between
    # slashes, so a file is "open-data/uitgaven/csv/", not "uitgaven.csv".
    @path("open-data/<slug:dataset>/<slug:file_format>/", name="open_data_file")
    def open_data_file(self, request, dataset, file_format):
        from ..opendata import open_data_file

        return open_data_file(request, self, dataset, file_format)

    @property
    def form_page(self):
        from .form_page import RequestFormPage

        return RequestFormPage.objects.child_of(self).live().first()


class Neighbourhood(models.Model):
    """An area within a municipality (wijk or buurt)."""

    municipality = models.ForeignKey(
        MunicipalityPage,
        on_delete=models.CASCADE,
        related_name="neighbourhoods",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        help_text=_("Used in addresses, for example ?wijk=kalsdonk."),
    )
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=10,
        blank=True,
        validators=[cbs_code_validator],
    )
    card_code = models.CharField(
        _("card code"),
        max_length=20,
        unique=True,
        default=new_card_code,
        editable=False,
        help_text=_("The code in the short address on the paper card, /k/<code>."),
    )

    panels = [
        FieldPanel("municipality"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("cbs_code"),
    ]

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="kanskaart_neighbourhood_slug_unique",
            )
        ]

    def __str__(self):
        return self.name
