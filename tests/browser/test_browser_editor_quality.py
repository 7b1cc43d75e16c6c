"""The condition change form, as a medical reviewer sees it with the demo clinic, checked by axe-core in Chromium.

It also leaves screenshots of the form and the live preview in test-artifacts/screenshots/ (the README's editor
guide shows them: copy them to docs/screenshots/ when the form changes).
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conditions.models import Condition

from ..factories import StaffUserFactory
from ..servers import ROOT
from .helpers import TIMEOUT_MS, log_in, open_section, open_tab
from .test_browser_quality import AXE, WCAG_TAGS, require

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = ROOT / "test-artifacts" / "screenshots"


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    violations = result["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations]


def test_the_change_form_passes_axe_in_every_tab_with_the_preview_open(browser, live_server, transactional_db):
    require(AXE, "axe-core from npm")
    call_command("load_demo_content", verbosity=0)
    condition = Condition.objects.get(slug="post-laminectomy-syndrome")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1600, "height": 1000})  # axe is injected
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, live_server.url, StaffUserFactory(role="Medical reviewer"))
    page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    page.wait_for_load_state("networkidle")
    expect(page.frame_locator("#live-preview iframe").locator("h1")).to_contain_text(condition.name)

    failures = {}
    for tab in ["Content", "Sections", "Treatments", "Research", "Review & publish"]:
        open_tab(page, tab)
        if tab == "Sections":
            open_section(page, "overview")
        failures[tab] = axe_violations(page)
        if tab in ("Content", "Sections"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"condition-form-{tab.lower()}.png")
    open_section(page, "overview").get_by_role("button", name="Link to a page…").click()
    page.get_by_role("dialog").get_by_label("Search by name").fill("back")
    expect(page.get_by_role("dialog").locator(".page-chooser-results button").first).to_be_visible()
    failures["link chooser"] = axe_violations(page)
    context.close()
    found = {tab: violations for tab, violations in failures.items() if violations}
    assert found == {}, "\n".join(
        f"{tab}: {violation}" for tab, violations in found.items() for violation in violations
    )
