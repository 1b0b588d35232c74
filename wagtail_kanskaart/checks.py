"""System checks for settings an installer would otherwise get wrong in production."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .conf import kanskaart_settings


@register()
def check_support_kinds(app_configs, **kwargs):
    kinds = kanskaart_settings.SUPPORT_KINDS
    valid = isinstance(kinds, list | tuple) and all(
        isinstance(kind, list | tuple) and len(kind) == 2 for kind in kinds
    )
    if valid and kinds:
        return []
    return [
        Error(
            "KANSKAART_SUPPORT_KINDS must be a non-empty list of (value, label) pairs.",
            id="wagtail_kanskaart.E001",
        )
    ]


@register(deploy=True)
def check_task_backend(app_configs, **kwargs):
    backends = getattr(settings, "TASKS", {})
    backend = backends.get("default", {}).get("BACKEND", "")
    if backend.endswith("ImmediateBackend") or not backend:
        return [
            Warning(
                "Notifications are sent inside the web request (ImmediateBackend).",
                hint="Use django_tasks_db.DatabaseBackend and run its worker; "
                "see docs/how-to/production.md.",
                id="wagtail_kanskaart.W001",
            )
        ]
    return []


@register(deploy=True)
def check_token_secret(app_configs, **kwargs):
    if kanskaart_settings.STATUS_TOKEN_SECRET:
        return []
    return [
        Warning(
            "Status links are signed with SECRET_KEY; rotating it breaks every "
            "link residents received.",
            hint="Set KANSKAART_STATUS_TOKEN_SECRET to a long random value of its own.",
            id="wagtail_kanskaart.W002",
        )
    ]
