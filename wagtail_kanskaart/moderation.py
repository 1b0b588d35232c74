"""Moderation of initiative and story pages through Wagtail's workflow.

Wagtail publishes a page when an editor approves its workflow. The signal
receivers here log each decision on the resident's request and tell her
about it. When an editor requests changes to an initiative page, the
resident changes her idea on her status page and :func:`resubmit_idea`
sends it back to the same workflow; for her story,
``intake.story.resubmit_story`` does the same. Publishing the resident's
story completes her request. The receivers are connected in ``apps.py``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.utils import translation
from wagtail.log_actions import log
from wagtail.models import WorkflowState
from wagtail.signals import page_published, workflow_approved, workflow_rejected

from .intake.initiative import refresh_initiative_slug, resubmit_draft
from .intake.lifecycle import set_status
from .models import InitiativePage, InitiativeRequest, Notification, StoryPage
from .models.requests import RequestStatus
from .notifications.outbox import queue_notifications
from .transparency import redact_contact_details

# A resident whose request has one of these statuses is neither asked nor
# allowed to change her idea.
CLOSED_STATUSES = {RequestStatus.WITHDRAWN, RequestStatus.DECLINED}

# The notification events of this module, one template set each.
PUBLISHED_EVENTS = {InitiativePage: "published", StoryPage: "story_published"}
CHANGES_REQUESTED_EVENT = "changes_requested"
STORY_CHANGES_REQUESTED_EVENT = "story_changes_requested"

# A request is completed when the resident's story is published, if it is in
# one of these statuses. Only a paid request, or a granted one without money
# to pay out, gets a story (intake.story.may_write_story).
COMPLETABLE_STATUSES = {RequestStatus.PAID, RequestStatus.GRANTED}


class ChangeNotAllowed(Exception):
    """The initiative page no longer waits for the resident's changes."""


@dataclass(frozen=True)
class RequestedChanges:
    """An initiative page that an editor sent back, with the editor's comment."""

    workflow_state: WorkflowState
    comment: str


def _page_kind(page):
    return "story" if isinstance(page, StoryPage) else "initiative"


def request_for_page(page):
    """Return the request behind an initiative page or a story page, or None.

    A story belongs to the request whose resident wrote it, or else to the
    request of the initiative it is about.
    """
    if isinstance(page, StoryPage):
        request_obj = story_request(page)
        if request_obj is not None:
            return request_obj
        initiative_id = page.initiative_id
    elif isinstance(page, InitiativePage):
        initiative_id = page.pk
    else:
        return None
    if initiative_id is None:
        return None
    return (
        InitiativeRequest.objects.select_related("municipality")
        .filter(initiative_page_id=initiative_id)
        .first()
    )


def story_request(page):
    """Return the request whose resident wrote this story page, or None.

    An editor's story has none, even when it is about a resident's idea.
    """
    return (
        InitiativeRequest.objects.select_related("municipality")
        .filter(story_page_id=page.pk)
        .first()
    )


def requested_changes(request_obj):
    """Return the changes the editors requested to the request's initiative page.

    Returns None when the page is not sent back for changes, and for a
    withdrawn or declined request.
    """
    if request_obj.status in CLOSED_STATUSES or request_obj.initiative_page_id is None:
        return None
    return page_requested_changes(request_obj.initiative_page)


def page_requested_changes(page):
    """Return the changes the editors requested to a page, or None."""
    state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
        .select_related("current_task_state")
        .first()
    )
    if state is None:
        return None
    comment = state.current_task_state.comment if state.current_task_state else ""
    return RequestedChanges(workflow_state=state, comment=comment.strip())


@dataclass(frozen=True)
class PublicPageState:
    """The state of her idea's public page, as the resident's status page shows it."""

    changes: RequestedChanges | None
    live_url: str
    in_moderation: bool


def public_page_state(request_obj):
    """Return the state of the request's initiative page, for the status page."""
    page = request_obj.initiative_page
    if page is None or request_obj.status in CLOSED_STATUSES:
        return PublicPageState(changes=None, live_url="", in_moderation=False)
    return PublicPageState(
        changes=requested_changes(request_obj),
        live_url=(page.url or "") if page.live else "",
        in_moderation=page.workflow_in_progress,
    )


def resubmit_idea(request_obj, title, description):
    """Store the resident's changed idea and send its page back to moderation.

    ``title`` and ``description`` must be cleaned by the request form's
    fields. The request keeps the text as typed; the page gets it with
    contact details replaced by a marker, in a new revision, and its
    workflow resumes at the task that requested the changes. Raises
    ``ChangeNotAllowed`` when the page no longer waits for changes.
    """
    with transaction.atomic():
        # The lock makes a second, simultaneous post wait and then find the
        # workflow in progress again.
        request_obj = InitiativeRequest.objects.select_for_update().get(
            pk=request_obj.pk
        )
        changes = requested_changes(request_obj)
        if changes is None:
            raise ChangeNotAllowed(request_obj.reference)

        request_obj.title = title
        request_obj.description = description
        request_obj.save(update_fields=["title", "description", "updated_at"])

        # Start from the latest revision, so changes an editor saved in a
        # draft are kept.
        page = request_obj.initiative_page.specific.get_latest_revision_as_object()
        # The marker is public text, so it is written in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            page.title = redact_contact_details(title)
            page.summary = redact_contact_details(description)
        refresh_initiative_slug(page)
        try:
            revision = resubmit_draft(page, changes.workflow_state)
        except PermissionDenied as error:
            # An editor cancelled or restarted the workflow at this moment.
            raise ChangeNotAllowed(request_obj.reference) from error

        log(
            request_obj,
            "wagtail_kanskaart.changes_resubmitted",
            data={"page": page.pk, "revision": revision.pk},
        )
    return request_obj


def _tell_resident_page_is_live(page, request_obj, revision_id):
    """Queue the "your page is online" message, once per published revision."""
    event = PUBLISHED_EVENTS[type(page)]
    already_sent = Notification.objects.filter(
        request=request_obj, event=event, context__revision=revision_id
    ).exists()
    if already_sent:
        return
    queue_notifications(
        request_obj,
        event,
        context={
            "url": page.get_full_url() or "",
            "page_title": page.title,
            "revision": revision_id,
        },
    )


def complete_request_for_story(page, user=None):
    """Mark the request of the resident's published story completed.

    Only a paid request, or a granted one without money to pay out, is
    completed; the status change is logged. An editor's story completes
    nothing. Returns the request, or None when nothing changed.
    """
    with transaction.atomic():
        request_obj = (
            InitiativeRequest.objects.select_for_update()
            .filter(story_page_id=page.pk)
            .first()
        )
        if request_obj is None or request_obj.status not in COMPLETABLE_STATUSES:
            return None
        set_status(request_obj, RequestStatus.COMPLETED, user=user, page=page.pk)
    return request_obj


def _moderated_page(workflow_state):
    """Return the current initiative or story page of a workflow state, or None."""
    model = workflow_state.content_type.model_class()
    if model not in PUBLISHED_EVENTS:
        return None
    # Read the page again: the state's cached object predates the publication.
    return model.objects.filter(pk=workflow_state.object_id).first()


@receiver(page_published, sender=InitiativePage)
@receiver(page_published, sender=StoryPage)
def page_first_published(sender, instance, revision=None, **kwargs):
    """Tell the resident when her idea, or a story about it, goes online first.

    This covers an editor who publishes straight away instead of approving
    the workflow. A later publication of a live page (an editor's fix of a
    typo) sends nothing. A page published at once by the intake has no
    request linked yet, so the intake's own message is the only one.
    """
    if isinstance(instance, StoryPage):
        # NOTE: Wagtail's signal does not name who published, so the status
        # change is logged without a user; the page's own history has it.
        # On a workflow approval this runs before workflow_page_approved.
        complete_request_for_story(instance)
    if instance.first_published_at != instance.last_published_at:
        return
    request_obj = request_for_page(instance)
    if request_obj is None:
        return
    revision_id = revision.pk if revision is not None else instance.live_revision_id
    _tell_resident_page_is_live(instance, request_obj, revision_id)


@receiver(workflow_approved, sender=WorkflowState)
def workflow_page_approved(sender, instance, user=None, **kwargs):
    """Log the approval on the request and tell the resident her page is online.

    Wagtail sends this after it published the page. ``page_first_published``
    may already have sent the resident a message about this revision.
    """
    page = _moderated_page(instance)
    if page is None:
        return
    if isinstance(page, StoryPage) and page.live:
        complete_request_for_story(page, user=user)
    request_obj = request_for_page(page)
    if request_obj is None:
        return
    log(
        request_obj,
        "wagtail_kanskaart.page_approved",
        user=user,
        data={"page": page.pk, "page_type": _page_kind(page)},
    )
    if page.live:
        _tell_resident_page_is_live(page, request_obj, page.live_revision_id)


@receiver(workflow_rejected, sender=WorkflowState)
def workflow_changes_requested(sender, instance, user=None, **kwargs):
    """Log the request for changes and send the resident the editor's comment.

    The request keeps its status and everything arranged for it. The resident
    gets a message for her initiative page and for the story she wrote,
    because she can change those on her status page. An editor's story about
    her idea sends her nothing.
    """
    page = _moderated_page(instance)
    if page is None:
        return
    request_obj = request_for_page(page)
    if request_obj is None:
        return
    log(
        request_obj,
        "wagtail_kanskaart.changes_requested",
        user=user,
        data={"page": page.pk, "page_type": _page_kind(page)},
    )
    if request_obj.status in CLOSED_STATUSES:
        return
    if isinstance(page, StoryPage):
        if request_obj.story_page_id != page.pk:
            return
        event = STORY_CHANGES_REQUESTED_EVENT
    else:
        event = CHANGES_REQUESTED_EVENT
    task_state = instance.current_task_state
    queue_notifications(
        request_obj,
        event,
        context={"comment": (task_state.comment if task_state else "").strip()},
    )
