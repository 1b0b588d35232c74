"""The one place that reads ``KANSKAART_*`` settings, with their defaults.

Every setting is documented in ``docs/reference/settings.md``. Read a value
with ``kanskaart_settings.NAME``; the value is looked up on each access, so
``override_settings`` in tests works.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    # Amounts in euros. A municipality page or a budget page may set lower or
    # higher values; these apply where they leave a field empty.
    "INSTANT_GRANT_LIMIT": Decimal("250.00"),
    "MAX_REQUEST_AMOUNT": Decimal("500.00"),
    "RESIDENT_CAP": Decimal("500.00"),
    "MIN_REQUEST_AMOUNT": Decimal("1.00"),
    # (value, label) pairs for the kinds of support a resident can ask for.
    "SUPPORT_KINDS": [
        ("organise", _("Help to organise the activity")),
        ("promote", _("Help to reach neighbours (flyers, social media)")),
        ("rules", _("Help with permits and rules")),
        ("other", _("Something else")),
    ],
    # How many days ahead a room can be booked.
    "SPACE_BOOKING_DAYS_AHEAD": 120,
    # The key behind status tokens. None means settings.SECRET_KEY. Changing
    # it makes every status link that was sent before invalid.
    "STATUS_TOKEN_SECRET": None,
    # Channel name -> dotted path of a notifications.channels.BaseChannel.
    "NOTIFICATION_CHANNELS": {
        "email": "wagtail_kanskaart.notifications.channels.EmailChannel",
    },
    "NOTIFICATION_MAX_ATTEMPTS": 8,
    # The sender of e-mail to residents and staff. None means
    # settings.DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": None,
    # The time zone in which dates and times are shown and rooms are booked.
    "TIME_ZONE": "Europe/Amsterdam",
    # REST API limits per client IP address, kept in the "default" cache:
    # "N/s", "N/min", "N/hour" or "N/day"; None turns a limit off. A site's
    # dict is merged over this one. See docs/reference/api.md.
    "API_THROTTLE_RATES": {"submit": "30/hour", "status": "120/hour", "read": None},
    # How many reverse proxies in front of the app servers add an address to
    # X-Forwarded-For. 0 means the client address is REMOTE_ADDR.
    "API_NUM_PROXIES": 0,
    # The largest request body the API reads, in bytes.
    "API_MAX_BODY_SIZE": 64 * 1024,
    # Items per page of the API's lists; a client may ask for up to 100.
    "API_PAGE_SIZE": 20,
    # The resident's story (intake.story, intake.photos): how many photos
    # one story takes, and the limits an uploaded photo must stay within
    # before it is decoded in full. A photo is stored as a JPEG whose longest
    # side is at most STORY_PHOTO_MAX_SIDE pixels.
    "STORY_MAX_PHOTOS": 5,
    "STORY_PHOTO_MAX_BYTES": 15 * 1024 * 1024,
    "STORY_PHOTO_MAX_PIXELS": 50_000_000,
    "STORY_PHOTO_MAX_SIDE": 2000,
    # Paper cards: the scheme and host their short address starts with, for
    # example "https://kans.roosendaal.nl". None means the root URL of the
    # Wagtail site the municipality page belongs to.
    "CARD_BASE_URL": None,
    # Strip EXIF (location, camera), XMP, IPTC and comments from every file
    # saved through Wagtail's image model (image_metadata). The original
    # file is cleaned too, so its renditions are clean.
    "STRIP_IMAGE_METADATA": True,
}


class KanskaartSettings:
    """Attribute access to ``KANSKAART_<NAME>`` with the defaults above."""

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown kanskaart setting: {name}")
        return getattr(settings, f"KANSKAART_{name}", DEFAULTS[name])

    @property
    def status_token_secret(self) -> str:
        return self.STATUS_TOKEN_SECRET or settings.SECRET_KEY

    @property
    def from_email(self) -> str:
        return self.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL


kanskaart_settings = KanskaartSettings()
