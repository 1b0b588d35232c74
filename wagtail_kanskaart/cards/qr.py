"""The card's QR code as vector shapes: segno's modules drawn as rectangles.

No bitmap is embedded, so the code stays sharp at any print size.
"""

import segno

# Q restores up to about 25% of the code, enough for a card that got
# crumpled or stained in a community centre.
ERROR_CORRECTION = "q"

# The white border around the code, in modules. The QR standard
# (ISO/IEC 18004) requires 4.
QUIET_ZONE = 4


def make_qr(url: str) -> segno.QRCode:
    """Return the QR code of ``url``, never a Micro QR code."""
    return segno.make(url, error=ERROR_CORRECTION, micro=False, boost_error=False)


def size_in_modules(qr) -> int:
    """Return the width of the code with its quiet zone, in modules."""
    width, _height = qr.symbol_size(scale=1, border=QUIET_ZONE)
    return width


def draw_qr(canvas, qr, x: float, y: float, size: float) -> None:
    """Draw ``qr`` with its quiet zone as a square of ``size`` points.

    ``x`` and ``y`` are the lower left corner of the quiet zone. Dark
    modules next to each other in a row become one rectangle, so a viewer
    shows no hairlines between them.
    """
    rows = list(qr.matrix_iter(scale=1, border=QUIET_ZONE))
    module = size / len(rows)
    path = canvas.beginPath()
    for row_index, row in enumerate(rows):
        # PDF's y axis points up, the matrix's rows go down.
        top = y + size - (row_index + 1) * module
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                path.rect(x + start * module, top, (column - start) * module, module)
                start = None
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
