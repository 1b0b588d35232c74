"""Create the public page of a new initiative."""

from django.utils.text import slugify
from wagtail.models import Page

from ..models import InitiativePage


def create_initiative_page(request, municipality, user=None):
    """Add a draft ``InitiativePage`` for a request and start its moderation.

    The page holds the title, the neighbourhood, the needs and the
    description, never contact details. Where the municipality publishes at
    once, the page goes live straight away; otherwise it enters the
    municipality's moderation workflow, if one is set, or stays a draft.
    """
    slug = slugify(f"{request.title}-{request.reference}")[:80] or request.reference.lower()
    page = InitiativePage(
        title=request.title,
        slug=slug,
        neighbourhood=request.neighbourhood,
        summary=request.description,
        needs=list(request.needs),
        live=False,
    )
    parent = Page.objects.get(pk=municipality.pk)
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)

    if municipality.publish_initiatives_at_once:
        revision.publish(user=user)
    else:
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, user)

    request.initiative_page = page
    request.save(update_fields=["initiative_page"])
    return page
