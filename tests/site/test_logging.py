"""Structured logs: one JSON line per request (status, duration, request id); errors carry the same request id."""

import json
import logging

import pytest
from django.conf import settings

from clinic.log import JSONFormatter, RequestIdFilter


class JSONLines(logging.Handler):
    """The root logger's output as LOGGING formats it, one parsed JSON object per record."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.setFormatter(JSONFormatter())
        self.lines = []

    def emit(self, record):
        line = self.format(record)
        assert "\n" not in line, "one record, one line"
        self.lines.append(json.loads(line))


@pytest.fixture
def log_lines():
    handler = JSONLines()
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(previous)


def test_logging_goes_to_stdout_as_json():
    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout"
    assert settings.LOGGING["formatters"][handler["formatter"]]["()"] == "clinic.log.JSONFormatter"


@pytest.mark.django_db
def test_each_request_is_one_line_with_status_duration_and_request_id(client, log_lines):
    response = client.get("/conditions/?region=neck")
    requests = [line for line in log_lines if line["logger"] == "clinic.request"]
    assert len(requests) == 1
    entry = requests[0]
    assert entry["method"] == "GET" and entry["path"] == "/conditions/" and entry["status"] == 200
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert entry["request_id"] == response["X-Request-ID"]
    assert "region" not in json.dumps(entry), "query strings (patients' searches) stay out of the logs"


@pytest.mark.django_db
def test_an_error_is_logged_with_its_request_id_and_traceback(client, log_lines, monkeypatch):
    def crash(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr("conditions.views.search_site", crash)
    client.raise_request_exception = False
    response = client.get("/search/?q=back")
    assert response.status_code == 500

    errors = [line for line in log_lines if line["level"] == "ERROR" and line["logger"] == "django.request"]
    assert errors and errors[0]["request_id"] == response["X-Request-ID"]
    assert "RuntimeError: boom" in errors[0]["exception"]
    request_line = next(line for line in log_lines if line["logger"] == "clinic.request")
    assert request_line["status"] == 500 and request_line["level"] == "ERROR"


@pytest.mark.django_db
def test_not_found_warnings_carry_the_request_id_too(client, log_lines):
    response = client.get("/conditions/no-such-page/")
    warning = next(line for line in log_lines if line["logger"] == "django.request")
    assert warning["request_id"] == response["X-Request-ID"]


def test_lines_outside_a_request_have_no_request_id(log_lines):
    logging.getLogger("clinic.test").info("hello %s", "world", extra={"count": 3})
    assert log_lines[-1]["message"] == "hello world" and log_lines[-1]["request_id"] == "-"
    assert log_lines[-1]["count"] == 3
