"""`manage.py load_demo_content`: load the demo conditions, treatments and research articles.

Safe to run again: every object is looked up by slug and updated in place (like `update_or_create`), authors and
link rows are brought in line with the data, and an object that already matches is not saved again. Each main
object is checked with `full_clean()` and saved with `.save()`, so the rich-text sanitizer runs. The whole load
is one transaction: bad data fails loudly and leaves the database as it was.
"""

from collections import Counter

import reversion
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conditions import demo_content
from conditions.models import (
    ArticleAuthor,
    Condition,
    ConditionArticle,
    ConditionTreatment,
    ResearchArticle,
    Status,
    Treatment,
)
from conditions.publishing import publish_as_imported

# Keys of the data dicts that are relations, loaded after the object itself.
RELATION_KEYS = {"authors", "treatments", "articles"}
# Keys that say how the item is published and reviewed: applied through the sign-off, after the content.
PUBLICATION_KEYS = {"status", "published_at", "reviewed_by", "last_reviewed", "next_review_due"}
SKIPPED_FIELDS = {"created_at", "updated_at"}


def _describe(error):
    """A ValidationError as one readable line: `field: message; field: message`."""
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


class Command(BaseCommand):
    help = (
        "Load the demo conditions, treatments and research articles. Running it again updates them in place "
        "(matched by slug) and creates nothing new."
    )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.counts = Counter()
        self._check_references()
        with transaction.atomic(), reversion.create_revision():
            reversion.set_comment("Demo content loaded")
            treatments = {data["slug"]: self._load_treatment(data) for data in demo_content.TREATMENTS}
            articles = {data["slug"]: self._load_article(data, treatments) for data in demo_content.RESEARCH_ARTICLES}
            conditions = [self._load_condition(data, treatments, articles) for data in demo_content.CONDITIONS]

        drafts = sum(1 for condition in conditions if condition.status == Status.DRAFT)
        draft_note = f" ({drafts} draft)" if drafts else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content: {len(conditions)} conditions{draft_note}, {len(treatments)} treatments, "
                f"{len(articles)} research articles (created {self.counts['created']}, "
                f"updated {self.counts['updated']}, unchanged {self.counts['unchanged']})."
            )
        )

    # --- Checks before touching the database -------------------------------------------------------------

    def _check_references(self):
        """Slugs are unique and every cross-reference points at an item in the data."""
        problems = []
        for label, items in [
            ("treatment", demo_content.TREATMENTS),
            ("research article", demo_content.RESEARCH_ARTICLES),
            ("condition", demo_content.CONDITIONS),
        ]:
            counts = Counter(item["slug"] for item in items)
            problems += [f"{label} slug '{slug}' appears {n} times" for slug, n in counts.items() if n > 1]

        treatment_slugs = {item["slug"] for item in demo_content.TREATMENTS}
        article_slugs = {item["slug"] for item in demo_content.RESEARCH_ARTICLES}
        for article in demo_content.RESEARCH_ARTICLES:
            problems += [
                f"research article '{article['slug']}' names unknown treatment '{slug}'"
                for slug in article["treatments"]
                if slug not in treatment_slugs
            ]
        for condition in demo_content.CONDITIONS:
            linked = [link["treatment"] for link in condition["treatments"]]
            problems += [
                f"condition '{condition['slug']}' names unknown treatment '{slug}'"
                for slug in linked
                if slug not in treatment_slugs
            ]
            problems += [
                f"condition '{condition['slug']}' names unknown article '{slug}'"
                for slug in condition["articles"]
                if slug not in article_slugs
            ]
            for kind, slugs in [("treatment", linked), ("article", condition["articles"])]:
                problems += [
                    f"condition '{condition['slug']}' lists {kind} '{slug}' twice"
                    for slug, n in Counter(slugs).items()
                    if n > 1
                ]
        if problems:
            raise CommandError("The demo data is inconsistent:\n  " + "\n  ".join(problems))

    # --- Main objects --------------------------------------------------------------------------------------

    def _load_treatment(self, data):
        fields = self._fields(data)
        obj, created, changed = self._upsert(Treatment, fields)
        self._publish(obj, data, changed)
        self._record(obj, created, changed)
        return obj

    def _load_article(self, data, treatments):
        fields = self._fields(data)
        obj, created, changed = self._upsert(ResearchArticle, fields)
        changed |= self._sync_authors(obj, data["authors"])
        wanted = {treatments[slug] for slug in data["treatments"]}
        if set(obj.treatments.all()) != wanted:
            obj.treatments.set(wanted)
            changed = True
        self._publish(obj, data, changed)
        self._record(obj, created, changed)
        return obj

    def _load_condition(self, data, treatments, articles):
        fields = self._fields(data)
        fields["alternate_names"] = "\n".join(data.get("alternate_names", []))
        obj, created, changed = self._upsert(Condition, fields)
        changed |= self._sync_links(
            obj,
            ConditionTreatment,
            "treatment",
            [(treatments[link["treatment"]], {"note": link.get("note", "")}) for link in data["treatments"]],
        )
        changed |= self._sync_links(
            obj, ConditionArticle, "article", [(articles[slug], {}) for slug in data["articles"]]
        )
        self._publish(obj, data, changed)
        self._record(obj, created, changed)
        return obj

    def _fields(self, data):
        """The content fields of a data dict (publication is applied afterwards, through a sign-off)."""
        return {key: value for key, value in data.items() if key not in RELATION_KEYS | PUBLICATION_KEYS}

    def _publish(self, obj, data, changed):
        """Published demo items carry a sign-off by the demo reviewer, as every published page must; a changed
        live item is signed off again."""
        if data.get("status", Status.PUBLISHED) != Status.PUBLISHED:
            if obj.status == Status.PUBLISHED:
                obj.status = Status.DRAFT
                obj.save()
            return
        if obj.status == Status.PUBLISHED and not changed:
            return
        name, _comma, credentials = data.get("reviewed_by", demo_content.REVIEWER).rpartition(", ")
        obj.published_at = obj.published_at or demo_content.PUBLISHED_AT
        publish_as_imported(obj, name=name, credentials=credentials, note="Demo content")
        review = {key: data[key] for key in ("last_reviewed", "next_review_due") if key in data}
        if review:
            type(obj).objects.filter(pk=obj.pk).update(**review)

    def _upsert(self, model, fields):
        """Create or update the object with this slug; returns (obj, created, changed).

        Like `update_or_create(slug=..., defaults=...)`, but validates with `full_clean()` first and skips the
        save when the stored object already matches (so `updated_at` stays put on a rerun).
        """
        slug = fields["slug"]
        obj = model.objects.select_for_update().filter(slug=slug).first()
        created = obj is None
        if created:
            obj = model()
        concrete = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in SKIPPED_FIELDS]
        before = {f.attname: getattr(obj, f.attname) for f in concrete}

        unknown = set(fields) - {f.name for f in concrete}
        if unknown:
            raise CommandError(f"{model._meta.verbose_name} '{slug}': unknown field(s) {', '.join(sorted(unknown))}")
        for name, value in fields.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CommandError(f"{model._meta.verbose_name} '{slug}': {_describe(error)}") from error

        # What save() would store: pre_save() applies the rich-text sanitizer (and is a no-op for the others).
        after = {f.attname: f.pre_save(obj, created) for f in concrete}
        changed = created or after != before
        if changed:
            obj.save()
        return obj, created, changed

    # --- Authors and links ---------------------------------------------------------------------------------

    def _sync_authors(self, article, authors):
        """Make the article's authors exactly `authors`, in order; returns whether anything changed."""
        existing = list(article.authors.order_by("position", "pk"))
        changed = False
        for position, (family_name, given_names, credentials) in enumerate(authors, start=1):
            values = {
                "position": position,
                "family_name": family_name,
                "given_names": given_names,
                "credentials": credentials,
            }
            author = existing.pop(0) if existing else ArticleAuthor(article=article)
            if author.pk and all(getattr(author, key) == value for key, value in values.items()):
                continue
            for key, value in values.items():
                setattr(author, key, value)
            self._save_row(author, f"author {position} of research article '{article.slug}'")
            changed = True
        for author in existing:
            author.delete()
            changed = True
        return changed

    def _sync_links(self, condition, through, target_field, wanted):
        """Make the condition's `through` rows exactly `wanted` [(target, extra fields)], positions in list order."""
        existing = {getattr(link, f"{target_field}_id"): link for link in through.objects.filter(condition=condition)}
        changed = False
        for position, (target, extra) in enumerate(wanted, start=1):
            values = {"position": position, **extra}
            link = existing.pop(target.pk, None)
            if link is not None and all(getattr(link, key) == value for key, value in values.items()):
                continue
            if link is None:
                link = through(condition=condition, **{target_field: target})
            for key, value in values.items():
                setattr(link, key, value)
            self._save_row(link, f"{through._meta.verbose_name} '{target.slug}' of condition '{condition.slug}'")
            changed = True
        if existing:
            through.objects.filter(pk__in=[link.pk for link in existing.values()]).delete()
            changed = True
        return changed

    @staticmethod
    def _save_row(obj, label):
        try:
            obj.full_clean()
        except ValidationError as error:
            raise CommandError(f"{label}: {_describe(error)}") from error
        obj.save()

    # --- Reporting -----------------------------------------------------------------------------------------

    def _record(self, obj, created, changed):
        outcome = "created" if created else "updated" if changed else "unchanged"
        self.counts[outcome] += 1
        if self.verbosity >= 2:
            self.stdout.write(f"  {outcome:<9} {obj._meta.verbose_name} {obj.slug}")
