"""The payout part of the resident's status page."""

from django import template

register = template.Library()


@register.simple_tag
def kanskaart_payout(request_obj):
    """Return the payout state of a request and the address of its bank account page.

    The IBAN in it is masked; the full number never reaches a template of
    the status page.
    """
    from ..views.payout import payout_context

    return payout_context(request_obj)
