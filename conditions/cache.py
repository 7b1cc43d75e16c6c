"""A cache of rendered public pages, emptied the moment an editor saves, publishes or deletes anything.

- Every page key contains a *generation* number kept in the cache itself. Any change to content (a save, a delete,
  a re-linked treatment: the signals connected in `ConditionsConfig.ready()`) bumps it, so every app server stops
  serving the old copies at once without knowing their keys; the old copies simply expire.
- A page scheduled for later (`published_at` in the future) bumps the generation when its time comes: the time is
  remembered when the page is saved, and cached copies never outlive it.
- Only anonymous (no session cookie) GET/HEAD requests for public pages are cached, and only 200 responses without
  cookies and without `Cache-Control: private/no-cache/no-store`: staff previews and drafts never are.
- Keys also contain the release (`release()`): pages rendered by the previous deploy are never served by the next.
- Each page also keeps a longer-lived "last good copy", which is what `clinic.outage` serves while the database is
  down (see `cached_copy`).

Local memory by default (one cache per process), Redis when `REDIS_URL` is set (shared by every app server).
A cache that cannot be reached is skipped, never an error: the page is rendered from the database instead.
"""

import functools
import hashlib
import logging
import os
import pickle
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve

logger = logging.getLogger("conditions.cache")

GENERATION_KEY = "pagecache:generation"
SCHEDULE_KEY = "pagecache:schedule"
#: Apps whose models appear on public pages. Any change to one of their rows empties the page cache.
CONTENT_APPS = {"conditions", "redirects", "sites"}
#: Public URL names outside the `conditions` namespace that are cached too.
CACHED_URL_NAMES = {"sitemap", "robots-txt"}
#: Never cached, whatever their headers say: signed draft previews.
UNCACHED_URL_NAMES = {"preview"}
MAX_PATH_LENGTH = 2000
MAX_SCHEDULED = 200
# Per-request headers that a copy must not repeat.
UNCACHED_HEADERS = {"set-cookie", "x-request-id", "date"}


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# --- The generation ---------------------------------------------------------------------------------------


def bump_generation():
    """Make every cached page stale. Starts from the clock when the number is missing (evicted, Redis restarted),
    so a number that keyed pages before is never used again."""
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        cache.incr(GENERATION_KEY)


def _current_state(cache):
    """(generation, next scheduled publication as a UNIX time or None); bumps the generation once a schedule is due."""
    values = cache.get_many([GENERATION_KEY, SCHEDULE_KEY])
    generation, schedule = values.get(GENERATION_KEY), values.get(SCHEDULE_KEY) or []
    now = time.time()
    if schedule and schedule[0] <= now:
        bump_generation()
        cache.set(SCHEDULE_KEY, [moment for moment in schedule if moment > now], timeout=None)
        generation, schedule = cache.get(GENERATION_KEY), [moment for moment in schedule if moment > now]
    if generation is None:
        bump_generation()
        generation = cache.get(GENERATION_KEY)
    return generation, (schedule[0] if schedule else None)


def _remember_schedule(instance):
    published_at = getattr(instance, "published_at", None)
    if published_at is None or getattr(instance, "status", None) != "published":
        return
    moment = published_at.timestamp()
    if moment <= time.time():
        return
    cache = page_cache()
    schedule = cache.get(SCHEDULE_KEY) or []
    cache.set(SCHEDULE_KEY, sorted({*schedule, moment})[:MAX_SCHEDULED], timeout=None)


def content_changed(sender, instance=None, **kwargs):
    """Signal receiver: content changed, so no cached page may be served any more.

    Bumped at once (and again once the transaction commits: a page rendered between the save and the commit
    would otherwise be stored under the new generation with the old content).
    """
    if sender._meta.app_label not in CONTENT_APPS or kwargs.get("action", "post_").startswith("pre_"):
        return
    try:
        bump_generation()
        if instance is not None and kwargs.get("signal") is post_save:
            _remember_schedule(instance)
        transaction.on_commit(_bump_quietly, robust=True)
    except Exception:  # noqa: BLE001 - a cache outage must not stop an editor from saving; copies expire anyway
        logger.exception("Could not invalidate the page cache")


def _bump_quietly():
    try:
        bump_generation()
    except Exception:  # noqa: BLE001 - see content_changed
        logger.exception("Could not invalidate the page cache")


def connect_signals():
    for name, signal in {"post_save": post_save, "post_delete": post_delete, "m2m_changed": m2m_changed}.items():
        signal.connect(content_changed, dispatch_uid=f"page-cache-{name}")


# --- Which requests and responses ---------------------------------------------------------------------------


def is_public_page(request):
    path = request.path_info
    if len(path) > MAX_PATH_LENGTH:
        return False
    try:
        match = resolve(path)
    except (Resolver404, UnicodeError):
        return False
    if match.url_name in UNCACHED_URL_NAMES:
        return False
    return match.namespace == "conditions" or match.url_name in CACHED_URL_NAMES


def is_cacheable_request(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and len(request.META.get("QUERY_STRING", "")) <= MAX_PATH_LENGTH
        and is_public_page(request)
    )


def is_storable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(response, "page_cache", None):  # already a copy (or the outage fallback): never store it again
        return False
    directives = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-cache", "no-store"}


def _page_digest(request):
    raw = f"{request.scheme}|{request.get_host()}|{request.get_full_path()}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


# What a release consists of: a changed template, view or stylesheet (its hashed name is in every page) must not
# be hidden behind pages rendered by the previous release.
RELEASE_SUFFIXES = {".py", ".html", ".css", ".js", ".txt", ".svg"}
RELEASE_SKIPPED_DIRS = {".git", ".venv", "node_modules", "media", "staticfiles", "tests", "test-artifacts", "backups",
                        "bench", "docs", "deploy", "scripts", "__pycache__"}  # fmt: skip


@functools.cache
def release():
    """PAGE_CACHE_RELEASE (e.g. the deployed commit), else a digest of the code, templates and static files."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE[:40]
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in RELEASE_SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(directory, name)
            if path.suffix in RELEASE_SUFFIXES:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _page_key(generation, digest):
    return f"pagecache:page:{release()}:{generation}:{digest}"


def _last_good_key(digest):
    return f"pagecache:last-good:{digest}"


def _pack(response):
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNCACHED_HEADERS]
    return zlib.compress(pickle.dumps((response.status_code, headers, response.content)), 1)


def _unpack(packed, label):
    status, headers, content = pickle.loads(zlib.decompress(packed))
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = label
    response.page_cache = label
    return response


# --- The middleware ------------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous visitors the cached copy of a public page; store fresh ones.

    Sits after SecurityMiddleware (HTTPS redirect, HSTS and the other security headers apply to copies too) and
    before ContentSecurityPolicyMiddleware, so a stored copy keeps the policy (and nonce) it was rendered with.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not is_cacheable_request(request):
            return self.get_response(request)
        cache = page_cache()
        digest = _page_digest(request)
        try:
            generation, next_change = _current_state(cache)
            packed = cache.get(_page_key(generation, digest))
            if packed is not None:
                return _unpack(packed, "hit")
        except Exception:  # noqa: BLE001 - cache down: render from the database
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)

        response = self.get_response(request)
        if request.method == "GET" and is_storable_response(response):
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change is not None:  # never serve a copy past the moment a scheduled page goes live
                timeout = max(1, min(timeout, int(next_change - time.time())))
            try:
                packed = _pack(response)
                cache.set(_page_key(generation, digest), packed, timeout=timeout)
                cache.set(_last_good_key(digest), packed, timeout=settings.PAGE_CACHE_LAST_GOOD_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("Could not store a page in the cache", exc_info=True)
            response["X-Page-Cache"] = "miss"
            response.page_cache = "miss"
        return response


def cached_copy(request):
    """For the outage handler: the current copy of this page, else its last good copy, else None."""
    if request.method not in ("GET", "HEAD") or not is_public_page(request):
        return None
    cache = page_cache()
    digest = _page_digest(request)
    try:
        generation = cache.get(GENERATION_KEY)
        packed = cache.get(_page_key(generation, digest)) if generation is not None else None
        if packed is None:
            packed = cache.get(_last_good_key(digest))
    except Exception:  # noqa: BLE001 - no cache either: the caller answers 503
        logger.warning("Page cache unavailable during a database outage", exc_info=True)
        return None
    if packed is None:
        return None
    return _unpack(packed, "stale")
