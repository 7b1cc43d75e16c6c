"""A page taken off the site is gone from every worker at once, and nothing brings it back.

The first tests run the real thing: gunicorn with production settings and 2 worker processes, once with the
default cache (no REDIS_URL) and once with Redis. Both workers serve a page from the cache; a reviewer withdraws,
reschedules or deletes it (the ORM save the admin's "Withdraw" action does, in another process); the next 40
anonymous requests, spread over both workers, must all answer 404.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
import reversion
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from conditions.models import Status
from conditions.publishing import publish_as_imported

from ..factories import ConditionArticleFactory, ConditionFactory, ResearchArticleFactory, TreatmentFactory
from ..servers import (
    ROOT,
    Gunicorn,
    RedisServer,
    ThrowawayPostgres,
    clean_environment,
    get,
    manage,
    postgres_bindir,
)

REQUESTS_AFTER_A_CHANGE = 40

# Each change is what the admin does to the page (editorial_admin's "Withdraw" action: status back to draft).
CHANGES = {
    "withdrawn": ("lumbar-spinal-stenosis", "page.status = 'draft'; page.save()"),
    "rescheduled": (
        "facet-joint-syndrome",
        "from datetime import timedelta; page.published_at = timezone.now() + timedelta(days=7); page.save()",
    ),
    "deleted": ("knee-osteoarthritis", "page.delete()"),
}


@pytest.mark.parametrize("settings_module", ["clinic.settings.dev", "clinic.settings.prod"])
def test_without_redis_the_cache_is_files_every_process_shares(settings_module):
    """`make run`, `make serve` and production without REDIS_URL: never a cache in each process's own memory."""
    env = clean_environment(DJANGO_SETTINGS_MODULE=settings_module, SECRET_KEY=secrets.token_urlsafe(50))
    for name in ("REDIS_URL", "CACHE_DIR"):
        env.pop(name, None)
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    caches = json.loads(output.stdout.strip().splitlines()[-1])  # after the log lines of start-up
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert caches["default"]["LOCATION"] == str(ROOT / "cache")


def redis_url():
    """REDIS_URL, else database 7 of a local Redis; None when no Redis answers."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/7"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


@pytest.fixture(params=["default-cache", "redis"])
def two_workers(request):
    """gunicorn (production settings, 2 workers) on the demo clinic, with the default cache or with Redis."""
    url = None
    if request.param == "redis":
        url = redis_url()
        if url is None:
            pytest.skip("no Redis at REDIS_URL or 127.0.0.1:6379")
    with site_with_two_workers(url) as server:
        yield server


@pytest.fixture
def two_workers_on_their_own_redis(tmp_path):
    """The same with a redis-server of the test's own, which the test can hang."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    redis_server = RedisServer(tmp_path / "redis")
    redis_server.start()
    try:
        with site_with_two_workers(redis_server.url) as server:
            try:
                yield server, redis_server
            finally:
                redis_server.resume()  # so that the clean-up can remove this server's keys
    finally:
        redis_server.stop()


@contextmanager
def site_with_two_workers(redis_url=None):
    """The database is a SQLite file, or a throwaway PostgreSQL cluster when the suite runs on PostgreSQL; the cache
    is the default one (files) without `redis_url`. gunicorn's access log names the worker (process id) that
    answered each request id."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if on_postgres and (postgres_bindir() is None or (os.geteuid() == 0 and not shutil.which("runuser"))):
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    extra = {}
    if redis_url is not None:
        extra = {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"clinic-test-{uuid.uuid4().hex}"}
    directory = tempfile.mkdtemp(prefix="clinic-withdraw-")
    postgres = ThrowawayPostgres(tempfile.mkdtemp(prefix="clinic-withdraw-postgres-")) if on_postgres else None
    server = None
    try:
        if postgres is not None:
            postgres.init()
        env = clean_environment(
            DJANGO_SETTINGS_MODULE="tests.prodlike_settings",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=postgres.url if postgres is not None else f"sqlite:///{directory}/db.sqlite3",
            SECURE_SSL_REDIRECT="0",
            ALLOWED_HOSTS="127.0.0.1",
            LOG_LEVEL="WARNING",
            CACHE_DIR=f"{directory}/cache",
            GUNICORN_CMD_ARGS="--access-logfile - --access-logformat 'access %(p)s %({x-request-id}i)s %(s)s'",
            **extra,
        )
        if redis_url is None:
            env.pop("REDIS_URL", None)  # the default settings, whatever the suite runs with
        manage("migrate", "--no-input", env=env)
        manage("load_demo_content", env=env)
        server = Gunicorn(env, f"{directory}/gunicorn.log", workers=2)
        server.start()
        yield server
    finally:
        if server is not None:
            server.stop()
        if postgres is not None:
            postgres.stop()
            shutil.rmtree(postgres.directory, ignore_errors=True)
        if extra:  # the generation key never expires: remove what this server stored in Redis
            client = redis.Redis.from_url(extra["REDIS_URL"], socket_timeout=5)
            for key in client.scan_iter(f"{extra['CACHE_KEY_PREFIX']}:*"):
                client.delete(key)
        shutil.rmtree(directory, ignore_errors=True)


def fetch_many(server, path, count):
    """`count` anonymous GETs of `path`, 8 at a time (so both workers answer): [(request id, Response)]."""

    def one(_):
        request_id = uuid.uuid4().hex
        return request_id, get(f"{server.url}{path}", headers={"X-Request-ID": request_id})

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(count)))


def workers_that_answered(server, request_ids):
    """The process ids of the workers that answered these requests (from gunicorn's access log)."""
    wanted = set(request_ids)
    pids = {}
    for _ in range(50):  # the access line is written just after the response is sent
        for pid, request_id in re.findall(r"^access <(\d+)> (\S+) ", server.log.read_text(), flags=re.MULTILINE):
            if request_id in wanted:
                pids[request_id] = pid
        if len(pids) == len(wanted):
            break
        time.sleep(0.1)
    return set(pids.values())


def warm_through_both_workers(server, path):
    """Request `path` until both workers have served it (each from the cache once it holds a copy)."""
    answered = []
    for _ in range(10):
        responses = fetch_many(server, path, 16)
        assert all(response.status == 200 for _, response in responses), path
        answered += [request_id for request_id, _ in responses]
        if len(workers_that_answered(server, answered)) == 2:
            return responses
    pytest.fail(f"only one worker answered {path}")


def change_in_another_process(server, slug, code):
    """What a reviewer does in the admin: the ORM save (and its signals) of editorial_admin's actions."""
    return manage("shell", "-v0", "-c", "from datetime import timedelta; from django.utils import timezone; "
                  "from conditions.publishing import publish_as_imported; "
                  f"from conditions.models import Condition; page = Condition.objects.get(slug={slug!r}); {code}",
                  env=server.env).stdout  # fmt: skip


def test_every_worker_stops_serving_a_page_taken_off_the_site_at_once(two_workers):
    server = two_workers
    for change, (slug, code) in CHANGES.items():
        path = f"/conditions/{slug}/"
        warmed = warm_through_both_workers(server, path)
        name = re.search(r"<h1[^>]*>([^<]+)</h1>", warmed[0][1].text)[1].strip()
        warm_through_both_workers(server, "/conditions/")
        assert fetch_many(server, path, 8)[-1][1].headers["X-Page-Cache"] == "hit"

        change_in_another_process(server, slug, code)

        after = fetch_many(server, path, REQUESTS_AFTER_A_CHANGE)
        statuses = [response.status for _, response in after]
        assert statuses == [404] * len(after), f"{statuses.count(200)} of {len(after)} still served the {change} page"
        assert len(workers_that_answered(server, [request_id for request_id, _ in after])) == 2
        listings = fetch_many(server, "/conditions/", 10)
        assert all(response.status == 200 and name not in response.text for _, response in listings), change

    # The other way round: a page scheduled a few seconds ahead appears on every worker when its time comes.
    moment = float(
        change_in_another_process(
            server,
            "occipital-neuralgia",
            "page.published_at = timezone.now() + timedelta(seconds=6); "
            "page = publish_as_imported(page, name='Arif Hussain', credentials='DO'); "
            "print(page.published_at.timestamp())",
        )
    )
    warm_through_both_workers(server, "/conditions/")  # cached by both workers before the moment
    time.sleep(max(0, moment - time.time()) + 0.5)
    listings = fetch_many(server, "/conditions/", 10)
    assert all("Occipital" in response.text for _, response in listings)
    assert len(workers_that_answered(server, [request_id for request_id, _ in listings])) == 2


def test_while_redis_hangs_each_worker_serves_its_copy_until_the_page_is_withdrawn_anywhere(
    two_workers_on_their_own_redis,
):
    """A hung Redis made each worker render every page again every second (under load, cached pages took 0.2-0.5 s
    at p99). A worker now serves its own copy for as long as the database's content version says nothing changed:
    a withdrawal through any process, which cannot reach Redis either, still ends it at once."""
    server, redis_server = two_workers_on_their_own_redis
    slug, code = CHANGES["withdrawn"]
    path = f"/conditions/{slug}/"
    redis_server.pause()
    warm_through_both_workers(server, path)  # each worker gives up on Redis once (0.25 s), renders, keeps a copy
    time.sleep(1.5)  # past PAGE_CACHE_FALLBACK_SECONDS: checked against the database, not aged out
    kept = fetch_many(server, path, 16)
    assert [response.headers.get("X-Page-Cache") for _, response in kept] == ["local"] * len(kept)
    assert len(workers_that_answered(server, [request_id for request_id, _ in kept])) == 2

    change_in_another_process(server, slug, code)

    after = fetch_many(server, path, REQUESTS_AFTER_A_CHANGE)
    statuses = [response.status for _, response in after]
    assert statuses == [404] * len(after), f"{statuses.count(200)} of {len(after)} still served the withdrawn page"
    assert len(workers_that_answered(server, [request_id for request_id, _ in after])) == 2


# --- The last good copy (served while the database is down) never brings a page back ---------------------------


@contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL is unreachable."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with connection.execute_wrapper(refuse):
        yield


def visit(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def withdraw(condition):
    condition.status = Status.DRAFT
    condition.save()


def reschedule(condition):
    condition.published_at = timezone.now() + timedelta(days=7)
    condition.save()


def delete(condition):
    condition.delete()


@pytest.mark.django_db
@pytest.mark.parametrize("take_off", [withdraw, reschedule, delete])
def test_a_database_outage_never_brings_back_a_page_taken_off_the_site(client, take_off):
    kept, gone = ConditionFactory(name="Sciatica"), ConditionFactory(name="Whiplash")
    for url in ["/", "/conditions/", kept.get_absolute_url(), gone.get_absolute_url()]:
        visit(client, url)  # each page now has a last good copy
    gone_url = gone.get_absolute_url()
    take_off(gone)
    assert client.get(gone_url).status_code == 404

    with database_down():
        assert client.get(gone_url).status_code == 503
        for url in ["/", "/conditions/", kept.get_absolute_url()]:
            response = client.get(url)
            assert response.status_code == 503 or "Whiplash" not in response.content.decode(), url

    # Pages rendered after the change are the new last good copies.
    for url in ["/conditions/", kept.get_absolute_url()]:
        visit(client, url)
    with database_down():
        listing = visit(client, "/conditions/")
        assert listing["X-Page-Cache"] in {"hit", "stale"}
        assert "Sciatica" in listing.content.decode() and "Whiplash" not in listing.content.decode()
        assert "Sciatica" in visit(client, kept.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_restoring_an_unpublished_version_retires_the_last_good_copies(client):
    """A history restore saves the stored version as it is (a "raw" save, as loaddata and restore_site do)."""

    with reversion.create_revision():
        condition = ConditionFactory(name="Whiplash", status=Status.DRAFT)
    with reversion.create_revision():
        publish_as_imported(condition, name="Arif Hussain", credentials="DO")
    visit(client, "/conditions/")
    visit(client, condition.get_absolute_url())

    Version.objects.get_for_object(condition).order_by("pk").first().revert()  # back to the draft
    assert client.get(condition.get_absolute_url()).status_code == 404
    with database_down():
        assert client.get(condition.get_absolute_url()).status_code == 503
        listing = client.get("/conditions/")
        assert listing.status_code == 503 or "Whiplash" not in listing.content.decode()


@pytest.mark.django_db
def test_saving_a_draft_keeps_the_last_good_copies(client):
    published = ConditionFactory(name="Sciatica")
    draft = ConditionFactory(name="Whiplash", status=Status.DRAFT)
    visit(client, published.get_absolute_url())
    draft.summary = "Edited while still a draft."
    draft.save()
    with database_down():
        assert "Sciatica" in visit(client, published.get_absolute_url()).content.decode()


# --- No nonce shared between the visitors of a cached page ------------------------------------------------------


def directives(policy):
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";")}


@pytest.mark.django_db
def test_cached_public_pages_carry_no_nonce_for_visitors_to_share():
    condition = ConditionFactory(name="Sciatica")
    for url in ["/", "/conditions/", condition.get_absolute_url(), "/treatments/", "/research/"]:
        first, second = visit(Client(), url), visit(Client(), url)
        assert second["X-Page-Cache"] == "hit", url
        for response in (first, second):
            assert directives(response["Content-Security-Policy"])["script-src"] == "'self'", url
            assert "nonce" not in response.content.decode(), url
            assert 'type="application/ld+json"' in response.content.decode(), url


@pytest.mark.django_db
def test_the_admin_keeps_a_fresh_nonce_on_every_page(client):
    nonces = []
    for _ in range(2):
        response = client.get("/admin/login/")
        script_src = directives(response["Content-Security-Policy"])["script-src"]
        nonce = re.search(r"'nonce-([^']+)'", script_src)[1]
        assert f'nonce="{nonce}"' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chromium_reads_json_ld_without_a_nonce_and_still_blocks_inline_script(page, live_server):
    """JSON-LD is a data block: script-src does not apply to it. An executable inline script is still refused."""
    ConditionFactory(name="Sciatica", slug="sciatica")
    url = f"{live_server.url}/conditions/sciatica/"

    def inject_an_inline_script(route):
        response = route.fetch()
        body = response.text().replace("</body>", "<script>window.inlineScriptRan = true;</script></body>")
        route.fulfill(response=response, body=body)

    page.add_init_script(RECORD_VIOLATIONS)
    page.route(url, inject_an_inline_script)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert directives(response.headers["content-security-policy"])["script-src"] == "'self'"
    types = page.evaluate(
        "[...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
        ".map((script) => JSON.parse(script.textContent)['@type'])"
    )
    assert "MedicalWebPage" in types and "BreadcrumbList" in types
    assert page.evaluate("window.inlineScriptRan") is None
    assert page.evaluate("window.__cspViolations") == ["script-src-elem blocked inline"]


# --- Only canonical addresses are cached ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_query_string_the_page_ignores_is_served_the_canonical_copy_and_stores_nothing(client):
    condition = ConditionFactory(name="Sciatica")
    canonical = visit(client, "/conditions/")
    junk = visit(client, "/conditions/?utm_source=newsletter&fbclid=abc")
    assert junk["X-Page-Cache"] == "hit" and junk.content == canonical.content

    for url in [condition.get_absolute_url() + "?x=1", "/treatments/?x=1", "/?x=1", "/conditions/?region=nowhere"]:
        visit(client, url)
        assert visit(client, url).get("X-Page-Cache") != "hit", f"{url} was stored"
    assert visit(client, "/treatments/")["X-Page-Cache"] == "miss", "nothing was stored for /treatments/"


@pytest.mark.django_db
def test_filters_with_valid_values_are_cached_each_once(client):
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    treatment = TreatmentFactory(slug="spinal-cord-stimulation")
    for _ in range(25):
        ConditionArticleFactory(condition=condition, article=ResearchArticleFactory(year=2014))
    ResearchArticleFactory(year=2020, treatments=[treatment])
    for url in ["/conditions/?region=low-back", "/research/?condition=sciatica", "/research/?page=2",
                "/research/?treatment=spinal-cord-stimulation&year=2020&sort=title"]:  # fmt: skip
        assert visit(client, url)["X-Page-Cache"] == "miss", url
        assert visit(client, url)["X-Page-Cache"] == "hit", url
    # The same filters in another order, with blanks or with junk: the same page, nothing new stored.
    for url in ["/conditions/?region=low-back&utm_source=x", "/research/?condition=sciatica&treatment=&year=&sort=",
                "/research/?sort=title&year=2020&treatment=spinal-cord-stimulation"]:  # fmt: skip
        assert visit(client, url)["X-Page-Cache"] == "hit", url
    for url in ["/research/?condition=unknown", "/research/?year=1700", "/research/?page=last", "/research/?sort=x"]:
        visit(client, url)
        assert visit(client, url).get("X-Page-Cache") != "hit", f"{url} was stored"


@pytest.mark.django_db
def test_paging_a_filtered_research_list_follows_canonical_links(client):
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    for _ in range(25):
        ConditionArticleFactory(condition=condition, article=ResearchArticleFactory())
    # What the filter form submits: every field, blanks included.
    submitted = visit(client, "/research/?condition=sciatica&treatment=&year=&sort=year")
    next_link = re.search(r'href="(\?[^"]*)" rel="next"', submitted.content.decode())[1].replace("&amp;", "&")
    assert next_link == "?condition=sciatica&sort=year&page=2"
    assert visit(client, f"/research/{next_link}")["X-Page-Cache"] == "miss"
    assert visit(client, f"/research/{next_link}")["X-Page-Cache"] == "hit"


@pytest.mark.django_db
def test_search_results_are_neither_cached_nor_kept_for_outages(client):
    ConditionFactory(name="Sciatica")
    for _ in range(2):
        response = visit(client, "/search/?q=sciatica")
        assert "X-Page-Cache" not in response and "Sciatica" in response.content.decode()
    with database_down():
        assert client.get("/search/?q=sciatica").status_code == 503


@pytest.mark.django_db
def test_a_flood_of_query_strings_does_not_push_out_the_outage_copies(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "OPTIONS": {"MAX_ENTRIES": 60}}}  # fmt: skip
    conditions = [ConditionFactory() for _ in range(5)]
    popular = ["/", "/conditions/", "/treatments/", "/research/", *(c.get_absolute_url() for c in conditions)]
    for url in popular:
        visit(client, url)
    for index in range(100):
        for url in ["/", "/conditions/", popular[-1], "/search/", "/research/"]:
            client.get(f"{url}?utm_source={index}")
        client.get(f"/search/?q=pain{index}")
        client.get(f"/research/?condition=nothing-{index}")
    with database_down():
        for url in popular:
            assert visit(client, url)["X-Page-Cache"] in {"hit", "stale"}, url
