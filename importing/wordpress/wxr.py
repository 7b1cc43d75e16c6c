"""Read a WordPress eXtended RSS (WXR) export (Tools → Export) into plain `Item`s.

The file is parsed with defusedxml: no DTD, no entities, no external references, so an entity-expansion bomb or
a reference to a remote or local file is refused before anything is expanded or fetched. The whole file is
read before anything is imported: a truncated export is refused as a whole (`WXRError`), never half-imported.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import errors as expat_errors

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(?P<version>\d+\.\d+)/$")
CONTENT_NAMESPACE = "http://purl.org/rss/1.0/modules/content/"
SUPPORTED_VERSIONS = {"1.0", "1.1", "1.2"}

# Expat error codes that mean "the document stopped before its end" (`codes` maps each message to its code).
_TRUNCATED = {
    expat_errors.codes[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
    )
}


class WXRError(Exception):
    """The file cannot be read as a WordPress export: nothing is imported."""


@dataclass(frozen=True)
class Item:
    """One `<item>` of the export: a page, post, attachment, menu item..."""

    position: int  # 1-based, in file order
    post_id: int | None
    post_type: str
    status: str
    title: str
    name: str  # the slug (post_name)
    link: str
    content: str
    date_gmt: datetime | None = None
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def label(self):
        """How the report names the item: `page 101 "Post Laminectomy Syndrome"`."""
        ident = self.post_id if self.post_id is not None else f"(item {self.position})"
        title = f'"{self.title}"' if self.title else "(no title)"
        return f"{self.post_type or 'item'} {ident} {title}"


@dataclass(frozen=True)
class Export:
    path: Path
    version: str
    site_url: str
    items: list[Item]


def read_export(path) -> Export:
    """Parse the WXR file at `path`; raise `WXRError` with a readable reason if it is not one."""
    path = Path(path)
    root = _parse(path)
    if root.tag != "rss":
        raise WXRError(
            f"{path.name} is XML but not a WordPress export: its root element is <{_local(root.tag)}>, not <rss>."
        )
    channel = root.find("channel")
    if channel is None:
        raise WXRError(f"{path.name} is an RSS file without a <channel>: not a WordPress export.")
    wp, version = _wp_namespace(channel)
    if wp is None:
        raise WXRError(
            f"{path.name} is an RSS feed, not a WordPress export (WXR): it has no <wp:wxr_version>. "
            "Export the site from WordPress with Tools → Export."
        )
    if version not in SUPPORTED_VERSIONS:
        raise WXRError(f"{path.name} is a WXR {version} export; this importer reads WXR 1.0 to 1.2.")
    site_url = (channel.findtext(f"{{{wp}}}base_site_url") or channel.findtext("link") or "").strip()
    items = [_item(element, position, wp) for position, element in enumerate(channel.findall("item"), start=1)]
    return Export(path=path, version=version, site_url=site_url, items=items)


def _parse(path):
    try:
        size = path.stat().st_size
        if size == 0:
            raise WXRError(f"{path.name} is empty.")
        # forbid_dtd: a WXR file never has a DOCTYPE; refusing it also refuses every entity declaration.
        return defusedxml.ElementTree.parse(
            str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True
        ).getroot()
    except FileNotFoundError:
        raise WXRError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise WXRError(f"{path} is a folder, not an export file.") from None
    except OSError as error:
        raise WXRError(f"{path}: cannot be read ({error.strerror or error}).") from None
    except DefusedXmlException as error:
        raise WXRError(
            f"{path.name} was refused: it declares a DTD or entities ({type(error).__name__}), which a WordPress "
            "export never does (entity expansion can exhaust memory)."
        ) from None
    except ParseError as error:
        raise WXRError(_describe_parse_error(path, error)) from None


def _describe_parse_error(path, error):
    line, column = error.position
    reason = str(error).split(":")[0]
    with path.open("rb") as file:
        start = file.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    looks_like_xml = start.startswith(b"<")
    if not looks_like_xml:
        return f"{path.name} is not an XML file (a WordPress export starts with <?xml ...>): {reason} at line {line}."
    if error.code in _TRUNCATED:
        return (
            f"{path.name} ends early ({reason} at line {line}, column {column}): the export looks truncated. "
            "Download it again; nothing was imported."
        )
    return f"{path.name} is not well-formed XML ({reason} at line {line}, column {column}); nothing was imported."


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _wp_namespace(channel):
    for child in channel:
        if child.tag.startswith("{") and _local(child.tag) == "wxr_version":
            namespace = child.tag[1:].split("}", 1)[0]
            match = WP_NAMESPACE.match(namespace)
            if match:
                return namespace, (child.text or match["version"]).strip()
    return None, None


def _item(element, position, wp):
    def text(tag, namespace=wp):
        return element.findtext(f"{{{namespace}}}{tag}" if namespace else tag) or ""

    meta = {}
    for postmeta in element.findall(f"{{{wp}}}postmeta"):
        key = postmeta.findtext(f"{{{wp}}}meta_key") or ""
        if key:
            meta[key] = postmeta.findtext(f"{{{wp}}}meta_value") or ""
    return Item(
        position=position,
        post_id=_int(text("post_id")),
        post_type=text("post_type").strip(),
        status=text("status").strip(),
        title=html.unescape(text("title", None)).strip(),
        name=text("post_name").strip(),
        link=text("link", None).strip(),
        content=text("encoded", CONTENT_NAMESPACE).replace("\r\n", "\n").replace("\r", "\n"),
        date_gmt=_date(text("post_date_gmt")),
        attachment_url=text("attachment_url").strip(),
        meta=meta,
    )


def _int(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _date(value):
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:  # "0000-00-00 00:00:00" for drafts, or missing
        return None
