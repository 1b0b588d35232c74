"""The panel on the Wagtail admin home: what waits per municipality, and its money."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from wagtail.admin.ui.components import Component

from ..models.requests import RequestStatus
from ..reporting import municipality_overviews
from .permissions import editable_municipalities

# At most this many pages in moderation are linked per municipality; the
# panel links Wagtail's workflow report for the rest.
MAX_LISTED_PAGES = 5


def request_list_url(municipality, status=None) -> str:
    """Return the address of the request list, filtered on a municipality and status.

    The parameter names are those of the list's filters in
    ``admin.request_filters``.
    """
    try:
        url = reverse("wagtail_kanskaart_initiativerequest_modeladmin_index")
    except NoReverseMatch:
        return ""
    params = {"municipality": municipality.pk}
    if status:
        params["status"] = status
    return f"{url}?{urlencode(params)}"


class KanskaartDashboardPanel(Component):
    """Per municipality the editor may edit: requests in review, money per budget,
    and initiative and story pages in moderation, each with a link.

    Renders nothing for a user who may edit no municipality. The number of
    queries does not grow with the number of requests, budgets or pages.
    """

    name = "kanskaart_dashboard"
    template_name = "wagtail_kanskaart/admin/dashboard_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        overviews = municipality_overviews(editable_municipalities(request.user))
        for overview in overviews:
            overview.waiting_url = request_list_url(
                overview.municipality, RequestStatus.IN_REVIEW
            )
            overview.listed_pages = overview.pages_in_moderation[:MAX_LISTED_PAGES]
            overview.unlisted_pages = max(
                0, len(overview.pages_in_moderation) - MAX_LISTED_PAGES
            )
        return {"overviews": overviews, "request": request}
