"""Settings for pytest: fast password hashing, in-memory e-mail and cache, plain static storage."""

import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process per test: the rate limit's count needs no sharing between processes here.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405
# Uploaded files land in a temp dir; tests/conftest.py gives each test its own.
MEDIA_ROOT = tempfile.mkdtemp(prefix="clinic-test-media-")
# Serve static files from the apps' folders without collectstatic (as runserver does).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_VERBOSE = False
