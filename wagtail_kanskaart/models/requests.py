from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    GRANTED = "granted", _("granted")
    IN_REVIEW = "in_review", _("in review")
    DECLINED = "declined", _("declined")
    PAID = "paid", _("paid")
    COMPLETED = "completed", _("completed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class NeedKind(models.TextChoices):
    SUPPORT = "support", _("support")
    SPACE = "space", _("space")
    BUDGET = "budget", _("budget")


class NeedStatus(models.TextChoices):
    ARRANGED = "arranged", _("arranged")
    IN_REVIEW = "in_review", _("in review")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class InitiativeRequest(models.Model):
    """The private intake record of one idea: answers, contact and status.

    Holds personal data. Nothing here is shown on public pages or in the
    public API; the public side of an idea is its :class:`InitiativePage`.
    """

    reference = models.CharField(_("reference"), max_length=16, unique=True)
    municipality = models.ForeignKey(
        "wagtail_kanskaart.MunicipalityPage",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("municipality"),
    )
    neighbourhood = models.ForeignKey(
        "wagtail_kanskaart.Neighbourhood",
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("neighbourhood"),
    )
    budget = models.ForeignKey(
        "wagtail_kanskaart.BudgetPage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("budget"),
    )
    initiative_page = models.ForeignKey(
        "wagtail_kanskaart.InitiativePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("initiative page"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        db_index=True,
    )

    # The answers, with the field names the form and the API share.
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    needs = models.JSONField(_("needs"), default=list)
    budget_amount = models.DecimalField(
        _("amount asked (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    budget_purpose = models.TextField(_("what the money is for"), blank=True)
    space_date = models.DateField(_("date"), null=True, blank=True)
    space_start = models.TimeField(_("from"), null=True, blank=True)
    space_end = models.TimeField(_("until"), null=True, blank=True)
    space_people = models.PositiveIntegerField(
        _("number of people"), null=True, blank=True
    )
    support_kind = models.CharField(_("kind of support"), max_length=32, blank=True)
    support_note = models.TextField(_("note for the community worker"), blank=True)

    # Personal data.
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    consent = models.BooleanField(_("consent given"), default=False)
    # Where the money goes. Given by the resident on her status page once
    # money is granted; shown only to editors of the municipality.
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    iban_holder = models.CharField(_("account holder"), max_length=70, blank=True)
    iban_given_at = models.DateTimeField(_("IBAN given at"), null=True, blank=True)
    payout_batch = models.ForeignKey(
        "wagtail_kanskaart.PayoutBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("payout batch"),
    )
    # Keyed hashes of the contact details, so the per-resident cap can find a
    # resident's other requests without comparing personal data.
    resident_key = models.CharField(
        _("resident key"),
        max_length=64,
        db_index=True,
        editable=False,
        help_text=_(
            "A keyed hash of the e-mail address, or of the phone number without one."
        ),
    )
    phone_key = models.CharField(
        _("phone key"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("A keyed hash of the phone number, if one was given."),
    )

    # The status link. The token itself is derived from the salt with a
    # server secret and is never stored; only its SHA-256 is.
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_salt = models.CharField(max_length=32, editable=False)
    idempotency_key = models.CharField(
        max_length=128, unique=True, null=True, blank=True, editable=False
    )
    payload_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    story_page = models.ForeignKey(
        "wagtail_kanskaart.StoryPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("story"),
        help_text=_("The story the resident wrote about her initiative."),
    )

    source = models.CharField(_("source"), max_length=16, default="form")
    language = models.CharField(_("language"), max_length=8, default="nl")
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def need(self, kind):
        return next((n for n in self.need_set.all() if n.kind == kind), None)


class RequestNeed(models.Model):
    """The decision on one need of a request, and what was arranged."""

    request = models.ForeignKey(
        InitiativeRequest,
        on_delete=models.CASCADE,
        related_name="need_set",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("need"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, db_index=True
    )
    reason = models.CharField(
        _("reason"),
        max_length=32,
        blank=True,
        help_text=_("A code for why the need waits for an editor."),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind"], name="kanskaart_need_once_per_request"
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.status}"
