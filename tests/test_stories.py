"""The resident's story: the hosted form, its photos, moderation and the API.

Photos are made in each test with Pillow and pillow-heif. Every stored file
and every served rendition is opened again to prove that no EXIF, GPS or
other metadata of the upload survives.
"""

import io
import re

import pillow_heif
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry, Page

from tests.factories import make_moderation_workflow, submit_form
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.intake.tokens import token_for
from wagtail_kanskaart.models import InitiativeRequest, Notification, StoryPage
from wagtail_kanskaart.models.requests import RequestStatus
from wagtail_kanskaart.views.urls import status_url

pytestmark = pytest.mark.django_db

EMAIL = "fatma@example.org"
STORY_TEXT = (
    "We hielden een straatfeest met de hele buurt.\n\n"
    "Er was muziek en iedereen nam eten mee. De kinderen speelden tot laat."
)
COMMENT = "Haal de naam van de buurvrouw uit de tekst."
# Wagtail's original images and renditions live under these folders.
IMAGE_FOLDERS = ("original_images", "images")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def roosendaal(two_municipalities, editors):
    municipality = two_municipalities[0]
    make_moderation_workflow(municipality, editors["roosendaal"])
    return municipality


@pytest.fixture
def editor_client(editors):
    client = Client()
    client.force_login(editors["roosendaal"])
    return client


@pytest.fixture
def granted(roosendaal):
    """A request for support only: granted, with no money to pay out."""
    result = submit_form(roosendaal, needs=["support"], language="nl")
    assert result.request.status == RequestStatus.GRANTED
    return result.request


@pytest.fixture
def paid(roosendaal):
    """A request for money, granted at once and paid out."""
    result = submit_form(roosendaal, needs=["budget"], language="nl")
    assert result.request.status == RequestStatus.GRANTED
    return lifecycle.mark_paid(result.request)


# Helpers


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def story_path(request_obj):
    return path_of(status_url(request_obj)) + "verhaal/"


def api_path(request_obj):
    token = token_for(request_obj.token_salt)
    return reverse("kanskaart_api:story", kwargs={"token": token})


def nl(message):
    with translation.override("nl"):
        return translation.gettext(message)


def text_of(response):
    return " ".join(
        BeautifulSoup(response.content.decode(), "html.parser").get_text(" ").split()
    )


def jpeg_bytes(size=(800, 600), color="red", exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def gps_exif():
    """Return EXIF bytes with a camera, a time and a GPS position in Roosendaal."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    exif[0x0132] = "2025:06:01 14:00:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotate 90 degrees to be upright
    exif[0x8825] = {  # the GPS IFD
        1: "N",
        2: (51.0, 32.0, 6.0),
        3: "E",
        4: (4.0, 27.0, 54.0),
    }
    return exif.tobytes()


def png_with_alpha():
    image = Image.new("RGBA", (300, 200), (0, 128, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 100, 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def heic_bytes():
    heif = pillow_heif.from_pillow(Image.new("RGB", (320, 240), "blue"))
    buffer = io.BytesIO()
    heif.save(buffer, quality=60)
    return buffer.getvalue()


def huge_png():
    """Return a 20000 x 20000 PNG of about 50 KB: one bit per pixel, all black."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(content, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def story_data(**photos):
    data = {"title": "Ons straatfeest", "text": STORY_TEXT}
    data.update(photos)
    return data


def post_story(client, request_obj, capture, **data):
    with capture(execute=True):
        return client.post(story_path(request_obj), story_data(**data))


def stored_files():
    """Return the paths of every image file in storage, originals and renditions."""
    paths = []
    for folder in IMAGE_FOLDERS:
        if not default_storage.exists(folder):
            continue
        _folders, names = default_storage.listdir(folder)
        paths.extend(f"{folder}/{name}" for name in names)
    return paths


def assert_clean_jpeg(content, where):
    assert content[:2] == b"\xff\xd8", f"{where} is not a JPEG"
    assert b"Exif" not in content, f"{where} has EXIF"
    assert b"GPS" not in content, f"{where} names GPS"
    assert b"PhoneModel" not in content, f"{where} has the camera model"
    assert b"http://ns.adobe.com/xap" not in content, f"{where} has XMP"
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif(), f"{where} has EXIF tags"
        assert image.getexif().get_ifd(0x8825) == {}, f"{where} has GPS tags"
        assert "icc_profile" not in image.info, f"{where} has an ICC profile"
        assert "comment" not in image.info, f"{where} has a comment"


def story_of(request_obj):
    request_obj = InitiativeRequest.objects.get(pk=request_obj.pk)
    return StoryPage.objects.get(pk=request_obj.story_page_id)


def workflow_action(client, page, action, comment=""):
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, action, task_state.pk],
        ),
        {"comment": comment},
    )


def approve(client, page, capture):
    with capture(execute=True):
        response = workflow_action(client, page, "approve")
    assert response.status_code == 302, response.content.decode()[:2000]


def reject(client, page, capture, comment=COMMENT):
    with capture(execute=True):
        response = workflow_action(client, page, "reject", comment)
    assert response.status_code == 302, response.content.decode()[:2000]


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


# Submitting with each kind of photo


def test_story_with_jpeg_becomes_draft_in_moderation(
    client, granted, django_capture_on_commit_callbacks
):
    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(jpeg_bytes()),
        caption_1="De lange tafel in de straat",
    )

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(granted))
    story = story_of(granted)
    assert story.live is False
    assert story.workflow_in_progress is True
    assert story.get_parent().pk == granted.municipality.pk
    assert story.neighbourhood_id == granted.neighbourhood_id
    assert story.initiative_id == granted.initiative_page_id
    assert story.title == "Ons straatfeest"
    assert story.intro == "We hielden een straatfeest met de hele buurt."
    assert "De kinderen speelden tot laat." in story.body
    photos = list(story.photos.all())
    assert len(photos) == 1
    assert photos[0].caption == "De lange tafel in de straat"
    assert photos[0].image.title.startswith("Ons straatfeest")


def test_story_png_alpha_is_flattened_on_white(
    client, granted, django_capture_on_commit_callbacks
):
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(png_with_alpha(), "feest.png", "image/png"),
    )

    image = story_of(granted).photos.get().image
    with image.open_file() as file:
        content = file.read()
    assert_clean_jpeg(content, "the stored PNG")
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG"
        assert stored.mode == "RGB"
        assert stored.getpixel((250, 150)) == pytest.approx((255, 255, 255), abs=3)
        assert stored.getpixel((50, 50))[2] > 200


def png_16_bit(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored_photo(request_obj):
    image = story_of(request_obj).photos.get().image
    with image.open_file() as file:
        return Image.open(io.BytesIO(file.read()))


def test_story_16_bit_png_keeps_its_grey(
    client, granted, django_capture_on_commit_callbacks
):
    content = png_16_bit(Image.new("I;16", (64, 48), 30000))
    with Image.open(io.BytesIO(content)) as opened:
        assert opened.mode == "I;16"

    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(content, "scan.png", "image/png"),
    )

    with stored_photo(granted) as stored:
        assert stored.mode == "RGB"
        # 30000 of 65535 is 117 of 255.
        assert stored.getpixel((32, 24)) == pytest.approx((117, 117, 117), abs=2)


def test_story_16_bit_png_gradient_is_kept(
    client, granted, django_capture_on_commit_callbacks
):
    gradient = Image.new("I;16", (256, 32))
    for x in range(256):
        gradient.paste(x * 257, (x, 0, x + 1, 32))

    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(png_16_bit(gradient), "verloop.png", "image/png"),
    )

    with stored_photo(granted) as stored:
        for x in (0, 64, 128, 192, 255):
            red, green, blue = stored.getpixel((x, 16))
            assert red == pytest.approx(x, abs=6), x
            assert green == red
            assert blue == red


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("I;16", 30000, 117),
        ("I;16B", 30000, 117),
        ("I", 30000, 117),
        ("I", 65535, 255),
        # Values beyond 16 bits: the image's own range is spread over 0..255.
        ("I", 1_000_000, 255),
    ],
)
def test_convert_scales_integer_modes(mode, value, expected):
    from wagtail_kanskaart.intake.photos import _convert

    image = Image.new(mode, (8, 8), value)
    image.putpixel((0, 0), 0)

    converted = _convert(image)

    assert converted.mode == "RGB"
    assert converted.getpixel((4, 4)) == (expected, expected, expected)
    assert converted.getpixel((0, 0)) == (0, 0, 0)


def test_story_heic_is_stored_as_jpeg(
    client, granted, django_capture_on_commit_callbacks
):
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(heic_bytes(), "IMG_0001.HEIC", "image/heic"),
    )

    image = story_of(granted).photos.get().image
    assert (image.width, image.height) == (320, 240)
    assert image.file.name.endswith(".jpg")
    assert "IMG_0001" not in image.file.name
    with image.open_file() as file:
        assert_clean_jpeg(file.read(), "the stored HEIC")


def test_gps_exif_is_gone_from_every_file(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    original = jpeg_bytes(size=(1200, 800), exif=gps_exif())
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825), "the test photo has no GPS"

    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(original, "IMG_2024.jpg"),
    )
    story = story_of(granted)
    approve(editor_client, story, django_capture_on_commit_callbacks)
    story.refresh_from_db()
    assert story.live is True

    image = story.photos.get().image
    # The EXIF orientation was applied: the landscape photo is upright.
    assert (image.width, image.height) == (800, 1200)
    page = client.get(path_of(story.url))
    assert page.status_code == 200
    sources = [
        img["src"]
        for img in BeautifulSoup(page.content.decode(), "html.parser").find_all("img")
    ]
    assert sources, "the story page shows no photo"
    for source in sources:
        name = path_of(source).removeprefix("/media/")
        with default_storage.open(name, "rb") as file:
            assert_clean_jpeg(file.read(), source)
    files = stored_files()
    assert any(path.startswith("original_images/") for path in files)
    assert any(path.startswith("images/") for path in files)
    for path in files:
        with default_storage.open(path, "rb") as file:
            assert_clean_jpeg(file.read(), path)


def test_unreadable_colour_profile_is_dropped(
    client, granted, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "green").save(
        buffer, "JPEG", icc_profile=b"not a colour profile"
    )

    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(buffer.getvalue()),
    )

    image = story_of(granted).photos.get().image
    with image.file.open("rb") as stored, Image.open(stored) as photo:
        assert "icc_profile" not in photo.info
        red, green, blue = photo.getpixel((10, 10))
        assert green > 100
        assert red < 50
        assert blue < 50


def test_large_photo_is_made_smaller(
    client, granted, settings, django_capture_on_commit_callbacks
):
    settings.KANSKAART_STORY_PHOTO_MAX_SIDE = 500

    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(jpeg_bytes(size=(2000, 1000))),
    )

    image = story_of(granted).photos.get().image
    assert (image.width, image.height) == (500, 250)


# Rejected photos


def assert_refused(response, message):
    assert response.status_code == 200
    assert message in text_of(response)
    assert not StoryPage.objects.exists()
    assert get_image_model().objects.count() == 0
    assert stored_files() == []


def test_huge_pixel_count_is_refused(
    client, granted, settings, django_capture_on_commit_callbacks
):
    settings.KANSKAART_STORY_PHOTO_MAX_PIXELS = 40_000_000

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(huge_png(), "groot.png", "image/png"),
    )

    with translation.override("nl"):
        message = translation.gettext(
            "This photo is too large: it has more than %(megapixels)s million "
            "pixels. Choose a smaller photo."
        ) % {"megapixels": "40"}
    assert_refused(response, message)


def test_too_many_bytes_is_refused(
    client, granted, settings, django_capture_on_commit_callbacks
):
    settings.KANSKAART_STORY_PHOTO_MAX_BYTES = 1024 * 1024

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(b"\xff\xd8" + b"0" * (1024 * 1024 + 1)),
    )

    message = nl("This photo is too large. Choose a photo of at most %(size)s MB.") % {
        "size": "1"
    }
    assert_refused(response, message)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.4 not a photo at all", "foto.jpg"),
        (b"GIF89a" + b"\x00" * 64, "foto.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "foto.png"),
    ],
)
def test_non_photo_with_photo_name_is_refused(
    client, granted, content, name, django_capture_on_commit_callbacks
):
    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(content, name),
    )

    assert_refused(
        response,
        nl("This file is not a photo we can use. Choose a JPEG, PNG or HEIC photo."),
    )


def test_broken_jpeg_is_refused(client, granted, django_capture_on_commit_callbacks):
    content = jpeg_bytes(size=(400, 300))
    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(content[: len(content) // 2]),
    )

    assert_refused(
        response,
        nl("We cannot open this photo. It may be damaged. Choose another photo."),
    )


def test_six_photos_are_refused(client, granted, django_capture_on_commit_callbacks):
    files = {f"photo_{number}": upload(jpeg_bytes()) for number in range(1, 6)}
    files["photo_6"] = upload(jpeg_bytes())

    response = post_story(client, granted, django_capture_on_commit_callbacks, **files)

    assert response.status_code == 200
    assert nl("You can add at most %(count)s photos.") % {"count": 5} in text_of(
        response
    )
    assert not StoryPage.objects.exists()


def test_failed_post_keeps_text_and_photos(
    client, granted, django_capture_on_commit_callbacks
):
    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        title="",
        photo_1=upload(jpeg_bytes()),
        caption_1="Het podium",
        photo_2=upload(b"not a photo"),
    )

    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("textarea", {"name": "text"}).get_text().strip() == STORY_TEXT
    assert soup.find("input", {"name": "caption_1"})["value"] == "Het podium"
    kept = soup.find("input", {"name": "kept_1"})
    assert kept is not None and kept["value"].startswith("upload:")
    assert soup.find("input", {"name": "kept_2"}) is None
    preview = client.get(soup.find_all("img")[0]["src"])
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/jpeg"
    assert not StoryPage.objects.exists()

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        kept_1=kept["value"],
        caption_1="Het podium",
    )

    assert response.status_code == 302
    photo = story_of(granted).photos.get()
    assert photo.caption == "Het podium"


def test_kept_photo_of_other_request_is_ignored(
    client, granted, roosendaal, django_capture_on_commit_callbacks
):
    other = submit_form(roosendaal, needs=["support"], email="ander@example.org")
    response = post_story(
        client,
        other.request,
        django_capture_on_commit_callbacks,
        title="",
        photo_1=upload(jpeg_bytes()),
    )
    kept = BeautifulSoup(response.content.decode(), "html.parser").find(
        "input", {"name": "kept_1"}
    )["value"]

    response = post_story(
        client, granted, django_capture_on_commit_callbacks, kept_1=kept
    )

    assert response.status_code == 200
    assert not StoryPage.objects.exists()


# Who may write a story


def test_status_page_offers_story_when_granted(client, granted):
    response = client.get(path_of(status_url(granted)))

    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find("a", href=story_path(granted)) is not None


def test_unpaid_money_request_cannot_write(client, roosendaal):
    request_obj = submit_form(roosendaal, needs=["budget"], language="nl").request

    status_page = client.get(path_of(status_url(request_obj)))
    response = client.post(story_path(request_obj), story_data())

    assert nl(
        "After we paid the money, you can write a short story here about how "
        "your idea went."
    ) in text_of(status_page)
    assert response.status_code == 302
    assert not StoryPage.objects.exists()


def test_paid_request_can_write(client, paid, django_capture_on_commit_callbacks):
    response = post_story(client, paid, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert story_of(paid).title == "Ons straatfeest"


def test_withdrawn_request_cannot_write(client, granted):
    lifecycle.withdraw(granted)

    response = client.post(story_path(granted), story_data())
    status_page = client.get(path_of(status_url(granted)))

    assert response.status_code == 302
    assert not StoryPage.objects.exists()
    assert story_path(granted) not in status_page.content.decode()


def test_second_story_is_refused(client, granted, django_capture_on_commit_callbacks):
    post_story(client, granted, django_capture_on_commit_callbacks)

    response = post_story(
        client, granted, django_capture_on_commit_callbacks, title="Nog een verhaal"
    )

    # The other text is shown again, read-only, and not saved.
    assert response.status_code == 200
    assert StoryPage.objects.count() == 1
    assert story_of(granted).title == "Ons straatfeest"


def test_story_page_with_wrong_token_is_404(client, granted):
    path = story_path(granted).replace("/status/", "/status/x")

    response = client.get(path)

    assert response.status_code == 404


def test_story_post_needs_csrf_token(granted):
    client = Client(enforce_csrf_checks=True)

    response = client.post(story_path(granted), story_data())

    assert response.status_code == 403
    assert not StoryPage.objects.exists()


def test_story_form_shows_inputs(client, granted):
    response = client.get(story_path(granted))

    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    form = soup.find("form", {"method": "post"})
    assert form["enctype"] == "multipart/form-data"
    inputs = form.find_all("input", {"type": "file"})
    assert [tag["name"] for tag in inputs] == [f"photo_{n}" for n in range(1, 6)]
    assert all("image/heic" in tag["accept"] for tag in inputs)
    assert "no-store" in response["Cache-Control"]


# Notifications and privacy


def test_submission_tells_editors_and_resident(
    client, roosendaal, granted, django_capture_on_commit_callbacks
):
    roosendaal.editors_email = "redactie@example.org"
    roosendaal.save()
    mail.outbox.clear()

    post_story(client, granted, django_capture_on_commit_callbacks)

    story = story_of(granted)
    editors = mails_to("redactie@example.org")
    assert len(editors) == 1
    assert reverse("wagtailadmin_pages:edit", args=[story.pk]) in editors[0].body
    assert len(mails_to(EMAIL)) == 1
    assert "wagtail_kanskaart.story_submitted" in log_actions(granted)


def test_contact_details_are_removed_from_public_page(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        text=STORY_TEXT + "\n\nBel me op 06 12345678 of mail fatma@example.org.",
        photo_1=upload(jpeg_bytes()),
        caption_1="Fatma, 0612345678",
    )
    story = story_of(granted)
    approve(editor_client, story, django_capture_on_commit_callbacks)

    page = client.get(path_of(story_of(granted).url))

    html = page.content.decode()
    assert "fatma@example.org" not in html
    assert "12345678" not in html
    assert nl("[contact details removed]") in text_of(page)


def test_story_text_is_escaped(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        text=STORY_TEXT + "\n\n<script>alert(1)</script> & <b>vet</b>",
    )
    story = story_of(granted)
    approve(editor_client, story, django_capture_on_commit_callbacks)

    html = client.get(path_of(story_of(granted).url)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "<b>vet</b>" not in html


def long_paragraph(length=4900):
    """Return one paragraph of numbered words, ``length`` characters long."""
    words = []
    number = 0
    while len(" ".join(words)) < length:
        number += 1
        words.append(f"woord{number}")
    return " ".join(words)[:length].rsplit(" ", 1)[0] + " einde."


def test_long_story_intro_is_shortened(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    text = long_paragraph()
    post_story(client, granted, django_capture_on_commit_callbacks, text=text)
    story = story_of(granted)

    assert len(story.intro) <= 300
    assert story.intro.endswith("…")
    shortened = story.intro.removesuffix("…")
    assert text.startswith(shortened)
    # Cut between two words, not inside one.
    assert text[len(shortened)] == " "
    assert "woord1 " in story.body
    assert "einde." in story.body

    approve(editor_client, story, django_capture_on_commit_callbacks)
    page_text = text_of(client.get(path_of(story_of(granted).url)))
    # The page shows the whole text once, without the shortened copy on top.
    assert page_text.count("woord1 woord2 ") == 1
    assert "einde." in page_text


def test_short_first_paragraph_stays_whole(
    client, granted, django_capture_on_commit_callbacks
):
    first = "Het feest was groot. " * 14
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        text=first + "\n\nDaarna ruimden we samen op.",
    )
    story = story_of(granted)

    assert story.intro == first.strip()
    assert "Het feest was groot." not in story.body
    assert "Daarna ruimden we samen op." in story.body


def test_long_story_comes_back_whole_for_changes(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    text = long_paragraph(1000) + "\n\nDaarna ruimden we samen op."
    post_story(client, granted, django_capture_on_commit_callbacks, text=text)
    reject(editor_client, story_of(granted), django_capture_on_commit_callbacks)

    form = client.get(story_path(granted))

    soup = BeautifulSoup(form.content.decode(), "html.parser")
    assert soup.find("textarea", {"name": "text"}).get_text().strip() == text


def log_actions(request_obj):
    return list(
        ModelLogEntry.objects.for_instance(request_obj)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


# Moderation


def test_approval_publishes_story_and_completes_request(
    client, editor_client, paid, django_capture_on_commit_callbacks
):
    post_story(client, paid, django_capture_on_commit_callbacks)
    story = story_of(paid)
    mail.outbox.clear()

    approve(editor_client, story, django_capture_on_commit_callbacks)

    story.refresh_from_db()
    assert story.live is True
    request_obj = InitiativeRequest.objects.get(pk=paid.pk)
    assert request_obj.status == RequestStatus.COMPLETED
    assert Notification.objects.filter(event="story_published").count() == 1
    messages = mails_to(EMAIL)
    assert len(messages) == 1
    assert story.full_url in messages[0].body
    completed = ModelLogEntry.objects.for_instance(request_obj).filter(
        action="wagtail_kanskaart.status_changed", data__to=RequestStatus.COMPLETED
    )
    assert completed.count() == 1
    status_page = client.get(path_of(status_url(paid)))
    assert story.url in status_page.content.decode()


def test_direct_publish_completes_request_once(
    client, editors, granted, django_capture_on_commit_callbacks
):
    post_story(client, granted, django_capture_on_commit_callbacks)
    story = story_of(granted)

    with django_capture_on_commit_callbacks(execute=True):
        story.get_latest_revision().publish(user=editors["roosendaal"])
        story.refresh_from_db()
        story.save_revision().publish()

    assert InitiativeRequest.objects.get(pk=granted.pk).status == (
        RequestStatus.COMPLETED
    )
    assert Notification.objects.filter(event="story_published").count() == 1


def test_editor_story_completes_nothing(
    editors, granted, django_capture_on_commit_callbacks
):
    from tests.factories import add_page

    story = add_page(
        granted.municipality,
        StoryPage(title="Door de redactie", slug="redactie", live=False),
        publish=False,
    )

    with django_capture_on_commit_callbacks(execute=True):
        story.get_latest_revision().publish(user=editors["roosendaal"])

    assert InitiativeRequest.objects.get(pk=granted.pk).status == RequestStatus.GRANTED


def test_changes_requested_tells_resident_and_she_edits(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(jpeg_bytes(color="red")),
        caption_1="Rood",
        photo_2=upload(jpeg_bytes(color="green")),
        caption_2="Groen",
    )
    story = story_of(granted)
    mail.outbox.clear()

    reject(editor_client, story, django_capture_on_commit_callbacks)

    messages = mails_to(EMAIL)
    assert len(messages) == 1
    assert COMMENT in messages[0].body
    assert status_url(granted) in messages[0].body
    status_page = client.get(path_of(status_url(granted)))
    assert COMMENT in text_of(status_page)
    assert story_path(granted) in status_page.content.decode()

    form = client.get(story_path(granted))
    soup = BeautifulSoup(form.content.decode(), "html.parser")
    assert soup.find("input", {"name": "title"})["value"] == "Ons straatfeest"
    assert "De kinderen speelden tot laat." in soup.find("textarea").get_text()
    kept_1 = soup.find("input", {"name": "kept_1"})["value"]
    kept_2 = soup.find("input", {"name": "kept_2"})["value"]

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        title="Ons mooie straatfeest",
        text="Een feest voor de hele straat, met muziek en eten voor iedereen.",
        kept_1=kept_1,
        caption_1="Rood",
        kept_2=kept_2,
        remove_2="1",
        photo_3=upload(png_with_alpha(), "nieuw.png", "image/png"),
        caption_3="Nieuw",
    )

    assert response.status_code == 302
    story = StoryPage.objects.get(pk=story.pk)
    assert story.workflow_in_progress is True
    revision = story.get_latest_revision_as_object()
    assert revision.title == "Ons mooie straatfeest"
    assert [photo.caption for photo in revision.photos.all()] == ["Rood", "Nieuw"]
    assert "wagtail_kanskaart.story_resubmitted" in log_actions(granted)
    # The green photo she took out is gone from the image library and storage.
    kept_images = {photo.image_id for photo in revision.photos.all()}
    assert set(get_image_model().objects.values_list("pk", flat=True)) == kept_images
    originals = [path for path in stored_files() if "original_images" in path]
    assert len(originals) == len(kept_images)

    approve(editor_client, story, django_capture_on_commit_callbacks)
    story.refresh_from_db()
    assert story.live is True
    assert story.title == "Ons mooie straatfeest"
    assert InitiativeRequest.objects.get(pk=granted.pk).status == (
        RequestStatus.COMPLETED
    )


def test_story_without_workflow_waits_as_draft(
    client, bergen, django_capture_on_commit_callbacks
):
    from wagtail.models import WorkflowPage

    from tests.factories import make_contact

    # Wagtail's own migrations give the root page a workflow; Bergen has none.
    WorkflowPage.objects.exclude(page__slug="roosendaal").delete()
    make_contact(bergen, bergen.neighbourhoods.all())
    request_obj = submit_form(
        bergen, neighbourhood="gageldonk", needs=["support"], language="nl"
    ).request
    assert request_obj.status == RequestStatus.GRANTED

    post_story(client, request_obj, django_capture_on_commit_callbacks)

    story = story_of(request_obj)
    assert story.live is False
    assert story.workflow_in_progress is False
    status_page = client.get(path_of(status_url(request_obj)))
    assert nl(
        "Thank you for your story. The editors read it first. Then it goes on "
        "the website. You get a message when it is online."
    ) in text_of(status_page)


def test_inspect_view_links_story(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    post_story(client, granted, django_capture_on_commit_callbacks)
    story = story_of(granted)

    response = editor_client.get(
        reverse(
            "wagtail_kanskaart_initiativerequest_modeladmin_inspect",
            kwargs={"instance_pk": granted.pk},
        )
    )

    assert response.status_code == 200
    assert reverse("wagtailadmin_pages:edit", args=[story.pk]) in (
        response.content.decode()
    )


# API


def api_post(client, request_obj, capture, data, **extra):
    with capture(execute=True):
        return client.post(api_path(request_obj), data, **extra)


def test_api_story_state_in_status(client, granted):
    token = token_for(granted.token_salt)

    status = client.get(reverse("kanskaart_api:status", kwargs={"token": token}))
    story = client.get(api_path(granted))

    assert status.json()["story"] == {"state": "can_write", "url": ""}
    assert story.status_code == 200
    assert story.json()["state"] == "can_write"
    assert story.json()["max_photos"] == 5
    assert "no-store" in story["Cache-Control"]


def test_api_story_with_photos(client, granted, django_capture_on_commit_callbacks):
    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {
            "title": "Ons straatfeest",
            "text": STORY_TEXT,
            "photos": [
                upload(jpeg_bytes(exif=gps_exif())),
                upload(heic_bytes(), "a.heic", "image/heic"),
            ],
            "captions": ["Tafel", "Podium"],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "in_review"
    story = story_of(granted)
    assert [photo.caption for photo in story.photos.all()] == ["Tafel", "Podium"]
    for photo in story.photos.all():
        with photo.image.open_file() as file:
            assert_clean_jpeg(file.read(), photo.image.title)


def test_api_story_json_without_photos(
    client, granted, django_capture_on_commit_callbacks
):
    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {"title": "Ons straatfeest", "text": STORY_TEXT},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert story_of(granted).photos.count() == 0


def test_api_story_field_errors(client, granted, django_capture_on_commit_callbacks):
    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {
            "title": "",
            "text": "Kort",
            "photos": [upload(jpeg_bytes()), upload(b"no photo", "x.jpg")],
            "captions": ["Goed", "x" * 201],
        },
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    with translation.override("nl"):
        assert errors["title"] == [translation.gettext("Give your story a title.")]
    assert set(errors) == {"title", "text", "photos.1", "captions.1"}
    assert not StoryPage.objects.exists()
    assert get_image_model().objects.count() == 0


def test_api_story_six_photos(client, granted, django_capture_on_commit_callbacks):
    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {
            "title": "Ons straatfeest",
            "text": STORY_TEXT,
            "photos": [upload(jpeg_bytes()) for _ in range(6)],
        },
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["photos"]


def test_api_story_huge_pixels(client, granted, django_capture_on_commit_callbacks):
    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {
            "title": "Ons straatfeest",
            "text": STORY_TEXT,
            "photos": [upload(huge_png(), "groot.png", "image/png")],
        },
    )

    assert response.status_code == 400
    assert "photos.0" in response.json()["errors"]
    assert stored_files() == []


def test_api_story_too_many_files_is_400(
    client, granted, settings, django_capture_on_commit_callbacks
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3

    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        {"title": "T", "text": STORY_TEXT, "photos": [upload(b"x") for _ in range(4)]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_api_story_body_too_large(client, granted, settings):
    settings.KANSKAART_STORY_PHOTO_MAX_BYTES = 1000

    response = client.post(
        api_path(granted),
        {"title": "T", "text": STORY_TEXT, "photos": [upload(b"0" * 80_000)]},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_api_story_refused_before_payout(client, roosendaal):
    request_obj = submit_form(roosendaal, needs=["budget"], language="nl").request

    response = client.post(
        api_path(request_obj),
        {"title": "Ons straatfeest", "text": STORY_TEXT},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "story_not_allowed"
    assert client.get(api_path(request_obj)).json()["reason"] == "payout"


def test_api_story_unknown_token_is_404(client):
    response = client.get(reverse("kanskaart_api:story", kwargs={"token": "x" * 43}))

    assert response.status_code == 404


def test_hosted_too_many_files_is_400(client, granted, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = {f"photo_{number}": upload(jpeg_bytes()) for number in range(1, 5)}

    response = client.post(story_path(granted), story_data(**files))

    # Django refuses the body while the CSRF check reads it, before the view;
    # the site's handler400 shows the package's page in plain words.
    assert response.status_code == 400
    assert translation.gettext("We could not read what you sent") in (
        response.content.decode()
    )
    assert not StoryPage.objects.exists()


# Repeated posts, a second tab and the back button


def send_story(client, request_obj, capture, **data):
    """Post a story and open the status page, as the browser does after it."""
    response = post_story(client, request_obj, capture, **data)
    assert response.status_code == 302
    client.get(response["Location"])


def flash_messages(response):
    """Return the texts of the messages the response left for the next page."""
    from django.contrib.messages import get_messages

    return [str(message) for message in get_messages(response.wsgi_request)]


THANK_YOU = (
    "Thank you for your story. The editors read it first. You get a message "
    "when it is on the website."
)


def test_repeated_post_after_story_is_thanked(
    client, granted, django_capture_on_commit_callbacks
):
    send_story(client, granted, django_capture_on_commit_callbacks)

    response = post_story(client, granted, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(granted))
    assert flash_messages(response) == [nl(THANK_YOU)]
    assert StoryPage.objects.count() == 1


def test_simultaneous_post_is_thanked(
    client, granted, django_capture_on_commit_callbacks, monkeypatch
):
    from wagtail_kanskaart.intake import story as story_module

    send_story(client, granted, django_capture_on_commit_callbacks)
    # The second post read the state before the first post's story was
    # saved; submit_story then finds that story under its row lock.
    real_state = story_module.story_state
    calls = []

    def state_before_first_post(request_obj):
        calls.append(request_obj.pk)
        if len(calls) == 1:
            return story_module.StoryState(state=story_module.CAN_WRITE)
        return real_state(request_obj)

    monkeypatch.setattr(story_module, "story_state", state_before_first_post)

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        photo_1=upload(jpeg_bytes()),
    )

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(granted))
    assert flash_messages(response) == [nl(THANK_YOU)]
    assert StoryPage.objects.count() == 1
    assert story_of(granted).photos.count() == 0
    # The losing post's converted photo is not left behind.
    assert not default_storage.exists("kanskaart_story_uploads") or (
        default_storage.listdir("kanskaart_story_uploads")[1] == []
    )


def test_second_tab_shows_typed_story_read_only(
    client, editor_client, granted, django_capture_on_commit_callbacks
):
    send_story(client, granted, django_capture_on_commit_callbacks)
    reject(editor_client, story_of(granted), django_capture_on_commit_callbacks)
    send_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        title="Tab A",
        text="Het verhaal zoals ik het in het eerste tabblad schreef.",
    )

    response = post_story(
        client,
        granted,
        django_capture_on_commit_callbacks,
        title="Tab B",
        text="Het verhaal zoals ik het in het tweede tabblad schreef.",
        caption_1="De tafel",
    )

    assert response.status_code == 200
    assert nl(
        "Your story was already sent, so this page was not sent. The editors "
        "read your story first. You can still copy what you typed here."
    ) in text_of(response)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    title = soup.find("input", {"name": "title"})
    assert title["value"] == "Tab B"
    assert title.has_attr("readonly")
    text = soup.find("textarea", {"name": "text"})
    assert text.get_text().strip() == (
        "Het verhaal zoals ik het in het tweede tabblad schreef."
    )
    assert text.has_attr("readonly")
    assert soup.find("input", {"name": "caption_1"})["value"] == "De tafel"
    assert soup.find("input", {"type": "file"}) is None
    assert soup.find("button", {"type": "submit"}) is None
    assert soup.find("form", {"method": "post"}) is None
    assert story_of(granted).get_latest_revision_as_object().title == "Tab A"


def test_story_form_after_sending_goes_to_status(
    client, granted, django_capture_on_commit_callbacks
):
    send_story(client, granted, django_capture_on_commit_callbacks)

    response = client.get(story_path(granted))

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(granted))
    assert flash_messages(response) == []


def test_story_form_before_payout_explains(client, roosendaal):
    request_obj = submit_form(roosendaal, needs=["budget"], language="nl").request

    response = client.get(story_path(request_obj))

    assert response.status_code == 302
    assert flash_messages(response) == [
        nl("You cannot write or change your story now.")
    ]


def test_api_repeated_story_says_it_was_received(
    client, granted, django_capture_on_commit_callbacks
):
    body = {"title": "Ons straatfeest", "text": STORY_TEXT}
    api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        body,
        content_type="application/json",
    )

    response = api_post(
        client,
        granted,
        django_capture_on_commit_callbacks,
        body,
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "story_already_sent"
    assert response.json()["message"] == nl(
        "We already have your story. The editors read it first. You get a "
        "message when it is on the website."
    )
    assert StoryPage.objects.count() == 1


# Withdrawal once the story is sent, and what a withdrawal frees


def withdraw_path(request_obj):
    return path_of(status_url(request_obj)) + "intrekken/"


def test_story_ends_withdrawal(client, granted, django_capture_on_commit_callbacks):
    assert (
        withdraw_path(granted)
        in client.get(path_of(status_url(granted))).content.decode()
    )
    send_story(client, granted, django_capture_on_commit_callbacks)

    status_page = client.get(path_of(status_url(granted)))
    confirm_page = client.get(withdraw_path(granted))
    response = client.post(withdraw_path(granted))

    assert withdraw_path(granted) not in status_page.content.decode()
    assert nl("Withdraw your request") not in text_of(status_page)
    assert nl("You can no longer withdraw this request") in text_of(confirm_page)
    assert response.status_code == 302
    assert flash_messages(response) == [nl("You can no longer withdraw this request.")]
    assert InitiativeRequest.objects.get(pk=granted.pk).status == RequestStatus.GRANTED
    assert story_of(granted).workflow_in_progress is True


def withdrawal_offer(response):
    """Return the text of the status page's paragraph that offers a withdrawal."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    heading = soup.find("h2", string=nl("Withdraw your request"))
    return " ".join(heading.find_next_sibling("p").get_text().split())


def test_withdrawal_of_support_names_no_money(client, granted):
    status_page = client.get(path_of(status_url(granted)))
    confirm_page = text_of(client.get(withdraw_path(granted)))

    assert withdrawal_offer(status_page) == nl(
        "Do you no longer need it? Then withdraw your request."
    )
    assert nl("The money goes back to the budget.") not in confirm_page
    assert nl("Your room booking is cancelled.") not in confirm_page


def test_withdrawal_of_money_names_money(client, roosendaal):
    request_obj = submit_form(roosendaal, needs=["budget"], language="nl").request

    status_page = client.get(path_of(status_url(request_obj)))
    confirm_page = text_of(client.get(withdraw_path(request_obj)))

    assert withdrawal_offer(status_page) == nl(
        "Do you no longer need it? Then withdraw your request. The money "
        "becomes free for others."
    )
    assert nl("The money goes back to the budget.") in confirm_page
    assert nl("Your room booking is cancelled.") not in confirm_page


@pytest.mark.parametrize(
    ("needs", "offer"),
    [
        (
            ["space"],
            "Do you no longer need it? Then withdraw your request. The room "
            "becomes free for others.",
        ),
        (
            ["budget", "space"],
            "Do you no longer need it? Then withdraw your request. The money "
            "and the room become free for others.",
        ),
    ],
)
def test_withdrawal_of_room_names_room(client, roosendaal, needs, offer):
    from tests.factories import make_space

    make_space(roosendaal, roosendaal.neighbourhoods.filter(slug="kalsdonk"))
    request_obj = submit_form(roosendaal, needs=needs, language="nl").request
    assert request_obj.status == RequestStatus.GRANTED

    status_page = client.get(path_of(status_url(request_obj)))
    confirm_page = text_of(client.get(withdraw_path(request_obj)))

    assert withdrawal_offer(status_page) == nl(offer)
    assert nl("Your room booking is cancelled.") in confirm_page


# The story page


def meta_line(response):
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return " ".join(
        soup.find("article").find("p", class_="kanskaart-meta").get_text().split()
    )


def test_story_page_names_its_neighbourhood(client, roosendaal):
    from tests.factories import make_neighbourhood, make_story

    tolberg = make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")
    story = make_story(roosendaal, "Buurtfeest", neighbourhood=tolberg)

    response = client.get(path_of(story.url))

    assert f"{nl('Neighbourhood:')} Tolberg" in meta_line(response)


def test_story_page_names_initiative_neighbourhood(client, roosendaal):
    from tests.factories import add_page, make_story
    from wagtail_kanskaart.models import InitiativePage

    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    initiative = add_page(
        roosendaal,
        InitiativePage(
            title="Moestuin", slug="moestuin", neighbourhood=kalsdonk, live=True
        ),
    )
    story = make_story(roosendaal, "Oogstfeest", initiative=initiative)
    hidden = add_page(
        roosendaal,
        InitiativePage(
            title="Concept", slug="concept", neighbourhood=kalsdonk, live=False
        ),
        publish=False,
    )
    other = make_story(roosendaal, "Zonder wijk", initiative=hidden)

    response = client.get(path_of(story.url))
    without = client.get(path_of(other.url))

    assert f"{nl('Neighbourhood:')} Kalsdonk" in meta_line(response)
    assert nl("Neighbourhood:") not in text_of(without)
