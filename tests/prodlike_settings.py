"""Production settings for tests that run a real server: static files straight from the apps (no collectstatic).

Everything else is `clinic.settings.prod`: DEBUG off, the pool, the security headers, the page cache, the logs.
"""

from clinic.settings.prod import *  # noqa: F403
from clinic.settings.prod import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
