"""A JSON parser with a size limit that refuses text the database cannot store."""

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ..conf import kanskaart_settings
from .exceptions import PayloadTooLarge


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _too_large():
    limit = kanskaart_settings.API_MAX_BODY_SIZE
    return PayloadTooLarge(
        _("The request body is too large: send at most %(size)s bytes.")
        % {"size": limit}
    )


class BoundedJSONParser(JSONParser):
    """Parse at most ``KANSKAART_API_MAX_BODY_SIZE`` bytes of strict JSON.

    DRF's own parser reads the whole stream, and Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not apply to it. This one reads one
    byte past the limit to tell a large body apart from one that fits.
    ``NaN`` and ``Infinity``, nesting deeper than Python's recursion limit,
    lone surrogates and NUL characters are rejected as invalid JSON: the
    renderer cannot encode surrogates, and PostgreSQL cannot store NUL.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = kanskaart_settings.API_MAX_BODY_SIZE
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise _too_large()

        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise _too_large()

        try:
            # RFC 8259: JSON between systems is UTF-8, whatever charset the
            # Content-Type names.
            data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
            # Encoding the parsed value again finds lone surrogates ("\ud800"),
            # which json.loads accepts and UTF-8 cannot hold.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, UnicodeError, RecursionError) as error:
            raise ParseError(_("The request body is not valid JSON.")) from error
        if _contains_nul(data):
            raise ParseError(_("The request body contains a NUL character."))
        return data


def _contains_nul(value) -> bool:
    # A stack instead of recursion: the nesting depth is up to the client.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
