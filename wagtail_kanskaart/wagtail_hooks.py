"""Admin wiring only: the screens and log actions live in ``admin/``."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin.viewsets import KanskaartViewSetGroup

register_snippet(KanskaartViewSetGroup)


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
