"""Every public page template, checked by real tools: axe-core in Chromium (WCAG 2.2 A/AA) and the Nu HTML Checker.

Also keyboard use (skip link, visible focus) and text enlarged to 200% without horizontal scrolling.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from conditions.models import Condition, ResearchArticle, Treatment

from ..servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def require(path, why):
    if path.exists():
        return
    message = f"{path.relative_to(ROOT)} is missing ({why}): run `npm ci` (make test does)"
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def public_urls(transactional_db):
    """One URL for every public page template."""
    call_command("load_demo_content", verbosity=0)
    return {
        "home": "/",
        "condition index": "/conditions/",
        "condition index, filtered": "/conditions/?region=low-back",
        "condition": Condition.objects.published().get(slug="post-laminectomy-syndrome").get_absolute_url(),
        "treatment index": "/treatments/",
        "treatment": Treatment.objects.published().get(slug="spinal-cord-stimulation").get_absolute_url(),
        "research index": "/research/",
        "article": ResearchArticle.objects.published().first().get_absolute_url(),
        "search": "/search/?q=back+pain",
        "search, no results": "/search/?q=zzzzqq",
        "search, empty": "/search/?q=",
        "clinicians": "/clinicians/",
        "clinician": "/clinicians/arif-hussain/",
        "appointment request": "/appointments/request/",
        "appointment request sent": "/appointments/request/thanks/",
        "404": "/conditions/no-such-page/",
    }


def test_no_axe_violations_on_any_public_page(browser, live_server, public_urls):
    require(AXE, "axe-core from npm")
    # The site's CSP would refuse the injected axe script, as it should for any injected script.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    failures = {}
    for name, url in public_urls.items():
        page.goto(f"{live_server.url}{url}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        if violations:
            failures[name] = violations
    context.close()
    assert failures == {}


def test_no_html_errors_on_any_public_page(client, public_urls, tmp_path):
    require(VNU, "vnu-jar from npm")
    if not shutil.which("java"):
        pytest.fail("the Nu HTML Checker needs Java (apt-get install -y default-jre-headless)")
    files = []
    for name, url in public_urls.items():
        response = client.get(url)
        path = tmp_path / f"{name.replace(' ', '-').replace(',', '')}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == [], "\n".join(errors)


def test_keyboard_users_skip_to_the_content_and_always_see_the_focus(page, live_server, public_urls):
    page.goto(f"{live_server.url}{public_urls['condition']}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible on focus, not off-screen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    # Every further Tab stop shows where the focus is.
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # between the page and the browser's own controls
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow]; })()"
        )
        assert style[0] != "none" or style[1] != "none", page.evaluate("document.activeElement.outerHTML")


@pytest.mark.parametrize("width", [1280, 390])
def test_text_enlarged_to_200_percent_needs_no_sideways_scrolling(page, live_server, public_urls, width):
    page.set_viewport_size({"width": width, "height": 900})
    for url in (public_urls["condition"], public_urls["home"], public_urls["research index"]):
        page.goto(f"{live_server.url}{url}")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px at 200% text on a {width}px screen"
        assert page.locator("h1").is_visible()
