"""Editors' screens: requests and the snippet screens, scoped per municipality."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories
from tests.factories import (
    request_data,
)
from wagtail_kanskaart.intake.forms import RequestForm
from wagtail_kanskaart.intake.submit import submit_request

pytestmark = pytest.mark.django_db


def submit(municipality, **overrides):
    form = RequestForm(request_data(**overrides), municipality=municipality)
    assert form.is_valid(), form.errors
    return submit_request(municipality, form.cleaned_data).request


def make_editor(django_user_model, username, municipality):
    return factories.make_editor(username, municipality)


def requests_index():
    return reverse("wagtail_kanskaart_initiativerequest_modeladmin_index")


def inspect_url(request_obj):
    return reverse(
        "wagtail_kanskaart_initiativerequest_modeladmin_inspect", args=[request_obj.pk]
    )


def test_editor_lists_only_her_municipality(
    client, django_user_model, two_municipalities
):
    roosendaal, bergen = two_municipalities
    ours = submit(roosendaal, title="Straatfeest Kalsdonk", needs=["support"])
    theirs = submit(
        bergen, neighbourhood="gageldonk", title="Kookclub Gageldonk", needs=["support"]
    )
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    client.force_login(editor)

    response = client.get(requests_index())

    assert response.status_code == 200
    assert theirs.reference in response.content.decode()
    assert ours.reference not in response.content.decode()


def test_editor_cannot_inspect_other_municipality(
    client, django_user_model, two_municipalities
):
    roosendaal, bergen = two_municipalities
    ours = submit(roosendaal, needs=["support"])
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    client.force_login(editor)

    response = client.get(inspect_url(ours))

    assert response.status_code in (302, 403)
    assert ours.name not in response.content.decode()


def test_editor_inspects_own_request(client, django_user_model, two_municipalities):
    roosendaal, _bergen = two_municipalities
    ours = submit(roosendaal, needs=["support"])
    editor = make_editor(django_user_model, "editor-roosendaal", roosendaal)
    client.force_login(editor)

    response = client.get(inspect_url(ours))

    assert response.status_code == 200
    assert ours.name in response.content.decode()
    assert ours.email in response.content.decode()


def test_requests_cannot_be_created_in_admin(client, admin_user, two_municipalities):
    client.force_login(admin_user)

    response = client.get(
        reverse("wagtail_kanskaart_initiativerequest_modeladmin_create")
    )

    assert response.status_code in (302, 403)


def test_snippet_list_is_scoped(client, django_user_model, two_municipalities):
    roosendaal, bergen = two_municipalities
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    editor.groups.first().permissions.add(
        *Permission.objects.filter(
            codename__in=["view_neighbourhood", "change_neighbourhood"]
        )
    )
    client.force_login(editor)

    response = client.get(
        reverse("wagtailsnippets_wagtail_kanskaart_neighbourhood:list")
    )

    assert response.status_code == 200
    assert "Gageldonk" in response.content.decode()
    assert "Kalsdonk" not in response.content.decode()


def test_editor_cannot_edit_other_municipality_snippet(
    client, django_user_model, two_municipalities
):
    roosendaal, bergen = two_municipalities
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    editor.groups.first().permissions.add(
        *Permission.objects.filter(
            codename__in=["view_neighbourhood", "change_neighbourhood"]
        )
    )
    client.force_login(editor)

    response = client.get(
        reverse(
            "wagtailsnippets_wagtail_kanskaart_neighbourhood:edit", args=[kalsdonk.pk]
        )
    )

    assert response.status_code in (302, 403)


def test_space_form_offers_only_own_neighbourhoods(
    client, django_user_model, two_municipalities
):
    _roosendaal, bergen = two_municipalities
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    editor.groups.first().permissions.add(
        *Permission.objects.filter(
            codename__in=["add_space", "view_space", "change_space"]
        )
    )
    client.force_login(editor)

    response = client.get(reverse("wagtailsnippets_wagtail_kanskaart_space:add"))

    assert response.status_code == 200
    assert "Gageldonk (Bergen op Zoom)" in response.content.decode()
    assert "Kalsdonk" not in response.content.decode()


@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage", "copy"])
def test_snippet_object_views_are_scoped(
    client, django_user_model, two_municipalities, view
):
    roosendaal, bergen = two_municipalities
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    gageldonk = bergen.neighbourhoods.get(slug="gageldonk")
    editor = make_editor(django_user_model, "editor-bergen", bergen)
    editor.groups.first().permissions.add(
        *Permission.objects.filter(codename__endswith="_neighbourhood")
    )
    client.force_login(editor)
    url_name = f"wagtailsnippets_wagtail_kanskaart_neighbourhood:{view}"

    foreign = client.get(reverse(url_name, args=[kalsdonk.pk]))
    own = client.get(reverse(url_name, args=[gageldonk.pk]))

    assert foreign.status_code in (302, 403)
    assert own.status_code == 200


def test_municipality_edit_shows_embed_code(client, admin_user, two_municipalities):
    roosendaal, _bergen = two_municipalities
    client.force_login(admin_user)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[roosendaal.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;kanskaart-form municipality=&quot;roosendaal&quot;" in html
    assert "/static/wagtail_kanskaart/kanskaart-form.js" in html
    assert "/roosendaal/kans/" in html
