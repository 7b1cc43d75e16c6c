"""Admin pages for the citation library, wired into ResearchArticleAdmin.get_urls (conditions/admin.py).

- Import citations: upload a RIS, BibTeX or PubMed file, see a preview (new / duplicate / error per record, with the
  reason), confirm to import. Same rules as `manage.py import_citations`; editors without the publish permission
  import drafts.
- Add from DOI or PMID: fetch one record from Crossref or PubMed and show the same preview.
- Fill empty fields (on an article's page): fetch its record by DOI or PMID and fill what the article lacks.
"""

import reversion
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from citations.ama import ama_citation
from citations.files import ACCEPTED_EXTENSIONS, CitationFileError, max_bytes, read_bytes, read_text, size_text
from conditions.models import ArticleAuthor, Condition
from importing import pending
from importing.articles import preview_article
from importing.citations import DUPLICATE, ERROR, NEW, CitationImporter, ImportFailed, summary
from importing.lookup import LookupFailed, fill_article, lookup


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Citation file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    conditions = forms.ModelMultipleChoiceField(
        label=_("Add to the related articles of"),
        queryset=Condition.objects.filter(draft_of=None).only("name").order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Optional. Hold Ctrl (⌘ on a Mac) to choose several conditions."),
    )
    draft = forms.BooleanField(
        label=_("Import as drafts"),
        required=False,
        help_text=_("Citations are published on import unless this is ticked."),
    )

    def __init__(self, *args, can_publish=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "RIS (.ris), BibTeX (.bib) or PubMed (.nbib, or .txt saved in PubMed format), at most %(size)s."
        ) % {"size": size_text(max_bytes())}
        if not can_publish:
            self.fields["draft"].initial = True
            self.fields["draft"].disabled = True
            self.fields["draft"].help_text = _("Imported articles are drafts until a medical reviewer publishes them.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            if upload.size > max_bytes():
                raise CitationFileError(
                    f"the file is {size_text(upload.size)}, more than the {size_text(max_bytes())} a citation "
                    "import may be: split it into smaller files"
                )
            self.citation_file = read_bytes(upload.read(), upload.name)
        except CitationFileError as error:
            raise forms.ValidationError(f"{upload.name}: {error}.") from None
        return upload


class LookupForm(forms.Form):
    identifier = forms.CharField(
        label=_("DOI or PubMed ID"),
        max_length=200,
        help_text=_("e.g. 10.1111/papr.12035 or 23374545. Filled from Crossref (DOI) or PubMed (PMID)."),
    )


class CitationAdminViews:
    def __init__(self, model_admin):
        self.model_admin = model_admin
        self.opts = model_admin.opts

    def urls(self):
        wrap = self.model_admin.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path("<int:pk>/fill/", wrap(self.fill_view), name=f"{prefix}_fill"),
        ]

    def _changelist_url(self):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def _can_publish(self, request):
        return self.model_admin.has_publish_permission(request)

    # --- Import: upload or look up, preview, confirm ----------------------------------------------------

    def import_view(self, request):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        can_publish = self._can_publish(request)
        upload_form = UploadForm(can_publish=can_publish)
        lookup_form = LookupForm()
        if request.method == "POST":
            if "confirm" in request.POST:
                return self._confirm(request)
            if "identifier" in request.POST:
                lookup_form = LookupForm(request.POST)
                if lookup_form.is_valid():
                    try:
                        citation_file = lookup(lookup_form.cleaned_data["identifier"])
                    except LookupFailed as error:
                        lookup_form.add_error("identifier", str(error))
                    else:
                        options = {"conditions": [], "draft": not can_publish}
                        return self._preview(request, citation_file, options)
            else:
                upload_form = UploadForm(request.POST, request.FILES, can_publish=can_publish)
                if upload_form.is_valid():
                    data = upload_form.cleaned_data
                    options = {
                        "conditions": [condition.pk for condition in data["conditions"]],
                        "draft": data["draft"] or not can_publish,
                    }
                    return self._preview(request, upload_form.citation_file, options)
        context = self._context(request, _("Import citations"), upload_form=upload_form, lookup_form=lookup_form)
        return TemplateResponse(request, "admin/conditions/researcharticle/import.html", context)

    def _importer(self, request, citation_file, options):
        conditions = Condition.objects.filter(pk__in=options["conditions"]).order_by("name")
        publish = not options["draft"] and self._can_publish(request)
        return CitationImporter(citation_file, conditions=conditions, publish=publish, user=request.user)

    def _preview(self, request, citation_file, options):
        importer = self._importer(request, citation_file, options)
        outcomes = importer.plan()
        change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        rows = [
            {
                "outcome": outcome,
                "citation": ama_citation(preview_article(outcome.record.citation)) if outcome.status == NEW else "",
                "existing_url": reverse(change, args=[outcome.existing_pk]) if outcome.existing_pk else "",
            }
            for outcome in outcomes
        ]
        counts = {status: sum(1 for o in outcomes if o.status == status) for status in (NEW, DUPLICATE, ERROR)}
        token = ""
        if counts[NEW] or (counts[DUPLICATE] and options["conditions"]):
            token = pending.save(
                request.user,
                name=citation_file.name,
                format_name=citation_file.format.name,
                text=citation_file.text,
                options=options,
            )
        context = self._context(
            request,
            _("Check the import of %(file)s") % {"file": citation_file.name},
            citation_file=citation_file,
            rows=rows,
            counts=counts,
            summary=summary(outcomes),
            token=token,
            conditions=importer.conditions,
            publish=importer.publish,
        )
        return TemplateResponse(request, "admin/conditions/researcharticle/import_preview.html", context)

    def _confirm(self, request):
        token = request.POST.get("token", "")
        try:
            stored = pending.load(token, request.user)
            citation_file = read_text(stored["text"], stored["name"], stored["format"])
        except (pending.PendingImportGone, CitationFileError):
            messages.error(request, _("This preview has expired or was already imported. Upload the file again."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        importer = self._importer(request, citation_file, stored["options"])
        try:
            outcomes = importer.run()
        except ImportFailed as error:
            messages.error(request, _("The import failed, nothing was imported: %(error)s") % {"error": error})
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        pending.discard(token)
        created = [outcome for outcome in outcomes if outcome.status == NEW]
        messages.success(
            request,
            _("%(file)s: %(summary)s %(state)s")
            % {
                "file": citation_file.name,
                "summary": summary(outcomes),
                "state": _("New articles are published.") if importer.publish else _("New articles are drafts."),
            },
        )
        for outcome in outcomes:
            if outcome.status == ERROR:
                messages.warning(request, f"{outcome.record.label}: {outcome.detail}")
        if len(created) == 1:
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", created[0].article.pk)
        return redirect(self._changelist_url())

    # --- Fill an existing article from its DOI or PMID ----------------------------------------------------

    def fill_view(self, request, pk):
        return require_POST(self._fill)(request, pk)

    def _fill(self, request, pk):
        article = get_object_or_404(self.model_admin.model, pk=pk)
        if not self.model_admin.has_change_permission(request, article):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[pk])
        identifier = article.doi or article.pmid
        if not identifier:
            messages.warning(request, _("Enter a DOI or a PubMed ID and save first; then fill the other fields."))
            return redirect(change_url)
        try:
            citation_file = lookup(identifier)
        except LookupFailed as error:
            messages.warning(request, str(error))
            return redirect(change_url)
        record = citation_file.records[0]
        if record.citation is None:
            messages.warning(request, _("The record could not be read: %(error)s") % {"error": record.error})
            return redirect(change_url)
        citation = record.citation
        if article.doi:
            citation.doi = ""  # never replace what identified the record
        filled = fill_article(article, citation)
        add_authors = not article.authors.exists() and citation.authors
        if not filled and not add_authors:
            messages.info(request, _("Nothing to fill: every field that the record has is already filled in."))
            return redirect(change_url)
        try:
            article.full_clean(exclude=["slug"])
        except ValidationError as error:
            messages.warning(
                request,
                _("The record from %(source)s does not fit this article (%(error)s); fill the fields by hand.")
                % {"source": citation_file.name, "error": "; ".join(error.messages)},
            )
            return redirect(change_url)
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Filled from {citation_file.name}")
            article.save()
            if add_authors:
                ArticleAuthor.objects.bulk_create(
                    ArticleAuthor(article=article, position=position, **author.as_fields())
                    for position, author in enumerate(citation.authors)
                )
                filled.append(str(_("authors")))
        messages.success(
            request,
            _("Filled from %(source)s: %(fields)s. Check them before publishing.")
            % {"source": citation_file.name, "fields": ", ".join(filled)},
        )
        return redirect(change_url)

    def _context(self, request, title, **extra):
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "has_view_permission": self.model_admin.has_view_permission(request),
            "max_size": size_text(max_bytes()),
            **extra,
        }
