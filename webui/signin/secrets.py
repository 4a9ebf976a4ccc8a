"""The client secret at rest: encrypted with a key derived from DJANGO_SECRET_KEY,
so a copy of the database alone does not hand out the organisation's secret. A new
DJANGO_SECRET_KEY means the beheerders enter their client secrets again."""

import base64
import hashlib

from django.conf import settings

from cryptography.fernet import Fernet, InvalidToken


def _fernet() -> Fernet:
    digest = hashlib.sha256(
        b"wegwijs-signin-client-secret:" + settings.SECRET_KEY.encode()
    ).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def secret_open(sealed: str) -> str:
    """The secret, or "" when it cannot be read (another DJANGO_SECRET_KEY)."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""
