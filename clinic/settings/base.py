"""Settings shared by every environment. Values that differ per deployment come from the environment.

`dev.py` (local), `test.py` (pytest) and `prod.py` (servers) start with `from .base import *`.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

CLINIC_NAME = os.environ.get("CLINIC_NAME", "Riverside Pain & Spine Clinic")

INSTALLED_APPS = [
    "clinic.admin_apps.ClinicAdminConfig",  # django.contrib.admin with the clinic's admin site (clinic/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production (WhiteNoise) does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # full-text search and trigram lookups (inactive on SQLite)
    "django_ckeditor_5",
    "adminsortable2",
    "reversion",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",  # appointment requests (practice/views.py); its checks look at the cache
    # This project: the site itself (cache, media, backups, health), its content, the people, imports.
    "clinic",
    "conditions",
    "practice",
    "clinicians",
    "accounts",
    "importing",
]

MIDDLEWARE = [
    # First: times the whole request, gives it an id (X-Request-ID) and logs it as one JSON line.
    "clinic.middleware.RequestLogMiddleware",
    # Before anything that may query: public reads get short database timeouts (clinic/db_budget.py).
    "clinic.db_budget.PublicReadBudgetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 400 for a NUL byte anywhere in the request: PostgreSQL refuses NUL in text, so no view may ever see one.
    "clinic.middleware.RejectNulMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so it can hand admin responses the admin's own policy first.
    "clinic.middleware.AdminContentSecurityPolicyMiddleware",
    # Anonymous visitors get cached public pages: after the HTTPS redirect, inside the CSP middleware (a copy
    # never stores the policy header: every response gets its own).
    "clinic.cache.PageCacheMiddleware",
    # A view that cannot reach the database answers the cached page or a branded 503 (handler500 does the rest).
    "clinic.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks sessions verified by a TOTP code; then staff who must use two-factor are sent to verify or enrol.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # 404 for an admin address that names no object: an id that cannot be one ("abc"), or one that does not exist.
    "clinic.middleware.AdminObjectIdMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses (renamed slugs, the WordPress site's URLs) answer 301 instead of 404.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]
SITE_ID = 1
# The site's public host name (e.g. www.example-clinic.org): the Site row that password-reset e-mails, review
# reminders, the sitemap and the feeds link to. `migrate` writes it there; `check --deploy` refuses a default.
SITE_DOMAIN = os.environ.get("SITE_DOMAIN", "")
if os.environ.get("DATABASE_REPLICA_URL"):
    # Lets anonymous page views read from the replica (clinic/db_routers.py).
    _position = MIDDLEWARE.index("clinic.middleware.DatabaseUnavailableMiddleware") + 1
    MIDDLEWARE.insert(_position, "clinic.db_routers.ReplicaMiddleware")

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.site",
                "practice.context_processors.clinic_details",  # after `site`: the admin-edited name wins
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

# SQLite by default so a new user needs nothing else; PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    ),
}
# Read replicas: anonymous page views read from DATABASE_REPLICA_URL, everything else from the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["clinic.db_routers.PrimaryReplicaRouter"]
_prepare_threshold = os.environ.get("DB_PREPARE_THRESHOLD", "5")
_prepare_threshold = None if _prepare_threshold.lower() in {"", "off", "none"} else int(_prepare_threshold)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).update(
            {
                # Give up on an unreachable server quickly; the page answers 503 instead of hanging.
                "connect_timeout": int(os.environ.get("DB_CONNECT_TIMEOUT", "5")),
                # A runaway query is cancelled (the page answers 503) rather than holding a connection, and so is
                # one waiting that long for a lock (an editor's save behind a migration). Long maintenance jobs can
                # run with DB_STATEMENT_TIMEOUT_MS=0 and DB_LOCK_TIMEOUT_MS=0 (no limit). Public pages get shorter
                # ones per request (PUBLIC_DB_*, clinic/db_budget.py).
                "options": (
                    f"-c statement_timeout={int(os.environ.get('DB_STATEMENT_TIMEOUT_MS', '5000'))}"
                    f" -c lock_timeout={int(os.environ.get('DB_LOCK_TIMEOUT_MS', '2000'))}"
                    " -c plan_cache_mode=force_custom_plan"  # prepared statements too: see prepare_threshold
                ),
                # A server that stops answering on an idle pooled connection (a dead host, a dropped network
                # path) is noticed by TCP within a minute instead of the kernel's two hours; a hung server that still
                # acknowledges packets is caught by clinic/db_health.py.
                "keepalives": 1,
                "keepalives_idle": 30,
                "keepalives_interval": 10,
                "keepalives_count": 3,
                "tcp_user_timeout": 30000,
                # Parameters travel apart from the SQL (server-side binding), so a query has the same text whatever
                # its values, and psycopg prepares it on a connection once it has run DB_PREPARE_THRESHOLD times:
                # PostgreSQL then parses it once per connection instead of every time (a condition page's three
                # queries: 2.3 → 1.6 ms). Each run is still planned for its own values (plan_cache_mode above): a
                # generic plan made the research sidebar's query slower. Behind PgBouncer in transaction mode older
                # than 1.21 (no prepared statements), set DB_PREPARE_THRESHOLD=off.
                "server_side_binding": True,
                "prepare_threshold": _prepare_threshold,
            }
        )

# --- Accounts -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for a locked-out username + IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so hashes made by older settings still verify (and are upgraded to Argon2 on login).
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Brute-force protection on the admin login: lock a username + IP pair after AXES_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))  # None would be forever
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Lockouts count per client address: the real one, read from X-Forwarded-For as the proxies in front of the app
# set it (accounts/client_address.py, with django-ipware). TRUSTED_PROXY_COUNT is how many proxies there are: 0 when
# browsers reach the app directly (runserver), 1 behind deploy/nginx.conf, 2 with a load balancer before nginx.
# Too high lets a client forge its address; too low makes every client the proxy, so anyone can lock anyone out.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"

# Staff sessions end after this much idle time (each request renews the cookie).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "60")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Clinic CMS")
# The admin's device pages never show an authenticator's secret or QR code: whoever could read it (an Administrator
# may list and delete devices) could make that person's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- E-mail (review reminders, password reset) ----------------------------------------------------
# Console locally: messages are printed where the server runs. Production sets EMAIL_HOST (SMTP).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Clinic CMS <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Twelve characters of "a" (or "ab" repeated) pass the length rule but are guessed at once.
    {"NAME": "accounts.validators.DistinctCharactersValidator", "OPTIONS": {"min_distinct": 5}},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded media in an S3-compatible bucket when one is named (credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role); MEDIA_ROOT on local disk otherwise.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME") or os.environ.get("S3_BUCKET", "")
MEDIA_CSP_SOURCES = env_list("MEDIA_CSP_SOURCES")  # where pages may load media from, besides this site
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "clinic.storages.MediaStorage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # MinIO, R2, ...; None means AWS
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None  # e.g. a CDN in front of the bucket
    AWS_LOCATION = os.environ.get("AWS_LOCATION", "media")
    AWS_DEFAULT_ACL = None  # the bucket's policy decides who may read
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH", False)  # public images: plain, cacheable URLs
    AWS_S3_FILE_OVERWRITE = False
    if not MEDIA_CSP_SOURCES:
        if AWS_S3_CUSTOM_DOMAIN:
            MEDIA_CSP_SOURCES = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
        elif AWS_S3_ENDPOINT_URL:
            MEDIA_CSP_SOURCES = [AWS_S3_ENDPOINT_URL.rstrip("/")]
        else:
            MEDIA_CSP_SOURCES = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com", "https://*.amazonaws.com"]

# Uploaded images: largest accepted size, for hero images and images in the rich-text editor.
MAX_IMAGE_UPLOAD_MB = int(os.environ.get("MAX_IMAGE_UPLOAD_MB", "5"))

# Medical review: a page is due for review this many months after its last review.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("REVIEW_INTERVAL_MONTHS", "12"))
# Review reminders go to page owners this many days before the due date.
REVIEW_REMINDER_DAYS = int(os.environ.get("REVIEW_REMINDER_DAYS", "30"))
# Signed preview links for reviewers outside the admin stay valid this many days.
PREVIEW_LINK_MAX_AGE_DAYS = int(os.environ.get("PREVIEW_LINK_MAX_AGE_DAYS", "14"))

# Citation imports (importing/): the largest file accepted, where an upload waits between the admin's preview and
# its confirmation (at most an hour; with several app servers, a folder they share; empty: the system's temp folder),
# and the Crossref/NCBI look-ups' timeout and contact address (default DEFAULT_FROM_EMAIL).
CITATION_IMPORT_MAX_MB = int(os.environ.get("CITATION_IMPORT_MAX_MB", "10"))
CITATION_IMPORT_DIR = os.environ.get("CITATION_IMPORT_DIR", "")
CITATION_LOOKUP_TIMEOUT = float(os.environ.get("CITATION_LOOKUP_TIMEOUT", "5"))
CITATION_LOOKUP_CONTACT = os.environ.get("CITATION_LOOKUP_CONTACT", "")

# How many related research articles a condition page's sidebar shows at most.
# Appointment requests (practice/): how many one address may send, and how long they are kept.
APPOINTMENT_REQUEST_RATE = os.environ.get("APPOINTMENT_REQUEST_RATE", "5/h")
APPOINTMENT_RETENTION_DAYS = int(os.environ.get("APPOINTMENT_RETENTION_DAYS", "90"))
SIDEBAR_ARTICLE_LIMIT = int(os.environ.get("SIDEBAR_ARTICLE_LIMIT", "8"))
RESEARCH_PAGE_SIZE = 20
# A larger A–Z index lists one letter at a time, in pages of this many conditions (conditions/views.py).
CONDITION_INDEX_PAGE_SIZE = 60
# A home page with more conditions links to the A–Z index by body region and letter instead of listing them.
HOME_CONDITION_LIMIT = 24

# --- Rich text: CKEditor 5 (django-ckeditor-5), GPL-2.0-or-later ---------------------------------------
# Only what a medical article needs is on the toolbar; the bundle's source editing, HTML embed, Markdown
# and full-page plugins are removed, so the editor never produces raw HTML the sanitizer would have to drop.
CKEDITOR_5_CONFIGS = {
    "default": {
        "removePlugins": [
            "SourceEditing",
            "HtmlEmbed",
            "Markdown",
            "FullPage",
            "MediaEmbed",
            "Style",
            "Font",
            "Highlight",
            "CodeBlock",
            "Mention",
        ],
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "link",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "insertTable",
                "uploadImage",
                "|",
                "undo",
                "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        # Page sections are <h2>; headings inside a section start one level below.
        "heading": {
            "options": [
                {"model": "paragraph", "title": "Paragraph", "class": "ck-heading_paragraph"},
                {"model": "heading3", "view": "h3", "title": "Heading", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "Subheading", "class": "ck-heading_heading4"},
            ],
        },
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption"],
        },
        "table": {
            "contentToolbar": ["tableColumn", "tableRow", "mergeTableCells", "toggleTableCaption"],
        },
        "link": {"defaultProtocol": "https://"},
    },
}
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "editor-image-upload"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png", "gif", "webp"]
CKEDITOR_5_MAX_FILE_SIZE = MAX_IMAGE_UPLOAD_MB
# Uploads get random names; the uploader's file name never reaches the server's disk or the page.
CKEDITOR_5_FILE_STORAGE = (
    "clinic.storages.EditorUploadStorage" if AWS_STORAGE_BUCKET_NAME else "clinic.media.RandomNameStorage"
)
# CKEDITOR_5_IMAGE_CLEANUP stays off: it deletes every file whose basename any <img src> names.

LOGIN_URL = "admin:login"

# The admin's address. Moving it (ADMIN_URL=staff-7f3k/) keeps drive-by password guessing off the login page.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Sessions live in the database, so any app server behind the load balancer can serve any visitor; a cookie
# that cannot be a session key never reaches the database (clinic/sessions.py).
SESSION_ENGINE = "clinic.sessions"

# --- Security headers ------------------------------------------------------------------------------
# Public pages run no inline script or style (CSS is a file) and need no nonce: their only inline <script>s are
# JSON-LD data blocks, which script-src does not govern. So a cached page shares no nonce between visitors.
# Nothing may frame the site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *MEDIA_CSP_SOURCES],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The admin and CKEditor 5 (clinic.middleware.AdminContentSecurityPolicyMiddleware): CKEditor positions its
# panels with style="" attributes (style-src-attr) and shows images being uploaded as data:/blob: URLs. Style
# sheets and scripts stay 'self' plus the admin's per-request nonce: no inline <style> or <script>, no eval.
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],  # admin pages are never cached: a fresh nonce on every response
    "style-src": [CSP.SELF, CSP.NONCE],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *MEDIA_CSP_SOURCES],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
# A patient's page address (a condition's name) is not sent to other sites.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page here uses are switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# JavaScript never needs the CSRF cookie: CKEditor 5's upload adapter falls back to the form's token.
CSRF_COOKIE_HTTPONLY = True

# --- Cache ---------------------------------------------------------------------------------------------
# One cache shared by every process of the site, never per-process memory: a page withdrawn in the admin must
# vanish from every gunicorn worker at once (clinic/cache.py keeps its generation number here).
# - Redis when REDIS_URL is set: shared by every app server (several machines need it).
# - Otherwise files in CACHE_DIR: shared by the processes of one machine, nothing to install. Not the database
#   cache: the last good copies must outlive a database outage, and on SQLite every cache write would take the
#   database's single write lock that editors' saves and sessions need.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "cache"))
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis with 0.25 s timeouts and a circuit breaker (clinic/cache_backends.py): a Redis that is down or
            # hung costs milliseconds; pages are then rendered from the database.
            "BACKEND": "clinic.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "clinic"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CACHE_DIR),
            # Two entries per cached page (the copy and its last good copy); beyond this a third are removed.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Rate limits (django-ratelimit) count in the shared cache, so every worker and app server sees the same count.
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = [
    # Its list of supported backends predates Django's own RedisCache, whose INCR is atomic like django-redis's.
    "django_ratelimit.W001",
    # SQLite has no covering indexes: it creates the listing indexes without their included columns, which only
    # PostgreSQL's index-only scans use (conditions/models/indexes.py).
    "models.W040",
]
if not REDIS_URL:
    # FileBasedCache's increment is not atomic: two requests at the same instant may both pass the limit's last
    # slot. For a limit of a few requests an hour per address that is harmless; production uses Redis.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
# Rendered public pages (clinic/cache.py): emptied whenever content changes, so the lifetime only bounds
# memory. The "last good" copy of each page is what visitors get while the database is down.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))  # 0 turns the page cache off
PAGE_CACHE_LAST_GOOD_SECONDS = int(os.environ.get("PAGE_CACHE_LAST_GOOD_SECONDS", str(7 * 24 * 3600)))
# While the cache (Redis) cannot be reached, each process serves the pages it rendered itself while the content
# version in the database is unchanged (a withdrawal anywhere ends that at once), for at most
# PAGE_CACHE_FALLBACK_MAX_SECONDS (a page scheduled meanwhile goes live within it). Copies that could not be checked
# against the database (taken from Redis just before it failed, or the database fails too) are served only
# PAGE_CACHE_FALLBACK_SECONDS after they were last known current (0: no per-process copies at all).
PAGE_CACHE_FALLBACK_SECONDS = float(os.environ.get("PAGE_CACHE_FALLBACK_SECONDS", "1"))
PAGE_CACHE_FALLBACK_MAX_SECONDS = float(os.environ.get("PAGE_CACHE_FALLBACK_MAX_SECONDS", "60"))
# HTTP caching of the same pages (clinic/http_cache.py): browsers keep a page PAGE_CACHE_BROWSER_SECONDS (they
# cannot be purged: 0, they revalidate with ETag and get a 304); a proxy or CDN keeps it PAGE_CACHE_SHARED_SECONDS
# (s-maxage), long only when PAGE_CACHE_PURGE tells it about changes (clinic/purge.py, docs/deploy.md):
# PAGE_CACHE_PURGE_BACKEND=varnish (VARNISH_PURGE_URLS, comma-separated), cloudflare (CLOUDFLARE_ZONE_ID,
# CLOUDFLARE_API_TOKEN) or fastly (FASTLY_SERVICE_ID, FASTLY_API_TOKEN).
PAGE_CACHE_BROWSER_SECONDS = int(os.environ.get("PAGE_CACHE_BROWSER_SECONDS", "0"))
_purge_backend = os.environ.get("PAGE_CACHE_PURGE_BACKEND", "")
PAGE_CACHE_PURGE = {
    "": None,
    "varnish": {
        "BACKEND": "clinic.purge.VarnishPurge",
        "OPTIONS": {"urls": [url for url in os.environ.get("VARNISH_PURGE_URLS", "").split(",") if url]},
    },
    "cloudflare": {
        "BACKEND": "clinic.purge.CloudflarePurge",
        "OPTIONS": {
            "zone_id": os.environ.get("CLOUDFLARE_ZONE_ID"),
            "api_token": os.environ.get("CLOUDFLARE_API_TOKEN"),
        },
    },
    "fastly": {
        "BACKEND": "clinic.purge.FastlyPurge",
        "OPTIONS": {"service_id": os.environ.get("FASTLY_SERVICE_ID"), "api_token": os.environ.get("FASTLY_API_TOKEN")},
    },
}[_purge_backend]
PAGE_CACHE_SHARED_SECONDS = int(
    os.environ.get("PAGE_CACHE_SHARED_SECONDS", str(PAGE_CACHE_SECONDS) if PAGE_CACHE_PURGE else "0")
)
# Part of every page key: the deployed release (e.g. the commit); empty means a digest of the code and templates.
PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")
# While the database is unreachable: 503 with this Retry-After (unless a cached copy of the page exists).
OUTAGE_RETRY_AFTER_SECONDS = 30
# Public reads (GET/HEAD outside the admin) wait this long for a lock and a statement (clinic/db_budget.py): their
# queries take milliseconds, and a request waiting longer only holds a thread that cached pages need.
PUBLIC_DB_LOCK_TIMEOUT_MS = int(os.environ.get("PUBLIC_DB_LOCK_TIMEOUT_MS", "100"))
PUBLIC_DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("PUBLIC_DB_STATEMENT_TIMEOUT_MS", "2000"))
# /readyz: a real query on this content table, cancelled after this many milliseconds (clinic/db_health.py).
READINESS_MODEL = "conditions.Condition"
READINESS_TIMEOUT_MS = int(os.environ.get("READINESS_TIMEOUT_MS", "1000"))

# --- Logs: one JSON object per line on stdout (LOG_FORMAT=text for plain lines), with the request id ---------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clinic.log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "clinic.log.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("LOG_FORMAT", "json"),
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "INFO"}},
}
