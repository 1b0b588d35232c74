"""Strip metadata from images stored before the stripping was installed.

New uploads are cleaned when they are saved (``image_metadata``). This
command cleans the files already in storage and deletes their renditions,
so Wagtail makes them again from the clean file. It runs whatever the value
of ``KANSKAART_STRIP_IMAGE_METADATA``, and a second run changes nothing.
"""

import logging

from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from ...image_metadata import clean_existing_image, strip_metadata

logger = logging.getLogger("wagtail_kanskaart")


class Command(BaseCommand):
    help = (
        "Strip location and other metadata from every stored Wagtail image "
        "and delete the renditions of the images that changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the ids of the images that carry metadata. Nothing is changed.",
        )

    def handle(self, *args, dry_run=False, **options):
        images = get_image_model().objects.order_by("pk")
        checked = changed = unreadable = 0
        for image in images.iterator(chunk_size=200):
            checked += 1
            try:
                if dry_run:
                    found = self._carries_metadata(image)
                else:
                    found = clean_existing_image(image)
            except OSError as error:
                unreadable += 1
                logger.warning(
                    "Image %s skipped: its file cannot be read (%s)",
                    image.pk,
                    type(error).__name__,
                )
                continue
            if found:
                changed += 1
                if dry_run:
                    self.stdout.write(f"image {image.pk}")

        if dry_run:
            self.stdout.write(f"{changed} of {checked} images carry metadata.")
        else:
            self.stdout.write(f"Cleaned {changed} of {checked} images.")
        if unreadable:
            self.stdout.write(f"{unreadable} images skipped: file not readable.")

    @staticmethod
    def _carries_metadata(image) -> bool:
        with image.file.storage.open(image.file.name, "rb") as stored:
            return strip_metadata(stored.read()) is not None
