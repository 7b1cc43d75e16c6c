"""WordPress shortcodes, WPBakery's (Visual Composer) among them: parse them, keep the text and HTML inside.

A WPBakery page is HTML wrapped in shortcodes: `[vc_row][vc_column width="2/3"][vc_column_text]...[/vc_column_text]
[/vc_column][vc_column width="1/3"]...`. `page_columns()` returns the page's text without shortcodes, split into
the main text and the sidebar (columns narrower than half the row, like the clinic's 1/3 research column).
"""

import html
import re
from dataclasses import dataclass, field
from fractions import Fraction

# WordPress's texturize turns quotes typed or pasted into a page into typographic ones, attributes included:
# `width=”2/3″` (right double quotation mark, double prime) means `width="2/3"`.
TYPOGRAPHIC_QUOTES = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u2036": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u2035": "'",
    }
)  # fmt: skip

# Shortcodes that wrap content and must be closed: a page where one never closes is broken, not guessed at.
CONTAINERS = frozenset(
    {
        "vc_section", "vc_row", "vc_row_inner", "vc_column", "vc_column_inner", "vc_column_text", "vc_tta_tabs",
        "vc_tta_tour", "vc_tta_accordion", "vc_tta_section", "vc_toggle", "vc_message", "vc_cta",
    }
)  # fmt: skip
# Shortcodes that never wrap content, whatever follows them.
SELF_CLOSING = frozenset(
    {
        "vc_separator", "vc_text_separator", "vc_empty_space", "vc_single_image", "vc_gallery", "vc_btn", "vc_icon",
        "vc_raw_html", "vc_raw_js", "vc_video", "vc_gmaps", "gallery", "embed", "audio", "video", "playlist",
        "contact-form-7", "wpforms",
    }
)  # fmt: skip
# Layout that carries no content of its own: removed without a word in the report.
LAYOUT = CONTAINERS | {"vc_separator", "vc_text_separator", "vc_empty_space"}
# Known names that hold text and have no underscore or attributes to recognise them by.
KNOWN_PAIRS = frozenset({"caption", "wp_caption", "embed", "audio", "video"})

TAG = re.compile(
    r"(?P<escape_open>\[?)\[(?P<closing>/?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>\s[^\[\]]*?)?(?P<self>/?)\](?P<escape_close>\]?)"
)
ATTR = re.compile(
    r'(?P<n1>[\w-]+)\s*=\s*"(?P<v1>[^"]*)"'
    r"|(?P<n2>[\w-]+)\s*=\s*'(?P<v2>[^']*)'"
    r"|(?P<n3>[\w-]+)\s*=\s*(?P<v3>[^\s'\"]+)"
    r'|"(?P<v4>[^"]*)"'
    r"|(?P<v5>\S+)"
)


class ShortcodeError(ValueError):
    """The shortcodes of a page do not nest: which one, and on which line of the page's text."""


@dataclass(eq=False)
class Shortcode:
    name: str
    attrs: dict[str, str]
    line: int
    children: list = field(default_factory=list)  # str (text and HTML) and Shortcode


@dataclass
class Column:
    width: Fraction | None  # None: text outside any [vc_column]
    text: str


@dataclass
class PageText:
    main: str
    sidebar: str
    removed: list[str]  # names of content shortcodes that were dropped (forms, galleries...)
    warnings: list[str]


def parse_attrs(text: str) -> dict[str, str]:
    """`width=”2/3″ el_class="x"` -> {"width": "2/3", "el_class": "x"} (like WordPress's shortcode_parse_atts)."""
    text = html.unescape(text or "").translate(TYPOGRAPHIC_QUOTES)
    attrs = {}
    for index, match in enumerate(ATTR.finditer(text)):
        for number in (1, 2, 3):
            if match[f"n{number}"]:
                attrs[match[f"n{number}"].lower()] = match[f"v{number}"]
                break
        else:
            value = match["v4"] if match["v4"] is not None else match["v5"]
            if value != "/":
                attrs[str(index)] = value
    return attrs


def _is_shortcode(name, attrs, closing, opened, closed):
    """Brackets in prose ("[sic]") are text; a shortcode has a known name, "_" or "-", attributes, or a pair."""
    if name in CONTAINERS or name in SELF_CLOSING or name in KNOWN_PAIRS or "_" in name or "-" in name:
        return True
    if closing:
        return name in opened
    return "=" in (attrs or "") or name in closed


def parse(text: str) -> tuple[list, list[str]]:
    """Parse `text` into a tree of str and `Shortcode`; returns (nodes, warnings). Raises `ShortcodeError`."""
    matches = list(TAG.finditer(text))
    opened = {m["name"].lower() for m in matches if not m["closing"]}
    closed = {m["name"].lower() for m in matches if m["closing"]}
    root = Shortcode("", {}, 0)
    stack = [root]
    warnings = []
    position = 0

    def line_of(offset):
        return text.count("\n", 0, offset) + 1

    for match in matches:
        name = match["name"].lower()
        if not _is_shortcode(name, match["attrs"], match["closing"], opened, closed):
            continue
        stack[-1].children.append(text[position : match.start()])
        position = match.end()
        if match["escape_open"] and match["escape_close"]:  # [[name]]: WordPress prints "[name]" literally
            stack[-1].children.append(match[0][1:-1])
            continue
        line = line_of(match.start())
        if not match["closing"]:
            node = Shortcode(name, parse_attrs(match["attrs"]), line)
            stack[-1].children.append(node)
            wraps = name in CONTAINERS or (name not in SELF_CLOSING and name in closed)
            if wraps and not match["self"]:
                stack.append(node)
            continue
        index = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].name == name), None)
        if index is None:
            warnings.append(f"a stray [/{name}] on line {line} closes nothing: removed")
            continue
        for inner in range(len(stack) - 1, index, -1):
            node = stack[inner]
            if node.name in CONTAINERS:
                raise ShortcodeError(
                    f"the shortcode [{node.name}] opened on line {node.line} never closes "
                    f"([/{name}] on line {line} comes first)"
                )
            _unwrap(stack[inner - 1], node)  # an unclosed unknown shortcode stands alone
        del stack[index:]
    stack[-1].children.append(text[position:])
    for inner in range(len(stack) - 1, 0, -1):
        node = stack[inner]
        if node.name in CONTAINERS:
            raise ShortcodeError(f"the shortcode [{node.name}] opened on line {node.line} never closes")
        _unwrap(stack[inner - 1], node)
    return root.children, warnings


def _unwrap(parent, node):
    """Move what was read as `node`'s content to after it: `node` turned out to be self-closing."""
    index = next(i for i, child in enumerate(parent.children) if child is node)
    parent.children[index + 1 : index + 1] = node.children
    node.children = []


def render(nodes, removed: list[str]) -> str:
    """The text and HTML of `nodes` without shortcodes; layout shortcodes become paragraph breaks."""
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif node.name in LAYOUT:
            parts.append(f"\n\n{render(node.children, removed)}\n\n")
        elif node.children:
            parts.append(render(node.children, removed))
        elif node.name not in removed:
            removed.append(node.name)
    return "".join(parts)


def column_width(value: str | None) -> Fraction | None:
    """WPBakery widths: "2/3", "1/3", "5/12"; anything else is treated as full width."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value or "")
    if not match or int(match[2]) == 0:
        return None
    return Fraction(int(match[1]), int(match[2]))


def page_columns(content: str) -> PageText:
    """Strip the shortcodes of a page's content and split it into main text and sidebar."""
    nodes, warnings = parse(content)
    removed: list[str] = []
    main, sidebar = [], []
    for column in columns(nodes, removed):
        is_sidebar = column.width is not None and column.width < Fraction(1, 2)
        (sidebar if is_sidebar else main).append(column.text)
    return PageText(
        main="\n\n".join(main).strip(),
        sidebar="\n\n".join(sidebar).strip(),
        removed=[name for name in removed if name not in LAYOUT],
        warnings=warnings,
    )


def columns(nodes, removed: list[str]) -> list[Column]:
    """The page's top-level columns in order; text outside any column is a column of its own."""
    result, loose = [], []

    def flush():
        if loose:
            result.append(Column(None, render(loose, removed)))
            loose.clear()

    def visit(children):
        for node in children:
            if isinstance(node, Shortcode) and node.name == "vc_column":
                flush()
                result.append(Column(column_width(node.attrs.get("width")), render(node.children, removed)))
            elif isinstance(node, Shortcode) and node.name in {"vc_row", "vc_section"}:
                flush()
                visit(node.children)
                flush()
            else:
                loose.append(node)

    visit(nodes)
    flush()
    return result
