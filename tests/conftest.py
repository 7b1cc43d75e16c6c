import os
import shutil
import threading
import time

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.cache import caches
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import sync_playwright

from clinic.cache import clear_fallback
from practice.models import clinic

from .factories import PASSWORD, StaffUserFactory  # noqa: F401 - PASSWORD: the factories' password


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, its requests handled one at a time: on an in-memory SQLite database every request thread of
    the threaded server shares the test's one connection, and a page whose preview and link chooser asked at once
    failed with "bad parameter or other API misuse". Connections still get a thread each (a browser keeps idle ones
    open, which would block a server with one thread); only the application is called one request at a time."""

    lock = threading.Lock()

    def set_app(self, application):
        def one_at_a_time(environ, start_response):
            with self.lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


if "sqlite" in settings.DATABASES["default"]["ENGINE"]:
    LiveServerThread.server_class = OneRequestAtATimeServer


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes uploads to its own temp dir, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no page rendered by an earlier test is served from it."""

    for cache in caches.all():
        cache.clear()
    clear_fallback()  # this process's copies kept while the shared cache fails


@pytest.fixture
def demo_clinic(db):
    """The demo clinic (conditions/demo/), loaded as `make run` loads it."""
    call_command("load_demo_content", verbosity=0)


@pytest.fixture
def editor(db):
    return StaffUserFactory(role="Editor")


@pytest.fixture
def reviewer(db):
    return StaffUserFactory(role="Medical reviewer")


@pytest.fixture
def administrator(db):
    return StaffUserFactory(role="Administrator")


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in as `user` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


# --- Browser tests -----------------------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright. Skips without Chromium, except where REQUIRE_BROWSER=1 (CI).

    Module-scoped: Playwright's sync API keeps an asyncio loop running in this thread, during which Django's ORM
    needs DJANGO_ALLOW_ASYNC_UNSAFE. Neither may outlive the browser tests (subprocesses would inherit the variable).
    """
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests need `apt-get install -y chromium`")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    context = browser.new_context()
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    # Stop the page's scripts (preview, autosave, choosers), then give the live server a moment to finish a request
    # it already took: the test database is flushed next, and SQLite's shared memory database refuses to flush a
    # table another thread is reading ("database table is locked").
    for open_page in context.pages:  # a test may have closed its page or opened others
        open_page.goto("about:blank")
    time.sleep(0.5)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so fixtures can screenshot a failed browser test.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def clinic_cached(db):
    """The clinic's details already in the shared cache, and the Site (the real domain, for printed addresses) in
    Django's per-process Site cache, as on any site after its first page: pages then read them with no query
    (practice.models.clinic; tests/practice/ counts the first read)."""
    clinic()
    Site.objects.get_current()
