"""Sessions in the database (shared by every app server), refusing session cookies that cannot be a session key.

Django makes keys of 32 characters from [a-z0-9]; any other cookie value (a NUL byte, which PostgreSQL refuses
in a query, or 20 kB of junk) is treated as no session at all instead of reaching the database.
"""

import re

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(key) and _SESSION_KEY.fullmatch(key) is not None
