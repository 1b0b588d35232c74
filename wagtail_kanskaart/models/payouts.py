from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PayoutBatch(models.Model):
    """A set of granted requests that an editor pays out in one bank transfer file.

    A batch is open until an editor marks it paid; only then does the ledger
    move the reserved money to paid, for every request in it. A cancelled
    batch stays as a record, because its file may have reached a bank, but
    its requests are released into the next batch.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    municipality = models.ForeignKey(
        "wagtail_kanskaart.MunicipalityPage",
        on_delete=models.PROTECT,
        related_name="payout_batches",
        verbose_name=_("municipality"),
    )
    reference = models.CharField(_("reference"), max_length=35, unique=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    total = models.DecimalField(
        _("total (€)"), max_digits=12, decimal_places=2, default=0
    )
    execution_date = models.DateField(_("payment date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    # The references of the requests at cancellation, because cancelling
    # takes the requests out of the batch. References hold no personal data.
    cancelled_requests = models.JSONField(
        _("requests at cancellation"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.reference
