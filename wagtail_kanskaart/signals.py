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

    ``BudgetPage.clean`` refuses an amount below what is granted, both in the
    page form and when Wagtail saves a published revision. A grant made
    between that check and this signal can still leave the amount too low;
    then the account keeps its amount and a warning is logged.
    """
    try:
        ledger.set_amount(instance, instance.amount)
    except ledger.LedgerError:
        logger.warning(
            "Budget %s published with an amount below what is granted; "
            "the account keeps its amount",
            instance.pk,
        )
