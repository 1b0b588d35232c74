"""RSS 2.0 and Atom feeds of a municipality's published stories.

Served as routes of ``MunicipalityPage`` (``verhalen/rss/`` and
``verhalen/atom/``). Items carry the story's title, address, a plain-text
description, dates and the first photo; never an author or other personal
data.
"""

import mimetypes
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.rich_text import expand_db_html

from .transparency import (
    first_story_photo,
    local_date,
    public_stories,
    redact_contact_details,
)

# The newest stories a feed lists.
FEED_ITEM_COUNT = 20

# A story without an introduction gets this many words of its text.
DESCRIPTION_WORDS = 60

FEED_IMAGE_SPEC = "max-1200x1200"


def story_description(story) -> str:
    """Return a story's introduction, or the start of its text, as plain text."""
    text = story.intro or strip_tags(expand_db_html(story.body or ""))
    text = " ".join(text.split())
    return redact_contact_details(Truncator(text).words(DESCRIPTION_WORDS))


class StoryRssFeed(Feed):
    """The newest published stories of one municipality as RSS 2.0."""

    feed_type = Rss201rev2Feed

    # The route name of this feed on MunicipalityPage.
    route_name = "stories_rss"

    def __call__(self, request, *args, **kwargs):
        # Addresses come from the Wagtail Site of the pages, as in the
        # sitemap; the request is needed to find it.
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, municipality):
        return municipality

    def title(self, municipality):
        return _("Stories from %(municipality)s") % {"municipality": municipality.title}

    def description(self, municipality):
        return _(
            "What residents of %(municipality)s did with their neighbourhood ideas."
        ) % {"municipality": municipality.title}

    # Feed readers show the feed's language; the stories are in the site's.
    language = settings.LANGUAGE_CODE

    def link(self, municipality):
        return municipality.get_full_url(self.request)

    def feed_url(self, municipality):
        return municipality.get_full_url(self.request) + municipality.reverse_subpage(
            self.route_name
        )

    def items(self, municipality):
        return public_stories(municipality)[:FEED_ITEM_COUNT]

    def item_title(self, story):
        return story.title

    def item_description(self, story):
        # RSS descriptions and Atom's <summary type="html"> are HTML, and the
        # story's text is plain text: escaped once here, the resident's "<"
        # stays a "<" in the reader instead of becoming markup.
        return escape(story_description(story))

    def item_link(self, story):
        return story.get_full_url(self.request)

    def item_guid(self, story):
        # A tag URI (RFC 4151) from the page id and the first publication
        # date, so it stays the same when the story's slug changes.
        host = urlsplit(story.get_full_url(self.request)).hostname
        day = local_date(story.first_published_at or story.latest_revision_created_at)
        return f"tag:{host},{day.isoformat()}:kanskaart-story-{story.pk}"

    def item_guid_is_permalink(self, story):
        return False

    def item_pubdate(self, story):
        return story.first_published_at

    def item_updateddate(self, story):
        return story.last_published_at or story.first_published_at

    def item_enclosures(self, story):
        photo = first_story_photo(story)
        if photo is None:
            return []
        try:
            rendition = photo.image.get_rendition(FEED_IMAGE_SPEC)
            size = rendition.file.size
        except OSError:  # Wagtail's SourceImageIOError and PIL's errors are OSErrors
            # A missing or broken file leaves the item without its photo.
            return []
        mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        # A relative rendition address (local media) joins the story's site;
        # an absolute one (object storage) stays as it is.
        url = urljoin(story.get_full_url(self.request), rendition.url)
        return [Enclosure(url, str(size), mime_type)]


class StoryAtomFeed(StoryRssFeed):
    """The newest published stories of one municipality as Atom."""

    feed_type = Atom1Feed
    route_name = "stories_atom"

    def subtitle(self, municipality):
        return self.description(municipality)

    def author_name(self, municipality):
        # Atom requires an author; the municipality publishes the feed.
        return municipality.title
