"""Editors see how hard their text is to read, and which sentences to simplify."""

import pytest

from conditions.models import Condition
from conditions.readability import measure, plain_text

from ..factories import ConditionFactory, TreatmentFactory
from ..helpers import admin_form_data, admin_url

pytestmark = pytest.mark.django_db

PLAIN = "<p>Your back hurts. Rest a little. Walk each day. Call us if it gets worse.</p>"
HARD = (
    "<p>Postoperative persistent neuropathic radicular symptomatology frequently necessitates comprehensive "
    "multidisciplinary interventional pharmacological and neuromodulatory management strategies.</p>"
)


def test_plain_words_score_low_and_jargon_scores_high():
    assert measure(PLAIN).grade < 4
    hard = measure(HARD)
    assert hard.too_hard and hard.grade > 9
    assert hard.hardest and "neuropathic" in hard.hardest[0][1]


def test_list_items_count_as_sentences_and_reading_time_is_rounded_up():
    assert plain_text("<ul><li>Numbness</li><li>Tingling in the legs</li></ul>") == "Numbness. Tingling in the legs."
    result = measure(" ".join(["<p>Walking helps most people with back pain feel better.</p>"] * 40))
    assert result.words == 360 and result.minutes == 2


def test_the_admin_shows_the_grade_and_flags_hard_text(login, reviewer):
    hard = ConditionFactory(overview=HARD)
    page = login(reviewer).get(admin_url(type(hard), "change", hard.pk)).content.decode()
    assert "Flesch–Kincaid grade" in page and "Too hard for many patients" in page
    assert "Hardest sentences" in page and "neuropathic" in page

    changelist = login(reviewer).get(admin_url(type(hard), "changelist")).content.decode()
    assert "readability-hard" in changelist


def test_the_grade_updates_on_save(login, reviewer):
    treatment = TreatmentFactory(body=HARD, summary="A hard page.")
    client = login(reviewer)
    assert "Too hard" in client.get(admin_url(type(treatment), "change", treatment.pk)).content.decode()
    data = admin_form_data(client.get(admin_url(type(treatment), "change", treatment.pk)), body=PLAIN)
    assert client.post(admin_url(type(treatment), "change", treatment.pk), data).status_code == 302
    assert (
        "Good: most patients can read this."
        in client.get(admin_url(type(treatment), "change", treatment.pk)).content.decode()
    )


def test_demo_pages_read_at_a_patient_level(demo_clinic):
    grades = {condition.name: measure(*condition.patient_text()).grade for condition in Condition.objects.all()}
    assert all(grade <= 9 for grade in grades.values()), grades  # patient education: about grade 6–8
