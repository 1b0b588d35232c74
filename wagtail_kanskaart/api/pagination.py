from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from ..conf import kanskaart_settings


class KanskaartPagination(PageNumberPagination):
    """Pages of ``KANSKAART_API_PAGE_SIZE`` items; ``?page_size=`` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = _("This page does not exist.")

    @property
    def page_size(self):
        return kanskaart_settings.API_PAGE_SIZE
