"""Public read endpoints: a municipality's form settings, budgets, initiatives, stories.

Only live pages without view restrictions, of a live municipality, and only
public fields: titles, neighbourhoods, money totals. Nothing from the
private ``InitiativeRequest``.
"""

from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from wagtail.rich_text import expand_db_html

from ...conf import kanskaart_settings
from ...intake.forms import NEED_CHOICES
from ...intake.policy import limits_for
from ...models import BudgetPage, InitiativePage, Space
from ...transparency import (
    budget_summary,
    open_budgets,
    public_initiatives,
    public_stories,
)
from ..pagination import KanskaartPagination
from ..serializers import (
    BudgetFilterSerializer,
    BudgetSerializer,
    ErrorSerializer,
    InitiativeSerializer,
    LanguageQuerySerializer,
    ListFilterSerializer,
    MunicipalitySerializer,
    StorySerializer,
)
from ..throttling import ReadThrottle
from .base import (
    SLUG_RE,
    KanskaartAPIView,
    KanskaartListView,
    api_schema,
    live_municipality,
)

ZERO = Decimal("0.00")

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Unknown municipality.")
INVALID = OpenApiResponse(ErrorSerializer, description="Invalid filter.")


def _money(summary):
    return {
        "total": summary.total,
        "granted": summary.granted,
        "paid": summary.paid,
        "available": summary.available,
    }


def _choices(pairs):
    return [{"value": value, "label": str(label)} for value, label in pairs]


def _neighbourhood_ref(neighbourhood):
    if neighbourhood is None:
        return None
    return {"slug": neighbourhood.slug, "name": neighbourhood.name}


def municipality_payload(municipality, request):
    """Return everything the form needs to know about one municipality."""
    base = limits_for(municipality, None)
    neighbourhoods = []
    for neighbourhood in municipality.neighbourhoods.all():
        limits = limits_for(municipality, neighbourhood)
        neighbourhoods.append(
            {
                "slug": neighbourhood.slug,
                "name": neighbourhood.name,
                "limits": {
                    "max_request_amount": limits.max_request_amount,
                    "instant_grant_limit": limits.instant_grant_limit,
                },
            }
        )
    spaces = (
        Space.objects.filter(municipality=municipality, active=True)
        .prefetch_related("neighbourhoods")
        .order_by("name", "pk")
    )
    summaries = [budget_summary(budget) for budget in open_budgets(municipality)]
    form_page = municipality.form_page
    return {
        "slug": municipality.slug,
        "name": municipality.title,
        "url": municipality.get_full_url(request),
        "form_url": form_page.get_full_url(request) if form_page else None,
        "privacy_url": municipality.privacy_url,
        "needs": _choices(NEED_CHOICES),
        "support_kinds": _choices(kanskaart_settings.SUPPORT_KINDS),
        "neighbourhoods": neighbourhoods,
        "spaces": [
            {
                "id": space.pk,
                "name": space.name,
                "capacity": space.capacity,
                "neighbourhoods": [n.slug for n in space.neighbourhoods.all()],
            }
            for space in spaces
        ],
        "limits": {
            "min_request_amount": kanskaart_settings.MIN_REQUEST_AMOUNT,
            "max_request_amount": base.max_request_amount,
            "instant_grant_limit": base.instant_grant_limit,
            "space_booking_days_ahead": kanskaart_settings.SPACE_BOOKING_DAYS_AHEAD,
        },
        "budget": {
            "total": sum((s.total for s in summaries), ZERO),
            "granted": sum((s.granted for s in summaries), ZERO),
            "paid": sum((s.paid for s in summaries), ZERO),
            "available": sum((s.available for s in summaries), ZERO),
        },
    }


class MunicipalityView(KanskaartAPIView):
    throttle_classes = [ReadThrottle]

    @api_schema(
        operation_id="municipality_retrieve",
        tags=["municipalities"],
        summary="A municipality's form settings and money left",
        description="Everything a form needs: neighbourhoods, needs, kinds of "
        "support, bookable spaces, limits, and the money of the budgets open "
        "today. Labels are in the language of ?language= (nl by default).",
        parameters=[LanguageQuerySerializer],
        responses={200: MunicipalitySerializer, 404: NOT_FOUND},
    )
    def get(self, request, slug):
        municipality = live_municipality(slug)
        payload = municipality_payload(municipality, request)
        return Response(MunicipalitySerializer(payload).data)


class PublicPageListView(KanskaartListView):
    """A paginated list of one municipality's live pages, filtered by the query."""

    throttle_classes = [ReadThrottle]
    pagination_class = KanskaartPagination
    filter_serializer_class = ListFilterSerializer

    def get_filters(self):
        filters = self.filter_serializer_class(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        values = dict(filters.validated_data)
        self.municipality = live_municipality(values["municipality"])
        self.neighbourhood = None
        slug = values.get("neighbourhood")
        if slug:
            self.neighbourhood = (
                self.municipality.neighbourhoods.filter(slug=slug).first()
                if SLUG_RE.match(slug)
                else None
            )
            if self.neighbourhood is None:
                raise NotFound(_("We cannot find this neighbourhood."))
        return values

    def list(self, request, *args, **kwargs):
        self.filters = self.get_filters()
        page = self.paginate_queryset(self.get_queryset())
        items = self.items(page)
        data = self.get_serializer(items, many=True).data
        return self.get_paginated_response(data)

    def items(self, pages):
        return [self.item(page) for page in pages]


def _list_schema(tag, summary, serializer, filters):
    return api_schema(
        operation_id=f"{tag}_list",
        tags=[tag],
        summary=summary,
        description=f"Live, public {tag} of one municipality, paginated with "
        "?page= and ?page_size= (at most 100). An unknown municipality or "
        "neighbourhood is a 404.",
        parameters=[filters, LanguageQuerySerializer],
        responses={200: serializer(many=True), 400: INVALID, 404: NOT_FOUND},
    )


class BudgetListView(PublicPageListView):
    serializer_class = BudgetSerializer
    filter_serializer_class = BudgetFilterSerializer

    @_list_schema(
        "budgets",
        "Budgets with the money granted and left",
        BudgetSerializer,
        BudgetFilterSerializer,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        budgets = (
            BudgetPage.objects.live()
            .public()
            .child_of(self.municipality)
            .prefetch_related("neighbourhoods")
            .order_by("period_end", "pk")
        )
        if self.neighbourhood is not None:
            budgets = budgets.filter(
                Q(neighbourhoods=self.neighbourhood) | Q(neighbourhoods__isnull=True)
            ).distinct()
        today = timezone.localdate()
        current = Q(period_start__lte=today, period_end__gte=today)
        if self.filters.get("open") is True:
            budgets = budgets.filter(current)
        elif self.filters.get("open") is False:
            budgets = budgets.exclude(current)
        return budgets

    def item(self, budget):
        today = timezone.localdate()
        return {
            "id": budget.pk,
            "title": budget.title,
            "url": budget.get_full_url(self.request),
            "municipality": self.municipality.slug,
            "period_start": budget.period_start,
            "period_end": budget.period_end,
            "is_open": budget.period_start <= today <= budget.period_end,
            "neighbourhoods": [n.slug for n in budget.neighbourhoods.all()],
            "money": _money(budget_summary(budget)),
        }


class InitiativeListView(PublicPageListView):
    serializer_class = InitiativeSerializer

    @_list_schema(
        "initiatives",
        "Published initiatives, newest first",
        InitiativeSerializer,
        ListFilterSerializer,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_initiatives(self.municipality, self.neighbourhood)

    def item(self, initiative):
        return {
            "id": initiative.pk,
            "title": initiative.title,
            "url": initiative.get_full_url(self.request),
            "municipality": self.municipality.slug,
            "neighbourhood": _neighbourhood_ref(initiative.neighbourhood),
            "summary": initiative.summary,
            "needs": [str(need) for need in initiative.needs if isinstance(need, str)],
            "first_published_at": initiative.first_published_at,
        }


def _image(image):
    if image is None:
        return None
    try:
        rendition = image.get_rendition("max-1200x1200")
    except OSError:  # Wagtail's SourceImageIOError and PIL's errors are OSErrors
        # A missing or broken file must not break the list; the story
        # simply shows without its photo.
        return None
    return {
        "url": rendition.full_url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": getattr(image, "default_alt_text", "") or image.title,
    }


class StoryListView(PublicPageListView):
    serializer_class = StorySerializer

    @_list_schema(
        "stories",
        "Published stories, newest first",
        StorySerializer,
        ListFilterSerializer,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # The same stories as the municipality page: a story belongs to a
        # neighbourhood by its own field, or else by its initiative's.
        return public_stories(self.municipality, self.neighbourhood).select_related(
            "initiative", "initiative__neighbourhood"
        )

    def items(self, stories):
        # A story may point to an initiative that is not (or no longer)
        # published: that one is left out rather than linked.
        initiative_ids = {
            story.initiative_id for story in stories if story.initiative_id
        }
        self.public_initiatives = set(
            InitiativePage.objects.live()
            .public()
            .filter(pk__in=initiative_ids)
            .values_list("pk", flat=True)
        )
        return super().items(stories)

    def item(self, story):
        # Each photo's alt text is the resident's caption when she gave one.
        photos = [
            dict(image, alt=photo.caption or image["alt"])
            for photo in story.photos.all()
            if (image := _image(photo.image)) is not None
        ]
        initiative = None
        if story.initiative_id in self.public_initiatives:
            initiative = story.initiative
        neighbourhood = story.neighbourhood or (
            initiative.neighbourhood if initiative else None
        )
        return {
            "id": story.pk,
            "title": story.title,
            "url": story.get_full_url(self.request),
            "municipality": self.municipality.slug,
            "intro": story.intro,
            "body": expand_db_html(story.body),
            "image": photos[0] if photos else None,
            "photos": photos,
            "initiative": {
                "id": initiative.pk,
                "title": initiative.title,
                "url": initiative.get_full_url(self.request),
            }
            if initiative
            else None,
            # The story's own neighbourhood, else its public initiative's: the
            # same rule as the filter.
            "neighbourhood": _neighbourhood_ref(neighbourhood)
            if neighbourhood
            else None,
            "first_published_at": story.first_published_at,
        }
