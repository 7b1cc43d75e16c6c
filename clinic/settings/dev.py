"""Local development: DEBUG on, an insecure key that production refuses, SQLite unless DATABASE_URL says otherwise."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"  # noqa: F405
# No page cache while developing, so an edited template shows on the next reload (PAGE_CACHE_SECONDS=600 to try it).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "0"))
