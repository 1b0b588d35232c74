"""The four reports: their numbers on a small known data set, filters and exports."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import make_neighbourhood, submit_form
from wagtail_kanskaart.intake import lifecycle, policy
from wagtail_kanskaart.models import InitiativeRequest, LedgerEntry, RequestNeed
from wagtail_kanskaart.models.requests import NeedStatus, RequestStatus
from wagtail_kanskaart.reporting import percentage

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def report_url(name, **params):
    url = reverse(f"kanskaart_reports:{name}")
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def ask(municipality, amount, email, **overrides):
    """Submit a budget request of one resident (no phone, so no shared cap)."""
    overrides.setdefault("needs", ["budget"])
    result = submit_form(
        municipality, budget_amount=amount, email=email, phone="", **overrides
    )
    return result.request


def book(request, kind, moment):
    """Move the request's ledger entries of ``kind`` to ``moment``."""
    LedgerEntry.objects.filter(request=request, kind=kind).update(created_at=moment)


def submitted(request, moment):
    InitiativeRequest.objects.filter(pk=request.pk).update(created_at=moment)


def approve_by_editor(request):
    # What an editor's approval leaves on the budget need; the approval
    # itself is tested with the request actions.
    RequestNeed.objects.filter(request=request, kind="budget").update(
        status=NeedStatus.ARRANGED, reason=policy.APPROVED
    )


def decline_by_editor(request):
    RequestNeed.objects.filter(request=request, kind="budget").update(
        status=NeedStatus.DECLINED, reason="declined"
    )
    InitiativeRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.DECLINED
    )


def login_in_english(client, user):
    """Log in with the admin in English, so export headings are the msgids."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def tolberg(two_municipalities):
    roosendaal, _bergen = two_municipalities
    return make_neighbourhood(roosendaal, name="Tolberg", slug="tolberg")


@pytest.fixture
def ledger_months(two_municipalities, tolberg):
    """Two neighbourhoods of Roosendaal over January and February 2025.

    Kalsdonk: € 150 and € 100 granted in January; the € 100 is given back on
    1 February at 00:30 in Amsterdam. Tolberg: € 200 granted on 31 January,
    paid on 1 February at 00:30 in Amsterdam. Both moments are still
    31 January in UTC, so they test the months' time zone. Bergen op Zoom:
    € 50 in January, which a Roosendaal editor never sees.
    """
    roosendaal, bergen = two_municipalities
    first = ask(roosendaal, "150", "een@example.org")
    book(first, "reserve", at(2025, 1, 15))

    second = ask(roosendaal, "100", "twee@example.org")
    book(second, "reserve", at(2025, 1, 20))
    lifecycle.withdraw(second)
    book(second, "release", at(2025, 2, 1, 0, 30))

    third = ask(roosendaal, "200", "drie@example.org", neighbourhood="tolberg")
    book(third, "reserve", at(2025, 1, 31, 23, 30))
    lifecycle.mark_paid(third)
    book(third, "pay", at(2025, 2, 1, 0, 30))

    other = ask(bergen, "50", "vier@example.org", neighbourhood="gageldonk")
    book(other, "reserve", at(2025, 1, 10))


# Money per neighbourhood per month


def test_money_per_month_export(client, editors, ledger_months):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url("money_per_month", export="csv"))

    assert response.status_code == 200
    assert csv_rows(response) == [
        ["Municipality", "Neighbourhood", "Month", "Granted (€)", "Paid (€)"],
        ["Roosendaal", "Kalsdonk", "2025-01", "250.00", "0.00"],
        ["Roosendaal", "Kalsdonk", "2025-02", "-100.00", "0.00"],
        ["Roosendaal", "Tolberg", "2025-01", "200.00", "0.00"],
        ["Roosendaal", "Tolberg", "2025-02", "0.00", "200.00"],
    ]


def test_money_per_month_page(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(report_url("money_per_month"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "januari 2025" in html
    assert "€ -100,00" in html
    assert "€ 250,00" in html
    assert "Gageldonk" not in html


def test_money_per_month_period_filter(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", first_day="2025-02-01", export="csv")
    )

    months = [row[2] for row in csv_rows(response)[1:]]
    assert months == ["2025-02", "2025-02"]


def test_money_per_month_last_day_included(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", last_day="2025-01-31", export="csv")
    )

    assert csv_rows(response)[1:] == [
        ["Roosendaal", "Kalsdonk", "2025-01", "250.00", "0.00"],
        ["Roosendaal", "Tolberg", "2025-01", "200.00", "0.00"],
    ]


def test_money_per_month_neighbourhood_filter(client, editors, ledger_months, tolberg):
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", neighbourhood=tolberg.pk, export="csv")
    )

    neighbourhoods = {row[1] for row in csv_rows(response)[1:]}
    assert neighbourhoods == {"Tolberg"}


def test_money_per_month_xlsx(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(report_url("money_per_month", export="xlsx"))

    rows = xlsx_rows(response)
    assert rows[1] == ["Roosendaal", "Kalsdonk", "2025-01", 250, 0]
    assert rows[2][3] == -100


def test_invalid_filter_is_no_error(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", first_day="31-31-2025", municipality="x")
    )

    assert response.status_code == 200


def test_foreign_municipality_filter_is_empty(
    client, editors, ledger_months, two_municipalities
):
    _roosendaal, bergen = two_municipalities
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", municipality=bergen.pk, export="csv"),
        follow=True,
    )

    assert list(response.context["object_list"]) == []
    assert "Bergen op Zoom" not in response.content.decode()


# Initiatives per need


@pytest.fixture
def needs_mix(two_municipalities):
    roosendaal, bergen = two_municipalities
    ask(roosendaal, "150", "een@example.org")
    ask(roosendaal, "400", "twee@example.org")
    ask(roosendaal, "150", "drie@example.org", needs=["budget", "support"])
    withdrawn = ask(roosendaal, "100", "vier@example.org", needs=["budget", "support"])
    lifecycle.withdraw(withdrawn)
    declined = ask(roosendaal, "300", "vijf@example.org")
    decline_by_editor(declined)
    ask(bergen, "150", "zes@example.org", neighbourhood="gageldonk")


def test_needs_export(client, editors, needs_mix):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url("needs", export="csv"))

    assert csv_rows(response) == [
        ["Municipality", "Need", "Requests", "Arranged", "Waiting", "Declined"],
        ["Roosendaal", "budget", "4", "2", "1", "1"],
        ["Roosendaal", "support", "1", "1", "0", "0"],
    ]


def test_needs_period_filter(client, editors, needs_mix):
    old = InitiativeRequest.objects.filter(email="een@example.org").get()
    submitted(old, at(2024, 12, 31, 23, 59))
    client.force_login(editors["roosendaal"])

    response = client.get(report_url("needs", last_day="2024-12-31", export="csv"))

    assert csv_rows(response)[1:] == [["Roosendaal", "budget", "1", "1", "0", "0"]]


# Average amount per initiative


@pytest.fixture
def amounts(two_municipalities, tolberg):
    roosendaal, bergen = two_municipalities
    ask(roosendaal, "150", "een@example.org")
    paid = ask(roosendaal, "150", "twee@example.org")
    lifecycle.mark_paid(paid)
    withdrawn = ask(roosendaal, "100", "drie@example.org")
    lifecycle.withdraw(withdrawn)
    ask(roosendaal, "400", "vier@example.org")  # waits: no money yet
    ask(roosendaal, "100,01", "vijf@example.org", neighbourhood="tolberg")
    ask(roosendaal, "100", "zes@example.org", neighbourhood="tolberg")
    ask(bergen, "10", "zeven@example.org", neighbourhood="gageldonk")


def test_average_export(client, editors, amounts):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url("average_amount", export="csv"))

    assert csv_rows(response) == [
        [
            "Municipality",
            "Neighbourhood",
            "Requests with money",
            "Granted in total (€)",
            "Average (€)",
        ],
        ["Roosendaal", "All neighbourhoods", "4", "500.01", "125.00"],
        ["Roosendaal", "Kalsdonk", "2", "300.00", "150.00"],
        # 200.01 / 2 = 100.005, rounded half up.
        ["Roosendaal", "Tolberg", "2", "200.01", "100.01"],
    ]


def test_average_page(client, editors, amounts):
    client.force_login(editors["roosendaal"])

    response = client.get(report_url("average_amount"))

    html = response.content.decode()
    assert "€ 125,00" in html
    assert "€ 100,01" in html


def test_superuser_sees_every_municipality(client, admin_user, amounts):
    client.force_login(admin_user)

    response = client.get(report_url("average_amount", export="csv"))

    municipalities = [row[0] for row in csv_rows(response)[1:]]
    assert municipalities[0] == "Bergen op Zoom"
    assert "Roosendaal" in municipalities


# Share granted at once


@pytest.fixture
def grants(two_municipalities):
    roosendaal, bergen = two_municipalities
    ask(roosendaal, "150", "een@example.org")
    ask(roosendaal, "200", "twee@example.org")
    approved = ask(roosendaal, "400", "drie@example.org")
    approve_by_editor(approved)
    ask(roosendaal, "450", "vier@example.org")  # waits
    withdrawn = ask(roosendaal, "100", "vijf@example.org")
    lifecycle.withdraw(withdrawn)
    ask(roosendaal, "10", "zes@example.org", needs=["support"])
    ask(bergen, "150", "zeven@example.org", neighbourhood="gageldonk")


def test_instant_share_export(client, editors, grants):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url("instant_share", export="csv"))

    assert csv_rows(response) == [
        [
            "Municipality",
            "Requests with a budget",
            "Granted at once",
            "Granted at once (%)",
            "Granted after review",
            "Granted after review (%)",
            "Not (yet) granted",
            "Not (yet) granted (%)",
        ],
        ["Roosendaal", "4", "2", "50.0", "1", "25.0", "1", "25.0"],
    ]


def test_instant_share_page(client, editors, grants):
    client.force_login(editors["roosendaal"])

    response = client.get(report_url("instant_share"))

    html = response.content.decode()
    assert "2 (50,0%)" in html
    assert "1 (25,0%)" in html


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (2000, 2000, Decimal("100.0")),
        (1999, 2000, Decimal("99.9")),
        (0, 2000, Decimal("0.0")),
        (1, 2000, Decimal("0.1")),
        (1, 40, Decimal("2.5")),
        (0, 0, None),
    ],
)
def test_percentage_rounding(part, whole, expected):
    assert percentage(part, whole) == expected


# Access and the menu


def test_reports_need_a_municipality(client, two_municipalities):
    from tests.factories import make_editor

    roosendaal, _bergen = two_municipalities
    user = make_editor("zonder-gemeente", roosendaal)
    user.groups.first().page_permissions.all().delete()
    client.force_login(user)

    response = client.get(report_url("needs"))

    # Wagtail turns PermissionDenied into a redirect to the admin home.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_anonymous_is_sent_to_login(client, two_municipalities):
    response = client.get(report_url("needs"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_reports_menu_lists_the_reports(client, editors):
    client.force_login(editors["roosendaal"])

    html = client.get("/admin/").content.decode()

    for name in ("money_per_month", "needs", "average_amount", "instant_share"):
        assert report_url(name) in html


def test_reports_menu_hidden_without_municipality(client, two_municipalities):
    from tests.factories import make_editor

    roosendaal, _bergen = two_municipalities
    user = make_editor("zonder-gemeente", roosendaal)
    user.groups.first().page_permissions.all().delete()
    client.force_login(user)

    html = client.get("/admin/").content.decode()

    assert report_url("needs") not in html


def test_results_view_renders_the_table(client, editors, amounts):
    client.force_login(editors["roosendaal"])

    response = client.get(reverse("kanskaart_reports:average_amount_results"))

    assert response.status_code == 200
    assert "Tolberg" in response.content.decode()


# Dates out of range and reversed periods

REPORT_NAMES = ["money_per_month", "needs", "average_amount", "instant_share"]


@pytest.mark.parametrize("name", REPORT_NAMES)
@pytest.mark.parametrize(
    "params",
    [
        {"first_day": "1-1-0001"},
        {"last_day": "31-12-9999"},
        {"first_day": "0001-01-01", "last_day": "0001-01-01"},
    ],
)
def test_extreme_date_is_explained(client, editors, ledger_months, name, params):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url(name, **params))

    assert response.status_code == 200
    assert "is not a valid date here" in response.content.decode()
    assert list(response.context["object_list"]) == []


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_extreme_date_export_redirects(client, editors, ledger_months, name):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url(name, export="xlsx", last_day="9999-12-31"))

    assert response.status_code == 302
    assert "export" not in response["Location"]
    assert "last_day=9999-12-31" in response["Location"]


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_reversed_period_is_explained(client, editors, ledger_months, name):
    login_in_english(client, editors["roosendaal"])

    response = client.get(
        report_url(name, first_day="2025-02-01", last_day="2025-01-01")
    )

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_report_errors_refresh_with_results(client, editors, ledger_months):
    login_in_english(client, editors["roosendaal"])

    response = client.get(
        reverse("kanskaart_reports:needs_results") + "?first_day=1-1-0001"
    )

    assert "is not a valid date here" in response.content.decode()


def test_report_date_in_dutch_form(client, editors, ledger_months):
    client.force_login(editors["roosendaal"])

    response = client.get(
        report_url("money_per_month", first_day="1-2-2025", export="csv")
    )

    months = {row[2] for row in csv_rows(response)[1:]}
    assert months == {"2025-02"}


# Spreadsheets for Dutch Excel


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_report_csv_is_utf8_for_excel(client, editors, ledger_months, name):
    client.force_login(editors["roosendaal"])

    response = client.get(report_url(name, export="csv"))

    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith("\ufeff".encode())


def test_report_sheet_is_named(client, editors, ledger_months):
    login_in_english(client, editors["roosendaal"])

    response = client.get(report_url("needs", export="xlsx"))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Initiatives per need"]
