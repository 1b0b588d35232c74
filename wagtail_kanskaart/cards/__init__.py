"""Paper cards: the short address on the card, its visit counts, and the PDF.

``urls.py`` serves ``/k/<code>/``, ``visits.py`` counts its visits per
neighbourhood and day, ``addresses.py`` builds the absolute short address,
and ``qr.py`` and ``pdf.py`` draw the printable cards.
"""
