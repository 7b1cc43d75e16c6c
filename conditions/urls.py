"""Public URLs. They are a contract (bookmarks, search engines): add, never rename."""

from django.urls import path

from . import views
from .citations import views as citation_views

app_name = "conditions"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("conditions/", views.ConditionListView.as_view(), name="condition-list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
    path("treatments/", views.TreatmentListView.as_view(), name="treatment-list"),
    path("treatments/<slug:slug>/", views.TreatmentDetailView.as_view(), name="treatment-detail"),
    path("research/", views.ResearchListView.as_view(), name="article-list"),
    # Before the article pages: "feed" is a reserved article slug (RESERVED_ARTICLE_SLUGS).
    path("research/feed/", citation_views.LatestArticlesFeed(), name="article-feed"),
    path("research/<slug:slug>/", views.ResearchDetailView.as_view(), name="article-detail"),
    # "Download citation" for reference managers.
    path("research/<slug:slug>/cite.ris", citation_views.download_citation, {"extension": "ris"}, name="article-ris"),
    path("research/<slug:slug>/cite.bib", citation_views.download_citation, {"extension": "bib"}, name="article-bib"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", views.signed_preview, name="preview"),
]
