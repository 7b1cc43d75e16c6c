"""HTTP caching for browsers, proxies and CDNs: headers, 304s, and purges by tag sent to Varnish, Cloudflare, Fastly.

The CDN APIs are answered by a local HTTP server replaying responses recorded from their documentation: no network.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test import Client

from clinic.cache import bump_tags, object_tag
from clinic.http_cache import header_tag
from clinic.purge import backend
from conditions.models import Condition, Status

from ..factories import ConditionFactory

pytestmark = pytest.mark.django_db

CLOUDFLARE_OK = {"success": True, "errors": [], "messages": [], "result": {"id": "023e105f4ecef8ad9ca31a8372d0c353"}}
CLOUDFLARE_DENIED = {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": [],
                     "result": None}  # fmt: skip
FASTLY_OK = {"conditions_condition-1": "108-1391560174-974124"}


class Recorder:
    """A loopback HTTP server that records each request and answers the next recorded response."""

    def __init__(self, status=200, body=None):
        self.requests, self.status, self.body = [], status, body
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request_method(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                          "body": json.loads(body) if body else None})  # fmt: skip
                payload = json.dumps(recorder.body).encode() if recorder.body is not None else b""
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_BAN = do_POST = do_PURGE = handle_one_request_method

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    servers = []

    def start(**kwargs):
        servers.append(Recorder(**kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_public_pages_tell_shared_caches_how_long_and_what_they_show(client, settings):
    condition = ConditionFactory()
    response = client.get(condition.get_absolute_url())
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", f"s-maxage={settings.PAGE_CACHE_SHARED_SECONDS}", "max-age=0"} <= directives
    assert header_tag(object_tag(Condition, condition.pk)) in response["Surrogate-Key"].split()
    assert header_tag(object_tag(Condition, condition.pk)) in response["Cache-Tag"].split(",")
    assert response["ETag"] and response["Last-Modified"]
    hit = client.get(condition.get_absolute_url())
    assert hit["ETag"] == response["ETag"] and hit["Surrogate-Key"] == response["Surrogate-Key"]

    search = client.get("/search/?q=back")  # never cached: nothing for a shared cache either
    assert "s-maxage" not in search.get("Cache-Control", "") and "Surrogate-Key" not in search


def test_a_conditional_request_for_an_unchanged_page_gets_304_and_a_changed_one_200(client):
    condition = ConditionFactory(summary="Old summary.")
    first = client.get(condition.get_absolute_url())
    for headers in ({"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}):
        again = client.get(condition.get_absolute_url(), headers=headers)
        assert again.status_code == 304 and again.content == b"", headers
        assert "s-maxage" in again["Cache-Control"]

    condition.summary = "New summary."
    condition.save()
    changed = client.get(condition.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "New summary." in changed.content.decode()


def test_a_page_rendered_while_a_change_commits_is_kept_by_no_proxy_nor_by_the_page_cache(client, settings):
    """Its rows may have been read before the change: a proxy that stored it after the change's purge reached it would
    serve the old page, perhaps a withdrawn one, for s-maxage. It went out with s-maxage like any other."""
    settings.PAGE_CACHE_SHARED_SECONDS = 300  # as with a purge backend (PAGE_CACHE_PURGE)
    condition = ConditionFactory()

    def change_commits_elsewhere(execute, sql, params, many, context):
        if "research" in sql:  # the page's second query: its row is read, it is still rendering
            bump_tags([object_tag(Condition, condition.pk)], downstream=True)  # what that commit does
        return execute(sql, params, many, context)

    with connection.execute_wrapper(change_commits_elsewhere):
        during = client.get(condition.get_absolute_url())
    assert during.status_code == 200
    assert "s-maxage=0" in during["Cache-Control"] and "max-age=0" in during["Cache-Control"]
    assert during["X-Page-Cache"] == "miss"
    after = client.get(condition.get_absolute_url())
    assert after["X-Page-Cache"] == "miss"  # not stored either: rendered again
    assert "s-maxage=300" in after["Cache-Control"]
    assert client.get(condition.get_absolute_url())["X-Page-Cache"] == "hit"


def test_staff_and_drafts_are_never_public_to_shared_caches(editor):
    staff = Client()
    staff.force_login(editor)
    draft = ConditionFactory(status=Status.DRAFT)
    response = staff.get(draft.get_absolute_url())
    assert "public" not in response.get("Cache-Control", "") and "Surrogate-Key" not in response


def save_and_commit(condition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        condition.summary = "Changed."
        condition.save()


def test_a_save_bans_exactly_the_pages_showing_it_from_varnish(settings, recorder, django_capture_on_commit_callbacks):
    varnish = recorder()
    settings.PAGE_CACHE_PURGE = {"BACKEND": "clinic.purge.VarnishPurge", "OPTIONS": {"urls": [varnish.url]}}
    saved, other = ConditionFactory(), ConditionFactory()
    varnish.requests.clear()
    save_and_commit(saved, django_capture_on_commit_callbacks)
    [ban] = varnish.requests
    tags = ban["headers"]["X-Purge-Tags"].split()
    assert ban["method"] == "BAN"
    assert header_tag(object_tag(Condition, saved.pk)) in tags
    assert header_tag(object_tag(Condition, other.pk)) not in tags


def test_a_save_purges_its_tags_through_the_cloudflare_api(settings, recorder, django_capture_on_commit_callbacks):
    cloudflare = recorder(body=CLOUDFLARE_OK)
    settings.PAGE_CACHE_PURGE = {
        "BACKEND": "clinic.purge.CloudflarePurge",
        "OPTIONS": {"zone_id": "zone123", "api_token": "secret-token", "api": cloudflare.url},
    }
    saved = ConditionFactory()
    cloudflare.requests.clear()
    save_and_commit(saved, django_capture_on_commit_callbacks)
    [purge] = cloudflare.requests
    assert (purge["method"], purge["path"]) == ("POST", "/zones/zone123/purge_cache")
    assert purge["headers"]["Authorization"] == "Bearer secret-token"
    assert header_tag(object_tag(Condition, saved.pk)) in purge["body"]["tags"]


def test_a_save_purges_its_surrogate_keys_through_the_fastly_api(
    settings, recorder, django_capture_on_commit_callbacks
):
    fastly = recorder(body=FASTLY_OK)
    settings.PAGE_CACHE_PURGE = {
        "BACKEND": "clinic.purge.FastlyPurge",
        "OPTIONS": {"service_id": "svc42", "api_token": "fastly-token", "api": fastly.url},
    }
    saved = ConditionFactory()
    fastly.requests.clear()
    save_and_commit(saved, django_capture_on_commit_callbacks)
    [purge] = fastly.requests
    assert (purge["method"], purge["path"]) == ("POST", "/service/svc42/purge")
    assert purge["headers"]["Fastly-Key"] == "fastly-token"
    assert header_tag(object_tag(Condition, saved.pk)) in purge["headers"]["Surrogate-Key"].split()


def test_a_refused_purge_is_logged_and_the_save_still_succeeds(
    settings, recorder, django_capture_on_commit_callbacks, caplog
):
    cloudflare = recorder(status=403, body=CLOUDFLARE_DENIED)
    settings.PAGE_CACHE_PURGE = {
        "BACKEND": "clinic.purge.CloudflarePurge",
        "OPTIONS": {"zone_id": "zone123", "api_token": "wrong", "api": cloudflare.url},
    }
    saved = ConditionFactory()
    save_and_commit(saved, django_capture_on_commit_callbacks)
    assert Condition.objects.get(pk=saved.pk).summary == "Changed."
    assert "Could not purge the shared cache" in caplog.text


def test_the_purge_backend_is_chosen_by_settings(settings):
    settings.PAGE_CACHE_PURGE = None
    assert backend() is None
    settings.PAGE_CACHE_PURGE = {"BACKEND": "clinic.purge.VarnishPurge", "OPTIONS": {"urls": ["http://127.0.0.1:6181"]}}
    assert backend().urls == ["http://127.0.0.1:6181/"]
