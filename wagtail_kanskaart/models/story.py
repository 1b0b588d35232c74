from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

# A story shows at most this many photos; the resident's form accepts as many.
MAX_STORY_PHOTOS = 5


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
    neighbourhood = models.ForeignKey(
        "wagtail_kanskaart.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
        help_text=_("The municipality page can show the stories of one neighbourhood."),
    )
    intro = models.TextField(_("short introduction"), blank=True)
    body = RichTextField(_("story"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    content_panels = Page.content_panels + [
        FieldPanel("initiative"),
        FieldPanel("neighbourhood"),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "photos",
            label=_("photos"),
            max_num=MAX_STORY_PHOTOS,
        ),
    ]

    parent_page_types = ["wagtail_kanskaart.MunicipalityPage"]
    subpage_types = []
    template = "wagtail_kanskaart/story_page.html"

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    @property
    def first_photo(self):
        """Return the first photo's image, or None; for cards and feeds."""
        photo = self.photos.select_related("image").first()
        return photo.image if photo else None

    def get_context(self, request, *args, **kwargs):
        from .initiative import InitiativePage

        context = super().get_context(request, *args, **kwargs)
        # Linked only while live and without view restrictions, so a story
        # never shows the title of a draft or private initiative.
        context["public_initiative"] = (
            InitiativePage.objects.live().public().filter(pk=self.initiative_id).first()
        )
        return context


class StoryPhoto(Orderable):
    """One photo of a story, with the words that describe it."""

    story = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("photo"),
    )
    caption = models.CharField(
        _("what the photo shows"),
        max_length=200,
        blank=True,
        help_text=_("Read aloud to people who cannot see the photo."),
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
