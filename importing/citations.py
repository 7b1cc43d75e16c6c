"""Import a citation file: each record is new, a duplicate or an error; the new ones are written in one transaction.

Duplicates follow the one rule of importing/articles.py, against every article on the site (drafts too) and the
earlier records of the same file, so importing a file twice creates nothing the second time. A duplicate is never
changed; it is only linked to the conditions named for the import when it is not linked yet.
"""

from collections import Counter
from dataclasses import dataclass

import reversion
from django.db import transaction
from django.db.models import Max, prefetch_related_objects

from clinic.cache import content_changed
from conditions.models import ConditionArticle, ResearchArticle, Status
from conditions.publishing import can_publish, editable_target, sign_off

from .articles import BATCH, DuplicateIndex, Known, create_articles, problems

NEW, DUPLICATE, ERROR = "new", "duplicate", "error"


@dataclass
class Outcome:
    record: object  # ParsedRecord
    status: str
    detail: str = ""
    slug: str = ""  # new: the address the article gets
    existing_pk: int | None = None  # duplicate of an article on the site
    article: ResearchArticle | None = None  # new, once written

    @property
    def url(self):
        return ResearchArticle.url_for_slug(self.slug) if self.slug else ""

    @property
    def warnings(self):
        return self.record.citation.warnings if self.record.citation and self.status != ERROR else []

    def line(self):
        if self.status == NEW:
            return f"{self.status:<10} {self.record.label} -> {self.url}"
        return f"{self.status:<10} {self.record.label}: {self.detail}"

    def warning_lines(self):
        return [f"{'':<10} warning: {warning}" for warning in self.warnings]


class ImportFailed(Exception):
    """Writing stopped on an unexpected error; the transaction was rolled back, nothing was imported."""


def _count(number, word):
    return f"{number} {word}{'s' if number != 1 else ''}"


def summary(outcomes):
    counts = Counter(outcome.status for outcome in outcomes)
    warnings = sum(len(outcome.warnings) for outcome in outcomes)
    return f"{counts[NEW]} new, {_count(counts[DUPLICATE], 'duplicate')}, {_count(counts[ERROR], 'error')}" + (
        f"; {_count(warnings, 'warning')} (fields left out, listed above)." if warnings else "."
    )


def error_summary(outcomes, dry_run=False):
    """What happened when some records had errors, with counts: never "the others were imported" when none were."""
    counts = Counter(outcome.status for outcome in outcomes)
    errors = _count(counts[ERROR], "record")
    if dry_run:
        return f"{errors} could not be imported (listed above); nothing was saved (dry run)."
    if not counts[NEW] and not counts[DUPLICATE]:
        return f"{errors} could not be imported (listed above): nothing was imported, the file has no usable record."
    done = [f"{counts[NEW]} new article{'s were' if counts[NEW] != 1 else ' was'} imported"]
    if counts[DUPLICATE]:
        done.append(f"{_count(counts[DUPLICATE], 'duplicate')} already on the site or in the file")
    return f"{errors} could not be imported (listed above); {', '.join(done)}."


class CitationImporter:
    """`publish`: new articles go live, signed off in the name of `user`, who must be a medical reviewer (else
    they are drafts). Links added to a live condition by someone who may not publish go to its draft copy."""

    def __init__(self, citation_file, *, conditions=(), publish=True, user=None):
        self.file = citation_file
        self.conditions = list(conditions)
        self.user = user if user is not None and user.is_authenticated else None
        self.publish = publish and can_publish(self.user, ResearchArticle)
        self.outcomes = None

    # --- Planning: nothing is written -------------------------------------------------------------------

    def plan(self):
        """Classify every record (one query for the site's articles). Safe to call for a dry run or a preview."""
        index = DuplicateIndex.of_site()
        outcomes = []
        for record in self.file.records:
            if record.error:
                outcomes.append(Outcome(record, ERROR, record.error))
                continue
            citation = record.citation
            if problem := problems(citation):
                outcomes.append(Outcome(record, ERROR, problem))
                continue
            match, reason = index.find(citation)
            if match is not None and match.where == "site":
                detail = f"already on the site as “{match.title}” ({reason})"
                outcomes.append(Outcome(record, DUPLICATE, detail, existing_pk=match.key))
            elif match is not None:
                outcomes.append(Outcome(record, DUPLICATE, f"repeats record {match.key} of this file ({reason})"))
            else:
                index.drop_taken_pmid(citation)
                index.add(
                    Known("file", record.number, citation.title, citation.doi.casefold(), citation.pmid, citation.year)
                )
                outcomes.append(Outcome(record, NEW, slug=index.new_slug(citation.title)))
        self.outcomes = outcomes
        return outcomes

    # --- Writing: all or nothing --------------------------------------------------------------------------

    def run(self, progress=None):
        """Write the new articles (and links to the conditions) in one transaction; return the outcomes.

        Everything is written in bulk, in a constant number of queries whatever the number of records (a 7,000-record
        library in a few seconds); `progress` advances as each batch of articles is written."""
        outcomes = self.outcomes if self.outcomes is not None else self.plan()
        new = [outcome for outcome in outcomes if outcome.status == NEW]
        try:
            with transaction.atomic(), reversion.create_revision():
                comment = f"Imported from {self.file.name}"
                reversion.set_comment(comment)
                if self.user is not None:
                    reversion.set_user(self.user)
                articles = create_articles(
                    [(outcome.record.citation, outcome.slug) for outcome in new],
                    owner=self.user,
                    reviewer=self.user if self.publish else None,
                    note=f"Published on import of {self.file.name}",
                    comment=comment,
                    progress=progress.update if progress is not None else None,
                )
                for outcome, article in zip(new, articles, strict=True):
                    outcome.article = article
                self._targets = self._link_targets()
                self._link_all(outcomes)
                self._record_changed_conditions()
        except Exception as error:
            raise ImportFailed(f"{self.file.name}: {error}. Nothing was imported.") from error
        finally:
            if progress is not None:
                progress.close()
        return outcomes

    def _link_targets(self):
        """{condition pk: the page the links go to}: the condition itself, or the draft copy of a live one when the
        importer may not publish it (conditions.publishing.editable_target)."""
        return {condition.pk: editable_target(condition, self.user) for condition in self.conditions}

    def _record_changed_conditions(self):
        """Every condition whose list changed gets a revision: a reviewer who added articles to a live page signs that
        change off (every live change has a sign-off; saving it records the revision); a draft is recorded as it is.
        The links' rows are read once per condition, with their articles (each link's label names its article)."""
        changed = [target for target in self._targets.values() if target.pk in self._changed]
        prefetch_related_objects(changed, "condition_treatments__treatment", "condition_articles__article")
        for target in changed:
            if target.status == Status.PUBLISHED and not target.draft_of_id:
                sign_off(target, self.user, note=f"Related articles added from {self.file.name}")
            else:
                reversion.add_to_revision(target)

    def _link_all(self, outcomes):
        """Append each new article and each duplicate to every condition's list when it is not on it yet, in the
        file's order (bulk: one query to read the links, one to write them)."""
        self._changed = set()
        if not self.conditions:
            return
        targets = [self._targets[condition.pk] for condition in self.conditions]
        rows = ConditionArticle.objects.filter(condition__in=targets)
        links = {target.pk: set() for target in targets}
        for condition_id, article_id in rows.values_list("condition_id", "article_id"):
            links[condition_id].add(article_id)
        next_position = {
            row["condition_id"]: (row["last"] or 0) + 1
            for row in rows.values("condition_id").annotate(last=Max("position")).order_by()
        }
        new_links = []
        for outcome in outcomes:
            article_pk = outcome.article.pk if outcome.article is not None else outcome.existing_pk
            if article_pk is None:
                continue
            linked = []
            for condition in self.conditions:
                target = self._targets[condition.pk]
                if article_pk in links[target.pk]:
                    continue
                position = next_position.get(target.pk, 0)
                new_links.append(ConditionArticle(condition=target, article_id=article_pk, position=position))
                next_position[target.pk] = position + 1
                links[target.pk].add(article_pk)
                self._changed.add(target.pk)
                linked.append(condition.name if target is condition else f"{condition.name} (draft copy)")
            if linked and outcome.status == DUPLICATE:
                outcome.detail += f"; linked to {', '.join(linked)}"
        ConditionArticle.objects.bulk_create(new_links, batch_size=BATCH)
        if new_links:
            content_changed(ConditionArticle)
