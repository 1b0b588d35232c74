"""A plain search page over the live, public pages of the current site.

The package does not add it to any URL configuration. A site without a
search of its own routes an address to :func:`search_view`, as the example
site does with ``/zoeken/``.
"""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site

from ..intake.fields import clean_text

RESULTS_PER_PAGE = 20
# Longer queries are cut to this many characters before they are searched.
MAX_QUERY_LENGTH = 100


@require_safe
def search_view(request):
    """Search the published text of the site's live pages without view restrictions.

    Drafts, unpublished pages and private pages never appear. A live page
    whose new revision waits in moderation is found by its published text.
    """
    query = " ".join(clean_text(request.GET.get("q", "")).split())
    query = query[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public()
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.in_site(site)
        results = pages.search(query)

    paginator = Paginator(results, RESULTS_PER_PAGE)
    return TemplateResponse(
        request,
        "wagtail_kanskaart/search.html",
        {
            "query": query,
            "results": paginator.get_page(request.GET.get("page")),
            "paginator": paginator,
        },
    )
