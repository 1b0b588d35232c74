"""Snippet screens for neighbourhoods, spaces and support contacts."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..models import Neighbourhood, Space, SupportContact
from .forms import MunicipalityScopedForm, SupportContactForm
from .permissions import editable_municipalities


class InstanceCheckMixin:
    """Refuse a row of a municipality the editor may not edit (Wagtail's
    generic views check only model-wide permissions here)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, ["change", "delete", "view"], obj
        ):
            raise PermissionDenied
        return obj


class ScopedEditView(InstanceCheckMixin, snippet_views.EditView):
    pass


class ScopedDeleteView(InstanceCheckMixin, snippet_views.DeleteView):
    pass


class ScopedHistoryView(InstanceCheckMixin, snippet_views.HistoryView):
    pass


class ScopedUsageView(InstanceCheckMixin, snippet_views.UsageView):
    pass


class ScopedCopyView(InstanceCheckMixin, snippet_views.CopyView):
    pass


class MunicipalityScopedViewSet(SnippetViewSet):
    """Screens that show and change only rows of municipalities the editor may edit.

    Object-level checks come from ``MunicipalityPermissionPolicy``, which
    ``wagtail_hooks.py`` registers for each of these models.
    """

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_class = ScopedCopyView
    scoped_form_class = MunicipalityScopedForm

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        return queryset.filter(municipality__in=editable_municipalities(request.user))

    def get_edit_handler(self):
        return ObjectList(
            self.model.panels, base_form_class=self.scoped_form_class
        ).bind_to_model(self.model)


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
    scoped_form_class = SupportContactForm


class KanskaartViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Kanskaart")
    menu_icon = "tasks"
    menu_order = 250
    items = (NeighbourhoodViewSet, SpaceViewSet, SupportContactViewSet)
