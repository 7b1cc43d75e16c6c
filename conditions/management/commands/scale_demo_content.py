"""`manage.py scale_demo_content --conditions 1000`: enough published conditions for a load test.

Adds example conditions, copied from the demo clinic's (text, treatments and research links), until the site has
the number asked for; example conditions beyond that number are deleted. Run `load_demo_content` first. Safe to
run again: examples are found by their slug (`<demo slug>-example-<n>`), so nothing is duplicated.
"""

from itertools import cycle

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic.cache import bump_generation
from conditions.management.commands.load_demo_content import read_demo_data
from conditions.models import Condition, ConditionArticle, ConditionTreatment, Status

EXAMPLE_MARK = "-example-"
COPIED_FIELDS = (
    "summary",
    "alternate_names",
    "body_region",
    "overview",
    "symptoms",
    "causes",
    "diagnosis",
    "treatment_notes",
    "when_to_see_doctor",
    "urgent_warning",
    "last_reviewed",
    "next_review_due",
)


class Command(BaseCommand):
    help = "Copy the demo conditions until the site has --conditions published conditions (for load tests)."

    def add_arguments(self, parser):
        parser.add_argument("--conditions", type=int, default=1000, help="Published conditions wanted in total.")

    def handle(self, *args, conditions, **options):
        if conditions < 0:
            raise CommandError("--conditions must be 0 or more.")
        demo_slugs = [item["slug"] for item in read_demo_data()[2]["conditions"]]
        sources = list(
            Condition.objects.published()
            .filter(slug__in=demo_slugs)
            .prefetch_related("condition_treatments", "condition_articles")
        )
        if not sources:
            raise CommandError("No demo conditions found: run `manage.py load_demo_content` first.")

        with transaction.atomic():
            examples = Condition.objects.filter(slug__contains=EXAMPLE_MARK)
            others = Condition.objects.published().exclude(slug__contains=EXAMPLE_MARK).count()
            wanted = max(0, conditions - others)
            wanted_slugs = {self._slug(source, number) for number, source in self._numbered(sources, wanted)}
            removed, _ = examples.exclude(slug__in=wanted_slugs).delete()
            existing = set(examples.values_list("slug", flat=True))
            created = 0
            for number, source in self._numbered(sources, wanted):
                slug = self._slug(source, number)
                if slug not in existing:
                    self._copy(source, slug, number)
                    created += 1
        bump_generation()  # bulk-created link rows send no signals
        total = Condition.objects.published().count()
        self.stdout.write(
            self.style.SUCCESS(f"{total} published conditions ({created} examples created, {removed} rows removed).")
        )

    @staticmethod
    def _numbered(sources, count):
        return zip(range(1, count + 1), cycle(sources), strict=False)

    @staticmethod
    def _slug(source, number):
        return f"{source.slug[:170]}{EXAMPLE_MARK}{number:04d}"

    @staticmethod
    def _copy(source, slug, number):
        condition = Condition(
            slug=slug,
            name=f"{source.name} (example {number})",
            status=Status.DRAFT,
            published_at=source.published_at,
            signoff=source.signoff,  # the copy says what its source says, as its reviewer signed it off
            **{name: getattr(source, name) for name in COPIED_FIELDS},
        )
        condition.save()  # the model's own save: sanitizer, search index, cache invalidation
        Condition.objects.filter(pk=condition.pk).update(status=Status.PUBLISHED)
        ConditionTreatment.objects.bulk_create(
            ConditionTreatment(
                condition=condition, treatment_id=link.treatment_id, position=link.position, note=link.note
            )
            for link in source.condition_treatments.all()
        )
        ConditionArticle.objects.bulk_create(
            ConditionArticle(condition=condition, article_id=link.article_id, position=link.position)
            for link in source.condition_articles.all()
        )
