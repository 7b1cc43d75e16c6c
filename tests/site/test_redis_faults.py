"""Redis is an accelerator, never a single point of failure: a real redis-server of the test's own, stopped or hung.

The cache is `clinic.cache_backends.ResilientRedisCache` (as in production with REDIS_URL): short timeouts and a
circuit breaker, so a Redis that is down or hung costs one short timeout per process, not one per call.
"""

import shutil
import time

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection

from accounts.models import SecurityPolicy
from clinic import content_version
from clinic.cache_backends import CacheUnavailable
from conditions.models import Condition, Status

from ..factories import ConditionFactory
from ..servers import RedisServer

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/conditions/condition/", "/admin/conditions/condition/add/",
               "/admin/accounts/securitypolicy/", "/admin/auth/user/"]  # fmt: skip


@pytest.fixture
def redis_server(tmp_path, settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "clinic.cache_backends.ResilientRedisCache", "LOCATION": server.url},
    }
    yield server
    server.stop()


def test_staff_keep_working_in_the_admin_while_redis_is_down(admin_client, redis_server):
    assert admin_client.get("/admin/").status_code == 200  # the policy is now cached in Redis
    redis_server.stop()
    for url in ADMIN_PAGES:
        assert admin_client.get(url, follow=True).status_code == 200, url


def test_staff_keep_working_in_the_admin_while_redis_hangs(admin_client, redis_server):
    assert admin_client.get("/admin/").status_code == 200
    redis_server.pause()
    for url in ADMIN_PAGES:
        assert admin_client.get(url, follow=True).status_code == 200, url
    with pytest.raises(CacheUnavailable):  # after the first timeout, calls fail at once instead of waiting again
        caches["default"].get("anything")


def test_the_security_policy_can_be_changed_while_redis_is_down_and_takes_effect(admin_client, redis_server):
    redis_server.stop()
    response = admin_client.post(
        "/admin/accounts/securitypolicy/1/change/", {"require_two_factor_for_privileged": "on"}, follow=True
    )
    assert response.status_code == 200 and "was changed successfully" in response.content.decode()
    assert SecurityPolicy.current().require_two_factor_for_privileged  # read from the database meanwhile


def test_public_pages_are_rendered_while_redis_hangs_and_cached_again_once_it_answers(client, redis_server):
    condition = ConditionFactory(name="Sciatica")
    redis_server.pause()
    for url in ["/", "/conditions/", condition.get_absolute_url(), "/healthz"]:
        response = client.get(url)
        assert response.status_code == 200 and "X-Page-Cache" not in response, url
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["cache"] == "unavailable"

    redis_server.resume()
    caches["default"].breaker.is_open = False  # as the background ping would within a second
    assert client.get(condition.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(condition.get_absolute_url())["X-Page-Cache"] == "hit"


def test_while_redis_hangs_each_process_keeps_what_it_rendered_while_the_content_is_unchanged(
    client, redis_server, settings
):
    """Otherwise every visit renders from the database: a hung Redis cut throughput to a few dozen pages a second.
    (A change made through another process: tests/site/test_cache_withdraw.py, with two real workers.)"""
    condition = ConditionFactory(name="Sciatica")
    url = condition.get_absolute_url()
    redis_server.pause()
    assert "X-Page-Cache" not in client.get(url)
    assert client.get(url)["X-Page-Cache"] == "local"

    condition.name = "Sciatica (lumbar radiculopathy)"
    condition.save()  # a change made here empties this process's copies at once
    response = client.get(url)
    assert "X-Page-Cache" not in response and "lumbar radiculopathy" in response.content.decode()

    settings.PAGE_CACHE_FALLBACK_SECONDS = 0  # copies older than this are never served
    client.get("/conditions/")
    assert "X-Page-Cache" not in client.get("/conditions/")


def test_while_redis_hangs_a_copy_checked_a_moment_ago_is_not_served_once_another_process_withdrew_the_page(
    client, redis_server
):
    """The content version changed: the copy is known stale, however recently it was last found current (it was
    served for up to PAGE_CACHE_FALLBACK_SECONDS more). The two-worker test in test_cache_withdraw.py failed
    whenever the reviewer's change landed within that second of the last visit."""
    condition = ConditionFactory(name="Sciatica")
    url = condition.get_absolute_url()
    redis_server.pause()
    assert "X-Page-Cache" not in client.get(url)
    assert client.get(url)["X-Page-Cache"] == "local"  # found current just now

    # What another process's withdrawal leaves: the row changed and, once committed, the content version. This
    # process's signals never ran, and Redis could not tell it either.
    Condition.objects.filter(pk=condition.pk).update(status=Status.DRAFT)
    content_version.bump()
    assert client.get(url).status_code == 404


def test_a_page_served_just_before_redis_hangs_is_served_by_this_process_without_a_render(client, redis_server):
    condition = ConditionFactory(name="Sciatica")
    url = condition.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    redis_server.pause()
    assert client.get(url)["X-Page-Cache"] == "local"  # no burst of renders when Redis hangs


def test_a_change_saved_while_redis_hangs_shows_once_it_answers_again(client, redis_server):
    """The invalidation could not be written: it is written before the cache is read again, so the copy stored
    before the change is never served."""
    condition = ConditionFactory(summary="Old summary.")
    url = condition.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    redis_server.pause()
    with pytest.raises(Exception, match="Timeout"):
        caches["default"].get("anything")  # times out: the breaker opens, later calls never leave this process
    condition.summary = "New summary."
    condition.save()
    redis_server.resume()
    caches["default"].breaker.is_open = False  # as the background ping would within a second
    response = client.get(url)
    assert "New summary." in response.content.decode() and response["X-Page-Cache"] == "miss"


def test_after_one_timeout_calls_fail_at_once_until_redis_answers_a_background_ping(redis_server):
    cache = caches["default"]
    cache.set("key", "value")
    redis_server.pause()
    with pytest.raises(Exception, match="Timeout"):
        cache.get("key")  # the real client, its 0.25 s socket timeout
    with pytest.raises(CacheUnavailable):
        cache.get("key")  # open: not even tried; no visitor waits for a hung Redis again

    redis_server.resume()
    for _ in range(100):  # the background ping closes the breaker within a second or so
        if not cache.breaker.is_open:
            break
        time.sleep(0.05)
    assert cache.get("key") == "value"


def test_while_redis_and_the_database_both_fail_a_copy_is_served_only_just_after_it_was_checked(
    client, redis_server, settings, monkeypatch
):
    """Nothing can say whether the page was withdrawn meanwhile: PAGE_CACHE_FALLBACK_SECONDS after the last check,
    the outage handler's answer (the branded 503) instead of the copy."""
    condition = ConditionFactory(name="Sciatica")
    url = condition.get_absolute_url()
    redis_server.pause()
    assert "X-Page-Cache" not in client.get(url)
    assert client.get(url)["X-Page-Cache"] == "local"  # checked against the database just now

    def database_down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connection, "ensure_connection", database_down)
    assert client.get(url)["X-Page-Cache"] == "local"  # within the second since that check
    settings.PAGE_CACHE_FALLBACK_SECONDS = 0.2
    time.sleep(0.3)
    assert client.get(url).status_code == 503
