"""Admin wiring only: the screens and log actions live in ``admin/``."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import modeladmin_register

from .admin.cards import CardViewSet
from .admin.dashboard import KanskaartDashboardPanel
from .admin.payouts import PayoutViewSet
from .admin.permissions import MunicipalityPermissionPolicy, editable_municipalities
from .admin.reports import REPORTS
from .admin.reports import admin_urls as report_admin_urls
from .admin.request_log import register_request_log_actions
from .admin.requests import RequestAdmin
from .admin.viewsets import KanskaartViewSetGroup
from .models import Neighbourhood, Space, SupportContact

for model in (Neighbourhood, Space, SupportContact):
    register_permission_policy(model, MunicipalityPermissionPolicy(model))
register_snippet(KanskaartViewSetGroup)
modeladmin_register(RequestAdmin)


@hooks.register("register_log_actions")
def register_kanskaart_log_actions(actions):
    actions.register_action(
        "wagtail_kanskaart.submitted", _("Request submitted"), _("Request submitted")
    )
    actions.register_action(
        "wagtail_kanskaart.status_changed",
        _("Request status changed"),
        _("Request status changed"),
    )


@hooks.register("register_log_actions")
def register_kanskaart_moderation_log_actions(actions):
    actions.register_action(
        "wagtail_kanskaart.page_approved",
        _("Public page approved"),
        _("Public page approved"),
    )
    actions.register_action(
        "wagtail_kanskaart.changes_requested",
        _("Changes to the public page requested"),
        _("Changes to the public page requested"),
    )
    actions.register_action(
        "wagtail_kanskaart.changes_resubmitted",
        _("Changed idea sent for moderation"),
        _("Changed idea sent for moderation"),
    )


@hooks.register("construct_homepage_panels")
def add_kanskaart_dashboard_panel(request, panels):
    panels.append(KanskaartDashboardPanel())


@hooks.register("register_admin_urls")
def register_kanskaart_report_urls():
    return report_admin_urls()


for report in REPORTS:
    hooks.register("register_reports_menu_item", report.menu_item)


@hooks.register("register_log_actions")
def register_kanskaart_payout_log_actions(actions):
    for action, label in [
        ("iban_given", _("Bank account given")),
        ("payout_batch_created", _("Payout batch created")),
        ("payout_batch_added", _("Added to a payout batch")),
        ("payout_batch_removed", _("Removed from a payout batch")),
        ("payout_batch_changed", _("Payout batch changed")),
        ("payout_batch_cancelled", _("Payout batch cancelled")),
        ("payout_batch_paid", _("Payout batch marked paid")),
        ("payout_batch_downloaded", _("Payout batch downloaded")),
    ]:
        actions.register_action(f"wagtail_kanskaart.{action}", label, label)


@hooks.register("register_admin_viewset")
def register_kanskaart_payout_viewset():
    return PayoutViewSet()


@hooks.register("register_log_actions")
def register_kanskaart_request_action_log_actions(actions):
    register_request_log_actions(actions)


@hooks.register("register_admin_viewset")
def register_kanskaart_card_viewset():
    return CardViewSet()


@hooks.register("construct_page_chooser_queryset")
def hide_other_municipalities_drafts(pages, request):
    """Leave out of the page chooser the unpublished pages the user may not edit.

    Wagtail's chooser lists every page, drafts included, to anyone with
    admin access, so an editor could read the titles of another
    municipality's ideas and stories that wait for moderation. Live pages stay, because
    their titles are public anyway.
    """
    user = request.user
    if user.is_superuser:
        return pages
    visible = Q(live=True)
    for municipality in editable_municipalities(user):
        visible |= Q(path__startswith=municipality.path)
    return pages.filter(visible)
