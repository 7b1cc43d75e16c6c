from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import ClinicianProfile, Condition, ResearchArticle, Treatment


class PublishedSitemap(Sitemap):
    model = None
    priority = 0.6

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class ConditionSitemap(PublishedSitemap):
    model = Condition
    priority = 0.9


class TreatmentSitemap(PublishedSitemap):
    model = Treatment
    priority = 0.8


class ResearchSitemap(PublishedSitemap):
    model = ResearchArticle
    priority = 0.4


class ClinicianSitemap(PublishedSitemap):
    model = ClinicianProfile
    priority = 0.5


class IndexPagesSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return [
            "conditions:home",
            "conditions:condition-list",
            "conditions:treatment-list",
            "conditions:article-list",
            "conditions:clinician-list",
        ]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": IndexPagesSitemap,
    "conditions": ConditionSitemap,
    "treatments": TreatmentSitemap,
    "research": ResearchSitemap,
    "clinicians": ClinicianSitemap,
}
