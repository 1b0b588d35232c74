"""The request list, its filters and search, and the inspect and history views.

Every screen shows only the requests of the municipalities whose pages the
editor may edit, so Roosendaal's editor gets none of Bergen op Zoom's.
"""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from tests.factories import make_budget, make_neighbourhood, make_space
from tests.request_admin_helpers import (
    action_url,
    history_url,
    index_url,
    inspect_url,
    reload,
    speak_english,
    submit,
)
from wagtail_kanskaart.admin.request_filters import (
    MunicipalityFilter,
    NeighbourhoodFilter,
)
from wagtail_kanskaart.intake import lifecycle, payouts
from wagtail_kanskaart.models import InitiativeRequest

pytestmark = pytest.mark.django_db

AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def both_editor(client, editors):
    """Roosendaal's editor, who also edits Bergen op Zoom's pages."""
    user = speak_english(editors["roosendaal"])
    user.groups.add(editors["bergen"].groups.get())
    client.force_login(user)
    return user


@pytest.fixture
def centrum(roosendaal):
    return make_neighbourhood(roosendaal, name="Centrum", slug="centrum")


@pytest.fixture
def mix(roosendaal, bergen, centrum):
    """Four requests: waiting, granted in Centrum, a room only, and Bergen's."""
    make_space(roosendaal, name="Wijkcentrum")
    return {
        "waiting": submit(
            roosendaal, title="Groot buurtfeest", needs=["budget"], budget_amount="400"
        ),
        "centrum": submit(
            roosendaal,
            neighbourhood="centrum",
            title="Moestuin Centrum",
            needs=["budget"],
            budget_amount="100",
            name="Jan de Vries",
            email="jan@example.org",
        ),
        "room": submit(roosendaal, title="Kookavond", needs=["space"]),
        "bergen": submit(
            bergen, neighbourhood="gageldonk", title="Kookclub", needs=["support"]
        ),
    }


def listed(client, query=""):
    response = client.get(index_url() + query)
    assert response.status_code == 200
    return {obj.reference for obj in response.context["object_list"]}


def refs(mix, *names):
    return {mix[name].reference for name in names}


def set_created(request_obj, when):
    InitiativeRequest.objects.filter(pk=request_obj.pk).update(created_at=when)


# The list


def test_list_is_scoped(client, editor, mix):
    assert listed(client) == refs(mix, "waiting", "centrum", "room")


def test_list_for_both_municipalities(client, both_editor, mix):
    assert listed(client) == refs(mix, "waiting", "centrum", "room", "bergen")


def test_list_columns_read_dutch(client, roosendaal, editors):
    client.force_login(editors["roosendaal"])
    roosendaal.max_request_amount = Decimal("2000.00")
    roosendaal.save()
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="1250")
    set_created(waiting, datetime.datetime(2026, 3, 14, 9, 5, tzinfo=datetime.UTC))

    html = client.get(index_url()).content.decode()

    assert "€ 1.250,00" in html
    assert "14-3-2026 10:05" in html
    assert "in behandeling" in html


def test_list_shows_need_labels(client, roosendaal, editor):
    submit(roosendaal, needs=["budget", "space"])

    html = client.get(index_url()).content.decode()

    assert "money, room" in html


# Filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=in_review", {"waiting"}),
        ("?status=granted", {"centrum", "room"}),
        ("?status=nonsense", set()),
        ("?need=space", {"room"}),
        ("?need=budget", {"waiting", "centrum"}),
        ("?need=support", set()),
        ("?need=nonsense", set()),
    ],
)
def test_status_and_need_filters(client, editor, mix, query, expected):
    assert listed(client, query) == refs(mix, *expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("card", {"centrum"}),
        ("api", {"room"}),
        ("form", {"waiting"}),
        ("nonsense", set()),
    ],
)
def test_source_filter(client, editor, mix, source, expected):
    InitiativeRequest.objects.filter(pk=mix["centrum"].pk).update(source="card")
    InitiativeRequest.objects.filter(pk=mix["room"].pk).update(source="api")
    # Bergen's card request stays out of the Roosendaal editor's list.
    InitiativeRequest.objects.filter(pk=mix["bergen"].pk).update(source="card")

    assert listed(client, f"?source={source}") == refs(mix, *expected)


def test_source_filter_offers_three_sources(client, editor, mix):
    soup = BeautifulSoup(client.get(index_url()).content.decode(), "html.parser")

    links = {a.get_text(strip=True): a["href"] for a in soup.find_all("a")}
    assert links["form"].endswith("?source=form")
    assert links["API"].endswith("?source=api")
    assert links["paper card"].endswith("?source=card")


def test_neighbourhood_filter(client, roosendaal, centrum, editor, mix):
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")

    assert listed(client, f"?neighbourhood={centrum.pk}") == refs(mix, "centrum")
    assert listed(client, f"?neighbourhood={kalsdonk.pk}") == refs(
        mix, "waiting", "room"
    )


def test_neighbourhood_filter_refuses_foreign(client, bergen, editor, mix):
    gageldonk = bergen.neighbourhoods.get(slug="gageldonk")

    assert listed(client, f"?neighbourhood={gageldonk.pk}") == set()


def test_neighbourhood_choices_are_scoped(client, editor, mix):
    response = client.get(index_url())

    [spec] = [
        s
        for s in response.context["view"].filter_specs
        if isinstance(s, NeighbourhoodFilter)
    ]
    assert [label for _pk, label in spec.lookup_choices] == ["Centrum", "Kalsdonk"]


def test_neighbourhood_choices_name_municipality(client, both_editor, mix):
    response = client.get(index_url())

    [spec] = [
        s
        for s in response.context["view"].filter_specs
        if isinstance(s, NeighbourhoodFilter)
    ]
    assert [label for _pk, label in spec.lookup_choices] == [
        "Gageldonk (Bergen op Zoom)",
        "Centrum (Roosendaal)",
        "Kalsdonk (Roosendaal)",
    ]


def test_municipality_filter(client, bergen, both_editor, mix):
    assert listed(client, f"?municipality={bergen.pk}") == refs(mix, "bergen")


def test_municipality_filter_refuses_foreign(client, bergen, editor, mix):
    assert listed(client, f"?municipality={bergen.pk}") == set()


def test_municipality_filter_hidden_for_one(client, editor, mix):
    response = client.get(index_url())

    specs = response.context["view"].filter_specs
    assert not any(isinstance(spec, MunicipalityFilter) for spec in specs)


def test_budget_filter(client, roosendaal, centrum, editor):
    centrum_budget = make_budget(
        roosendaal, neighbourhoods=[centrum], title="Centrumbudget", slug="centrum"
    )
    there = submit(
        roosendaal, neighbourhood="centrum", needs=["budget"], budget_amount="100"
    )
    elsewhere = submit(roosendaal, needs=["budget"], budget_amount="100")

    assert listed(client, f"?budget={centrum_budget.pk}") == {there.reference}
    assert elsewhere.reference in listed(client)


def test_budget_filter_refuses_foreign(client, bergen, editor, mix):
    from wagtail_kanskaart.models import BudgetPage

    foreign = BudgetPage.objects.child_of(bergen).get()

    assert listed(client, f"?budget={foreign.pk}") == set()


def test_period_filter(client, editor, mix):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=15)
    noon = datetime.datetime.combine(last_month, datetime.time(12), tzinfo=AMSTERDAM)
    set_created(mix["room"], noon)

    assert listed(client, "?period=last_month") == refs(mix, "room")
    assert listed(client, "?period=this_month") == refs(mix, "waiting", "centrum")
    assert listed(client, "?period=this_year") >= refs(mix, "waiting")
    assert listed(client, "?period=nonsense") == set()


def test_date_range_filter(client, editor, mix):
    set_created(mix["room"], datetime.datetime(2026, 3, 14, 23, 30, tzinfo=AMSTERDAM))
    set_created(mix["centrum"], datetime.datetime(2026, 3, 16, 0, 15, tzinfo=AMSTERDAM))

    assert listed(
        client, "?submitted_from=2026-03-14&submitted_until=2026-03-14"
    ) == refs(mix, "room")
    assert listed(client, "?submitted_from=15-3-2026&submitted_until=16-3-2026") == (
        refs(mix, "centrum")
    )
    assert listed(client, "?submitted_until=2026-03-31") == refs(mix, "room", "centrum")


def test_invalid_date_is_explained(client, editor, mix):
    response = client.get(index_url() + "?submitted_from=gisteren")

    assert response.status_code == 200
    assert "gisteren is not a date" in response.content.decode()
    assert len(response.context["object_list"]) == 3


@pytest.mark.parametrize(
    "query",
    [
        "?submitted_from=1-1-0001",
        "?submitted_until=31-12-9999",
        "?submitted_until=9999-12-31",
        "?submitted_from=0001-01-01&submitted_until=0001-01-01",
    ],
)
def test_extreme_date_is_explained(client, editor, mix, query):
    response = client.get(index_url() + query)

    assert response.status_code == 200
    assert "is not a valid date here" in response.content.decode()


def test_reversed_period_is_explained(client, editor, mix):
    response = client.get(
        index_url() + "?submitted_from=2026-03-16&submitted_until=2026-03-14"
    )

    assert "The end date is before the start date." in response.content.decode()


def test_unknown_parameters_are_ignored(client, editor, mix):
    everything = refs(mix, "waiting", "centrum", "room")

    assert listed(client, "?foo=1") == everything
    assert listed(client, "?name__startswith=Jan") == everything
    assert listed(client, "?budget__owner__password__startswith=md5") == everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Moestuin", {"centrum"}),
        ("jan@example", {"centrum"}),
        ("de Vries", {"centrum"}),
        ("Kookclub", set()),
    ],
)
def test_search(client, editor, mix, query, expected):
    assert listed(client, f"?q={query}") == refs(mix, *expected)


def test_search_by_reference(client, editor, mix):
    reference = mix["room"].reference

    assert listed(client, f"?q={reference}") == {reference}


# Inspect


@pytest.fixture
def arranged(roosendaal):
    """A granted request with € 150, a booked room and Fatima for support."""
    kalsdonk = roosendaal.neighbourhoods.get(slug="kalsdonk")
    make_space(roosendaal, [kalsdonk], name="Wijkcentrum Kalsdonk")
    return submit(roosendaal)


def inspect_html(client, request_obj):
    response = client.get(inspect_url(request_obj))
    assert response.status_code == 200
    return response.content.decode()


def test_inspect_shows_arrangements(client, editor, arranged):
    html = inspect_html(client, arranged)

    assert "Wijkcentrum Kalsdonk" in html
    assert "Fatima (het buurtteam)" in html
    assert "Granted: € 150.00" in html
    assert "granted at once, within the limits" in html
    assert "Help to organise the activity" in html


def test_inspect_shows_reason_of_review(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    html = inspect_html(client, waiting)

    assert "the amount is above the instant grant limit" in html
    assert "Drinken en slingers" in html


def test_inspect_shows_contact_details(client, editor, arranged):
    html = inspect_html(client, arranged)

    assert "Fatma Yilmaz" in html
    assert "fatma@example.org" in html
    assert "06 12345678" in html
    assert "form on the website" in html


def test_inspect_shows_iban_when_given(client, editor, arranged):
    arranged.iban = "NL91ABNA0417164300"
    arranged.iban_holder = "F. Yilmaz"
    arranged.save()

    html = inspect_html(client, arranged)

    assert "NL91ABNA0417164300" in html
    assert "F. Yilmaz" in html


def test_inspect_shows_history(client, editor, arranged):
    client.post(action_url("mark_paid", arranged), {})

    response = client.get(inspect_url(arranged))

    history = response.context["history_rows"]
    assert history[-1]["who"] == editor.username
    assert "from granted to paid" in history[-1]["details"]
    kinds = [row["kind"] for row in response.context["ledger_rows"]]
    assert kinds == ["reserved", "paid out"]


def test_inspect_lists_messages_without_addresses(client, editor, arranged):
    response = client.get(inspect_url(arranged))

    rows = response.context["notification_rows"]
    assert {row["audience"] for row in rows} == {
        "resident",
        "support contact",
        "space manager",
    }
    assert "fatima@example.org" not in response.content.decode()
    assert "beheer@example.org" not in response.content.decode()


def test_inspect_offers_allowed_actions(client, roosendaal, editor, arranged):
    waiting = submit(roosendaal, needs=["budget"], budget_amount="400")

    waiting_html = inspect_html(client, waiting)
    granted_html = inspect_html(client, arranged)

    assert action_url("approve", waiting) in waiting_html
    assert action_url("mark_paid", waiting) not in waiting_html
    assert action_url("approve", arranged) not in granted_html
    assert action_url("mark_paid", arranged) in granted_html
    assert action_url("change_booking", arranged) in granted_html


def test_withdrawn_request_offers_no_action(client, editor, arranged):
    lifecycle.withdraw(arranged)

    response = client.get(inspect_url(reload(arranged)))

    assert response.context["action_buttons"] == []


def test_inspect_of_other_municipality(client, editors, arranged):
    client.force_login(editors["bergen"])

    response = client.get(inspect_url(arranged))

    assert response.status_code == 403
    assert "Fatma Yilmaz" not in response.content.decode()


def test_history_of_other_municipality(client, editors, arranged):
    client.force_login(editors["bergen"])

    response = client.get(history_url(arranged))

    assert response.status_code == 403


def test_history_of_own_municipality(client, editor, arranged):
    response = client.get(history_url(arranged))

    assert response.status_code == 200


def test_unknown_request_inspect(client, editor):
    response = client.get(inspect_url(InitiativeRequest(pk=999999)))

    assert response.status_code == 404


# History in words


def history_row(client, request_obj, action_text):
    rows = client.get(inspect_url(request_obj)).context["history_rows"]
    return [row for row in rows if row["what"] == action_text]


def test_iban_history_reads_dutch_words(client, editor, arranged):
    payouts.give_iban(arranged, "NL91ABNA0417164300", "F. Yilmaz")
    payouts.give_iban(reload(arranged), "NL20INGB0001234567", "F. Yilmaz")

    given = history_row(client, arranged, "Account number given")
    changed = history_row(client, arranged, "Account number changed")

    assert len(given) == 1
    assert len(changed) == 1
    assert given[0]["who"] == "resident"
    assert changed[0]["details"] == []


def test_withdrawal_is_by_resident(client, editor, arranged):
    lifecycle.withdraw(arranged)

    rows = client.get(inspect_url(reload(arranged))).context["history_rows"]

    assert rows[-1]["who"] == "resident"
    assert rows[0]["who"] == "resident"


def test_instant_grant_is_by_system(client, editor, arranged):
    rows = client.get(inspect_url(arranged)).context["history_rows"]

    assert rows[1]["who"] == "system"


LOGGED = [
    ("submitted", {"source": "form"}),
    ("status_changed", {"from": "granted", "to": "withdrawn", "released": "150"}),
    ("page_approved", {"page": 3, "page_type": "initiative"}),
    ("changes_requested", {"page": 3, "page_type": "story"}),
    ("changes_resubmitted", {"page": 3, "revision": 7}),
    ("iban_given", {"changed": False}),
    ("payout_batch_added", {"batch": "UB-2026-0001"}),
    ("payout_batch_removed", {"batch": "UB-2026-0001"}),
    ("approved", {"arranged": ["budget"], "amount": "150"}),
    ("declined", {"reason": "Te laat", "released": "150"}),
    ("booking_cancelled", {"reason": "Dicht", "bookings_cancelled": 1}),
    ("support_reassigned", {"contact": "Fatima"}),
]


@pytest.mark.parametrize(("action", "data"), LOGGED)
def test_history_view_has_no_raw_data(client, editor, arranged, action, data):
    log(arranged, f"wagtail_kanskaart.{action}", data=data)

    html = client.get(history_url(arranged)).content.decode()

    for key in data:
        assert f": {key}:" not in html
        assert f"; {key}:" not in html
    assert "Bank account given" not in html


def test_history_view_names_resident(client, editor, arranged):
    payouts.give_iban(arranged, "NL91ABNA0417164300", "F. Yilmaz")

    response = client.get(history_url(arranged))

    html = response.content.decode()
    assert "Account number given" in html
    assert "resident" in html


# Actions hidden or refused


def test_inspect_explains_open_batch(client, roosendaal, editor, arranged):
    payouts.give_iban(arranged, "NL91ABNA0417164300", "F. Yilmaz")
    batch = payouts.create_batch(roosendaal, None, request_ids=[arranged.pk])

    html = inspect_html(client, arranged)

    assert f"This request is in payout batch {batch.reference}" in html
    assert reverse("kanskaart_payouts:batch", args=[batch.pk]) in html


def test_inspect_has_no_batch_note_without_batch(client, editor, arranged):
    html = inspect_html(client, arranged)

    assert "This request is in payout batch" not in html


def test_room_in_review_offers_no_cancel(client, roosendaal, editor):
    waiting = submit(roosendaal, needs=["budget", "space"], budget_amount="150")

    html = inspect_html(client, waiting)

    assert action_url("cancel_booking", waiting) not in html
    assert action_url("change_booking", waiting) in html


def test_message_events_have_labels():
    """The inspect view's message table names each event in words, never by
    its code, so every event with templates needs a label."""
    from pathlib import Path

    import wagtail_kanskaart
    from wagtail_kanskaart.admin.request_display import EVENT_LABELS

    folder = (
        Path(wagtail_kanskaart.__file__).parent
        / "templates/wagtail_kanskaart/notifications"
    )
    audiences = ("resident", "editors", "support", "space_manager")
    events = {
        path.stem.removesuffix("_subject").rsplit(f"_{audience}", 1)[0]
        for path in folder.glob("*.txt")
        for audience in audiences
        if path.stem.removesuffix("_subject").endswith(f"_{audience}")
    }

    assert "story_published" in events
    assert sorted(events - set(EVENT_LABELS)) == []
