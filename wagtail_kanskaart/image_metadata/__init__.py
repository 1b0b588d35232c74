"""Strip location and other metadata from every image stored through Wagtail.

Residents' story photos are already clean JPEGs (``intake.photos``). This
package covers the images editors upload in the admin and images that code
creates, for the site's image model (``get_image_model()``). Renditions are
made from the clean original, so they are clean too. The setting
``KANSKAART_STRIP_IMAGE_METADATA`` turns it off.
"""

from .formats import strip_metadata
from .receivers import clean_existing_image, clean_stored_file, connect

__all__ = ["clean_existing_image", "clean_stored_file", "connect", "strip_metadata"]
