from django.db import models
from django.utils.translation import gettext_lazy as _


class CardVisit(models.Model):
    """How often a neighbourhood's card address was opened on one day.

    Only a count per day is kept: no address, cookie or device, so the
    numbers show which cards work without revealing who used them.
    """

    neighbourhood = models.ForeignKey(
        "wagtail_kanskaart.Neighbourhood",
        on_delete=models.CASCADE,
        related_name="card_visits",
        verbose_name=_("neighbourhood"),
    )
    day = models.DateField(_("day"))
    visits = models.PositiveIntegerField(_("visits"), default=0)

    class Meta:
        verbose_name = _("card visits")
        verbose_name_plural = _("card visits")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "day"], name="kanskaart_card_visit_day_unique"
            )
        ]

    def __str__(self):
        return f"{self.neighbourhood} {self.day}: {self.visits}"
