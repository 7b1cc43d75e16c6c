"""HTTP caching of public pages for browsers, proxies and CDNs (Varnish, Cloudflare, Fastly).

Every page the page cache stores (clinic/cache.py) is sent with:

- `Cache-Control: public, max-age=PAGE_CACHE_BROWSER_SECONDS, s-maxage=PAGE_CACHE_SHARED_SECONDS`: browsers keep
  it briefly (they cannot be purged); a shared cache keeps it longer because it is purged on publish/withdraw.
- `ETag` (a digest of the body) and `Last-Modified`: a conditional request for an unchanged page gets a
  `304 Not Modified` without a body, from the copy.
- `Surrogate-Key` (Varnish, Fastly: space-separated) and `Cache-Tag` (Cloudflare: comma-separated): the page's
  tags, as `header_tag` writes them, so that a purge by tag (clinic/purge.py) reaches exactly these pages.
"""

import hashlib
import re

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

_UNSAFE = re.compile(r"[^a-z0-9_-]")


def header_tag(tag):
    """A tag as headers and purge APIs carry it: lower-case letters, digits, `_` and `-` only (no regex or list
    separators); a tag with anything else (a keyword with spaces) becomes a digest of itself."""
    simple = tag.lower().replace(".", "_").replace(":", "-")
    if _UNSAFE.search(simple) or len(simple) > 100:
        return "h-" + hashlib.sha256(tag.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return simple


def add_http_caching_headers(response, tags, shared_seconds):
    """`shared_seconds`: how long the page cache keeps it (never past a scheduled publication)."""
    shared = min(settings.PAGE_CACHE_SHARED_SECONDS, shared_seconds)
    patch_cache_control(
        response, public=True, max_age=min(settings.PAGE_CACHE_BROWSER_SECONDS, shared), s_maxage=shared
    )
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    names = sorted({header_tag(tag) for tag in tags})
    response["Surrogate-Key"] = " ".join(names)
    response["Cache-Tag"] = ",".join(names)


def conditional(request, response):
    """A `304 Not Modified` when the visitor's copy (If-None-Match / If-Modified-Since) is this one."""
    if response.status_code != 200 or not response.has_header("ETag"):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    result = get_conditional_response(request, etag=response["ETag"], last_modified=last_modified, response=response)
    if result is not response:  # the 304 keeps what a cache needs to refresh its copy
        for name in ("Cache-Control", "Surrogate-Key", "Cache-Tag", "X-Page-Cache"):
            if response.has_header(name):
                result[name] = response[name]
        result.page_cache = getattr(response, "page_cache", None)
    return result
