"""System checks for settings an installer would otherwise get wrong in production."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

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


@register(Tags.urls)
def check_card_url(app_configs, **kwargs):
    from django.urls import NoReverseMatch, reverse

    from .cards.addresses import URL_NAME

    try:
        reverse(URL_NAME, kwargs={"code": "abc234"})
    except NoReverseMatch:
        return [
            Warning(
                "The short address of the paper cards (/k/<code>/) cannot be "
                "reversed, so editors cannot print cards.",
                hint='Add path("k/", include("wagtail_kanskaart.cards.urls")) to '
                "your urls.py, before Wagtail's own URLs.",
                id="wagtail_kanskaart.W003",
            )
        ]
    return []


@register()
def check_card_base_url(app_configs, **kwargs):
    from urllib.parse import urlsplit

    value = kanskaart_settings.CARD_BASE_URL
    if value is None:
        return []
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts is not None
        and parts.scheme in ("http", "https")
        and parts.netloc
        and not parts.query
        and not parts.fragment
    ):
        return []
    return [
        Error(
            f"KANSKAART_CARD_BASE_URL must be an http:// or https:// address "
            f"such as https://kans.example.nl, not {value!r}.",
            id="wagtail_kanskaart.E002",
        )
    ]
