"""Assign a community worker to a request."""

from django.db.models import Q

from ..models import SupportContact

ASSIGNED = "assigned"
NO_CONTACT = "no_contact"


def find_contact(municipality, neighbourhood, kind):
    """Return the best active contact for this neighbourhood and kind, or None.

    A contact named for the neighbourhood goes before one for every
    neighbourhood, and one named for the kind before one for every kind.
    """
    contacts = (
        SupportContact.objects.filter(municipality=municipality, active=True)
        .filter(Q(neighbourhoods=neighbourhood) | Q(neighbourhoods__isnull=True))
        .prefetch_related("neighbourhoods")
        .distinct()
        .order_by("name", "pk")
    )
    matching = [c for c in contacts if not c.kinds or kind in c.kinds]

    def rank(contact):
        return (not contact.neighbourhoods.all(), not contact.kinds)

    matching.sort(key=rank)
    return matching[0] if matching else None
