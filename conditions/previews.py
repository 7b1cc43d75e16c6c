"""Signed, expiring preview links: a reviewer outside the admin can read a draft without an account."""

from datetime import timedelta

from django.conf import settings
from django.core.signing import TimestampSigner

SALT = "conditions.preview-link"


def make_token(page):
    return TimestampSigner(salt=SALT).sign(f"{page._meta.model_name}:{page.pk}")


def read_token(token):
    """(model name, pk) from a token. Raises SignatureExpired once too old, BadSignature if forged."""
    max_age = timedelta(days=settings.PREVIEW_LINK_MAX_AGE_DAYS)
    model_name, pk = TimestampSigner(salt=SALT).unsign(token, max_age=max_age).split(":")
    return model_name, int(pk)
