"""Addresses of the resident's pages, for views, e-mails and the API."""

from ..intake.tokens import token_for


def _subpage_url(request_obj, route, token, absolute):
    form_page = request_obj.municipality.form_page
    if form_page is None:
        return ""
    base = form_page.full_url if absolute else form_page.url
    if not base:
        return ""
    return base + form_page.reverse_subpage(route, kwargs={"token": token})


def status_url(request_obj, absolute=True) -> str:
    """Return the resident's personal status link, or "" without a form page."""
    return _subpage_url(
        request_obj, "status", token_for(request_obj.token_salt), absolute
    )


def outcome_url(request_obj, absolute=False) -> str:
    return _subpage_url(
        request_obj, "outcome", token_for(request_obj.token_salt), absolute
    )


def withdraw_url(request_obj, absolute=False) -> str:
    """Return the address of the page where the resident confirms a withdrawal."""
    return _subpage_url(
        request_obj, "withdraw", token_for(request_obj.token_salt), absolute
    )
