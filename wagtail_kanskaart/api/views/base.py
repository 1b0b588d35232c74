"""The base of every API view: no cookies, JSON only, one error envelope, a language.

The policies are class attributes rather than ``REST_FRAMEWORK`` settings,
so the site's DRF settings for authentication, permissions, parsers,
renderers, throttling, content negotiation and filter backends do not apply
here. Settings without a class attribute, such as ``DATETIME_FORMAT``, still
do.
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from ...models import MunicipalityPage
from ..exceptions import api_exception_handler
from ..parsers import BoundedJSONParser
from ..request_body import DEFAULT_LANGUAGE, language_codes

# Wagtail allows Unicode slugs; \w also keeps NUL and other control
# characters away from the database, which PostgreSQL would refuse.
SLUG_RE = re.compile(r"^[-\w]{1,255}$")


class KanskaartViewMixin:
    """Policies and language handling for every API view.

    No authentication classes: nothing depends on cookies, so there is no
    session and no CSRF check. Messages are in the language the view
    resolves (``?language=``, default Dutch), also when a request fails
    before the view's handler runs.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    parser_classes = [BoundedJSONParser]
    throttle_classes = []
    content_negotiation_class = DefaultContentNegotiation
    metadata_class = None
    versioning_class = None
    schema = AutoSchema()

    language = DEFAULT_LANGUAGE

    def get_exception_handler(self):
        return api_exception_handler

    def dispatch(self, request, *args, **kwargs):
        # Everything rendered inside, error messages included, uses the
        # language that initial() activates; the override restores the
        # previous language afterwards.
        with translation.override(DEFAULT_LANGUAGE):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        self.language = self.resolve_language(request)
        translation.activate(self.language)
        super().initial(request, *args, **kwargs)

    def resolve_language(self, request) -> str:
        """Return the language of this request's messages.

        Only an explicit ``?language=`` counts, not ``Accept-Language``,
        because many Dutch residents have a phone set to English. The page
        that embeds the form knows its language and passes it on.
        """
        return query_language(request) or DEFAULT_LANGUAGE

    def use_language(self, language):
        self.language = language
        translation.activate(language)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language() or DEFAULT_LANGUAGE
        return response


def api_schema(**kwargs):
    """Apply ``extend_schema`` with drf-spectacular's ``AutoSchema`` as the base.

    A decorated method otherwise builds on ``REST_FRAMEWORK``'s
    ``DEFAULT_SCHEMA_CLASS``, which a site need not have set to
    drf-spectacular's.
    """

    def decorator(method):
        method.kwargs = {"schema": AutoSchema}
        return extend_schema(**kwargs)(method)

    return decorator


def query_language(request) -> str | None:
    language = request.query_params.get("language")
    return language if language in language_codes() else None


class KanskaartAPIView(KanskaartViewMixin, APIView):
    pass


class KanskaartListView(KanskaartViewMixin, generics.ListAPIView):
    filter_backends = []


def live_municipality(slug):
    """Return the live, public municipality with this slug, or raise ``NotFound``.

    NOTE: Wagtail keeps slugs unique among siblings only; with two live
    municipalities of one slug (on two sites), the first in the tree wins.
    """
    municipality = None
    if isinstance(slug, str) and SLUG_RE.match(slug):
        municipality = (
            MunicipalityPage.objects.live()
            .public()
            .filter(slug=slug)
            .order_by("path")
            .first()
        )
    if municipality is None:
        raise NotFound(_("We cannot find this municipality."))
    return municipality
