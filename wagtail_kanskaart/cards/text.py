"""Text for the PDF's built-in fonts: what they can draw, and line wrapping.

The cards use Helvetica, one of the 14 fonts every PDF reader has, so the
PDF embeds no font file. Helvetica draws the Windows-1252 (WinAnsi)
characters: all Dutch letters, "€" and most Western European accents.
Another letter is printed without its accent where it has one ("ş" as
"s"), and otherwise as "?". Control characters are dropped.
"""

import unicodedata

from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "Helvetica"
BOLD_FONT = "Helvetica-Bold"

REPLACEMENT = "?"


def _drawable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


# Line and paragraph separators that mean a line break. "\r\n" comes first,
# so a browser's line break becomes one "\n", as its maxlength counts it.
LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


def normalise(text: str) -> str:
    """Return ``text`` as an editor means it, without invisible characters.

    Line breaks become "\n", every space separator (Unicode category Zs:
    non-breaking, em and thin spaces) becomes " ", and format characters
    (category Cf: zero-width spaces, joiners, bidirectional marks) are
    removed. Text pasted from a word processor often contains these, and
    the editor cannot see them to take them out.
    """
    for line_break in LINE_BREAKS:
        text = text.replace(line_break, "\n")
    result = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Zs":
            result.append(" ")
        elif category != "Cf":
            result.append(char)
    return "".join(result)


def unprintable_characters(text: str) -> list[str]:
    """Return the characters of ``text`` that Helvetica cannot draw, once each."""
    found = []
    for char in unicodedata.normalize("NFC", text):
        if char in "\n\r\t":
            continue
        if (
            unicodedata.category(char).startswith("C") or not _drawable(char)
        ) and char not in found:
            found.append(char)
    return found


def printable(text: str, replacement: str = REPLACEMENT) -> str:
    """Return ``text`` with only characters Helvetica can draw (see module doc).

    A character with no drawable base letter becomes ``replacement``.
    """
    result = []
    for char in unicodedata.normalize("NFC", text):
        if char in "\n\t":
            result.append(" " if char == "\t" else char)
        elif unicodedata.category(char).startswith("C"):
            continue
        elif _drawable(char):
            result.append(char)
        else:
            base = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(part)
            )
            result.append(base if base and _drawable(base) else replacement)
    return "".join(result)


def _split_word(word, font, size, width):
    """Split a word wider than ``width`` into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and stringWidth(piece + char, font, size) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    if piece:
        pieces.append(piece)
    return pieces


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Return the lines of ``text`` in ``font`` at ``size`` points, each ``width`` wide.

    Lines break between words. A word wider than a line is split between
    its letters. Line breaks in ``text`` are kept; blank lines are dropped.
    """
    lines = []
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if stringWidth(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            if stringWidth(word, font, size) <= width:
                line = word
            else:
                *full, line = _split_word(word, font, size, width)
                lines.extend(full)
        if line:
            lines.append(line)
    return lines


def fit_size(text: str, font: str, largest: float, smallest: float, width: float):
    """Return the largest font size at which ``text`` fits on one line of ``width``.

    Sizes go down from ``largest`` to ``smallest`` in steps of 0.5 point.
    Returns None when the text does not fit even at ``smallest``.
    """
    size = largest
    while size >= smallest:
        if stringWidth(text, font, size) <= width:
            return size
        size -= 0.5
    return None
