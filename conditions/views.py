"""Public pages. Each starts from `published()` (staff may preview drafts) and runs a fixed number of queries."""

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from citations.tokens import cited_slugs
from clinic.cache import derived, list_tag, tag_page, understood_query

from . import links, page_tags, structured_data
from .forms import ConditionFilterForm, ResearchFilterForm, SearchForm
from .models import (
    BodyRegion,
    ClinicianProfile,
    Condition,
    ResearchArticle,
    Treatment,
    TreatmentCategory,
    a_to_z,
    labelled_region_counts,
)
from .previews import read_token
from .research import condition_research, treatment_research
from .search import search_site


def linked(page, rows):
    """Published pages linked with `page`, for an index; none while `page` is unsaved (the admin's live preview).
    `rows` gives the queryset: it cannot even be built for an unsaved page."""
    if page.pk is None:
        return Condition.objects.none()
    return rows().for_index()


class PreviewableDetailView(DetailView):
    """Published items for everyone; staff who may edit the model also see drafts, marked as a preview."""

    signed_preview = False  # opened through a signed preview link: any status

    def get_queryset(self):
        if self.signed_preview:
            return self.model.objects.all()
        return self.model.objects.visible_to(self.request.user)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_published or self.signed_preview:
            add_never_cache_headers(response)  # a draft preview must never be cached by a browser or proxy
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def group_treatments_by_category(treatments):
    """[(category label, [treatments])] in the category order of TreatmentCategory; `treatments` sorted by category."""
    order = {value: index for index, value in enumerate(TreatmentCategory.values)}
    treatments = sorted(treatments, key=lambda treatment: (order[treatment.category], treatment.name))
    return [
        (TreatmentCategory(category).label, list(items))
        for category, items in groupby(treatments, key=lambda treatment: treatment.category)
    ]


def condition_listing(name, compute):
    """What the A–Z index and the home page read from every published condition (letters, regions, a letter's
    entries), kept in the page cache's store until a listed change of a condition (`clinic.cache.derived`)."""
    return derived(f"conditions:{name}", [list_tag(Condition)], compute)


class HomeView(TemplateView):
    """Up to HOME_CONDITION_LIMIT conditions as cards; a larger site shows its body regions and first letters
    instead (links into the A–Z index), so the home page stays small however many conditions are published."""

    template_name = "conditions/home.html"

    def get_context_data(self, **kwargs):
        limit = settings.HOME_CONDITION_LIMIT
        published = Condition.objects.published()
        conditions = list(published.for_index()[: limit + 1])
        regions = letters = ()
        if len(conditions) > limit:
            conditions = []
            regions = labelled_region_counts(condition_listing("region-counts", published.counts_by_region))
            letters = [(letter, urlencode({"letter": letter})) for letter in
                       condition_listing("first-letters:", published.first_letters)]  # fmt: skip
        return super().get_context_data(
            conditions=conditions,
            regions=regions,
            letter_links=letters,
            treatment_groups=group_treatments_by_category(Treatment.objects.published().for_index()),
            latest_articles=ResearchArticle.objects.newest()[:5],
            structured_data=structured_data.home_page(self.request),
            **kwargs,
        )


class ConditionListView(ListView):
    """The A–Z index, grouped by first letter, with "X, see Y" entries for other names, optionally narrowed to one
    body region (only regions that have conditions are offered; a condition is listed under each of its regions).

    Up to CONDITION_INDEX_PAGE_SIZE conditions are listed on one page. A larger index lists one letter at a time
    (`?letter=C`, the first letter by default): its entries, names and "X, see Y" alike, in alphabetical order and in
    pages of that many entries, with links to every letter: plain links, so it works without JavaScript, every entry
    is within reach, and each page stays small (tests/content/test_page_weight.py) however many conditions are
    published.
    """

    template_name = "conditions/condition_list.html"
    context_object_name = "conditions"

    def get_queryset(self):
        """The conditions (one page of them), or in a larger index the letter's entries (`entries_under`)."""
        conditions = Condition.objects.published()
        offered = condition_listing("regions-offered", conditions.regions_offered)
        self.regions = [(value, label) for value, label in BodyRegion.choices if value in offered]
        self.filter_form = ConditionFilterForm(self.request.GET or None, regions=self.regions)
        self.region = self.filter_form.cleaned_data["region"] if self.filter_form.is_valid() else ""
        if self.region:
            conditions = conditions.in_region(self.region)
        self.in_region = conditions
        self.letter_counts = condition_listing(f"first-letters:{self.region}", conditions.first_letters)
        self.letter = None
        if sum(self.letter_counts.values()) > settings.CONDITION_INDEX_PAGE_SIZE:
            asked = self.request.GET.get("letter", "").upper()
            self.letter = asked if asked in self.letter_counts else next(iter(self.letter_counts))
            return condition_listing(
                f"entries:{self.region}:{self.letter}",
                lambda: conditions.entries_under(self.letter, self.letter_counts),
            )
        return conditions.for_index()

    def get_paginate_by(self, queryset):
        return settings.CONDITION_INDEX_PAGE_SIZE

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.letter is None:  # known from the letters' counts: no COUNT query
            paginator.count = sum(self.letter_counts.values())
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asked_letter = self.request.GET.get("letter", "").upper() == self.letter
        page = context["page_obj"].number if self.request.GET.get("page") else None
        # What the page cache may store: the parameters that applied, as the links below write them.
        understood_query(self.request, region=self.region, letter=self.letter if asked_letter else None, page=page)
        letter_links = {
            letter: urlencode({name: value for name, value in (("region", self.region), ("letter", letter)) if value})
            for letter in (self.letter_counts if self.letter else ())
        }
        if self.letter is None:
            entries = a_to_z(context["conditions"])
        else:  # this page's entries, with their conditions (one query)
            shown = context["conditions"]
            conditions = self.in_region.filter(pk__in={pk for _, pk, _ in shown}).for_index().in_bulk()
            entries = [(self.letter, [(name, conditions[pk], see) for name, pk, see in shown])] if shown else []
        context.update(
            letters=entries,
            letter_links=list(letter_links.items()),
            letter_query=letter_links.get(self.letter, ""),
            current_letter=self.letter,
            filter_form=self.filter_form,
            regions=self.regions,
            current_region=self.region,
            current_region_label=BodyRegion(self.region).label if self.region else "",
            structured_data=[structured_data.collection_page(self.request, _("Conditions A–Z"))],
        )
        return context


class ConditionDetailView(PreviewableDetailView):
    model = Condition
    template_name = "conditions/condition_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_page()

    def get_context_data(self, **kwargs):
        research = condition_research(self.object)  # sidebar and References: one more query
        tag_page(self.request, *page_tags.condition_page_tags(self.object, research))
        page = structured_data.condition_page(self.object, self.request)
        return super().get_context_data(
            sidebar_articles=research.sidebar,
            suggested_articles=research.suggested,
            research_count=len(research.sidebar) + len(research.suggested),
            references=research.references,
            structured_data=[page],
            **kwargs,
        )


class TreatmentListView(TemplateView):
    template_name = "conditions/treatment_list.html"

    def get_context_data(self, **kwargs):
        treatments = Treatment.objects.published().for_index()
        return super().get_context_data(
            treatment_groups=group_treatments_by_category(treatments),
            structured_data=[structured_data.collection_page(self.request, _("Treatments"))],
            **kwargs,
        )


class TreatmentDetailView(PreviewableDetailView):
    model = Treatment
    template_name = "conditions/treatment_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_reviewer_profile()

    def get_context_data(self, **kwargs):
        treatment = self.object
        research = treatment_research(treatment)  # linked and cited articles, their authors: 1 to 3 queries
        conditions = linked(
            treatment, lambda: Condition.objects.published().filter(condition_treatments__treatment=treatment)
        )
        context = super().get_context_data(
            conditions=conditions,
            articles=research.sidebar,
            references=research.references,
            structured_data=[structured_data.treatment_page(treatment, self.request)],
            **kwargs,
        )
        cited = cited_slugs(*(getattr(treatment, name) for name in treatment.sections))
        tag_page(self.request, *page_tags.treatment_page_tags(treatment, conditions, research, cited))
        return context


class ResearchListView(ListView):
    template_name = "conditions/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.RESEARCH_PAGE_SIZE

    def get_queryset(self):
        self.filter_form = ResearchFilterForm(self.request.GET or None)
        return self.filter_form.filter(ResearchArticle.objects.for_listing())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filter_form=self.filter_form,
            structured_data=[structured_data.collection_page(self.request, _("Research articles"))],
            **kwargs,
        )
        # The filters that applied, in canonical form (no blanks, no unknown parameters): paging keeps them, and
        # the page cache stores only such addresses.
        cleaned = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        page = context["page_obj"].number if self.request.GET.get("page") else None
        filters = understood_query(
            self.request,
            condition=cleaned["condition"].slug if cleaned.get("condition") else None,
            treatment=cleaned["treatment"].slug if cleaned.get("treatment") else None,
            year=cleaned.get("year"),
            sort=cleaned.get("sort"),
            page=page,
        )
        filters.pop("page", None)
        context["filter_query"] = urlencode(filters)
        return context


class ResearchDetailView(PreviewableDetailView):
    model = ResearchArticle
    template_name = "conditions/article_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_authors()

    def get_context_data(self, **kwargs):
        article = self.object
        author_profiles = ClinicianProfile.objects.by_author(article.authors.all())
        conditions = Condition.objects.published().filter(condition_articles__article=article).for_index()
        # Every linked treatment, published or not (publishing one adds it here), filtered in Python.
        treatments = list(article.treatments.for_index())
        context = super().get_context_data(
            conditions=conditions,
            treatments=[treatment for treatment in treatments if treatment.is_published],
            authors=[(author, author_profiles.get(author.pk)) for author in article.authors.all()],
            structured_data=[structured_data.scholarly_article(article, self.request, author_profiles)],
            **kwargs,
        )
        tag_page(self.request, *page_tags.article_page_tags(article, conditions, [t.pk for t in treatments]))
        return context


class ClinicianListView(TemplateView):
    template_name = "conditions/clinician_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            profiles=ClinicianProfile.objects.published().for_index(),
            structured_data=[structured_data.collection_page(self.request, _("Our clinicians"))],
            **kwargs,
        )


class ClinicianDetailView(PreviewableDetailView):
    """A clinician's profile: who they are, where they work, what they treat, what they wrote."""

    model = ClinicianProfile
    template_name = "conditions/clinician_detail.html"
    context_object_name = "profile"

    def get_queryset(self):
        return super().get_queryset().select_related("clinician").with_reviewer_profile()

    def get_context_data(self, **kwargs):
        profile = self.object
        return super().get_context_data(
            locations=profile.locations.all(),
            conditions=profile.conditions_treated.published().for_index(),
            articles=profile.authored_articles(),
            structured_data=[structured_data.profile_page(profile, self.request)],
            **kwargs,
        )


PREVIEW_VIEWS = {
    "condition": ConditionDetailView,
    "treatment": TreatmentDetailView,
    "researcharticle": ResearchDetailView,
    "clinicianprofile": ClinicianDetailView,
}


def go(request, kind, pk):
    """A link stored by the editor's link chooser (conditions/links.py): on to the page's current address."""
    address = links.current_address(kind, pk, request.user) if kind in links.TARGETS else None
    if address is None:
        raise Http404("No such page")
    return redirect(address)  # 302: the address may change again


def render_page(request, page):
    """The public page of `page` as it stands, saved or not (the admin's live preview), never cached."""
    view = PREVIEW_VIEWS[page._meta.model_name](request=request, args=(), kwargs={})
    view.object = page
    response = render(request, view.template_name, view.get_context_data(object=page))
    add_never_cache_headers(response)
    return response


def signed_preview(request, token):
    """A draft shown to a reviewer outside the admin (a visiting physician) through an expiring signed link."""
    try:
        model_name, pk, key = read_token(token)
        view_class = PREVIEW_VIEWS[model_name]
    except signing.SignatureExpired:
        return render(request, "conditions/preview_expired.html", status=410)
    except (signing.BadSignature, ValueError, KeyError):
        raise Http404("Unknown preview link") from None
    if not view_class.model.objects.filter(pk=pk, preview_key=key).exists():
        return render(request, "conditions/preview_expired.html", status=410)  # revoked
    return view_class.as_view(signed_preview=True)(request, pk=pk)


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        results = search_site(data["q"], data["kind"], data["page"])
    elif form.is_bound and "q" not in form.errors:
        # A bad `kind` or `page` (hand-edited URL): search anyway, from the first page of every kind.
        query = form.cleaned_data.get("q") or ""
        results = search_site(query) if query else None
    query = form.data.get("q", "") if form.is_bound else ""
    context = {
        "form": form,
        "results": results,
        "search_query": query,
        "structured_data": [structured_data.search_page(request)],
    }
    return render(request, "conditions/search.html", context)
