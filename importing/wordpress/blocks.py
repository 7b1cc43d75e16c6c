"""Page text into blocks: headings, paragraphs (as lines), lists.

WordPress stores a page's text as the editor left it: HTML (`<p>`, `<ul>`, `<h3>`, `<strong>`), plain text where
a blank line separates paragraphs (WordPress adds the `<p>`s only when it shows the page), or both mixed.
Bullets pasted from a rendered page arrive as "•" lines. Every form gives the same blocks here.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCK_TAGS = frozenset(
    {
        "p", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "figure", "div", "section",
        "article", "header", "footer", "aside", "nav", "hr", "pre", "dl", "center", "form", "main",
    }
)  # fmt: skip
# Wrappers whose content is read as if the wrapper were not there.
TRANSPARENT = frozenset({"div", "section", "article", "header", "footer", "aside", "main", "center", "nav", "form"})
VOID_TAGS = frozenset({"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "embed", "track"})
BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙]|[-*–—](?=\s))\s*")
LINE_BREAK = re.compile(r"<br\s*/?>|\n", re.IGNORECASE)
BLANK_LINE = re.compile(r"\n[ \t\xa0]*\n")


@dataclass(eq=False)
class Element:
    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list = field(default_factory=list)  # str and Element


@dataclass
class Heading:
    text: str
    level: int


@dataclass
class Paragraph:
    lines: list[str]  # HTML fragments, one per line (<br> or newline)


@dataclass
class BulletList:
    items: list[str]  # HTML fragments
    ordered: bool = False


@dataclass
class Other:
    html: str  # a table, a block quote, a figure...


class _TreeBuilder(HTMLParser):
    """A forgiving HTML tree: unclosed <p> and <li> close themselves, stray end tags are ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    def _pop_to(self, tag, stop=()):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag in stop:
                return
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._pop_to("p", stop={"li", "td", "th", "blockquote", "div"})
        if tag == "li":
            self._pop_to("li", stop={"ul", "ol"})
        element = Element(tag, attrs)
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        self._pop_to(tag)

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(fragment: str) -> list:
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root.children


def serialize(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(html.escape(node, quote=False))
            continue
        attrs = "".join(
            f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"' for name, value in node.attrs
        )
        parts.append(f"<{node.tag}{attrs}>")
        if node.tag not in VOID_TAGS:
            parts.append(serialize(node.children))
            parts.append(f"</{node.tag}>")
    return "".join(parts)


def text_of(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif node.tag == "br":
            parts.append(" ")
        elif node.tag not in {"script", "style"}:
            parts.append(text_of(node.children))
    return "".join(parts)


def plain(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded, whitespace (and no-break spaces) collapsed."""
    return " ".join(text_of(parse_html(fragment)).replace("\xa0", " ").split())


def has_content(fragment: str) -> bool:
    return bool(plain(fragment)) or "<img" in fragment.lower()


def to_blocks(fragment: str) -> list:
    """The blocks of an HTML or plain-text fragment, in order."""
    blocks = []
    _walk(parse_html(fragment), blocks)
    return blocks


def _walk(nodes, blocks):
    run = []
    for node in nodes:
        if isinstance(node, str) or node.tag not in BLOCK_TAGS:
            run.append(node)
            continue
        _flush_run(run, blocks)
        run = []
        if node.tag in TRANSPARENT:
            _walk(node.children, blocks)
        elif node.tag == "p":
            _lines_to_blocks(_split_lines(serialize(node.children)), blocks)
        elif node.tag in {"ul", "ol"}:
            items = [
                serialize(child.children).strip()
                for child in node.children
                if isinstance(child, Element) and child.tag == "li"
            ]
            items = [item for item in items if has_content(item)]
            if items:
                blocks.append(BulletList(items, ordered=node.tag == "ol"))
        elif node.tag[0] == "h" and node.tag[1:].isdigit():
            text = " ".join(text_of(node.children).replace("\xa0", " ").split())
            if text:
                blocks.append(Heading(text, int(node.tag[1:])))
        elif node.tag != "hr":
            blocks.append(Other(serialize([node])))
    _flush_run(run, blocks)


def _flush_run(run, blocks):
    """Loose text and inline HTML: blank lines separate paragraphs, as in WordPress's editor."""
    if not run:
        return
    for chunk in BLANK_LINE.split(serialize(run)):
        _lines_to_blocks(_split_lines(chunk), blocks)


def _split_lines(fragment):
    return [line.strip() for line in LINE_BREAK.split(fragment) if has_content(line)]


def _lines_to_blocks(lines, blocks):
    """Consecutive "•" lines become a list; the other lines, a paragraph."""
    paragraph, bullets = [], []
    for line in lines:
        if BULLET.match(line):
            if paragraph:
                blocks.append(Paragraph(paragraph))
                paragraph = []
            bullets.append(BULLET.sub("", line, count=1))
        else:
            if bullets:
                blocks.append(BulletList(bullets))
                bullets = []
            paragraph.append(line)
    if paragraph:
        blocks.append(Paragraph(paragraph))
    if bullets:
        blocks.append(BulletList(bullets))
