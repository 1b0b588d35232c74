"""Paper cards: the PDF and its QR code, the short address, visits and the admin.

The QR tests render the PDF with pypdfium2 at 300 dpi and read the code
back with pyzbar, which needs the zbar library (Debian: libzbar0). Without
it they are skipped with that reason, and under KANSKAART_REQUIRE_ALL=1 the
skip fails the run.
"""

import datetime
import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path, reverse
from django.utils import translation
from wagtail import urls as wagtail_urls

from tests.factories import make_municipality, make_neighbourhood
from tests.test_pages import form_values, soup_of
from wagtail_kanskaart import checks
from wagtail_kanskaart.cards import visits
from wagtail_kanskaart.cards.addresses import printed_address, short_url
from wagtail_kanskaart.cards.pdf import (
    LAYOUT_A4,
    LAYOUT_A6,
    STANDARD_INVITATION,
    card_pdf,
)
from wagtail_kanskaart.models import CardVisit, InitiativeRequest
from wagtail_kanskaart.models.municipality import CARD_CODE_ALPHABET

pytestmark = pytest.mark.django_db

# A URLconf without the card address, for the system check.
urlpatterns = [path("", include(wagtail_urls))]

DPI = 300
MM_PER_POINT = 25.4 / 72


def nl(msgid) -> str:
    """Return the Dutch text of a msgid, as the cards and residents' pages show it."""
    with translation.override("nl"):
        return str(translation.gettext(msgid))


def mm_to_pixels(value):
    return round(value / 25.4 * DPI)


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


@pytest.fixture
def kalsdonk(roosendaal):
    return roosendaal.neighbourhoods.get(slug="kalsdonk")


@pytest.fixture
def card_path(kalsdonk):
    return f"/k/{kalsdonk.card_code}/"


def make_pdf(municipality, neighbourhoods, layout=LAYOUT_A6, invitation="Doe mee!"):
    return card_pdf(
        municipality,
        list(neighbourhoods),
        layout=layout,
        invitation=invitation,
        language="nl",
    )


def render(content):
    """Return the pages of a PDF as PIL images at ``DPI``."""
    document = pypdfium2.PdfDocument(content)
    return [page.render(scale=DPI / 72).to_pil() for page in document]


def page_sizes_mm(content):
    document = pypdfium2.PdfDocument(content)
    return [
        tuple(round(value * MM_PER_POINT, 1) for value in page.get_size())
        for page in document
    ]


def page_text(content, index=0):
    document = pypdfium2.PdfDocument(content)
    return document[index].get_textpage().get_text_range()


def image_objects(content):
    document = pypdfium2.PdfDocument(content)
    return [
        obj
        for page in document
        for obj in page.get_objects()
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE
    ]


def decoded(zbar, image):
    return sorted(symbol.data.decode() for symbol in zbar(image))


def dark_pixels_near_edges(image, box, margin_mm, ignore_lines=()):
    """Return dark pixels within ``margin_mm`` of the edges of ``box``.

    ``box`` is (left, top, right, bottom) in pixels. Pixels within 3 pixels
    of a coordinate in ``ignore_lines`` (("x", px) or ("y", px)) are the cut
    marks and do not count.
    """
    grey = image.convert("L")
    left, top, right, bottom = box
    margin = mm_to_pixels(margin_mm)
    found = []
    for y in range(top, bottom):
        for x in range(left, right):
            inner = (
                left + margin <= x < right - margin
                and top + margin <= y < bottom - margin
            )
            if inner:
                continue
            if any(
                abs((x if axis == "x" else y) - at) <= 3 for axis, at in ignore_lines
            ):
                continue
            if grey.getpixel((x, y)) < 200:
                found.append((x, y))
    return found


# The PDF and its QR code


def test_a6_card_qr_is_short_address(roosendaal, kalsdonk, zbar):
    content = make_pdf(roosendaal, [kalsdonk])

    [image] = render(content)

    assert decoded(zbar, image) == [short_url(kalsdonk)]
    assert short_url(kalsdonk) == f"http://localhost/k/{kalsdonk.card_code}/"


def test_a6_card_is_one_a6_page(roosendaal, kalsdonk):
    content = make_pdf(roosendaal, [kalsdonk])

    assert page_sizes_mm(content) == [(105.0, 148.0)]


def test_a6_card_shows_the_words(roosendaal, kalsdonk):
    content = make_pdf(roosendaal, [kalsdonk], invitation="Kom op met je plan!")

    text = page_text(content)

    assert "Roosendaal" in text
    assert nl("Your chance!") in text
    assert "Kalsdonk" in text
    assert "Kom op met je plan!" in text
    # The form's own words for the three needs, in Dutch.
    assert "Hulp: iemand die je helpt" in text
    assert "Een ruimte: een plek voor je activiteit" in text
    assert "Een klein budget: geld voor je idee" in text
    assert f"localhost/k/{kalsdonk.card_code}" in text
    assert "http" not in text


def test_pdf_title_and_no_personal_data(roosendaal, kalsdonk, editor):
    content = make_pdf(roosendaal, [kalsdonk])

    metadata = pypdfium2.PdfDocument(content).get_metadata_dict()

    assert metadata["Title"] == nl("Paper cards %(municipality)s") % {
        "municipality": "Roosendaal"
    }
    assert editor.username not in content.decode("latin-1")
    assert editor.email not in content.decode("latin-1")


def test_qr_code_is_vector(roosendaal, kalsdonk):
    for layout in (LAYOUT_A6, LAYOUT_A4):
        content = make_pdf(roosendaal, [kalsdonk], layout=layout)

        assert image_objects(content) == [], layout


def test_a4_has_four_cards_with_qr(roosendaal, kalsdonk, zbar):
    content = make_pdf(roosendaal, [kalsdonk], layout=LAYOUT_A4)

    [image] = render(content)

    assert page_sizes_mm(content) == [(210.0, 297.0)]
    width, height = image.size
    halves = [
        (0, 0, width // 2, height // 2),
        (width // 2, 0, width, height // 2),
        (0, height // 2, width // 2, height),
        (width // 2, height // 2, width, height),
    ]
    for box in halves:
        assert decoded(zbar, image.crop(box)) == [short_url(kalsdonk)], box


def test_a6_content_stays_inside_safe_margin(roosendaal, kalsdonk):
    content = make_pdf(roosendaal, [kalsdonk], invitation="x " * 99)

    [image] = render(content)

    box = (0, 0, *image.size)
    assert dark_pixels_near_edges(image, box, margin_mm=8) == []


def test_a4_content_stays_inside_safe_margin(roosendaal, kalsdonk):
    content = make_pdf(roosendaal, [kalsdonk], layout=LAYOUT_A4)

    [image] = render(content)

    # Four A6 cards: 105 mm wide, 148 mm high, 0.5 mm from the top and bottom.
    cut_x = mm_to_pixels(105)
    cut_y = mm_to_pixels(148.5)
    marks = [("x", cut_x), ("y", cut_y)]
    cards = [
        (0, mm_to_pixels(0.5), cut_x, cut_y),
        (cut_x, mm_to_pixels(0.5), image.size[0], cut_y),
        (0, cut_y, cut_x, mm_to_pixels(296.5)),
        (cut_x, cut_y, image.size[0], mm_to_pixels(296.5)),
    ]
    for box in cards:
        assert dark_pixels_near_edges(image, box, 8, marks) == [], box
    # The cut marks are there: the middle of the sheet, on both cut lines.
    grey = image.convert("L")
    assert grey.getpixel((cut_x, cut_y - mm_to_pixels(3))) < 128
    assert grey.getpixel((cut_x + mm_to_pixels(3), cut_y)) < 128


def test_all_neighbourhoods_one_page_each(roosendaal, kalsdonk, zbar):
    tolberg = make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")

    content = make_pdf(roosendaal, [kalsdonk, tolberg], layout=LAYOUT_A4)
    images = render(content)

    assert len(images) == 2
    assert decoded(zbar, images[0])[0] == short_url(kalsdonk)
    assert decoded(zbar, images[1])[0] == short_url(tolberg)
    assert "Tolberg" in page_text(content, 1)


def test_long_invitation_wraps_and_qr_reads(roosendaal, kalsdonk, zbar):
    one_long_word = "Buurt" * 40
    for invitation in (one_long_word, "Een heel lang verhaal. " * 8 + "Einde"):
        content = make_pdf(roosendaal, [kalsdonk], invitation=invitation[:200])

        [image] = render(content)

        assert decoded(zbar, image) == [short_url(kalsdonk)], invitation
        assert dark_pixels_near_edges(image, (0, 0, *image.size), 8) == []


def test_odd_names_do_not_crash(kalsdonk, zbar):
    municipality = make_municipality("sudwest", "Sūdwest-Fryslân 🌷")
    neighbourhood = make_neighbourhood(municipality, name="Ğül\u200b ☕", slug="gul")

    content = make_pdf(municipality, [neighbourhood])

    text = page_text(content)
    assert "Sudwest-Fryslân ?" in text
    assert "Gül ?" in text
    [image] = render(content)
    assert decoded(zbar, image) == [short_url(neighbourhood)]


@override_settings(KANSKAART_CARD_BASE_URL="https://kans.example.nl/")
def test_base_url_setting_in_qr(roosendaal, kalsdonk, zbar):
    content = make_pdf(roosendaal, [kalsdonk])

    [image] = render(content)

    expected = f"https://kans.example.nl/k/{kalsdonk.card_code}/"
    assert decoded(zbar, image) == [expected]
    assert printed_address(expected) in page_text(content)


# The short address


def test_card_code_is_short_and_unambiguous(kalsdonk):
    assert len(kalsdonk.card_code) == 6
    assert set(kalsdonk.card_code) <= set(CARD_CODE_ALPHABET)


def test_short_address_redirects_to_form(client, roosendaal, card_path, kalsdonk):
    response = client.get(card_path)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == roosendaal.form_page.url
    assert parse_qs(target.query) == {"wijk": ["kalsdonk"], "bron": ["kaart"]}
    assert CardVisit.objects.get(neighbourhood=kalsdonk).visits == 1
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_short_address_works_without_slash_and_in_capitals(client, card_path, kalsdonk):
    for address in (card_path.rstrip("/"), card_path.upper().replace("/K/", "/k/")):
        response = client.get(address)

        assert response.status_code == 302, address
    assert CardVisit.objects.get(neighbourhood=kalsdonk).visits == 2


def test_card_form_has_neighbourhood_chosen(client, card_path):
    redirect = client.get(card_path)

    form_page = client.get(redirect["Location"])

    assert form_page.status_code == 200
    values = form_values(soup_of(form_page))
    assert values["neighbourhood"] == "kalsdonk"
    assert values["bron"] == "kaart"


def test_request_from_card_has_card_source(client, roosendaal, card_path):
    from tests.factories import request_data

    form_page = client.get(client.get(card_path)["Location"])
    values = form_values(soup_of(form_page))
    data = {**values, **request_data(neighbourhood=values["neighbourhood"])}

    response = client.post(roosendaal.form_page.url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.source == "card"
    assert request_obj.neighbourhood.slug == "kalsdonk"


@pytest.mark.parametrize("value", ["KAART", "kaart2", "", "card"])
def test_form_ignores_other_bron_values(client, roosendaal, value):
    from tests.factories import request_data

    page = client.get(roosendaal.form_page.url, {"wijk": "kalsdonk", "bron": value})
    assert "bron" not in form_values(soup_of(page))

    client.post(roosendaal.form_page.url, {**request_data(), "bron": value})

    assert InitiativeRequest.objects.get().source == "form"


def test_form_without_card_has_form_source(client, roosendaal):
    from tests.factories import request_data

    client.post(roosendaal.form_page.url, request_data())

    assert InitiativeRequest.objects.get().source == "form"


@pytest.mark.parametrize(
    "code",
    [
        "abcdefghjkmnpqrstuvwxyz",  # longer than any card code
        "abc%00de",
        "k%C3%A9mmer",  # "kémmer"
        "%E2%98%95",  # a coffee cup
        "zzzzzz",  # the right form, but no card has it
        "-----",
    ],
)
def test_bad_code_shows_not_found_page(client, kalsdonk, code):
    response = client.get(f"/k/{code}/")

    assert response.status_code == 404
    assert nl("This card address does not exist") in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert CardVisit.objects.count() == 0


def test_head_and_options_do_not_count(client, card_path):
    head = client.head(card_path)
    options = client.options(card_path)

    assert head.status_code == 302
    assert options.status_code == 200
    assert CardVisit.objects.count() == 0


def test_post_is_not_allowed(client, card_path):
    response = client.post(card_path)

    assert response.status_code == 405
    assert CardVisit.objects.count() == 0


def test_visits_add_up_per_day(client, card_path, kalsdonk):
    for _ in range(3):
        client.get(card_path)

    row = CardVisit.objects.get()
    assert row.neighbourhood == kalsdonk
    assert row.visits == 3
    assert row.day == visits.today()


def test_visit_day_is_amsterdam_day(kalsdonk):
    # 23:30 UTC on 13 March is 00:30 on 14 March in Amsterdam.
    late = datetime.datetime(2027, 3, 13, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        visits.count_visit(kalsdonk)

    assert CardVisit.objects.get().day == datetime.date(2027, 3, 14)


def test_visit_after_lost_insert_race_is_counted(kalsdonk):
    """A first visit whose insert loses to a parallel one updates that row."""
    from django.db.models.query import QuerySet

    day = datetime.date(2027, 3, 14)
    real_update = QuerySet.update
    updates = []

    def update_before_parallel_insert(queryset, **kwargs):
        # The first update finds no row; then another visit inserts it.
        updates.append(kwargs)
        if len(updates) == 1:
            CardVisit.objects.create(neighbourhood=kalsdonk, day=day, visits=1)
            return 0
        return real_update(queryset, **kwargs)

    with mock.patch.object(QuerySet, "update", update_before_parallel_insert):
        visits.count_visit(kalsdonk, day)

    assert len(updates) == 2
    assert CardVisit.objects.get().visits == 2


def test_form_closed_page_without_form(client, roosendaal, card_path, kalsdonk):
    roosendaal.form_page.unpublish()

    response = client.get(card_path)

    assert response.status_code == 200
    assert nl("You cannot send an idea right now") in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert CardVisit.objects.get(neighbourhood=kalsdonk).visits == 1


# Races, on PostgreSQL: SQLite serialises every writing transaction.

race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.postgres
@race
def test_parallel_first_visits_all_count(roosendaal):
    from tests.test_concurrency import assert_no_exceptions, run_at_once

    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")

    results = run_at_once(8, lambda index: visits.count_visit(kalsdonk))

    assert_no_exceptions(results)
    row = CardVisit.objects.get(neighbourhood=kalsdonk)
    assert row.visits == 8


# The admin


def cards_index():
    return reverse("kanskaart_card_admin:index")


def print_url(municipality):
    return reverse("kanskaart_card_admin:print", args=[municipality.pk])


def figures_of(response, slug):
    soup = soup_of(response)
    row = soup.find("tr", attrs={"data-kanskaart-neighbourhood": slug})
    return {
        cell["data-kanskaart-figure"]: cell.get_text(strip=True)
        for cell in row.find_all("td", attrs={"data-kanskaart-figure": True})
    }


def test_admin_index_shows_visit_numbers(client, editor, roosendaal, kalsdonk):
    from tests.factories import submit_form

    today = visits.today()
    for _ in range(3):
        visits.count_visit(kalsdonk, today)
    visits.count_visit(kalsdonk, today - datetime.timedelta(days=29))
    CardVisit.objects.create(
        neighbourhood=kalsdonk, day=today - datetime.timedelta(days=30), visits=5
    )
    result = submit_form(roosendaal)
    InitiativeRequest.objects.filter(pk=result.request.pk).update(source="card")
    submit_form(roosendaal, title="Buurtbankje", email="ander@example.org")

    response = client.get(cards_index())

    assert response.status_code == 200
    assert figures_of(response, "kalsdonk") == {
        "visits-recent": "4",
        "visits-total": "9",
        "card-requests": "1",
    }
    assert short_url(kalsdonk) in response.content.decode()


def test_admin_menu_shows_paper_cards(client, editor):
    response = client.get(reverse("wagtailadmin_home"))

    assert cards_index() in response.content.decode()


def test_admin_without_municipality_has_no_cards(client, two_municipalities):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("lezer", "lezer@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    home = client.get(reverse("wagtailadmin_home")).content.decode()
    index = client.get(cards_index())

    assert cards_index() not in home
    # Wagtail's admin turns PermissionDenied into a redirect to its home page.
    assert index.status_code == 302
    assert index["Location"] == reverse("wagtailadmin_home")


def test_print_form_prefills_invitation(client, editor, roosendaal, kalsdonk):
    response = client.get(print_url(roosendaal), {"neighbourhood": kalsdonk.pk})

    soup = soup_of(response)
    assert soup.find("option", selected=True)["value"] == str(kalsdonk.pk)
    invitation = soup.find("textarea", attrs={"name": "invitation"}).text
    with translation.override("nl"):
        standard = str(STANDARD_INVITATION)
    assert invitation.strip() == standard

    roosendaal.card_invitation = "Samen maken we Kalsdonk mooier."
    roosendaal.save()
    response = client.get(print_url(roosendaal))
    assert "Samen maken we Kalsdonk mooier." in response.content.decode()


def test_print_returns_pdf(client, editor, roosendaal, kalsdonk, zbar):
    response = client.post(
        print_url(roosendaal),
        {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": "Doe mee!"},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="kaarten-roosendaal-kalsdonk-a6.pdf"'
    )
    [image] = render(response.content)
    assert decoded(zbar, image) == [short_url(kalsdonk)]


def test_print_all_neighbourhoods(client, editor, roosendaal, kalsdonk):
    make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")

    response = client.post(
        print_url(roosendaal),
        {"neighbourhood": "all", "layout": "a4", "invitation": "Doe mee!"},
    )

    assert response.status_code == 200
    assert (
        "kaarten-roosendaal-alle-wijken-4-op-a4.pdf"
        in (response["Content-Disposition"])
    )
    assert page_sizes_mm(response.content) == [(210.0, 297.0)] * 2


@pytest.mark.parametrize(
    ("invitation", "message"),
    [
        ("   \n ", "Write an invitation for the card."),
        ("x" * 201, "at most 200 characters, it has 201"),
        ("Doe mee 😀", "The card cannot print these characters: 😀"),
        ("Doe\x07mee", "The card cannot print these characters: U+0007"),
        ("Doe\x00mee", "Null characters are not allowed."),
    ],
)
def test_print_rejects_bad_invitation(
    client, editor, roosendaal, kalsdonk, invitation, message
):
    response = client.post(
        print_url(roosendaal),
        {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": invitation},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_print_accepts_200_characters_and_lines(client, editor, roosendaal, kalsdonk):
    invitation = "Regel een.\r\n" + "y" * 188

    response = client.post(
        print_url(roosendaal),
        {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": invitation},
    )

    assert response["Content-Type"] == "application/pdf"
    assert "Regel een." in page_text(response.content)


def test_print_rejects_bad_layout(client, editor, roosendaal, kalsdonk):
    response = client.post(
        print_url(roosendaal),
        {"neighbourhood": kalsdonk.pk, "layout": "a3", "invitation": "Doe mee!"},
    )

    assert "Choose A6 or A4." in response.content.decode()


# The system checks


@override_settings(ROOT_URLCONF="tests.test_cards")
def test_check_warns_without_card_url():
    messages = checks.check_card_url(None)

    assert [message.id for message in messages] == ["wagtail_kanskaart.W003"]


def test_check_quiet_with_card_url():
    assert checks.check_card_url(None) == []
    call_command("check", fail_level="WARNING")


@pytest.mark.parametrize(
    "value", ["kans.example.nl", "ftp://kans.example.nl", "https://", 12]
)
def test_check_rejects_bad_base_url(value):
    with override_settings(KANSKAART_CARD_BASE_URL=value):
        messages = checks.check_card_base_url(None)

    assert [message.id for message in messages] == ["wagtail_kanskaart.E002"]


def test_check_accepts_base_url():
    with override_settings(KANSKAART_CARD_BASE_URL="https://kans.example.nl"):
        assert checks.check_card_base_url(None) == []


# Scope: another municipality's editor


def test_other_editor_gets_404_on_print(client, editors, roosendaal, bergen):
    client.force_login(editors["bergen"])
    kalsdonk = roosendaal.neighbourhoods.get()

    opened = client.get(print_url(roosendaal))
    posted = client.post(
        print_url(roosendaal),
        {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": "Doe mee!"},
    )

    assert opened.status_code == 404
    assert posted.status_code == 404
    assert "Kalsdonk" not in opened.content.decode()


def test_other_neighbourhood_cannot_be_printed(client, editors, roosendaal, bergen):
    client.force_login(editors["bergen"])
    kalsdonk = roosendaal.neighbourhoods.get()

    own_form = client.get(print_url(bergen))
    posted = client.post(
        print_url(bergen),
        {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": "Doe mee!"},
    )

    assert "Kalsdonk" not in own_form.content.decode()
    assert posted["Content-Type"].startswith("text/html")
    # The Bergen editor works in the site's language, Dutch.
    with translation.override("nl"):
        message = translation.gettext("Choose a neighbourhood from the list.")
    assert message in posted.content.decode()


def test_short_url_has_code_from_alphabet(kalsdonk):
    assert re.fullmatch(r"http://localhost/k/[a-z0-9]{6}/", short_url(kalsdonk))


def test_admin_explains_missing_address(client, editor, roosendaal, kalsdonk):
    from wagtail_kanskaart.cards.addresses import ShortAddressUnavailable

    unavailable = ShortAddressUnavailable("no site")
    with (
        mock.patch("wagtail_kanskaart.admin.cards.short_url", side_effect=unavailable),
        mock.patch("wagtail_kanskaart.cards.pdf.short_url", side_effect=unavailable),
    ):
        index = client.get(cards_index())
        posted = client.post(
            print_url(roosendaal),
            {"neighbourhood": kalsdonk.pk, "layout": "a6", "invitation": "Doe mee!"},
        )

    problem = "The short address of the cards cannot be made."
    assert index.status_code == 200
    assert problem in index.content.decode()
    assert posted.status_code == 200
    assert posted["Content-Type"].startswith("text/html")
    assert problem in posted.content.decode()


# The invitation: length, lines, fit and characters


def post_print(client, municipality, neighbourhood, invitation):
    return client.post(
        print_url(municipality),
        {"neighbourhood": neighbourhood.pk, "layout": "a6", "invitation": invitation},
    )


def test_print_rejects_too_many_lines(client, editor, roosendaal, kalsdonk):
    response = post_print(client, roosendaal, kalsdonk, "x\n" * 22)

    assert response["Content-Type"].startswith("text/html")
    assert "The invitation has 22 lines. Use at most 10 lines." in (
        response.content.decode()
    )


# Names at the models' maximum length, with which a ten-line invitation
# no longer fits above the QR code even at the smallest text size.
LONG_TITLE = "Gemeente Roosendaal met " + "Wouw Heerle Moerstraten Nispen " * 7
LONG_NAME = ("Kalsdonk en de wijken " + "Westrand " * 10)[:100]
TEN_WRAPPING_LINES = "\n".join(["W" * 42] * 4 + ["x"] * 6)


def test_print_rejects_invitation_that_does_not_fit(
    client, editor, roosendaal, kalsdonk
):
    type(roosendaal).objects.filter(pk=roosendaal.pk).update(title=LONG_TITLE)
    kalsdonk.name = LONG_NAME
    kalsdonk.save()

    too_long = post_print(client, roosendaal, kalsdonk, TEN_WRAPPING_LINES)
    short = post_print(client, roosendaal, kalsdonk, "Doe mee!")

    assert too_long["Content-Type"].startswith("text/html")
    assert "The invitation does not fit on the card." in too_long.content.decode()
    assert short["Content-Type"] == "application/pdf"


def test_fit_check_measures_with_pdf_layout(roosendaal, kalsdonk):
    from wagtail_kanskaart.cards import pdf

    with translation.override("nl"):
        ten_lines = pdf.card_text(kalsdonk, "\n".join(["x"] * 10))
        many_lines = pdf.card_text(kalsdonk, "\n".join(["x"] * 22))

    assert pdf.fits(ten_lines)
    assert not pdf.fits(many_lines)


def test_accepted_invitation_stays_above_qr(client, editor, roosendaal, kalsdonk, zbar):
    # Ten full lines of the widest letter: the most an invitation can fill.
    invitation = "\n".join(["W" * 19] * 10)

    response = post_print(client, roosendaal, kalsdonk, invitation)

    assert response["Content-Type"] == "application/pdf"
    [image] = render(response.content)
    assert decoded(zbar, image) == [short_url(kalsdonk)]
    assert dark_pixels_near_edges(image, (0, 0, *image.size), 8) == []


def test_print_counts_line_break_as_one(client, editor, roosendaal, kalsdonk):
    # 200 characters as the browser counts them, 201 with "\r\n".
    invitation = "a" * 99 + "\r\n" + "b" * 100

    response = post_print(client, roosendaal, kalsdonk, invitation)

    assert response["Content-Type"] == "application/pdf"
    # The card splits the long words over several lines.
    letters = "".join(page_text(response.content).split())
    assert "a" * 99 + "b" * 100 in letters


def test_print_removes_invisible_characters(client, editor, roosendaal, kalsdonk):
    invitation = "Doe\u200b mee\u2003met\u00a0je\u202e buren\u2060!"

    response = post_print(client, roosendaal, kalsdonk, invitation)

    assert response["Content-Type"] == "application/pdf"
    assert "Doe mee met je buren!" in page_text(response.content)


def test_print_form_warns_about_changed_names(client, editor, kalsdonk):
    municipality = make_municipality("sehir", "Şehir 🌷")
    make_neighbourhood(municipality, name="Mahallesi Ğ", slug="mahallesi")
    editor.is_superuser = True
    editor.save()

    response = client.get(print_url(municipality))

    warning = soup_of(response).find(attrs={"data-kanskaart-changed-names": True})
    assert warning is not None
    text = warning.get_text(" ", strip=True)
    assert "The card shows “Sehir ?” instead of “Şehir 🌷”." in text
    assert "The card shows “Mahallesi G” instead of “Mahallesi Ğ”." in text


def test_print_form_without_changed_names_has_no_warning(
    client, editor, roosendaal, kalsdonk
):
    response = client.get(print_url(roosendaal))

    assert soup_of(response).find(attrs={"data-kanskaart-changed-names": True}) is None


def test_pdf_properties_leave_out_unprintable(kalsdonk):
    municipality = make_municipality("sehir", "Şehir 🌷")
    neighbourhood = make_neighbourhood(municipality, name="Mahallesi Ğ", slug="m")

    content = make_pdf(municipality, [neighbourhood])

    metadata = pypdfium2.PdfDocument(content).get_metadata_dict()
    assert "?" not in metadata["Title"]
    assert metadata["Title"].endswith("Sehir")
    assert metadata["Author"] == "Sehir"
    assert metadata["Subject"] == "Mahallesi G"


# The invitation on the municipality page


def edit_form_data(client, page):
    """Return the page's edit form as a browser would send it unchanged."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    form = soup_of(response).find("form", attrs={"id": "page-edit-form"})
    values = {}
    for control in form.find_all(["input", "textarea", "select"]):
        name = control.get("name")
        if not name:
            continue
        if control.name == "textarea":
            values[name] = control.get_text().removeprefix("\n")
        elif control.name == "select":
            selected = control.find("option", selected=True)
            values[name] = selected["value"] if selected else ""
        elif control.get("type") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                values[name] = control.get("value", "on")
        elif control.get("type") != "submit":
            values[name] = control.get("value", "")
    return values


def save_invitation(client, page, invitation):
    data = edit_form_data(client, page)
    data["card_invitation"] = invitation
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_page_saves_valid_invitation(client, editor, roosendaal):
    response = save_invitation(client, roosendaal, "Doe\u200b mee!\r\nNu\u00a0meteen.")

    assert response.status_code == 302
    roosendaal.refresh_from_db()
    draft = roosendaal.get_latest_revision_as_object()
    assert draft.card_invitation == "Doe mee!\nNu meteen."


@pytest.mark.parametrize(
    ("invitation", "message"),
    [
        ("Doe mee 😀", "The card cannot print these characters: 😀"),
        ("Kom naar ons ş", "The card cannot print these characters: ş"),
        ("x\n" * 22, "The invitation has 22 lines. Use at most 10 lines."),
        ("x" * 201, "at most 200 characters, it has 201"),
    ],
)
def test_page_rejects_bad_invitation(client, editor, roosendaal, invitation, message):
    response = save_invitation(client, roosendaal, invitation)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_page_rejects_invitation_that_does_not_fit(
    client, editor, roosendaal, kalsdonk
):
    kalsdonk.name = LONG_NAME
    kalsdonk.save()
    data = edit_form_data(client, roosendaal)
    data["title"] = LONG_TITLE
    data["card_invitation"] = TEN_WRAPPING_LINES

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[roosendaal.pk]), data
    )

    assert response.status_code == 200
    assert "The invitation does not fit on the card." in response.content.decode()


def test_page_counts_line_break_as_one(client, editor, roosendaal):
    response = save_invitation(client, roosendaal, "a" * 99 + "\r\n" + "b" * 100)

    assert response.status_code == 302


def test_page_help_text_names_the_limits(client, editor, roosendaal):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[roosendaal.pk]))

    html = response.content.decode()
    assert "at most 200 characters and 10 lines" in html
    assert "letters, digits and normal punctuation" in html


# The admin screens


def test_print_button_has_small_icon(client, editor, roosendaal, kalsdonk):
    response = client.get(print_url(roosendaal))

    button = soup_of(response).find("button", attrs={"type": "submit"})
    assert "button--icon" in button["class"]
    assert button.find(class_="icon-wrapper") is not None
    assert "Download PDF" in button.get_text()


def test_index_table_scrolls_sideways(client, editor, roosendaal, kalsdonk):
    response = client.get(cards_index())

    section = soup_of(response).find("section", class_="kanskaart-card-section")
    table = section.find("table")
    assert "kanskaart-table-scroll" in table.parent["class"]


def test_index_explains_in_plain_words(client, editor, roosendaal, kalsdonk):
    html = client.get(cards_index()).content.decode()

    assert "Requests from the card: requests sent from the form" in html
    assert "Recent means" not in html


def test_no_neighbourhoods_points_to_administrator(client, editor, roosendaal):
    roosendaal.neighbourhoods.all().delete()

    index = client.get(cards_index()).content.decode()
    form = client.get(print_url(roosendaal)).content.decode()

    message = "Ask the administrator to add them"
    assert message in index
    assert message in form
    assert "under Kanskaart" not in index


def test_not_found_page_links_home(client, kalsdonk):
    response = client.get("/k/onbekend/")

    link = soup_of(response).find("a", attrs={"data-kanskaart-home": True})
    assert response.status_code == 404
    assert link["href"] == "/"
