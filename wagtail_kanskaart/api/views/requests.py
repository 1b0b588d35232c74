"""The anonymous intake: ``POST requests/`` hands a request to the intake service."""

import logging

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response

from ...intake.forms import IDEMPOTENCY_KEY_RE, RequestForm
from ...intake.submit import IdempotencyConflict, submit_request
from ..cors import origin_may_write
from ..exceptions import Conflict, InvalidInput, Rejected
from ..request_body import (
    DEFAULT_LANGUAGE,
    RequestBodySerializer,
    check_types,
    chosen_space,
    form_data,
    form_errors,
    merge_errors,
    request_language,
)
from ..serializers import ErrorSerializer, SubmitResponseSerializer
from ..throttling import SubmitThrottle
from .base import KanskaartAPIView, api_schema, live_municipality, query_language
from .outcomes import submit_payload

logger = logging.getLogger("wagtail_kanskaart")

REPLAYED_HEADER = "Idempotent-Replayed"


def _error(description):
    return OpenApiResponse(ErrorSerializer, description=description)


def _honeypot_filled(body) -> bool:
    website = body.get("website")
    if isinstance(website, str):
        return bool(website.strip())
    return website is not None


def _idempotency_key(request):
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY_RE.match(key):
        raise InvalidInput(
            {
                "Idempotency-Key": [
                    _(
                        "Use 16 to 128 letters, digits, - or _ as the "
                        "Idempotency-Key, for example a UUID without braces."
                    )
                ]
            },
            message=_("The Idempotency-Key header is invalid."),
            code="invalid_idempotency_key",
        )
    return key


class RequestCreateView(KanskaartAPIView):
    throttle_classes = [SubmitThrottle]

    body_error = None

    def resolve_language(self, request):
        language = query_language(request)
        if language:
            return language
        # The language is in the body, and throttling runs before the
        # handler. A body that cannot be parsed is kept to raise in post(),
        # because DRF replaces it with an empty one after the first failure.
        try:
            body = request.data
        except APIException as error:
            self.body_error = error
            return DEFAULT_LANGUAGE
        return request_language(body) or DEFAULT_LANGUAGE

    @api_schema(
        operation_id="request_create",
        tags=["requests"],
        summary="Send a resident's request and get the outcome at once",
        description="Anonymous; JSON only. The body is checked with the same "
        "rules as the hosted form, and errors come back per field path "
        "(contact.email, needs.budget.amount) in the body's language. Send an "
        "Idempotency-Key per form fill: a repeat with the same key and body "
        "returns the first outcome with status 200 and Idempotent-Replayed: "
        "true. From a browser, the Origin must be one the municipality allows.",
        request=RequestBodySerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                pattern=IDEMPOTENCY_KEY_RE.pattern,
                description="One random key per form fill (16-128 of A-Z a-z 0-9 _ -). "
                "A repeat with the same key and body returns the first outcome.",
            )
        ],
        responses={
            201: SubmitResponseSerializer,
            200: OpenApiResponse(
                SubmitResponseSerializer,
                description="A repeat of an earlier request with the same "
                "Idempotency-Key and body: the first outcome, nothing new.",
            ),
            400: _error("Invalid JSON, invalid fields, or a rejected request."),
            403: _error("The Origin is not allowed for this municipality."),
            404: _error("Unknown municipality."),
            409: _error("The Idempotency-Key was used with another body."),
            413: _error("The body is too large."),
            415: _error("The body is not JSON."),
            429: _error("Too many requests from this address."),
        },
    )
    def post(self, request):
        if self.body_error is not None:
            raise self.body_error
        key = _idempotency_key(request)
        body = request.data
        values, type_errors = check_types(RequestBodySerializer(), body)
        if values is None:
            raise InvalidInput(type_errors)
        if _honeypot_filled(body):
            logger.info("API request rejected: the honeypot field was filled in")
            raise Rejected(
                _(
                    "We could not take your request. Try again, or contact your "
                    "municipality."
                )
            )
        if "municipality" in type_errors:
            raise InvalidInput(type_errors)

        municipality = live_municipality(values["municipality"])
        if not origin_may_write(request, municipality):
            logger.info(
                "API request rejected: origin %r is not allowed for municipality %s",
                request.headers.get("Origin", "")[:200],
                municipality.slug,
            )
            raise PermissionDenied(
                _("This website may not send requests to this municipality."),
                code="origin_not_allowed",
            )

        data = self.validate(municipality, body, values, type_errors)
        try:
            result = submit_request(
                municipality,
                data,
                idempotency_key=key,
                source="api",
                language=self.language,
            )
        except IdempotencyConflict as error:
            raise Conflict(
                _(
                    "This Idempotency-Key was used for a request with other answers. "
                    "Use a new key for a new request."
                ),
                code="idempotency_conflict",
            ) from error

        headers = {} if result.created else {REPLAYED_HEADER: "true"}
        return Response(
            SubmitResponseSerializer(submit_payload(result, request)).data,
            status=201 if result.created else 200,
            headers=headers,
        )

    def validate(self, municipality, body, values, type_errors):
        """Return ``cleaned_data`` for ``submit_request``, or raise ``InvalidInput``."""
        form = RequestForm(form_data(body, values), municipality=municipality)
        rule_errors = {} if form.is_valid() else form_errors(form)

        space = None
        space_values = (values.get("needs") or {}).get("space") or {}
        space_id = space_values.get("space")
        neighbourhood = form.cleaned_data.get("neighbourhood")
        if space_id is not None and neighbourhood is not None:
            space = chosen_space(municipality, neighbourhood, space_id)
            if space is None:
                rule_errors["needs.space.space"] = [
                    _("Choose a space from the list for your neighbourhood.")
                ]

        errors = merge_errors(type_errors, rule_errors)
        if errors:
            raise InvalidInput(errors)
        data = dict(form.cleaned_data)
        if space is not None:
            data["space"] = space
        return data
