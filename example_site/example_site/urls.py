from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from wagtail_kanskaart.views.search import search_view

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap),
    path("zoeken/", search_view, name="search"),
    path("api/kanskaart/v1/", include("wagtail_kanskaart.api.urls")),
    # The short address on the paper cards, /k/<code>/.
    path("k/", include("wagtail_kanskaart.cards.urls")),
    path("", include(wagtail_urls)),
]

# A page in plain Dutch when Django refuses a request it cannot read, such
# as a post with more files than DATA_UPLOAD_MAX_NUMBER_FILES.
handler400 = "wagtail_kanskaart.views.errors.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
