"""Only live pages without view restrictions reach the public.

One municipality gets initiatives in every state a page can be in (in
moderation, sent back for changes, published, unpublished, withdrawn,
private), stories in and out of moderation, and an unpublished budget.
Each test reads every public surface: the municipality page, the budget
page, the pages' own addresses, the public API, the story feeds, the open
data files, the sitemap and the site search.
"""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from tests.factories import (
    add_page,
    make_budget,
    make_moderation_workflow,
    submit_form,
)
from wagtail_kanskaart.intake import lifecycle
from wagtail_kanskaart.models import BudgetPage, InitiativePage, StoryPage

pytestmark = pytest.mark.django_db

API = "/api/kanskaart/v1"

# One uncommon word per page, so a search or a text check finds only it.
PUBLISHED = "Zonnebloem"
IN_MODERATION = "Pinguin"
CHANGES_REQUESTED = "Kraanvogel"
UNPUBLISHED = "Walrus"
WITHDRAWN = "Egel"
PRIVATE = "Octopus"
STORY_PUBLISHED = "Vuurtoren"
STORY_IN_MODERATION = "Stekelvarken"
BUDGET_DRAFT = "Narwal"

HIDDEN = [
    IN_MODERATION,
    CHANGES_REQUESTED,
    UNPUBLISHED,
    WITHDRAWN,
    PRIVATE,
    STORY_IN_MODERATION,
    BUDGET_DRAFT,
]


def submit_idea(municipality, word):
    result = submit_form(
        municipality,
        needs=["support"],
        title=f"Buurtidee {word}",
        description=f"Een plan rond {word} voor de hele buurt, iedereen is welkom.",
    )
    return InitiativePage.objects.get(pk=result.request.initiative_page_id), result


def workflow_action(client, page, action, comment=""):
    task_state = Page.objects.get(pk=page.pk).current_workflow_task_state
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, action, task_state.pk],
        ),
        {"comment": comment},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def add_story(municipality, word, initiative):
    return add_page(
        municipality,
        StoryPage(
            title=f"Verhaal {word}",
            slug=f"verhaal-{word.lower()}",
            initiative=initiative,
            intro=f"Zo ging het bij {word}.",
            live=False,
        ),
        publish=False,
    )


@pytest.fixture
def world(two_municipalities, editors):
    """Build a page in each state below Roosendaal; return the pages by word."""
    municipality = two_municipalities[0]
    editor = editors["roosendaal"]
    make_moderation_workflow(municipality, editor)
    admin = Client()
    admin.force_login(editor)
    pages = {}

    pages[PUBLISHED], _ = submit_idea(municipality, PUBLISHED)
    workflow_action(admin, pages[PUBLISHED], "approve")

    pages[IN_MODERATION], _ = submit_idea(municipality, IN_MODERATION)

    pages[CHANGES_REQUESTED], _ = submit_idea(municipality, CHANGES_REQUESTED)
    workflow_action(admin, pages[CHANGES_REQUESTED], "reject", "Graag korter.")

    pages[UNPUBLISHED], _ = submit_idea(municipality, UNPUBLISHED)
    workflow_action(admin, pages[UNPUBLISHED], "approve")
    Page.objects.get(pk=pages[UNPUBLISHED].pk).unpublish(user=editor)

    pages[WITHDRAWN], withdrawn = submit_idea(municipality, WITHDRAWN)
    workflow_action(admin, pages[WITHDRAWN], "approve")
    lifecycle.withdraw(withdrawn.request)

    pages[PRIVATE], _ = submit_idea(municipality, PRIVATE)
    workflow_action(admin, pages[PRIVATE], "approve")
    PageViewRestriction.objects.create(
        page=pages[PRIVATE], restriction_type=PageViewRestriction.LOGIN
    )

    # A published story about the private initiative: it may show itself,
    # but not the private initiative's title.
    pages[STORY_PUBLISHED] = add_story(municipality, STORY_PUBLISHED, pages[PRIVATE])
    pages[STORY_PUBLISHED].get_workflow().start(pages[STORY_PUBLISHED], editor)
    workflow_action(admin, pages[STORY_PUBLISHED], "approve")

    pages[STORY_IN_MODERATION] = add_story(
        municipality, STORY_IN_MODERATION, pages[PUBLISHED]
    )
    pages[STORY_IN_MODERATION].get_workflow().start(pages[STORY_IN_MODERATION], editor)

    pages[BUDGET_DRAFT] = make_budget(municipality, title=f"Budget {BUDGET_DRAFT}")
    pages[BUDGET_DRAFT].unpublish()

    for word, page in pages.items():
        pages[word] = Page.objects.get(pk=page.pk).specific
    return pages


def public_surfaces(client, pages):
    """Return the text of every public surface, by a name for the surface."""
    municipality = pages[PUBLISHED].get_parent().specific
    budget = BudgetPage.objects.live().child_of(municipality).first()
    slug = municipality.slug
    surfaces = {
        "municipality page": client.get(municipality.url),
        "budget page": client.get(budget.url),
        "published initiative page": client.get(pages[PUBLISHED].url),
        "published story page": client.get(pages[STORY_PUBLISHED].url),
        "API municipality": client.get(f"{API}/municipalities/{slug}/"),
        "API initiatives": client.get(f"{API}/initiatives/?municipality={slug}"),
        "API stories": client.get(f"{API}/stories/?municipality={slug}"),
        "API budgets": client.get(f"{API}/budgets/?municipality={slug}"),
        "sitemap": client.get("/sitemap.xml"),
        "RSS feed": client.get(f"{municipality.url}verhalen/rss/"),
        "Atom feed": client.get(f"{municipality.url}verhalen/atom/"),
        "open data page": client.get(f"{municipality.url}open-data/"),
    }
    for dataset in ("initiatieven", "uitgaven"):
        for file_format in ("csv", "json"):
            surfaces[f"open data {dataset} {file_format}"] = client.get(
                f"{municipality.url}open-data/{dataset}/{file_format}/"
            )
    texts = {}
    for name, response in surfaces.items():
        assert response.status_code == 200, name
        texts[name] = response.content.decode()
    return texts


def search(client, word):
    """Return the titles and addresses of the search results for ``word``."""
    response = client.get("/zoeken/", {"q": word})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    results = soup.select(".kanskaart-search-results a")
    return " ".join(f"{link.get_text()} {link['href']}" for link in results)


def test_hidden_pages_are_on_no_surface(client, world):
    texts = public_surfaces(client, world)

    for name, text in texts.items():
        for word in HIDDEN:
            assert word not in text, (name, word)


def test_hidden_page_addresses_are_on_no_surface(client, world):
    texts = public_surfaces(client, world)

    for name, text in texts.items():
        for word in HIDDEN:
            assert world[word].url_path.rstrip("/").split("/")[-1] not in text, (
                name,
                word,
            )


def test_hidden_pages_are_not_found_by_search(client, world):
    for word in HIDDEN:
        assert word not in search(client, word), word


def test_published_pages_are_on_every_surface(client, world):
    texts = public_surfaces(client, world)

    assert PUBLISHED in texts["municipality page"]
    assert PUBLISHED in texts["API initiatives"]
    assert STORY_PUBLISHED in texts["municipality page"]
    assert STORY_PUBLISHED in texts["API stories"]
    assert STORY_PUBLISHED in texts["RSS feed"]
    assert STORY_PUBLISHED in texts["Atom feed"]
    assert PUBLISHED in texts["open data initiatieven json"]
    assert PUBLISHED in texts["open data initiatieven csv"]
    assert world[PUBLISHED].full_url in texts["sitemap"]
    assert world[STORY_PUBLISHED].full_url in texts["sitemap"]
    assert PUBLISHED in search(client, PUBLISHED)
    assert STORY_PUBLISHED in search(client, STORY_PUBLISHED)


def test_story_of_private_initiative_has_no_initiative(client, world):
    texts = public_surfaces(client, world)

    stories = json.loads(texts["API stories"])["results"]
    story = next(s for s in stories if s["id"] == world[STORY_PUBLISHED].pk)
    assert story["initiative"] is None


@pytest.mark.parametrize(
    "word", [IN_MODERATION, CHANGES_REQUESTED, UNPUBLISHED, WITHDRAWN, BUDGET_DRAFT]
)
def test_unpublished_page_address_is_404(client, world, word):
    assert world[word].live is False

    response = client.get(world[word].url)

    assert response.status_code == 404


def test_story_in_moderation_address_is_404(client, world):
    story = world[STORY_IN_MODERATION]

    response = client.get(story.url)

    assert story.workflow_in_progress is True
    assert response.status_code == 404


def test_private_initiative_address_asks_login(client, world):
    response = client.get(world[PRIVATE].url)

    assert response.status_code == 302
    assert PRIVATE not in response.content.decode()


@pytest.mark.parametrize(
    "query", ["", "\x00", "Zonnebloem\x00", "a" * 1000, "%", "' OR 1=1 --", "名前"]
)
def test_search_answers_any_query(client, query):
    response = client.get("/zoeken/", {"q": query})

    assert response.status_code == 200


def test_search_refuses_post(client):
    assert client.post("/zoeken/", {"q": "Zonnebloem"}).status_code == 405
