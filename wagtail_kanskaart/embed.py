"""The code a municipality pastes into its own website to show the form."""

from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import gettext as _


def _absolute(url, root_url):
    if url.startswith(("http://", "https://", "//")) or not root_url:
        return url
    return root_url.rstrip("/") + url


def embed_snippet(municipality) -> str:
    """Return the script tag and element that show this municipality's form.

    The link inside the element is what visitors without JavaScript see: it
    leads to the hosted form page.
    """
    site = municipality.get_site()
    root_url = site.root_url if site else ""
    script_url = _absolute(static("wagtail_kanskaart/kanskaart-form.js"), root_url)
    form_page = municipality.form_page
    fallback_url = form_page.full_url if form_page else municipality.full_url
    return (
        f'<script src="{escape(script_url)}" defer></script>\n'
        f'<kanskaart-form municipality="{escape(municipality.slug)}" lang="nl">\n'
        f'  <a href="{escape(fallback_url or "")}">'
        f"{escape(_('Ask for help, a room or a small budget for your idea'))}</a>\n"
        f"</kanskaart-form>"
    )
