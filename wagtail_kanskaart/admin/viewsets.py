"""Snippet screens for neighbourhoods, spaces and support contacts."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..models import Neighbourhood, Space, SupportContact
from .forms import SupportContactForm
from .permissions import editable_municipalities


class MunicipalityScopedViewSet(SnippetViewSet):
    """List only the rows of municipalities the editor may edit."""

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        return queryset.filter(municipality__in=editable_municipalities(request.user))


class NeighbourhoodFilterSet(WagtailFilterSet):
    class Meta:
        model = Neighbourhood
        fields = ["municipality"]


class NeighbourhoodViewSet(MunicipalityScopedViewSet):
    model = Neighbourhood
    icon = "site"
    menu_label = _("Neighbourhoods")
    list_display = ["name", "municipality", "slug", "cbs_code"]
    search_fields = ["name", "slug", "cbs_code"]
    filterset_class = NeighbourhoodFilterSet


class SpaceViewSet(MunicipalityScopedViewSet):
    model = Space
    icon = "home"
    menu_label = _("Spaces")
    list_display = ["name", "municipality", "capacity", "active"]
    search_fields = ["name", "address"]


class SupportContactViewSet(MunicipalityScopedViewSet):
    model = SupportContact
    icon = "group"
    menu_label = _("Support contacts")
    list_display = ["name", "organisation", "municipality", "active"]
    search_fields = ["name", "organisation"]
    form_class = SupportContactForm


class KanskaartViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Kanskaart")
    menu_icon = "tasks"
    menu_order = 250
    items = (NeighbourhoodViewSet, SpaceViewSet, SupportContactViewSet)
