"""Links between pages that survive a change of address.

An editor picks a page in the link chooser and the link is stored as `/go/<kind>/<id>/`, which answers with a
redirect to the page's current address. A slug can change (a draft's name is corrected, a page is renamed) and
every link written before still arrives; a withdrawn or deleted page answers 404, like any missing page.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from clinicians.models import Clinician

from .models import Condition, ResearchArticle, Treatment

#: The kinds of page a link can point to: kind in the address -> model. Clinicians join once they have pages.
TARGETS = {"condition": Condition, "treatment": Treatment, "article": ResearchArticle}
if hasattr(Clinician, "get_absolute_url"):
    TARGETS["clinician"] = Clinician
CHOOSER_LIMIT = 20


@dataclass
class Choice:
    kind: str
    pk: int
    title: str
    detail: str  # what tells similar pages apart: an article's year and journal, a page's status
    slug: str

    @property
    def url(self):
        return reverse("conditions:go", kwargs={"kind": self.kind, "pk": self.pk})


def kind_label(kind):
    return TARGETS[kind]._meta.verbose_name


def current_address(kind, pk, user):
    """The address a `/go/` link leads `user` to today, or None if they may not see that page (e.g. a draft)."""
    manager = TARGETS[kind].objects
    pages = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    page = pages.filter(pk=pk).first()
    return page.get_absolute_url() if page is not None else None


def search_choices(query, kinds):
    """Pages of `kinds` whose name (an article's title, DOI or journal) contains `query`: drafts included (they
    may be published with the page that links to them), never draft copies (they publish onto their live page)."""
    choices = []
    words = query.split()
    for kind in kinds:
        model = TARGETS[kind]
        rows = model.objects.all()
        if hasattr(model, "draft_of"):
            rows = rows.filter(draft_of__isnull=True)
        for word in words:
            if model is ResearchArticle:
                rows = rows.filter(Q(title__icontains=word) | Q(doi__icontains=word) | Q(journal__icontains=word))
            else:
                rows = rows.filter(name__icontains=word)
        for row in rows[:CHOOSER_LIMIT]:
            choices.append(_choice(kind, row))
    return choices


def _choice(kind, row):
    if isinstance(row, ResearchArticle):
        detail = ", ".join(str(part) for part in (row.year, row.journal or row.journal_abbreviation) if part)
        return Choice(kind, row.pk, row.title, detail, row.slug)
    status = row.get_status_display() if hasattr(row, "get_status_display") else ""
    return Choice(kind, row.pk, row.name, f"{kind_label(kind)} · {status}".strip(" ·"), getattr(row, "slug", ""))
