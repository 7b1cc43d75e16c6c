"""AMA citations (AMA Manual of Style, 11th ed.), the norm in medicine, in one place.

    Hussain A, Erdek M. Interventional pain management for failed back surgery syndrome. Pain Pract.
    2014;14(1):64-78. doi:10.1111/papr.12035

Authors as family name and initials, more than 6 become the first 3 and "et al" (`ResearchArticle.author_list`);
the title in sentence case (see `sentence_case`); the NLM journal abbreviation when known, then
year;volume(issue):pages (`ResearchArticle.citation_source`); "doi:" and the DOI, without a final period.
"""

import re

from django.utils.html import format_html
from django.utils.safestring import mark_safe

#: Proper nouns that stay capitalised when a Title Case title is put in sentence case (eponyms of pain medicine,
#: nationalities, names of scales). Acronyms (MRI) and words with inner capitals (McGill) always stay as they are.
PROPER_NOUNS = {
    "alzheimer", "american", "asian", "babinski", "barré", "barre", "bayesian", "bell", "bertolotti", "british",
    "canadian", "chinese", "cochrane", "cox", "crohn", "delphi", "dutch", "ehlers", "danlos", "english", "europe",
    "european", "french", "german", "guillain", "hodgkin", "hoffmann", "japanese", "kaplan", "korean", "lasègue",
    "lyme", "medicaid", "medicare", "meier", "modic", "oswestry", "paget", "parkinson", "phalen", "raynaud",
    "scheuermann", "schmorl", "spurling", "tarlov", "tinel", "veterans", "wallerian",
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


#: Short words that Title Case may leave in lower case; they say nothing about the title's style.
MINOR_WORDS = {"about", "after", "among", "from", "into", "over", "than", "that", "their", "this", "through", "under",
               "upon", "versus", "with", "within", "without"}  # fmt: skip


def _is_title_case(words):
    """True when (nearly) every longer word after the first starts with a capital: "Pain Management for Failed…".

    A sentence-case title has lower-case content words ("Spinal cord stimulation in Germany"), so it is left alone.
    """
    longer = [word for word in words[1:] if len(word) > 3 and word.casefold() not in MINOR_WORDS]
    if len(longer) < 2:
        return False
    capitalised = sum(1 for word in longer if word[:1].isupper())
    return capitalised / len(longer) >= 0.85


def _lower_word(match):
    word = match.group(0)
    is_capitalised = word[:1].isupper() and (len(word) == 1 or word[1:].islower())
    if not is_capitalised or len(word) == 1 or word.casefold() in PROPER_NOUNS:
        return word  # lower case already, an acronym (MRI, II), mixed case (McGill, pH), a name, "A" or "I"
    return word.lower()


def sentence_case(title: str) -> str:
    """A Title Case title in sentence case, only where that is safe; any other title is returned as it is.

    "Interventional Pain Management for Failed Back Surgery Syndrome" becomes "Interventional pain management for
    failed back surgery syndrome". Acronyms, words with inner capitals, known proper nouns, the first word and the
    first word after a colon keep their capitals. A title already in sentence case (PubMed's) is never touched, so
    its proper nouns survive.
    """
    title = " ".join((title or "").split())
    if not _is_title_case(_WORD.findall(title)):
        return title
    # Convert each part after the first word of the title and of each subtitle.
    parts = re.split(r"(:\s+|\?\s+)", title)
    for index in range(0, len(parts), 2):
        head, sep, tail = parts[index].partition(" ")
        first, dash, rest = head.partition("-")  # "Low-Back Pain": the first word's own first part stays
        parts[index] = first + dash + _WORD.sub(_lower_word, rest) + sep + _WORD.sub(_lower_word, tail)
    return "".join(parts)


#: A citation names at most this many authors; with more, the first three and "et al".
AMA_AUTHORS_SHOWN = 6


_INITIALS_SPLIT = re.compile(r"[\s.\-]+")


def short_name(family_name, given_names) -> str:
    """Family name and initials, as citations print them: "Michael J. Erdek" -> "Erdek MJ"."""
    # Lower-case particles ("Amanda C de C") are not initials: PubMed writes "Williams ACC".
    parts = [part for part in _INITIALS_SPLIT.split(given_names) if part and not part.islower()]
    initials = "".join(part[0].upper() for part in parts)
    return f"{family_name} {initials}".strip()


def author_list(authors) -> str:
    """ "Hussain A, Erdek M": family names and initials (`ArticleAuthor.short_name`); more than 6 become 3 + "et al"."""
    return name_list([author.short_name for author in authors])


def name_list(short_names) -> str:
    """`author_list` of names already shortened."""
    if len(short_names) > AMA_AUTHORS_SHOWN:
        return ", ".join(short_names[:3]) + ", et al"
    return ", ".join(short_names)


def ama_title(article) -> str:
    """The title in sentence case, ending with its own ? or ! or a period."""
    title = sentence_case(article.title).rstrip()
    return title if title.endswith((".", "?", "!")) else f"{title}."


def _parts(article):
    authors = getattr(article, "cited_author_list", None)
    authors = article.author_list if authors is None else authors
    return f"{authors}." if authors else "", ama_title(article), article.citation_source, article.doi


def ama_citation(article) -> str:
    """The whole citation as plain text (needs the article's authors, ideally prefetched)."""
    authors, title, source, doi = _parts(article)
    text = " ".join(part for part in (authors, title, source) if part)
    return f"{text} doi:{doi}" if doi else text


def ama_citation_html(article, title="plain"):
    """The same citation as HTML: the journal in <cite>, the DOI linked.

    `title`: "plain", "link" (to the article's page) or "none" (for listings whose heading already is the title).
    With "plain" or "link", its text (tags removed) is exactly `ama_citation(article)`.
    """
    authors, title_text, source, doi = _parts(article)
    pieces = []
    if authors:
        pieces.append(format_html("{}", authors))
    if title == "link":
        pieces.append(format_html('<a href="{}">{}</a>', article.get_absolute_url(), title_text))
    elif title != "none":
        pieces.append(format_html("{}", title_text))
    if source:
        journal = (article.journal_abbreviation or article.journal or "").rstrip(".")
        if journal and source.startswith(f"{journal}."):
            pieces.append(format_html("<cite>{}</cite>{}", journal, source[len(journal) :]))
        else:
            pieces.append(format_html("{}", source))
    if doi:
        pieces.append(format_html('doi:<a href="{}">{}</a>', article.doi_url, doi))
    return mark_safe(" ".join(pieces))  # noqa: S308 - every piece is escaped by format_html
