"""Check and convert the photos of a resident's story.

An upload is checked before Pillow decodes its pixels: its size in bytes,
its real format read from the file header (not its name or content type),
and its size in pixels. A photo that passes is decoded, turned upright by
its EXIF orientation, put on a white background where it is transparent,
made smaller when it is large, and saved as a new JPEG. Nothing from the
uploaded file is copied into that JPEG: no EXIF (location, camera, time), no
XMP, no ICC profile, no comments. The upload itself is never stored, so
every stored file and every rendition Wagtail makes of it is clean.
"""

import datetime
import io
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps
from pillow_heif import register_heif_opener
from wagtail.images import get_image_model
from wagtail.models import Collection

from ..conf import kanskaart_settings

register_heif_opener()

# Pillow's format names of the accepted kinds. Many phones write JPEGs with
# a second, small picture inside, which Pillow opens as "MPO"; pillow-heif
# names HEIC and HEIF files "HEIF".
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "HEIF"}

# For the file inputs' ``accept`` attribute: a hint to the phone's picker,
# not a check.
ACCEPT_ATTRIBUTE = (
    "image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif"
)

JPEG_QUALITY = 85

# Errors Pillow and its plugins raise for a file they cannot read.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


class PhotoError(ValueError):
    """An uploaded photo is rejected; ``message`` is the reason, for the resident."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    """A photo converted to a JPEG without metadata."""

    content: bytes
    width: int
    height: int


def max_photos() -> int:
    from ..models.story import MAX_STORY_PHOTOS

    # The story page's photo panel takes at most MAX_STORY_PHOTOS.
    return max(0, min(kanskaart_settings.STORY_MAX_PHOTOS, MAX_STORY_PHOTOS))


def max_megabytes() -> str:
    """Return the byte limit of one photo in whole megabytes, for messages."""
    return _megabytes(kanskaart_settings.STORY_PHOTO_MAX_BYTES)


def _megabytes(size) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _check_header(upload):
    """Open the upload lazily and return the image, checking format and pixels."""
    max_pixels = kanskaart_settings.STORY_PHOTO_MAX_PIXELS
    too_large = PhotoError(
        _(
            "This photo is too large: it has more than %(megapixels)s million "
            "pixels. Choose a smaller photo."
        )
        % {"megapixels": f"{max_pixels / 1_000_000:.0f}"}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except Image.UnidentifiedImageError as error:
        raise PhotoError(_wrong_kind_message()) from error
    except _UNREADABLE as error:
        raise PhotoError(_unreadable_message()) from error

    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise PhotoError(_wrong_kind_message())
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise PhotoError(_unreadable_message())
    if width * height > max_pixels:
        image.close()
        raise too_large
    return image


def _wrong_kind_message():
    return _("This file is not a photo we can use. Choose a JPEG, PNG or HEIC photo.")


def _unreadable_message():
    return _("We cannot open this photo. It may be damaged. Choose another photo.")


def clean_photo(upload) -> CleanPhoto:
    """Check an uploaded file and return it as a clean JPEG.

    ``upload`` is a Django ``UploadedFile`` or any file object with a
    ``size``. Raises ``PhotoError`` with a message for the resident when the
    file is too large in bytes or pixels, of another kind, or unreadable.
    """
    max_bytes = kanskaart_settings.STORY_PHOTO_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise PhotoError(
            _("This photo is too large. Choose a photo of at most %(size)s MB.")
            % {"size": _megabytes(max_bytes)}
        )
    if size == 0:
        raise PhotoError(_("This file is empty. Choose a photo."))

    upload.seek(0)
    image = _check_header(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format in ("JPEG", "MPO"):
                # libjpeg can decode at 1/2, 1/4 or 1/8 scale, which needs
                # far less memory; Pillow picks the smallest scale that is
                # still at least the max side.
                side = kanskaart_settings.STORY_PHOTO_MAX_SIDE
                image.draft("RGB", (side, side))
            image.load()
            converted = _convert(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(_unreadable_message()) from error
    except _UNREADABLE as error:
        raise PhotoError(_unreadable_message()) from error
    finally:
        image.close()

    output = io.BytesIO()
    # No exif=, icc_profile= or comment= arguments: the new file carries
    # none of them. Pillow only copies metadata that is passed explicitly
    # or is in ``converted.info``, which _convert leaves empty.
    converted.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(
        content=output.getvalue(), width=converted.width, height=converted.height
    )


def _to_srgb(rgb, icc_profile):
    """Return ``rgb`` converted from its colour profile to sRGB.

    The stored JPEG carries no profile, and browsers show such a file as
    sRGB. iPhones save photos in Display P3, which would look dull without
    this conversion. A profile that cannot be read leaves the pixels as they
    are.
    """
    if not icc_profile:
        return rgb
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return rgb


# Pillow's modes of 16-bit and 32-bit integer pixels, as in 16-bit greyscale
# PNGs. Its convert("RGB") clips their values at 255 instead of scaling
# them, which turns such a photo white.
_WIDE_INTEGER_MODES = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
_MAX_16_BIT = 65535


def _to_8_bit(image):
    """Return an integer greyscale image of 16 or 32 bits as 8-bit ("L").

    Values within 0..65535 are 16-bit values and keep their top 8 bits.
    Other values are spread from the image's own range over 0..255.
    """
    wide = image.convert("I")
    low, high = wide.getextrema()
    if low >= 0 and high <= _MAX_16_BIT:
        scale, offset = 1 / 256, 0.0
    else:
        scale = 255 / max(high - low, 1)
        offset = -low * scale
    return wide.point(lambda value: value * scale + offset).convert("L")


def _convert(image):
    """Return an upright RGB copy of ``image`` on white, at most the max side."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in _WIDE_INTEGER_MODES:
        upright = _to_8_bit(upright)
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        rgb = background
    else:
        rgb = upright.convert("RGB")
    rgb = _to_srgb(rgb, image.info.get("icc_profile"))

    max_side = kanskaart_settings.STORY_PHOTO_MAX_SIDE
    if max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)

    # A fresh image with the pixels only, so no metadata of the upload
    # (``info``: exif, icc_profile, xmp, comment, dpi) can travel along.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean


def stories_collection(municipality):
    """Return the image collection for the municipality's stories, creating it.

    It is a child of the root collection, named in the site's language.
    NOTE: the collection is found by its name, so after an editor renames
    it a new one is made for the next story.
    """
    with translation.override(settings.LANGUAGE_CODE):
        name = _("Stories of %(municipality)s") % {"municipality": municipality.title}
    root = Collection.get_first_root_node()
    with transaction.atomic():
        existing = root.get_children().filter(name=name).first()
        if existing is not None:
            return existing
        return root.add_child(name=name)


def save_image(photo: CleanPhoto, title, collection):
    """Store a clean photo as a Wagtail image and return it.

    The file name is random, so it contains nothing of the upload's name.
    """
    image_model = get_image_model()
    name = f"verhaal-{secrets.token_hex(8)}.jpg"
    image = image_model(
        title=title[:255],
        collection=collection,
        file=ImageFile(io.BytesIO(photo.content), name=name),
        width=photo.width,
        height=photo.height,
    )
    image._set_image_file_metadata()
    image.save()
    return image


# Photos of a story form that was sent with a mistake elsewhere. They are
# kept, already clean, so the resident need not choose them again. The form
# carries their names in a signed field, bound to her request.
KEPT_FOLDER = "kanskaart_story_uploads"
KEPT_MAX_AGE = datetime.timedelta(hours=24)
_KEPT_SALT = "wagtail_kanskaart.story_photo"
_KEPT_NAME_RE = re.compile(r"^[0-9a-f]{32}\.jpg$")


def keep_upload(photo: CleanPhoto, request_obj) -> str:
    """Store a clean photo for a later post of the form; return its signed key."""
    name = f"{secrets.token_hex(16)}.jpg"
    default_storage.save(f"{KEPT_FOLDER}/{name}", ContentFile(photo.content))
    return signing.dumps({"request": request_obj.pk, "name": name}, salt=_KEPT_SALT)


def _kept_name(key, request_obj) -> str | None:
    try:
        value = signing.loads(
            key, salt=_KEPT_SALT, max_age=KEPT_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("request") != request_obj.pk:
        return None
    name = value.get("name")
    if not isinstance(name, str) or not _KEPT_NAME_RE.match(name):
        return None
    return name


def load_kept(key, request_obj) -> CleanPhoto | None:
    """Return the kept photo of a signed key, or None if gone or the key is bad."""
    name = _kept_name(key, request_obj)
    return _load_name(name) if name is not None else None


def _load_name(name) -> CleanPhoto | None:
    path = f"{KEPT_FOLDER}/{name}"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as file:
        content = file.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
    except _UNREADABLE:
        return None
    return CleanPhoto(content=content, width=width, height=height)


def _name_mac(name, request_obj) -> str:
    return salted_hmac(
        _KEPT_SALT, f"{request_obj.pk}:{name}", algorithm="sha256"
    ).hexdigest()


def kept_preview_key(key, request_obj) -> str:
    """Return a key for a kept photo's preview address, or "" for a bad key.

    Wagtail routes only letters, digits, "_" and "-" in page addresses, so
    the signed key cannot go there. This key is the file's random name and
    a keyed hash that binds it to the request.
    """
    name = _kept_name(key, request_obj)
    if name is None:
        return ""
    return f"{name.removesuffix('.jpg')}-{_name_mac(name, request_obj)}"


def load_kept_preview(preview_key, request_obj) -> CleanPhoto | None:
    """Return the kept photo of a preview key, or None."""
    stem, _sep, mac = preview_key.partition("-")
    name = f"{stem}.jpg"
    if not _KEPT_NAME_RE.match(name) or not constant_time_compare(
        mac, _name_mac(name, request_obj)
    ):
        return None
    return _load_name(name)


def discard_kept(key, request_obj):
    """Delete the kept photo of a signed key, if the key is valid."""
    name = _kept_name(key, request_obj)
    if name is not None:
        default_storage.delete(f"{KEPT_FOLDER}/{name}")


def purge_kept(now=None, limit=200) -> int:
    """Delete up to ``limit`` kept photos older than ``KEPT_MAX_AGE``; return the count.

    A resident who gives up after a failed post leaves her kept photos
    behind, and nothing else ever reads them after a day.
    """
    now = now or timezone.now()
    try:
        _folders, names = default_storage.listdir(KEPT_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return 0
    deleted = 0
    for name in names:
        if deleted >= limit:
            break
        if not _KEPT_NAME_RE.match(name):
            continue
        path = f"{KEPT_FOLDER}/{name}"
        try:
            modified = default_storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if now - modified > KEPT_MAX_AGE:
            default_storage.delete(path)
            deleted += 1
    return deleted
