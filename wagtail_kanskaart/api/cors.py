"""Which websites may call the API from a browser: the origins municipalities list.

Browsers ask first (a CORS preflight) and only send the real request when
the response allows their origin. A preflight does not carry the body, so it
cannot tell which municipality a submission is for. Therefore:

- a preflight or a read from any origin that some live municipality lists
  is allowed (``django-cors-headers`` asks :func:`cors_origin_allowed`);
- the submission and withdrawal endpoints then check the ``Origin`` header
  against the one municipality the request is for and answer 403 otherwise
  (:func:`origin_may_write`).

CORS is no authentication: a client outside a browser sends any ``Origin``
or none. It only stops other websites from using a resident's browser to
call the API on their behalf.
"""

from urllib.parse import urlsplit

from corsheaders.signals import check_request_enabled
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse

from ..models import MunicipalityPage

API_ROOT_NAME = "kanskaart_api:root"


def normalise_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` in lower case, or "" for anything else."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def _parse_origins(text) -> set[str]:
    origins = {normalise_origin(line) for line in (text or "").splitlines()}
    origins.discard("")
    return origins


def origins_of(municipality) -> set[str]:
    """Return the origins a municipality allows, from one origin per line."""
    return _parse_origins(municipality.allowed_origins)


def listed_origins() -> set[str]:
    """Return every origin that some live municipality allows."""
    # Only the one column is read: this runs on every cross-origin API call.
    origins = set()
    texts = MunicipalityPage.objects.live().values_list("allowed_origins", flat=True)
    for text in texts:
        origins |= _parse_origins(text)
    return origins


def is_api_request(request) -> bool:
    try:
        prefix = reverse(API_ROOT_NAME)
    except NoReverseMatch:
        return False
    return request.path.startswith(prefix)


def is_same_origin(request, origin: str) -> bool:
    return origin == normalise_origin(f"{request.scheme}://{request.get_host()}")


def origin_may_write(request, municipality) -> bool:
    """Tell whether a submission or withdrawal for this municipality may proceed.

    Requests without an ``Origin`` header (servers, command-line clients)
    and same-origin requests may; a browser on another website only when the
    municipality lists that website's origin.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    origin = normalise_origin(origin)
    if origin and is_same_origin(request, origin):
        return True
    return bool(origin) and origin in origins_of(municipality)


@receiver(check_request_enabled, dispatch_uid="wagtail_kanskaart.api.cors")
def cors_origin_allowed(sender, request, **kwargs):
    """Allow CORS on the API for origins that a live municipality lists."""
    if not is_api_request(request):
        return False
    origin = normalise_origin(request.headers.get("Origin", ""))
    return bool(origin) and origin in listed_origins()
