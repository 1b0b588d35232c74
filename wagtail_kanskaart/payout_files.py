"""The files editors download for a payout batch: a CSV list and a SEPA transfer.

Both contain IBANs and names, so only editors of the batch's municipality may
download them (see ``admin/payouts.py``).
"""

import csv
import io
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _

from .exports import spreadsheet_text
from .intake import payouts

# Characters outside SEPA's basic Latin set. Banks may reject them in names
# and remittance texts.
_NOT_SEPA_CHARACTER = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")

# The maximum length of the remittance text in pain.001.001.03 (Max140Text).
REMITTANCE_MAX_LENGTH = 140
# sepaxml 2.7 cuts names to 70 characters, although the schema allows 140.
NAME_MAX_LENGTH = 70


class DebtorMissing(Exception):
    """The municipality has no account to pay from yet."""


def sepa_text(value: str, max_length: int) -> str:
    """Return ``value`` in SEPA's basic Latin characters ("Müller & Zn": "Muller Zn").

    NOTE: a name in another script, such as Arabic, keeps no characters;
    the transfer then carries "-" as the name, which a bank may question.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = _NOT_SEPA_CHARACTER.sub(" ", without_accents)
    return " ".join(text.split())[:max_length]


def description(request_obj) -> str:
    """Return the remittance text, shown on the resident's bank statement."""
    return f"{request_obj.reference} {request_obj.title}"


def cents(amount) -> int:
    return int((amount * 100).to_integral_value())


def batch_csv(batch) -> str:
    """Return the batch as CSV: reference, account holder, IBAN, amount, description.

    Every text cell goes through ``spreadsheet_text``, because the account
    holder and the title are typed by residents. Amounts have a dot and two
    decimals ("150.00"), as the SEPA file has them.
    """
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [
            _("Reference"),
            _("Account holder"),
            _("IBAN"),
            _("Amount (€)"),
            _("Description"),
        ]
    )
    for item in payouts.batch_items(batch):
        writer.writerow(
            [
                spreadsheet_text(item.reference),
                spreadsheet_text(item.iban_holder),
                spreadsheet_text(item.iban),
                f"{item.amount:.2f}",
                spreadsheet_text(description(item)),
            ]
        )
    return output.getvalue()


def debtor_missing(municipality) -> bool:
    return not (municipality.payout_account_name and municipality.payout_iban)


def batch_sepa_xml(batch) -> bytes:
    """Return the batch as a SEPA credit transfer, pain.001.001.03, built with sepaxml.

    The municipality's payout account is the debtor. sepaxml validates the
    document against the pain.001.001.03 schema before returning it.
    Raises ``DebtorMissing`` when the municipality has no payout account,
    and ``sepaxml.validation.ValidationError`` when a value breaks the schema.
    """
    from sepaxml import SepaTransfer

    municipality = batch.municipality
    if debtor_missing(municipality):
        raise DebtorMissing(municipality.pk)

    config = {
        "name": sepa_text(municipality.payout_account_name, NAME_MAX_LENGTH),
        "IBAN": payouts.parse_iban(municipality.payout_iban),
        "batch": True,
        "currency": "EUR",
    }
    if municipality.payout_bic:
        config["BIC"] = municipality.payout_bic.replace(" ", "").upper()

    execution_date = batch.execution_date or timezone.localdate()
    transfer = SepaTransfer(config, schema="pain.001.001.03", clean=True)
    for item in payouts.batch_items(batch):
        transfer.add_payment(
            {
                "name": sepa_text(item.iban_holder, NAME_MAX_LENGTH) or "-",
                "IBAN": item.iban,
                "amount": cents(item.amount),
                "execution_date": execution_date,
                "description": sepa_text(description(item), REMITTANCE_MAX_LENGTH),
                "endtoend_id": item.reference,
            }
        )
    return transfer.export(validate=True)
