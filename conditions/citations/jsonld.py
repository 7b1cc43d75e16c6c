"""schema.org `ScholarlyArticle` JSON-LD for a research article page (Google Scholar and search engines)."""

from .ama import ama_citation

CONTEXT = "https://schema.org"
GROUP_WORDS = ("group", "society", "investigators", "association", "collaboration", "consortium", "committee")


def person_or_organization(author):
    if not author.given_names and any(word in author.family_name.casefold() for word in GROUP_WORDS):
        return {"@type": "Organization", "name": author.family_name}
    person = {"@type": "Person", "name": f"{author.given_names} {author.family_name}".strip()}
    person["familyName"] = author.family_name
    if author.given_names:
        person["givenName"] = author.given_names
    return person


def periodical(article):
    """Periodical ⊃ PublicationVolume ⊃ PublicationIssue, as far as they are known (schema.org's nesting)."""
    if not (article.journal or article.journal_abbreviation):
        return None
    part = {"@type": "Periodical", "name": article.journal or article.journal_abbreviation}
    if article.journal and article.journal_abbreviation and article.journal_abbreviation != article.journal:
        part["alternateName"] = article.journal_abbreviation
    if article.volume:
        part = {"@type": "PublicationVolume", "volumeNumber": article.volume, "isPartOf": part}
    if article.issue:
        part = {"@type": "PublicationIssue", "issueNumber": article.issue, "isPartOf": part}
    return part


def scholarly_article(article, request):
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": CONTEXT,
        "@type": "ScholarlyArticle",
        "headline": article.title if len(article.title) <= 110 else f"{article.title[:109]}…",
        "name": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "author": [person_or_organization(author) for author in article.authors.all()],
        "citation": ama_citation(article),
    }
    if article.year:
        data["datePublished"] = str(article.year)
    if part := periodical(article):
        data["isPartOf"] = part
    if article.pages:
        data["pagination"] = article.pages
        start, dash, end = article.pages.partition("-")
        if dash:
            data["pageStart"], data["pageEnd"] = start, end
    identifiers = []
    if article.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi})
    if article.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": article.pmid})
    if identifiers:
        data["identifier"] = identifiers
    same_as = [link for link in (article.doi_url, article.pubmed_url) if link]
    if same_as:
        data["sameAs"] = same_as
    if article.abstract:
        data["abstract"] = article.abstract
    if keywords := article.keyword_list:
        data["keywords"] = ", ".join(keywords)
    return data
