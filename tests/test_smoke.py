import pytest

from tests.factories import (
    NeighbourhoodFactory,
    make_budget,
    make_contact,
    make_form_page,
    make_municipality,
    make_space,
    request_data,
)
from wagtail_kanskaart.intake.forms import RequestForm
from wagtail_kanskaart.intake.submit import submit_request
from wagtail_kanskaart.models import BudgetAccount

pytestmark = pytest.mark.django_db


def test_all_three_needs_are_arranged():
    municipality = make_municipality()
    kalsdonk = NeighbourhoodFactory(
        municipality=municipality, name="Kalsdonk", slug="kalsdonk"
    )
    budget = make_budget(municipality)
    make_form_page(municipality)
    make_space(municipality, [kalsdonk])
    make_contact(municipality, [kalsdonk])

    form = RequestForm(request_data(), municipality=municipality)
    assert form.is_valid(), form.errors
    result = submit_request(municipality, form.cleaned_data)

    assert [n.status for n in result.outcome.needs] == ["arranged"] * 3
    assert BudgetAccount.objects.get(budget=budget).reserved == 150
