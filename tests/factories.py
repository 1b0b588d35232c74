"""Test data: a municipality with neighbourhoods, budgets, rooms and contacts."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from wagtail.models import Site

from wagtail_kanskaart.models import (
    BudgetPage,
    MunicipalityPage,
    Neighbourhood,
    RequestFormPage,
    Space,
    SpaceOpeningHours,
    SupportContact,
)


def site_root():
    return Site.objects.get(is_default_site=True).root_page


def add_page(parent, page, publish=True):
    parent.add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
    page.refresh_from_db()
    return page


def make_municipality(slug="roosendaal", title="Roosendaal", **fields):
    page = MunicipalityPage(title=title, slug=slug, **fields)
    return add_page(site_root(), page)


def make_budget(municipality, amount="10000.00", neighbourhoods=(), **fields):
    today = timezone.localdate()
    fields.setdefault("period_start", today - datetime.timedelta(days=30))
    fields.setdefault("period_end", today + datetime.timedelta(days=300))
    fields.setdefault("title", "Bewonersbudget")
    fields.setdefault("slug", f"budget-{BudgetPage.objects.count() + 1}")
    page = BudgetPage(amount=Decimal(amount), **fields)
    municipality.add_child(instance=page)
    page.neighbourhoods.set(list(neighbourhoods))
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_form_page(municipality):
    return add_page(municipality, RequestFormPage(title="Pak je kans", slug="kans"))


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")


def make_space(
    municipality,
    neighbourhoods=(),
    capacity=40,
    weekdays=range(5),
    opens=datetime.time(9),
    closes=datetime.time(21),
    **fields,
):
    fields.setdefault("name", f"Zaal {Space.objects.count() + 1}")
    space = Space.objects.create(
        municipality=municipality,
        capacity=capacity,
        manager_email=fields.pop("manager_email", "beheer@example.org"),
        **fields,
    )
    space.neighbourhoods.set(list(neighbourhoods))
    space.save()
    for weekday in weekdays:
        SpaceOpeningHours.objects.create(
            space=space, weekday=weekday, opens=opens, closes=closes
        )
    return space


def make_contact(municipality, neighbourhoods=(), kinds=(), **fields):
    fields.setdefault("name", "Fatima")
    fields.setdefault("organisation", "het buurtteam")
    fields.setdefault("email", "fatima@example.org")
    contact = SupportContact.objects.create(
        municipality=municipality, kinds=list(kinds), **fields
    )
    contact.neighbourhoods.set(list(neighbourhoods))
    return contact


def next_weekday(weekday=0, after=None):
    """Return the first date after ``after`` (default today) on that weekday."""
    day = (after or timezone.localdate()) + datetime.timedelta(days=1)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def request_data(
    neighbourhood="kalsdonk", needs=("support", "space", "budget"), **overrides
):
    """Return form data (strings, as a browser sends them) for a full request."""
    data = {
        "neighbourhood": neighbourhood,
        "title": "Straatfeest Kalsdonk",
        "description": "Een feest voor de hele straat, met muziek en eten.",
        "needs": list(needs),
        "budget_amount": "150",
        "budget_purpose": "Drinken en slingers",
        "space_date": next_weekday(1).isoformat(),
        "space_start": "10:00",
        "space_end": "12:00",
        "space_people": "20",
        "support_kind": "organise",
        "name": "Fatma Yilmaz",
        "email": "fatma@example.org",
        "phone": "06 12345678",
        "consent": "on",
    }
    data.update(overrides)
    return data


def make_neighbourhood(municipality, name="Kalsdonk", slug="kalsdonk"):
    return NeighbourhoodFactory(municipality=municipality, name=name, slug=slug)


def submit_form(
    municipality, *, idempotency_key=None, language="en", user=None, **overrides
):
    """Validate ``request_data(**overrides)`` with ``RequestForm`` and submit it.

    Fails the test with the form errors when the data is invalid. The outcome
    texts are in English by default, so tests can compare them with msgids.
    """
    from wagtail_kanskaart.intake.forms import RequestForm
    from wagtail_kanskaart.intake.submit import submit_request

    form = RequestForm(request_data(**overrides), municipality=municipality)
    assert form.is_valid(), form.errors.get_json_data()
    return submit_request(
        municipality,
        form.cleaned_data,
        idempotency_key=idempotency_key,
        language=language,
        user=user,
    )


def form_errors(municipality, language="en", **overrides):
    """Return the ``RequestForm`` errors for ``request_data(**overrides)`` as text."""
    from django.utils import translation

    from wagtail_kanskaart.intake.forms import RequestForm

    with translation.override(language):
        form = RequestForm(request_data(**overrides), municipality=municipality)
        form.is_valid()
        return {
            name: [str(message) for message in messages]
            for name, messages in form.errors.items()
        }


def make_editor(username, municipality, group_name=None):
    """Create a Wagtail editor who may edit ``municipality`` and its pages.

    The group gets admin access and the page permissions an editor of one
    municipality usually has: add, change and publish below its page.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    group, _created = Group.objects.get_or_create(
        name=group_name or f"Redactie {municipality.title}"
    )
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=municipality,
            permission=Permission.objects.get(codename=codename),
        )
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw"
    )
    user.groups.add(group)
    return user


def make_two_municipalities():
    """Create Roosendaal (Kalsdonk, with a contact) and Bergen op Zoom (Gageldonk).

    Each has a budget of € 10.000 and a form page.
    """
    roosendaal = make_municipality("roosendaal", "Roosendaal")
    kalsdonk = make_neighbourhood(roosendaal)
    make_budget(roosendaal)
    make_form_page(roosendaal)
    make_contact(roosendaal, [kalsdonk])

    bergen = make_municipality("bergen-op-zoom", "Bergen op Zoom")
    make_neighbourhood(bergen, name="Gageldonk", slug="gageldonk")
    make_budget(bergen)
    make_form_page(bergen)
    return roosendaal, bergen


def make_moderation_workflow(municipality, editor):
    """Give ``municipality`` a one-step workflow that ``editor``'s groups approve.

    The workflow applies to every page below the municipality, so new
    initiative pages and stories wait in it.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    task = GroupApprovalTask.objects.create(name=f"Redactie {municipality.title}")
    task.groups.set(editor.groups.all())
    workflow = Workflow.objects.create(name=f"Moderatie {municipality.title}")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=municipality)
    return workflow


def make_image(title="Foto", size=(64, 48), color=(200, 120, 40)):
    """Create a Wagtail image from a small JPEG drawn with Pillow."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image as PillowImage
    from wagtail.images import get_image_model

    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, format="JPEG")
    image_model = get_image_model()
    return image_model.objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name="foto.jpg")
    )


def make_story(municipality, title, *, publish=True, photo_caption=None, **fields):
    """Add a ``StoryPage`` below ``municipality``, published or as a draft.

    With ``photo_caption`` (a text, or "" for none) the story gets one photo.
    """
    from django.utils.text import slugify

    from wagtail_kanskaart.models import StoryPage, StoryPhoto

    fields.setdefault("slug", slugify(title))
    fields.setdefault("intro", f"Zo ging het: {title}.")
    fields.setdefault("live", publish)
    story = StoryPage(title=title, **fields)
    if photo_caption is not None:
        story.photos = [StoryPhoto(image=make_image(title), caption=photo_caption)]
    return add_page(municipality, story, publish=publish)
