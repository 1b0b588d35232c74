from django.urls import reverse
from rest_framework.response import Response

from .base import KanskaartAPIView, api_schema


class RootView(KanskaartAPIView):
    """Name the API and link its schema and documentation page."""

    @api_schema(exclude=True)
    def get(self, request):
        return Response(
            {
                "name": "Kanskaart API",
                "version": "1",
                "schema": request.build_absolute_uri(reverse("kanskaart_api:schema")),
                "docs": request.build_absolute_uri(reverse("kanskaart_api:docs")),
            }
        )
