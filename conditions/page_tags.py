"""What each public page shows, and what each change affects: the page cache's tags (clinic/cache.py).

A page names the tags of what it shows (`tag_page`); a change bumps the tags it affects (`changed_tags`, given to
`watch`), which purges exactly the pages naming them. The vocabulary:

- `object_tag(Model, pk)`: a page shows this row (a condition page its treatments and every article it lists or
  could list; a treatment page its conditions and articles; ...). Bumped by any change of the row.
- `list_tag(Model)`: a listing of that model (home, A–Z index, sitemap, feed, treatment or research list). Bumped
  when a change shows in listings: a publish or withdraw, a change of a listed field, a delete.
- `names_tag(Model)`: only the names of that model's published rows (the research list's filter choices).
- `linked_tag(Model, pk, what)`: the page of that row lists what links to it ("conditions" on a treatment or an
  article page; "articles" about a treatment, also a source of condition pages' suggestions).
- `keyword_tag(term)`, `cite_tag(slug)`: condition pages suggesting articles with that keyword, pages citing that
  slug (an article not published yet is cited by slug and appears once it is).
"""

from django.db.models.signals import post_delete

from clinic.cache import list_tag, object_tag

from .models import (
    ArticleAuthor,
    Condition,
    ConditionArticle,
    ConditionRegion,
    ConditionTreatment,
    ResearchArticle,
    Treatment,
)

#: Fields that listings show: a change of one of them purges the model's listings (`list_tag`).
LISTED_FIELDS = {
    Condition: {"name", "slug", "summary", "alternate_names", "body_region"},
    Treatment: {"name", "slug", "summary", "category"},
    ResearchArticle: None,  # listings show the whole citation: any change
}
NAMED_FIELDS = {"name", "title", "slug"}
PUBLICATION_FIELDS = {"status", "published_at", "draft_of_id"}


def names_tag(model):
    return f"{model._meta.label_lower}:names"


def linked_tag(model, pk, what):
    return f"{model._meta.label_lower}:{pk}:{what}"


def keyword_tag(term):
    return f"keyword:{term}"


def cite_tag(slug):
    return f"cite:{slug}"


# --- What pages show ------------------------------------------------------------------------------------


def condition_page_tags(condition, research):
    """A condition page (`for_page()` and its `condition_research`)."""
    yield object_tag(Condition, condition.pk)
    for link in condition.treatment_links:  # published or not: publishing one changes the page
        yield object_tag(Treatment, link.treatment_id)
    for link in condition.published_treatment_links:  # new articles about them may become suggestions
        yield linked_tag(Treatment, link.treatment_id, "articles")
    for pk in research.article_ids:
        yield object_tag(ResearchArticle, pk)
    yield linked_tag(Condition, condition.pk, "articles")  # pinned articles added or removed
    yield from (keyword_tag(term) for term in condition.keyword_terms)
    yield from (cite_tag(slug) for slug in research.cited_slugs)


def treatment_page_tags(treatment, conditions, research, cited_slugs):
    yield object_tag(Treatment, treatment.pk)
    yield linked_tag(Treatment, treatment.pk, "conditions")
    yield linked_tag(Treatment, treatment.pk, "articles")
    yield from (object_tag(Condition, condition.pk) for condition in conditions)
    yield from (object_tag(ResearchArticle, article.pk) for article in research.sidebar)
    yield from (object_tag(ResearchArticle, reference.article.pk) for reference in research.references)
    yield from (cite_tag(slug) for slug in cited_slugs)


def article_page_tags(article, conditions, treatment_ids):
    yield object_tag(ResearchArticle, article.pk)
    yield linked_tag(ResearchArticle, article.pk, "conditions")
    yield from (object_tag(Condition, condition.pk) for condition in conditions)
    yield from (object_tag(Treatment, pk) for pk in treatment_ids)


def listing_tags(*models, names=()):
    yield from (list_tag(model) for model in models)
    yield from (names_tag(model) for model in names)


# --- What changes affect --------------------------------------------------------------------------------


def _changed_fields(instance):
    stored = getattr(instance, "_page_cache_stored", None)
    if stored is None:  # new (or deleted): everything about it changed
        return None
    return {name for name, value in stored.items() if getattr(instance, name, value) != value}


def _page_tags(instance, deleted):
    model = type(instance)
    yield object_tag(model, instance.pk)
    changed = None if deleted else _changed_fields(instance)
    listed = LISTED_FIELDS[model]
    is_public = not deleted and instance.is_published and instance.draft_of_id is None
    was_public = getattr(instance, "_page_cache_was_public", False)
    if not (is_public or was_public):
        return  # a draft: no listing shows it
    if changed is None or is_public != was_public or listed is None or changed & (listed | PUBLICATION_FIELDS):
        yield list_tag(model)
    if changed is None or is_public != was_public or changed & (NAMED_FIELDS | PUBLICATION_FIELDS):
        yield names_tag(model)


def changed_tags(instance, signal=None, **kwargs):
    """The tags a change of `instance` affects (the `tags` function handed to `watch`)."""
    if "action" in kwargs:  # many-to-many: an article's treatments
        return _treatments_changed(instance, kwargs.get("reverse"), kwargs.get("pk_set"))
    deleted = signal is post_delete
    if isinstance(instance, ConditionTreatment):
        return {
            object_tag(Condition, instance.condition_id),
            linked_tag(Treatment, instance.treatment_id, "conditions"),
        }
    if isinstance(instance, ConditionArticle):
        return {
            object_tag(Condition, instance.condition_id),
            linked_tag(Condition, instance.condition_id, "articles"),
            linked_tag(ResearchArticle, instance.article_id, "conditions"),
        }
    if isinstance(instance, ArticleAuthor):
        return {object_tag(ResearchArticle, instance.article_id), list_tag(ResearchArticle)}
    if isinstance(instance, ConditionRegion):  # the A–Z index by region, the regions offered
        return {object_tag(Condition, instance.condition_id), list_tag(Condition)}
    tags = set(_page_tags(instance, deleted))
    if isinstance(instance, Condition):
        links = ConditionTreatment.objects.filter(condition=instance.pk).values_list("treatment_id", flat=True)
        tags.update(linked_tag(Treatment, pk, "conditions") for pk in links)
        articles = ConditionArticle.objects.filter(condition=instance.pk).values_list("article_id", flat=True)
        tags.update(linked_tag(ResearchArticle, pk, "conditions") for pk in articles)
    elif isinstance(instance, ResearchArticle):
        tags.add(list_tag(ResearchArticle))  # home, research list, feed
        tags.add(cite_tag(instance.slug))
        stored = getattr(instance, "_page_cache_stored", None) or {}
        if stored.get("slug"):
            tags.add(cite_tag(stored["slug"]))
        tags.update(keyword_tag(term) for term in instance.keyword_index.strip("|").split("|") if term)
        if instance.pk is not None:
            treatments = ResearchArticle.treatments.through.objects.filter(researcharticle_id=instance.pk)
            tags.update(
                linked_tag(Treatment, pk, "articles") for pk in treatments.values_list("treatment_id", flat=True)
            )
    return tags


def _treatments_changed(instance, reverse, pk_set):
    if reverse:  # treatment.research_articles.add(...)
        articles, treatments = pk_set or (), [instance.pk]
    else:
        articles = [instance.pk]
        treatments = pk_set if pk_set is not None else Treatment.objects.values_list("pk", flat=True)
    tags = {object_tag(ResearchArticle, pk) for pk in articles} | {list_tag(ResearchArticle)}
    tags.update(linked_tag(Treatment, pk, "articles") for pk in treatments)
    if reverse and pk_set is None:  # cleared from the treatment's side: the pages of every article it had
        tags.add(object_tag(Treatment, instance.pk))
    return tags
