from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

# A URL pattern for the status token, not a secret.
TOKEN_PATTERN = r"(?P<token>[A-Za-z0-9_-]{20,100})"  # noqa: S105


class RequestFormPage(RoutablePageMixin, Page):
    """The hosted request form, with the outcome and status pages under it.

    It works without JavaScript. The embeddable widget and the API send their
    requests to the same intake service.
    """

    intro = RichTextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown above the form. Keep it short and plain."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["wagtail_kanskaart.MunicipalityPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("request form")
        verbose_name_plural = _("request forms")

    @property
    def municipality(self):
        from .municipality import MunicipalityPage

        return MunicipalityPage.objects.get(pk=self.get_parent().pk)

    @path("")
    def form_view(self, request):
        from ..views.form import request_form_view

        return request_form_view(request, self)

    @re_path(rf"^uitkomst/{TOKEN_PATTERN}/$", name="outcome")
    def outcome_view(self, request, token):
        from ..views.status import outcome_view

        return outcome_view(request, self, token)

    @re_path(rf"^status/{TOKEN_PATTERN}/$", name="status")
    def status_view(self, request, token):
        from ..views.status import status_view

        return status_view(request, self, token)

    @re_path(rf"^status/{TOKEN_PATTERN}/intrekken/$", name="withdraw")
    def withdraw_view(self, request, token):
        from ..views.status import withdraw_view

        return withdraw_view(request, self, token)

    @re_path(rf"^status/{TOKEN_PATTERN}/aanpassen/$", name="change_idea")
    def change_idea_view(self, request, token):
        from ..views.moderation import change_idea_view

        return change_idea_view(request, self, token)

    @re_path(rf"^status/{TOKEN_PATTERN}/rekening/$", name="payout")
    def payout_view(self, request, token):
        from ..views.payout import payout_view

        return payout_view(request, self, token)

    @re_path(rf"^status/{TOKEN_PATTERN}/verhaal/$", name="story")
    def story_view(self, request, token):
        from ..views.story import story_view

        return story_view(request, self, token)

    @re_path(
        rf"^status/{TOKEN_PATTERN}/verhaal/foto/(?P<key>[0-9a-f]{{32}}-[0-9a-f]{{64}})/$",
        name="story_photo",
    )
    def story_photo_view(self, request, token, key):
        from ..views.story import kept_photo_view

        return kept_photo_view(request, self, token, key)
