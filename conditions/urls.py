"""Public URLs. They are a contract (bookmarks, search engines): add, never rename."""

from django.urls import path

from . import views

app_name = "conditions"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("conditions/", views.ConditionListView.as_view(), name="condition-list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
    path("treatments/", views.TreatmentListView.as_view(), name="treatment-list"),
    path("treatments/<slug:slug>/", views.TreatmentDetailView.as_view(), name="treatment-detail"),
    path("research/", views.ResearchListView.as_view(), name="article-list"),
    path("research/<slug:slug>/", views.ResearchDetailView.as_view(), name="article-detail"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", views.signed_preview, name="preview"),
]
