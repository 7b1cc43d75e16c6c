"""The one allowlist for rich text: every stored and every rendered HTML fragment goes through `clean_html`.

CKEditor 5 runs in the browser and can be bypassed (or fed by importers and scripts), so the server decides
what HTML exists. The allowlist is what a patient-education article needs, nothing more.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sub", "sup", "blockquote",
    "ul", "ol", "li", "a", "figure", "figcaption", "img", "table", "caption", "thead", "tbody", "tfoot",
    "tr", "th", "td", "abbr", "cite", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    # Drop these elements with their content, not just their tags: a script's text is not prose.
    clean_content_tags={"script", "style"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(value: str | None) -> str:
    """Return `value` reduced to the allowlist; `None` and empty input give ""."""
    if not value:
        return ""
    return _cleaner.clean(value).strip()


# Where a block of text ends: a paragraph, list item, heading, quote, table cell or caption, or a line break.
BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|tr|td|th|figcaption)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def text_from_html(fragment: str | None, *, block_end: str = " ", tag: str = " ") -> str:
    """The text of an HTML fragment: block ends become `block_end`, other tags `tag`, entities characters."""
    return html.unescape(TAG.sub(tag, BLOCK_END.sub(block_end, fragment or "")))


def plain_text(fragment: str | None) -> str:
    """The text of an HTML fragment on one line, white space folded."""
    return " ".join(text_from_html(fragment).split())


def is_blank_html(value: str | None) -> bool:
    """True when the HTML shows no text and no image (CKEditor leaves `<p>&nbsp;</p>` behind)."""
    cleaned = clean_html(value)
    if "<img" in cleaned:
        return False
    return not text_from_html(cleaned, tag="").replace("\xa0", " ").strip()
