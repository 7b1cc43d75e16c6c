"""`manage.py load_demo_content`: the demo clinic, from the data files in conditions/demo/*.toml.

Safe to run again: items are matched by slug, and one whose content (fields and linked rows, as a reviewer would
compare them: conditions/page_state.py) already matches is left alone. Each item is validated with `full_clean()` and
saved as the admin saves it (the rich-text sanitizer runs in the field); a published item is signed off in the name of
its `reviewed_by`. The whole load is one transaction: bad data fails loudly and leaves the database as it was.
"""

import tomllib
from collections import Counter
from datetime import datetime, time
from pathlib import Path

import reversion
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinicians.models import Clinician
from conditions.models import ClinicianProfile, Condition, ResearchArticle, Status, Treatment
from conditions.page_state import state_of, state_with
from conditions.publishing import apply_state, publish_as_imported
from practice.models import ClinicDetails, Location

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DATA_FILES = ("treatments", "research", "conditions")
#: Keys of an item that are not its content fields: its links, and how it is published and reviewed.
NOT_FIELDS = {"authors", "treatments", "articles", "status", "reviewed_by", "last_reviewed", "next_review_due"}
#: Keys of a clinician in clinicians.toml that are not fields of their profile page.
PERSON = {"name", "credentials", "locations", "conditions_treated"}


def describe(error):
    """A ValidationError as one readable line: `field: message; field: message`."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def read_demo_data(directory=DEMO_DIR):
    data = {
        name: tomllib.loads((directory / f"{name}.toml").read_text())
        for name in ("treatments", "research", "conditions")
    }
    return data["treatments"]["treatments"], data["research"]["articles"], data["conditions"]


def check_references(treatments, articles, conditions):
    """Slugs are unique and every cross-reference points at an item in the data; raises CommandError otherwise."""
    problems = []
    for label, items in [("treatment", treatments), ("research article", articles), ("condition", conditions)]:
        problems += [
            f"{label} slug '{slug}' appears {n} times" for slug, n in Counter(i["slug"] for i in items).items() if n > 1
        ]
    known = {"treatment": {item["slug"] for item in treatments}, "article": {item["slug"] for item in articles}}
    for article in articles:
        problems += [f"research article '{article['slug']}' names unknown treatment '{slug}'"
                     for slug in article["treatments"] if slug not in known["treatment"]]  # fmt: skip
    for condition in conditions:
        for kind, slugs in [("treatment", [link["treatment"] for link in condition["treatments"]]),
                            ("article", condition["articles"])]:  # fmt: skip
            problems += [f"condition '{condition['slug']}' names unknown {kind} '{slug}'" for slug in slugs
                         if slug not in known[kind]]  # fmt: skip
            problems += [f"condition '{condition['slug']}' lists {kind} '{slug}' twice"
                         for slug, n in Counter(slugs).items() if n > 1]  # fmt: skip
    if problems:
        raise CommandError("The demo data is inconsistent:\n  " + "\n  ".join(problems))


class Command(BaseCommand):
    help = (
        "Load the demo clinic (conditions, treatments, research articles) from conditions/demo/. Running it again "
        "updates them in place (matched by slug) and creates nothing new."
    )

    def handle(self, *args, **options):
        treatments, articles, conditions = read_demo_data()
        check_references(treatments, articles, conditions["conditions"])
        self.published_at = conditions["published_at"]
        self.counts = Counter()
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Demo content loaded")
            self._load_clinic(tomllib.loads((DEMO_DIR / "clinic.toml").read_text()))
            people = tomllib.loads((DEMO_DIR / "clinicians.toml").read_text())["clinicians"]
            clinicians = {item["slug"]: self._load_clinician(item) for item in people}  # before any sign-off
            by_slug = {}
            for item in treatments:
                by_slug[item["slug"]] = self._load(Treatment, item, {})
            for item in articles:
                rows = {
                    "authors": [(a["family"], a["given"], a["credentials"]) for a in item["authors"]],
                    "treatments": sorted((by_slug[slug].pk,) for slug in item["treatments"]),
                }
                by_slug[f"article:{item['slug']}"] = self._load(ResearchArticle, item, rows)
            loaded = []
            for item in conditions["conditions"]:
                rows = {
                    "condition_treatments": [
                        (by_slug[link["treatment"]].pk, link["note"]) for link in item["treatments"]
                    ],
                    "condition_articles": [(by_slug[f"article:{slug}"].pk,) for slug in item["articles"]],
                }
                loaded.append(
                    self._load(Condition, {**item, "alternate_names": "\n".join(item["alternate_names"])}, rows)
                )
            locations = {location.slug: location.pk for location in Location.objects.all()}
            conditions_by_slug = {condition.slug: condition.pk for condition in loaded}
            for item in people:
                rows = {
                    "locations": sorted((locations[slug],) for slug in item["locations"]),
                    "conditions_treated": sorted((conditions_by_slug[slug],) for slug in item["conditions_treated"]),
                }
                fields = {key: value for key, value in item.items() if key not in PERSON}
                fields.update(clinician=clinicians[item["slug"]], specialties="\n".join(item["specialties"]))
                self._load(ClinicianProfile, fields, rows)
        drafts = sum(1 for condition in loaded if condition.status == Status.DRAFT)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {len(loaded)} conditions{f' ({drafts} draft)' if drafts else ''}, {len(treatments)} "
                f"treatments, {len(articles)} research articles, {len(people)} clinicians "
                f"(created {self.counts['created']}, updated {self.counts['updated']}, "
                f"unchanged {self.counts['unchanged']})."
            )
        )

    def _load_clinic(self, data):
        """The clinic's details and locations: created, or updated in place (locations matched by slug)."""
        details = ClinicDetails.objects.first() or ClinicDetails()
        self._save_checked(details, data["clinic"], "clinic details")
        for position, item in enumerate(data["locations"]):
            location = Location.objects.filter(slug=item["slug"]).first() or Location()
            self._save_checked(location, {**item, "position": position}, f"location '{item['slug']}'")

    def _load_clinician(self, item):
        clinician = Clinician.objects.filter(name=item["name"]).first() or Clinician()
        self._save_checked(clinician, {"name": item["name"], "credentials": item["credentials"]}, item["name"])
        return clinician

    def _save_checked(self, instance, values, label):
        for name, value in values.items():
            setattr(instance, name, value.strip() if isinstance(value, str) else value)
        try:
            instance.full_clean()
        except ValidationError as error:
            raise CommandError(f"{label}: {describe(error)}") from error
        instance.save()

    def _load(self, model, item, rows):
        """Create or update the item with this slug from `item` and its linked `rows`; publish it if it says so."""
        label = f"{model._meta.verbose_name} '{item['slug']}'"
        stored = model.objects.filter(slug=item["slug"], draft_of=None).first()
        before = state_of(stored) if stored is not None else None
        page = stored or model(slug=item["slug"])
        fields = {name: value for name, value in item.items() if name not in NOT_FIELDS}
        unknown = set(fields) - {field.name for field in model._meta.concrete_fields}
        if unknown:
            raise CommandError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")
        for name, value in fields.items():
            setattr(page, name, value)
        try:
            page.full_clean(exclude=["published_at", "owner"])
        except ValidationError as error:
            raise CommandError(f"{label}: {describe(error)}") from error
        wanted = state_with(page, rows)
        changed = before is None or before.digest() != wanted.digest()
        if changed:
            skipped = apply_state(page, wanted)
            if skipped:
                raise CommandError(f"{label}: linked items missing: {', '.join(skipped)}")
        self._publish(page, item, changed)
        self.counts["created" if stored is None else "updated" if changed else "unchanged"] += 1
        return page

    def _publish(self, page, item, changed):
        """Published demo items carry a sign-off by the demo reviewer, as every published page must; a changed live
        item is signed off again."""
        if item.get("status", Status.PUBLISHED) != Status.PUBLISHED:
            if page.status == Status.PUBLISHED:
                page.status = Status.DRAFT
                page.save()
            return
        if page.status == Status.PUBLISHED and not changed:
            return
        name, _comma, credentials = item.get("reviewed_by", "Arif Hussain, DO").rpartition(", ")
        page.published_at = page.published_at or self.published_at
        publish_as_imported(page, name=name, credentials=credentials, note="Demo content")
        review = {key: item[key] for key in ("last_reviewed", "next_review_due") if key in item}
        if "last_reviewed" in review:
            # The demo's content is as it was on the day of its review: the page says so (no "updated" later).
            review["updated_at"] = timezone.make_aware(datetime.combine(review["last_reviewed"], time(9)))
        if review:
            type(page).objects.filter(pk=page.pk).update(**review)
