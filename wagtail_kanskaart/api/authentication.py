"""Authentication of the editors' endpoints: the Wagtail admin's session.

The public endpoints use no authentication at all (see ``views.base``).
"""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication


class EditorSessionAuthentication(SessionAuthentication):
    """The session cookie of a user logged in to the Wagtail admin.

    DRF checks the CSRF token only for unsafe methods; the editors'
    endpoints accept GET alone.
    """


class EditorSessionScheme(OpenApiAuthenticationExtension):
    """Name :class:`EditorSessionAuthentication` ``sessionAuth`` in the schema."""

    target_class = EditorSessionAuthentication
    name = "sessionAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The session cookie of a user logged in to the "
            "Wagtail admin with access to the admin.",
        }
