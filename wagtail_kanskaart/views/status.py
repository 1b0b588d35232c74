"""The resident's outcome and status pages, reached with her secret token."""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..intake import lifecycle
from ..intake.outcome import build_outcome
from ..intake.tokens import hash_token
from ..models import InitiativeRequest
from .urls import status_url, withdraw_url


def get_request_for_token(page, token):
    """Return the request this token opens on this form page, or None."""
    return (
        InitiativeRequest.objects.select_related("municipality", "neighbourhood")
        .prefetch_related("need_set")
        .filter(
            status_token_hash=hash_token(token), municipality_id=page.get_parent().pk
        )
        .first()
    )


def _private(response):
    # The token is in the address: keep it out of caches, search engines and
    # the Referer header of links the resident follows.
    response["Cache-Control"] = "private, no-store"
    # "same-origin" rather than "no-referrer": with no referrer at all,
    # browsers send "Origin: null" with the withdraw form, and Django's CSRF
    # check refuses that.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render(request, page, request_obj, template, **extra):
    context = page.get_context(request)
    context.update(
        {
            "request_obj": request_obj,
            # The hosted pages are in the site's language, so their per-need
            # texts are too, whatever language the request came in.
            "outcome": build_outcome(request_obj, get_language()),
            "status_link": status_url(request_obj),
            "status_path": status_url(request_obj, absolute=False),
            "withdraw_link": withdraw_url(request_obj),
            "can_withdraw": lifecycle.can_withdraw(request_obj),
            "municipality": request_obj.municipality,
            **extra,
        }
    )
    response = TemplateResponse(request, template, context)
    response.render()
    return _private(response)


def token_view(view):
    """Look up the token's request, or render a plain 404 page when there is none."""

    @wraps(view)
    def wrapper(request, page, token):
        request_obj = get_request_for_token(page, token)
        if request_obj is None:
            context = page.get_context(request)
            context["municipality"] = page.municipality
            response = TemplateResponse(
                request, "wagtail_kanskaart/link_not_found.html", context, status=404
            )
            response.render()
            return _private(response)
        return view(request, page, request_obj)

    return never_cache(wrapper)


@token_view
def outcome_view(request, page, request_obj):
    return _render(request, page, request_obj, "wagtail_kanskaart/outcome.html")


def _withdrawal_frees(request_obj):
    if not lifecycle.can_withdraw(request_obj):
        return {}
    return lifecycle.withdrawal_frees(request_obj)


@token_view
def status_view(request, page, request_obj):
    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/status.html",
        withdrawal_frees=_withdrawal_frees(request_obj),
    )


@token_view
def withdraw_view(request, page, request_obj):
    if request.method == "POST":
        try:
            lifecycle.withdraw(request_obj)
        except lifecycle.TransitionError:
            messages.error(request, _("You can no longer withdraw this request."))
        else:
            messages.success(request, _("Your request is withdrawn."))
        return _private(redirect(status_url(request_obj, absolute=False)))
    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/withdraw.html",
        withdrawal_frees=_withdrawal_frees(request_obj),
    )
