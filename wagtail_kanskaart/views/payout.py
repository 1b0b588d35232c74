"""The page where the resident gives the bank account for her granted money."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..intake import payouts
from ..intake.tokens import token_for
from .status import _private, _render, token_view
from .urls import _subpage_url, status_url


def payout_url(request_obj, absolute=False) -> str:
    """Return the address of the bank account page, or "" without a form page."""
    return _subpage_url(
        request_obj, "payout", token_for(request_obj.token_salt), absolute
    )


def payout_context(request_obj) -> dict:
    """Return what the status page shows about the payout, with the page's address."""
    state = payouts.payout_state(request_obj)
    return {"state": state, "url": payout_url(request_obj)}


@token_view
def payout_view(request, page, request_obj):
    back = status_url(request_obj, absolute=False)
    state = payouts.payout_state(request_obj)
    form = payouts.IbanForm(use_required_attribute=False)

    if request.method == "POST":
        if not state.may_give_iban:
            messages.error(request, _("You can no longer change your bank account."))
            return _private(redirect(back))
        form = payouts.IbanForm(request.POST, use_required_attribute=False)
        if form.is_valid():
            try:
                payouts.give_iban(
                    request_obj,
                    form.cleaned_data["iban"],
                    form.cleaned_data["account_holder"],
                )
            except payouts.PayoutError:
                messages.error(
                    request, _("You can no longer change your bank account.")
                )
            else:
                messages.success(
                    request, _("Thank you. We pay the money to this bank account.")
                )
            return _private(redirect(back))

    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/payout.html",
        form=form,
        payout=state,
        payout_link=payout_url(request_obj),
    )
