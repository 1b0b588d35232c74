"""The demo data: editors who can start at once; a second run changes nothing."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from wagtail_kanskaart.admin.permissions import editable_municipalities
from wagtail_kanskaart.models import InitiativeRequest, MunicipalityPage
from wagtail_kanskaart.models.requests import RequestStatus

pytestmark = pytest.mark.django_db


def run_demo(*args):
    out = io.StringIO()
    call_command("kanskaart_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_editor_groups_have_admin_access(demo):
    for name in ("Redactie Roosendaal", "Redactie Bergen op Zoom"):
        group = Group.objects.get(name=name)

        assert group.permissions.filter(codename="access_admin").exists(), name
        assert set(
            group.page_permissions.values_list("permission__codename", flat=True)
        ) == {"add_page", "change_page", "publish_page"}, name


@pytest.mark.parametrize(
    ("username", "slug"),
    [("redacteur-roosendaal", "roosendaal"), ("redacteur-bergen", "bergen-op-zoom")],
)
def test_editor_edits_one_municipality(demo, username, slug):
    user = get_user_model().objects.get(username=username)

    slugs = list(editable_municipalities(user).values_list("slug", flat=True))

    assert slugs == [slug]
    assert user.check_password("geheim-demo")


def test_editor_password_option():
    run_demo("--admin-password", "a-geheim", "--editor-password", "r-geheim")

    user = get_user_model().objects.get(username="redacteur-bergen")

    assert user.check_password("r-geheim")


def test_logins_are_printed(demo):
    assert "redacteur-roosendaal, password geheim-demo" in demo
    assert "redacteur-bergen, password geheim-demo" in demo


def test_logins_end_the_output(demo):
    last_lines = demo.strip().splitlines()[-4:]

    assert last_lines == [
        "Log in at http://127.0.0.1:8000/admin/ as:",
        "  Administrator: admin, password geheim-demo",
        "  Editor for Roosendaal: redacteur-roosendaal, password geheim-demo",
        "  Editor for Bergen op Zoom: redacteur-bergen, password geheim-demo",
    ]


def test_emails_link_to_given_port(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

    output = run_demo("--port", "8200")

    bodies = " ".join(message.body for message in mail.outbox)
    assert "http://127.0.0.1:8200/admin/" in bodies
    assert "127.0.0.1:8000" not in bodies
    assert "Log in at http://127.0.0.1:8200/admin/ as:" in output


def test_roosendaal_has_a_waiting_request(demo):
    roosendaal = MunicipalityPage.objects.get(slug="roosendaal")

    waiting = InitiativeRequest.objects.filter(
        municipality=roosendaal, status=RequestStatus.IN_REVIEW
    )

    assert waiting.count() == 1
    assert waiting.get().need("budget").reason == "above_instant_limit"


def test_roosendaal_has_a_payable_request(demo):
    roosendaal = MunicipalityPage.objects.get(slug="roosendaal")

    granted = InitiativeRequest.objects.get(
        municipality=roosendaal, status=RequestStatus.GRANTED
    )

    assert granted.iban == "NL91ABNA0417164300"
    assert granted.iban_given_at is not None
    assert roosendaal.payout_iban


def test_demo_people_are_fake(demo):
    emails = list(InitiativeRequest.objects.values_list("email", flat=True))
    emails += list(get_user_model().objects.values_list("email", flat=True))

    assert emails
    for email in emails:
        assert email.endswith("@example.org"), email


def test_second_run_changes_nothing(demo):
    before = row_counts()

    output = run_demo("--admin-password", "anders")

    assert row_counts() == before
    assert "existing user, password unchanged" in output
    user = get_user_model().objects.get(username="redacteur-roosendaal")
    assert user.check_password("geheim-demo")


def test_demo_editor_sees_her_work(client, demo):
    client.force_login(get_user_model().objects.get(username="redacteur-roosendaal"))

    html = client.get("/admin/").content.decode()

    assert 'data-kanskaart-municipality="roosendaal"' in html
    assert 'data-kanskaart-waiting="1"' in html
    assert 'data-kanskaart-municipality="bergen-op-zoom"' not in html


def test_demo_editor_can_moderate(demo):
    from wagtail.models import TaskState

    user = get_user_model().objects.get(username="redacteur-roosendaal")

    reviewable = TaskState.objects.reviewable_by(user)

    # One initiative page per Roosendaal demo request: waiting, granted, paid.
    assert reviewable.count() == 3
