"""Redis as an accelerator, never a single point of failure: short timeouts and a circuit breaker.

Django's RedisCache waits as long as its socket timeouts for a Redis that is down, hung (e.g. stopped, swapping) or
unreachable, on every call: with a page-cache lookup in every request, a hung Redis made every page wait. Here:

- Every socket operation gives up after `SOCKET_TIMEOUT` seconds (connect included) and is never retried.
- The first failure opens the breaker in this process: from then on every call raises `CacheUnavailable` at once,
  without touching the network. A background thread pings Redis every `BREAKER_SECONDS`; the first answer closes
  the breaker. No visitor's request is ever the one that finds out whether Redis is back.

Errors are raised, as Django's own cache backends do, never swallowed: callers decide what a miss means (the page
cache renders from the database, the security policy is read from the database, `/readyz` reports it), and a failed
write (an invalidation) is remembered where it happened (clinic/cache.py).
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger("clinic.cache")

SOCKET_TIMEOUT = 0.25
BREAKER_SECONDS = 1.0


class CacheUnavailable(RedisError):
    """Redis failed recently in this process: calls fail at once until the background ping gets an answer."""


class CircuitBreaker:
    """Per process and thread-safe. Closed: calls go through. Open: calls fail at once while `ping` (called every
    `seconds` in a background thread) fails; its first success closes the breaker."""

    def __init__(self, seconds, ping):
        self.seconds = seconds
        self.ping = ping
        self.is_open = False
        self.lock = threading.Lock()

    def call(self, function, *args, **kwargs):
        if self.is_open:
            raise CacheUnavailable("Redis failed; calls go through again once it answers a ping")
        try:
            return function(*args, **kwargs)
        except RedisError:
            self.open()
            raise

    def open(self):
        with self.lock:
            if self.is_open:
                return
            self.is_open = True
        logger.warning("Redis unavailable: cache calls fail at once until it answers again")
        threading.Thread(target=self._ping_until_answered, name="redis-breaker", daemon=True).start()

    def _ping_until_answered(self):
        while True:
            time.sleep(self.seconds)
            try:
                self.ping()
            except RedisError:
                continue
            break
        self.is_open = False
        logger.warning("Redis answers again: cache calls go through")


_breakers = {}
_breakers_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with short timeouts, no retries and a circuit breaker.

    OPTIONS may set `socket_timeout` and `socket_connect_timeout` (default `SOCKET_TIMEOUT`) and `breaker_seconds`
    (default `BREAKER_SECONDS`); the rest go to redis-py's connection pool as usual.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        seconds = float(options.pop("breaker_seconds", BREAKER_SECONDS))
        # Django gives each thread its own cache object; the breaker is the process's, one per Redis.
        with _breakers_lock:
            self.breaker = _breakers.setdefault(tuple(self._servers), CircuitBreaker(seconds, self._ping))
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 0))  # a retry would double the wait on a hung Redis
        self._options = options

    def _ping(self):
        self._cache.get_client(None, write=True).ping()


def _guarded(name):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        return self.breaker.call(method, self, *args, **kwargs)

    return guarded


GUARDED_METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many",
                   "clear")  # fmt: skip
for _name in GUARDED_METHODS:
    setattr(ResilientRedisCache, _name, _guarded(_name))
