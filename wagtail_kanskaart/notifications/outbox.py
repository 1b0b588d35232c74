"""Queue notifications with a request and send them after the commit.

Rows are written in the intake transaction, so a message is never lost. A
task sends each one after the commit; a failure is stored with a later
``next_attempt_at`` and ``kanskaart_send_notifications`` tries again, with a
backoff that doubles per attempt, until ``KANSKAART_NOTIFICATION_MAX_ATTEMPTS``.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..conf import kanskaart_settings
from ..models import Notification, SpaceBooking
from ..models.requests import NeedKind
from .channels import Message, get_channel

logger = logging.getLogger("wagtail_kanskaart")

Audience = Notification.Audience

# The audiences of each event. An event that is not listed reaches the resident
# only. Every audience of an event needs the templates
# ``notifications/<event>_<audience>.txt`` and ``..._subject.txt``.
EVENT_AUDIENCES = {
    "submitted": frozenset(Audience.values),
    "withdrawn": frozenset(Audience.values),
    # An editor's decisions (intake.actions). Each action passes the subset
    # of these audiences that the change concerns.
    "approved": frozenset(
        {Audience.RESIDENT, Audience.SUPPORT, Audience.SPACE_MANAGER}
    ),
    "declined": frozenset(
        {Audience.RESIDENT, Audience.SUPPORT, Audience.SPACE_MANAGER}
    ),
    "booking_changed": frozenset({Audience.RESIDENT, Audience.SPACE_MANAGER}),
    "booking_cancelled": frozenset({Audience.RESIDENT, Audience.SPACE_MANAGER}),
    "support_reassigned": frozenset({Audience.RESIDENT, Audience.SUPPORT}),
    # The contact who helped before a reassignment; pass it as ``contact``.
    "support_released": frozenset({Audience.SUPPORT}),
}


def _recipients(request, event, bookings=None, contact=None):
    """Yield (audience, channel, address) for everyone who hears of this event.

    Space managers are those of ``bookings``, by default the request's
    active bookings, so the manager of a room booked earlier and cancelled
    since does not hear of later events. The support contact is
    ``contact``, by default the one the support need names now.
    """
    if request.email:
        yield Audience.RESIDENT, "email", request.email
    elif request.phone:
        yield Audience.RESIDENT, "sms", request.phone

    if contact is None:
        needs = {need.kind: need for need in request.need_set.all()}
        support_need = needs.get(NeedKind.SUPPORT)
        if support_need and "contact" in support_need.details:
            from ..models import SupportContact

            contact_id = support_need.details["contact"]
            contact = SupportContact.objects.filter(pk=contact_id).first()
    if contact and contact.email:
        yield Audience.SUPPORT, "email", contact.email

    if bookings is None:
        bookings = request.bookings.filter(status=SpaceBooking.Status.BOOKED)
        bookings = bookings.select_related("space")
    for booking in bookings:
        if booking.space.manager_email:
            yield Audience.SPACE_MANAGER, "email", booking.space.manager_email

    if request.municipality.editors_email:
        yield Audience.EDITORS, "email", request.municipality.editors_email


def queue_notifications(
    request, event, context=None, audiences=None, bookings=None, contact=None
):
    """Store the notifications of an event and send them after the commit.

    ``context`` is stored with each message and reaches its templates as
    ``data``; it must be JSON-serialisable. ``audiences`` overrides the
    event's entry in ``EVENT_AUDIENCES``. ``bookings`` lists the bookings
    whose space managers get the message. Pass the bookings an event
    cancels, because once cancelled they are no longer the active ones.
    ``contact`` is the ``SupportContact`` who hears of it, in place of the
    one the request's support need names now.
    """
    if audiences is None:
        audiences = EVENT_AUDIENCES.get(event, {Audience.RESIDENT})
    notifications = []
    seen = set()
    for audience, channel, address in _recipients(request, event, bookings, contact):
        if audience not in audiences or (audience, address) in seen:
            continue
        seen.add((audience, address))
        status = Notification.Status.PENDING
        if get_channel(channel) is None:
            status = Notification.Status.SKIPPED
        notifications.append(
            Notification.objects.create(
                request=request,
                event=event,
                audience=audience,
                channel=channel,
                recipient=address,
                status=status,
                context=context or {},
            )
        )
    pending = [n.pk for n in notifications if n.status == Notification.Status.PENDING]
    transaction.on_commit(lambda: enqueue(pending))
    return notifications


def queue_submit_notifications(request):
    return queue_notifications(request, "submitted")


def enqueue(notification_ids):
    from .tasks import send_notification

    for notification_id in notification_ids:
        try:
            send_notification.enqueue(notification_id)
        except Exception:
            # The row stays pending; kanskaart_send_notifications picks it up.
            logger.exception("Could not queue notification %s", notification_id)


def render(notification) -> Message:
    from ..intake.outcome import build_outcome
    from ..views.urls import status_url

    request = notification.request
    # Staff read the site's language; the resident reads the one she used.
    language = (
        request.language
        if notification.audience == Audience.RESIDENT
        else settings.LANGUAGE_CODE
    )
    with translation.override(language):
        context = {
            "request": request,
            "outcome": build_outcome(request, language),
            "status_url": status_url(request),
            "audience": notification.audience,
            "event": notification.event,
            "data": notification.context,
        }
        template = (
            "wagtail_kanskaart/notifications/"
            f"{notification.event}_{notification.audience}"
        )
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    return Message(
        recipient=notification.recipient,
        subject=" ".join(subject.split()),
        body=body,
        language=language,
    )


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2 ** min(attempts, 10))


def deliver(notification_id: int) -> str:
    """Send one due notification; on failure schedule the next attempt."""
    with transaction.atomic():
        # Lock only the notification row: locking the joined request and
        # municipality rows too would block every new request's foreign-key
        # check on that municipality while the message is being sent.
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("request__municipality")
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            # A second worker may hold an old id: skip what is not due yet.
            .exclude(next_attempt_at__gt=timezone.now())
            .first()
        )
        if notification is None:
            return "gone"
        channel = get_channel(notification.channel)
        if channel is None:
            notification.status = Notification.Status.SKIPPED
            notification.save(update_fields=["status"])
            return notification.status

        notification.attempts += 1
        try:
            channel.send(render(notification))
        except Exception as error:
            notification.last_error = f"{type(error).__name__}"[:200]
            if notification.attempts >= kanskaart_settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                logger.error(
                    "Notification %s failed for good after %s attempts: %s",
                    notification.pk,
                    notification.attempts,
                    notification.last_error,
                )
            else:
                delay = backoff(notification.attempts)
                notification.next_attempt_at = timezone.now() + delay
                logger.warning(
                    "Notification %s failed (attempt %s, %s); retrying after %s",
                    notification.pk,
                    notification.attempts,
                    notification.last_error,
                    notification.next_attempt_at.isoformat(),
                )
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save(
            update_fields=[
                "attempts",
                "status",
                "sent_at",
                "last_error",
                "next_attempt_at",
            ]
        )
        return notification.status


def deliver_due(limit=500) -> dict:
    """Send every pending notification whose next attempt is due; count results."""
    now = timezone.now()
    due = (
        Notification.objects.filter(status=Notification.Status.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {}
    for notification_id in list(due):
        status = deliver(notification_id)
        counts[status] = counts.get(status, 0) + 1
    return counts
