"""The demo, end to end: a resident's story goes online and a paper card works.

The tests start from what the ``kanskaart_demo`` command prints: the paid
request's status link, the Kalsdonk card address and the editors' logins.
From there they use only the site's pages, the Wagtail admin and the card
PDF, as someone who tries the demo from the README would.

Django serves no media files when DEBUG is off, as in tests, so this module
is its own URLconf: the example site's URLs plus ``django.views.static.serve``
for ``MEDIA_URL``, which sends the stored files byte for byte.
"""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import re_path, reverse
from django.utils import translation
from django.views.static import serve
from example_site.urls import urlpatterns as site_urlpatterns
from PIL import Image

from tests.test_cards import decoded, render
from wagtail_kanskaart.models.requests import RequestStatus

pytestmark = pytest.mark.django_db

STORY_TITLE = "Plantenbakken vol bloemen"
STORY_TEXT = (
    "Met tien buren hebben we de plantenbakken gevuld.\n\n"
    "De kinderen gaven de bloemen water. Nu is de straat veel vrolijker."
)
CAPTION = "De bakken aan het begin van de straat"


def media_file(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media_file),
    *site_urlpatterns,
]


@pytest.fixture(autouse=True)
def site_with_media(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def zbar():
    """Return pyzbar's decode function, or skip when libzbar0 is missing."""
    try:
        from pyzbar import pyzbar
    except ImportError as error:
        pytest.skip(
            f"needs the zbar library to read QR codes (Debian: apt-get install "
            f"libzbar0): {error}"
        )
    return pyzbar.decode


# What the demo command prints


def printed(output, pattern):
    """Return the groups of the one output line that matches ``pattern``."""
    matches = re.findall(rf"^{pattern}$", output, flags=re.MULTILINE)
    assert len(matches) == 1, f"expected one line like {pattern!r} in:\n{output}"
    return matches[0]


def status_link(output):
    """Return the reference and status link of the paid Kalsdonk request."""
    return printed(
        output,
        r"Status page of (KK-\w+) \(Plantenbakken Kalsdonk, paid\): (\S+)",
    )


def card_address(output):
    return printed(output, r"Paper card of Kalsdonk: (\S+)")


def editor_login(output):
    """Return the username and password of Roosendaal's editor."""
    return printed(output, r"  Editor for Roosendaal: (\S+), password (\S+)")


# Pages and forms


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def soup_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(response):
    return " ".join(soup_of(response).get_text(" ").split())


def nl(message):
    with translation.override("nl"):
        return str(translation.gettext(message))


def described(response, term):
    """Return the text of the ``<dd>`` after the ``<dt>`` that reads ``term``."""
    terms = [
        dt for dt in soup_of(response).find_all("dt") if dt.get_text(strip=True) == term
    ]
    assert len(terms) == 1, f"expected one {term!r} on the page"
    return terms[0].find_next_sibling("dd").get_text(" ", strip=True)


def client_for(url):
    """Return a test client that talks to the host and port of ``url``."""
    parts = urlsplit(url)
    return Client(HTTP_HOST=parts.netloc, SERVER_PORT=str(parts.port or 80))


def form_with_file_input(soup):
    form = soup.find("form", attrs={"enctype": "multipart/form-data", "method": "post"})
    assert form is not None, "no form with a file input on the page"
    return form


def gps_jpeg():
    """Return a JPEG photo with a camera model and a GPS position in Kalsdonk."""
    exif = Image.Exif()
    exif[0x0110] = "PhoneModel X"  # Model
    exif[0x8825] = {  # the GPS IFD
        1: "N",
        2: (51.0, 32.0, 30.0),
        3: "E",
        4: (4.0, 28.0, 12.0),
    }
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "orange").save(buffer, "JPEG", exif=exif.tobytes())
    content = buffer.getvalue()
    with Image.open(io.BytesIO(content)) as image:
        assert image.getexif().get_ifd(0x8825), "the test photo has no GPS data"
    return content


def assert_no_metadata(content, where):
    assert content[:2] == b"\xff\xd8", f"{where} is not a JPEG"
    assert b"Exif" not in content, f"{where} has EXIF"
    assert b"PhoneModel" not in content, f"{where} has the camera model"
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif(), f"{where} has EXIF tags"
        assert image.getexif().get_ifd(0x8825) == {}, f"{where} has GPS tags"


def post(client, capture, url, data):
    """Post as a browser does on a running site: mails go out after the commit."""
    with capture(execute=True):
        return client.post(url, data)


# The resident


def write_story(resident, capture, status_path):
    """Open the story form from the status page and send a story with a photo."""
    status_page = resident.get(status_path)
    assert status_page.status_code == 200
    story_button = soup_of(status_page).find("a", string=nl("Write my story"))
    assert story_button is not None, "the status page has no story button"

    form_page = resident.get(story_button["href"])
    assert form_page.status_code == 200
    form = form_with_file_input(soup_of(form_page))
    file_inputs = form.find_all("input", attrs={"type": "file"})
    first_photo = file_inputs[0]["name"]
    first_caption = (
        file_inputs[0].find_parent("fieldset").find("input", attrs={"type": "text"})
    )
    text_names = [
        control["name"]
        for control in form.find_all(["input", "textarea"])
        if control.get("type") not in ("file", "hidden", "checkbox")
        and control.find_parent("fieldset") is None
    ]
    assert text_names == ["title", "text"], text_names

    response = post(
        resident,
        capture,
        form.get("action") or story_button["href"],
        {
            "title": STORY_TITLE,
            "text": STORY_TEXT,
            first_caption["name"]: CAPTION,
            first_photo: SimpleUploadedFile(
                "IMG_0042.jpg", gps_jpeg(), content_type="image/jpeg"
            ),
        },
    )
    assert response.status_code == 302, text_of(response)[:2000]
    assert path_of(response["Location"]) == status_path


# The editor


def log_in(output, capture):
    username, password = editor_login(output)
    editor = Client()
    login_page = editor.get(reverse("wagtailadmin_login"))
    assert login_page.status_code == 200
    response = post(
        editor,
        capture,
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
    )
    assert response.status_code == 302, text_of(response)[:2000]
    return editor


def approve_from_dashboard(editor, capture, title):
    """Approve the story as the dashboard's "Awaiting your review" panel does.

    Wagtail's workflow-action.js posts the button's ``data-workflow-action-url``
    with the CSRF token and ``next``. The test client needs no CSRF token.
    """
    dashboard = soup_of(editor.get(reverse("wagtailadmin_home")))
    panel = dashboard.find(id="awaiting-review-section")
    assert panel is not None, "the dashboard has no 'Awaiting your review' panel"
    rows = [
        row
        for row in panel.find_all("tr")
        if row.find("td", class_="title") and title in row.get_text()
    ]
    assert len(rows) == 1, f"expected one row for {title!r} awaiting review"
    approve_urls = [
        button["data-workflow-action-url"]
        for button in rows[0].find_all(
            "button", attrs={"data-workflow-action-url": True}
        )
        if "/approve/" in button["data-workflow-action-url"]
        and not button.has_attr("data-launch-modal")
    ]
    assert len(approve_urls) == 1, approve_urls

    response = post(editor, capture, approve_urls[0], {"next": "/admin/"})

    assert response.status_code == 302, text_of(response)[:2000]
    assert response["Location"] == "/admin/"


def inspect_request(editor, reference):
    """Find the request by its reference in the admin list and open it."""
    index_url = reverse("wagtail_kanskaart_initiativerequest_modeladmin_index")
    listing = soup_of(editor.get(index_url, {"q": reference}))
    inspect_links = {
        link["href"]
        for link in listing.find_all("a", href=True)
        if "/inspect/" in link["href"]
    }
    assert len(inspect_links) == 1, inspect_links
    response = editor.get(inspect_links.pop())
    assert response.status_code == 200
    return response


# The public site


def story_card_on(municipality_page, title):
    """Return the story's card on the municipality page."""
    heading = municipality_page.find(
        lambda tag: tag.name == "h3" and tag.get_text(strip=True) == title
    )
    assert heading is not None, f"{title!r} is not on the municipality page"
    return heading.find_parent("li")


def feed_items(visitor, municipality_page):
    link = municipality_page.find(
        "link", attrs={"rel": "alternate", "type": "application/rss+xml"}
    )
    assert link is not None, "the municipality page links no RSS feed"
    response = visitor.get(path_of(link["href"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return [
        {"title": item.findtext("title"), "link": item.findtext("link")}
        for item in channel.findall("item")
    ]


def test_story_from_status_link_goes_online(demo, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    reference, link = status_link(demo)
    resident = client_for(link)
    status_path = path_of(link)
    completed = nl(RequestStatus.COMPLETED.label)

    # The resident writes her story, which waits for the editors.
    write_story(resident, capture, status_path)

    waiting = resident.get(status_path)
    assert described(waiting, nl("Reference")) == reference
    assert described(waiting, nl("Status")) != completed.capitalize()
    assert nl(
        "Thank you for your story. The editors read it first. Then it goes "
        "on the website. You get a message when it is online."
    ) in text_of(waiting)

    # The editor approves it, and the request is completed.
    editor = log_in(demo, capture)
    approve_from_dashboard(editor, capture, STORY_TITLE)

    inspect_view = inspect_request(editor, reference)
    assert reference in text_of(inspect_view)
    assert described(inspect_view, nl("Status")) == completed
    status_page = resident.get(status_path)
    assert described(status_page, nl("Status")) == completed.capitalize()
    assert nl("Your story is on the website. Thank you!") in text_of(status_page)
    story_link = soup_of(status_page).find("a", string=nl("Read your story"))
    assert story_link is not None, "the status page does not link the story"
    story_path = path_of(story_link["href"])

    # The story is on /roosendaal/ with its photo.
    visitor = client_for(link)
    municipality_response = visitor.get("/roosendaal/")
    assert municipality_response.status_code == 200
    municipality_page = soup_of(municipality_response)
    card = story_card_on(municipality_page, STORY_TITLE)
    assert path_of(card.find("a")["href"]) == story_path
    card_image = card.find("img")
    assert card_image is not None, "the story card shows no photo"
    assert card_image["src"].startswith(settings.MEDIA_URL)

    # It is in the RSS feed that /roosendaal/ links.
    items = feed_items(visitor, municipality_page)
    ours = [item for item in items if item["title"] == STORY_TITLE]
    assert len(ours) == 1, items
    assert (
        ours[0]["link"]
        == f"{urlsplit(link).scheme}://{urlsplit(link).netloc}{story_path}"
    )

    # No served photo file has EXIF or a GPS position.
    story_page = visitor.get(story_path)
    assert story_page.status_code == 200
    assert STORY_TITLE in text_of(story_page)
    assert CAPTION in text_of(story_page)
    sources = {card_image["src"]}
    sources |= {image["src"] for image in soup_of(story_page).find_all("img")}
    photo_sources = sorted(src for src in sources if src.startswith(settings.MEDIA_URL))
    # The card's crop and the story page's larger rendition.
    assert len(photo_sources) >= 2, sources
    for src in photo_sources:
        response = visitor.get(src)
        assert response.status_code == 200, src
        assert_no_metadata(response.getvalue(), src)


# The paper cards


def quarters(image):
    width, height = image.size
    return [
        image.crop(box)
        for box in (
            (0, 0, width // 2, height // 2),
            (width // 2, 0, width, height // 2),
            (0, height // 2, width // 2, height),
            (width // 2, height // 2, width, height),
        )
    ]


def kalsdonk_row(cards_page):
    row = cards_page.find("tr", attrs={"data-kanskaart-neighbourhood": "kalsdonk"})
    assert row is not None, "the cards screen has no Kalsdonk row"
    return row


def card_visits(editor, cards_url):
    row = kalsdonk_row(soup_of(editor.get(cards_url)))
    return {
        cell["data-kanskaart-figure"]: cell.get_text(strip=True)
        for cell in row.find_all("td", attrs={"data-kanskaart-figure": True})
    }


def print_cards(editor, capture, print_page_url, layout):
    """Post the print form as shown, in ``layout``, and return the PDF."""
    print_page = soup_of(editor.get(print_page_url))
    form = print_page.find("form", attrs={"method": "post"})
    selected = form.find("select", attrs={"name": "neighbourhood"}).find(
        "option", selected=True
    )
    assert selected.get_text(strip=True) == "Kalsdonk"
    layouts = [
        radio["value"] for radio in form.find_all("input", attrs={"name": "layout"})
    ]
    assert layout in layouts, layouts
    invitation = form.find("textarea", attrs={"name": "invitation"}).get_text()

    response = post(
        editor,
        capture,
        form.get("action") or print_page_url,
        {
            "neighbourhood": selected["value"],
            "layout": layout,
            "invitation": invitation.strip(),
        },
    )

    assert response.status_code == 200, text_of(response)[:2000]
    assert response["Content-Type"] == "application/pdf"
    return response.getvalue()


def test_kalsdonk_card_qr_opens_form(demo, zbar, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    address = card_address(demo)
    editor = log_in(demo, capture)
    cards_url = reverse("kanskaart_card_admin:index")
    assert cards_url in editor.get(reverse("wagtailadmin_home")).content.decode()
    cards_page = soup_of(editor.get(cards_url))
    row = kalsdonk_row(cards_page)
    assert address in row.get_text()
    print_link = row.find("a", string=nl("Print cards"))
    assert print_link is not None, "the Kalsdonk row has no print link"
    assert card_visits(editor, cards_url)["visits-total"] == "0"

    a6 = print_cards(editor, capture, print_link["href"], "a6")
    a4 = print_cards(editor, capture, print_link["href"], "a4")

    [a6_page] = render(a6)
    assert decoded(zbar, a6_page) == [address]
    [a4_sheet] = render(a4)
    for number, quarter in enumerate(quarters(a4_sheet), start=1):
        assert decoded(zbar, quarter) == [address], f"card {number} on the A4 sheet"

    # A phone that scans the code opens the form with Kalsdonk chosen.
    phone = client_for(address)
    redirect = phone.get(path_of(address))
    assert redirect.status_code == 302
    form_url = urlsplit(redirect["Location"])
    assert parse_qs(form_url.query)["wijk"] == ["kalsdonk"]
    form_page = phone.get(path_of(redirect["Location"]))
    assert form_page.status_code == 200
    chosen = soup_of(form_page).find("select", attrs={"name": "neighbourhood"})
    selected = chosen.find("option", selected=True)
    assert selected is not None, "no neighbourhood is chosen in the form"
    assert selected.get_text(strip=True) == "Kalsdonk"

    visits = card_visits(editor, cards_url)
    assert visits["visits-recent"] == "1"
    assert visits["visits-total"] == "1"
