"""The resident's story about her initiative: who may write one, and its page.

A resident accounts for her grant with a short story and up to five photos,
not with receipts. :func:`submit_story` turns it into a draft ``StoryPage``
under the municipality page and sends that into the municipality's
moderation workflow. Once the story is published, ``moderation`` marks the
request completed.
"""

import html
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Page

from ..models import InitiativeRequest, StoryPage
from ..models.requests import RequestStatus
from ..models.story import MAX_STORY_PHOTOS, StoryPhoto
from ..notifications.outbox import Audience, queue_notifications
from ..transparency import redact_contact_details
from . import ledger
from .fields import PlainTextField
from .initiative import (
    add_draft_page,
    refresh_initiative_slug,
    resubmit_draft,
    unique_page_slug,
)
from .photos import CleanPhoto, max_photos, save_image, stories_collection

TITLE_MAX_LENGTH = 120
TEXT_MIN_LENGTH = 30
TEXT_MAX_LENGTH = 5000
CAPTION_MAX_LENGTH = 200
# The introduction that cards, feeds and the API show: the first paragraph,
# shortened to this many characters, the ellipsis included.
INTRO_MAX_LENGTH = 300
ELLIPSIS = "…"
SLUG_FALLBACK = "verhaal"

# The states of a request's story, as the status page and the API name them.
NOT_YET = "not_yet"
CAN_WRITE = "can_write"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
PUBLISHED = "published"
WAITING = "waiting"
CLOSED = "closed"
STORY_STATES = (
    NOT_YET,
    CAN_WRITE,
    IN_REVIEW,
    CHANGES_REQUESTED,
    PUBLISHED,
    WAITING,
    CLOSED,
)

# The states in which the resident's story is sent and waits for an editor.
SENT_STATES = (IN_REVIEW, WAITING)

# The reasons a resident cannot write her story yet.
REASON_DECISION = "decision"
REASON_PAYOUT = "payout"

NO_STORY_STATUSES = {
    RequestStatus.DECLINED,
    RequestStatus.WITHDRAWN,
    RequestStatus.COMPLETED,
}


class StoryNotAllowed(Exception):
    """The request may not get a story now, or its story waits for no changes."""


@dataclass(frozen=True)
class StoryState:
    """The resident's options for her story at this moment.

    ``state`` is one of ``STORY_STATES``. For ``not_yet``, ``reason`` is the
    cause. ``url`` is the live story's address, and ``comment`` is the
    editors' request for changes.
    """

    state: str
    page: StoryPage | None = None
    reason: str = ""
    url: str = ""
    comment: str = ""


def caption_field_name(number) -> str:
    return f"caption_{number}"


class StoryForm(forms.Form):
    """The title and text of a story and one caption per photo.

    The hosted page and the API both check a story with this form.
    """

    title = PlainTextField(
        single_line=True,
        label=_("Title of your story"),
        help_text=_("For example: Our street party was a success."),
        min_length=3,
        max_length=TITLE_MAX_LENGTH,
        error_messages={
            "required": _("Give your story a title."),
            "min_length": _("Give your story a title of at least 3 letters."),
            "max_length": _("Give your story a shorter title (at most 120 letters)."),
        },
    )
    text = PlainTextField(
        label=_("Your story"),
        help_text=_(
            "What did you do? Who joined? How did it go? Your story goes on the "
            "website for everyone. So do not write names, addresses or phone "
            "numbers."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=TEXT_MIN_LENGTH,
        max_length=TEXT_MAX_LENGTH,
        error_messages={
            "required": _("Write your story."),
            "min_length": _("Tell a bit more (at least 30 letters)."),
            "max_length": _("Make your story shorter (at most 5000 letters)."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_STORY_PHOTOS + 1):
            self.fields[caption_field_name(number)] = PlainTextField(
                single_line=True,
                required=False,
                label=_("What do you see in the photo?"),
                max_length=CAPTION_MAX_LENGTH,
                error_messages={
                    "max_length": _("Make this text shorter (at most 200 letters)."),
                },
            )

    def caption(self, number) -> str:
        return self.cleaned_data.get(caption_field_name(number), "")


def _money_waits_for_payout(request_obj) -> bool:
    return ledger.reserved_for(request_obj) > 0


def may_write_story(request_obj) -> bool:
    """Return whether the resident may write her first story now.

    Once her money is paid, or when her request is granted without money
    to pay out (support or a room only). One story per request.
    """
    if request_obj.story_page_id is not None:
        return False
    if request_obj.status == RequestStatus.PAID:
        return True
    return request_obj.status == RequestStatus.GRANTED and not (
        _money_waits_for_payout(request_obj)
    )


def story_state(request_obj) -> StoryState:
    """Return the state of the request's story, for the status page and the API."""
    from ..moderation import page_requested_changes

    page = request_obj.story_page
    if page is None:
        if request_obj.status in NO_STORY_STATUSES:
            return StoryState(state=CLOSED)
        if may_write_story(request_obj):
            return StoryState(state=CAN_WRITE)
        if request_obj.status == RequestStatus.GRANTED:
            return StoryState(state=NOT_YET, reason=REASON_PAYOUT)
        return StoryState(state=NOT_YET, reason=REASON_DECISION)

    page = page.specific
    if page.live:
        return StoryState(state=PUBLISHED, page=page, url=page.url or "")
    if request_obj.status in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
        return StoryState(state=CLOSED, page=page)
    changes = page_requested_changes(page)
    if changes is not None:
        return StoryState(state=CHANGES_REQUESTED, page=page, comment=changes.comment)
    if page.workflow_in_progress:
        return StoryState(state=IN_REVIEW, page=page)
    # No workflow applies, or an editor cancelled it: the draft waits for
    # an editor to publish it.
    return StoryState(state=WAITING, page=page)


def is_sent_story(request_obj, title, text) -> bool:
    """Return whether the request's story waits for an editor with this text.

    ``title`` and ``text`` must be cleaned by ``StoryForm``. A post that
    repeats the sent story (a double click, or a phone that sends the form
    again after a network error) can then be answered as a success.
    Photos are not compared.
    """
    state = story_state(request_obj)
    if state.state not in SENT_STATES:
        return False
    # The latest revision, because a changed story is saved as a revision
    # only.
    page = state.page.get_latest_revision_as_object()
    return (page.title, page.intro, page.body) == _public_content(title, text)


def _paragraphs(text):
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def _rich_text(paragraphs) -> str:
    parts = []
    for paragraph in paragraphs:
        lines = [escape(line.strip()) for line in paragraph.splitlines()]
        parts.append("<p>" + "<br/>".join(line for line in lines if line) + "</p>")
    return "".join(parts)


def _shorten(paragraph) -> str:
    """Return ``paragraph`` on one line, cut between words to ``INTRO_MAX_LENGTH``.

    A cut text ends with an ellipsis.
    """
    text = " ".join(paragraph.split())
    if len(text) <= INTRO_MAX_LENGTH:
        return text
    cut = text[: INTRO_MAX_LENGTH - len(ELLIPSIS) + 1]
    if " " in cut:
        # Drop the word the limit cuts through, or the space after a word.
        cut = cut.rsplit(" ", 1)[0]
    else:
        # One very long word: cut it.
        cut = cut[:-1]
    return cut.rstrip(" ,;:-–") + ELLIPSIS


def is_shortened_intro(intro, first_paragraph) -> bool:
    """Return whether ``intro`` is a shortened copy of ``first_paragraph``."""
    if not intro.endswith(ELLIPSIS):
        return False
    start = intro.removesuffix(ELLIPSIS)
    return " ".join(first_paragraph.split()).startswith(start)


def _public_content(title, text):
    """Return the page's title, intro and body, with contact details replaced.

    The first paragraph becomes the introduction that cards and feeds show;
    the rest becomes the body. A first paragraph longer than
    ``INTRO_MAX_LENGTH`` is shortened for the introduction and kept whole
    in the body, so the body has the whole text.
    """
    # The marker is public text, so it is written in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        title = redact_contact_details(title)
        paragraphs = _paragraphs(redact_contact_details(text))
    if not paragraphs:
        return title, "", ""
    intro = _shorten(paragraphs[0])
    if is_shortened_intro(intro, paragraphs[0]):
        return title, intro, _rich_text(paragraphs)
    return title, intro, _rich_text(paragraphs[1:])


def story_text(page) -> str:
    """Return the story page's introduction and body as plain text.

    The resident changes her story from this text when the editors ask
    for changes. Paragraphs are separated by an empty line.
    """
    paragraphs = []
    body = re.sub(r"<br\s*/?>", "\n", page.body or "")
    for block in re.split(r"</p>|</h[1-6]>|</li>", body):
        text = html.unescape(strip_tags(block)).strip()
        if text:
            paragraphs.append(text)
    intro = page.intro.strip()
    if intro and not (paragraphs and is_shortened_intro(intro, paragraphs[0])):
        paragraphs.insert(0, intro)
    return "\n\n".join(paragraphs)


def story_lead(page) -> str:
    """Return the introduction to show above the story's body, or "".

    A shortened copy of the body's first paragraph is left out, so the
    story page does not show the start of the text twice.
    """
    intro = page.intro.strip()
    first = re.split(r"</p>|</h[1-6]>|</li>", page.body or "", maxsplit=1)[0]
    first_text = html.unescape(strip_tags(re.sub(r"<br\s*/?>", " ", first)))
    if is_shortened_intro(intro, first_text):
        return ""
    return intro


def _public_caption(caption) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return redact_contact_details(caption or "")[:CAPTION_MAX_LENGTH]


def _photo_rows(page, title, photos, municipality):
    """Return ``StoryPhoto`` rows for ``(photo, caption)`` pairs.

    A photo is a ``CleanPhoto``, stored here as a new Wagtail image, or an
    image the story already shows.
    """
    rows = []
    collection = None
    for number, (photo, caption) in enumerate(photos, start=1):
        if isinstance(photo, CleanPhoto):
            if collection is None:
                collection = stories_collection(municipality)
            with translation.override(settings.LANGUAGE_CODE):
                image_title = _("%(title)s – photo %(number)s") % {
                    "title": title,
                    "number": number,
                }
            image = save_image(photo, str(image_title), collection)
        else:
            image = photo
        rows.append(
            StoryPhoto(
                story=page,
                image=image,
                caption=_public_caption(caption),
                sort_order=number - 1,
            )
        )
    return rows


def _delete_unused_images(image_ids):
    """Delete the resident's photos that she took out of her story.

    She may have removed a photo because it shows someone who did not want
    to be online, so it is not kept in the image library. An image that a
    story still shows (an editor may have used it elsewhere) stays.
    """
    if not image_ids:
        return
    in_use = StoryPhoto.objects.filter(image_id__in=image_ids).values("image_id")
    for image in (
        get_image_model().objects.filter(pk__in=image_ids).exclude(pk__in=in_use)
    ):
        # One by one, so Wagtail's signal handlers delete the files and the
        # renditions' files too.
        image.delete()


def _check_photo_count(photos):
    if len(photos) > max_photos():
        raise ValueError(f"At most {max_photos()} photos, got {len(photos)}")


def submit_story(request_obj, title, text, photos, user=None):
    """Store the resident's story as a draft page and send it to moderation.

    ``title`` and ``text`` must be cleaned by ``StoryForm``; ``photos`` is a
    list of ``(CleanPhoto, caption)`` pairs. The page goes under the
    municipality page, with the request's neighbourhood and initiative.
    It enters the municipality's workflow, or waits as an unpublished
    draft when there is none. The editors and the resident get a message.
    Raises ``StoryNotAllowed`` when the request may not get a story (see
    :func:`may_write_story`). Returns the page.
    """
    _check_photo_count(photos)
    with transaction.atomic():
        # The lock makes a second, simultaneous post wait and then find the
        # story of the first.
        request_obj = (
            InitiativeRequest.objects.select_for_update()
            .select_related("municipality", "neighbourhood")
            .get(pk=request_obj.pk)
        )
        if not may_write_story(request_obj):
            raise StoryNotAllowed(request_obj.reference)

        municipality = request_obj.municipality
        # Locked as in create_initiative_page: Wagtail computes the new
        # page's tree path from its siblings.
        parent = Page.objects.select_for_update().get(pk=municipality.pk)
        public_title, intro, body = _public_content(title, text)
        page = StoryPage(
            title=public_title,
            slug=unique_page_slug(public_title, parent, fallback=SLUG_FALLBACK),
            initiative_id=request_obj.initiative_page_id,
            neighbourhood=request_obj.neighbourhood,
            intro=intro,
            body=body,
            live=False,
        )
        page.photos = _photo_rows(page, public_title, photos, municipality)
        add_draft_page(parent, page, user=user)

        request_obj.story_page = page
        request_obj.save(update_fields=["story_page", "updated_at"])
        log(
            request_obj,
            "wagtail_kanskaart.story_submitted",
            user=user,
            data={"page": page.pk, "photos": len(photos)},
        )
        queue_notifications(
            request_obj,
            "story_submitted",
            context={"page": page.pk, "page_title": page.title},
            audiences={Audience.RESIDENT, Audience.EDITORS},
        )
    return page


def resubmit_story(request_obj, title, text, photos, user=None):
    """Store the resident's changed story and send it back to moderation.

    ``photos`` lists the photos the story keeps or gets, in order: pairs of
    a Wagtail image the story has now, or a new ``CleanPhoto``, and a
    caption. The page gets a new revision and its workflow resumes at the
    task that requested the changes. Raises ``StoryNotAllowed`` when the
    story no longer waits for changes, or names an image it does not show.
    """
    from ..moderation import page_requested_changes

    _check_photo_count(photos)
    with transaction.atomic():
        request_obj = (
            InitiativeRequest.objects.select_for_update()
            .select_related("municipality")
            .get(pk=request_obj.pk)
        )
        if request_obj.story_page_id is None or request_obj.status in (
            RequestStatus.DECLINED,
            RequestStatus.WITHDRAWN,
        ):
            raise StoryNotAllowed(request_obj.reference)
        changes = page_requested_changes(request_obj.story_page)
        if changes is None:
            raise StoryNotAllowed(request_obj.reference)

        # Start from the latest revision, so changes an editor saved in a
        # draft are kept.
        page = request_obj.story_page.specific.get_latest_revision_as_object()
        shown = {photo.image_id for photo in page.photos.all()}
        for photo, _caption in photos:
            if not isinstance(photo, CleanPhoto) and photo.pk not in shown:
                raise StoryNotAllowed(request_obj.reference)

        public_title, intro, body = _public_content(title, text)
        page.title = public_title
        page.intro = intro
        page.body = body
        page.photos = _photo_rows(page, public_title, photos, request_obj.municipality)
        refresh_initiative_slug(page, fallback=SLUG_FALLBACK)
        try:
            revision = resubmit_draft(page, changes.workflow_state, user=user)
        except PermissionDenied as error:
            # An editor cancelled or restarted the workflow at this moment.
            raise StoryNotAllowed(request_obj.reference) from error
        kept = {photo.image_id for photo in page.photos.all()}
        _delete_unused_images(shown - kept)

        log(
            request_obj,
            "wagtail_kanskaart.story_resubmitted",
            user=user,
            data={"page": page.pk, "revision": revision.pk},
        )
    return page
