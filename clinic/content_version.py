"""A value in the database that changes whenever public content changes (clinic.models.ContentVersion).

The page cache's per-process copies (clinic/cache.py, used while Redis cannot be reached) are checked against it:
one indexed read of one row instead of a render. Replaced after the change commits, in its own short statement,
so no lock on this row is held while an editor's transaction (or an import) runs.
"""

import logging
import uuid

from django.apps import apps
from django.db import DatabaseError

logger = logging.getLogger("clinic.cache")

ROW = 1


def _model():
    return apps.get_model("clinic", "ContentVersion")  # clinic.cache imports this module before models load


def current():
    """The current value (the row is created on first use): one read of the primary's row. Raises the database's
    errors: the caller decides what an unreadable version means."""
    return _model().objects.get_or_create(pk=ROW, defaults={"value": uuid.uuid4().hex})[0].value


def bump():
    """Replace the value: every per-process copy rendered before is no longer served. A random value, not an
    increment: two bumps at once still leave a value no copy was rendered under."""
    try:
        if not _model().objects.filter(pk=ROW).update(value=uuid.uuid4().hex):
            current()
    except DatabaseError:  # the change itself committed; copies then live at most PAGE_CACHE_FALLBACK_MAX_SECONDS
        logger.exception("Could not record a content change for the per-process page copies")
