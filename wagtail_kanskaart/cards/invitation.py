"""The invitation on the paper card: how the forms clean and check it.

The print form and the municipality page's field both use
``InvitationField`` and ``check_fits``, so an editor gets the same answer
in both places: when the page is saved and when the cards are printed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models.municipality import CARD_INVITATION_MAX_LENGTH
from . import pdf
from .addresses import ShortAddressUnavailable, short_url
from .text import normalise, printable, unprintable_characters

# The maximum number of lines the editor may type. Blank lines count too.
MAX_LINES = 10

# Used to measure a card whose real neighbourhood or address is not known
# yet: a municipality page without neighbourhoods, or without a site.
SAMPLE_NEIGHBOURHOOD = "Binnenstad-Noord"
SAMPLE_URL = "https://www.gemeente.example.nl/k/abcdef/"

NOT_PRINTABLE = gettext_lazy(
    "The card cannot print these characters: %(characters)s. Remove them or "
    "write them differently."
)
TOO_MANY_LINES = gettext_lazy(
    "The invitation has %(count)d lines. Use at most %(limit)d lines."
)
DOES_NOT_FIT = gettext_lazy(
    "The invitation does not fit on the card. Make it shorter or use fewer lines."
)


def check_printable(text: str) -> None:
    """Raise ``ValidationError`` listing the characters the card cannot print."""
    unprintable = unprintable_characters(text)
    if not unprintable:
        return
    shown = " ".join(
        char if char.isprintable() else f"U+{ord(char):04X}" for char in unprintable
    )
    raise ValidationError(
        NOT_PRINTABLE, code="unprintable", params={"characters": shown}
    )


def check_line_count(text: str) -> None:
    """Raise ``ValidationError`` when ``text`` has more than ``MAX_LINES`` lines."""
    count = len(text.split("\n"))
    if count > MAX_LINES:
        raise ValidationError(
            TOO_MANY_LINES,
            code="too_many_lines",
            params={"count": count, "limit": MAX_LINES},
        )


class InvitationField(forms.CharField):
    """A text area for the invitation, cleaned with ``text.normalise``.

    The text is normalised before the length check, so a line break typed
    in the browser counts as one character here too, as the browser's
    ``maxlength`` counts it.
    """

    default_validators = [check_printable, check_line_count]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", CARD_INVITATION_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)
        self.error_messages.setdefault(
            "max_length",
            gettext_lazy(
                "Make the invitation shorter: at most %(limit_value)d "
                "characters, it has %(show_value)d."
            ),
        )

    def to_python(self, value):
        if value not in self.empty_values:
            value = normalise(str(value))
        return super().to_python(value)


def _card_texts(invitation, municipality_title, neighbourhoods):
    """Return the card text of each neighbourhood, or of a sample one."""
    cards = []
    for neighbourhood in neighbourhoods:
        try:
            url = short_url(neighbourhood)
        except ShortAddressUnavailable:
            url = SAMPLE_URL
        cards.append((neighbourhood.name, url))
    if not cards:
        cards.append((SAMPLE_NEIGHBOURHOOD, SAMPLE_URL))
    return [
        pdf.make_card_text(municipality_title, name, url, invitation)
        for name, url in cards
    ]


def check_fits(invitation: str, municipality_title: str, neighbourhoods) -> None:
    """Raise ``ValidationError`` when the invitation does not fit on every card.

    The cards are laid out with the PDF's own code, at its smallest text
    size, with the names and addresses of ``neighbourhoods``. The texts are
    measured in the active language.
    """
    for card in _card_texts(invitation, municipality_title, neighbourhoods):
        if not pdf.fits(card):
            raise ValidationError(DOES_NOT_FIT, code="does_not_fit")


def changed_names(municipality, neighbourhoods) -> list[tuple[str, str]]:
    """Return (printed, original) for each name the card prints differently.

    The card's font cannot draw every letter: "Ş" is printed as "S" and an
    emoji as "?". Invisible characters that are dropped do not count.
    """
    changed = []
    for name in [municipality.title, *(n.name for n in neighbourhoods)]:
        visible = normalise(name)
        printed = printable(visible)
        if printed != visible and (printed, name) not in changed:
            changed.append((printed, name))
    return changed


def changed_name_messages(municipality, neighbourhoods) -> list[str]:
    """Return a warning for each name in ``changed_names``, for the print form."""
    return [
        _("The card shows “%(printed)s” instead of “%(name)s”.")
        % {"printed": printed, "name": name}
        for printed, name in changed_names(municipality, neighbourhoods)
    ]
