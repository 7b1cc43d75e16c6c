"""Signed, expiring, revocable preview links: a reviewer outside the admin can read a draft without an account.

The token signs the page and its `preview_key`; "Revoke preview links" gives the page a new key, so every link
given out before stops working at once.
"""

from datetime import timedelta

from django.conf import settings
from django.core.signing import BadSignature, TimestampSigner

SALT = "conditions.preview-link"


def make_token(page):
    return TimestampSigner(salt=SALT).sign(f"{page._meta.model_name}:{page.pk}:{page.preview_key}")


def read_token(token):
    """(model name, pk, key) from a token. Raises SignatureExpired once too old, BadSignature if forged."""
    max_age = timedelta(days=settings.PREVIEW_LINK_MAX_AGE_DAYS)
    parts = TimestampSigner(salt=SALT).unsign(token, max_age=max_age).split(":")
    if len(parts) != 3:
        raise BadSignature("An old or malformed preview link")
    model_name, pk, key = parts
    return model_name, int(pk), key
