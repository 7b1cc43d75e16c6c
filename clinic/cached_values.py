"""Small values read on every request (the security policy, the clinic's details), kept in the shared cache.

The cache is an accelerator, never a single point of failure: when it fails (Redis down or hung, see
cache_backends.py) the value is read from the database and the request goes on. Values expire after `seconds` so a
`forget` that failed during an outage cannot leave a stale value for long.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger("clinic.cache")


def remembered(key, load, seconds=300):
    """The value under `key`, or `load()` (then kept for `seconds`) when it is missing or the cache fails."""
    try:
        value = cache.get(key)
    except Exception as error:  # noqa: BLE001 - whatever the backend raises, the database answers
        logger.warning("Cache unavailable (%s): %s read from the database", type(error).__name__, key)
        return load()
    if value is None:
        value = load()
        try:
            cache.set(key, value, seconds)
        except Exception as error:  # noqa: BLE001
            logger.warning("Could not cache %s (%s)", key, type(error).__name__)
    return value


def forget(key, seconds=300):
    """Drop `key` after its value changed; if the cache fails, the old value expires within `seconds`."""
    try:
        cache.delete(key)
    except Exception:  # noqa: BLE001
        logger.exception("Could not remove %s from the cache; the old value expires within %s s", key, seconds)
