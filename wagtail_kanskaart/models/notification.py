from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An outgoing message, stored in the same transaction as its request.

    A background task sends it after the commit. A failed send stays here
    with a later ``next_attempt_at``, and ``kanskaart_send_notifications``
    retries it, so a broken mail server never loses a message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    class Audience(models.TextChoices):
        RESIDENT = "resident", _("resident")
        SUPPORT = "support", _("support contact")
        SPACE_MANAGER = "space_manager", _("space manager")
        EDITORS = "editors", _("editors")

    request = models.ForeignKey(
        "wagtail_kanskaart.InitiativeRequest",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("request"),
    )
    event = models.CharField(_("event"), max_length=32)
    # What the message needs beyond the request itself, such as an editor's
    # reason for a decline. The message is rendered from it when it is sent.
    context = models.JSONField(_("context"), default=dict, blank=True)
    audience = models.CharField(_("recipient"), max_length=16, choices=Audience.choices)
    channel = models.CharField(_("channel"), max_length=16, default="email")
    recipient = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.event} -> {self.audience} ({self.status})"
