"""Visit counts of the card addresses: one number per neighbourhood and day."""

import datetime
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from ..conf import kanskaart_settings
from ..models import CardVisit, InitiativeRequest

# The source stored on a request that was sent from the form opened by a card.
CARD_SOURCE = "card"

# The admin shows the visits of this many days, today included.
RECENT_DAYS = 30


def today() -> datetime.date:
    """Return today's date in the site's time zone (Europe/Amsterdam by default)."""
    zone = zoneinfo.ZoneInfo(kanskaart_settings.TIME_ZONE)
    return timezone.now().astimezone(zone).date()


def count_visit(neighbourhood, day=None) -> None:
    """Add one visit to the neighbourhood's row of ``day`` (default today).

    The row is updated with ``visits + 1`` in SQL, so parallel visits never
    overwrite each other. The first visit of a day inserts the row. When
    two first visits insert at once, the unique constraint on
    (neighbourhood, day) rejects one insert, and that visit updates the
    row the other one created.
    """
    day = day or today()
    rows = CardVisit.objects.filter(neighbourhood=neighbourhood, day=day)
    if rows.update(visits=F("visits") + 1):
        return
    try:
        # A savepoint, so the failed insert does not break a surrounding
        # transaction.
        with transaction.atomic():
            CardVisit.objects.create(neighbourhood=neighbourhood, day=day, visits=1)
    except IntegrityError:
        rows.update(visits=F("visits") + 1)


def card_figures(neighbourhoods) -> dict[int, dict]:
    """Return per neighbourhood id its visits (recent and total) and card requests.

    Two grouped queries for all the neighbourhoods together; a neighbourhood
    without visits or requests gets zeros.
    """
    ids = [neighbourhood.pk for neighbourhood in neighbourhoods]
    first_recent_day = today() - datetime.timedelta(days=RECENT_DAYS - 1)
    figures = {
        pk: {"visits_recent": 0, "visits_total": 0, "card_requests": 0} for pk in ids
    }

    visits = (
        CardVisit.objects.filter(neighbourhood_id__in=ids)
        .values("neighbourhood_id")
        .annotate(
            total=Sum("visits"),
            recent=Sum("visits", filter=Q(day__gte=first_recent_day)),
        )
    )
    for row in visits:
        figures[row["neighbourhood_id"]]["visits_total"] = row["total"] or 0
        figures[row["neighbourhood_id"]]["visits_recent"] = row["recent"] or 0

    requests = (
        InitiativeRequest.objects.filter(neighbourhood_id__in=ids, source=CARD_SOURCE)
        .values("neighbourhood_id")
        .annotate(count=Count("pk"))
    )
    for row in requests:
        figures[row["neighbourhood_id"]]["card_requests"] = row["count"]
    return figures
