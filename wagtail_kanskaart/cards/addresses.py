"""The card's short address: ``<base>/k/<code>/`` and its printed form."""

from django.urls import NoReverseMatch, reverse

from ..conf import kanskaart_settings

URL_NAME = "kanskaart_cards:short_address"


class ShortAddressUnavailable(Exception):
    """An error: the short address cannot be built; the message is for editors."""


def short_path(neighbourhood) -> str:
    """Return the path of the card address, e.g. "/k/k7m2xq/".

    Raises ``ShortAddressUnavailable`` when the site's ``urls.py`` does not
    include ``wagtail_kanskaart.cards.urls``.
    """
    try:
        return reverse(URL_NAME, kwargs={"code": neighbourhood.card_code})
    except NoReverseMatch as error:
        raise ShortAddressUnavailable(
            "The site's urls.py does not include wagtail_kanskaart.cards.urls."
        ) from error


def base_url(municipality) -> str:
    """Return the scheme and host the card address starts with, without "/".

    ``KANSKAART_CARD_BASE_URL`` wins; otherwise the root URL of the Wagtail
    site the municipality page belongs to. Raises ``ShortAddressUnavailable``
    when neither exists.
    """
    configured = kanskaart_settings.CARD_BASE_URL
    if configured:
        return configured.rstrip("/")
    site = municipality.get_site()
    if site is None:
        raise ShortAddressUnavailable(
            "The municipality page belongs to no Wagtail site."
        )
    return site.root_url.rstrip("/")


def short_url(neighbourhood) -> str:
    """Return the absolute card address, e.g. "https://roosendaal.nl/k/k7m2xq/"."""
    return base_url(neighbourhood.municipality) + short_path(neighbourhood)


def printed_address(url: str) -> str:
    """Return the address as the card prints it: no "https://", no final "/".

    The view serves the address without the final slash as well.
    """
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            url = url[len(scheme) :]
            break
    return url.rstrip("/")
