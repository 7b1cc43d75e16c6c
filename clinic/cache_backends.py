"""Redis as an accelerator, never a single point of failure: short timeouts and a circuit breaker.

Django's RedisCache waits as long as its socket timeouts for a Redis that is down, hung (e.g. stopped, swapping) or
unreachable, on every call: with a page-cache lookup in every request, a hung Redis made every page wait. Here:

- Every socket operation gives up after `SOCKET_TIMEOUT` seconds (connect included) and is never retried.
- The first failure opens the breaker in this process: for `BREAKER_SECONDS` every call raises `CacheUnavailable`
  at once, without touching the network. Then one call (one thread) tries Redis again: success closes the breaker,
  failure keeps it open for another period. So a dead or hung Redis costs each process one short timeout per period.

Errors are raised, as Django's own cache backends do, never swallowed: callers decide what a miss means (the page
cache renders from the database, the security policy is read from the database, `/readyz` reports it), and a failed
write (an invalidation) is logged where it happened.
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
    """Redis failed recently in this process: not tried again until the breaker lets one call through."""


class CircuitBreaker:
    """Per process and thread-safe. Closed: calls go through. Open: calls fail at once until `open_until`; then the
    first caller claims a trial (the others keep failing fast) and its outcome closes or re-opens the breaker."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.open_until = 0.0
        self.lock = threading.Lock()

    @property
    def is_open(self):
        return self.open_until > self.clock()

    def call(self, function, *args, **kwargs):
        if self.open_until:
            with self.lock:
                now = self.clock()
                if self.open_until > now:
                    raise CacheUnavailable("Redis failed less than a moment ago; not tried again yet")
                self.open_until = now + self.seconds  # this call is the trial: the others fail fast meanwhile
        try:
            result = function(*args, **kwargs)
        except RedisError:
            with self.lock:
                if not self.open_until:
                    logger.warning("Redis unavailable: cache calls fail fast for %.1f s at a time", self.seconds)
                self.open_until = self.clock() + self.seconds
            raise
        except Exception:  # Redis answered (e.g. incr of a missing key): not an outage
            self.close()
            raise
        self.close()
        return result

    def close(self):
        if self.open_until:
            with self.lock:
                self.open_until = 0.0
            logger.warning("Redis answers again: cache calls go through")


class ResilientRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with short timeouts, no retries and a circuit breaker.

    OPTIONS may set `socket_timeout` and `socket_connect_timeout` (default `SOCKET_TIMEOUT`) and `breaker_seconds`
    (default `BREAKER_SECONDS`); the rest go to redis-py's connection pool as usual.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        self.breaker = CircuitBreaker(float(options.pop("breaker_seconds", BREAKER_SECONDS)))
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 0))  # a retry would double the wait on a hung Redis
        self._options = options


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
