"""Strip metadata from image files when Wagtail stores them.

``strip_image_file`` is a ``pre_save`` receiver on the image model. Django
sends ``pre_save`` before the file field writes a new upload to storage.
So in most paths the upload is replaced in memory and the original bytes
never reach storage: the admin's add view, multiple upload and chooser
upload, and code that assigns a ``File``. Where a new file was written to
storage before the model is saved (Wagtail's multiple upload of an image
whose form needed more fields, ``image.file.save(name, content)``), the
stored file is rewritten under the same name.

The file size and hash are computed again with Wagtail's own
``_set_image_file_metadata``, so duplicate detection compares clean files.
Stripping is deterministic: the same upload gives the same clean file.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import pre_save
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from ..conf import kanskaart_settings
from .formats import strip_metadata

logger = logging.getLogger("wagtail_kanskaart")

_DISPATCH_UID = "wagtail_kanskaart.image_metadata"


def connect():
    """Connect the receivers to the image model of this site."""
    pre_save.connect(
        strip_image_file, sender=get_image_model(), dispatch_uid=_DISPATCH_UID
    )
    pre_save.connect(
        strip_uploaded_file, sender=UploadedFile, dispatch_uid=_DISPATCH_UID
    )


def strip_image_file(sender, instance, raw=False, update_fields=None, **kwargs):
    """Replace a new image file with a copy without metadata."""
    if raw or not kanskaart_settings.STRIP_IMAGE_METADATA:
        return
    if update_fields is not None and "file" not in update_fields:
        return
    field_file = instance.file
    if not field_file:
        return
    if not field_file._committed:
        _replace_upload(instance)
    elif _is_new_stored_file(sender, instance):
        clean_stored_file(instance)


def strip_uploaded_file(sender, instance, raw=False, **kwargs):
    """Strip an image that the multiple upload keeps until its form is complete.

    Wagtail stores such an upload as an ``UploadedFile`` and later copies
    it to the image, so it is cleaned before it is first stored.
    """
    if raw or not kanskaart_settings.STRIP_IMAGE_METADATA:
        return
    image_type = ContentType.objects.get_for_model(get_image_model())
    if instance.for_content_type_id != image_type.pk:
        return
    field_file = instance.file
    if not field_file or field_file._committed:
        return
    cleaned = strip_metadata(_read_upload(field_file.file))
    if cleaned is not None:
        instance.file = ContentFile(cleaned, name=field_file.name)


def _read_upload(upload) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return content


def _replace_upload(instance):
    field_file = instance.file
    cleaned = strip_metadata(_read_upload(field_file.file))
    if cleaned is None:
        return
    # Assigning a File through the field's descriptor also reads the new
    # width and height, which differ when the image was turned upright.
    instance.file = ContentFile(cleaned, name=field_file.name)
    instance._set_image_file_metadata()
    _drop_focal_point_outside(instance)


def _is_new_stored_file(model, instance) -> bool:
    if instance._state.adding or instance.pk is None:
        return True
    stored_name = (
        model._default_manager.filter(pk=instance.pk)
        .values_list("file", flat=True)
        .first()
    )
    return stored_name != instance.file.name


def clean_stored_file(image) -> bool:
    """Rewrite the image's stored file without metadata; return True if it changed.

    Updates the instance's file name, width, height, file size and hash,
    but does not save the instance. Raises ``OSError`` when the file cannot
    be read from storage.
    """
    field_file = image.file
    storage = field_file.storage
    name = field_file.name
    with storage.open(name, "rb") as stored:
        content = stored.read()
    cleaned = strip_metadata(content)
    if cleaned is None:
        return False

    # NOTE: storage has no "replace" operation, so the file is deleted and
    # saved again. A storage that finds the name taken in between gives
    # the clean file another name, which is kept on the instance.
    storage.delete(name)
    image.file = storage.save(name, ContentFile(cleaned))
    image._set_image_file_metadata()
    image.file.close()
    _drop_focal_point_outside(image)
    return True


def clean_existing_image(image) -> bool:
    """Clean an image stored earlier, save it and delete its renditions.

    Returns True if the file had metadata. Wagtail deletes a rendition's
    file with the rendition, and makes it again, from the clean file, on
    the next request for it.
    """
    if not clean_stored_file(image):
        return False
    with transaction.atomic():
        image.save(
            update_fields=[
                "file",
                "width",
                "height",
                "file_size",
                "file_hash",
                "focal_point_x",
                "focal_point_y",
                "focal_point_width",
                "focal_point_height",
            ]
        )
        image.renditions.all().delete()
    return True


def _drop_focal_point_outside(image):
    """Clear a focal point that no longer lies within the image.

    Turning an image upright swaps its width and height, and a focal point
    chosen on the previous file may then fall outside it.
    """
    if image.focal_point_x is None or image.focal_point_y is None:
        return
    half_width = (image.focal_point_width or 0) / 2
    half_height = (image.focal_point_height or 0) / 2
    inside = (
        image.focal_point_x - half_width >= 0
        and image.focal_point_y - half_height >= 0
        and image.focal_point_x + half_width <= image.width
        and image.focal_point_y + half_height <= image.height
    )
    if not inside:
        logger.info("Focal point of image %s cleared: outside the clean file", image.pk)
        image.focal_point_x = None
        image.focal_point_y = None
        image.focal_point_width = None
        image.focal_point_height = None
