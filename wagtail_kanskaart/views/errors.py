"""A plain-language page for requests the server cannot read.

Django responds with 400 itself, before any view runs, when a post carries more
files or fields than its limits allow, or when a request is malformed in
other ways. A site shows this page instead of Django's one line by setting
``handler400 = "wagtail_kanskaart.views.errors.bad_request"`` in its root
URLconf.
"""

from django.shortcuts import render

from ..conf import kanskaart_settings


def bad_request(request, exception=None):
    # The page leaves the exception out, so it repeats nothing from the
    # request.
    context = {"max_photos": kanskaart_settings.STORY_MAX_PHOTOS}
    return render(request, "wagtail_kanskaart/bad_request.html", context, status=400)
