"""E-mails after a request and after a withdrawal, and retries when sending fails."""

import datetime
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation

from tests.factories import (
    NeighbourhoodFactory,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    request_data,
    submit_form,
)
from wagtail_kanskaart.models import InitiativeRequest, Notification

pytestmark = pytest.mark.django_db

NAME = "Fatma Yilmaz"
EMAIL = "fatma@example.org"
PHONE = "+31612345678"
# How staff see the number: the national notation they can dial.
PHONE_SHOWN = "06 12345678"


class FailingEmailBackend(BaseEmailBackend):
    """An e-mail backend whose mail server is always down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server is down")


@pytest.fixture
def roosendaal():
    municipality = make_municipality(
        editors_email="redactie@roosendaal.example.org",
        contact_email="kanskaart@roosendaal.example.org",
    )
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    make_budget(municipality)
    form_page = make_form_page(municipality)
    make_space(
        municipality,
        [kalsdonk],
        name="Wijkcentrum Kalsdonk",
        address="Kalsdonksestraat 1",
        manager_email="beheer@roosendaal.example.org",
    )
    make_contact(municipality, [kalsdonk], name="Fatima", email="fatima@example.org")
    return SimpleNamespace(municipality=municipality, form_url=form_page.url)


def mail_to(address):
    messages = [message for message in mail.outbox if address in message.to]
    assert len(messages) == 1, [message.to for message in mail.outbox]
    return messages[0]


def status_path_in(body):
    match = re.search(r"https?://\S+/status/[A-Za-z0-9_-]+/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def submit(client, roosendaal, capture, **overrides):
    with capture(execute=True):
        response = client.post(roosendaal.form_url, request_data(**overrides))
    assert response.status_code in (302, 303), response.content.decode()[:2000]
    return response


def test_submit_mails_resident_with_status_link(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(client, roosendaal, django_capture_on_commit_callbacks)

    message = mail_to(EMAIL)
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.reference in message.subject
    assert NAME in message.body
    assert "150,00" in message.body
    assert "Wijkcentrum Kalsdonk" in message.body
    assert "10:00" in message.body
    assert "Fatima" in message.body
    status = client.get(status_path_in(message.body))
    assert status.status_code == 200
    assert request_obj.reference in status.content.decode()


def test_submit_mails_support_contact_who_to_call(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(
        client,
        roosendaal,
        django_capture_on_commit_callbacks,
        support_kind="promote",
        support_note="Bel liever na 18 uur",
    )

    message = mail_to("fatima@example.org")
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.title in message.subject
    for expected in (NAME, EMAIL, PHONE_SHOWN, request_obj.title, "Kalsdonk"):
        assert expected in message.body, expected
    assert "Bel liever na 18 uur" in message.body
    assert request_obj.description in message.body
    assert "flyers" in message.body
    assert "\n\n\n\n" not in message.body


def test_submit_mails_space_manager_the_booking(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(
        client,
        roosendaal,
        django_capture_on_commit_callbacks,
        support_note="Mijn zoon heeft autisme",
    )

    message = mail_to("beheer@roosendaal.example.org")
    assert "Wijkcentrum Kalsdonk" in message.subject
    assert "10:00" in message.subject
    for expected in (
        "Wijkcentrum Kalsdonk",
        "Kalsdonksestraat 1",
        "10:00",
        "12:00",
        "20",
    ):
        assert expected in message.body, expected
    assert NAME in message.body
    assert PHONE_SHOWN in message.body
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.description not in message.body
    assert "Mijn zoon heeft autisme" not in message.body
    assert "150,00" not in message.body


def test_submit_mails_editors_without_personal_data(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(client, roosendaal, django_capture_on_commit_callbacks)

    message = mail_to("redactie@roosendaal.example.org")
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.reference in message.subject
    for expected in (request_obj.reference, request_obj.title, "Kalsdonk", "/admin/"):
        assert expected in message.body, expected
    assert f"/admin/pages/{request_obj.initiative_page_id}/edit/" in message.body
    for private in (NAME, EMAIL, PHONE, PHONE_SHOWN, request_obj.description):
        assert private not in message.body, private
        assert private not in message.subject, private


def test_submit_mails_nobody_twice(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(client, roosendaal, django_capture_on_commit_callbacks)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        [
            EMAIL,
            "fatima@example.org",
            "beheer@roosendaal.example.org",
            "redactie@roosendaal.example.org",
        ]
    )
    statuses = set(Notification.objects.values_list("status", flat=True))
    assert statuses == {Notification.Status.SENT}


def test_mails_leave_only_after_commit(
    client, roosendaal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(roosendaal.form_url, request_data())

    assert mail.outbox == []
    assert callbacks
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 4


def test_withdrawal_mails_everyone_involved(
    client, roosendaal, django_capture_on_commit_callbacks
):
    submit(client, roosendaal, django_capture_on_commit_callbacks)
    status_path = status_path_in(mail_to(EMAIL).body)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(status_path + "intrekken/")

    reference = InitiativeRequest.objects.get().reference
    resident = mail_to(EMAIL)
    assert reference in resident.subject
    manager = mail_to("beheer@roosendaal.example.org")
    assert "Wijkcentrum Kalsdonk" in manager.subject
    assert "10:00" in manager.body
    support = mail_to("fatima@example.org")
    assert reference in support.body
    editors = mail_to("redactie@roosendaal.example.org")
    assert reference in editors.subject
    assert NAME not in editors.body


@override_settings(
    EMAIL_BACKEND="tests.test_notifications.FailingEmailBackend",
    KANSKAART_NOTIFICATION_MAX_ATTEMPTS=8,
)
def test_failing_mail_server_keeps_request_and_retries_later(
    client, roosendaal, django_capture_on_commit_callbacks
):
    before = timezone.now()

    response = submit(client, roosendaal, django_capture_on_commit_callbacks)

    assert client.get(response["Location"]).status_code == 200
    assert InitiativeRequest.objects.count() == 1
    notifications = Notification.objects.all()
    assert len(notifications) == 4
    for notification in notifications:
        assert notification.status == Notification.Status.PENDING
        assert notification.attempts == 1
        assert notification.next_attempt_at > before
        assert notification.last_error == "ConnectionRefusedError"
    assert mail.outbox == []

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        call_command("kanskaart_send_notifications", stdout=_Sink())
        assert mail.outbox == []

        # Time passes: the retry is due.
        Notification.objects.update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        call_command("kanskaart_send_notifications", stdout=_Sink())

    assert len(mail.outbox) == 4
    assert mail_to(EMAIL).subject
    for notification in Notification.objects.all():
        assert notification.status == Notification.Status.SENT
        assert notification.attempts == 2
        assert notification.sent_at is not None


def test_send_command_reports_when_nothing_is_due(roosendaal):
    output = _Sink()

    call_command("kanskaart_send_notifications", stdout=output)

    assert output.text.strip()


def test_outcome_page_promises_mail_only_with_an_address(client, roosendaal):
    with translation.override("nl"):
        promise = translation.gettext("We also send this link to your e-mail address.")

    with_email = client.post(roosendaal.form_url, request_data())
    phone_only = client.post(
        roosendaal.form_url, request_data(email="", phone="06 87654321")
    )

    assert promise in page_text(client.get(with_email["Location"]))
    assert promise not in page_text(client.get(phone_only["Location"]))


def page_text(response):
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass


def test_staff_mail_uses_site_language(
    client, roosendaal, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        submit_form(roosendaal.municipality, language="en")

    resident = mail_to(EMAIL)
    editors = mail_to("redactie@roosendaal.example.org")

    assert resident.subject.startswith("Your request")
    assert editors.subject.startswith("Nieuwe aanvraag")
