"""The editors' list, inspect view, export and actions of requests (wagtail-modeladmin).

The list, the export, the inspect and history views and every action are
limited to the municipalities whose pages the editor may edit. The views
live in ``request_views``, the filters in ``request_filters``.
"""

import functools

from django.contrib import admin
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from ..intake import actions
from ..intake.forms import euro
from ..models import InitiativeRequest
from . import request_display as display
from .permissions import editable_municipalities
from .request_filters import REQUEST_FILTERS
from .request_views import (
    ACTION_VIEWS,
    RequestHistoryView,
    RequestIndexView,
    RequestInspectView,
)


class RequestPermissionHelper(PermissionHelper):
    """Editors look at requests; changes go through the actions."""

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


class RequestButtonHelper(ButtonHelper):
    inspect_button_classnames = ["button-secondary"]


class RequestAdmin(ModelAdmin):
    model = InitiativeRequest
    menu_label = _("Requests")
    menu_icon = "form"
    menu_order = 240
    add_to_admin_menu = True
    inspect_view_enabled = True
    permission_helper_class = RequestPermissionHelper
    button_helper_class = RequestButtonHelper
    index_view_class = RequestIndexView
    inspect_view_class = RequestInspectView
    history_view_class = RequestHistoryView
    list_display = (
        "reference",
        "submitted",
        "municipality",
        "neighbourhood",
        "title",
        "need_list",
        "amount",
        "status",
    )
    list_filter = REQUEST_FILTERS
    list_select_related = ("municipality", "neighbourhood")
    list_per_page = 50
    search_fields = ("reference", "title", "name", "email")
    list_export = (
        "reference",
        "created_at",
        "municipality",
        "neighbourhood",
        "title",
        "needs",
        "budget_amount",
        "granted_amount",
        "status",
        "source",
        "name",
        "email",
        "phone",
    )
    export_headings = {
        "reference": _("Reference"),
        "created_at": _("Submitted at"),
        "municipality": _("Municipality"),
        "neighbourhood": _("Neighbourhood"),
        "title": _("Title"),
        "needs": _("Needs"),
        "budget_amount": _("Amount asked"),
        "granted_amount": _("Amount granted"),
        "status": _("Status"),
        "source": _("Source"),
        "name": _("Name"),
        "email": _("E-mail address"),
        "phone": _("Phone number"),
    }

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(municipality__in=editable_municipalities(request.user))
            .select_related("municipality", "neighbourhood")
            .prefetch_related("need_set")
        )

    # Columns of the list

    @admin.display(description=_("submitted"), ordering="created_at")
    def submitted(self, obj):
        return display.datetime_text(obj.created_at)

    @admin.display(description=_("needs"))
    def need_list(self, obj):
        return display.need_labels(obj.needs)

    @admin.display(description=_("amount"), ordering="budget_amount")
    def amount(self, obj):
        return euro(obj.budget_amount) if obj.budget_amount is not None else ""

    # The actions' addresses, beside modeladmin's own

    def action_view(self, request, instance_pk, action):
        view_class = ACTION_VIEWS[action]
        return view_class.as_view(model_admin=self, action=action)(
            request, instance_pk=instance_pk
        )

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        return urls + tuple(
            re_path(
                self.url_helper.get_action_url_pattern(action),
                functools.partial(self.action_view, action=action),
                name=self.url_helper.get_action_url_name(action),
            )
            for action in actions.ACTIONS
        )
