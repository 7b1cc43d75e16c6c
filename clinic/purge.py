"""Purging the proxy or CDN in front of the app servers when content changes (PAGE_CACHE_PURGE).

Pages carry their tags in `Surrogate-Key`/`Cache-Tag` (clinic/http_cache.py); once a change commits, the page cache
(clinic/cache.py) calls `purge_downstream(tags)` and the configured backend purges exactly those pages:

- `VarnishPurge`: an HTTP `BAN` request to each Varnish with the tags in `X-Purge-Tags` (deploy/varnish.vcl bans
  the objects whose `Surrogate-Key` holds one of them); `None` (everything) sends `X-Purge-All: 1`.
- `CloudflarePurge`: `POST /zones/<zone>/purge_cache` with `{"tags": [...]}` (`{"purge_everything": true}`).
- `FastlyPurge`: `POST /service/<service>/purge` with the keys in `Surrogate-Key` (`/purge_all` for everything).

A purge that fails is logged and never stops a save: the shared cache then keeps the page for its `s-maxage`
(PAGE_CACHE_SHARED_SECONDS) at most, so keep that short unless purging is reliable.
"""

import functools
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .http_cache import header_tag

logger = logging.getLogger("clinic.purge")


class PurgeBackend:
    timeout = 3

    def purge(self, tags):
        """`tags`: header tags (`header_tag`), or None for everything."""
        raise NotImplementedError

    def send(self, method, url, headers=(), body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers=dict(headers))
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URLs from settings
            text = response.read().decode("utf-8", "replace")
        return json.loads(text) if text.strip().startswith(("{", "[")) else text


class VarnishPurge(PurgeBackend):
    def __init__(self, urls):
        self.urls = [url.rstrip("/") + "/" for url in urls]

    def purge(self, tags):
        headers = {"X-Purge-All": "1"} if tags is None else {"X-Purge-Tags": " ".join(tags)}
        for url in self.urls:
            self.send("BAN", url, headers)


class CloudflarePurge(PurgeBackend):
    api = "https://api.cloudflare.com/client/v4"
    batch = 30  # tags per request the API accepts

    def __init__(self, zone_id, api_token, api=None):
        self.zone_id, self.api_token, self.api = zone_id, api_token, (api or self.api).rstrip("/")

    def purge(self, tags):
        url = f"{self.api}/zones/{self.zone_id}/purge_cache"
        headers = {"Authorization": f"Bearer {self.api_token}"}
        bodies = [{"purge_everything": True}] if tags is None else [
            {"tags": tags[start : start + self.batch]} for start in range(0, len(tags), self.batch)
        ]  # fmt: skip
        for body in bodies:
            answer = self.send("POST", url, headers, body)
            if not (isinstance(answer, dict) and answer.get("success")):
                raise PurgeError(
                    f"Cloudflare refused the purge: {answer.get('errors') if isinstance(answer, dict) else answer}"
                )


class FastlyPurge(PurgeBackend):
    api = "https://api.fastly.com"
    batch = 256  # keys per request the API accepts

    def __init__(self, service_id, api_token, api=None):
        self.service_id, self.api_token, self.api = service_id, api_token, (api or self.api).rstrip("/")

    def purge(self, tags):
        headers = {"Fastly-Key": self.api_token, "Accept": "application/json"}
        if tags is None:
            self.send("POST", f"{self.api}/service/{self.service_id}/purge_all", headers)
            return
        for start in range(0, len(tags), self.batch):
            keys = " ".join(tags[start : start + self.batch])
            answer = self.send(
                "POST", f"{self.api}/service/{self.service_id}/purge", {**headers, "Surrogate-Key": keys}
            )
            if not isinstance(answer, dict):
                raise PurgeError(f"Fastly answered {answer!r}")


class PurgeError(Exception):
    pass


@functools.cache
def _backend(config):
    backend, options = config
    return import_string(backend)(**dict(options))


def backend():
    """The configured backend, or None (PAGE_CACHE_PURGE = {"BACKEND": dotted path, "OPTIONS": {...}})."""
    config = settings.PAGE_CACHE_PURGE
    if not config:
        return None
    options = tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                           for name, value in config.get("OPTIONS", {}).items()))  # fmt: skip
    return _backend((config["BACKEND"], options))


def purge_downstream(tags):
    """Purge these tags (None: everything) from the proxy or CDN; failures are logged, never raised."""
    purger = backend()
    if purger is None:
        return
    names = None if tags is None else sorted({header_tag(tag) for tag in tags})
    try:
        purger.purge(names)
    except (OSError, urllib.error.URLError, ValueError, PurgeError) as error:
        logger.error("Could not purge the shared cache: %s", error, extra={"tags": names})
