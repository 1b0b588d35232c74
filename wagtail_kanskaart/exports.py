"""Cell values for spreadsheets that editors download (CSV and XLSX).

Every export of the package passes its text cells through
:func:`spreadsheet_text`, so a title such as ``=HYPERLINK(...)`` typed by a
resident is shown as text and never run as a formula.
"""

# A spreadsheet program reads a cell that starts with one of these as a
# formula (OWASP, "CSV Injection"). Older Excel runs "|" as a DDE command.
FORMULA_PREFIXES = ("=", "+", "-", "@", "|", "\t", "\r", "\n")

# Excel reads a CSV file as UTF-8 only when it starts with this byte order
# mark. Without it, "€" and "ë" turn into other characters.
CSV_BYTE_ORDER_MARK = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_text(value) -> str:
    """Return ``value`` as text that no spreadsheet program runs as a formula.

    Such text gets a leading apostrophe, which Excel and LibreOffice hide
    and read as "this cell is text". Phone numbers should go through
    :func:`readable_phone` first, so they need no apostrophe.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def readable_phone(value: str) -> str:
    """Return a stored E.164 phone number in a form that starts with a digit.

    Dutch numbers get the national format ("06 12345678"); others get the
    international format with "00" in place of "+" ("00 32 470 12 34 56"), so
    neither looks like a formula. A value that does not parse is returned as
    it is.
    """
    from .templatetags.kanskaart_tags import phone_display

    formatted = phone_display(value)
    if formatted.startswith("+"):
        return "00 " + formatted.removeprefix("+")
    return formatted
