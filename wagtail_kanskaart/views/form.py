"""The hosted request form: works without JavaScript."""

import logging
import uuid

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..api.throttling import SubmitThrottle
from ..cards.visits import CARD_SOURCE
from ..intake.forms import IDEMPOTENCY_KEY_RE, RequestForm
from ..intake.policy import limits_for
from ..intake.submit import IdempotencyConflict, submit_request
from ..transparency import find_neighbourhood
from .urls import outcome_url

logger = logging.getLogger("wagtail_kanskaart")

# The hidden field that people never see and simple bots fill in.
HONEYPOT_FIELD = "website"


def _new_key():
    return uuid.uuid4().hex


def _chosen_neighbourhood(request, municipality):
    # A card's web address carries the neighbourhood as ?wijk=<slug>.
    return find_neighbourhood(municipality, request.GET.get("wijk", ""))


# A form opened from a paper card's address carries ?bron=kaart, and the
# form sends it back in a hidden field. Only this one value marks a request
# as coming from a card; any other value is ignored.
CARD_SOURCE_FIELD = "bron"
CARD_SOURCE_VALUE = "kaart"


def _source(query) -> str:
    """Return the request's source: "card" for ?bron=kaart, else "form"."""
    if query.get(CARD_SOURCE_FIELD) == CARD_SOURCE_VALUE:
        return CARD_SOURCE
    return "form"


def request_form_view(request, page):
    municipality = page.municipality
    idempotency_key = request.POST.get("idempotency_key", "")
    if not IDEMPOTENCY_KEY_RE.match(idempotency_key):
        idempotency_key = _new_key()
    notice = ""
    status = 200

    if request.method == "POST":
        form = RequestForm(
            request.POST, municipality=municipality, use_required_attribute=False
        )
        if request.POST.get(HONEYPOT_FIELD, "").strip():
            logger.info("Hosted form post rejected: the honeypot field was filled in")
            notice = _(
                "We could not take your request. Try again, or contact your "
                "municipality."
            )
            status = 400
        # Only posts that would create a request count towards the limit,
        # so a resident who corrects a few mistakes is never throttled.
        elif form.is_valid() and not SubmitThrottle().allow_request(request, None):
            logger.info("Hosted form post throttled")
            notice = _("You sent too many requests. Try again later.")
            status = 429
        elif form.is_valid():
            try:
                result = submit_request(
                    municipality,
                    form.cleaned_data,
                    idempotency_key=idempotency_key,
                    source=_source(request.POST),
                    language=(get_language() or "nl")[:2],
                )
            except IdempotencyConflict:
                notice = _(
                    "You already sent this form. Check your e-mail for the link "
                    "to your request. Do you want to ask for something else? "
                    "Send the form again."
                )
                idempotency_key = _new_key()
            else:
                return redirect(outcome_url(result.request), permanent=False)
    else:
        chosen = _chosen_neighbourhood(request, municipality)
        form = RequestForm(
            municipality=municipality,
            initial={"neighbourhood": chosen.slug if chosen else ""},
            use_required_attribute=False,
        )

    data = request.POST if request.method == "POST" else request.GET
    from_card = _source(data) == CARD_SOURCE

    limits = limits_for(municipality, None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "municipality": municipality,
            "idempotency_key": idempotency_key,
            "notice": notice,
            "honeypot_field": HONEYPOT_FIELD,
            "card_source_field": CARD_SOURCE_FIELD,
            "card_source_value": CARD_SOURCE_VALUE if from_card else "",
            "max_request_amount": limits.max_request_amount,
            "instant_grant_limit": limits.instant_grant_limit,
        }
    )
    return TemplateResponse(
        request, "wagtail_kanskaart/request_form_page.html", context, status=status
    )
