from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .municipality import money_validators, optional_limit_field
from .page_forms import KanskaartPageForm


class BudgetPage(Page):
    """An editorial page for one fund and its period.

    The amount here is what the editor decides the fund holds. What is
    reserved and paid lives in :class:`BudgetAccount` and its ledger entries,
    so publishing or reverting a revision never changes money already granted.
    The account takes the amount when the page is published.
    """

    intro = RichTextField(_("introduction"), blank=True)
    amount = models.DecimalField(
        _("amount (€)"),
        max_digits=12,
        decimal_places=2,
        validators=money_validators,
        help_text=_("The total of this budget."),
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    neighbourhoods = ParentalManyToManyField(
        "wagtail_kanskaart.Neighbourhood",
        blank=True,
        related_name="budgets",
        verbose_name=_("neighbourhoods"),
        help_text=_("Leave empty for all neighbourhoods of the municipality."),
    )
    instant_grant_limit = optional_limit_field(
        _("instant grant limit (€)"), _("Leave empty to use the municipality's limit.")
    )
    max_request_amount = optional_limit_field(
        _("maximum per request (€)"), _("Leave empty to use the municipality's limit.")
    )
    resident_cap = optional_limit_field(
        _("maximum per resident (€)"), _("Leave empty to use the municipality's limit.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("amount"),
                FieldPanel("period_start"),
                FieldPanel("period_end"),
                FieldPanel("neighbourhoods"),
            ],
            heading=_("Budget"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("instant_grant_limit"),
                FieldPanel("max_request_amount"),
                FieldPanel("resident_cap"),
            ],
            heading=_("Limits"),
        ),
    ]

    base_form_class = KanskaartPageForm

    parent_page_types = ["wagtail_kanskaart.MunicipalityPage"]
    subpage_types = []
    template = "wagtail_kanskaart/budget_page.html"

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")

    def clean(self):
        # Wagtail also runs this when it saves a live page, so publishing any
        # revision (a revert or a scheduled publish included) with an amount
        # below what is granted raises ValidationError and changes nothing.
        super().clean()
        if (
            self.period_start
            and self.period_end
            and self.period_end < self.period_start
        ):
            raise ValidationError(
                {"period_end": _("The last day must be on or after the first day.")}
            )
        if self.pk and self.amount is not None:
            account = BudgetAccount.objects.filter(budget=self).first()
            if account and self.amount < account.committed:
                raise ValidationError(
                    {
                        "amount": _(
                            "The amount cannot be lower than what is already "
                            "granted: € %(committed)s."
                        )
                        % {
                            "committed": number_format(
                                account.committed,
                                decimal_pos=2,
                                use_l10n=True,
                                force_grouping=True,
                            )
                        }
                    }
                )

    def get_context(self, request, *args, **kwargs):
        from ..transparency import budget_ledger

        context = super().get_context(request, *args, **kwargs)
        # The public ledger, paginated with ?pagina=N, and the money totals.
        context.update(budget_ledger(self, request.GET.get("pagina")))
        return context


class BudgetAccount(models.Model):
    """The money of one budget: its amount and the running totals.

    The database refuses any row where reserved plus paid exceeds the amount.
    Only ``intake.ledger`` changes these totals, always together with a
    :class:`LedgerEntry`.
    """

    budget = models.OneToOneField(
        BudgetPage,
        on_delete=models.PROTECT,
        related_name="account",
        verbose_name=_("budget"),
    )
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    reserved = models.DecimalField(
        _("reserved (€)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    paid = models.DecimalField(
        _("paid (€)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = _("budget account")
        verbose_name_plural = _("budget accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(paid__gte=0) & Q(amount__gte=0),
                name="kanskaart_account_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=F("reserved") + F("paid")),
                name="kanskaart_account_within_amount",
            ),
        ]

    def __str__(self):
        return str(self.budget)

    @property
    def committed(self) -> Decimal:
        return self.reserved + self.paid

    @property
    def available(self) -> Decimal:
        return self.amount - self.reserved - self.paid


class LedgerEntry(models.Model):
    """One change to a budget account. Entries are never changed or deleted."""

    class Kind(models.TextChoices):
        RESERVE = "reserve", _("reserved")
        RELEASE = "release", _("released")
        PAY = "pay", _("paid out")

    account = models.ForeignKey(
        BudgetAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("budget account"),
    )
    request = models.ForeignKey(
        "wagtail_kanskaart.InitiativeRequest",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("request"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount (€)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="kanskaart_ledger_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} € {self.amount}"
