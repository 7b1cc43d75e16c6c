"""A large BibTeX library generated on demand (a 7,000-record file is 3 MB: it is written, never committed).

Not a test module: the import tests and `make bench` (bench/bench.py) use it. Records look like a reference
manager's: several authors, a LaTeX accent now and then, an abstract, keywords, a DOI; every tenth has no DOI but
a PubMed ID, so all three duplicate rules are exercised.
"""

import random

TOPICS = ["spinal cord stimulation", "epidural steroid injection", "failed back surgery syndrome", "sciatica",
          "radiofrequency ablation", "knee osteoarthritis", "neuropathic pain", "physical therapy", "opioid tapering",
          "facet joint injection", "pulsed radiofrequency", "complex regional pain syndrome"]  # fmt: skip
FAMILIES = ["Hussain", "Erdek", "Kumar", "Taylor", "M{\\\"u}ller", "Garc{\\'\\i}a", "North", "Peul", "Friedly", "Lee",
            "van Houwelingen", "Nguyen", "O'Brien", "Smith"]  # fmt: skip
GIVEN = ["Arif", "Michael J.", "Krishna", "Rod S.", 'J{\\"o}rg', "Ana", "Richard B.", "Wilco C.", "Janna L.", "Min"]
JOURNALS = ["Pain Practice", "Pain", "Pain Medicine", "Regional Anesthesia \\& Pain Medicine", "Spine", "Neurosurgery"]


def bibtex_entry(number, rng):
    topic, other = rng.choice(TOPICS), rng.choice(TOPICS)
    authors = " and ".join(f"{rng.choice(FAMILIES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 6)))
    identifier = f"pmid = {{{30_000_000 + number}}}" if number % 10 == 0 else f"doi = {{10.5555/bench.{number}}}"
    abstract = " ".join(
        f"We studied {rng.choice(TOPICS)} in {rng.randint(20, 900)} patients with {rng.choice(TOPICS)}."
        for _ in range(rng.randint(1, 2))
    )
    return (
        f"@article{{bench{number},\n"
        f"  title = {{{topic.capitalize()} versus {other} in a cohort study, number {number}}},\n"
        f"  author = {{{authors}}},\n"
        f"  journal = {{{rng.choice(JOURNALS)}}},\n"
        f"  year = {{{rng.randint(1990, 2026)}}},\n"
        f"  volume = {{{rng.randint(1, 160)}}},\n"
        f"  number = {{{rng.randint(1, 12)}}},\n"
        f"  pages = {{{(start := rng.randint(1, 2000))}--{start + rng.randint(3, 20)}}},\n"
        f"  {identifier},\n"
        f"  abstract = {{{abstract}}},\n"
        f"  keywords = {{{topic}, {other}}},\n"
        "}\n\n"
    )


def generated_bibtex(count, seed=12, first=1):
    """`count` distinct BibTeX records numbered from `first` (the same text for the same arguments)."""
    rng = random.Random(seed)
    return "".join(bibtex_entry(number, rng) for number in range(first, first + count))
