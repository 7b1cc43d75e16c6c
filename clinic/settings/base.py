"""Settings shared by every environment. Values that differ per deployment come from the environment.

`dev.py` (local), `test.py` (pytest) and `prod.py` (servers) start with `from .base import *`.
"""

import os
from pathlib import Path

import dj_database_url

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
    "django.contrib.admin",
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
    "django_ckeditor_5",
    "conditions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses (renamed slugs, the WordPress site's URLs) answer 301 instead of 404.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]
SITE_ID = 1

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conditions.context_processors.site",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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

# Uploaded images: largest accepted size, for hero images and images in the rich-text editor.
MAX_IMAGE_UPLOAD_MB = int(os.environ.get("MAX_IMAGE_UPLOAD_MB", "5"))

# How many related research articles a condition page's sidebar shows at most.
SIDEBAR_ARTICLE_LIMIT = int(os.environ.get("SIDEBAR_ARTICLE_LIMIT", "8"))
RESEARCH_PAGE_SIZE = 20

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
CKEDITOR_5_FILE_STORAGE = "conditions.uploads.RandomNameStorage"
# CKEDITOR_5_IMAGE_CLEANUP stays off: it deletes every file whose basename any <img src> names.

LOGIN_URL = "admin:login"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "INFO"}},
}
