"""Citations on the public pages: AMA strings, downloads, the RSS feed, ScholarlyArticle JSON-LD, inline [cite:slug]
references, relevant sidebars in a constant number of queries, and the research index's filters."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import bibtexparser
import extruct
import pytest
import rispy
from django.contrib.sites.models import Site
from django.db import connection
from django.utils import timezone

from citations.ama import ama_citation, ama_citation_html, sentence_case
from citations.tokens import keyword_index, normalize_keyword
from conditions.models import Condition, ResearchArticle, Status
from conditions.research import link_citations, page_articles_sql
from conditions.templatetags.clinic import rich_text

from ..factories import (
    ConditionArticleFactory,
    ConditionFactory,
    ConditionTreatmentFactory,
    ResearchArticleFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLE = (
    "Hussain A, Erdek M. Interventional pain management for failed back surgery syndrome. Pain Pract. "
    "2014;14(1):64-78. doi:10.1111/papr.12035"
)


def text_of(html):
    return re.sub(r"<[^>]+>", "", html)


def hussain(**kwargs):
    article = ResearchArticleFactory(
        title="Interventional Pain Management for Failed Back Surgery Syndrome",
        slug="hussain-2014",
        doi="10.1111/papr.12035",
        pmid="23374545",
        keywords="Failed back surgery syndrome\nSpinal cord stimulation",
        authors=[("Hussain", "Arif", "DO"), ("Erdek", "Michael", "MD")],
        **kwargs,
    )
    return ResearchArticle.objects.with_authors().get(pk=article.pk)


# --- AMA -------------------------------------------------------------------------------------------------


def test_the_demo_article_cites_exactly_like_the_example(client, demo_clinic):
    article = ResearchArticle.objects.with_authors().get(doi="10.1111/papr.12035")
    assert ama_citation(article) == EXAMPLE
    page = client.get(article.get_absolute_url()).content.decode()
    citation = re.search(r'<p class="citation">(.*?)</p>', page, re.DOTALL).group(1)
    assert text_of(citation) == EXAMPLE
    assert "<cite>Pain Pract</cite>" in citation and 'href="https://doi.org/10.1111/papr.12035"' in citation


def test_html_citation_has_the_same_text_as_the_plain_one():
    article = hussain()
    assert text_of(str(ama_citation_html(article))) == EXAMPLE
    assert text_of(str(ama_citation_html(article, title="link"))) == EXAMPLE
    assert text_of(str(ama_citation_html(article, title="none"))) == (
        "Hussain A, Erdek M. Pain Pract. 2014;14(1):64-78. doi:10.1111/papr.12035"
    )


def test_more_than_six_authors_become_the_first_three_and_et_al():
    names = ["Kumar", "Taylor", "Jacques", "Eldabe", "Meglio", "Molet", "Thomson"]
    article = ResearchArticleFactory(
        title="A trial", doi="", journal_abbreviation="", authors=[(n, "K") for n in names]
    )
    article = ResearchArticle.objects.with_authors().get(pk=article.pk)
    assert ama_citation(article) == "Kumar K, Taylor K, Jacques K, et al. A trial. Pain Practice. 2014;14(1):64-78."


def test_a_condition_page_prints_each_citations_authors_in_their_order_and_et_al_past_six(client):
    """Pinned, suggested and cited articles all read their authors in the page's one query for articles."""
    condition = ConditionFactory(name="Sciatica")
    seven = [("Kumar", "Krishna"), ("Taylor", "Rod S."), ("Jacques", "Line"), ("Eldabe", "Sam"),
             ("Meglio", "Mario"), ("Molet", "Joan"), ("Thomson", "Simon")]  # fmt: skip
    pinned = ResearchArticleFactory(title="Pinned trial", authors=seven)
    ConditionArticleFactory(condition=condition, article=pinned)
    suggested = ResearchArticleFactory(title="Suggested study", keywords="sciatica",
                                       authors=[("North", "Richard B."), ("Hussain", "Arif")])  # fmt: skip
    # Saved out of order: the citation follows the authors' positions, not the order they were written in.
    suggested.authors.filter(family_name="North").update(position=2)
    cited = ResearchArticleFactory(title="Cited review", authors=[("de Vos", "Cecile C. de")])
    condition.overview = f"<p>As reviewed[cite:{cited.slug}].</p>"
    condition.save()
    page = text_of(client.get(condition.get_absolute_url()).content.decode())
    assert "Kumar K, Taylor RS, Jacques L, et al. Pinned trial." in page
    assert "Hussain A, North RB. Suggested study." in page
    assert "de Vos CC. Cited review." in page


def test_a_treatment_page_prints_its_citations_authors_the_same_way(client):
    """A treatment page reads its articles' authors in one query of its own, by the same rule."""
    treatment = TreatmentFactory()
    linked = ResearchArticleFactory(title="Linked trial", treatments=[treatment],
                                    authors=[(name, "K") for name in "ABCDEFG"])  # fmt: skip
    linked.authors.filter(family_name="A").update(position=9)  # last by position, though written first
    cited = ResearchArticleFactory(title="Cited review", authors=[("de Vos", "Cecile C. de")])
    treatment.body = f"<p>As reviewed[cite:{cited.slug}].</p>"
    treatment.save()
    page = text_of(client.get(treatment.get_absolute_url()).content.decode())
    assert "B K, C K, D K, et al. Linked trial." in page
    assert "de Vos CC. Cited review." in page


def test_a_citation_leaves_out_what_is_unknown():
    article = ResearchArticleFactory(title="Why does it hurt?", journal="", journal_abbreviation="", year=None,
                                     volume="", issue="", pages="")  # fmt: skip
    assert ama_citation(article) == "Why does it hurt?"


@pytest.mark.parametrize(
    "title,expected",
    [
        (
            "Interventional Pain Management for Failed Back Surgery Syndrome",
            "Interventional pain management for failed back surgery syndrome",
        ),
        (
            "Surgery Versus Nonsurgical Treatment of Lumbar Spinal Stenosis: A Randomized Trial",
            "Surgery versus nonsurgical treatment of lumbar spinal stenosis: A randomized trial",
        ),
        # Acronyms, inner capitals and known proper nouns keep their capitals.
        ("MRI Findings and the McGill Pain Questionnaire in Parkinson Disease", None),
        # Already in sentence case (PubMed): untouched, so its proper nouns survive.
        ("Spinal cord stimulation in Germany and the United Kingdom", None),
        (
            "Low-Back Pain After X-Ray Guided Injections in Older Adults",
            "Low-back pain after X-ray guided injections in older adults",
        ),
    ],
)
def test_sentence_case_only_where_safe(title, expected):
    if expected is None:
        result = sentence_case(title)
        if "MRI" in title:
            assert result == "MRI findings and the McGill pain questionnaire in Parkinson disease"
        else:
            assert result == title
    else:
        assert sentence_case(title) == expected


# --- The article page: downloads, links, JSON-LD ---------------------------------------------------------


def test_article_page_offers_downloads_and_identifier_links(client):
    article = hussain()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/research/hussain-2014/cite.ris"' in page and 'href="/research/hussain-2014/cite.bib"' in page
    assert 'href="https://doi.org/10.1111/papr.12035"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/23374545/"' in page


def test_ris_download_is_an_attachment_a_reference_manager_reads(client):
    article = hussain()
    response = client.get("/research/hussain-2014/cite.ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hussain-2014.ris"'
    (entry,) = rispy.loads(response.content.decode())
    assert entry["title"] == article.title and entry["authors"] == ["Hussain, Arif", "Erdek, Michael"]
    assert entry["doi"] == "10.1111/papr.12035" and (entry["start_page"], entry["end_page"]) == ("64", "78")
    assert entry["alternate_title1"] == "Pain Pract" and entry["accession_number"] == "23374545"


def test_bibtex_download_is_an_attachment_a_reference_manager_reads(client):
    hussain()
    response = client.get("/research/hussain-2014/cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hussain-2014.bib"'
    library = bibtexparser.parse_string(response.content.decode())
    (entry,) = library.entries
    assert not library.failed_blocks
    assert entry.key == "hussain2014interventional" and entry.entry_type == "article"
    assert entry["author"] == "Hussain, Arif and Erdek, Michael" and entry["pages"] == "64--78"
    assert entry["doi"] == "10.1111/papr.12035" and entry["pmid"] == "23374545"


def test_downloads_of_drafts_are_not_public(client, login, editor):
    ResearchArticleFactory(slug="draft-study", status=Status.DRAFT)
    assert client.get("/research/draft-study/cite.ris").status_code == 404
    assert client.get("/research/nothing-here/cite.bib").status_code == 404
    response = login(editor).get("/research/draft-study/cite.ris")
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]


def test_article_page_describes_a_scholarly_article_in_json_ld(client):
    hussain()
    page = client.get("/research/hussain-2014/").content.decode()
    items = extruct.extract(page, base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]
    (article,) = [item for item in items if item.get("@type") == "ScholarlyArticle"]
    assert article["headline"] == "Interventional Pain Management for Failed Back Surgery Syndrome"
    assert article["author"] == [
        {"@type": "Person", "name": "Arif Hussain", "familyName": "Hussain", "givenName": "Arif"},
        {"@type": "Person", "name": "Michael Erdek", "familyName": "Erdek", "givenName": "Michael"},
    ]
    assert article["datePublished"] == "2014"
    assert article["isPartOf"] == {
        "@type": "PublicationIssue",
        "issueNumber": "1",
        "isPartOf": {
            "@type": "PublicationVolume",
            "volumeNumber": "14",
            "isPartOf": {"@type": "Periodical", "name": "Pain Practice", "alternateName": "Pain Pract"},
        },
    }
    assert article["pagination"] == "64-78" and (article["pageStart"], article["pageEnd"]) == ("64", "78")
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1111/papr.12035"} in article["identifier"]
    assert {"@type": "PropertyValue", "propertyID": "PMID", "value": "23374545"} in article["identifier"]
    assert article["sameAs"] == ["https://doi.org/10.1111/papr.12035", "https://pubmed.ncbi.nlm.nih.gov/23374545/"]
    assert article["url"] == "http://testserver/research/hussain-2014/"
    assert article["citation"] == EXAMPLE


# --- The feed --------------------------------------------------------------------------------------------


def test_feed_is_rss_2_0_with_the_newest_articles_first(client):
    old = hussain(published_at=timezone.now() - timedelta(days=30))
    new = ResearchArticleFactory(title="A new study & its <findings>", published_at=timezone.now() - timedelta(hours=1))
    ResearchArticleFactory(title="Draft study", status=Status.DRAFT)
    ResearchArticleFactory(title="Scheduled study", published_at=timezone.now() + timedelta(days=1))
    response = client.get("/research/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "Riverside Pain & Spine Clinic: new research articles"
    site = f"http://{Site.objects.get_current().domain}"  # the syndication framework's links use the Site
    assert channel.findtext("link") == f"{site}/research/"
    assert channel.findtext("description")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [new.title, old.title]
    first = items[0]
    assert first.findtext("link") == f"{site}{new.get_absolute_url()}"
    assert first.findtext("guid") == first.findtext("link")
    assert parsedate_to_datetime(first.findtext("pubDate")) == new.published_at.replace(microsecond=0)
    assert items[1].findtext("description").startswith(EXAMPLE)
    assert [category.text for category in items[1].findall("category")] == [
        "Failed back surgery syndrome",
        "Spinal cord stimulation",
    ]


def test_feed_is_announced_on_the_research_index(client):
    page = client.get("/research/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in page and 'href="/research/feed/"' in page


def test_feed_is_a_reserved_slug(login, reviewer):
    response = login(reviewer).post(
        "/admin/conditions/researcharticle/add/",
        {"title": "Feed", "slug": "feed", "status": "draft", "authors-TOTAL_FORMS": "0",
         "authors-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200 and "is the address of another page" in response.content.decode()


# --- Inline citations and References ----------------------------------------------------------------------


def cited_condition():
    first = hussain()
    second = ResearchArticleFactory(slug="kumar-2007", title="Spinal cord stimulation versus conventional care")
    third = ResearchArticleFactory(slug="north-2005", title="Stimulation versus repeated surgery")
    ResearchArticleFactory(slug="draft-study", status=Status.DRAFT)
    pinned = ResearchArticleFactory(slug="pinned-only", title="A pinned article nobody cites")
    condition = ConditionFactory(
        slug="post-laminectomy-syndrome",
        urgent_warning="<p>Sudden weakness.[cite:north-2005]</p>",
        overview="<p>Pain after surgery.[cite:hussain-2014] Often treated.[cite:kumar-2007, hussain-2014]</p>",
        symptoms="<ul><li>Leg pain[cite:hussain-2014][cite:draft-study]</li></ul>",
    )
    ConditionArticleFactory(condition=condition, article=second, position=0)
    ConditionArticleFactory(condition=condition, article=pinned, position=1)
    Condition.objects.filter(pk=condition.pk).update(diagnosis="<p>Imaging.[cite:gone-article]</p>")  # no check
    return condition, first, second, third, pinned


def test_references_are_numbered_in_order_of_first_citation_in_page_order(client):
    condition, first, second, third, pinned = cited_condition()
    page = client.get(condition.get_absolute_url()).content.decode()
    # The overview comes first on the page, the same-day warning after the symptoms, so North is 3.
    assert 'Pain after surgery.<sup><a href="#ref-1">1</a></sup>' in page
    assert 'Often treated.<sup><a href="#ref-1">1</a>,<a href="#ref-2">2</a></sup>' in page
    assert 'Leg pain<sup><a href="#ref-1">1</a></sup></li>' in page  # the draft's token is dropped
    assert 'Sudden weakness.<sup><a href="#ref-3">3</a></sup>' in page
    assert "<p>Imaging.</p>" in page  # an unknown slug is dropped too
    assert "[cite:" not in page
    references = page[page.index('<section class="section references"') :]
    references = references[: references.index("</section>")]
    numbered = re.findall(r'<li id="ref-(\d+)">(.*?)</li>', references, re.DOTALL)
    assert [number for number, _ in numbered] == ["1", "2", "3"]
    assert text_of(numbered[0][1]) == EXAMPLE
    assert "Spinal cord stimulation versus conventional care." in numbered[1][1]
    assert "Stimulation versus repeated surgery." in numbered[2][1]
    assert page.index("References") < page.index("<aside")
    # The sidebar and the References never repeat each other: a chosen article that is cited is a reference only.
    aside = page[page.index("<aside") : page.index("</aside>")]
    assert "A pinned article nobody cites." in aside
    assert "Spinal cord stimulation versus conventional care" not in aside
    assert "A pinned article nobody cites" not in references


def test_treatment_pages_cite_too(client):
    hussain()
    treatment = TreatmentFactory(body="<p>Works for many.[cite:hussain-2014]</p><p>Unknown[cite:nope].</p>")
    page = client.get(treatment.get_absolute_url()).content.decode()
    assert 'Works for many.<sup><a href="#ref-1">1</a></sup>' in page and "<p>Unknown.</p>" in page
    assert '<li id="ref-1">' in page and "Interventional pain management" in page


def test_tokens_inside_links_or_attributes_are_never_rewritten():
    html = '<p><a href="https://example.org" title="[cite:a]">see [cite:a]</a> after[cite:a]</p>'

    class References:
        numbers = {"a": 1}

    assert link_citations(html, References()) == (
        '<p><a href="https://example.org" title="[cite:a]">see </a> after<sup><a href="#ref-1">1</a></sup></p>'
    )


def test_rich_text_without_references_drops_tokens(client):
    assert str(rich_text("<p>Text[cite:whatever] here.</p>")) == "<p>Text here.</p>"


def test_structured_data_never_shows_tokens(client):
    condition, *_ = cited_condition()
    page = client.get(condition.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    assert "[cite:" not in head and '"name": "Leg pain"' in head


def test_admin_refuses_unknown_citations_with_a_clear_message(login, reviewer):
    hussain()
    condition = ConditionFactory(status=Status.DRAFT)
    client = login(reviewer)
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key != "hero_image"}
    data.update(
        {
            "overview": "<p>Known[cite:hussain-2014], unknown[cite:foo].</p>",
            "condition_treatments-TOTAL_FORMS": "0",
            "condition_treatments-INITIAL_FORMS": "0",
            "condition_articles-TOTAL_FORMS": "0",
            "condition_articles-INITIAL_FORMS": "0",
            "other_regions-TOTAL_FORMS": "0",
            "other_regions-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Unknown citation [cite:foo]: no research article has this slug." in response.content.decode()
    condition.refresh_from_db()
    assert "cite:foo" not in condition.overview

    data["overview"] = "<p>Known[cite:hussain-2014].</p>"
    assert client.post(url, data).status_code == 302


def test_treatment_admin_refuses_unknown_citations(login, reviewer):
    treatment = TreatmentFactory(status=Status.DRAFT)
    treatment.body = "<p>See [cite:missing-study].</p>"
    with pytest.raises(Exception, match=r"Unknown citation \[cite:missing-study\]"):
        treatment.full_clean()


# --- Sidebars ------------------------------------------------------------------------------------------


def sidebar_titles(client, condition):
    page = client.get(condition.get_absolute_url()).content.decode()
    aside = page[page.index("<aside") : page.index("</aside>")]
    return re.findall(r'<a href="/research/[^"]+/">([^<]+?)\.?</a>', aside)


def test_suggestions_are_about_this_condition_and_labelled(client, settings):
    settings.SIDEBAR_ARTICLE_LIMIT = 3
    scs = TreatmentFactory(name="Spinal cord stimulation")
    condition = ConditionFactory(name="Post laminectomy syndrome", alternate_names="Failed Back Surgery Syndrome")
    ConditionTreatmentFactory(condition=condition, treatment=scs)
    # About the same treatment but another condition (the defect: CRPS and neuropathy trials on this page).
    ResearchArticleFactory(title="Stimulation for diabetic neuropathy", year=2019, treatments=[scs])
    ResearchArticleFactory(title="Keyword match, newer", year=2021, keywords="*Failed Back Surgery Syndromes/therapy")
    ResearchArticleFactory(title="Keyword match, older", year=2010, keywords="post-laminectomy syndrome")
    ResearchArticleFactory(title="Keyword match beyond the limit", year=2000, keywords="Failed back surgery syndrome")
    ResearchArticleFactory(title="Unrelated study", year=2022, keywords="Migraine")
    chosen = ResearchArticleFactory(title="Chosen study", year=1999)
    ConditionArticleFactory(condition=condition, article=chosen)
    assert sidebar_titles(client, condition) == ["Chosen study", "Keyword match, newer", "Keyword match, older"]
    page = client.get(condition.get_absolute_url()).content.decode()
    aside = page[page.index("<aside") : page.index("</aside>")]
    assert aside.index("Chosen by our clinicians") < aside.index("Chosen study")
    assert aside.index("Chosen study") < aside.index("Suggested automatically") < aside.index("Keyword match, newer")


def test_all_research_on_a_condition_lists_at_least_its_sidebar(client, settings):
    settings.SIDEBAR_ARTICLE_LIMIT = 3
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    chosen = ResearchArticleFactory(title="Chosen study")
    ConditionArticleFactory(condition=condition, article=chosen)
    ResearchArticleFactory(title="Suggested study", keywords="Sciatica")
    ResearchArticleFactory(title="Another condition", keywords="Migraine")
    sidebar = sidebar_titles(client, condition)
    listing = client.get("/research/?condition=sciatica").content.decode()
    assert sidebar == ["Chosen study", "Suggested study"]
    assert all(title in listing for title in sidebar) and "Another condition" not in listing


def test_research_folds_under_its_heading_on_a_phone(client):
    condition, *_articles = cited_condition()
    page = client.get(condition.get_absolute_url()).content.decode()
    aside = page[page.index("<aside") : page.index("</aside>")]
    references = page[page.index('<section class="section references"') :]
    for part in (aside, references):
        assert '<details class="fold">' in part and "<summary><h2" in part  # closed until tapped, without script
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
    assert ".fold::details-content { content-visibility: visible; display: block; }" in css  # open on wide screens


def test_pinned_articles_come_first_in_their_order_and_are_never_repeated(client, settings):
    settings.SIDEBAR_ARTICLE_LIMIT = 4
    condition = ConditionFactory(name="Sciatica")
    second = ResearchArticleFactory(title="Pinned second", year=2001, keywords="Sciatica")
    first = ResearchArticleFactory(title="Pinned first", year=1999)
    ConditionArticleFactory(condition=condition, article=first, position=0)
    ConditionArticleFactory(condition=condition, article=second, position=1)
    ResearchArticleFactory(title="Suggested", year=2020, keywords="Sciatica")
    titles = sidebar_titles(client, condition)
    assert titles == ["Pinned first", "Pinned second", "Suggested"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keyword index exists on PostgreSQL only")
def test_suggestions_and_research_listing_are_answered_from_the_keyword_index():
    """With a trigram index on the `|a|b|` text, one condition page spent 90 ms of its 100 ms in this lookup at
    17,000 articles: "syndrome" is in thousands of them. The terms' own index answers it from exact entries."""
    condition = ConditionFactory(name="Post laminectomy syndrome", alternate_names="Failed back surgery syndrome")
    other = ResearchArticleFactory(keywords="Migraine")
    ResearchArticle.objects.bulk_create(
        ResearchArticle(title=f"Migraine study {n}", slug=f"migraine-{n}", keywords="Migraine",
                        keyword_index="|migraine|", status=Status.PUBLISHED, published_at=other.published_at,
                        signoff=other.signoff)
        for n in range(500)
    )  # fmt: skip
    ResearchArticleFactory(keywords="Failed back surgery syndrome")
    sql, params = page_articles_sql(condition.pk, condition.keyword_terms, [], 8)
    listing = ResearchArticle.objects.published().about_condition(condition)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE conditions_researcharticle")
        cursor.execute("SET LOCAL enable_seqscan = off")  # still a small table: ask whether the index *can* serve
        for query, query_params in ((sql, params), listing.query.sql_with_params()):
            cursor.execute("EXPLAIN " + query, query_params)
            assert "research_keyword_terms" in "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan checked is PostgreSQL's")
def test_suggestions_for_a_common_keyword_are_read_newest_first_from_an_index_not_sorted():
    """ "Sciatica" names a thousand articles of a large library: the 8 newest were found by reading and sorting all
    of them (2.2 ms of every Sciatica page). Read from an index in sidebar order, the lookup stops after 8."""
    condition = ConditionFactory(name="Sciatica")
    article = ResearchArticleFactory(keywords="Sciatica")
    ResearchArticle.objects.bulk_create(
        ResearchArticle(title=f"Sciatica study {n}", slug=f"sciatica-{n}", keywords="Sciatica", year=1990 + n % 35,
                        keyword_index="|sciatica|", status=Status.PUBLISHED, published_at=article.published_at,
                        signoff=article.signoff)
        for n in range(3000)
    )  # fmt: skip
    sql, params = page_articles_sql(condition.pk, condition.keyword_terms, [], 8)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE conditions_researcharticle")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "research_newest_first" in plan, plan


def test_keywords_are_compared_normalised():
    assert normalize_keyword("*Failed Back Surgery Syndromes/therapy") == "failed back surgery syndrome"
    assert keyword_index("Sciatica\nsciatica;  Spinal  Stenosis ") == "|sciatica|spinal stenosi|"


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("count", [2, 40])
def test_condition_page_with_suggestions_and_citations_runs_two_queries(client, settings, count,
                                                                       django_assert_num_queries):  # fmt: skip
    settings.SIDEBAR_ARTICLE_LIMIT = 100
    scs = TreatmentFactory()
    condition = ConditionFactory(name="Sciatica")
    ConditionTreatmentFactory(condition=condition, treatment=scs)
    slugs = []
    for index in range(count):
        pinned = ResearchArticleFactory(authors=1)
        ConditionArticleFactory(condition=condition, article=pinned, position=index)
        ResearchArticleFactory(treatments=[scs] if index % 2 else [], keywords="Sciatica", authors=1)  # suggested
        cited = ResearchArticleFactory(authors=1)
        slugs.append(cited.slug)
    Condition.objects.filter(pk=condition.pk).update(
        overview="<p>" + " ".join(f"Fact[cite:{slug}]." for slug in slugs) + "</p>"
    )
    with django_assert_num_queries(2):
        page = client.get(condition.get_absolute_url()).content.decode()
    assert page.count('class="article-summary"') == 2 * count  # chosen, then suggestions (keywords)
    assert page.count('<li id="ref-') == count  # cited
    assert f'<sup><a href="#ref-{count}">{count}</a></sup>' in page


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("count", [2, 40])
def test_treatment_page_with_citations_runs_five_queries(client, count, django_assert_num_queries):
    treatment = TreatmentFactory()
    slugs = []
    for _ in range(count):
        ConditionTreatmentFactory(treatment=treatment)
        ResearchArticleFactory(treatments=[treatment], authors=1)
        cited = ResearchArticleFactory(authors=1)
        slugs.append(cited.slug)
    treatment.body = "<p>" + " ".join(f"Fact[cite:{slug}]." for slug in slugs) + "</p>"
    treatment.save()
    # The treatment, its conditions, its articles, the cited articles, the authors of all of them.
    with django_assert_num_queries(5):
        response = client.get(treatment.get_absolute_url())
    assert response.content.decode().count('<li id="ref-') == count  # cited; the linked ones are in the sidebar


# --- The research index ------------------------------------------------------------------------------------


def test_research_index_filters_by_treatment_and_sorts_by_title(client):
    scs = TreatmentFactory(slug="spinal-cord-stimulation")
    ResearchArticleFactory(title="Beta trial", year=2010, treatments=[scs])
    ResearchArticleFactory(title="Alpha trial", year=2001, treatments=[scs])
    ResearchArticleFactory(title="Gamma study", year=2020)
    page = client.get("/research/?treatment=spinal-cord-stimulation").content.decode()
    assert "Beta trial" in page and "Alpha trial" in page and "Gamma study" not in page
    assert page.index("Beta trial") < page.index("Alpha trial")  # newest first by default
    by_title = client.get("/research/?treatment=spinal-cord-stimulation&sort=title").content.decode()
    assert by_title.index("Alpha trial") < by_title.index("Beta trial")


@pytest.mark.parametrize("query", ["treatment=nope", "sort=random", "sort=%3Cscript%3E"])
def test_research_index_ignores_bad_treatment_or_sort_with_a_message(client, query):
    ResearchArticleFactory(title="Still listed")
    page = client.get(f"/research/?{query}").content.decode()
    assert "Still listed" in page and "not recognised" in page


@pytest.mark.usefixtures("clinic_cached")
@pytest.mark.parametrize("count", [2, 40])
def test_research_index_runs_a_constant_number_of_queries(client, count, django_assert_num_queries):
    scs = TreatmentFactory(slug="scs")
    for _ in range(count):
        ResearchArticleFactory(treatments=[scs], authors=1)
    # The chosen treatment, the year choices, the count, the page of articles, their authors, and the condition and
    # treatment choices of the filter form as it is drawn.
    with django_assert_num_queries(7):
        assert client.get("/research/?treatment=scs&sort=title").status_code == 200
