"""Public URLs. They are a contract (bookmarks, search engines): add, never rename.

Pages wrapped in `cached_page` are served to anonymous visitors from the page cache (clinic/cache.py), keyed on the
query parameters named there; search results and signed previews are never cached.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from clinic.cache import cached_page

from . import feeds, views
from .models import Condition, ResearchArticle, Treatment
from .page_tags import listing_tags
from .sitemaps import sitemaps

app_name = "conditions"
download = cached_page(feeds.download_citation)
# What listings show, for the page cache's purges (conditions/page_tags.py); detail pages name their own tags.
EVERY_LIST = tuple(listing_tags(Condition, Treatment, ResearchArticle))

urlpatterns = [
    path("", cached_page(views.HomeView.as_view(), tags=EVERY_LIST), name="home"),
    path(
        "conditions/",
        cached_page(
            views.ConditionListView.as_view(), params=["region", "letter", "page"], tags=listing_tags(Condition)
        ),
        name="condition-list",
    ),
    path("conditions/<slug:slug>/", cached_page(views.ConditionDetailView.as_view()), name="condition-detail"),
    path(
        "treatments/",
        cached_page(views.TreatmentListView.as_view(), tags=listing_tags(Treatment)),
        name="treatment-list",
    ),
    path("treatments/<slug:slug>/", cached_page(views.TreatmentDetailView.as_view()), name="treatment-detail"),
    path(
        "research/",
        cached_page(
            views.ResearchListView.as_view(),
            params=["condition", "treatment", "year", "sort", "page"],
            tags=listing_tags(ResearchArticle, names=(Condition, Treatment)),
        ),
        name="article-list",
    ),
    # Before the article pages: "feed" is a reserved article slug (RESERVED_ARTICLE_SLUGS).
    path(
        "research/feed/",
        cached_page(feeds.LatestArticlesFeed(), tags=listing_tags(ResearchArticle)),
        name="article-feed",
    ),
    path("research/<slug:slug>/", cached_page(views.ResearchDetailView.as_view()), name="article-detail"),
    # "Download citation" for reference managers.
    path("research/<slug:slug>/cite.ris", download, {"extension": "ris"}, name="article-ris"),
    path("research/<slug:slug>/cite.bib", download, {"extension": "bib"}, name="article-bib"),
    path("clinicians/", cached_page(views.ClinicianListView.as_view()), name="clinician-list"),
    path("clinicians/<slug:slug>/", cached_page(views.ClinicianDetailView.as_view()), name="clinician-detail"),
    path("search/", views.search, name="search"),
    # Links written with the editor's link chooser: they follow a page whose address changes.
    path("go/<slug:kind>/<int:pk>/", views.go, name="go"),
    path("preview/<str:token>/", views.signed_preview, name="preview"),
    # A new page is listed as soon as it is published: the sitemap is emptied from the cache with the pages.
    path("sitemap.xml", cached_page(sitemap, params=["p"], tags=EVERY_LIST), {"sitemaps": sitemaps}, name="sitemap"),
]
