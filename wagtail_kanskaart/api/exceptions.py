"""API errors and the one envelope every error response uses.

Every error body is ``{"code": ..., "message": ...}``, plus ``errors`` (field
path to messages) for invalid input and ``retry_after`` for throttling. The
messages are rendered in the request's language, which the views activate
before anything can fail.
"""

import math
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

NON_FIELD_ERRORS = "non_field_errors"


class InvalidInput(exceptions.APIException):
    """Input that breaks a rule: ``errors`` maps field paths to messages."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors, message=None, code=None):
        self.errors = errors
        super().__init__(message or _("Check the fields with an error."), code)


class Rejected(exceptions.APIException):
    """A submission rejected without saying why, such as a filled honeypot field."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "rejected"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def join_path(prefix, name):
    return f"{prefix}.{name}" if prefix else str(name)


def flatten_errors(detail, prefix="") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into ``{"contact.email": [messages]}``.

    A nested object's own errors (DRF's ``non_field_errors``) belong to the
    object's path; at the top level they keep the name ``non_field_errors``.
    """
    flat = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                path = prefix or NON_FIELD_ERRORS
            else:
                path = join_path(prefix, key)
            for nested_path, messages in flatten_errors(value, path).items():
                flat.setdefault(nested_path, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for item in detail:
            if isinstance(item, Mapping | list | tuple):
                for nested_path, messages in flatten_errors(item, prefix).items():
                    flat.setdefault(nested_path, []).extend(messages)
            else:
                flat.setdefault(prefix or NON_FIELD_ERRORS, []).append(str(item))
    else:
        flat.setdefault(prefix or NON_FIELD_ERRORS, []).append(str(detail))
    return flat


def _throttled_message(wait):
    if wait is None:
        return _("You sent too many requests. Try again later.")
    minutes = max(1, math.ceil(wait / 60))
    return ngettext(
        "You sent too many requests. Try again in %(minutes)s minute.",
        "You sent too many requests. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def _message_for(exc, request):
    """Return our own message for DRF's exceptions, in the active language."""
    if isinstance(exc, InvalidInput | Rejected | Conflict | PayloadTooLarge):
        return str(exc.detail)
    if isinstance(exc, exceptions.ValidationError):
        return _("Check the fields with an error.")
    if isinstance(exc, exceptions.ParseError):
        return str(exc.detail)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the request body as JSON, with Content-Type: application/json.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = request.method if request is not None else ""
        return _("This address does not accept the %(method)s method.") % {
            "method": method
        }
    if isinstance(exc, exceptions.NotAcceptable):
        return _("This API only answers in JSON. Accept application/json.")
    if isinstance(exc, exceptions.Throttled):
        return _throttled_message(exc.wait)
    if isinstance(exc, exceptions.NotFound):
        return str(exc.detail)
    if isinstance(exc, exceptions.PermissionDenied):
        return str(exc.detail)
    return str(exc.detail)


def _code_for(exc):
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def api_exception_handler(exc, context):
    """Turn an exception into the JSON error envelope, or return None for a 500.

    Only ``APIException`` and Django's ``Http404`` and ``PermissionDenied`` are
    handled. Anything else is a bug, which must surface as a 500 and not
    pass for bad input.
    """
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You may not do this."))
    if not isinstance(exc, exceptions.APIException):
        return None

    request = context.get("request")
    body = {"code": _code_for(exc), "message": _message_for(exc, request)}
    headers = {}
    if isinstance(exc, InvalidInput):
        body["errors"] = exc.errors
    elif isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["errors"] = flatten_errors(exc.detail)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = math.ceil(exc.wait)
        headers["Retry-After"] = str(math.ceil(exc.wait))

    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
