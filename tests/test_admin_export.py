"""CSV and XLSX exports of the request list.

An export follows the list's filters and search, holds only the editor's
municipalities, shows times in Europe/Amsterdam, and keeps a resident's
text from running as a formula while phone numbers and amounts stay
readable.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.request_admin_helpers import index_url, speak_english, submit
from wagtail_kanskaart.exports import spreadsheet_text
from wagtail_kanskaart.models import InitiativeRequest

pytestmark = pytest.mark.django_db

FORMULA_TITLE = '=HYPERLINK("http://x")'
HEADINGS = [
    "Reference",
    "Submitted at",
    "Municipality",
    "Neighbourhood",
    "Title",
    "Needs",
    "Amount asked",
    "Amount granted",
    "Status",
    "Source",
    "Name",
    "E-mail address",
    "Phone number",
]


@pytest.fixture
def requests(roosendaal, bergen):
    waiting = submit(
        roosendaal, title=FORMULA_TITLE, needs=["budget"], budget_amount="400"
    )
    InitiativeRequest.objects.filter(pk=waiting.pk).update(
        created_at=datetime.datetime(2026, 3, 14, 9, 5, tzinfo=datetime.UTC)
    )
    granted = submit(
        roosendaal, title="Moestuin", needs=["budget", "support"], phone=""
    )
    theirs = submit(
        bergen, neighbourhood="gageldonk", title="Kookclub", needs=["budget"]
    )
    return {"waiting": waiting, "granted": granted, "bergen": theirs}


def csv_rows(client, query=""):
    response = client.get(index_url() + "?export=csv" + query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_workbook(client, query=""):
    response = client.get(index_url() + "?export=xlsx" + query)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def xlsx_rows(client, query=""):
    return [list(row) for row in xlsx_workbook(client, query).active.iter_rows()]


def by_reference(rows):
    return {row[0]: row for row in rows[1:]}


def by_reference_cells(rows):
    return {row[0].value: row for row in rows[1:]}


# CSV


def test_csv_is_utf8_for_excel(client, editor, requests):
    response = client.get(index_url() + "?export=csv")

    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith("\ufeff".encode())
    assert content.count("\ufeff".encode()) == 1


def test_csv_headings(client, editor, requests):
    rows = csv_rows(client)

    assert rows[0] == HEADINGS


def test_csv_row(client, editor, requests):
    row = by_reference(csv_rows(client))[requests["waiting"].reference]

    assert row[1:] == [
        "2026-03-14 10:05",
        "Roosendaal",
        "Kalsdonk",
        "'" + FORMULA_TITLE,
        "money",
        "400.00",
        "",
        "in review",
        "form",
        "Fatma Yilmaz",
        "fatma@example.org",
        "06 12345678",
    ]


def test_csv_granted_amount(client, editor, requests):
    row = by_reference(csv_rows(client))[requests["granted"].reference]

    assert row[6:9] == ["150.00", "150.00", "granted"]
    assert row[12] == ""


def test_csv_source_column(client, editor, requests):
    InitiativeRequest.objects.filter(pk=requests["granted"].pk).update(source="card")

    rows = by_reference(csv_rows(client))

    source = HEADINGS.index("Source")
    assert rows[requests["granted"].reference][source] == "paper card"
    assert rows[requests["waiting"].reference][source] == "form"


def test_csv_lists_card_requests(client, editor, requests):
    InitiativeRequest.objects.filter(pk=requests["granted"].pk).update(source="card")

    references = set(by_reference(csv_rows(client, "&source=card")))

    assert references == {requests["granted"].reference}


def test_csv_is_scoped(client, editor, requests):
    references = set(by_reference(csv_rows(client)))

    assert references == {requests["waiting"].reference, requests["granted"].reference}


def test_csv_follows_filters(client, editor, requests):
    references = set(by_reference(csv_rows(client, "&status=in_review")))

    assert references == {requests["waiting"].reference}


def test_csv_follows_search(client, editor, requests):
    references = set(by_reference(csv_rows(client, "&q=Moestuin")))

    assert references == {requests["granted"].reference}


def test_csv_for_other_editor(client, editors, requests):
    client.force_login(speak_english(editors["bergen"]))

    references = set(by_reference(csv_rows(client)))

    assert references == {requests["bergen"].reference}


def test_csv_in_dutch(client, editors, requests):
    client.force_login(editors["roosendaal"])

    rows = csv_rows(client)

    assert rows[0][0] == "Aanvraagnummer"
    assert by_reference(rows)[requests["waiting"].reference][8] == "in behandeling"


# XLSX


def test_xlsx_sheet_is_named(client, editors, requests):
    client.force_login(editors["roosendaal"])

    workbook = xlsx_workbook(client)

    assert workbook.sheetnames == ["Aanvragen"]


def test_xlsx_headings(client, editor, requests):
    rows = xlsx_rows(client)

    assert [cell.value for cell in rows[0]] == HEADINGS


def test_xlsx_neutralises_formula(client, editor, requests):
    row = by_reference_cells(xlsx_rows(client))[requests["waiting"].reference]

    assert row[4].value == "'" + FORMULA_TITLE
    assert row[4].data_type == "s"


def test_xlsx_time_is_amsterdam(client, editor, requests):
    row = by_reference_cells(xlsx_rows(client))[requests["waiting"].reference]

    assert row[1].value == datetime.datetime(2026, 3, 14, 10, 5)


def test_xlsx_amounts_are_numbers(client, editor, requests):
    row = by_reference_cells(xlsx_rows(client))[requests["granted"].reference]

    assert Decimal(str(row[6].value)) == Decimal("150")
    assert row[6].data_type == "n"
    assert row[6].number_format == "#,##0.00"
    assert Decimal(str(row[7].value)) == Decimal("150")


def test_xlsx_phone_is_readable(client, editor, requests):
    row = by_reference_cells(xlsx_rows(client))[requests["waiting"].reference]

    assert row[12].value == "06 12345678"
    assert row[12].data_type == "s"


def test_xlsx_source_column(client, editor, requests):
    InitiativeRequest.objects.filter(pk=requests["granted"].pk).update(source="card")

    rows = by_reference_cells(xlsx_rows(client))

    source = HEADINGS.index("Source")
    assert rows[requests["granted"].reference][source].value == "paper card"
    assert rows[requests["waiting"].reference][source].value == "form"


def test_xlsx_is_scoped_and_filtered(client, editor, requests):
    all_rows = by_reference_cells(xlsx_rows(client))
    waiting_only = by_reference_cells(xlsx_rows(client, "&need=budget&q=HYPERLINK"))

    assert set(all_rows) == {
        requests["waiting"].reference,
        requests["granted"].reference,
    }
    assert set(waiting_only) == {requests["waiting"].reference}


# Cell values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("|calc", "'|calc"),
        ("\tx", "'\tx"),
        ("Buurtfeest", "Buurtfeest"),
        (None, ""),
    ],
)
def test_spreadsheet_text(value, expected):
    assert spreadsheet_text(value) == expected
