from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from .page_forms import KanskaartPageForm


class InitiativePage(Page):
    """The public page of an idea. It never holds personal data."""

    neighbourhood = models.ForeignKey(
        "wagtail_kanskaart.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("neighbourhood"),
    )
    summary = models.TextField(_("summary"), blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)

    search_fields = Page.search_fields + [index.SearchField("summary")]

    content_panels = Page.content_panels + [
        FieldPanel("neighbourhood"),
        FieldPanel("summary"),
    ]

    base_form_class = KanskaartPageForm
    parent_page_types = ["wagtail_kanskaart.MunicipalityPage"]
    subpage_types = []
    template = "wagtail_kanskaart/initiative_page.html"

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def get_context(self, request, *args, **kwargs):
        from .story import StoryPage

        context = super().get_context(request, *args, **kwargs)
        context["stories"] = (
            StoryPage.objects.live()
            .public()
            .filter(initiative=self)
            .order_by("-first_published_at")
        )
        return context
