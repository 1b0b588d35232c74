"""The OpenAPI schema and its Swagger UI page, served with no outside assets.

drf-spectacular's Swagger page loads Swagger UI from a CDN unless configured
otherwise, and its Redoc page loads Google fonts. This page always takes the
files of ``drf-spectacular-sidecar`` from the site's own static files. The
page itself has no inline script or style, and it sets no cookie.
"""

import json

from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from .base import KanskaartAPIView, api_schema

SCHEMA_SETTINGS = {
    "TITLE": "Kanskaart API",
    "DESCRIPTION": (
        "Residents ask for support, a space or a small budget for a "
        "neighbourhood idea, and get the outcome at once. The public "
        "endpoints are anonymous: no authentication, no cookies. The editor "
        "endpoints need the session of a user logged in to the Wagtail admin. "
        "See docs/reference/api.md."
    ),
    "VERSION": "1",
}


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of this API only, at the address the site mounted it."""

    authentication_classes = []
    permission_classes = [AllowAny]
    custom_settings = SCHEMA_SETTINGS

    @api_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        from .. import urls

        # The generator lists the API's own patterns under the prefix the
        # site chose, so the paths are real and the site's other views stay
        # out of the schema.
        prefix = reverse("kanskaart_api:root").lstrip("/")
        self.patterns = [path(prefix, include(urls.api_patterns))]
        return super().get(request, *args, **kwargs)


class DocsView(View):
    """Swagger UI for the schema, from the site's own static files.

    The page and its start script are plain responses, so neither
    ``drf_spectacular`` in ``INSTALLED_APPS`` nor a template is needed.
    """

    def get(self, request):
        if "script" in request.GET:
            return self.script()
        sidecar = "drf_spectacular_sidecar/swagger-ui-dist/"
        html = format_html(
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>Kanskaart API</title>\n"
            '<link rel="icon" href="{}">\n'
            '<link rel="stylesheet" href="{}">\n'
            '</head>\n<body>\n<div id="swagger-ui"></div>\n'
            '<script src="{}"></script>\n'
            '<script src="{}"></script>\n'
            "</body>\n</html>\n",
            static(sidecar + "favicon-32x32.png"),
            static(sidecar + "swagger-ui.css"),
            static(sidecar + "swagger-ui-bundle.js"),
            reverse("kanskaart_api:docs") + "?script",
        )
        return HttpResponse(html)

    def script(self):
        config = {
            "url": reverse("kanskaart_api:schema"),
            "dom_id": "#swagger-ui",
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        script = (
            '"use strict";\n'
            f"const config = {json.dumps(config)};\n"
            "config.presets = [SwaggerUIBundle.presets.apis];\n"
            "window.ui = SwaggerUIBundle(config);\n"
        )
        return HttpResponse(script, content_type="text/javascript; charset=utf-8")


class NotFoundView(KanskaartAPIView):
    """Return a JSON 404 for every other address under the API."""

    @api_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        raise NotFound(_("There is no API endpoint at this address."))

    post = put = patch = delete = head = options = get
