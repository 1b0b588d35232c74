"""The editors' list and inspect view of requests (wagtail-modeladmin).

The list, the inspect view and every object check are limited to the
municipalities whose pages the editor may edit.
"""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from ..models import InitiativeRequest
from .permissions import editable_municipalities


class RequestPermissionHelper(PermissionHelper):
    """Editors look at requests; changes go through the intake service."""

    def _may_see(self, user, obj):
        return editable_municipalities(user).filter(pk=obj.municipality_id).exists()

    def user_can_list(self, user):
        return user.is_superuser or editable_municipalities(user).exists()

    def user_can_create(self, user):
        return False

    def user_can_inspect_obj(self, user, obj):
        return self.user_can_list(user) and self._may_see(user, obj)

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class RequestAdmin(ModelAdmin):
    model = InitiativeRequest
    menu_label = _("Requests")
    menu_icon = "form"
    menu_order = 240
    add_to_admin_menu = True
    inspect_view_enabled = True
    permission_helper_class = RequestPermissionHelper
    list_display = (
        "reference",
        "created_at",
        "municipality",
        "neighbourhood",
        "title",
        "status",
        "budget_amount",
    )
    list_filter = ("status", "municipality", "neighbourhood")
    search_fields = ("reference", "title")
    inspect_view_fields = (
        "reference",
        "created_at",
        "status",
        "municipality",
        "neighbourhood",
        "title",
        "description",
        "needs",
        "budget_amount",
        "budget_purpose",
        "space_date",
        "space_start",
        "space_end",
        "space_people",
        "support_kind",
        "support_note",
        "name",
        "email",
        "phone",
        "source",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(municipality__in=editable_municipalities(request.user))
            .select_related("municipality", "neighbourhood")
        )
