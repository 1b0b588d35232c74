from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from ..conf import kanskaart_settings


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Space(ClusterableModel):
    """A room residents can book, with its opening hours and capacity."""

    municipality = models.ForeignKey(
        "wagtail_kanskaart.MunicipalityPage",
        on_delete=models.CASCADE,
        related_name="spaces",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    neighbourhoods = ParentalManyToManyField(
        "wagtail_kanskaart.Neighbourhood",
        blank=True,
        related_name="spaces",
        verbose_name=_("neighbourhoods"),
        help_text=_("Leave empty to offer this room to every neighbourhood."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("How many people fit in the room."),
    )
    manager_name = models.CharField(_("manager's name"), max_length=100, blank=True)
    manager_email = models.EmailField(
        _("manager's e-mail address"),
        blank=True,
        help_text=_("Gets a message for every booking."),
    )
    active = models.BooleanField(_("bookable"), default=True)

    panels = [
        FieldPanel("municipality"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("neighbourhoods"),
        FieldPanel("capacity"),
        MultiFieldPanel(
            [FieldPanel("manager_name"), FieldPanel("manager_email")],
            heading=_("Manager"),
        ),
        FieldPanel("active"),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("day")),
    ]

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SpaceOpeningHours(Orderable):
    """One opening period of a space on one weekday."""

    space = ParentalKey(Space, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def clean(self):
        # TODO: opening hours across midnight are refused; each period lies
        # within one day, so a room open 20:00-02:00 needs two periods.
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError(
                {"closes": _("Closing time must be after opening time.")}
            )


class SpaceBooking(models.Model):
    """A booked period of a space for one request."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    space = models.ForeignKey(
        Space,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("space"),
    )
    request = models.ForeignKey(
        "wagtail_kanskaart.InitiativeRequest",
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("request"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    people = models.PositiveIntegerField(_("number of people"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.BOOKED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="kanskaart_booking_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["space", "starts_at"])]

    def __str__(self):
        return f"{self.space} {self.starts_at:%Y-%m-%d %H:%M}"


def support_kind_choices():
    return list(kanskaart_settings.SUPPORT_KINDS)


class SupportContact(models.Model):
    """A community worker who helps residents in some neighbourhoods."""

    municipality = models.ForeignKey(
        "wagtail_kanskaart.MunicipalityPage",
        on_delete=models.CASCADE,
        related_name="support_contacts",
        verbose_name=_("municipality"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("The resident sees this name, for example: Fatima."),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=100,
        blank=True,
        help_text=_("The resident sees this too, for example: the community team."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    neighbourhoods = models.ManyToManyField(
        "wagtail_kanskaart.Neighbourhood",
        blank=True,
        related_name="support_contacts",
        verbose_name=_("neighbourhoods"),
        help_text=_("Leave empty for every neighbourhood."),
    )
    kinds = models.JSONField(
        _("kinds of support"),
        default=list,
        blank=True,
        help_text=_("Leave empty for every kind of support."),
    )
    response_days = models.PositiveSmallIntegerField(
        _("contacts the resident within (days)"), default=2
    )
    active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("municipality"),
        FieldPanel("name"),
        FieldPanel("organisation"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("neighbourhoods"),
        FieldPanel("kinds"),
        FieldPanel("response_days"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = _("support contact")
        verbose_name_plural = _("support contacts")
        ordering = ["name"]

    def __str__(self):
        return self.name
