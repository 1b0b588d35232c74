"""The short address on the paper card, for a site's ``urls.py``.

Include it before Wagtail's own URLs::

    path("k/", include("wagtail_kanskaart.cards.urls")),
"""

from django.urls import path

from .views import ShortAddressView

app_name = "kanskaart_cards"

# Any text up to the next slash reaches the view, which checks it and shows
# the not-found page. The address without the final slash works too, so a
# resident who types it from the card gets no extra redirect.
urlpatterns = [
    path("<str:code>/", ShortAddressView.as_view(), name="short_address"),
    path("<str:code>", ShortAddressView.as_view()),
]
