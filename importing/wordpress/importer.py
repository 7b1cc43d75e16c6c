"""Write an export's condition pages to the database, one savepoint per page, and say what happened.

- A page is matched on its WordPress post ID (`Condition.wordpress_id`): a second run updates, never duplicates,
  and saves nothing that has not changed.
- Each page is written inside its own `transaction.atomic()`: a page that fails leaves nothing behind (files it
  copied are deleted too) while the other pages land.
- What the editors own once a page exists is left alone: its slug, body region, review dates, an image already
  set, its summary and alternate names once filled, and its status unless `--status` is given. A text field the
  page leaves empty is never blanked. Links added in the admin stay, after the page's own.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from conditions.fields import stored_html
from conditions.models import (
    BodyRegion,
    Condition,
    ConditionArticle,
    ConditionTreatment,
    ResearchArticle,
    Status,
    Treatment,
    TreatmentCategory,
)
from conditions.page_state import content_digest
from conditions.publishing import publish
from conditions.slugs import unique_slug, unused_by
from importing.articles import DuplicateIndex, Known, create_articles, problems

from . import media
from .mapping import (
    TEXT_FIELDS,
    alternate_names_from,
    guess_body_region,
    map_page,
    summary_from,
    treatment_name_from,
)
from .report import ItemResult, ProgressBar, Report
from .shortcodes import ShortcodeError, page_columns

SKIPPED_STATUSES = {"trash": "in the WordPress trash", "auto-draft": "an unsaved WordPress draft"}
#: Words of the slug or title of WooCommerce's stock pages (shop, cart, checkout, my account, refund and returns
#: policy) and of WordPress's privacy policy: such a page is never a condition, whatever headings it has.
SHOP_OR_POLICY_WORDS = {"shop", "cart", "basket", "checkout", "account", "privacy", "policy", "refund", "refunds",
                        "returns", "terms", "cookie", "cookies", "gdpr"}  # fmt: skip
SHOP_CONTENT = re.compile(r"\[woocommerce_|<!--\s*wp:woocommerce/", re.IGNORECASE)
PUBLIC_STATUSES = {"publish", "future"}


class ItemError(Exception):
    """This item cannot be imported; the message says why (the report adds which item)."""


@dataclass
class ImportOptions:
    status: str | None = None  # "publish" or "draft"; None: new pages are drafts, existing ones keep their status
    reviewer: object = None  # the medical reviewer who signs off what is published or changed on live pages
    post_types: tuple[str, ...] = ("page",)
    media_dir: Path | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class _ImageUse:
    page: str
    role: str  # "featured image" or "image in the text"
    state: str  # what happened to the file, as the report says it


@dataclass
class _ImageState:
    path: Path | None  # the file to import, or None (then `summary` says why not)
    summary: str


@dataclass
class _Run:
    """What the pages of this run did with the attachments, for the attachments' report lines."""

    by_id: dict[int, list[_ImageUse]] = field(default_factory=dict)
    by_path: dict[str, list[_ImageUse]] = field(default_factory=dict)


def describe(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Importer:
    def __init__(self, export, options: ImportOptions, progress: ProgressBar | None = None):
        self.export = export
        self.options = options
        self.progress = progress
        self.media = media.MediaDir(options.media_dir)
        self.attachments = {item.post_id: item for item in export.items if item.post_type == "attachment"}
        self.attachments_by_path = {media.attachment_path(item): item for item in self.attachments.values()}
        self.run_state = _Run()
        self.seen_ids = set()
        self.written_files = []  # storage names written by the current page (deleted if it fails)
        self.pending_uses = []  # images the current page used, recorded once the page is saved
        self._article_index = None

    def article_index(self):
        """The site's research articles for the duplicate rule, loaded once per run and kept current."""
        if self._article_index is None:
            self._article_index = DuplicateIndex.of_site()
        return self._article_index

    def run(self) -> Report:
        report = Report(source=self._describe_source(), dry_run=self.options.dry_run)
        if self.options.dry_run:
            with transaction.atomic():
                self._import_all(report)
                transaction.set_rollback(True)
        else:
            self._import_all(report)
        return report

    def _describe_source(self):
        site = f" from {self.export.site_url}" if self.export.site_url else ""
        if self.options.status == "publish":
            status = "published (pages that are drafts in WordPress stay drafts)"
        elif self.options.status == "draft":
            status = "drafts"
        else:
            status = "drafts (pages imported before keep their status)"
        return (
            f"WordPress export {self.export.path.name} (WXR {self.export.version}{site}): "
            f"{len(self.export.items)} item{'s' if len(self.export.items) != 1 else ''}; "
            f"conditions are imported as {status}."
        )

    def _import_all(self, report):
        results = []
        for done, item in enumerate(self.export.items):
            if self.progress:
                self.progress.update(done, item.title or item.label)
            results.append(self._import_item(item))
        for result, item in zip(results, self.export.items, strict=True):
            if item.post_type == "attachment" and "attachment" not in self.options.post_types:
                result.outcome, result.detail = "skipped", self._attachment_detail(item)
        if self.progress:
            self.progress.close()
        report.results = results

    # --- One item ---------------------------------------------------------------------------------------

    def _import_item(self, item) -> ItemResult:
        result = ItemResult(item.label)
        reason = self._skip_reason(item)
        if reason:
            result.outcome, result.detail = "skipped", reason
            return result
        try:
            self._check_identity(item)
            try:
                text = page_columns(item.content)
            except ShortcodeError as error:
                raise ItemError(f"{error}; nothing was imported for this page") from None
            page = map_page(text.main, text.sidebar)
            if not page.is_condition:
                result.outcome = "skipped"
                result.detail = (
                    "no condition structure (a condition page has a Description heading and Diagnosis, "
                    "Symptoms/Causes lists or treatment headings): not imported"
                )
                return result
            self.written_files, self.pending_uses = [], []
            with transaction.atomic():
                writer = _PageWriter(self, item, page, result)
                writer.write()
            for uses, key, use in self.pending_uses:  # what the page did with images counts once it is saved
                uses.setdefault(key, []).append(use)
            result.warnings[:0] = text.warnings + (
                [f"removed shortcodes with no equivalent here: {', '.join(f'[{name}]' for name in text.removed)}"]
                if text.removed
                else []
            )
        except (ItemError, ValidationError, DatabaseError) as error:
            self._delete_written_files()
            message = describe(error) if isinstance(error, ValidationError) else str(error)
            if isinstance(error, DatabaseError):
                message = f"database error ({message}); nothing was imported for this page"
            result.outcome, result.detail, result.warnings = "error", message, []
        return result

    def _skip_reason(self, item):
        if item.post_type == "attachment" and "attachment" not in self.options.post_types:
            return "an attachment"  # replaced by what happened to the file once the pages are done
        if item.post_type not in self.options.post_types:
            if item.post_type == "post":
                return 'a blog post (post type "post"), not a condition page'
            return f'post type "{item.post_type or "?"}" is not imported (see --post-type)'
        if item.status in SKIPPED_STATUSES:
            return SKIPPED_STATUSES[item.status]
        if is_shop_or_policy(item):
            return "a shop or policy page (WooCommerce, privacy), not a condition page: not imported"
        return None

    def _check_identity(self, item):
        if item.post_id is None:
            raise ItemError("has no <wp:post_id>, so a later run could not find it again: not imported")
        if item.post_id in self.seen_ids:
            raise ItemError(f"post ID {item.post_id} appears twice in the export: the second one is not imported")
        self.seen_ids.add(item.post_id)
        if not item.title:
            raise ItemError("has no title: a condition needs a name; give the page a title in WordPress")

    def _delete_written_files(self):
        for name in self.written_files:
            default_storage.delete(name)
        self.written_files = []

    def _attachment_detail(self, item):
        uses = self.run_state.by_id.get(item.post_id, []) + self.run_state.by_path.get(media.attachment_path(item), [])
        file = media.attachment_path(item) or item.attachment_url or "no file"
        if not uses:
            return f"an attachment ({file}), not used by an imported condition page"
        return f"an attachment ({file}); " + "; ".join(
            f"{use.role} of {use.page}: {use.state}" for use in dict.fromkeys(uses)
        )

    def record_image(self, attachment, relative, page_label, state):
        use = _ImageUse(page_label, "featured image" if attachment else "image in the text", state)
        if attachment is not None:
            self.pending_uses.append((self.run_state.by_id, attachment.post_id, use))
        else:
            for candidate in (relative, media.SIZE_SUFFIX.sub("", relative)):
                if candidate in self.attachments_by_path:
                    self.pending_uses.append((self.run_state.by_path, candidate, use))
                    break

    def featured_image(self, item):
        """The page's featured image: the attachment its `_thumbnail_id` names."""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        return self.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None


class _PageWriter:
    """Creates or updates the Condition of one page, with its treatments, articles, redirect and image."""

    def __init__(self, importer: Importer, item, page, result: ItemResult):
        self.importer, self.item, self.page, self.result = importer, item, page, result
        self.options = importer.options
        self.warn = result.warnings.append
        self.changed = False

    def write(self):
        """Write the page. A live page changes only with a reviewer's sign-off (`--reviewer`); without one, the
        import goes into the page's draft copy, which a reviewer compares and publishes."""
        item = self.item
        condition = Condition.objects.select_for_update().filter(wordpress_id=item.post_id).first()
        created = condition is None
        if created:
            condition = self._new_condition()
        reviewer = self.options.reviewer
        live = not created and condition.status == Status.PUBLISHED
        target = condition.draft_copy() if live and reviewer is None else condition
        before = None if created else content_digest(target)
        self._set_content(target, created)
        wanted = self._wanted_status(created)
        self._set_image(target)
        target.full_clean()
        if created or self.changed:
            target.save()
        # Treatments made from a public page go live with it when a reviewer publishes it: their notes on this
        # page were public on the old site (a draft treatment's note would be hidden).
        publishing = wanted == "publish" or live
        publish_new_with = reviewer if publishing and target is condition and item.status in PUBLIC_STATUSES else None
        self._sync_treatments(target, publishing=publishing, publish_new_with=publish_new_with)
        self._sync_articles(target, publish_with=reviewer if wanted == "publish" or live else None)
        self._sync_redirect(condition)
        changed_content = before is None or content_digest(target) != before
        if target is not condition:
            if content_digest(target) == content_digest(condition):
                target.delete()  # the page says what the live page says: no copy needed
                self.changed = False
            else:
                self.warn("the page is live: the changes are in its draft copy, for a medical reviewer to publish")
        elif wanted == "publish" and (condition.status != Status.PUBLISHED or changed_content):
            condition = publish(
                condition, reviewer, note=f"Imported from WordPress ({item.label})", published_at=item.date_gmt
            )
            self.changed = True
        elif wanted == "draft" and condition.status == Status.PUBLISHED:
            condition.status = Status.DRAFT
            condition.save()
            self.changed = True
        for text in self.page.stray:
            self.warn(f'stray text not imported: "{shorten(text)}"')
        self.result.outcome = "created" if created else "updated" if self.changed else "unchanged"
        status = "published" if condition.status == Status.PUBLISHED else "draft"
        self.result.detail = f"{condition.get_absolute_url()} ({status})"

    # --- The condition ----------------------------------------------------------------------------------

    def _slug(self):
        slug = slugify(unquote(self.item.name)) or slugify(self.item.title)
        if not slug:
            raise ItemError("has no slug and no title to make one from: not imported")
        if slug != self.item.name and self.item.name:
            self.warn(f'slug "{self.item.name}" became "{slug}" (letters, digits and hyphens only)')
        return slug[:200]

    def _new_condition(self):
        slug = self._slug()
        taken = Condition.objects.filter(slug=slug).first()
        if taken is not None:
            raise ItemError(
                f'the address /conditions/{slug}/ is already used by the condition "{taken.name}", which was not '
                "imported from this WordPress page: rename or delete one of them, then import again"
            )
        overview = self.page.html("overview")
        region, sure = guess_body_region(self.item.title, overview)
        if not sure:
            self.warn(f'body region guessed as "{BodyRegion(region).label}" from the text: check it')
        condition = Condition(wordpress_id=self.item.post_id, slug=slug, body_region=region, status=Status.DRAFT)
        return condition

    def _assign(self, condition, name, value):
        if getattr(condition, name) != value:
            setattr(condition, name, value)
            self.changed = True

    def _set_content(self, condition, created):
        self._assign(condition, "name", self.item.title[:200])
        for name in TEXT_FIELDS:
            value = stored_html(self._with_imported_images(self.page.html(name)))
            if value:  # a section the page does not have never blanks what an editor wrote
                self._assign(condition, name, value)
        if not condition.summary.strip():
            summary = summary_from(self.page.html("overview")) or self.item.title
            self._assign(condition, "summary", summary)
        if not condition.alternate_names.strip():
            self._assign(
                condition, "alternate_names", "\n".join(alternate_names_from(condition.overview, condition.name))
            )

    def _wanted_status(self, created):
        """ "publish", "draft" or None (keep). Publishing goes through a sign-off in `write`."""
        wanted = self.options.status or ("draft" if created else None)
        if wanted == "publish" and self.item.status not in PUBLIC_STATUSES:
            self.warn(f'"{self.item.status}" in WordPress, so imported as a draft')
            wanted = "draft"
        return wanted

    # --- Images -----------------------------------------------------------------------------------------

    def _set_image(self, condition):
        attachment = self.importer.featured_image(self.item)
        if attachment is None:
            return
        relative = media.attachment_path(attachment)
        if condition.hero_image:  # set by an earlier import or by an editor: keep it
            self.importer.record_image(attachment, relative, self.item.label, "kept the image the condition has")
            return
        state = self._image_state(relative)
        self.importer.record_image(attachment, relative, self.item.label, state.summary)
        if state.path is None:
            self.warn(f"image {state.summary} ({relative})")
            return
        if self.options.dry_run:
            return
        with state.path.open("rb") as file:
            condition.hero_image.save(media.image_name(state.path, state.path.name), File(file), save=False)
        self.importer.written_files.append(condition.hero_image.name)
        alt = attachment.meta.get("_wp_attachment_image_alt", "").strip() or attachment.title or condition.name
        condition.hero_image_alt = alt[:250]
        self.changed = True

    def _image_state(self, relative):
        if self.importer.media.root is None:
            return _ImageState(None, "not imported: pass --media-dir")
        path = self.importer.media.find(relative)
        if path is None:
            return _ImageState(None, "not imported: the file is not in --media-dir")
        problem = media.image_problem(path)
        if problem:
            return _ImageState(None, f"not imported: {problem}")
        return _ImageState(path, "would be imported (dry run)" if self.options.dry_run else "imported")

    def _with_imported_images(self, fragment):
        """Images in the text that point at the old site's uploads: copied from --media-dir, src rewritten."""

        def replace(match):
            src = html.unescape(match[2])
            relative = media.uploads_path(src)
            if relative is None:
                return match[0]  # not the old site's uploads: left as it is
            state = self._image_state(relative)
            self.importer.record_image(None, relative, self.item.label, state.summary)
            if state.path is None:
                self.warn(f"image in the text {state.summary} ({relative}); it still points at the old site")
                return match[0]
            if self.options.dry_run:
                return match[0]
            name, new = media.store_content_image(state.path, self.importer.media.relative(state.path))
            if new:
                self.importer.written_files.append(name)
            return f"{match[1]}{html.escape(default_storage.url(name))}{match[3]}"

        return media.IMG_SRC.sub(replace, fragment)

    # --- Treatments -------------------------------------------------------------------------------------

    def _sync_treatments(self, condition, publishing=False, publish_new_with=None):
        known = list(Treatment.objects.all())
        wanted = {}  # treatment -> note, in the page's order
        for entry in self.page.treatments:
            treatment = self._find_treatment(known, entry)
            if treatment is None:
                treatment = self._new_treatment(known, entry, publish_new_with)
            if treatment is None:
                continue
            note = entry.text
            wanted[treatment] = f"{wanted[treatment]} {note}" if treatment in wanted else note
        links = [(treatment, {"note": note}) for treatment, note in wanted.items()]
        self._sync_links(condition, ConditionTreatment, "treatment", links)
        if publishing:
            for treatment in wanted:
                if treatment.status != Status.PUBLISHED:
                    self.warn(f'treatment "{treatment.name}" is a draft: publish it to show it on this page')

    def _find_treatment(self, known, entry):
        """The treatment named in the sentence: same category first, then the longest name, then the first."""
        text = entry.text.casefold()
        candidates = []
        for treatment in known:
            for variant in _name_variants(treatment):
                pattern = r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, variant.split())) + r"s?(?![\w-])"
                match = re.search(pattern, text)
                if match:
                    same = treatment.category == entry.category
                    candidates.append((not same, -len(variant), match.start(), treatment.pk, treatment))
        if not candidates:
            return None
        treatment = min(candidates, key=lambda candidate: candidate[:4])[-1]
        if treatment.category != entry.category:
            self.warn(
                f'"{treatment.name}" ({treatment.category_label}) was listed under '
                f'"{TreatmentCategory(entry.category).label}" on the old page'
            )
        return treatment

    def _new_treatment(self, known, entry, publish_with=None):
        """A treatment named in the page's sentence, its page made of that sentence. With `publish_with` (a public page
        published by a reviewer), published in the reviewer's name and due for review today, so a reviewer writes its
        real page soon; else a draft."""
        name = treatment_name_from(entry.text)
        if name is None:
            self.warn(
                f'no treatment named in "{shorten(entry.text)}" '
                f"({TreatmentCategory(entry.category).label}): not imported"
            )
            return None
        existing = Treatment.objects.filter(slug=slugify(name)).first()
        if existing is not None:
            return existing
        treatment = Treatment(
            name=name[:200],
            slug=unique_slug(name, unused_by(Treatment), fallback="imported"),
            category=entry.category,
            summary=shorten(entry.text, 300),
            body=stored_html(f"<p>{html.escape(entry.text)}</p>"),
            status=Status.DRAFT,
        )
        treatment.full_clean()
        treatment.save()
        known.append(treatment)
        made = f'treatment "{treatment.name}" ({treatment.category_label}) made from "{shorten(entry.text, 60)}"'
        if publish_with is None:
            self.warn(f"new draft {made}: check its name, write its page, publish it")
            return treatment
        treatment = publish(treatment, publish_with, note=f"Published with the WordPress page {self.item.label}")
        today = timezone.localdate()
        Treatment.objects.filter(pk=treatment.pk).update(next_review_due=today)  # flagged: due for review now
        treatment.next_review_due = today
        self.warn(f"new {made}: published with the page, due for review today; check its name, write its page")
        return treatment

    # --- Research articles ------------------------------------------------------------------------------

    def _sync_articles(self, condition, publish_with=None):
        """The sidebar's citations, by the citation library's rules (importing/articles.py): the same checks (a bad
        field left out with a warning), the same duplicates (DOI, PubMed ID, title and year; different identifiers
        are different papers) and the same writing. New articles share the condition's status."""
        index = self.importer.article_index()
        wanted = []
        for citation in self.page.citations:
            if problem := problems(citation):
                self.warn(f'research article "{shorten(citation.title or "?", 60)}" not imported: {problem}')
                continue
            for warning in citation.warnings:
                self.warn(f'research article "{shorten(citation.title, 60)}": {warning}')
            match, _reason = index.find(citation)
            article = (
                ResearchArticle.objects.get(pk=match.key)
                if match is not None
                else self._new_article(index, citation, publish_with)
            )
            if publish_with is not None and article.status != Status.PUBLISHED:
                article = publish(article, publish_with, note=f"Imported from WordPress ({self.item.label})")
            if article in wanted:
                continue
            wanted.append(article)
            if publish_with is None and condition.status == Status.PUBLISHED and article.status != Status.PUBLISHED:
                self.warn(f'research article "{shorten(article.title, 60)}" is a draft: publish it to show it')
        self._sync_links(condition, ConditionArticle, "article", [(article, {}) for article in wanted])

    def _new_article(self, index, citation, publish_with=None):
        known_warnings = len(citation.warnings)
        index.drop_taken_pmid(citation)
        for warning in citation.warnings[known_warnings:]:
            self.warn(f'research article "{shorten(citation.title, 60)}": {warning}')
        [article] = create_articles(
            [(citation, index.new_slug(citation.title))],
            reviewer=publish_with,
            note=f"Imported from WordPress ({self.item.label})",
            comment=f"Imported from WordPress ({self.item.label})",
        )
        index.add(Known("site", article.pk, article.title, article.doi.casefold(), article.pmid, article.year))
        if not citation.authors:
            self.warn(f'research article "{shorten(citation.title, 60)}" has no "Authors:" line')
        return article

    def _sync_links(self, condition, model, name, wanted):
        """The page's links first, in its order; links added in the admin are kept after them."""
        existing = {getattr(link, f"{name}_id"): link for link in model.objects.filter(condition=condition)}
        position = 1
        for target, extra in wanted:
            values = {"position": position, **extra}
            link = existing.pop(target.pk, None)
            if link is None:
                model.objects.create(condition=condition, **{name: target}, **values)
                self.changed = True
            elif any(getattr(link, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(link, key, value)
                link.save(update_fields=list(values))
                self.changed = True
            position += 1
        for link in sorted(existing.values(), key=lambda link: (link.position, link.pk)):
            if link.position < position:  # moved down only as far as needed: positions an editor set stay
                link.position = position
                link.save(update_fields=["position"])
                self.changed = True
            position = link.position + 1

    def _sync_redirect(self, condition):
        """A redirect from the page's own old address. A <link> naming another address (a page copied in WordPress
        keeps the original's) is not used, and a redirect that already leads to another page is never re-pointed."""
        if self.item.status not in PUBLIC_STATUSES:
            return  # never public on the old site: no old links to keep
        old_path = old_path_of(self.item)
        new_path = condition.get_absolute_url()
        if old_path is None:
            self.warn("no old address (<link> or slug) to redirect from")
            return
        own_path = f"/{self.item.name}/" if self.item.name else None
        if self.item.name and old_path.rstrip("/").rsplit("/", 1)[-1] != self.item.name:
            self.warn(f'its <link> ({old_path}) is not this page\'s address (slug "{self.item.name}"): redirected '
                      f"from {own_path} instead")  # fmt: skip
            old_path = own_path
        if len(old_path) > 200:
            self.warn(f"old address longer than 200 characters, not redirected: {shorten(old_path)}")
            return
        if old_path == new_path:
            return  # the same address: a redirect would loop
        redirect = Redirect.objects.filter(site_id=settings.SITE_ID, old_path=old_path).first()
        if redirect is None:
            Redirect.objects.create(site_id=settings.SITE_ID, old_path=old_path, new_path=new_path)
            self.changed = True
        elif redirect.new_path != new_path:
            self.warn(f"{old_path} already redirects to {redirect.new_path} (another page): left as it is")


def is_shop_or_policy(item) -> bool:
    words = set(re.split(r"[^\w]+|_", f"{item.name} {item.title}".casefold()))
    return bool(words & SHOP_OR_POLICY_WORDS) or SHOP_CONTENT.search(item.content) is not None


def _name_variants(treatment):
    names = {treatment.name, re.sub(r"\s*\([^)]*\)", "", treatment.name), treatment.slug.replace("-", " ")}
    return {" ".join(name.casefold().split()) for name in names if len(name.strip()) >= 4}


def old_path_of(item) -> str | None:
    """The page's address on the old site: the path of its <link>, else /<slug>/."""
    parts = urlsplit(item.link)
    if parts.scheme in {"http", "https"} and parts.path not in {"", "/"}:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if item.name:
        return f"/{item.name}/"
    return None
