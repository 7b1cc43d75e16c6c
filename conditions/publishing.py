"""Publishing: the one way a page reaches patients, and the record of which medical reviewer approved what.

Each rule is written once, here, and used by the admin, the importers and the commands:

- Only someone with the model's `publish_<model>` permission (the Medical reviewer role) publishes, and every
  publish writes a `SignOff`: who, when, which version (the edit number and a digest of the content). The database
  itself refuses a published page without a sign-off, and a published draft copy.
- A draft copy is published by merging it onto its live page, which keeps its address.
- A reviewer publishes what they saw: callers pass the digest of the content the reviewer looked at, and a page
  that changed since is refused (`ContentChanged`) so the reviewer can read the new differences.
- A restore or a recovery never publishes: it gives a draft, or a draft copy of a live page.
- A change to a live page by someone who may not publish goes to the page's draft copy (`editable_target`).
"""

from contextlib import contextmanager

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic.bulk import columns_of, insert_rows
from clinicians.models import reviewer_identity, signing_clinician

from . import notifications
from .models import ChangeRequest, Reviewed, SignOff, Status, add_months, random_key
from .page_state import row_fields, state_of, state_of_version, states_of_new


class ContentChanged(Exception):
    """The page changed after the reviewer looked at it; nothing was published."""

    def __init__(self, page):
        super().__init__(_("“%(page)s” changed after you opened it.") % {"page": page})
        self.page = page


class RestoreError(Exception):
    """The version cannot be restored (the message says why); nothing was changed."""


def can_publish(user, model):
    opts = model._meta
    return bool(user and user.is_active and user.has_perm(f"{opts.app_label}.publish_{opts.model_name}"))


def reviewer_named(username, model):
    """The active account `username` that may publish `model` (an import's `--reviewer`), else PermissionDenied."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if not can_publish(user, model):
        raise PermissionDenied(
            f"no active account named {username} may publish {model._meta.verbose_name_plural} (a medical reviewer)"
        )
    return user


@contextmanager
def recorded(user, comment):
    """Everything saved inside is one revision of the page's history, with who and why."""
    if reversion.is_active():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield
        return
    with transaction.atomic(), reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        yield


# --- Sign-off and publishing ----------------------------------------------------------------------------------


def _record_sign_off(page, reviewer, digest, note, name=None, credentials=None, keep_review_due=False):
    """Write the SignOff for `page` (its content as `digest`) and point the page at it; the caller saves the page."""
    if name is None:
        name, credentials = reviewer_identity(reviewer)
    if not name:
        raise ValidationError(_("A sign-off needs the reviewer's name."))
    signoff = SignOff.objects.create(
        content_type=ContentType.objects.get_for_model(type(page)),
        object_id=page.pk,
        reviewer=reviewer,
        reviewer_name=name,
        reviewer_credentials=credentials or "",
        clinician=signing_clinician(reviewer, name, credentials),
        edit_version=page.edit_version,
        content_digest=digest,
        note=note,
    )
    page.signoff = signoff
    if isinstance(page, Reviewed):
        page.last_reviewed = timezone.localdate(signoff.signed_at)
        if not (keep_review_due and page.next_review_due and page.next_review_due > page.last_reviewed):
            page.next_review_due = add_months(page.last_reviewed, settings.REVIEW_INTERVAL_MONTHS)
    return signoff


def _check_ready(page):
    """The page's own rules for a published page (e.g. a condition needs an overview), as a ValidationError."""
    status = page.status
    page.status = Status.PUBLISHED
    try:
        page.full_clean(exclude=["slug", "owner"], validate_unique=False, validate_constraints=False)
    finally:
        page.status = status


def publish(page, reviewer, *, seen_digest=None, note="", keep_review_due=False, published_at=None):
    """`reviewer` signs off the page's current content and it goes live (a draft copy: onto its live page).

    `seen_digest` is the digest of what the reviewer looked at; if the page differs now, ContentChanged is raised and
    nothing is published. `published_at` is when a never-published page counts as first published (default:
    now; a future time schedules it). Returns the live page.
    """
    model = type(page)
    if not can_publish(reviewer, model):
        raise PermissionDenied(_("Only a medical reviewer can publish."))
    with transaction.atomic():
        page = model.objects.select_for_update().get(pk=page.pk)
        state = state_of(page)
        if seen_digest is not None and state.digest() != seen_digest:
            raise ContentChanged(page)
        _check_ready(page)
        name, credentials = reviewer_identity(reviewer)
        if page.draft_of_id:
            live = model.objects.select_for_update().get(pk=page.draft_of_id)
            with recorded(
                reviewer, _("Changes from a draft copy signed off and published by %(name)s") % {"name": name}
            ):
                _record_sign_off(
                    live, reviewer, state.digest(), note or _("Published changes from a draft copy"),
                    keep_review_due=keep_review_due,
                )  # fmt: skip
                live.status = Status.PUBLISHED
                live.published_at = live.published_at or timezone.now()
                live.take_content_of(page)
                page.delete()
            return live
        with recorded(reviewer, _("Signed off and published by %(name)s") % {"name": name}):
            _record_sign_off(page, reviewer, state.digest(), note or _("Published"), keep_review_due=keep_review_due)
            page.status = Status.PUBLISHED
            page.published_at = page.published_at or published_at or timezone.now()
            page.save()
            _resolve_change_requests(page)
        return page


def sign_off_new(pages, rows, reviewer, *, note=""):
    """`reviewer` signs off pages of one model about to be written, or just written as drafts (an import): the
    sign-off `publish` would write for each is written, in a constant number of queries, and each page gets in
    memory the state `publish` gives it (published now, its sign-off, the next edit number). The pages need their
    pks (clinic.bulk.reserve_pks); `rows`: each page's linked rows (see `states_of_new`). The caller has checked the
    pages' fields, writes the pages (or `publish_new` updates them) and saves their history
    (conditions.history.record_new_pages)."""
    if not pages:
        return pages
    model = type(pages[0])
    if not can_publish(reviewer, model):
        raise PermissionDenied(_("Only a medical reviewer can publish."))
    name, credentials = reviewer_identity(reviewer)
    if not name:
        raise ValidationError(_("A sign-off needs the reviewer's name."))
    content_type, now = ContentType.objects.get_for_model(model), timezone.now()
    clinician = signing_clinician(reviewer, name, credentials)  # whose profile "Reviewed by" links to
    clinician = clinician.pk if clinician is not None else None
    signoffs = insert_rows(SignOff, columns_of(SignOff), (
        (content_type.pk, page.pk, reviewer.pk, name, credentials or "", clinician, now, page.edit_version,
         state.digest(), note or _("Published"))
        for page, state in zip(pages, states_of_new(pages, rows), strict=True)
    ))  # fmt: skip
    for page, signoff in zip(pages, signoffs, strict=True):
        page.status, page.published_at, page.signoff_id, page.edit_version = (
            Status.PUBLISHED, now, signoff, page.edit_version + 1
        )  # fmt: skip
    return pages


def publish_new(pages, rows, reviewer, *, note="", also=None):
    """`sign_off_new` for pages already written as drafts: they are published in one UPDATE. `also`: other columns
    to set in the same UPDATE (e.g. conditions.search.search_vector_values), so each new row is rewritten once."""
    if not pages:
        return pages
    sign_off_new(pages, rows, reviewer, note=note)
    model, content_type = type(pages[0]), ContentType.objects.get_for_model(type(pages[0]))
    latest = SignOff.objects.filter(content_type=content_type, object_id=OuterRef("pk")).order_by("-pk")
    model.objects.filter(pk__in=[page.pk for page in pages]).update(
        status=Status.PUBLISHED, published_at=pages[0].published_at, edit_version=F("edit_version") + 1,
        signoff=Subquery(latest.values("pk")[:1]), **(also or {}),
    )  # fmt: skip
    return pages


def sign_off(page, reviewer, *, seen_digest=None, note=""):
    """A medical review of a live page without changes: a new sign-off, and the next review due after the interval."""
    model = type(page)
    if not can_publish(reviewer, model):
        raise PermissionDenied(_("Only a medical reviewer can sign off a page."))
    with transaction.atomic():
        page = model.objects.select_for_update().get(pk=page.pk)
        digest = state_of(page).digest()
        if seen_digest is not None and digest != seen_digest:
            raise ContentChanged(page)
        if page.status != Status.PUBLISHED or page.draft_of_id:
            raise ValidationError(_("Only a live page is signed off as reviewed; publish a draft instead."))
        name, _credentials = reviewer_identity(reviewer)
        with recorded(reviewer, _("Medically reviewed and signed off by %(name)s") % {"name": name}):
            signoff = _record_sign_off(page, reviewer, digest, note or _("Reviewed"))
            page.save()
        return signoff


def publish_as_imported(page, name, credentials="", note=""):
    """Publish a page whose review happened outside this site (demo content, a migration of legacy review data),
    with the sign-off naming who reviewed it. Not for the admin: there a signed-in reviewer publishes."""
    _record_sign_off(page, None, state_of(page).digest(), note, name=name, credentials=credentials)
    page.status = Status.PUBLISHED
    page.published_at = page.published_at or timezone.now()
    page.save()
    return page


def withdraw(page, user):
    if not can_publish(user, type(page)):
        raise PermissionDenied(_("Only a medical reviewer can withdraw a page."))
    with recorded(user, _("Withdrawn from the site by %(user)s") % {"user": user.get_username()}):
        page.status = Status.DRAFT
        page.save()
    return page


def submit_for_review(page, user):
    """Draft -> waiting for review; the reviewers get an e-mail once the change is committed."""
    with recorded(user, _("Submitted for medical review by %(user)s") % {"user": user.get_username()}):
        page.status = Status.REVIEW
        page.save()
        _resolve_change_requests(page)
    transaction.on_commit(lambda: notifications.review_requested(page, user))
    return page


def request_changes(page, reviewer, comment):
    """A reviewer sends the page back with a comment that its editors see on the form (and the owner by e-mail)."""
    if not can_publish(reviewer, type(page)):
        raise PermissionDenied(_("Only a medical reviewer can request changes."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say what should change, so the editor knows what to do."))
    with recorded(reviewer, _("Changes requested by %(user)s") % {"user": reviewer.get_username()}):
        change_request = ChangeRequest.objects.create(
            content_type=ContentType.objects.get_for_model(type(page)), object_id=page.pk, reviewer=reviewer,
            comment=comment,
        )  # fmt: skip
        if page.status == Status.REVIEW:
            page.status = Status.DRAFT
        page.save()
    transaction.on_commit(lambda: notifications.changes_requested(page, change_request))
    return change_request


def open_change_requests(page):
    return ChangeRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(type(page)), object_id=page.pk, resolved_at__isnull=True
    ).select_related("reviewer")


def _resolve_change_requests(page):
    open_change_requests(page).update(resolved_at=timezone.now())


def sign_offs(page):
    """The page's sign-offs, newest first (a draft copy has none: they are kept with the live page)."""
    return SignOff.objects.filter(content_type=ContentType.objects.get_for_model(type(page)), object_id=page.pk)


def editable_target(page, user):
    """Where `user`'s change to `page` goes: the page itself, or its draft copy when it is live and they may not
    publish (every word patients read passes a reviewer)."""
    if page.status == Status.PUBLISHED and not page.draft_of_id and not can_publish(user, type(page)):
        return page.draft_copy(user)
    return page


def preview_links_revoked(page):
    page.preview_key = random_key()
    type(page).objects.filter(pk=page.pk).update(preview_key=page.preview_key)


# --- Restoring old versions, recovering deleted pages ----------------------------------------------------------


def apply_state(target, state):
    """Write a PageState's content onto `target` (saved) and replace its linked rows. Rows naming something that no
    longer exists are skipped; their descriptions are returned."""
    for attname, value in state.fields.items():
        setattr(target, attname, value)
    target.save()
    skipped = []
    model = type(target)
    for relation in model.copied_rows:
        manager = getattr(target, relation)
        fields = row_fields(model, relation)
        manager.all().delete()
        for position, values in enumerate(state.rows.get(relation, [])):
            data = {field.attname: value for field, value in zip(fields, values, strict=True)}
            missing = [
                field
                for field in fields
                if field.is_relation
                and not field.related_model._default_manager.filter(pk=data[field.attname]).exists()
            ]
            if missing:
                skipped.append(f"{relation}: #{data[missing[0].attname]}")
                continue
            manager.create(position=position, **data)
    for relation in model.copied_m2m:
        related = model._meta.get_field(relation).related_model
        wanted = [row[0] for row in state.rows.get(relation, [])]
        existing = list(related._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
        skipped += [f"{relation}: #{pk}" for pk in wanted if pk not in existing]
        getattr(target, relation).set(existing)
    return skipped


def _version_label(version):
    when = timezone.localtime(version.revision.date_created).strftime("%d %b %Y %H:%M")
    who = version.revision.user.get_username() if version.revision.user else _("someone")
    return _("version #%(id)s, saved %(when)s by %(who)s") % {"id": version.pk, "when": when, "who": who}


def restore(page, version, user):
    """Bring back `version` of `page` as a draft (a live page: into its draft copy). Returns (draft, skipped rows).

    Only this page and its own linked rows are restored, never other pages saved in the same revision."""
    if version.content_type_id != ContentType.objects.get_for_model(type(page)).pk or version.object_id != str(page.pk):
        raise RestoreError(_("This version belongs to another page."))
    state = state_of_version(version)
    with transaction.atomic():
        target = page
        if page.status == Status.PUBLISHED and not page.draft_of_id:
            target = page.draft_copy(user)
        elif page.status != Status.DRAFT:
            target.status = Status.DRAFT
        where = _("into the draft copy") if target is not page else _("as a draft")
        comment = _("Restored %(version)s %(where)s by %(user)s") % {
            "version": _version_label(version), "where": where, "user": user.get_username(),
        }  # fmt: skip
        with recorded(user, comment):
            skipped = apply_state(target, state)
    return target, skipped


def recover(model, version, user):
    """Bring back a deleted page from `version` as a draft (never live), with its rows. Returns (page, skipped)."""
    if version.content_type_id != ContentType.objects.get_for_model(model).pk:
        raise RestoreError(_("This version belongs to another kind of page."))
    if model._default_manager.filter(pk=version.object_id).exists():
        raise RestoreError(_("This page was not deleted: open it and restore a version from its history instead."))
    page = version._object_version.object
    page.status = Status.DRAFT
    page.published_at = None
    page.signoff = None
    page.preview_key = random_key()
    page.edit_version = 1
    if page.draft_of_id and not model._default_manager.filter(pk=page.draft_of_id).exists():
        page.draft_of = None
    if model._default_manager.filter(slug=page.slug).exists():
        page.slug = f"{page.slug[:180]}-recovered"
        number = 1
        while model._default_manager.filter(slug=page.slug).exists():
            number += 1
            page.slug = f"{page.slug.rsplit('-recovered', 1)[0]}-recovered-{number}"
    try:
        page.validate_unique()
        page.validate_constraints()
    except ValidationError as error:
        raise RestoreError(" ".join(error.messages)) from None
    state = state_of_version(version)
    comment = _("Recovered from deletion (%(version)s) as a draft by %(user)s") % {
        "version": _version_label(version), "user": user.get_username(),
    }  # fmt: skip
    with transaction.atomic(), recorded(user, comment):
        page.save(force_insert=True)
        skipped = apply_state(page, state)
    return page, skipped
