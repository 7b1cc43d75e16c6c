"""Public citation views: "Download citation" (RIS, BibTeX) and the RSS feed of new research articles."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from citations import bibtex, ris
from citations.ama import ama_citation
from clinic.cache import object_tag, tag_page
from conditions.models import ResearchArticle
from practice.models import clinic

DOWNLOADS = {
    "ris": ("application/x-research-info-systems; charset=utf-8", ris.dumps),
    "bib": ("application/x-bibtex; charset=utf-8", bibtex.dumps),
}
FEED_SIZE = 30


def download_citation(request, slug, extension):
    """`/research/<slug>/cite.ris` and `cite.bib`: the article as an attachment for a reference manager."""
    content_type, dumps = DOWNLOADS[extension]
    articles = ResearchArticle.objects.visible_to(request.user).with_authors()
    article = get_object_or_404(articles, slug=slug)
    tag_page(request, object_tag(ResearchArticle, article.pk))
    response = HttpResponse(dumps(article), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{article.slug}.{extension}"'
    if not article.is_published:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class LatestArticlesFeed(Feed):
    """`/research/feed/`: the newest published research articles, as RSS 2.0."""

    feed_type = Rss201rev2Feed
    link = reverse_lazy("conditions:article-list")
    description = _("Research articles newly added to the clinic's library, with their AMA citations.")
    language = "en"

    def title(self):
        return _("%(clinic)s: new research articles") % {"clinic": clinic().name}

    def feed_url(self):
        return reverse("conditions:article-feed")

    def items(self):
        return ResearchArticle.objects.newest()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        citation = ama_citation(item)
        return f"{citation}\n\n{item.abstract}" if item.abstract else citation

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return item.keyword_list[:10]
