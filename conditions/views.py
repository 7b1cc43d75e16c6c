"""Public pages. Each starts from `published()` (staff may preview drafts) and runs a fixed number of queries."""

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView, TemplateView

from clinic.cache import understood_query

from . import structured_data
from .forms import ConditionFilterForm, ResearchFilterForm, SearchForm
from .models import BodyRegion, ClinicianProfile, Condition, ResearchArticle, Treatment, TreatmentCategory, a_to_z
from .previews import read_token
from .research import condition_research, treatment_research
from .search import search_site


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


class HomeView(TemplateView):
    template_name = "conditions/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            conditions=Condition.objects.published().for_index(),
            treatment_groups=group_treatments_by_category(Treatment.objects.published().for_index()),
            latest_articles=ResearchArticle.objects.for_listing().order_by("-published_at", "title")[:5],
            structured_data=structured_data.home_page(self.request),
            **kwargs,
        )


class ConditionListView(TemplateView):
    """The A–Z index, grouped by first letter, with "X, see Y" entries for other names; optionally narrowed to one
    body region (only regions that have conditions are offered)."""

    template_name = "conditions/condition_list.html"

    def get_context_data(self, **kwargs):
        conditions = list(Condition.objects.published().for_a_to_z())
        offered = {region for condition in conditions for region in condition.regions}
        regions = [(value, label) for value, label in BodyRegion.choices if value in offered]
        filter_form = ConditionFilterForm(self.request.GET or None, regions=regions)
        region = filter_form.cleaned_data["region"] if filter_form.is_valid() else ""
        understood_query(self.request, region=region or None)  # what the page cache may store
        if region:
            conditions = [condition for condition in conditions if region in condition.regions]
        return super().get_context_data(
            letters=a_to_z(conditions),
            filter_form=filter_form,
            regions=regions,
            current_region=region,
            current_region_label=BodyRegion(region).label if region else "",
            structured_data=[structured_data.collection_page(self.request, _("Conditions A–Z"))],
            **kwargs,
        )


class ConditionDetailView(PreviewableDetailView):
    model = Condition
    template_name = "conditions/condition_detail.html"

    def get_queryset(self):
        return super().get_queryset().for_page()

    def get_context_data(self, **kwargs):
        research = condition_research(self.object)  # sidebar and References: at most two more queries
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
        return super().get_context_data(
            conditions=Condition.objects.published().filter(condition_treatments__treatment=treatment).for_index(),
            articles=research.sidebar,
            references=research.references,
            structured_data=[structured_data.treatment_page(treatment, self.request)],
            **kwargs,
        )


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
        return super().get_context_data(
            conditions=Condition.objects.published().filter(condition_articles__article=article).for_index(),
            treatments=article.treatments.published().for_index(),
            authors=[(author, author_profiles.get(author.pk)) for author in article.authors.all()],
            structured_data=[structured_data.scholarly_article(article, self.request, author_profiles)],
            **kwargs,
        )


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
