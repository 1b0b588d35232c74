"""The moderation part of the resident's status page."""

from django import template

register = template.Library()


@register.simple_tag
def kanskaart_public_page_state(request_obj):
    """Return the state of the public page of an idea and the link to change it.

    ``change_link`` is empty unless the editors asked for changes.
    """
    from ..moderation import public_page_state
    from ..views.moderation import change_idea_url

    state = public_page_state(request_obj)
    return {
        "changes": state.changes,
        "live_url": state.live_url,
        "in_moderation": state.in_moderation,
        "change_link": change_idea_url(request_obj) if state.changes else "",
    }
