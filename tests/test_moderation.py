"""Moderation of initiative and story pages through Wagtail's workflow.

Editors act through Wagtail's workflow action view; the resident changes her
idea on her status page. Each test checks the page, the request, the log
and the messages the resident gets.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry, Page, WorkflowState

from tests.factories import add_page, make_moderation_workflow, submit_form
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import (
    InitiativePage,
    InitiativeRequest,
    Notification,
    StoryPage,
)
from wagtail_kanskaart.models.requests import RequestStatus
from wagtail_kanskaart.views.urls import status_url

pytestmark = pytest.mark.django_db

EMAIL = "fatma@example.org"
COMMENT = "Schrijf er ook bij voor wie het feest is."


@pytest.fixture
def roosendaal(two_municipalities, editors):
    municipality = two_municipalities[0]
    make_moderation_workflow(municipality, editors["roosendaal"])
    return municipality


@pytest.fixture
def editor_client(editors):
    client = Client()
    client.force_login(editors["roosendaal"])
    return client


@pytest.fixture
def submitted(roosendaal):
    return submit_form(roosendaal, needs=["support"], language="nl")


def initiative_of(result):
    return InitiativePage.objects.get(pk=result.request.initiative_page_id)


def workflow_action(client, page, action, comment=""):
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    return client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, action, task_state.pk],
        ),
        {"comment": comment},
    )


def approve(client, page, capture):
    with capture(execute=True):
        response = workflow_action(client, page, "approve")
    assert response.status_code == 302, response.content.decode()[:2000]


def reject(client, page, capture, comment=COMMENT):
    with capture(execute=True):
        response = workflow_action(client, page, "reject", comment)
    assert response.status_code == 302, response.content.decode()[:2000]


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def log_actions(request_obj):
    return list(
        ModelLogEntry.objects.for_instance(request_obj)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def change_path(result):
    return path_of(status_url(result.request)) + "aanpassen/"


def text_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")


# Approval


def test_approval_publishes_page(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)

    approve(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert page.live is True
    assert page.workflow_in_progress is False


def test_approval_tells_resident_page_url(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    mail.outbox.clear()

    approve(editor_client, page, django_capture_on_commit_callbacks)

    messages = mails_to(EMAIL)
    assert len(messages) == 1
    page.refresh_from_db()
    assert page.full_url in messages[0].body
    assert submitted.request.reference in messages[0].subject
    with translation.override("nl"):
        online = translation.gettext("See your idea here:")
    assert online in messages[0].body


def test_approval_is_logged_with_editor(
    editor_client, editors, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)

    approve(editor_client, page, django_capture_on_commit_callbacks)

    entry = ModelLogEntry.objects.for_instance(submitted.request).get(
        action="wagtail_kanskaart.page_approved"
    )
    assert entry.user == editors["roosendaal"]
    assert entry.data["page"] == page.pk


def test_approval_keeps_request_status(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    status_before = submitted.request.status

    approve(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    assert InitiativeRequest.objects.get().status == status_before


def test_other_municipality_editor_cannot_approve(
    editors, submitted, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(editors["bergen"])
    page = initiative_of(submitted)

    with django_capture_on_commit_callbacks(execute=True):
        response = workflow_action(client, page, "approve")

    assert response.status_code in (302, 403)
    page.refresh_from_db()
    assert page.live is False
    assert page.workflow_in_progress is True
    assert not Notification.objects.filter(event="published").exists()


def test_direct_publish_tells_resident_once(
    editors, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)

    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish(user=editors["roosendaal"])

    assert Notification.objects.filter(event="published").count() == 1
    assert page.current_workflow_state is None


def test_republishing_live_page_tells_nobody(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    approve(editor_client, page, django_capture_on_commit_callbacks)
    page.refresh_from_db()

    page.summary = "Een nieuwe zin."
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    assert Notification.objects.filter(event="published").count() == 1


def test_page_published_at_once_sends_only_submit_message(roosendaal):
    roosendaal.publish_initiatives_at_once = True
    roosendaal.save()

    result = submit_form(roosendaal, needs=["support"])

    assert initiative_of(result).live is True
    assert not Notification.objects.filter(event="published").exists()


# Rejection


def test_rejection_keeps_request(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    request_before = InitiativeRequest.objects.get()
    needs_before = list(request_before.need_set.values_list("kind", "status"))

    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    request_after = InitiativeRequest.objects.get()
    assert request_after.status == request_before.status
    assert request_after.title == request_before.title
    assert list(request_after.need_set.values_list("kind", "status")) == needs_before


def test_rejection_leaves_page_offline(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)

    reject(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert page.live is False
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_rejection_tells_resident_comment_and_link(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    messages = mails_to(EMAIL)
    assert len(messages) == 1
    assert COMMENT in messages[0].body
    assert status_url(submitted.request) in messages[0].body


def test_rejection_without_comment_says_what_to_do(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    reject(
        editor_client,
        initiative_of(submitted),
        django_capture_on_commit_callbacks,
        comment="",
    )

    with translation.override("nl"):
        advice = translation.gettext(
            "Look at the name and the text of your idea again. Write them so "
            "that everyone understands them."
        )
    assert advice in mails_to(EMAIL)[0].body


def test_rejection_is_logged_with_editor(
    editor_client, editors, submitted, django_capture_on_commit_callbacks
):
    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    entry = ModelLogEntry.objects.for_instance(submitted.request).get(
        action="wagtail_kanskaart.changes_requested"
    )
    assert entry.user == editors["roosendaal"]


def test_rejection_of_declined_request_tells_nobody(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    lifecycle.set_status(submitted.request, RequestStatus.DECLINED)

    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    assert not Notification.objects.filter(event="changes_requested").exists()


# The status page and the change page


def test_status_page_shows_comment(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    response = client.get(path_of(status_url(submitted.request)))

    assert response.status_code == 200
    assert COMMENT in text_of(response)
    assert change_path(submitted) in response.content.decode()


def test_status_page_without_changes_has_no_change_link(client, submitted):
    response = client.get(path_of(status_url(submitted.request)))

    assert response.status_code == 200
    assert change_path(submitted) not in response.content.decode()


def test_change_page_shows_form_with_idea(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)

    response = client.get(change_path(submitted))

    assert response.status_code == 200
    form = BeautifulSoup(response.content.decode(), "html.parser").find(
        "form", method="post"
    )
    assert form.find("input", attrs={"name": "title"})["value"] == (
        submitted.request.title
    )
    assert form.find("textarea", attrs={"name": "description"}).get_text().strip() == (
        submitted.request.description
    )
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert "no-store" in response["Cache-Control"]


def test_resident_resubmits_changed_idea(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    revisions_before = page.revisions.count()

    response = client.post(
        change_path(submitted),
        {
            "title": "Straatfeest voor alle buren",
            "description": "Een feest voor jong en oud in de hele straat.",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(submitted.request))
    request_obj = InitiativeRequest.objects.get()
    assert request_obj.title == "Straatfeest voor alle buren"
    assert request_obj.description == "Een feest voor jong en oud in de hele straat."
    page.refresh_from_db()
    assert page.revisions.count() == revisions_before + 1
    latest = page.get_latest_revision_as_object()
    assert latest.title == "Straatfeest voor alle buren"
    assert latest.summary == "Een feest voor jong en oud in de hele straat."
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == "in_progress"
    assert state.current_task_state.revision == page.get_latest_revision()
    assert "wagtail_kanskaart.changes_resubmitted" in log_actions(request_obj)


def test_resubmitted_idea_can_be_approved(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    client.post(
        change_path(submitted),
        {
            "title": "Straatfeest voor alle buren",
            "description": "Een feest voor iedereen.",
        },
    )

    approve(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert page.live is True
    assert page.title == "Straatfeest voor alle buren"


def test_resubmitted_page_has_no_contact_details(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    description = "Bel me op 06 12345678 of mail fatma@example.org voor meer."

    client.post(
        change_path(submitted),
        {"title": "Straatfeest Kalsdonk", "description": description},
    )

    summary = Page.objects.get(pk=page.pk).get_latest_revision_as_object().summary
    assert "12345678" not in summary
    assert "fatma@example.org" not in summary
    assert InitiativeRequest.objects.get().description == description


def test_invalid_change_keeps_input(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    revisions_before = page.revisions.count()

    with translation.override("nl"):
        response = client.post(
            change_path(submitted),
            {"title": "ab", "description": "Mijn eigen nieuwe tekst."},
            HTTP_ACCEPT_LANGUAGE="nl",
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mijn eigen nieuwe tekst." in html
    with translation.override("nl"):
        message = translation.gettext("Give your idea a name of at least 3 letters.")
    assert message in text_of(response)
    assert InitiativeRequest.objects.get().title == submitted.request.title
    assert page.revisions.count() == revisions_before
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_change_page_redirects_while_in_moderation(client, submitted):
    response = client.get(change_path(submitted))

    assert response.status_code == 302
    assert response["Location"] == path_of(status_url(submitted.request))


def test_change_is_refused_after_decline(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    lifecycle.set_status(submitted.request, RequestStatus.DECLINED)
    revisions_before = page.revisions.count()

    response = client.post(
        change_path(submitted),
        {"title": "Iets heel anders", "description": "Een heel andere tekst."},
    )

    assert response.status_code == 302
    assert InitiativeRequest.objects.get().title == submitted.request.title
    assert page.revisions.count() == revisions_before


def test_change_page_is_gone_after_withdrawal(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)

    lifecycle.withdraw(submitted.request)
    response = client.get(path_of(status_url(submitted.request)))

    assert change_path(submitted) not in response.content.decode()
    assert page.current_workflow_state is None


def test_change_page_with_wrong_token_is_404(client, submitted):
    wrong = change_path(submitted).replace(submitted.token, "x" * 43)

    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"title": "Iets", "description": "Iets"}).status_code == (
        404
    )


def test_change_post_needs_csrf_token(
    editor_client, submitted, django_capture_on_commit_callbacks
):
    reject(editor_client, initiative_of(submitted), django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        change_path(submitted),
        {"title": "Straatfeest", "description": "Een feest voor de straat."},
    )

    assert response.status_code == 403
    assert InitiativeRequest.objects.get().title == submitted.request.title


def test_change_page_refuses_other_methods(client, submitted):
    assert client.put(change_path(submitted)).status_code == 405


# Stories


@pytest.fixture
def story(editors, editor_client, submitted, django_capture_on_commit_callbacks):
    """A draft story by an editor about a published initiative, in moderation."""
    initiative = initiative_of(submitted)
    approve(editor_client, initiative, django_capture_on_commit_callbacks)
    story = add_page(
        initiative.get_parent(),
        StoryPage(
            title="Zo ging het straatfeest",
            slug="zo-ging-het",
            initiative=initiative,
            intro="Het was een mooie dag.",
            live=False,
        ),
        publish=False,
    )
    story.get_workflow().start(story, editors["roosendaal"])
    mail.outbox.clear()
    return story


def test_story_approval_tells_resident(
    editor_client, story, django_capture_on_commit_callbacks
):
    approve(editor_client, story, django_capture_on_commit_callbacks)

    story.refresh_from_db()
    assert story.live is True
    messages = mails_to(EMAIL)
    assert len(messages) == 1
    assert story.full_url in messages[0].body


def test_story_approval_is_logged_on_request(
    editor_client, submitted, story, django_capture_on_commit_callbacks
):
    approve(editor_client, story, django_capture_on_commit_callbacks)

    entries = (
        ModelLogEntry.objects.for_instance(submitted.request)
        .filter(action="wagtail_kanskaart.page_approved")
        .order_by("timestamp", "pk")
    )
    assert [entry.data["page_type"] for entry in entries] == ["initiative", "story"]


def test_story_rejection_is_logged_not_sent(
    editor_client, submitted, story, django_capture_on_commit_callbacks
):
    reject(editor_client, story, django_capture_on_commit_callbacks)

    assert "wagtail_kanskaart.changes_requested" in log_actions(submitted.request)
    assert mails_to(EMAIL) == []
    story.refresh_from_db()
    assert story.live is False


def test_changed_title_gets_new_slug(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    client.post(
        change_path(submitted),
        {"title": "Buurtmoestuin", "description": "Samen groente kweken."},
    )

    approve(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert page.slug.startswith("buurtmoestuin-")
    assert "straatfeest" not in page.url


def test_same_title_keeps_slug(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    slug = page.slug
    reject(editor_client, page, django_capture_on_commit_callbacks)
    client.post(
        change_path(submitted),
        {"title": submitted.request.title, "description": "Een ander verhaal."},
    )

    approve(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert page.slug == slug


def test_slug_has_no_contact_details(
    client, editor_client, submitted, django_capture_on_commit_callbacks
):
    page = initiative_of(submitted)
    reject(editor_client, page, django_capture_on_commit_callbacks)
    client.post(
        change_path(submitted),
        {"title": "Feest, mail fatma@example.org", "description": "Een feest."},
    )

    approve(editor_client, page, django_capture_on_commit_callbacks)

    page.refresh_from_db()
    assert "fatma" not in page.slug
