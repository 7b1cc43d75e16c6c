"""How hard a page is to read, for editors: patient education should read at about a 6th–8th grade level.

Flesch–Kincaid grade and reading time (textstat) of the patient-facing text, and the sentences that pull the
grade up the most, so the editor knows where to start.
"""

import re
from dataclasses import dataclass

import textstat

from .sanitize import text_from_html

TARGET_GRADE = 8
FLAG_ABOVE_GRADE = 9
WORDS_PER_MINUTE = 200  # an adult reading plain health information
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


@dataclass
class Readability:
    grade: float
    words: int
    minutes: int
    hardest: list  # [(grade, sentence)], hardest first

    @property
    def too_hard(self):
        return self.grade > FLAG_ABOVE_GRADE


def plain_text(*fragments):
    """Rich text and plain text as prose: one sentence-ending per block so list items count as sentences."""
    parts = []
    for fragment in fragments:
        parts.append(text_from_html(fragment, block_end=". "))
    text = " ".join(" ".join(parts).split())
    return re.sub(r"([.!?])(\s*\.)+", r"\1", text).strip(" .") + "."


def sentences(text):
    return [sentence.strip() for sentence in SENTENCE_END.split(text) if len(sentence.split()) >= 3]


def measure(*fragments, hardest=3):
    text = plain_text(*fragments)
    words = textstat.lexicon_count(text)
    if words == 0:
        return Readability(grade=0.0, words=0, minutes=0, hardest=[])
    graded = sorted(
        ((round(textstat.flesch_kincaid_grade(sentence), 1), sentence) for sentence in sentences(text)), reverse=True
    )
    return Readability(
        grade=round(textstat.flesch_kincaid_grade(text), 1),
        words=words,
        minutes=max(1, round(words / WORDS_PER_MINUTE)),
        hardest=[item for item in graded[:hardest] if item[0] > TARGET_GRADE],
    )
