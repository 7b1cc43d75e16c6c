"""A cache of rendered public pages, emptied the moment an editor saves, publishes or deletes anything.

- Which pages: the views marked with `cached_page()` (in the URLconfs), with the query parameters each reads.
  Which content: the models an app hands to `watch()` in its `ready()`.
- Every page key contains a *generation* kept in the cache itself. Any change to content (a save, a delete, a
  re-linked treatment of a watched model) replaces it, so every process and every
  app server stops serving the old copies at once without knowing their keys; the old copies simply expire.
- A page scheduled for later (`published_at` in the future) replaces the generation when its time comes: the time is
  remembered when the page is saved, and cached copies never outlive it.
- Only anonymous (no session cookie) GET/HEAD requests for public pages are cached, and only 200 responses without
  cookies and without `Cache-Control: private/no-cache/no-store`: staff previews and drafts never are. Search
  results never are (free text: every query would be an entry).
- Only canonical addresses are stored: a page's meaningful query parameters (`cached_page(params=...)`) with values its
  view understood (`understood_query`). A request with other parameters, blanks or invalid values is served the
  canonical copy if there is one, else rendered, and never stored: junk neither fills the cache nor evicts.
- Keys also contain the release (`release()`): pages rendered by the previous deploy are never served by the next.
- Each page also keeps a longer-lived "last good copy", which is what `clinic.outage` serves while the database is
  down (see `cached_copy`). When a page leaves the site (withdrawn, moved to a future date, deleted), every last
  good copy rendered before is retired: they may show or list that page.
- Copies never store the Content-Security-Policy header: each response gets its own from the CSP middleware.

The cache is shared by every process (files in CACHE_DIR by default; Redis, shared by every app server, when
REDIS_URL is set): per-process memory would keep serving a withdrawn page from the workers that did not save it.
A cache that cannot be reached is skipped, never an error: the page is rendered from the database instead, and each
process keeps what it rendered for PAGE_CACHE_FALLBACK_SECONDS (`_fallback_copy`), so a Redis outage costs one render
per page, process and period rather than one per visit.
"""

import functools
import hashlib
import logging
import os
import pickle
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from .cache_backends import CacheUnavailable
from .requests import is_anonymous_read

logger = logging.getLogger("clinic.cache")

GENERATION_KEY = "pagecache:generation"
SCHEDULE_KEY = "pagecache:schedule"
#: Replaced whenever a page leaves the site: last good copies stored under another value are never served.
LAST_GOOD_EPOCH_KEY = "pagecache:last-good-epoch"
MAX_PATH_LENGTH = 2000
MAX_SCHEDULED = 200
# Per-request headers that a copy must not repeat. The policy is written afresh for each response (its nonce, if
# a policy ever uses one, must never be shared between visitors).
UNCACHED_HEADERS = {"set-cookie", "x-request-id", "date", "content-security-policy",
                    "content-security-policy-report-only"}  # fmt: skip


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


# --- The generation ---------------------------------------------------------------------------------------


def _new_value():
    return uuid.uuid4().hex


def bump_generation():
    """Make every cached page stale.

    A new random value rather than an increment: the file cache increments by reading then writing, so two
    processes bumping at once could both write the same number, and a page rendered in between would stay cached.
    Two writes of new values always leave a value no page was stored under before.
    """
    page_cache().set(GENERATION_KEY, _new_value(), timeout=None)


def retire_last_good_copies():
    """A page left the site: no last good copy stored before may be served in an outage (it may show or list it)."""
    page_cache().set(LAST_GOOD_EPOCH_KEY, _new_value(), timeout=None)


def _current_state(cache):
    """(generation, next scheduled publication as a UNIX time or None, last good epoch).

    Replaces the generation once a schedule is due; creates what is missing (evicted, or a new cache).
    """
    values = cache.get_many([GENERATION_KEY, SCHEDULE_KEY, LAST_GOOD_EPOCH_KEY])
    generation, schedule = values.get(GENERATION_KEY), values.get(SCHEDULE_KEY) or []
    now = time.time()
    if schedule and schedule[0] <= now:
        bump_generation()
        schedule = [moment for moment in schedule if moment > now]
        cache.set(SCHEDULE_KEY, schedule, timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        bump_generation()
        generation = cache.get(GENERATION_KEY)
    epoch = values.get(LAST_GOOD_EPOCH_KEY)
    if epoch is None:
        cache.add(LAST_GOOD_EPOCH_KEY, _new_value(), timeout=None)
        epoch = cache.get(LAST_GOOD_EPOCH_KEY)
    return generation, (schedule[0] if schedule else None), epoch


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


def _is_page(model):
    """Models with their own public address and a publication status (a `published()` queryset)."""
    return hasattr(model._default_manager.all(), "published")


def note_visibility(sender, instance, **kwargs):
    """pre_save/pre_delete receiver: whether this page is public right now, as stored (one query, pages only).

    Raw saves too: a history restore (django-reversion) or a restored backup writes over an existing row.
    """
    if instance.pk is None or not _is_page(sender):
        return
    instance._page_cache_was_public = sender._default_manager.filter(pk=instance.pk).published().exists()


def content_changed(sender, instance=None, **kwargs):
    """Signal receiver: content changed, so no cached page may be served any more.

    Bumped at once (and again once the transaction commits: a page rendered between the save and the commit
    would otherwise be stored under the new generation with the old content). A page that leaves the site also
    retires the last good copies, at once and again on commit for the same reason.
    """
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    clear_fallback()
    signal = kwargs.get("signal")
    was_public = signal in (post_save, post_delete) and getattr(instance, "_page_cache_was_public", False)
    left_the_site = was_public and (signal is post_delete or not instance.is_published)
    try:
        bump_generation()
        if left_the_site:
            retire_last_good_copies()
        if instance is not None and signal is post_save:
            _remember_schedule(instance)
        transaction.on_commit(_retire_quietly if left_the_site else _bump_quietly, robust=True)
    except Exception:  # noqa: BLE001 - a cache outage must not stop an editor from saving; copies expire anyway
        logger.exception("Could not invalidate the page cache")


def _bump_quietly():
    try:
        bump_generation()
    except Exception:  # noqa: BLE001 - see content_changed
        logger.exception("Could not invalidate the page cache")


def _retire_quietly():
    try:
        bump_generation()
        retire_last_good_copies()
    except Exception:  # noqa: BLE001 - see content_changed
        logger.exception("Could not invalidate the page cache")


def watch(*models):
    """Any change to a row of these models (saved, deleted, re-linked) empties the page cache: called by each app
    whose models appear on public pages, in its `ready()`. Many-to-many fields are watched through their tables."""
    for model in models:
        label = model._meta.label
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{label}")
        if _is_page(model):
            pre_save.connect(note_visibility, sender=model, dispatch_uid=f"page-cache-pre-save-{label}")
            pre_delete.connect(note_visibility, sender=model, dispatch_uid=f"page-cache-pre-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through._meta.label}")


def cached_page(view, params=()):
    """Mark a public view's pages as cacheable, reading the query parameters `params` (used in URLconfs).

    The parameters are part of a page's key; the view reads no others, so a request with other parameters gets the
    same page as without them. Unmarked views (search results, previews, the admin) are never cached.
    """

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.page_cache_params = tuple(params)
    return page


# --- Which requests and responses ---------------------------------------------------------------------------


def cached_view_params(request):
    """The query parameters of the public page asked for, if its view is marked with `cached_page()`, else None."""
    path = request.path_info
    if len(path) > MAX_PATH_LENGTH:
        return None
    try:
        match = resolve(path)
    except (Resolver404, UnicodeError):
        return None
    return getattr(match.func, "page_cache_params", None)


def is_cacheable_request(request):
    return is_anonymous_read(request) and len(request.META.get("QUERY_STRING", "")) <= MAX_PATH_LENGTH


def understood_query(request, **values):
    """For views with query parameters: the values they used (valid and cleaned; None or "" for "not used").

    Returns them without the blanks, for building canonical links. Only a request whose parameters are exactly
    these is stored in the cache, so an unknown parameter, a blank or an invalid value never adds an entry.
    """
    request.page_cache_query = {name: str(value) for name, value in values.items() if value not in (None, "")}
    return dict(request.page_cache_query)


def _asks_for_canonical_page(request):
    """Every parameter once, none blank, each one the view understood (see `understood_query`)."""
    given = request.GET
    if any(len(given.getlist(name)) != 1 for name in given):
        return False
    return given.dict() == getattr(request, "page_cache_query", {})


def is_storable_response(response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(response, "page_cache", None):  # already a copy (or the outage fallback): never store it again
        return False
    if hasattr(response, "_csp_config"):  # a view's own policy (csp_override) could not be rebuilt for a copy
        return False
    directives = {part.strip().split("=")[0].lower() for part in response.get("Cache-Control", "").split(",")}
    return not directives & {"private", "no-cache", "no-store"}


def _page_digest(request, names):
    """The page's identity: its address with only the parameters its view reads (sorted; last value of each, as
    forms read them; blanks left out)."""
    given = request.GET
    query = urlencode(sorted((name, given[name]) for name in names if given.get(name)))
    raw = f"{request.scheme}|{request.get_host()}|{request.path}|{query}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


# What a release consists of: a changed template, view or stylesheet (its hashed name is in every page) must not
# be hidden behind pages rendered by the previous release.
RELEASE_SUFFIXES = {".py", ".html", ".css", ".js", ".txt", ".svg"}
RELEASE_SKIPPED_DIRS = {".git", ".venv", "node_modules", "media", "staticfiles", "tests", "test-artifacts", "backups",
                        "bench", "docs", "deploy", "scripts", "__pycache__", "cache"}  # fmt: skip


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
        if name.lower() not in UNCACHED_HEADERS:  # copies stored by an earlier release may still hold a policy
            response[name] = value
    response["X-Page-Cache"] = label
    response.page_cache = label
    return response


# --- The middleware ------------------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve anonymous visitors the cached copy of a public page; store fresh ones of canonical addresses.

    Sits after SecurityMiddleware (HTTPS redirect, HSTS and the other security headers apply to copies too) and
    inside ContentSecurityPolicyMiddleware, which writes each response's policy, copies included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not is_cacheable_request(request):
            return self.get_response(request)
        params = cached_view_params(request)
        if params is None:
            return self.get_response(request)
        cache = page_cache()
        digest = _page_digest(request, params)
        try:
            generation, next_change, epoch = _current_state(cache)
            packed = cache.get(_page_key(generation, digest))
            if packed is not None:
                return _unpack(packed, "hit")
        except Exception as error:  # noqa: BLE001 - cache down: render from the database
            if not isinstance(error, CacheUnavailable):  # that one is logged once, by the circuit breaker
                logger.warning("Page cache unavailable", exc_info=True)
            return self.render_without_shared_cache(request, digest)

        response = self.get_response(request)
        if request.method == "GET" and _asks_for_canonical_page(request) and is_storable_response(response):
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change is not None:  # never serve a copy past the moment a scheduled page goes live
                timeout = max(1, min(timeout, int(next_change - time.time())))
            try:
                packed = _pack(response)
                cache.set(_page_key(generation, digest), packed, timeout=timeout)
                cache.set(_last_good_key(digest), (epoch, packed), timeout=settings.PAGE_CACHE_LAST_GOOD_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("Could not store a page in the cache", exc_info=True)
            response["X-Page-Cache"] = "miss"
            response.page_cache = "miss"
        return response

    def render_without_shared_cache(self, request, digest):
        packed = _fallback_copy(digest)
        if packed is not None:
            return _unpack(packed, "local")
        response = self.get_response(request)
        if request.method == "GET" and _asks_for_canonical_page(request) and is_storable_response(response):
            _keep_fallback(digest, _pack(response))
        return response


# --- While the shared cache fails ----------------------------------------------------------------------------
# Per-process copies, used only while the shared cache cannot be reached, and only for PAGE_CACHE_FALLBACK_SECONDS:
# a change made meanwhile by another process shows within that time (its invalidation cannot reach a cache that is
# down anyway); a change made in this process empties them at once.
FALLBACK_MAX_ENTRIES = 500
_fallback = OrderedDict()
_fallback_lock = threading.Lock()


def _fallback_copy(digest):
    with _fallback_lock:
        entry = _fallback.get(digest)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]


def _keep_fallback(digest, packed):
    if settings.PAGE_CACHE_FALLBACK_SECONDS <= 0:
        return
    with _fallback_lock:
        _fallback[digest] = (time.monotonic() + settings.PAGE_CACHE_FALLBACK_SECONDS, packed)
        _fallback.move_to_end(digest)
        while len(_fallback) > FALLBACK_MAX_ENTRIES:
            _fallback.popitem(last=False)


def clear_fallback():
    with _fallback_lock:
        _fallback.clear()


def cached_copy(request):
    """For the outage handler: the current copy of this page, else its last good copy if no page has left the site
    since it was stored, else None."""
    params = cached_view_params(request) if request.method in ("GET", "HEAD") else None
    if params is None:
        return None
    cache = page_cache()
    digest = _page_digest(request, params)
    try:
        values = cache.get_many([GENERATION_KEY, LAST_GOOD_EPOCH_KEY])
        generation, epoch = values.get(GENERATION_KEY), values.get(LAST_GOOD_EPOCH_KEY)
        packed = cache.get(_page_key(generation, digest)) if generation is not None else None
        if packed is None and epoch is not None:
            last_good = cache.get(_last_good_key(digest))
            if isinstance(last_good, tuple) and len(last_good) == 2 and last_good[0] == epoch:
                packed = last_good[1]
    except Exception:  # noqa: BLE001 - no shared cache either: this process's own copy, else the caller answers 503
        logger.warning("Page cache unavailable during a database outage", exc_info=True)
        packed = _fallback_copy(digest)
        return None if packed is None else _unpack(packed, "local")
    if packed is None:
        return None
    return _unpack(packed, "stale")
