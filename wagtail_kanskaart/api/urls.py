"""URLs of the API. Include them as ``path("api/kanskaart/v1/", include(...))``."""

from django.urls import path, re_path

from .views.editor import EditorRequestDetailView, EditorRequestListView
from .views.public import (
    BudgetListView,
    InitiativeListView,
    MunicipalityView,
    StoryListView,
)
from .views.requests import RequestCreateView
from .views.root import RootView
from .views.schema import DocsView, NotFoundView, SchemaView
from .views.status import PayoutView, StatusView, WithdrawView
from .views.story import StoryView

app_name = "kanskaart_api"

# The endpoints the OpenAPI schema describes.
api_patterns = [
    path("municipalities/<str:slug>/", MunicipalityView.as_view(), name="municipality"),
    path("requests/", RequestCreateView.as_view(), name="requests"),
    path("budgets/", BudgetListView.as_view(), name="budgets"),
    path("initiatives/", InitiativeListView.as_view(), name="initiatives"),
    path("stories/", StoryListView.as_view(), name="stories"),
    path("status/<str:token>/", StatusView.as_view(), name="status"),
    path("status/<str:token>/withdraw/", WithdrawView.as_view(), name="withdraw"),
    path(
        "editor/requests/",
        EditorRequestListView.as_view(),
        name="editor_requests",
    ),
    path(
        "editor/requests/<str:reference>/",
        EditorRequestDetailView.as_view(),
        name="editor_request",
    ),
    path("status/<str:token>/payout/", PayoutView.as_view(), name="payout"),
    path("status/<str:token>/story/", StoryView.as_view(), name="story"),
]

urlpatterns = [
    path("", RootView.as_view(), name="root"),
    *api_patterns,
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    # Last: any other address gets a JSON 404 instead of the site's HTML page.
    re_path(r"^.*$", NotFoundView.as_view(), name="not_found"),
]
