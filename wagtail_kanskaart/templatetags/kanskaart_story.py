"""The story part of the resident's status page."""

from django import template

register = template.Library()


@register.simple_tag
def kanskaart_story_state(request_obj):
    """Return the state of the request's story and the address of its form.

    ``link`` is empty unless the resident can write or change her story.
    """
    from ..intake.story import CAN_WRITE, CHANGES_REQUESTED, story_state
    from ..views.story import story_url

    state = story_state(request_obj)
    writable = state.state in (CAN_WRITE, CHANGES_REQUESTED)
    return {
        "state": state.state,
        "reason": state.reason,
        "url": state.url,
        "comment": state.comment,
        "link": story_url(request_obj) if writable else "",
    }


@register.simple_tag
def kanskaart_story_summary(request_obj):
    """Return the story's state in words and its page, for the editors' inspect view."""
    from ..admin.request_display import story_summary

    return story_summary(request_obj)


@register.simple_tag
def kanskaart_story_lead(page):
    """Return the introduction to show above a story page's body, or ""."""
    from ..intake.story import story_lead

    return story_lead(page)
