"""The resident's status by her secret token, and her withdrawal."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from ...intake import lifecycle, payouts
from ...intake.tokens import hash_token
from ...models import InitiativeRequest
from ..cors import origin_may_write
from ..exceptions import Conflict, InvalidInput
from ..fields import TextField
from ..request_body import (
    StrictObjectSerializer,
    check_types,
    form_errors,
    merge_errors,
)
from ..serializers import (
    ErrorSerializer,
    LanguageQuerySerializer,
    StatusSerializer,
    money,
)
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
        "withdrawn, in a payout batch, or has a story (see can_withdraw). "
        "No body.",
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


class PayoutBodySerializer(StrictObjectSerializer):
    iban = TextField(
        help_text="The IBAN; spaces and lower case are accepted, e.g. "
        "nl91 abna 0417 1643 00. Only accounts in the SEPA zone."
    )
    account_holder = TextField(help_text="The name the bank shows with the account.")


class PayoutSerializer(serializers.Serializer):
    granted = serializers.BooleanField(help_text="Money is granted for this request.")
    may_give_iban = serializers.BooleanField(
        help_text="An IBAN can be given or changed now: money is granted and "
        "reserved, not paid, and not yet in a payout batch."
    )
    iban_masked = serializers.CharField(
        help_text="The given IBAN with all but the country and the last 4 "
        'characters hidden, e.g. "NL** **** **** **** 4300"; empty when none.'
    )
    iban_given_at = serializers.DateTimeField(allow_null=True)
    in_payout_batch = serializers.BooleanField(
        help_text="An editor is paying the money out; the IBAN cannot change."
    )
    paid = serializers.BooleanField()
    amount = money()


def payout_payload(request_obj):
    state = payouts.payout_state(request_obj)
    return {
        "granted": state.granted,
        "may_give_iban": state.may_give_iban,
        "iban_masked": state.iban_masked,
        "iban_given_at": state.iban_given_at,
        "in_payout_batch": state.in_batch,
        "paid": state.paid,
        "amount": state.amount,
    }


class PayoutView(StatusTokenView):
    """The bank account for a request's granted money, by the status token."""

    def respond_payout(self, request_obj):
        return _private(Response(PayoutSerializer(payout_payload(request_obj)).data))

    @api_schema(
        operation_id="status_payout_retrieve",
        tags=["status"],
        summary="Whether the bank account can be given, and the masked IBAN",
        parameters=[LanguageQuerySerializer],
        responses={200: PayoutSerializer, 404: NOT_FOUND, 429: ErrorSerializer},
    )
    def get(self, request, token):
        return self.respond_payout(self.get_request_obj(token))

    @api_schema(
        operation_id="status_payout_update",
        tags=["status"],
        summary="Give or change the bank account for granted money",
        description="Accepted while money is granted and reserved, not paid, "
        "and the request is not in a payout batch; 409 otherwise. The IBAN "
        "is checked for its country format and check digits; errors come "
        "back per field (iban, account_holder). The answer holds the IBAN "
        "masked only.",
        request=PayoutBodySerializer,
        parameters=[LanguageQuerySerializer],
        responses={
            200: PayoutSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid fields."),
            403: OpenApiResponse(ErrorSerializer, description="Origin not allowed."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer, description="The bank account cannot be given now."
            ),
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
        values, type_errors = check_types(PayoutBodySerializer(), request.data)
        if values is None:
            raise InvalidInput(type_errors)
        if not payouts.may_give_iban(request_obj):
            raise Conflict(
                _("You can no longer change your bank account."),
                code="payout_not_allowed",
            )
        form = payouts.IbanForm({name: value or "" for name, value in values.items()})
        rule_errors = {} if form.is_valid() else form_errors(form)
        if type_errors or rule_errors:
            raise InvalidInput(merge_errors(type_errors, rule_errors))
        try:
            payouts.give_iban(
                request_obj,
                form.cleaned_data["iban"],
                form.cleaned_data["account_holder"],
            )
        except payouts.PayoutError as error:
            raise Conflict(
                _("You can no longer change your bank account."),
                code="payout_not_allowed",
            ) from error
        return self.respond_payout(self.get_request_obj(token))
