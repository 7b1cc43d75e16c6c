"""Production: refuses to start without a real SECRET_KEY; secure cookies and HTTPS."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, SECURE_CSP, SECURE_CSP_ADMIN, STORAGES, env_bool

DEBUG = False

if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 40+ characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

# Media storage as base.py chose it (local disk, or the S3 bucket); static files hashed and compressed.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        from psycopg_pool import ConnectionPool

        # psycopg's pool replaces persistent connections (Django requires CONN_MAX_AGE = 0 with a pool). Each
        # connection is checked before use, so one broken by a database restart is replaced, not handed out; a
        # request that gets none within `timeout` seconds answers 503. Connections: workers x max_size.
        # clinic.postgresql: once the database is found unreachable, requests fail at once (cached copy or 503) and
        # a probe brings it back within a fraction of a second of PostgreSQL answering (clinic/db_health.py).
        _database["ENGINE"] = "clinic.postgresql"
        _database["CONN_MAX_AGE"] = 0
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
            "timeout": 3,
            "check": ConnectionPool.check_connection,
        }

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# One proxy, deploy/nginx.conf, on the same machine (gunicorn listens on 127.0.0.1 only). See base.py.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if SECURE_SSL_REDIRECT:
    SECURE_CSP = {**SECURE_CSP, "upgrade-insecure-requests": True}
    SECURE_CSP_ADMIN = {**SECURE_CSP_ADMIN, "upgrade-insecure-requests": True}
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment that is hard to undo, so it is opt-in (SECURE_HSTS_PRELOAD=1).
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405

if not os.environ.get("EMAIL_HOST"):
    # No SMTP server configured: hand mail to the local MTA rather than printing it to the console.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "localhost"}}}
