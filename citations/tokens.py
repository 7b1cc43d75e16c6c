"""Plain-text helpers that need no database: keyword matching and `[cite:slug]` tokens in rich text."""

import re

# --- Keywords ---------------------------------------------------------------------------------------

_NOT_WORD = re.compile(r"[^\w]+")


def normalize_keyword(keyword: str) -> str:
    """A keyword as it is compared: MeSH heading without `*` and subheadings, lower case, naive singular.

    `*Failed Back Surgery Syndromes/therapy` and `failed back surgery syndrome` both give
    `failed back surgery syndrome`. The singular is crude (a final "s" dropped from words over three letters) but it
    is the same on both sides of the comparison, which is all it needs to be.
    """
    keyword = keyword.split("/", 1)[0].replace("*", " ")
    words = _NOT_WORD.sub(" ", keyword.casefold()).split()
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def split_keywords(text: str) -> list[str]:
    """Keywords typed one per line (or separated by semicolons), without blanks or repeats, in their order."""
    seen, keywords = set(), []
    for part in re.split(r"[\n;]", text or ""):
        part = " ".join(part.split())
        if part and normalize_keyword(part) and part.casefold() not in seen:
            seen.add(part.casefold())
            keywords.append(part)
    return keywords


def keyword_index(keywords_text: str) -> str:
    """`|failed back surgery syndrome|spinal cord stimulation|`: one lookup `__contains="|term|"` per term."""
    terms = dict.fromkeys(normalize_keyword(keyword) for keyword in split_keywords(keywords_text))
    terms.pop("", None)
    return f"|{'|'.join(terms)}|" if terms else ""


# --- Citation tokens --------------------------------------------------------------------------------

#: `[cite:slug]` or `[cite:slug-one, slug-two]`, as an editor types it in the rich-text editor.
CITE_TOKEN = re.compile(r"\[cite:\s*([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)\s*\]", re.IGNORECASE)


def token_slugs(match: re.Match) -> list[str]:
    return [slug.strip().lower() for slug in match.group(1).split(",")]


def cited_slugs(*texts: str) -> list[str]:
    """Every slug cited in `texts`, in order of first citation, once each."""
    slugs = {}
    for text in texts:
        for match in CITE_TOKEN.finditer(text or ""):
            slugs.update(dict.fromkeys(token_slugs(match)))
    return list(slugs)


def strip_citation_tokens(text: str) -> str:
    """The text without its tokens (for places that show no reference numbers: plain-text extracts)."""
    return CITE_TOKEN.sub("", text or "")
