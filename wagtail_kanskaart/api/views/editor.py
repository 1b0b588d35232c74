"""The editors' read-only endpoints: requests with their answers and contact details.

Only for users logged in to the Wagtail admin (its session cookie), and
only the requests of the municipalities they may edit. A request of
another municipality is a 404, as if it did not exist. Responses are marked
private and not stored, because they hold personal data.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ...admin.permissions import editable_municipalities
from ...models import InitiativeRequest, Neighbourhood
from ...models.requests import RequestStatus
from ..authentication import EditorSessionAuthentication
from ..editor_serializers import (
    EditorRequestDetailSerializer,
    EditorRequestFilterSerializer,
    EditorRequestSerializer,
)
from ..pagination import KanskaartPagination
from ..permissions import WagtailAdminAccess
from ..serializers import ErrorSerializer, LanguageQuerySerializer
from .base import SLUG_RE, KanskaartAPIView, KanskaartListView, api_schema

TAG = "editor"

ERRORS = {
    403: OpenApiResponse(
        ErrorSerializer,
        description="Not logged in to the Wagtail admin, or no access to it.",
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such request, municipality or neighbourhood among those "
        "you may edit.",
    ),
}


def _admin_url(request, name, pk):
    try:
        return request.build_absolute_uri(reverse(name, args=[pk]))
    except NoReverseMatch:
        return ""


def _status_label(status):
    try:
        return str(RequestStatus(status).label)
    except ValueError:
        return status


def request_payload(request, obj) -> dict:
    """Return the fields of a request that the list and the detail share."""
    return {
        "reference": obj.reference,
        "url": request.build_absolute_uri(
            reverse("kanskaart_api:editor_request", args=[obj.reference])
        ),
        "admin_url": _admin_url(
            request, "wagtail_kanskaart_initiativerequest_modeladmin_inspect", obj.pk
        ),
        "created_at": obj.created_at,
        "status": obj.status,
        "status_label": _status_label(obj.status),
        "municipality": {"slug": obj.municipality.slug, "name": obj.municipality.title},
        "neighbourhood": {
            "slug": obj.neighbourhood.slug,
            "name": obj.neighbourhood.name,
        },
        "title": obj.title,
        "budget_amount": obj.budget_amount,
        "needs": [
            {
                "kind": need.kind,
                "status": need.status,
                "reason": need.reason,
                "details": need.details,
            }
            for need in obj.need_set.all()
        ],
    }


def request_detail_payload(request, obj) -> dict:
    """Return every answer of a request, its needs and the contact details."""
    page = obj.initiative_page
    return {
        **request_payload(request, obj),
        "updated_at": obj.updated_at,
        "description": obj.description,
        "budget_purpose": obj.budget_purpose,
        "space": {
            "date": obj.space_date,
            "start": obj.space_start,
            "end": obj.space_end,
            "people": obj.space_people,
        }
        if "space" in obj.needs
        else None,
        "support": {"kind": obj.support_kind, "note": obj.support_note}
        if "support" in obj.needs
        else None,
        "contact": {"name": obj.name, "email": obj.email, "phone": obj.phone},
        "source": obj.source,
        "language": obj.language,
        "initiative_page": {
            "id": page.pk,
            "title": page.title,
            "live": page.live,
            "admin_url": _admin_url(request, "wagtailadmin_pages:edit", page.pk),
        }
        if page is not None
        else None,
    }


def _matching(queryset, slug, message):
    """Return the rows of ``queryset`` with this slug, or raise ``NotFound``.

    Slugs are unique per municipality only, so a neighbourhood slug such as
    "centrum" may match one neighbourhood in each municipality.
    """
    if not SLUG_RE.match(slug):
        raise NotFound(message)
    matches = queryset.filter(slug=slug)
    if not matches.exists():
        raise NotFound(message)
    return matches


class EditorViewMixin:
    """Session authentication, admin access, and the editor's municipalities."""

    authentication_classes = [EditorSessionAuthentication]
    permission_classes = [IsAuthenticated, WagtailAdminAccess]

    def permission_denied(self, request, message=None, code=None):
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated(
                _("Log in to the Wagtail admin to use this address.")
            )
        raise PermissionDenied(_("Your account has no access to the Wagtail admin."))

    def scoped_requests(self):
        return (
            InitiativeRequest.objects.filter(
                municipality__in=editable_municipalities(self.request.user)
            )
            .select_related("municipality", "neighbourhood")
            .prefetch_related("need_set")
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


class EditorRequestListView(EditorViewMixin, KanskaartListView):
    pagination_class = KanskaartPagination
    serializer_class = EditorRequestSerializer

    @api_schema(
        operation_id="editor_request_list",
        tags=[TAG],
        summary="Requests of the municipalities you may edit, newest first",
        description="For editors logged in to the Wagtail admin. Paginated "
        "with ?page= and ?page_size= (at most 100). A municipality or "
        "neighbourhood you may not edit is a 404.",
        parameters=[EditorRequestFilterSerializer, LanguageQuerySerializer],
        responses={
            200: EditorRequestSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="Invalid filter."),
            **ERRORS,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = EditorRequestFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        requests = self.scoped_requests()
        municipalities = editable_municipalities(self.request.user)

        if values.get("status"):
            requests = requests.filter(status=values["status"])
        if values.get("municipality"):
            municipalities = _matching(
                municipalities,
                values["municipality"],
                _("We cannot find this municipality."),
            )
            requests = requests.filter(municipality__in=municipalities)
        if values.get("neighbourhood"):
            neighbourhoods = _matching(
                Neighbourhood.objects.filter(municipality__in=municipalities),
                values["neighbourhood"],
                _("We cannot find this neighbourhood."),
            )
            requests = requests.filter(neighbourhood__in=neighbourhoods)

        return requests.order_by("-created_at", "-pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        items = [request_payload(request, obj) for obj in page]
        data = self.get_serializer(items, many=True).data
        return self.get_paginated_response(data)


class EditorRequestDetailView(EditorViewMixin, KanskaartAPIView):
    @api_schema(
        operation_id="editor_request_retrieve",
        tags=[TAG],
        summary="One request with every answer and the contact details",
        description="For editors logged in to the Wagtail admin. A request of "
        "a municipality you may not edit is a 404.",
        parameters=[LanguageQuerySerializer],
        responses={200: EditorRequestDetailSerializer, **ERRORS},
    )
    def get(self, request, reference):
        obj = None
        if SLUG_RE.match(reference):
            obj = (
                self.scoped_requests()
                .select_related("initiative_page")
                .filter(reference=reference)
                .first()
            )
        if obj is None:
            raise NotFound(_("We cannot find this request."))
        payload = request_detail_payload(request, obj)
        return Response(EditorRequestDetailSerializer(payload).data)
