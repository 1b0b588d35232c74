"""The resident's story by her secret token: its state, and sending it."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from ...conf import kanskaart_settings
from ...intake import photos, story
from ..cors import origin_may_write
from ..exceptions import Conflict, InvalidInput, PayloadTooLarge
from ..parsers import BoundedJSONParser
from ..serializers import ErrorSerializer, LanguageQuerySerializer
from .base import api_schema
from .status import NOT_FOUND, StatusTokenView, _private

# Room for the title, the text, the captions and the multipart boundaries.
FORM_FIELDS_SIZE = 64 * 1024


def story_body_limit() -> int:
    """Return the largest story body in bytes: every photo at its limit, and text."""
    return (
        photos.max_photos() * kanskaart_settings.STORY_PHOTO_MAX_BYTES
        + FORM_FIELDS_SIZE
    )


def _too_large():
    return PayloadTooLarge(
        _("The request body is too large: send at most %(size)s bytes.")
        % {"size": story_body_limit()}
    )


class StoryMultiPartParser(MultiPartParser):
    """Parse a multipart story of at most :func:`story_body_limit` bytes.

    Django's limits on the number of files and fields
    (``DATA_UPLOAD_MAX_NUMBER_FILES``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``)
    raise ``SuspiciousOperation``, which becomes a JSON 400 here.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > story_body_limit():
                raise _too_large()
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig as error:
            raise _too_large() from error
        except SuspiciousOperation as error:
            raise ParseError(_("The request has too many files or fields.")) from error


class StoryStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=story.STORY_STATES,
        help_text="not_yet: the request is not granted, or its money is not "
        "paid yet (see reason). can_write: POST a story now. in_review: the "
        "editors read it. changes_requested: see comment, then POST the "
        "changed story. published: see url. waiting: a draft no workflow "
        "moderates; an editor publishes it. closed: declined, withdrawn or "
        "completed without a story.",
    )
    reason = serializers.CharField(
        help_text='For not_yet: "decision" (the editors decide first) or '
        '"payout" (after the money is paid); otherwise empty.'
    )
    url = serializers.CharField(help_text="The published story's address, or empty.")
    comment = serializers.CharField(
        help_text="The editors' request for changes, or empty."
    )
    max_photos = serializers.IntegerField()
    max_photo_bytes = serializers.IntegerField()


class StoryBodySerializer(serializers.Serializer):
    """The story, sent as multipart/form-data (or JSON without photos)."""

    title = serializers.CharField(help_text="3 to 120 characters.")
    text = serializers.CharField(
        help_text="30 to 5000 characters, plain text; an empty line starts a "
        "new paragraph. It becomes public: e-mail addresses and phone numbers "
        "are replaced by a marker."
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Up to 5 files (KANSKAART_STORY_MAX_PHOTOS): JPEG, PNG or "
        "HEIC, each at most KANSKAART_STORY_PHOTO_MAX_BYTES. Repeat the field "
        "per file.",
    )
    captions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="What each photo shows, in the order of photos; at most 200 "
        "characters each.",
    )


def story_payload(request_obj):
    state = story.story_state(request_obj)
    return {
        "state": state.state,
        "reason": state.reason,
        "url": state.url,
        "comment": state.comment,
        "max_photos": photos.max_photos(),
        "max_photo_bytes": kanskaart_settings.STORY_PHOTO_MAX_BYTES,
    }


def _texts(data, name):
    """Return the strings sent under ``name``; a list from JSON or multipart."""
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_body(data, files):
    """Return ``(form, clean photos, errors)`` for a story body."""
    errors = {}
    known = {"title", "text", "photos", "captions"}
    for name in list(data.keys()) + list(files.keys()):
        if name not in known:
            errors[name] = [_("This field is unknown.")]

    uploads = files.getlist("photos") if hasattr(files, "getlist") else []
    captions = _texts(data, "captions")
    if not all(isinstance(caption, str) for caption in captions):
        errors["captions"] = [_("Enter text here.")]
        captions = []
    title, text = data.get("title"), data.get("text")
    for name, value in (("title", title), ("text", text)):
        if value is not None and not isinstance(value, str):
            errors[name] = [_("Enter text here.")]

    limit = photos.max_photos()
    if len(uploads) > limit:
        errors["photos"] = [
            _("You can add at most %(count)s photos.") % {"count": limit}
        ]
        uploads = []
    if len(captions) > max(len(uploads), 0) and "photos" not in errors:
        errors.setdefault("captions", []).append(
            _("Send one caption per photo, in the order of the photos.")
        )

    form_data = {
        "title": title if isinstance(title, str) else "",
        "text": text if isinstance(text, str) else "",
    }
    for number, caption in enumerate(captions[:limit], start=1):
        form_data[story.caption_field_name(number)] = caption
    form = story.StoryForm(form_data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name.startswith("caption_"):
                path = f"captions.{int(name.removeprefix('caption_')) - 1}"
            else:
                path = name
            if path not in errors:
                errors[path] = [str(message) for message in messages]

    clean = []
    for index, upload in enumerate(uploads):
        try:
            clean.append(photos.clean_photo(upload))
        except photos.PhotoError as error:
            errors[f"photos.{index}"] = [error.message]
    return form, clean, errors


def _story_conflict(state):
    """Return the 409 error for a story post while the story is in ``state``."""
    if state.state in story.SENT_STATES:
        # Most often a repeat of the post that sent it, after a network error.
        return Conflict(
            _(
                "We already have your story. The editors read it first. You get "
                "a message when it is on the website."
            ),
            code="story_already_sent",
        )
    return Conflict(
        _("You cannot write or change your story now."),
        code="story_not_allowed",
    )


class StoryView(StatusTokenView):
    """The resident's story about her initiative, by the status token."""

    parser_classes = [StoryMultiPartParser, BoundedJSONParser]

    def respond_story(self, request_obj, status=200):
        return _private(Response(story_payload(request_obj), status=status))

    @api_schema(
        operation_id="status_story_retrieve",
        tags=["status"],
        summary="Whether the resident can write her story, and its state",
        parameters=[LanguageQuerySerializer],
        responses={200: StoryStateSerializer, 404: NOT_FOUND, 429: ErrorSerializer},
    )
    def get(self, request, token):
        return self.respond_story(self.get_request_obj(token))

    @api_schema(
        operation_id="status_story_create",
        tags=["status"],
        summary="Send the resident's story with up to 5 photos",
        description="Accepted when the state is can_write (a new story) or "
        "changes_requested (the changed story; photos sent replace the "
        "story's photos, and without photos it keeps them). 409 otherwise: "
        "with code story_already_sent when the story is sent and waits for "
        "an editor (in_review or waiting), as after a repeated post, and "
        "story_not_allowed in the other states. "
        "Photos are checked for size and kind before they are decoded, and "
        "stored as JPEG without metadata. Errors come back per field: "
        "title, text, photos.<index>, captions.<index>.",
        request={"multipart/form-data": StoryBodySerializer},
        parameters=[LanguageQuerySerializer],
        responses={
            201: StoryStateSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid fields."),
            403: OpenApiResponse(ErrorSerializer, description="Origin not allowed."),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ErrorSerializer,
                description="No story can be sent now (story_not_allowed), or "
                "the story was sent already (story_already_sent).",
            ),
            413: OpenApiResponse(ErrorSerializer, description="Body too large."),
            429: ErrorSerializer,
        },
    )
    def post(self, request, token):
        request_obj = self.get_request_obj(token)
        if not origin_may_write(request, request_obj.municipality):
            raise PermissionDenied(
                _("This website may not change requests of this municipality."),
                code="origin_not_allowed",
            )
        data = request.data
        if not hasattr(data, "keys"):
            raise InvalidInput({"non_field_errors": [_("Send a JSON object here.")]})
        state = story.story_state(request_obj)
        if state.state not in (story.CAN_WRITE, story.CHANGES_REQUESTED):
            raise _story_conflict(state)

        form, clean, errors = _check_body(data, request.FILES)
        if errors:
            raise InvalidInput(errors)
        captions = [form.caption(number) for number in range(1, len(clean) + 1)]
        try:
            if state.state == story.CAN_WRITE:
                story.submit_story(
                    request_obj,
                    form.cleaned_data["title"],
                    form.cleaned_data["text"],
                    list(zip(clean, captions, strict=True)),
                )
            else:
                kept = [
                    (photo.image, photo.caption)
                    for photo in state.page.photos.select_related("image")
                ]
                story.resubmit_story(
                    request_obj,
                    form.cleaned_data["title"],
                    form.cleaned_data["text"],
                    list(zip(clean, captions, strict=True)) if clean else kept,
                )
        except story.StoryNotAllowed as error:
            # Another post of this request may have sent the story first.
            raise _story_conflict(
                story.story_state(self.get_request_obj(token))
            ) from error
        return self.respond_story(self.get_request_obj(token), status=201)
