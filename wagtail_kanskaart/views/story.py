"""The resident's page to write her story, or change it when editors ask.

It works without JavaScript. The form has one file input per photo, each
with a caption. Photos that pass the checks in a post that fails elsewhere
are kept, already converted, and carried in the form as signed keys, so
the resident need not choose them again.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..intake import photos, story
from ..intake.tokens import token_for
from ..models import InitiativeRequest
from .status import _private, _render, token_view
from .urls import _subpage_url, status_url

# The value of a slot's hidden "kept" field: a photo kept from an earlier
# post ("upload:<signed key>") or one the story shows now ("image:<id>").
UPLOAD_PREFIX = "upload:"
IMAGE_PREFIX = "image:"


def story_url(request_obj, absolute=False) -> str:
    """Return the address of the page where the resident writes her story."""
    return _subpage_url(
        request_obj, "story", token_for(request_obj.token_salt), absolute
    )


def kept_photo_url(request_obj, key) -> str:
    """Return the preview address of a photo kept from a failed post."""
    form_page = request_obj.municipality.form_page
    preview_key = photos.kept_preview_key(key, request_obj)
    if form_page is None or not form_page.url or not preview_key:
        return ""
    return form_page.url + form_page.reverse_subpage(
        "story_photo",
        kwargs={"token": token_for(request_obj.token_salt), "key": preview_key},
    )


@dataclass
class PhotoSlot:
    """One photo place of the form: a file input, a caption and what it holds."""

    number: int
    kept: str = ""
    image: object = None
    preview_url: str = ""
    errors: list = field(default_factory=list)

    @property
    def input_name(self):
        return f"photo_{self.number}"

    @property
    def caption_name(self):
        return story.caption_field_name(self.number)


def _existing_slots(page):
    slots = []
    for number, photo in enumerate(page.photos.select_related("image"), start=1):
        slots.append(
            PhotoSlot(
                number=number,
                kept=f"{IMAGE_PREFIX}{photo.image_id}",
                image=photo.image,
            )
        )
    return slots


def _fill_slots(slots):
    """Add empty slots up to the most photos a story takes."""
    numbers = {slot.number for slot in slots}
    for number in range(1, photos.max_photos() + 1):
        if number not in numbers:
            slots.append(PhotoSlot(number=number))
    return sorted(slots, key=lambda slot: slot.number)


def _read_slot(request, request_obj, number, editable_images):
    """Return the slot as posted, with a newly chosen photo checked and kept."""
    slot = PhotoSlot(number=number)
    kept = request.POST.get(f"kept_{number}", "")
    remove = bool(request.POST.get(f"remove_{number}"))
    upload = request.FILES.get(slot.input_name)

    if kept.startswith(IMAGE_PREFIX):
        image = editable_images.get(kept.removeprefix(IMAGE_PREFIX))
        if image is not None:
            slot.kept, slot.image = kept, image
    elif kept.startswith(UPLOAD_PREFIX):
        key = kept.removeprefix(UPLOAD_PREFIX)
        if photos.load_kept(key, request_obj) is not None:
            slot.kept = kept
            slot.preview_url = kept_photo_url(request_obj, key)
        else:
            slot.errors.append(
                _("We no longer have this photo. Choose it again, please.")
            )

    if upload is not None:
        try:
            clean = photos.clean_photo(upload)
        except photos.PhotoError as error:
            slot.errors.append(error.message)
            return slot
        _discard(slot, request_obj)
        key = photos.keep_upload(clean, request_obj)
        slot.kept = f"{UPLOAD_PREFIX}{key}"
        slot.image = None
        slot.preview_url = kept_photo_url(request_obj, key)
    elif remove:
        _discard(slot, request_obj)
        slot.kept, slot.image, slot.preview_url = "", None, ""
    return slot


def _discard(slot, request_obj):
    if slot.kept.startswith(UPLOAD_PREFIX):
        photos.discard_kept(slot.kept.removeprefix(UPLOAD_PREFIX), request_obj)


def _chosen_photos(slots, form, request_obj):
    """Return the ``(photo, caption)`` pairs of the filled slots, in order."""
    chosen = []
    for slot in slots:
        if slot.image is not None:
            chosen.append((slot.image, form.caption(slot.number)))
        elif slot.kept.startswith(UPLOAD_PREFIX):
            key = slot.kept.removeprefix(UPLOAD_PREFIX)
            clean = photos.load_kept(key, request_obj)
            if clean is not None:
                chosen.append((clean, form.caption(slot.number)))
    return chosen


def _back_to_status(request_obj):
    return _private(redirect(status_url(request_obj, absolute=False)))


def _has_extra_files(request, slots) -> bool:
    """Return whether the post has files beyond one per photo input."""
    names = {slot.input_name for slot in slots}
    files = [name for name, _file in request.FILES.lists() for _ in _file]
    return len(files) > len(slots) or any(name not in names for name in files)


@require_http_methods(["GET", "HEAD", "POST"])
@token_view
def story_view(request, page, request_obj):
    state = story.story_state(request_obj)
    if state.state in (*story.SENT_STATES, story.PUBLISHED):
        if request.method == "POST":
            return _answer_sent_story(request, page, request_obj, state)
        # The back button after sending leads here: the status page shows
        # the story's state, so no message is needed.
        return _back_to_status(request_obj)
    if state.state not in (story.CAN_WRITE, story.CHANGES_REQUESTED):
        messages.info(request, _("You cannot write or change your story now."))
        return _back_to_status(request_obj)

    changing = state.state == story.CHANGES_REQUESTED
    editable_images = {}
    if changing:
        editable_images = {
            str(photo.image_id): photo.image
            for photo in state.page.photos.select_related("image")
        }

    form_errors = []
    if request.method == "POST":
        photos.purge_kept()
        form = story.StoryForm(request.POST, use_required_attribute=False)
        slots = [
            _read_slot(request, request_obj, number, editable_images)
            for number in range(1, photos.max_photos() + 1)
        ]
        if _has_extra_files(request, slots):
            form_errors.append(
                _("You can add at most %(count)s photos.")
                % {"count": photos.max_photos()}
            )
        photo_errors = any(slot.errors for slot in slots)
        if form.is_valid() and not photo_errors and not form_errors:
            chosen = _chosen_photos(slots, form, request_obj)
            response = _save(request, page, request_obj, form, chosen, changing)
            for slot in slots:
                _discard(slot, request_obj)
            return response
    else:
        if changing:
            form = story.StoryForm(
                initial={
                    "title": state.page.title,
                    "text": story.story_text(state.page),
                    **{
                        story.caption_field_name(number): photo.caption
                        for number, photo in enumerate(state.page.photos.all(), start=1)
                    },
                },
                use_required_attribute=False,
            )
            slots = _fill_slots(_existing_slots(state.page))
        else:
            form = story.StoryForm(use_required_attribute=False)
            slots = _fill_slots([])

    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/story_form.html",
        form=form,
        slots=[(slot, form[slot.caption_name]) for slot in slots],
        photo_errors=[slot for slot in slots if slot.errors],
        form_errors=form_errors,
        has_errors=bool(form.errors or form_errors)
        or any(slot.errors for slot in slots),
        story_state=state,
        changing=changing,
        story_link=story_url(request_obj),
        accept=photos.ACCEPT_ATTRIBUTE,
        max_photos=photos.max_photos(),
        max_megabytes=photos.max_megabytes(),
    )


def _thank(request, request_obj):
    messages.success(
        request,
        _(
            "Thank you for your story. The editors read it first. You get "
            "a message when it is on the website."
        ),
    )
    return _back_to_status(request_obj)


def _save(request, page, request_obj, form, chosen, changing):
    title, text = form.cleaned_data["title"], form.cleaned_data["text"]
    try:
        if changing:
            story.resubmit_story(request_obj, title, text, chosen)
        else:
            story.submit_story(request_obj, title, text, chosen)
    except story.StoryNotAllowed:
        # Another post of this request (a double click, a network retry or
        # a second tab) may have sent the story first.
        request_obj = InitiativeRequest.objects.select_related(
            "municipality", "neighbourhood"
        ).get(pk=request_obj.pk)
        state = story.story_state(request_obj)
        if state.state in (*story.SENT_STATES, story.PUBLISHED):
            return _answer_sent_story(request, page, request_obj, state)
        messages.error(
            request, _("You can no longer send this story. Nothing was saved.")
        )
        return _back_to_status(request_obj)
    return _thank(request, request_obj)


def _answer_sent_story(request, page, request_obj, state):
    """Respond to a post that comes after the story was sent.

    A post of the sent text is a repeat, so it gets the thanks of the first
    post. Other text (typed in a second tab) is shown again, read-only, so
    the resident can copy it. Nothing is saved.
    """
    form = story.StoryForm(request.POST)
    if form.is_valid() and story.is_sent_story(
        request_obj, form.cleaned_data["title"], form.cleaned_data["text"]
    ):
        return _thank(request, request_obj)

    typed = story.StoryForm(
        initial={name: request.POST.get(name, "") for name in form.fields},
        use_required_attribute=False,
    )
    for form_field in typed.fields.values():
        # Hints on how to write are no use on text that cannot be sent.
        form_field.help_text = ""
        form_field.widget.attrs["readonly"] = True
    captions = [
        (number, typed[story.caption_field_name(number)])
        for number in range(1, photos.max_photos() + 1)
        if request.POST.get(story.caption_field_name(number), "").strip()
    ]
    if state.state == story.PUBLISHED:
        notice = _(
            "Your story is already on the website, so this page was not sent. "
            "You can still copy what you typed here."
        )
    else:
        notice = _(
            "Your story was already sent, so this page was not sent. The "
            "editors read your story first. You can still copy what you typed "
            "here."
        )
    return _render(
        request,
        page,
        request_obj,
        "wagtail_kanskaart/story_form.html",
        form=typed,
        already_sent=True,
        sent_notice=notice,
        typed_captions=captions,
        story_state=state,
    )


@require_http_methods(["GET", "HEAD"])
def kept_photo_view(request, page, token, key):
    """Return a kept photo as a JPEG, for the preview in the story form."""

    @token_view
    def view(request, page, request_obj):
        clean = photos.load_kept_preview(key, request_obj)
        if clean is None:
            return _private(HttpResponse(status=404))
        return _private(HttpResponse(clean.content, content_type="image/jpeg"))

    return view(request, page, token)
