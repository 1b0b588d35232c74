"""Create the public page of a new initiative."""

import secrets

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from wagtail.models import Page

from ..models import InitiativePage
from ..transparency import redact_contact_details

# Wagtail page slugs may be up to 255 characters; shorter ones read better
# in an address.
SLUG_TITLE_LENGTH = 60
SLUG_SUFFIX_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _title_part(title, fallback="idee") -> str:
    return slugify(title)[:SLUG_TITLE_LENGTH].strip("-") or fallback


def initiative_slug(title, parent, page=None) -> str:
    """Return a slug from ``title`` and a random suffix, unique under ``parent``.

    Pass the public title, with contact details replaced, because the slug
    is public too. ``page`` is left out of the uniqueness check, so a page
    can get a new slug. The request's reference stays out of the public
    address: residents quote it when they write to the municipality.
    """
    return unique_page_slug(title, parent, page=page)


def unique_page_slug(title, parent, page=None, fallback="idee") -> str:
    """Return a slug from ``title`` and a random suffix, unique under ``parent``.

    ``fallback`` is the slug's first part for a title without letters or
    digits. See :func:`initiative_slug`.
    """
    title_part = _title_part(title, fallback)
    siblings = parent.get_children()
    if page is not None:
        siblings = siblings.exclude(pk=page.pk)
    for _attempt in range(20):
        suffix = "".join(secrets.choice(SLUG_SUFFIX_ALPHABET) for _ in range(5))
        slug = f"{title_part}-{suffix}"
        if not siblings.filter(slug=slug).exists():
            return slug
    raise RuntimeError("No free page slug after 20 attempts")


def create_initiative_page(request, municipality, user=None):
    """Add a draft ``InitiativePage`` for a request and start its moderation.

    The page holds the title, the neighbourhood, the needs and the
    description; e-mail addresses and phone numbers typed into the title or
    description are replaced by a marker (names cannot be found this way, so
    moderation remains the check for those). Where the municipality publishes at
    once, the page goes live straight away; otherwise it enters the
    municipality's moderation workflow, if one is set, or stays a draft.
    Call it inside a transaction: the municipality page stays locked until
    the commit.
    """
    # Wagtail computes a new page's tree path from its siblings. Two requests
    # that add a page at one moment would compute the same path, so the
    # parent row is locked first. The lock also makes ``numchild`` current.
    parent = Page.objects.select_for_update().get(pk=municipality.pk)
    # The marker is public text, so it is written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        title = redact_contact_details(request.title)
        summary = redact_contact_details(request.description)
    page = InitiativePage(
        title=title,
        slug=initiative_slug(title, parent),
        neighbourhood=request.neighbourhood,
        summary=summary,
        needs=list(request.needs),
        live=False,
    )
    add_draft_page(
        parent, page, user=user, publish=municipality.publish_initiatives_at_once
    )

    request.initiative_page = page
    request.save(update_fields=["initiative_page"])
    return page


def add_draft_page(parent, page, user=None, publish=False):
    """Add ``page`` under ``parent`` as a draft and start its moderation.

    The page is saved with a first revision. With ``publish`` the revision
    goes live at once. Otherwise the page enters the moderation workflow
    that applies to it, or stays an unpublished draft when there is none. Lock
    ``parent`` first (``select_for_update``) inside a transaction, because
    Wagtail computes the new page's tree path from its siblings. Returns
    the revision.
    """
    parent.add_child(instance=page)
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    else:
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, user)
    return revision


def resubmit_draft(page, workflow_state, user=None):
    """Save the resident's changes to ``page`` and send it back to moderation.

    ``page`` is the latest revision as an object, changed by the caller.
    The workflow resumes at the task that asked for the changes. Raises
    ``PermissionDenied`` when an editor has just cancelled or restarted the
    workflow. Returns the new revision.
    """
    if not page.live:
        # As Wagtail's page editor does: a page that is not live keeps its
        # latest content in its own row too.
        page.save()
    revision = page.save_revision(user=user, log_action=True)
    workflow_state.resume()
    return revision


def refresh_initiative_slug(page, fallback="idee"):
    """Build a new slug from the page's title if the page was never published.

    After a rejection the resident may change a title that should not be
    public, so the slug must not keep it. A page that was published once
    keeps its address, because links to it may exist. The slug stays as it
    is when it already starts with the title. The caller saves the page.
    """
    if page.first_published_at is not None:
        return
    if page.slug.startswith(_title_part(page.title, fallback) + "-"):
        return
    page.slug = unique_page_slug(
        page.title, page.get_parent(), page=page, fallback=fallback
    )
