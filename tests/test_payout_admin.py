"""The editors' payout screens: batches, their files, payment and permissions."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.models import ModelLogEntry

from tests.factories import submit_form
from wagtail_kanskaart.intake import lifecycle, payouts
from wagtail_kanskaart.models import (
    BudgetAccount,
    InitiativeRequest,
    LedgerEntry,
    Notification,
    PayoutBatch,
)

pytestmark = pytest.mark.django_db

PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"
MUNICIPALITY_IBAN = "NL20INGB0001234567"


def url(name, *args):
    return reverse(f"kanskaart_payouts:{name}", args=args)


def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def granted(municipality, iban=None, holder="F. Yilmaz", **overrides):
    """Submit a request whose money is granted; give its IBAN unless None."""
    overrides.setdefault("needs", ["budget"])
    if municipality.slug != "roosendaal":
        overrides.setdefault("neighbourhood", "gageldonk")
    request_obj = submit_form(municipality, **overrides).request
    if iban:
        payouts.give_iban(request_obj, payouts.parse_iban(iban), holder)
    request_obj.refresh_from_db()
    return request_obj


@pytest.fixture
def roosendaal(two_municipalities):
    municipality = two_municipalities[0]
    municipality.payout_account_name = "Gemeente Roosendaal"
    municipality.payout_iban = MUNICIPALITY_IBAN
    municipality.payout_bic = "INGBNL2A"
    municipality.save()
    return municipality


@pytest.fixture
def two_payable(roosendaal):
    first = granted(roosendaal, iban="NL91 ABNA 0417 1643 00", budget_amount="150")
    second = granted(
        roosendaal,
        iban="NL44RABO0123456789",
        holder="Anna de Vries",
        budget_amount="87,50",
        email="anna@example.org",
        title="Buurtmoestuin",
    )
    return first, second


@pytest.fixture
def batch(roosendaal, two_payable):
    return payouts.create_batch(roosendaal, tomorrow())


def unpayable_in(batch):
    """Make the batch's first request unpayable and return it.

    Residents and editors can no longer withdraw or decline a request in an
    open batch, so the status is set directly, as older data may have it.
    """
    request_obj = batch.requests.order_by("pk").first()
    InitiativeRequest.objects.filter(pk=request_obj.pk).update(status="withdrawn")
    return request_obj


def login(client, editors, editor_name):
    client.force_login(editors[editor_name])
    return client


def sepa_schema():
    import sepaxml
    import xmlschema

    path = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
    return xmlschema.XMLSchema(str(path))


def parse_xml(content):
    # The XML is the package's own output, not data from outside.
    return ET.fromstring(content)  # noqa: S314


def dutch(msgid):
    """Return the Dutch text of a message, as the site shows it by default.

    Before the catalogue has a translation, this is the English msgid.
    """
    with translation.override("nl"):
        return translation.gettext(msgid)


def messages_text(response):
    return " ".join(str(message) for message in response.context["messages"])


# Lists


def test_menu_shows_payouts_to_editors(client, editors, roosendaal):
    login(client, editors, "roosendaal")

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert url("index") in html


def test_index_lists_only_her_municipality(client, editors, roosendaal, bergen):
    login(client, editors, "bergen")

    html = client.get(url("index")).content.decode()

    assert "Bergen op Zoom" in html
    assert url("municipality", roosendaal.pk) not in html


def test_municipality_lists_payable_and_waiting(client, editors, roosendaal):
    payable = granted(roosendaal, iban="NL91ABNA0417164300")
    waiting = granted(roosendaal, email="wacht@example.org", title="Wacht op IBAN")
    login(client, editors, "roosendaal")

    response = client.get(url("municipality", roosendaal.pk))

    assert response.status_code == 200
    context = response.context
    assert [item.pk for item in context["payable"]] == [payable.pk]
    assert [item.pk for item in context["waiting"]] == [waiting.pk]
    assert "NL91 ABNA 0417 1643 00" in response.content.decode()


def test_editor_of_other_municipality_sees_no_iban(
    client, editors, roosendaal, two_payable, batch
):
    login(client, editors, "bergen")

    for path in [
        url("index"),
        url("municipality", roosendaal.pk),
        url("batch", batch.pk),
    ]:
        html = client.get(path).content.decode()

        assert "0417 1643" not in html, path
        assert "NL91ABNA" not in html, path


# Creating batches


def test_create_batch_with_a_selection(client, editors, roosendaal, two_payable):
    first, second = two_payable
    login(client, editors, "roosendaal")

    response = client.post(
        url("municipality", roosendaal.pk),
        {"requests": [first.pk], "execution_date": tomorrow().isoformat()},
    )

    batch = PayoutBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("batch", batch.pk)
    assert list(batch.requests.all()) == [first]
    assert batch.total == Decimal("150.00")
    assert batch.execution_date == tomorrow()
    assert batch.created_by == editors["roosendaal"]
    assert batch.status == PayoutBatch.Status.OPEN
    second.refresh_from_db()
    assert second.payout_batch is None


def test_create_batch_with_all(client, editors, roosendaal, two_payable):
    login(client, editors, "roosendaal")

    client.post(
        url("municipality", roosendaal.pk),
        {
            "requests": [item.pk for item in two_payable],
            "execution_date": tomorrow().isoformat(),
        },
    )

    batch = PayoutBatch.objects.get()
    assert batch.requests.count() == 2
    assert batch.total == Decimal("237.50")
    assert ModelLogEntry.objects.filter(
        action="wagtail_kanskaart.payout_batch_created", object_id=str(batch.pk)
    ).exists()


def test_form_offers_every_payable_request(client, editors, roosendaal, two_payable):
    login(client, editors, "roosendaal")

    html = client.get(url("municipality", roosendaal.pk)).content.decode()

    for request_obj in two_payable:
        assert (
            f'value="{request_obj.pk}" id="id_requests_{request_obj.pk}" checked'
            in html
        )


def test_create_batch_refuses_a_past_date(client, editors, roosendaal, two_payable):
    login(client, editors, "roosendaal")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = client.post(
        url("municipality", roosendaal.pk),
        {"requests": [two_payable[0].pk], "execution_date": yesterday.isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["execution_date"] == [date_error()]
    assert not PayoutBatch.objects.exists()


def date_error():
    """Return the Dutch error for a payment date out of range."""
    last = timezone.localdate() + datetime.timedelta(days=365)
    with translation.override("nl"):
        return translation.gettext(
            "Choose a payment date from today up to %(last)s."
        ) % {"last": date_format(last, "j F Y")}


@pytest.mark.parametrize("day", ["9999-12-31", "far"])
def test_create_batch_refuses_a_far_date(client, editors, roosendaal, two_payable, day):
    if day == "far":
        day = (timezone.localdate() + datetime.timedelta(days=366)).isoformat()
    login(client, editors, "roosendaal")

    response = client.post(
        url("municipality", roosendaal.pk),
        {"requests": [two_payable[0].pk], "execution_date": day},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["execution_date"] == [date_error()]
    assert not PayoutBatch.objects.exists()


def test_create_batch_takes_a_year_ahead(client, editors, roosendaal, two_payable):
    last = timezone.localdate() + datetime.timedelta(days=365)
    login(client, editors, "roosendaal")

    response = client.post(
        url("municipality", roosendaal.pk),
        {"requests": [two_payable[0].pk], "execution_date": last.isoformat()},
    )

    assert response.status_code == 302
    assert PayoutBatch.objects.get().execution_date == last


def test_service_refuses_a_far_date(roosendaal, two_payable):
    with pytest.raises(payouts.PayoutError):
        payouts.create_batch(roosendaal, datetime.date(9999, 12, 31))

    assert not PayoutBatch.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"execution_date": "2099-01-01"},
        {"requests": ["abc"], "execution_date": "2099-01-01"},
        {"requests": ["999999"], "execution_date": "2099-01-01"},
        {"requests": ["1"], "execution_date": "morgen"},
    ],
)
def test_create_batch_refuses_bad_input(client, editors, roosendaal, two_payable, data):
    login(client, editors, "roosendaal")

    response = client.post(url("municipality", roosendaal.pk), data)

    assert response.status_code == 200
    assert not PayoutBatch.objects.exists()


def test_request_goes_into_one_open_batch_only(client, editors, roosendaal, batch):
    first = batch.requests.order_by("pk").first()
    login(client, editors, "roosendaal")

    response = client.post(
        url("municipality", roosendaal.pk),
        {"requests": [first.pk], "execution_date": tomorrow().isoformat()},
    )

    assert response.status_code == 200
    assert PayoutBatch.objects.count() == 1
    with pytest.raises(payouts.PayoutError):
        payouts.create_batch(roosendaal, tomorrow(), request_ids=[first.pk])


def test_request_without_iban_cannot_be_batched(roosendaal):
    waiting = granted(roosendaal)

    with pytest.raises(payouts.PayoutError):
        payouts.create_batch(roosendaal, tomorrow(), request_ids=[waiting.pk])
    with pytest.raises(payouts.PayoutError):
        payouts.create_batch(roosendaal, tomorrow())


def test_batch_page_shows_requests_and_total(client, editors, batch):
    login(client, editors, "roosendaal")

    response = client.get(url("batch", batch.pk))

    html = response.content.decode()
    assert response.status_code == 200
    for request_obj in batch.requests.all():
        assert request_obj.reference in html
    assert response.context["total"] == Decimal("237.50")
    assert "Anna de Vries" in html


# Files


def test_sepa_file_validates_and_adds_up(client, editors, batch):
    login(client, editors, "roosendaal")

    response = client.get(url("batch_sepa", batch.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{batch.reference}.xml"'
    )
    xml = response.content.decode()
    sepa_schema().validate(xml)
    root = parse_xml(response.content)
    amounts = [Decimal(node.text) for node in root.iter(f"{PAIN}InstdAmt")]
    assert sum(amounts) == batch.total
    assert root.find(f".//{PAIN}GrpHdr/{PAIN}NbOfTxs").text == "2"
    assert Decimal(root.find(f".//{PAIN}GrpHdr/{PAIN}CtrlSum").text) == batch.total
    assert root.find(f".//{PAIN}DbtrAcct//{PAIN}IBAN").text == MUNICIPALITY_IBAN
    assert root.find(f".//{PAIN}Dbtr/{PAIN}Nm").text == "Gemeente Roosendaal"
    assert root.find(f".//{PAIN}ReqdExctnDt").text == tomorrow().isoformat()
    creditors = {node.text for node in root.iter(f"{PAIN}IBAN")}
    assert {"NL91ABNA0417164300", "NL44RABO0123456789"} <= creditors
    end_to_end = {node.text for node in root.iter(f"{PAIN}EndToEndId")}
    assert end_to_end == {item.reference for item in batch.requests.all()}


def test_sepa_file_validates_without_bic(client, editors, roosendaal, batch):
    roosendaal.payout_bic = ""
    roosendaal.save()
    login(client, editors, "roosendaal")

    response = client.get(url("batch_sepa", batch.pk))

    assert response.status_code == 200
    sepa_schema().validate(response.content.decode())


def test_sepa_file_keeps_to_sepa_characters(client, editors, roosendaal):
    granted(roosendaal, iban="NL91ABNA0417164300", holder="Zoë Müller & Zn")
    batch = payouts.create_batch(roosendaal, tomorrow())
    login(client, editors, "roosendaal")

    response = client.get(url("batch_sepa", batch.pk))

    root = parse_xml(response.content)
    assert root.find(f".//{PAIN}Cdtr/{PAIN}Nm").text == "Zoe Muller Zn"


def test_sepa_without_debtor_account_says_where(client, editors, roosendaal, batch):
    roosendaal.payout_account_name = ""
    roosendaal.payout_iban = ""
    roosendaal.save()
    login(client, editors, "roosendaal")

    response = client.get(url("batch_sepa", batch.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("batch", batch.pk)
    edit_url = reverse("wagtailadmin_pages:edit", args=[roosendaal.pk])
    expected = dutch(
        "%(municipality)s has no bank account to pay from yet. Fill it in on "
        "the page of the municipality: tab %(tab)s, under %(heading)s."
    ) % {
        "municipality": "Roosendaal",
        "tab": dutch("Settings"),
        "heading": dutch("Payouts"),
    }
    text = messages_text(response)
    assert expected in text
    assert edit_url in text
    assert f'href="{edit_url}"' in response.content.decode()


def test_csv_lists_the_batch(client, editors, batch):
    login(client, editors, "roosendaal")

    response = client.get(url("batch_csv", batch.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3
    by_reference = {row[0]: row for row in rows[1:]}
    first, second = batch.requests.order_by("pk")
    assert by_reference[first.reference][1:4] == [
        "F. Yilmaz",
        "NL91ABNA0417164300",
        "150.00",
    ]
    assert by_reference[second.reference][3] == "87.50"
    assert by_reference[second.reference][4] == f"{second.reference} Buurtmoestuin"


def test_csv_neutralises_formulas(client, editors, roosendaal):
    granted(
        roosendaal,
        iban="NL91ABNA0417164300",
        holder='=HYPERLINK("http://evil.example","klik")',
        title="+SUM(A1:A9)",
    )
    batch = payouts.create_batch(roosendaal, tomorrow())
    login(client, editors, "roosendaal")

    response = client.get(url("batch_csv", batch.pk))

    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","klik")'
    assert row[4].endswith("+SUM(A1:A9)")
    assert not row[4].startswith(("=", "+", "-", "@"))


def test_downloads_are_logged(client, editors, batch):
    login(client, editors, "roosendaal")

    client.get(url("batch_csv", batch.pk))
    client.get(url("batch_sepa", batch.pk))

    entries = ModelLogEntry.objects.filter(
        action="wagtail_kanskaart.payout_batch_downloaded", object_id=str(batch.pk)
    )
    assert sorted(entry.data["format"] for entry in entries) == ["csv", "xml"]
    assert entries.first().user == editors["roosendaal"]


def test_downloads_wait_for_problems_to_be_removed(client, editors, batch):
    withdrawn = unpayable_in(batch)
    login(client, editors, "roosendaal")

    csv_response = client.get(url("batch_csv", batch.pk))
    sepa_response = client.get(url("batch_sepa", batch.pk))
    page = client.get(url("batch", batch.pk))

    assert csv_response.status_code == 302
    assert sepa_response.status_code == 302
    assert [item.pk for item in page.context["problems"]] == [withdrawn.pk]


# Marking paid


def test_mark_paid_asks_first(client, editors, batch):
    login(client, editors, "roosendaal")

    response = client.get(url("batch_mark_paid", batch.pk))

    assert response.status_code == 200
    assert dutch("Has the bank paid out this batch?") in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.OPEN


def test_mark_paid_shows_payment_date(client, editors, roosendaal, two_payable):
    day = timezone.localdate() + datetime.timedelta(days=30)
    batch = payouts.create_batch(roosendaal, day)
    login(client, editors, "roosendaal")

    html = client.get(url("batch_mark_paid", batch.pk)).content.decode()

    with translation.override("nl"):
        shown = date_format(day, "j F Y")
    assert shown in html
    warning = dutch(
        "The payment date of this batch is still to come. Banks usually pay on "
        "that date. Only confirm when you see in your bank account that the "
        "money is paid."
    )
    assert warning in html


def test_mark_paid_before_payment_date(client, editors, roosendaal, two_payable):
    day = timezone.localdate() + datetime.timedelta(days=30)
    batch = payouts.create_batch(roosendaal, day)
    login(client, editors, "roosendaal")

    client.post(url("batch_mark_paid", batch.pk))

    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PAID


def test_mark_paid_moves_the_money(client, editors, roosendaal, batch):
    account = BudgetAccount.objects.get(budget__in=roosendaal.get_children())
    assert account.reserved == Decimal("237.50")
    login(client, editors, "roosendaal")

    response = client.post(url("batch_mark_paid", batch.pk))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.reserved == Decimal("0.00")
    assert account.paid == Decimal("237.50")
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PAID
    assert batch.paid_by == editors["roosendaal"]
    assert batch.paid_at is not None
    assert batch.total == Decimal("237.50")
    for request_obj in batch.requests.all():
        assert request_obj.status == "paid"
        pay = LedgerEntry.objects.get(request=request_obj, kind=LedgerEntry.Kind.PAY)
        assert pay.created_by == editors["roosendaal"]
        notification = Notification.objects.get(request=request_obj, event="paid")
        assert notification.audience == "resident"
    assert ModelLogEntry.objects.filter(
        action="wagtail_kanskaart.payout_batch_paid", object_id=str(batch.pk)
    ).exists()


def test_paid_notification_names_the_amount(batch):
    from wagtail_kanskaart.notifications.outbox import render

    payouts.mark_batch_paid(batch)

    first = batch.requests.order_by("pk").first()
    message = render(Notification.objects.get(request=first, event="paid"))
    assert "150" in message.body
    assert first.reference in message.subject


def test_mark_paid_only_once(client, editors, batch):
    login(client, editors, "roosendaal")
    client.post(url("batch_mark_paid", batch.pk))

    response = client.post(url("batch_mark_paid", batch.pk), follow=True)

    assert dutch("This batch is paid already. It cannot be changed.") in (
        messages_text(response)
    )
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY).count() == 2
    assert Notification.objects.filter(event="paid").count() == 2
    with pytest.raises(payouts.PayoutError):
        payouts.mark_batch_paid(batch)


def test_mark_paid_changes_nothing_if_one_fails(client, editors, batch):
    withdrawn = unpayable_in(batch)
    login(client, editors, "roosendaal")

    response = client.post(url("batch_mark_paid", batch.pk), follow=True)

    assert withdrawn.reference in messages_text(response)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY).exists()
    assert not InitiativeRequest.objects.filter(status="paid").exists()
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.OPEN


def test_request_in_open_batch_is_not_paid_alone(batch):
    request_obj = batch.requests.order_by("pk").first()

    with pytest.raises(lifecycle.TransitionError):
        lifecycle.mark_paid(request_obj)

    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY).exists()


# Changing an open batch


def test_remove_request_from_batch(client, editors, roosendaal, batch):
    first, second = batch.requests.order_by("pk")
    login(client, editors, "roosendaal")

    response = client.post(url("batch_remove_request", batch.pk, first.pk))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.payout_batch is None
    batch.refresh_from_db()
    assert batch.total == Decimal("87.50")
    assert list(payouts.payable_requests(roosendaal)) == [first]


def test_remove_refuses_get(client, editors, batch):
    first = batch.requests.order_by("pk").first()
    login(client, editors, "roosendaal")

    response = client.get(url("batch_remove_request", batch.pk, first.pk))

    assert response.status_code == 405


def test_cancel_batch_frees_its_requests(client, editors, roosendaal, batch):
    login(client, editors, "roosendaal")

    response = client.post(url("batch_cancel", batch.pk))

    assert response.status_code == 302
    assert payouts.payable_requests(roosendaal).count() == 2


def test_cancelled_batch_stays_as_record(client, editors, roosendaal, batch):
    references = sorted(batch.requests.values_list("reference", flat=True))
    login(client, editors, "roosendaal")

    client.post(url("batch_cancel", batch.pk))

    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.CANCELLED
    assert batch.cancelled_by == editors["roosendaal"]
    assert batch.cancelled_at is not None
    assert batch.cancelled_requests == references
    assert batch.total == Decimal("237.50")


def test_cancelled_batch_is_listed(client, editors, batch):
    batch = payouts.cancel_batch(batch)
    login(client, editors, "roosendaal")

    index = client.get(url("index"))
    page = client.get(url("batch", batch.pk))

    [listed] = index.context["batches"]
    assert listed.reference == batch.reference
    assert listed.count == 2
    assert dutch("cancelled").capitalize() in index.content.decode()
    assert page.status_code == 200
    assert batch.cancelled_requests[0] in page.content.decode()


def test_cancelled_batch_offers_no_files(client, editors, batch):
    payouts.cancel_batch(batch)
    login(client, editors, "roosendaal")

    page = client.get(url("batch", batch.pk))
    csv_response = client.get(url("batch_csv", batch.pk), follow=True)
    sepa_response = client.get(url("batch_sepa", batch.pk), follow=True)

    html = page.content.decode()
    assert url("batch_csv", batch.pk) not in html
    assert url("batch_sepa", batch.pk) not in html
    assert url("batch_mark_paid", batch.pk) not in html
    refusal = dutch(
        "This batch is cancelled. Its files cannot be downloaded. "
        "Create a new batch for its requests."
    )
    assert refusal in messages_text(csv_response)
    assert refusal in messages_text(sepa_response)
    assert not ModelLogEntry.objects.filter(
        action="wagtail_kanskaart.payout_batch_downloaded"
    ).exists()


def test_cancel_twice_says_so(client, editors, batch):
    login(client, editors, "roosendaal")
    client.post(url("batch_cancel", batch.pk))

    confirm = client.get(url("batch_cancel", batch.pk))
    response = client.post(url("batch_cancel", batch.pk), follow=True)

    already = dutch("This batch is cancelled already. It cannot be changed.")
    assert confirm.status_code == 200
    assert already in confirm.content.decode()
    assert response.status_code == 200
    assert already in messages_text(response)


def test_removing_last_request_cancels(client, editors, roosendaal, two_payable):
    first, second = two_payable
    batch = payouts.create_batch(roosendaal, tomorrow(), request_ids=[first.pk])
    login(client, editors, "roosendaal")

    client.post(url("batch_remove_request", batch.pk, first.pk))
    page = client.get(url("batch", batch.pk))
    response = client.post(url("batch_mark_paid", batch.pk), follow=True)

    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.CANCELLED
    assert batch.cancelled_requests == [first.reference]
    assert url("batch_mark_paid", batch.pk) not in page.content.decode()
    assert dutch(
        "This batch is cancelled already. It cannot be changed."
    ) in messages_text(response)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY).exists()


def test_paid_batch_cannot_be_changed(client, editors, batch):
    payouts.mark_batch_paid(batch)
    first = batch.requests.order_by("pk").first()
    login(client, editors, "roosendaal")

    client.post(url("batch_cancel", batch.pk))
    client.post(url("batch_remove_request", batch.pk, first.pk))

    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.PAID
    assert batch.requests.count() == 2


# Permissions


def batch_urls(batch):
    request_id = batch.requests.order_by("pk").first().pk
    return [
        ("get", url("batch", batch.pk)),
        ("get", url("batch_csv", batch.pk)),
        ("get", url("batch_sepa", batch.pk)),
        ("get", url("batch_mark_paid", batch.pk)),
        ("post", url("batch_mark_paid", batch.pk)),
        ("get", url("batch_cancel", batch.pk)),
        ("post", url("batch_cancel", batch.pk)),
        ("post", url("batch_remove_request", batch.pk, request_id)),
    ]


def test_other_editor_gets_404_on_every_batch_url(client, editors, batch):
    login(client, editors, "bergen")

    for method, path in batch_urls(batch):
        response = getattr(client, method)(path)

        assert response.status_code == 404, (method, path)
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.OPEN
    assert batch.requests.count() == 2


def test_other_editor_cannot_open_the_municipality(
    client, editors, roosendaal, two_payable
):
    login(client, editors, "bergen")
    data = {"requests": [two_payable[0].pk], "execution_date": tomorrow().isoformat()}

    get = client.get(url("municipality", roosendaal.pk))
    post = client.post(url("municipality", roosendaal.pk), data)

    assert get.status_code == 404
    assert post.status_code == 404
    assert not PayoutBatch.objects.exists()


def test_own_editor_reaches_every_batch_url(client, editors, batch):
    login(client, editors, "roosendaal")

    for method, path in batch_urls(batch)[:4]:
        response = getattr(client, method)(path)

        assert response.status_code == 200, (method, path)


def test_anonymous_is_sent_to_login(client, batch):
    for method, path in [("get", url("index")), *batch_urls(batch)]:
        response = getattr(client, method)(path)

        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_admin_without_municipality_is_refused(client, django_user_model, batch):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("zonder", "z@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    index = client.get(url("index"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    batch_page = client.get(url("batch", batch.pk))

    # Wagtail's admin turns PermissionDenied into a redirect to its home page.
    assert index.status_code == 302
    assert index["Location"] == reverse("wagtailadmin_home")
    assert url("index") not in home
    assert batch_page.status_code == 404


# Races, on PostgreSQL: SQLite serialises every writing transaction.

# serialized_rollback restores Wagtail's root page and default site, which
# the table flush after a transactional test removes.
race = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.postgres
@race
def test_racing_batches_share_no_request(roosendaal, two_payable):
    from tests.test_concurrency import run_at_once

    results = run_at_once(8, lambda index: payouts.create_batch(roosendaal, tomorrow()))

    batches = [result for result in results if isinstance(result, PayoutBatch)]
    assert len(batches) == 1, results
    assert PayoutBatch.objects.count() == 1
    assert PayoutBatch.objects.get().requests.count() == 2
    assert all(
        isinstance(result, payouts.PayoutError)
        for result in results
        if result not in batches
    ), results


@pytest.mark.postgres
@race
def test_racing_payments_pay_once(roosendaal, two_payable):
    from tests.test_concurrency import run_at_once

    batch = payouts.create_batch(roosendaal, tomorrow())

    results = run_at_once(8, lambda index: payouts.mark_batch_paid(batch))

    paid = [result for result in results if isinstance(result, PayoutBatch)]
    assert len(paid) == 1, results
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAY).count() == 2
    account = BudgetAccount.objects.get(budget__in=roosendaal.get_children())
    assert account.paid == Decimal("237.50")
    assert account.reserved == Decimal("0.00")
