"""The condition page read side by side with NHS, Mayo Clinic and Cleveland Clinic: order, "On this page", urgency
levels with their own action lines, optional sections, a review line that does not contradict itself."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from conditions.models import Condition

from ..factories import ConditionFactory

pytestmark = pytest.mark.django_db


def main(client, url):
    page = client.get(url).content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_when_to_see_a_doctor_comes_right_after_the_symptoms(client, demo_clinic):
    page = main(client, "/conditions/post-laminectomy-syndrome/")
    headings = re.findall(r'<h2 id="([a-z-]+)-title"', page)
    assert headings[headings.index("symptoms") + 1] == "when-to-see-a-doctor"


def test_on_this_page_links_to_every_section_shown_in_order(client, demo_clinic):
    page = main(client, "/conditions/post-laminectomy-syndrome/")
    nav = page[page.index('<nav class="on-this-page"') : page.index("</nav>")]
    anchors = re.findall(r'href="#([a-z-]+)"', nav)
    sections = re.findall(r'<section class="section" id="([a-z-]+)"', page)
    assert anchors == sections
    assert anchors[:4] == ["overview", "symptoms", "when-to-see-a-doctor", "causes"]
    assert nav.index("On this page") < nav.index("Overview")
    assert page.index('class="on-this-page"') < page.index('id="overview"')  # under the title


def test_cauda_equina_signs_say_call_911_now(client, demo_clinic):
    page = main(client, "/conditions/post-laminectomy-syndrome/")
    emergency = page[page.index('class="care-card care-card--emergency"') :]
    emergency = emergency[: emergency.index("</div>\n")]
    assert "Call 911 now if:" in emergency and "bladder or bowels" in emergency and "saddle" in emergency
    same_day = page[page.index('class="care-card care-card--same-day"') :]
    assert "Get help the same day if:" in same_day[:200] and "bladder" not in same_day[: same_day.index("</ul>")]
    assert "Call us today on (555) 010-2040" in page
    soon = page[page.index('class="care-card care-card--soon"') :]
    assert 'href="/appointments/request/"' in soon[: soon.index("</section>")]


def test_each_page_shows_only_the_levels_its_editor_chose(client, demo_clinic):
    knee = main(client, "/conditions/knee-osteoarthritis/")
    assert "Get help the same day if:" in knee
    assert "Call 911 now if:" not in knee and "Call 911 or go to the nearest emergency department" not in knee
    for condition in Condition.objects.published():
        assert "Call your surgeon or doctor now" not in main(client, condition.get_absolute_url())


def test_optional_sections_show_when_filled(client, demo_clinic):
    page = main(client, "/conditions/post-laminectomy-syndrome/")
    optional = ("Risk factors", "Prevention and self-care", "Outlook: living with it", "Questions to ask your doctor")
    for heading in optional:
        assert f">{heading}</h2>" in page and f">{heading}</a>" in page
    other = main(client, "/conditions/facet-joint-syndrome/")
    assert "Risk factors" not in other and "Questions to ask your doctor" not in other


def test_a_condition_with_one_section_has_no_on_this_page_list(client):
    condition = ConditionFactory()
    assert "On this page" not in main(client, condition.get_absolute_url())


def test_the_review_line_does_not_contradict_itself(client, demo_clinic):
    page = main(client, "/conditions/post-laminectomy-syndrome/")
    line = page[page.index('<p class="review-line">') :]
    line = " ".join(line[: line.index("</p>")].split())
    assert "Last reviewed 12 January 2026 by" in line and "Page updated" not in line


def test_a_later_save_that_is_not_clinical_says_so(client):
    reviewed = timezone.localdate() - timedelta(days=30)
    condition = ConditionFactory(last_reviewed=reviewed, reviewed_by="Arif Hussain, DO")
    Condition.objects.filter(pk=condition.pk).update(updated_at=timezone.now())  # e.g. a new review due date
    line = main(client, condition.get_absolute_url())
    line = " ".join(line[line.index('<p class="review-line">') :].split("</p>")[0].split())
    assert f"Last reviewed {reviewed:%-d %B %Y}" in line
    assert f"Page updated {timezone.localdate():%-d %B %Y} with no change to the medical information." in line


def test_suggested_research_on_the_demo_page_is_about_the_condition(client, demo_clinic):
    page = client.get("/conditions/post-laminectomy-syndrome/").content.decode()
    aside = page[page.index("<aside") : page.index("</aside>")]
    for other in ("diabetic", "Complex Regional", "Stenosis", "stenosis"):
        assert other not in aside, other
