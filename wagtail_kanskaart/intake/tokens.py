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

from ..conf import kanskaart_settings

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_salt() -> str:
    return secrets.token_hex(16)


def _hmac(purpose: str, value: str) -> bytes:
    key = kanskaart_settings.status_token_secret.encode()
    return hmac.new(key, f"kanskaart.{purpose}:{value}".encode(), hashlib.sha256).digest()


def token_for(salt: str) -> str:
    return base64.urlsafe_b64encode(_hmac("status", salt)).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    return "KK-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def resident_key(email: str, phone: str) -> str:
    """Return a keyed hash that is the same for the same e-mail address or phone.

    NOTE: the e-mail address goes first; a resident who uses her e-mail one
    time and only her phone the next gets two keys, so two caps.
    """
    identity = email.strip().lower() if email else phone.strip()
    return _hmac("resident", identity).hex()


def fingerprint(data: dict) -> str:
    """Return a stable hash of a request's answers, to recognise a true repeat."""
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list | tuple):
            value = sorted(str(item) for item in value)
        parts.append(f"{key}={value!s}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
