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
