"""The printable cards: one A6 card per page, or four A6 cards on A4.

All content stays at least ``SAFE_MARGIN`` inside each card's cut line,
so a card cut a few millimetres off still shows everything, and a home
printer's unprintable border takes only white paper. The cut marks on
the A4 sheet lie on the cut lines and are shorter than the safe margin,
so they never touch the content.
"""

import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..intake.forms import NEED_CHOICES
from .addresses import printed_address, short_url
from .qr import draw_qr, make_qr
from .text import BOLD_FONT, FONT, fit_size, printable, wrap

LAYOUT_A6 = "a6"
LAYOUT_A4 = "a4"

STANDARD_INVITATION = gettext_lazy(
    "Do you have an idea for your neighbourhood? A street party, a vegetable "
    "garden, a walking group? Tell us what you need. We arrange it quickly."
)

CARD_WIDTH, CARD_HEIGHT = A6
PAGE_WIDTH, PAGE_HEIGHT = A4

# No content closer than this to a card's cut line.
SAFE_MARGIN = 9 * mm
CONTENT_WIDTH = CARD_WIDTH - 2 * SAFE_MARGIN

# The QR code with its quiet zone: 34 mm gives modules of about 1 mm for
# the usual 29 × 29 code of a short address.
QR_SIZE = 34 * mm

# Cut marks: hairlines, shorter than the safe margin.
CUT_MARK_LENGTH = 7 * mm
CUT_MARK_WIDTH = 0.25

TEXT_COLOUR = (0.1, 0.1, 0.1)
MUTED_COLOUR = (0.3, 0.3, 0.3)

# The card's text shrinks in these steps until it fits above the QR code.
SCALES = [1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6]


@dataclass
class CardText:
    """The words on one card, already in the card's language."""

    municipality: str
    heading: str
    audience: str
    invitation: str
    needs_heading: str
    needs: list[str]
    address_label: str
    address: str


@dataclass
class Line:
    text: str
    font: str
    size: float
    leading: float
    colour: tuple = TEXT_COLOUR
    indent: float = 0
    bullet: str = ""
    space_before: float = 0


def card_text(neighbourhood, invitation: str) -> CardText:
    """Return the texts of a neighbourhood's card in the active language.

    Raises ``addresses.ShortAddressUnavailable`` when the card address
    cannot be built.
    """
    return make_card_text(
        neighbourhood.municipality.title,
        neighbourhood.name,
        short_url(neighbourhood),
        invitation,
    )


def make_card_text(
    municipality_title: str, neighbourhood_name: str, url: str, invitation: str
) -> CardText:
    """Return the texts of one card in the active language, from plain values."""
    return CardText(
        municipality=printable(municipality_title),
        heading=_("Your chance!"),
        audience=printable(
            _("For residents of %(neighbourhood)s")
            % {"neighbourhood": neighbourhood_name}
        ),
        invitation=printable(invitation),
        needs_heading=_("What can you get?"),
        # The form's own words for the three needs, so the card and the
        # form use the same words.
        needs=[str(label) for _value, label in NEED_CHOICES],
        address_label=_("Scan the code or type:"),
        address=printable(printed_address(url)),
    )


def _text_lines(text: CardText, scale: float) -> list[Line]:
    """Return the lines above the QR code at ``scale`` times the normal size."""

    def block(value, font, size, colour=TEXT_COLOUR, space_before=0, bullet=""):
        size *= scale
        indent = stringWidth("•  ", font, size) if bullet else 0
        lines = wrap(value, font, size, CONTENT_WIDTH - indent)
        return [
            Line(
                line,
                font,
                size,
                size * 1.25,
                colour,
                indent=indent,
                bullet=bullet if index == 0 else "",
                space_before=space_before * scale if index == 0 else 0,
            )
            for index, line in enumerate(lines)
        ]

    lines = block(text.municipality, BOLD_FONT, 11, MUTED_COLOUR)
    lines += block(text.heading, BOLD_FONT, 26, space_before=3 * mm)
    lines += block(text.audience, FONT, 11, space_before=1 * mm)
    lines += block(text.invitation, FONT, 10.5, space_before=4 * mm)
    lines += block(text.needs_heading, BOLD_FONT, 10.5, space_before=4 * mm)
    for need in text.needs:
        lines += block(need, FONT, 10.5, bullet="•", space_before=1 * mm)
    return lines


def _height(lines: list[Line]) -> float:
    return sum(line.leading + line.space_before for line in lines)


def _address_lines(address: str) -> list[tuple[str, float]]:
    """Return the address as one line, or two when it is too long: host and path."""
    size = fit_size(address, BOLD_FONT, 18, 11, CONTENT_WIDTH)
    if size is not None:
        return [(address, size)]
    host, slash, path = address.partition("/")
    parts = [host, slash + path] if slash else [address]
    size = min(fit_size(part, BOLD_FONT, 16, 6, CONTENT_WIDTH) or 6 for part in parts)
    return [(part, size) for part in parts]


# The address label's font size, and its line height as a factor of it.
LABEL_SIZE = 9
LABEL_LEADING = 1.3


def _address_height(address: str) -> float:
    """Return the height of the address lines, from the safe margin up."""
    return sum(size * 1.2 for _part, size in _address_lines(address))


def _qr_bottom(address: str) -> float:
    """Return the height of the QR code's lower edge above the safe margin."""
    return _address_height(address) + 1 * mm + LABEL_SIZE * LABEL_LEADING


def _text_room(address: str) -> float:
    """Return the height between the top safe margin and the QR code, minus a gap."""
    content_height = CARD_HEIGHT - 2 * SAFE_MARGIN
    return content_height - (_qr_bottom(address) + QR_SIZE) - 2 * mm


def fits(text: CardText) -> bool:
    """Return whether the text fits above the QR code at the smallest scale.

    Forms call this before a card is printed, so ``draw_card`` never has
    to draw text that runs over the QR code or past the cut line.
    """
    return _height(_text_lines(text, SCALES[-1])) <= _text_room(text.address)


def draw_card(canvas: Canvas, text: CardText, qr, x: float, y: float) -> None:
    """Draw one card whose cut lines start at the lower left corner (x, y)."""
    left = x + SAFE_MARGIN
    bottom = y + SAFE_MARGIN
    top = y + CARD_HEIGHT - SAFE_MARGIN

    # From the bottom up: the address, its label and the QR code.
    canvas.setFillColorRGB(*TEXT_COLOUR)
    baseline = bottom
    for part, size in reversed(_address_lines(text.address)):
        canvas.setFont(BOLD_FONT, size)
        canvas.drawCentredString(x + CARD_WIDTH / 2, baseline + size * 0.2, part)
        baseline += size * 1.2
    canvas.setFont(FONT, LABEL_SIZE)
    canvas.setFillColorRGB(*MUTED_COLOUR)
    canvas.drawCentredString(x + CARD_WIDTH / 2, baseline + 1 * mm, text.address_label)
    qr_bottom = bottom + _qr_bottom(text.address)
    draw_qr(canvas, qr, x + (CARD_WIDTH - QR_SIZE) / 2, qr_bottom, QR_SIZE)

    # From the top down: the text, as large as fits above the QR code.
    room = _text_room(text.address)
    for scale in SCALES:
        lines = _text_lines(text, scale)
        if _height(lines) <= room:
            break
    # NOTE: text that does not fit at the smallest scale is still drawn,
    # over the QR code. The print form and the municipality page reject
    # such an invitation with ``fits``, so only a caller that skips those
    # forms can get here.
    cursor = top
    for line in lines:
        cursor -= line.space_before + line.leading
        canvas.setFillColorRGB(*line.colour)
        canvas.setFont(line.font, line.size)
        if line.bullet:
            canvas.drawString(
                left, cursor + line.leading - line.size * 1.05, line.bullet
            )
        canvas.drawString(
            left + line.indent, cursor + line.leading - line.size * 1.05, line.text
        )


def _draw_cut_marks(canvas: Canvas, offset_y: float) -> None:
    """Draw the marks of the cut lines between and around four cards on A4."""
    middle_x = CARD_WIDTH
    middle_y = offset_y + CARD_HEIGHT
    length = CUT_MARK_LENGTH
    canvas.saveState()
    canvas.setLineWidth(CUT_MARK_WIDTH)
    canvas.setStrokeColorRGB(0, 0, 0)
    # The vertical cut: at the top and bottom edge, and across the middle.
    canvas.line(middle_x, 0, middle_x, length)
    canvas.line(middle_x, PAGE_HEIGHT - length, middle_x, PAGE_HEIGHT)
    canvas.line(middle_x, middle_y - length, middle_x, middle_y + length)
    # The horizontal cut: at the left and right edge, and across the middle.
    canvas.line(0, middle_y, length, middle_y)
    canvas.line(PAGE_WIDTH - length, middle_y, PAGE_WIDTH, middle_y)
    canvas.line(middle_x - length, middle_y, middle_x + length, middle_y)
    canvas.restoreState()


def _metadata_text(text: str) -> str:
    """Return ``text`` for the PDF's properties: undrawable characters left out.

    A viewer shows the title in its window, where a "?" for an emoji
    looks like a mistake, so such characters are dropped, not replaced.
    """
    return " ".join(printable(text, replacement="").split())


def card_pdf(
    municipality,
    neighbourhoods,
    *,
    layout: str,
    invitation: str,
    language: str,
) -> bytes:
    """Return a PDF with the cards of ``neighbourhoods``, one after the other.

    ``layout`` is ``LAYOUT_A6`` (one card per A6 page) or ``LAYOUT_A4``
    (four copies of a neighbourhood's card per A4 page). The texts are in
    ``language``. Raises ``addresses.ShortAddressUnavailable`` when the
    card address cannot be built.
    """
    if layout not in (LAYOUT_A6, LAYOUT_A4):
        raise ValueError(f"Unknown card layout {layout!r}: use 'a6' or 'a4'.")
    buffer = io.BytesIO()
    with translation.override(language):
        canvas = Canvas(buffer, pagesize=A6 if layout == LAYOUT_A6 else A4)
        canvas.setTitle(
            _metadata_text(
                _("Paper cards %(municipality)s") % {"municipality": municipality.title}
            )
        )
        canvas.setSubject(_metadata_text(", ".join(n.name for n in neighbourhoods)))
        canvas.setAuthor(_metadata_text(municipality.title))
        canvas.setCreator("wagtail-kanskaart")
        for neighbourhood in neighbourhoods:
            text = card_text(neighbourhood, invitation)
            qr = make_qr(short_url(neighbourhood))
            if layout == LAYOUT_A6:
                draw_card(canvas, text, qr, 0, 0)
            else:
                # Four A6 cards fill A4's width exactly and leave 1 mm of
                # its height, split above and below.
                offset_y = (PAGE_HEIGHT - 2 * CARD_HEIGHT) / 2
                for column in range(2):
                    for row in range(2):
                        draw_card(
                            canvas,
                            text,
                            qr,
                            column * CARD_WIDTH,
                            offset_y + row * CARD_HEIGHT,
                        )
                _draw_cut_marks(canvas, offset_y)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()
