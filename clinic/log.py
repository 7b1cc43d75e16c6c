"""Structured logs: one JSON object per line on stdout, each carrying the id of the request it belongs to.

`RequestLogMiddleware` (clinic/middleware.py) sets the request id for the duration of a request; `RequestIdFilter`
copies it onto every record logged meanwhile (Django's own "Internal Server Error" records included), and
`JSONFormatter` writes the record, its extra fields and any traceback as one line a log collector can parse.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

#: The id of the request being handled in this thread or task; "-" outside a request (management commands).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
