"""The short address on the paper card: count the visit, open the form.

The view sets no cookie, reads no session, and stores or logs nothing about
the visitor: only the count per neighbourhood and day goes up. Responses are
``Cache-Control: no-store``, so every scan reaches the server and is
counted, and ``Referrer-Policy: no-referrer``, so the browser sends no
Referer header with the request that follows the redirect. The form learns
that a card was used from ``bron=kaart`` only.
"""

import re
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views import View

from ..models import Neighbourhood
from ..views.form import CARD_SOURCE_FIELD, CARD_SOURCE_VALUE
from . import visits

# Card codes are letters and digits; the model allows up to 20. Anything
# else is rejected before it reaches the database, because PostgreSQL
# rejects strings with NUL characters.
CODE_RE = re.compile(r"[A-Za-z0-9]{1,20}")


def find_neighbourhood(code: str):
    """Return the neighbourhood with this card code in any letter case, or None."""
    if not CODE_RE.fullmatch(code):
        return None
    return (
        Neighbourhood.objects.select_related("municipality")
        .filter(card_code=code.lower())
        .first()
    )


def form_address(neighbourhood) -> str:
    """Return the absolute address of the live form with the neighbourhood chosen.

    Returns "" when the municipality has no live form page, or the page is
    not under a Wagtail site.
    """
    form_page = neighbourhood.municipality.form_page
    if form_page is None:
        return ""
    url = form_page.full_url
    if not url:
        return ""
    query = urlencode(
        {"wijk": neighbourhood.slug, CARD_SOURCE_FIELD: CARD_SOURCE_VALUE}
    )
    return f"{url}?{query}"


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


class ShortAddressView(View):
    """Redirect ``/k/<code>/`` to the form, and count one visit per GET.

    HEAD and OPTIONS get a response without counting, so link checkers and
    previews that only ask for headers do not inflate the numbers. A code
    that is invalid or unknown gets the not-found page with status 404.
    A known code whose municipality has no live form page still counts,
    because the card was used, and gets a page that says the form is closed.
    """

    http_method_names = ["get", "head", "options"]

    def get(self, request, code):
        return self.answer(request, code, count=True)

    def head(self, request, code):
        return self.answer(request, code, count=False)

    def answer(self, request, code, count):
        neighbourhood = find_neighbourhood(code)
        if neighbourhood is None:
            return self.page(request, "card_not_found", {}, status=404)
        if count:
            visits.count_visit(neighbourhood)
        target = form_address(neighbourhood)
        if not target:
            context = {
                "municipality": neighbourhood.municipality,
                "neighbourhood": neighbourhood,
            }
            return self.page(request, "card_form_closed", context, status=200)
        return _private(HttpResponseRedirect(target))

    def options(self, request, *args, **kwargs):
        return _private(super().options(request, *args, **kwargs))

    def page(self, request, name, context, status):
        response = TemplateResponse(
            request, f"wagtail_kanskaart/{name}.html", context, status=status
        )
        response.render()
        return _private(response)
