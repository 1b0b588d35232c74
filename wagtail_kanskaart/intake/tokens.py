"""Status tokens, references and resident keys.

A status token is 256 bits: an HMAC-SHA256 of a random per-request salt
under ``KANSKAART_STATUS_TOKEN_SECRET``. The database holds the salt and the
SHA-256 of the token, never the token, so a copy of the database alone opens
no status page. The token can be derived again, which lets an idempotent
repeat and the e-mail task show the same link.
"""

import base64
import hashlib
import hmac
import secrets

from django.db.models import Model

from ..conf import kanskaart_settings

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_salt() -> str:
    return secrets.token_hex(16)


def _hmac(purpose: str, value: str) -> bytes:
    key = kanskaart_settings.status_token_secret.encode()
    return hmac.new(
        key, f"kanskaart.{purpose}:{value}".encode(), hashlib.sha256
    ).digest()


def token_for(salt: str) -> str:
    return base64.urlsafe_b64encode(_hmac("status", salt)).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    return "KK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def resident_key(email: str, phone: str) -> str:
    """Return a keyed hash of the e-mail address, or of the phone without one.

    The same address in any letter case gives the same key. The phone must
    be in E.164 form already, as ``RequestForm`` returns it.
    """
    identity = email.strip().lower() if email else phone.strip()
    return _hmac("resident", identity).hex()


def phone_key(phone: str) -> str:
    """Return the keyed hash of a phone number, or "" without one.

    It equals ``resident_key("", phone)``, so a request with only a phone
    and a request with an e-mail address and the same phone find each other.
    """
    return resident_key("", phone) if phone else ""


def fingerprint(data: dict, municipality=None) -> str:
    """Return a stable hash of a request's answers, to recognise a true repeat.

    Model instances count by primary key, so two neighbourhoods with one
    name differ, and a renamed neighbourhood still matches. The municipality
    is part of the hash: one key sent to two municipalities is a conflict.
    """
    parts = [f"municipality={_fingerprint_value(municipality)}"]
    for key in sorted(data):
        parts.append(f"{key}={_fingerprint_value(data[key])}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _fingerprint_value(value) -> str:
    if isinstance(value, Model):
        return f"{value._meta.label_lower}:{value.pk}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ",".join(sorted(_fingerprint_value(item) for item in value)) + "]"
    return repr(value) if value is None else str(value)


def find_request(token: str, municipality=None):
    """Return the request this status token opens, or None.

    With ``municipality`` given, a request of another municipality is not
    found, so one municipality's pages never show another's requests.
    """
    from ..models import InitiativeRequest

    if not token:
        return None
    requests = InitiativeRequest.objects.filter(status_token_hash=hash_token(token))
    if municipality is not None:
        requests = requests.filter(municipality_id=municipality.pk)
    return requests.first()
