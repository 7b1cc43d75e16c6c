"""A cache of rendered public pages: a save, publish or delete purges the pages that show what changed, at once.

- Which pages: the views marked with `cached_page()` (in the URLconfs), with the query parameters each reads.
  Which content: the models an app hands to `watch()` in its `ready()`.
- **Tags.** A view names what its page shows with `tag_page(request, *tags)` (`object_tag`, `list_tag` and the
  app's own). A change of a watched row names the tags it affects (the `tags` function given to `watch`); each tag
  has a *version* kept in the cache itself, replaced by the change, and a copy stored under older versions of
  any of its tags is never served again: every process and every app server stops serving exactly those pages at
  once without knowing their keys, and every other page stays cached. A page that names no tag depends on
  everything (`EVERYTHING`), and a model watched without a `tags` function empties the whole cache (the
  *generation*, also part of every key) on any change.
- Race-free: a copy is stored only if no tag changed while it was rendered (`SEQUENCE_KEY`, replaced before the
  tags of every change, is read before the page is rendered and again after its tags' versions).
- Warm after publish: once a change commits, the pages of the changed objects and their indexes are rendered again
  (`warm`), so the first visitor after a publish gets a cached page.
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
process keeps its own copies of the pages it rendered, served while the content version in the database
(clinic/content_version.py) is the one read before rendering them (`_fallback_copy`): a Redis outage costs one render
per page and process plus one small query per visit, and a page withdrawn through any process is gone at once.
"""

import contextvars
import functools
import hashlib
import io
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
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import content_version
from .cache_backends import CacheUnavailable
from .http_cache import add_http_caching_headers, conditional
from .purge import purge_downstream
from .requests import is_anonymous_read

logger = logging.getLogger("clinic.cache")

GENERATION_KEY = "pagecache:generation"
#: Replaced before any tag changes: a page rendered while it changed is not stored.
SEQUENCE_KEY = "pagecache:sequence"
#: What a page that names no tag depends on: bumped by every change.
EVERYTHING = "everything"
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


def object_tag(model, pk):
    """The tag of one row: every page showing it names it (`tag_page`), and any change of the row bumps it."""
    return f"{model._meta.label_lower}:{pk}"


def list_tag(model):
    """The tag of a model's listings (indexes, home, sitemap, feeds): bumped when a listed row changes."""
    return f"{model._meta.label_lower}:list"


def tag_page(request, *tags):
    """What the page being rendered shows, for its cached copy: a change bumping any of these tags purges it."""
    if not hasattr(request, "page_cache_tags"):
        request.page_cache_tags = set()
    request.page_cache_tags.update(str(tag) for tag in tags)


def _tag_key(tag):
    digest = hashlib.sha256(tag.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"pagecache:tag:{digest}"


def bump_tags(tags, downstream=False):
    """Purge every cached page that names one of these tags, in every process and on every app server; with
    `downstream`, in the proxy or CDN in front too (PAGE_CACHE_PURGE, clinic/purge.py)."""
    tags = {*tags, EVERYTHING}
    cache = page_cache()
    cache.set(SEQUENCE_KEY, _new_value(), timeout=None)  # first: a page rendered meanwhile is not stored
    cache.set_many({_tag_key(tag): _new_value() for tag in tags}, timeout=None)
    if downstream:
        purge_downstream(tags)


def _tag_versions(cache, tags):
    """{tag: version} for these tags; a tag without a version (new, or evicted) gets one, so an evicted tag can
    never make an old copy current again."""
    keys = {_tag_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    missing = {key: _new_value() for key in keys if key not in found}
    if missing:
        for key, value in missing.items():
            cache.add(key, value, timeout=None)
        found.update(cache.get_many(list(missing)))
    return {keys[key]: value for key, value in found.items()}


def retire_last_good_copies():
    """A page left the site: no last good copy stored before may be served in an outage (it may show or list it)."""
    page_cache().set(LAST_GOOD_EPOCH_KEY, _new_value(), timeout=None)


def _current_state(cache):
    """(generation, next scheduled publication as a UNIX time or None, last good epoch, sequence).

    Replaces the generation once a schedule is due; creates what is missing (evicted, or a new cache).
    """
    _write_missed_invalidations()
    values = cache.get_many([GENERATION_KEY, SCHEDULE_KEY, LAST_GOOD_EPOCH_KEY, SEQUENCE_KEY])
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
    sequence = values.get(SEQUENCE_KEY)
    if sequence is None:
        cache.add(SEQUENCE_KEY, _new_value(), timeout=None)
        sequence = cache.get(SEQUENCE_KEY)
    return generation, (schedule[0] if schedule else None), epoch, sequence


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
    """pre_save/pre_delete receiver: the page as stored (`_page_cache_stored`, a dict, or None for a new page) and
    whether it is public right now (`_page_cache_was_public`): one query, pages only.

    Raw saves too: a history restore (django-reversion) or a restored backup writes over an existing row.
    """
    if instance.pk is None or not _is_page(sender):
        return
    fields = [field.attname for field in sender._meta.concrete_fields if field.name != "search_vector"]
    stored = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    instance._page_cache_stored = stored
    instance._page_cache_was_public = bool(
        stored
        and stored["status"] == "published"
        and stored["published_at"] is not None
        and stored["published_at"] <= timezone.now()
        and stored.get("draft_of_id") is None
    )


#: {model: function(instance, **signal kwargs) -> tags, or None: the whole cache} (filled by `watch`)
_TAGGERS = {}


def content_changed(sender, instance=None, **kwargs):
    """Signal receiver: content changed, so the pages showing it may not be served any more.

    Purged at once (and again once the transaction commits: a page rendered between the save and the commit would
    otherwise be stored with the old content). A page that leaves the site also retires the last good copies, at
    once and again on commit for the same reason. After the commit, the changed pages are rendered again (`warm`).
    """
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    clear_fallback()
    signal = kwargs.get("signal")
    was_public = signal in (post_save, post_delete) and getattr(instance, "_page_cache_was_public", False)
    left_the_site = was_public and (signal is post_delete or not instance.is_published)
    try:
        tagger = _TAGGERS.get(sender)
        # No instance: a bulk change (an import) says only which model changed, so every page is purged.
        tags = None if tagger is None or instance is None else set(tagger(instance, **kwargs))
    except Exception:  # noqa: BLE001 - naming the tags read the database or the cache: purge everything instead
        logger.exception("Could not name the pages a change affects; the whole page cache is purged")
        tags = None
    _invalidate_or_remember(tags, left_the_site)
    if instance is not None and signal is post_save:
        try:
            _remember_schedule(instance)
        except Exception:  # noqa: BLE001 - a cache outage must not stop an editor from saving
            logger.exception("Could not remember when a scheduled page goes live")
    urls = _warm_urls(instance) if tags is not None else []
    after_commit = functools.partial(_after_commit, tags, left_the_site, urls)
    connection = transaction.get_connection()
    if connection.in_atomic_block or connection.get_autocommit():
        _bump_content_version_on_commit(connection)
        transaction.on_commit(after_commit, robust=True)
    else:  # manual transaction management (`flush` re-creating the Site): no commit hook to wait for
        content_version.bump()
        after_commit()


def _bump_content_version_on_commit(connection):
    """`content_version.bump` once a transaction commits, before its other callbacks: one UPDATE however many rows
    the transaction changed (an admin save with ten inline rows sent ten).

    Django keeps a transaction's callbacks in `connection.run_on_commit` and drops those registered inside a savepoint
    that rolls back, so one found there runs exactly when the change that registered it commits; a later change of
    the same transaction commits with it, or rolls back with a savepoint it was made in.
    """
    if not any(func is content_version.bump for _, func, _ in connection.run_on_commit):
        transaction.on_commit(content_version.bump, robust=True)


def _invalidate(tags, left_the_site, downstream=False):
    """`downstream` once the change committed: a proxy asked before could fetch the old page again."""
    if tags is None:
        bump_generation()
        bump_tags(())
        if downstream:
            purge_downstream(None)
    else:
        bump_tags(tags, downstream)
    if left_the_site:
        retire_last_good_copies()


# Invalidations this process could not write (the cache was down or hung): written, as a purge of everything, before
# it next reads the cache, so copies stored before a change are never served once the cache answers again.
_missed = {"bump": False, "retire": False}
_missed_lock = threading.Lock()


def _invalidate_or_remember(tags, left_the_site, downstream=False):
    """Whether the invalidation was written; if not, it is remembered (a cache outage must not stop an editor)."""
    try:
        _invalidate(tags, left_the_site, downstream)
    except Exception as error:  # noqa: BLE001
        with _missed_lock:
            _missed["bump"] = True
            _missed["retire"] = _missed["retire"] or left_the_site
        if not isinstance(error, CacheUnavailable):  # that one is logged once, by the circuit breaker
            logger.exception("Could not invalidate the page cache; done when it answers again")
        return False
    return True


def _after_commit(tags, left_the_site, urls):
    # The content version was bumped first (`_bump_content_version_on_commit`): other processes stop serving their own
    # copies even if Redis is unreachable.
    if _invalidate_or_remember(tags, left_the_site, downstream=True):
        _collect_warm(urls)


def _write_missed_invalidations():
    """Raises like any cache call if the cache still fails (the caller then treats it as unavailable)."""
    if not _missed["bump"]:
        return
    with _missed_lock:
        _invalidate(None, _missed["retire"])
        _missed.update(bump=False, retire=False)


def watch(*models, tags=None):
    """Any change to a row of these models (saved, deleted, re-linked) purges the pages that show it: called by each
    app whose models appear on public pages, in its `ready()`. `tags(instance, **signal kwargs)` names the tags the
    change affects (many-to-many changes get `action`, `reverse`, `model` and `pk_set`); without it, any change
    empties the whole cache. Many-to-many fields are watched through their tables."""
    for model in models:
        label = model._meta.label
        _TAGGERS[model] = tags
        post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{label}")
        if _is_page(model):
            pre_save.connect(note_visibility, sender=model, dispatch_uid=f"page-cache-pre-save-{label}")
            pre_delete.connect(note_visibility, sender=model, dispatch_uid=f"page-cache-pre-delete-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            _TAGGERS[through] = tags
            m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"page-cache-m2m-{through._meta.label}")


def cached_page(view, params=(), tags=()):
    """Mark a public view's pages as cacheable, reading the query parameters `params` (used in URLconfs).

    The parameters are part of a page's key; the view reads no others, so a request with other parameters gets the
    same page as without them. `tags`: what every page of this view shows (listings), in addition to what the view
    names itself with `tag_page`. Unmarked views (search results, previews, the admin) are never cached.
    """
    tags = tuple(tags)

    @functools.wraps(view)
    def page(request, *args, **kwargs):
        if tags:
            tag_page(request, *tags)
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


def _fresh(cache, key, entry, sequence):
    """The packed copy if every tag it was stored under still has the same version, else None.

    An entry also records the sequence (`SEQUENCE_KEY`) when its tags were last found current: while the sequence is
    the same, nothing changed anywhere and the tags need not be read. Otherwise they are, once, and the entry is
    stamped with the sequence read before them (a change since then shows in the next comparison).
    """
    if not (isinstance(entry, tuple) and len(entry) == 4):
        return None
    versions, packed, checked, expires = entry
    if sequence is not None and checked == sequence:
        return packed
    keys = {_tag_key(tag): version for tag, version in versions.items()}
    current = cache.get_many(list(keys))
    if not all(current.get(key) == version for key, version in keys.items()):
        return None
    if sequence is not None and expires - time.time() >= 1:
        cache.set(key, (versions, packed, sequence, expires), timeout=int(expires - time.time()))
    return packed


class PageCacheMiddleware:
    """Serve anonymous visitors the cached copy of a public page; store fresh ones of canonical addresses.

    Sits after SecurityMiddleware (HTTPS redirect, HSTS and the other security headers apply to copies too) and
    inside ContentSecurityPolicyMiddleware, which writes each response's policy, copies included. After any
    request whose changes committed, renders the changed pages again (`warm`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending_warm_urls.set(set())
        try:
            response = self.serve(request)
        finally:
            urls = _pending_warm_urls.get()
            _pending_warm_urls.reset(token)
        if urls and not getattr(request, "page_cache_warming", False):
            warm(sorted(urls), host=request.get_host(), scheme=request.scheme)
        return response

    def serve(self, request):
        if not settings.PAGE_CACHE_SECONDS or not is_cacheable_request(request):
            return self.get_response(request)
        params = cached_view_params(request)
        if params is None:
            return self.get_response(request)
        cache = page_cache()
        digest = _page_digest(request, params)
        try:
            generation, next_change, epoch, sequence = _current_state(cache)
            key = _page_key(generation, digest)
            packed = _fresh(cache, key, cache.get(key), sequence)
            if packed is not None:
                _keep_fallback(digest, packed)  # confirmed current: this process may serve it if Redis fails
                return conditional(request, _unpack(packed, "hit"))
        except Exception as error:  # noqa: BLE001 - cache down: render from the database
            if not isinstance(error, CacheUnavailable):  # that one is logged once, by the circuit breaker
                logger.warning("Page cache unavailable", exc_info=True)
            return self.render_without_shared_cache(request, digest)

        response = self.get_response(request)
        if request.method == "GET" and _asks_for_canonical_page(request) and is_storable_response(response):
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change is not None:  # never serve a copy past the moment a scheduled page goes live
                timeout = max(1, min(timeout, int(next_change - time.time())))
            tags = getattr(request, "page_cache_tags", None) or {EVERYTHING}
            try:
                versions = _tag_versions(cache, tags)
                # Tags first, then the sequence: a change made during the rendering shows in one or the other.
                unchanged = cache.get(SEQUENCE_KEY) == sequence
            except Exception:  # noqa: BLE001
                logger.warning("Could not store a page in the cache", exc_info=True)
                unchanged = False
            # A page rendered while a change committed may show rows read before it: kept by no cache, not even by a
            # proxy, which could store it after the change's purge reached it and serve it for s-maxage.
            add_http_caching_headers(response, tags, shared_seconds=timeout if unchanged else 0)
            if unchanged:
                packed = _pack(response)
                _keep_fallback(digest, packed)
                try:
                    cache.set(_page_key(generation, digest), (versions, packed, sequence, time.time() + timeout),
                              timeout=timeout)  # fmt: skip
                    cache.set(_last_good_key(digest), (epoch, packed), timeout=settings.PAGE_CACHE_LAST_GOOD_SECONDS)
                except Exception:  # noqa: BLE001
                    logger.warning("Could not store a page in the cache", exc_info=True)
            response["X-Page-Cache"] = "miss"
            response.page_cache = "miss"
            response = conditional(request, response)
        return response

    def render_without_shared_cache(self, request, digest):
        try:
            version = content_version.current()
        except DatabaseError:  # the database fails too: a copy only if just checked, else the outage handler's answer
            version = None
        packed = _fallback_copy(digest, version)
        if packed is not None:
            return _unpack(packed, "local")
        response = self.get_response(request)
        if (version is not None and request.method == "GET" and _asks_for_canonical_page(request)
                and is_storable_response(response)):  # fmt: skip
            _keep_fallback(digest, _pack(response), version)
        return response


# --- Values derived from many rows -------------------------------------------------------------------------


def derived(name, tags, compute):
    """`compute()`, kept in the shared cache until one of `tags` changes (as a page naming them would be purged),
    everything is purged, or a scheduled page goes live: for the parts of a page that read many rows but change only
    with a listed change (an index's letters and entries). Computed afresh when the page cache is off or cannot be
    reached. One round trip when kept."""
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    cache = page_cache()
    key = f"pagecache:derived:{release()}:{hashlib.sha256(name.encode()).hexdigest()[:32]}"
    # Not EVERYTHING (bumped by every change, for pages that name no tag): a whole purge replaces the generation.
    tag_keys = sorted({_tag_key(tag) for tag in tags})
    try:
        _write_missed_invalidations()
        found = cache.get_many([key, GENERATION_KEY, SCHEDULE_KEY, *tag_keys])
    except Exception:  # noqa: BLE001 - cache down: from the database
        return compute()
    schedule = found.get(SCHEDULE_KEY) or []
    if any(tag_key not in found for tag_key in tag_keys):  # no page named them yet: give them versions
        try:
            found.update({_tag_key(tag): version for tag, version in _tag_versions(cache, set(tags)).items()})
        except Exception:  # noqa: BLE001
            return compute()
    stamp = (found.get(GENERATION_KEY), *(found.get(tag_key) for tag_key in tag_keys))
    entry = found.get(key)
    due = schedule and schedule[0] <= time.time()  # the next page cache lookup replaces the generation
    if not due and None not in stamp and isinstance(entry, tuple) and entry[0] == stamp:
        return entry[1]
    value = compute()  # the stamp was read first: a change meanwhile shows in the next comparison
    if not due and None not in stamp:
        try:
            cache.set(key, (stamp, value), timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("Could not keep a derived value in the cache", exc_info=True)
    return value


# --- While the shared cache fails ----------------------------------------------------------------------------
# Per-process copies of pages, served only while the shared cache cannot be reached (a hung Redis then costs no burst
# of renders). A copy rendered here carries the content version read before rendering it and is served while the
# database still holds that version, for PAGE_CACHE_FALLBACK_MAX_SECONDS at most (a page scheduled meanwhile goes
# live within that time). A copy served from the shared cache just before it failed (no version: a hit reads no
# database) and any copy while the database cannot be read either are served only PAGE_CACHE_FALLBACK_SECONDS after
# they were last known current. A change made in this process empties them all at once.
FALLBACK_MAX_ENTRIES = 500
_fallback = OrderedDict()
_fallback_lock = threading.Lock()


def _fallback_copy(digest, version=None):
    """The packed copy if it may be served now: its version is `version` (the database's, read just now), or,
    when either version is unknown, it was known current less than PAGE_CACHE_FALLBACK_SECONDS ago. A copy of
    another version is stale however recently it was found current: some process changed the content since."""
    now = time.monotonic()
    with _fallback_lock:
        entry = _fallback.get(digest)
        if entry is None:
            return None
        stored_version, checked, expires, packed = entry
        if now >= expires or (None not in (version, stored_version) and stored_version != version):
            del _fallback[digest]
            return None
        if version is not None and stored_version == version:
            _fallback[digest] = (stored_version, now, expires, packed)
            return packed
        return packed if now - checked < settings.PAGE_CACHE_FALLBACK_SECONDS else None


def _keep_fallback(digest, packed, version=None):
    if settings.PAGE_CACHE_FALLBACK_SECONDS <= 0:
        return
    now = time.monotonic()
    lifetime = settings.PAGE_CACHE_FALLBACK_MAX_SECONDS if version is not None else settings.PAGE_CACHE_FALLBACK_SECONDS
    with _fallback_lock:
        _fallback[digest] = (version, now, now + lifetime, packed)
        _fallback.move_to_end(digest)
        while len(_fallback) > FALLBACK_MAX_ENTRIES:
            _fallback.popitem(last=False)


def clear_fallback():
    with _fallback_lock:
        _fallback.clear()


# --- Warming ---------------------------------------------------------------------------------------------

#: The addresses to render again once the current request's changes committed (a set during a request, else None:
#: a management command's changes are purged but not warmed).
_pending_warm_urls = contextvars.ContextVar("page_cache_warm", default=None)


def _warm_urls(instance):
    """The pages a change of `instance` re-renders: its own page (if it has one and is public) and the home page.

    Other purged pages (indexes, linking pages) are rendered by their next visitor."""
    urls = {"/"}
    if instance is not None and _is_page(type(instance)) and getattr(instance, "is_published", False):
        urls.add(instance.get_absolute_url())
    return urls


def _collect_warm(urls):
    pending = _pending_warm_urls.get()
    if pending is not None:
        pending.update(urls)


@functools.cache
def _handler():
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def warm(urls, host, scheme="https"):
    """Render these public pages as an anonymous visitor of `host` would ask for them, so they are cached."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    for url in urls:
        path, _, query = url.partition("?")
        name, _, port = host.partition(":")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": name, "SERVER_PORT": port or ("443" if scheme == "https" else "80"), "HTTP_HOST": host,
            "wsgi.url_scheme": scheme, "wsgi.input": io.BytesIO(), "SERVER_PROTOCOL": "HTTP/1.1",
        }  # fmt: skip
        request = WSGIRequest(environ)
        request.page_cache_warming = True
        try:
            _handler().get_response(request)
        except Exception:  # noqa: BLE001 - warming is an optimisation: the next visitor renders the page
            logger.warning("Could not warm %s", url, exc_info=True)


def cached_copy(request):
    """For the outage handler: the current copy of this page, else its last good copy if no page has left the site
    since it was stored, else None."""
    params = cached_view_params(request) if request.method in ("GET", "HEAD") else None
    if params is None:
        return None
    cache = page_cache()
    digest = _page_digest(request, params)
    try:
        _write_missed_invalidations()
        values = cache.get_many([GENERATION_KEY, LAST_GOOD_EPOCH_KEY])
        generation, epoch = values.get(GENERATION_KEY), values.get(LAST_GOOD_EPOCH_KEY)
        key = _page_key(generation, digest)
        packed = _fresh(cache, key, cache.get(key), None) if generation is not None else None
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
