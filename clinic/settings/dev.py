"""Local development: DEBUG on, an insecure key that production refuses, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"  # noqa: F405
