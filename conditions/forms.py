"""Forms behind the public filters and search: bad input becomes a message on the page, never an error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BodyRegion, Condition, ResearchArticle, Treatment

SEARCH_MAX_LENGTH = 200


class ConditionFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Body region"), choices=[("", _("All body regions")), *BodyRegion.choices], required=False
    )


class ResearchFilterForm(forms.Form):
    # The querysets are set in __init__: published() reads the clock, which must be the request's, not the moment
    # the server started (a page published since would be missing from the choices).
    condition = forms.ModelChoiceField(
        label=_("Condition"), queryset=Condition.objects.none(), to_field_name="slug", required=False,
        empty_label=_("All conditions"),
    )  # fmt: skip
    treatment = forms.ModelChoiceField(
        label=_("Treatment"), queryset=Treatment.objects.none(), to_field_name="slug", required=False,
        empty_label=_("All treatments"),
    )  # fmt: skip
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[("year", _("Newest first")), ("title", _("Title A–Z"))],
        required=False,
    )

    #: Ordering for each `sort` choice (the first is the default).
    ORDERINGS = {"year": ("-year", "title"), "title": ("title", "-year")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition"].queryset = Condition.objects.published().only("name", "slug").order_by("name")
        self.fields["treatment"].queryset = Treatment.objects.published().only("name", "slug").order_by("name")
        years = ResearchArticle.objects.published().exclude(year=None).order_by("-year").values_list("year", flat=True)
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years.distinct())]

    def filter(self, articles):
        """Apply the valid filters; an invalid one (unknown condition, odd year) is shown as an error and ignored."""
        if not self.is_bound:
            return articles
        self.is_valid()
        data = self.cleaned_data
        if data.get("condition"):
            articles = articles.about_condition(data["condition"])
        if data.get("treatment"):
            articles = articles.filter(treatments=data["treatment"])
        if data.get("year"):
            articles = articles.filter(year=data["year"])
        return articles.order_by(*self.ORDERINGS[data.get("sort") or "year"])


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search conditions, treatments and research"),
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": _("Type a word to search for, such as a condition, a symptom or a treatment."),
            "max_length": _("Please use a shorter search, at most %(limit_value)d characters."),
        },
    )

    kind = forms.ChoiceField(
        choices=[("", "all"), ("conditions", "conditions"), ("treatments", "treatments"), ("articles", "articles")],
        required=False,
    )
    page = forms.IntegerField(min_value=1, max_value=500, required=False)

    def clean_kind(self):
        return self.cleaned_data.get("kind") or ""

    def clean_page(self):
        return self.cleaned_data.get("page") or 1

    def clean_q(self):
        query = self.cleaned_data["q"]
        if not any(character.isalnum() for character in query):
            raise forms.ValidationError(_("Type a word to search for, such as a condition, a symptom or a treatment."))
        return query
