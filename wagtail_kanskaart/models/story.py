from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class StoryPage(Page):
    """A story about an initiative, told by the resident or an editor."""

    initiative = models.ForeignKey(
        "wagtail_kanskaart.InitiativePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiative"),
    )
    intro = models.TextField(_("short introduction"), blank=True)
    body = RichTextField(_("story"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("initiative"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("image"),
    ]

    parent_page_types = ["wagtail_kanskaart.MunicipalityPage"]
    subpage_types = []
    template = "wagtail_kanskaart/story_page.html"

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def get_context(self, request, *args, **kwargs):
        from .initiative import InitiativePage

        context = super().get_context(request, *args, **kwargs)
        # Linked only while live and without view restrictions, so a story
        # never shows the title of a draft or private initiative.
        context["public_initiative"] = (
            InitiativePage.objects.live().public().filter(pk=self.initiative_id).first()
        )
        return context
