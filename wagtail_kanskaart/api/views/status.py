"""The resident's status by her secret token, and her withdrawal."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from ...intake import lifecycle
from ...intake.tokens import hash_token
from ...models import InitiativeRequest
from ..cors import origin_may_write
from ..exceptions import Conflict
from ..serializers import ErrorSerializer, LanguageQuerySerializer, StatusSerializer
from ..throttling import StatusThrottle
from .base import KanskaartAPIView, api_schema, query_language
from .outcomes import status_payload

# The form of a status token: base64url without padding; see intake.tokens.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown token.")


def _private(response):
    # The token is in the address, so keep the response out of shared
    # caches, search engines and the Referer header.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class StatusTokenView(KanskaartAPIView):
    throttle_classes = [StatusThrottle]

    def get_request_obj(self, token):
        request_obj = None
        if TOKEN_RE.match(token):
            request_obj = (
                InitiativeRequest.objects.select_related(
                    "municipality", "neighbourhood"
                )
                .prefetch_related("need_set")
                .filter(status_token_hash=hash_token(token))
                .first()
            )
        if request_obj is None:
            raise NotFound(
                _("This link does not work. Check that you copied it whole.")
            )
        # Without ?language=, the resident reads in the language she used.
        self.use_language(query_language(self.request) or request_obj.language)
        return request_obj

    def respond(self, request_obj):
        payload = status_payload(
            request_obj, self.language, lifecycle.can_withdraw(request_obj)
        )
        return _private(Response(StatusSerializer(payload).data))

    def finalize_response(self, request, response, *args, **kwargs):
        return _private(super().finalize_response(request, response, *args, **kwargs))


class StatusView(StatusTokenView):
    @api_schema(
        operation_id="status_retrieve",
        tags=["status"],
        summary="The status of a request, by its secret token",
        description="The token is the last part of status_api_url from the "
        "submit answer. Texts are in the resident's language unless "
        "?language= says otherwise.",
        parameters=[LanguageQuerySerializer],
        responses={200: StatusSerializer, 404: NOT_FOUND, 429: ErrorSerializer},
    )
    def get(self, request, token):
        return self.respond(self.get_request_obj(token))


class WithdrawView(StatusTokenView):
    @api_schema(
        operation_id="status_withdraw",
        tags=["status"],
        summary="Withdraw a request before payout",
        description="Releases the money, cancels bookings and takes the "
        "initiative page offline. 409 once the request is paid, declined or "
        "withdrawn. No body.",
        request=None,
        parameters=[LanguageQuerySerializer],
        responses={
            200: StatusSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Origin not allowed."),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="Cannot be withdrawn."),
            429: ErrorSerializer,
        },
    )
    def post(self, request, token):
        request_obj = self.get_request_obj(token)
        if not origin_may_write(request, request_obj.municipality):
            raise PermissionDenied(
                _("This website may not change requests of this municipality."),
                code="origin_not_allowed",
            )
        try:
            lifecycle.withdraw(request_obj)
        except lifecycle.TransitionError as error:
            raise Conflict(
                _("You can no longer withdraw this request."),
                code="withdraw_not_allowed",
            ) from error
        return self.respond(self.get_request_obj(token))
