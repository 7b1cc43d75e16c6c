"""The page cache: anonymous visitors get cached public pages; any change an editor saves shows on the next load."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clinic import cache as page_cache
from clinic import content_version
from conditions.models import Condition, Status

from ..factories import (
    ArticleAuthorFactory,
    ConditionArticleFactory,
    ConditionFactory,
    ConditionTreatmentFactory,
    ResearchArticleFactory,
    TreatmentFactory,
)
from ..helpers import admin_url, csrf_token_from, new_condition_data

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_second_visit_is_served_from_the_cache_without_queries(client, django_assert_num_queries):
    condition = ConditionFactory(name="Sciatica")
    for url in ["/", "/conditions/", condition.get_absolute_url(), "/treatments/", "/research/", "/sitemap.xml"]:
        first = page(client, url)
        assert first["X-Page-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = page(client, url)
        assert second["X-Page-Cache"] == "hit", url
        assert second.content == first.content
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert second["X-Request-ID"] != first["X-Request-ID"]  # per request, never from the copy


def test_an_editors_change_shows_on_the_next_load(client):
    condition = ConditionFactory(name="Sciatica", summary="Old summary.")
    url = condition.get_absolute_url()
    assert "Old summary." in page(client, url).content.decode()

    condition.summary = "New summary."
    condition.save()
    response = page(client, url)
    assert response["X-Page-Cache"] == "miss" and "New summary." in response.content.decode()


def test_a_condition_published_in_the_admin_is_listed_at_once(client, reviewer):
    assert "Failed back surgery syndrome" not in page(client, "/conditions/").content.decode()
    assert page(client, "/conditions/")["X-Page-Cache"] == "hit"

    staff = Client()
    staff.force_login(reviewer)
    response = staff.post(admin_url(Condition, "add"), new_condition_data(staff, _publish="1"))
    assert response.status_code == 302

    listing = page(client, "/conditions/")
    assert "Failed back surgery syndrome" in listing.content.decode()
    assert "/conditions/failed-back-surgery-syndrome/" in page(client, "/sitemap.xml").content.decode()


def test_deleting_and_withdrawing_pages_show_at_once(client):
    ConditionFactory(name="Kept")
    deleted, withdrawn = ConditionFactory(name="Deleted"), ConditionFactory()
    assert "Deleted" in page(client, "/conditions/").content.decode()
    deleted.delete()
    assert "Deleted" not in page(client, "/conditions/").content.decode()

    url = withdrawn.get_absolute_url()
    page(client, url)
    withdrawn.status = Status.DRAFT
    withdrawn.save()
    assert client.get(url).status_code == 404
    assert "Kept" in page(client, "/conditions/").content.decode()


def test_links_between_pages_show_at_once(client):
    condition = ConditionFactory()
    treatment = TreatmentFactory(name="Spinal cord stimulation")
    article = ResearchArticleFactory(title="A trial of stimulation")
    assert "Spinal cord stimulation" not in page(client, condition.get_absolute_url()).content.decode()
    assert "A trial of stimulation" not in page(client, treatment.get_absolute_url()).content.decode()

    ConditionTreatmentFactory(condition=condition, treatment=treatment)  # an inline row
    article.treatments.add(treatment)  # a many-to-many change
    assert "Spinal cord stimulation" in page(client, condition.get_absolute_url()).content.decode()
    assert "A trial of stimulation" in page(client, treatment.get_absolute_url()).content.decode()

    ConditionArticleFactory(condition=condition, article=article)
    ArticleAuthorFactory(article=article, family_name="Hussain", given_names="Arif")
    assert "Hussain A" in page(client, condition.get_absolute_url()).content.decode()


def test_a_scheduled_page_appears_when_its_time_comes(client, monkeypatch):
    ConditionFactory(name="Scheduled condition", published_at=timezone.now() + timedelta(hours=1))
    assert "Scheduled condition" not in page(client, "/conditions/").content.decode()
    assert page(client, "/conditions/")["X-Page-Cache"] == "hit"

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr(page_cache.time, "time", lambda: later.timestamp())
    response = page(client, "/conditions/")
    assert response["X-Page-Cache"] == "miss"
    assert "Scheduled condition" in response.content.decode()


def test_staff_and_drafts_are_never_cached(client, editor):
    published = ConditionFactory(name="Published")
    draft = ConditionFactory(name="Draft condition", status=Status.DRAFT)
    page(client, published.get_absolute_url())  # cached for visitors

    staff = Client()
    staff.force_login(editor)
    for url in [published.get_absolute_url(), draft.get_absolute_url()]:
        response = page(staff, url)
        assert "X-Page-Cache" not in response, "staff are neither served copies nor store them"
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_only_successful_anonymous_gets_of_public_pages_are_stored(client):
    assert client.get("/conditions/missing/").status_code == 404
    assert "X-Page-Cache" not in client.get("/conditions/missing/")
    assert "X-Page-Cache" not in client.get("/healthz")
    assert "X-Page-Cache" not in client.get("/admin/login/")
    assert "X-Page-Cache" not in client.post("/search/", {"q": "back"})
    for _ in range(2):  # search results are free text: never cached (tests/site/test_cache_withdraw.py)
        assert "X-Page-Cache" not in page(client, "/search/?q=back")


def test_pages_are_rendered_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "unreachable": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    settings.PAGE_CACHE_ALIAS = "unreachable"
    condition = ConditionFactory(name="Sciatica")  # saving works too: invalidation failures are only logged
    response = page(client, condition.get_absolute_url())
    assert "Sciatica" in response.content.decode() and "X-Page-Cache" not in response


def test_public_pages_work_when_redis_is_down(client, settings):
    """REDIS_URL pointing at a Redis that does not answer: every public page is still rendered; /readyz stays 200."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    condition = ConditionFactory(name="Sciatica")
    for url in ["/", "/conditions/", condition.get_absolute_url(), "/treatments/", "/research/", "/search/?q=back",
                "/sitemap.xml", "/robots.txt", "/healthz", "/clinicians/", "/appointments/request/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    # A patient's request is still taken (the rate limit cannot count without the cache: it lets it through).
    token = csrf_token_from(client.get("/appointments/request/"))
    data = {"name": "Ann", "phone": "5550101234", "consent": "on", "preferred_time": "any"}
    data["csrfmiddlewaretoken"] = token
    assert client.post("/appointments/request/", data).status_code == 302
    ready = client.get("/readyz")  # pages are served, so the server stays in the load balancer
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "cache": "unavailable"}


@pytest.fixture
def redis_page_cache(settings):
    """The page cache in the real Redis (REDIS_URL or 127.0.0.1:6379), under a prefix of its own, removed after."""
    redis = pytest.importorskip("redis")
    url = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {url}")
    prefix = f"clinic-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix},
    }
    settings.PAGE_CACHE_ALIAS = "redis"
    yield caches["redis"]
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_with_redis_every_app_server_sees_a_change_at_once(client, redis_page_cache):
    condition = ConditionFactory(summary="Old summary.")
    url = condition.get_absolute_url()
    page(client, url)
    assert page(Client(), url)["X-Page-Cache"] == "hit"  # another visitor (or app server) gets the shared copy

    condition.summary = "New summary."
    condition.save()
    assert "New summary." in page(Client(), url).content.decode()


def test_health_endpoints_are_cheap_and_never_cached(client, django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(0):
            healthz = client.get("/healthz")
        readyz = client.get("/readyz")
        for response in (healthz, readyz):
            assert response.status_code == 200 and "X-Page-Cache" not in response
            assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_new_release_never_serves_pages_rendered_by_the_previous_one(client, settings):
    page_cache.release.cache_clear()
    settings.PAGE_CACHE_RELEASE = "release-1"
    condition = ConditionFactory()
    page(client, condition.get_absolute_url())
    assert page(client, condition.get_absolute_url())["X-Page-Cache"] == "hit"

    page_cache.release.cache_clear()  # what a deploy does: new processes
    settings.PAGE_CACHE_RELEASE = "release-2"
    try:
        assert page(client, condition.get_absolute_url())["X-Page-Cache"] == "miss"
    finally:
        page_cache.release.cache_clear()


def test_without_a_named_release_the_code_and_templates_are_the_release(settings):
    page_cache.release.cache_clear()
    settings.PAGE_CACHE_RELEASE = ""
    try:
        assert len(page_cache.release()) == 12
    finally:
        page_cache.release.cache_clear()


class Abandoned(Exception):
    pass


def version_updates(queries):
    return [query for query in queries if query["sql"].startswith("UPDATE") and "contentversion" in query["sql"]]


def test_a_transaction_that_changes_many_rows_replaces_the_content_version_once(django_capture_on_commit_callbacks):
    """The version the per-process copies are checked against (clinic/content_version.py): one UPDATE per committed
    change, not one per row (an admin save with ten inline rows sent ten)."""
    before = content_version.current()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            condition = ConditionFactory(name="Sciatica")
            for _ in range(3):
                ConditionTreatmentFactory(condition=condition)
    assert len(version_updates(queries)) == 1
    assert content_version.current() != before


def test_a_change_rolled_back_with_its_savepoint_leaves_the_next_change_its_own_version_bump(
    django_capture_on_commit_callbacks,
):
    before = content_version.current()
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            with pytest.raises(Abandoned), transaction.atomic():
                ConditionFactory(name="Sciatica")  # the first change: it registers the bump...
                raise Abandoned  # ...which Django drops with the savepoint
            ConditionFactory(name="Neck pain")  # committed: it must replace the version itself
    assert len(version_updates(queries)) == 1
    assert content_version.current() != before
