"""Signal handlers: keep a budget's account amount in step with its published page."""

import logging

from django.dispatch import receiver
from wagtail.signals import page_published

from .intake import ledger
from .models import BudgetPage

logger = logging.getLogger("wagtail_kanskaart")


@receiver(page_published, sender=BudgetPage)
def sync_budget_amount(sender, instance, **kwargs):
    """Give the account the amount of the revision that was just published.

    The page form refuses an amount below what is granted, but an old
    revision can be published without that form; then the account keeps its
    amount and the refusal is logged.
    """
    try:
        ledger.set_amount(instance, instance.amount)
    except ledger.LedgerError:
        logger.warning(
            "Budget %s published with an amount below what is granted; "
            "the account keeps its amount",
            instance.pk,
        )
