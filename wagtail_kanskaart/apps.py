from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailKanskaartConfig(AppConfig):
    name = "wagtail_kanskaart"
    label = "wagtail_kanskaart"
    verbose_name = _("Kanskaart")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, moderation, signals  # noqa: F401  (they register on import)
        from .api import cors  # noqa: F401  (connects the CORS origin check)
        from .image_metadata import connect as connect_image_metadata

        # On the model get_image_model() returns, which may be a custom one.
        connect_image_metadata()
