"""Metadata is stripped from images editors upload in the Wagtail admin.

Uploads go through the real admin views (single add, multiple upload, the
chooser's upload) as a logged-in editor. The stored original and its
renditions are read back from storage and searched for metadata bytes.
"""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin
from wagtail.images import get_image_model
from wagtail.models import UploadedFile

from wagtail_kanskaart.image_metadata import strip_metadata

COMMENT = b"Geheime opmerking van Jan"
CAMERA = "KanskaartCam 3000"
XMP_NAMESPACE = b"http://ns.adobe.com/xap"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmp:CreatorTool="Geheime opmerking"/></rdf:RDF></x:xmpmeta>'
)
# Bytes that must not be in any stored or served file.
NEEDLES = (
    b"GPS",
    b"Exif",
    b"eXIf",
    XMP_NAMESPACE,
    COMMENT,
    CAMERA.encode(),
    b"Geheime opmerking",
)
RED = (255, 0, 0)
BLUE = (0, 60, 200)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def image_editor(editor):
    """Roosendaal's logged-in editor, allowed to add and choose images."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    for codename in ("add_image", "change_image", "choose_image"):
        GroupCollectionPermission.objects.get_or_create(
            group=editor.groups.first(),
            collection=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailimages", codename=codename
            ),
        )
    return editor


def gps_exif(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 32.0, 7.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 27.0, 55.1)
    gps[ExifTags.GPS.GPSProcessingMethod] = b"ASCII\x00\x00\x00GPS"
    return exif


def picture(size=(400, 300)):
    """Return a blue image with a red block in its top-left corner."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, 60, 60))
    return image


def encode(image, kind, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **options)
    return buffer.getvalue()


def jpeg_with_metadata(orientation=1):
    return encode(
        picture(),
        "JPEG",
        exif=gps_exif(orientation),
        xmp=XMP,
        comment=COMMENT,
        quality=90,
    )


def png_with_metadata():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_text("Author", "Geheime opmerking", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return encode(picture(), "PNG", pnginfo=info, exif=gps_exif())


def webp_with_metadata():
    return encode(picture(), "WEBP", exif=gps_exif(), xmp=XMP, quality=90)


def metadata_found(content):
    return [needle for needle in NEEDLES if needle in content]


def assert_clean(content):
    assert metadata_found(content) == []
    with Image.open(io.BytesIO(content)) as image:
        assert dict(image.getexif()) == {}
        assert "xmp" not in image.info
        assert "comment" not in image.info


def stored_bytes(image):
    with image.file.storage.open(image.file.name, "rb") as stored:
        return stored.read()


def rendition_bytes(image, spec):
    rendition = image.get_rendition(spec)
    with rendition.file.storage.open(rendition.file.name, "rb") as stored:
        return stored.read()


def assert_size_and_hash_match(image):
    import hashlib

    content = stored_bytes(image)
    assert image.file_size == len(content)
    assert image.file_hash == hashlib.sha1(content, usedforsecurity=False).hexdigest()


def upload_single(client, content, name, title="Buurtfeest"):
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content[:2000]
    return get_image_model().objects.get(title=title)


def upload_multiple(client, content, name, **data):
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content), **data},
    )
    assert response.status_code == 200
    return json.loads(response.content)


def test_metadata_needles_present_before_upload():
    # The needles are really in the test files, so their absence later
    # means something.
    assert b"GPS" in jpeg_with_metadata()
    assert XMP_NAMESPACE in jpeg_with_metadata()
    assert COMMENT in jpeg_with_metadata()
    assert b"eXIf" in png_with_metadata()
    assert COMMENT in png_with_metadata()
    assert b"GPS" in webp_with_metadata()


def test_single_add_strips_jpeg(client, image_editor):
    image = upload_single(client, jpeg_with_metadata(), "IMG_1234.jpg")

    content = stored_bytes(image)
    assert content.startswith(b"\xff\xd8")
    assert_clean(content)
    assert_size_and_hash_match(image)
    assert (image.width, image.height) == (400, 300)
    for spec in ("max-800x600", "fill-480x320"):
        assert_clean(rendition_bytes(image, spec))


def test_single_add_jpeg_keeps_pixels_lossless(client, image_editor):
    upload = jpeg_with_metadata()
    image = upload_single(client, upload, "IMG_1235.jpg")

    with Image.open(io.BytesIO(upload)) as before:
        before_pixels = before.convert("RGB").tobytes()
    with Image.open(io.BytesIO(stored_bytes(image))) as after:
        after_pixels = after.convert("RGB").tobytes()
    assert after_pixels == before_pixels


def test_single_add_keeps_icc_profile(client, image_editor):
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = encode(
        picture(), "JPEG", exif=gps_exif(), comment=COMMENT, icc_profile=profile
    )
    image = upload_single(client, upload, "profiel.jpg")

    with Image.open(io.BytesIO(stored_bytes(image))) as stored:
        assert stored.info.get("icc_profile") == profile


def test_multiple_add_turns_jpeg_upright(client, image_editor):
    data = upload_multiple(client, jpeg_with_metadata(orientation=6), "staand.jpg")
    image = get_image_model().objects.get(pk=data["image_id"])

    content = stored_bytes(image)
    assert_clean(content)
    assert_size_and_hash_match(image)
    assert (image.width, image.height) == (300, 400)
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.size == (300, 400)
        rgb = stored.convert("RGB")
        # Orientation 6 turns the picture a quarter clockwise, so the red
        # top-left block ends up top right.
        top_right = rgb.getpixel((290, 10))
        top_left = rgb.getpixel((10, 10))
    assert top_right[0] > 200
    assert top_right[2] < 60
    assert top_left[2] > 150
    assert top_left[0] < 60
    for spec in ("max-800x600", "fill-480x320"):
        assert_clean(rendition_bytes(image, spec))


def test_single_add_strips_png(client, image_editor):
    image = upload_single(client, png_with_metadata(), "kaart.png")

    content = stored_bytes(image)
    assert content.startswith(b"\x89PNG")
    assert_clean(content)
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"tIME"):
        assert chunk not in content
    assert_size_and_hash_match(image)
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.convert("RGB").getpixel((10, 10)) == RED
    for spec in ("max-800x600", "fill-480x320"):
        assert_clean(rendition_bytes(image, spec))


def test_multiple_add_strips_webp(client, image_editor):
    data = upload_multiple(client, webp_with_metadata(), "foto.webp")
    image = get_image_model().objects.get(pk=data["image_id"])

    content = stored_bytes(image)
    assert content[:4] == b"RIFF"
    assert content[8:12] == b"WEBP"
    assert_clean(content)
    assert b"EXIF" not in content
    assert b"XMP " not in content
    assert_size_and_hash_match(image)
    for spec in ("max-800x600", "fill-480x320"):
        assert_clean(rendition_bytes(image, spec))


def test_chooser_upload_strips_jpeg(client, image_editor):
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Uit de kiezer",
            "image-chooser-upload-file": SimpleUploadedFile(
                "kiezer.jpg", jpeg_with_metadata()
            ),
        },
    )

    assert response.status_code == 200
    image = get_image_model().objects.get(title="Uit de kiezer")
    assert_clean(stored_bytes(image))
    assert_size_and_hash_match(image)


def test_multiple_add_via_uploaded_file(client, image_editor):
    # An empty title makes the form invalid, so Wagtail keeps the upload as
    # an UploadedFile and shows the form again.
    data = upload_multiple(client, jpeg_with_metadata(), "later.jpg", title="")
    upload = UploadedFile.objects.get(pk=data["uploaded_file_id"])
    with upload.file.storage.open(upload.file.name, "rb") as kept:
        assert_clean(kept.read())

    prefix = f"uploaded-image-{upload.pk}"
    response = client.post(
        reverse("wagtailimages:create_multiple_from_uploaded_image", args=[upload.pk]),
        {f"{prefix}-title": "Later ingevuld"},
    )

    assert json.loads(response.content)["success"] is True
    image = get_image_model().objects.get(title="Later ingevuld")
    assert_clean(stored_bytes(image))
    assert_size_and_hash_match(image)


def test_duplicate_upload_still_detected(client, image_editor):
    upload = jpeg_with_metadata()
    first = upload_multiple(client, upload, "eerste.jpg")
    second = upload_multiple(client, upload, "tweede.jpg")

    assert first["duplicate"] is False
    assert second["duplicate"] is True


def test_broken_upload_gets_form_error(client, image_editor):
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Kapot",
            "file": SimpleUploadedFile("kapot.jpg", b"geen foto, maar tekst"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not get_image_model().objects.filter(title="Kapot").exists()


def test_setting_off_keeps_file(client, image_editor, settings):
    settings.KANSKAART_STRIP_IMAGE_METADATA = False
    upload = jpeg_with_metadata()

    image = upload_single(client, upload, "onveranderd.jpg")

    assert stored_bytes(image) == upload


def test_clean_jpeg_is_left_unchanged(db):
    clean = encode(picture(), "JPEG", quality=85)

    image = get_image_model().objects.create(
        title="Schoon", file=ContentFile(clean, name="schoon.jpg")
    )

    assert strip_metadata(clean) is None
    assert stored_bytes(image) == clean


def test_file_saved_on_existing_image_is_cleaned(db):
    image = get_image_model().objects.create(
        title="Eerst schoon", file=ContentFile(encode(picture(), "PNG"), name="a.png")
    )

    image.file.save("nieuw.jpg", ContentFile(jpeg_with_metadata()))

    image.refresh_from_db()
    assert_clean(stored_bytes(image))
    assert_size_and_hash_match(image)


def test_unreadable_and_svg_files_left_alone():
    assert strip_metadata(b"\xff\xd8garbage") is None
    assert strip_metadata(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


def test_animated_gif_and_webp_keep_frames():
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "lime", "blue")]
    gif = encode(
        frames[0],
        "GIF",
        save_all=True,
        append_images=frames[1:],
        comment=COMMENT,
        duration=100,
        loop=0,
    )
    webp = encode(
        frames[0],
        "WEBP",
        save_all=True,
        append_images=frames[1:],
        exif=gps_exif(),
        xmp=XMP,
        duration=100,
    )

    for content in (gif, webp):
        cleaned = strip_metadata(content)
        assert metadata_found(cleaned) == []
        with Image.open(io.BytesIO(cleaned)) as animation:
            assert animation.n_frames == 3


def test_jpeg_drops_appended_data_and_mpo_frames():
    exif = gps_exif()
    # Phones append a video ("motion photo") or more pictures (MPO) after
    # the first image's end marker, each with its own metadata.
    with_trailer = jpeg_with_metadata() + b"ftypmp4 GPS " + COMMENT
    mpo = encode(
        picture(), "MPO", save_all=True, append_images=[picture((80, 60))], exif=exif
    )
    with Image.open(io.BytesIO(mpo)) as original:
        assert original.n_frames == 2

    for content in (with_trailer, mpo):
        cleaned = strip_metadata(content)
        assert metadata_found(cleaned) == []
        assert cleaned.endswith(b"\xff\xd9")
        with Image.open(io.BytesIO(cleaned)) as image:
            assert image.format == "JPEG"
            assert image.size == (400, 300)


def test_heif_is_encoded_again_without_metadata():
    heif = encode(picture(), "HEIF", exif=gps_exif(), xmp=XMP)

    cleaned = strip_metadata(heif)

    assert metadata_found(cleaned) == []
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "HEIF"
        assert image.size == (400, 300)


def make_old_image(settings, title="Oud"):
    """Store a JPEG with metadata as if the stripping had not been installed."""
    settings.KANSKAART_STRIP_IMAGE_METADATA = False
    image = get_image_model().objects.create(
        title=title, file=ContentFile(jpeg_with_metadata(), name="oud.jpg")
    )
    image._set_image_file_metadata()
    image.save()
    image.get_rendition("max-800x600")
    settings.KANSKAART_STRIP_IMAGE_METADATA = True
    return image


def run_command(*args):
    output = io.StringIO()
    call_command("kanskaart_strip_image_metadata", *args, stdout=output)
    return output.getvalue()


def test_command_dry_run_changes_nothing(db, settings):
    image = make_old_image(settings)
    before = stored_bytes(image)

    output = run_command("--dry-run")

    assert f"image {image.pk}" in output
    assert "1 of 1 images carry metadata" in output
    assert stored_bytes(image) == before
    assert image.renditions.count() == 1


def test_command_cleans_old_image(db, settings):
    image = make_old_image(settings)
    old_rendition = image.renditions.get()
    assert metadata_found(stored_bytes(image))

    output = run_command()

    image.refresh_from_db()
    assert "Cleaned 1 of 1 images" in output
    assert_clean(stored_bytes(image))
    assert_size_and_hash_match(image)
    assert not image.renditions.filter(pk=old_rendition.pk).exists()
    assert_clean(rendition_bytes(image, "max-800x600"))


def test_command_is_idempotent(db, settings):
    image = make_old_image(settings)
    run_command()
    image.refresh_from_db()
    cleaned = stored_bytes(image)

    output = run_command()

    assert "Cleaned 0 of 1 images" in output
    assert stored_bytes(image) == cleaned
