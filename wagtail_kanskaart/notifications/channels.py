"""Notification channels: how a message reaches its recipient.

A channel is a class path in ``KANSKAART_NOTIFICATION_CHANNELS`` with a
``send(message)`` method. ``send`` raises on failure; the outbox then
retries the message later.
"""

from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from ..conf import kanskaart_settings


@dataclass(frozen=True)
class Message:
    recipient: str
    subject: str
    body: str
    language: str


class BaseChannel:
    """Subclass this and implement ``send``."""

    def __init__(self, **options):
        self.options = options

    def send(self, message: Message) -> None:
        raise NotImplementedError


class EmailChannel(BaseChannel):
    """Send with Django's configured e-mail backend."""

    def send(self, message: Message) -> None:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=kanskaart_settings.from_email,
            to=[message.recipient],
        ).send(fail_silently=False)


class MemoryChannel(BaseChannel):
    """Keep messages in a list instead of sending them; for tests and demos."""

    outbox: list[Message] = []

    def send(self, message: Message) -> None:
        MemoryChannel.outbox.append(message)


def get_channel(name: str) -> BaseChannel | None:
    """Return the configured channel called ``name``, or None when there is none."""
    configured = kanskaart_settings.NOTIFICATION_CHANNELS.get(name)
    if configured is None:
        return None
    if isinstance(configured, dict):
        return import_string(configured["CLASS"])(**configured.get("OPTIONS", {}))
    return import_string(configured)()
