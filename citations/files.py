"""Reading a citation file: size limit, text encoding, format (by content; the name's extension only breaks ties).

Everything that makes a whole file unusable raises `CitationFileError` with one sentence saying why (the command's
exit status 2, a form error in the admin); problems of single records are reported per record by the readers.
"""

from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
from django.conf import settings

from . import bibtex, crossref, medline, ris


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    extensions: tuple
    reader: object


FORMATS = {
    "ris": Format("ris", "RIS", (".ris",), ris),
    "bibtex": Format("bibtex", "BibTeX", (".bib", ".bibtex"), bibtex),
    "medline": Format("medline", "PubMed (MEDLINE/.nbib)", (".nbib", ".txt", ".medline"), medline),
    "crossref": Format("crossref", "Crossref JSON", (".json",), crossref),
}
#: Formats an editor may upload; Crossref JSON comes only from the DOI look-up.
FILE_FORMATS = ("ris", "bibtex", "medline")
ACCEPTED_EXTENSIONS = (".ris", ".bib", ".bibtex", ".nbib", ".txt")


class CitationFileError(Exception):
    """The file as a whole cannot be read: nothing is imported."""


def max_bytes():
    return int(settings.CITATION_IMPORT_MAX_MB) * 1024 * 1024


def size_text(size):
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} kB"


def check_size(size, limit=None):
    limit = max_bytes() if limit is None else limit
    if size > limit:
        raise CitationFileError(
            f"the file is {size_text(size)}, more than the {size_text(limit)} a citation import may be: "
            "split it into smaller files"
        )


#: Encodings that need several bytes per character (Chinese, Japanese, Korean): a detector's answer in one of these
#: is trusted; a single-byte answer is not (short Western text fits a dozen code pages equally well).
MULTI_BYTE = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp",
              "euc_jis_2004", "iso2022_jp", "euc_kr", "cp949", "johab", "iso2022_kr", "utf_16", "utf_32"}  # fmt: skip


def decode(data: bytes) -> tuple[str, str]:
    """(the text, the encoding's name when it is not UTF-8). UTF-8 and UTF-16 with a byte order mark are read as
    they say; other bytes are given to charset-normalizer: a multi-byte answer (GBK, Shift JIS…) is used, any
    single-byte one means Windows-1252, which EndNote on Windows still writes. No answer: the file is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark (some Windows exports)
        try:
            return _lines(data.decode("utf-16")), ""
        except UnicodeDecodeError:
            raise CitationFileError("the file says it is UTF-16 text but it is damaged") from None
    if b"\x00" in data[:8192]:
        raise CitationFileError("this is a binary file (a PDF, Word or zip file?), not a text citation export")
    try:
        return _lines(data.decode("utf-8-sig")), ""
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise CitationFileError(
            "its text encoding cannot be told (it is not UTF-8, and no other encoding reads it cleanly): "
            "export it again as UTF-8"
        )
    encoding = best.encoding if best.encoding in MULTI_BYTE else "cp1252"
    try:
        return _lines(data.decode(encoding)), ENCODING_NAMES.get(encoding, encoding)
    except UnicodeDecodeError:
        return _lines(str(best)), ENCODING_NAMES.get(best.encoding, best.encoding)


ENCODING_NAMES = {
    "cp1252": "Windows-1252",
    "gb18030": "GB18030 (GBK, Chinese)",
    "big5": "Big5 (Chinese)",
    "shift_jis": "Shift JIS (Japanese)",
    "cp932": "Shift JIS (Japanese)",
    "euc_kr": "EUC-KR (Korean)",
}


def _lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect(text: str, file_name: str = "") -> Format:
    """The format the content is in. The extension decides only when the content fits several."""
    fitting = [FORMATS[name] for name in FILE_FORMATS if FORMATS[name].reader.looks_like(text)]
    if not fitting:
        raise CitationFileError(
            "not a citation file: no RIS record (“TY  - ”), BibTeX entry (“@article{”) or PubMed record (“PMID- ”) "
            "was found. Export RIS, BibTeX or PubMed (.nbib) from your reference manager or PubMed"
        )
    suffix = Path(file_name).suffix.lower()
    return next((fmt for fmt in fitting if suffix in fmt.extensions), fitting[0])


@dataclass
class CitationFile:
    name: str
    format: Format
    text: str
    records: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # e.g. "named .ris but it is BibTeX: read as BibTeX"

    @property
    def description(self):
        return f"{self.name} ({self.format.label}, {len(self.records)} record{'s' if len(self.records) != 1 else ''})"


def read_text(text: str, name: str, format_name: str | None = None, encoding: str = "") -> CitationFile:
    fmt = FORMATS[format_name] if format_name else detect(text, name)
    notes = [f"the file is not UTF-8: it was read as {encoding} text"] if encoding else []
    suffix = Path(name).suffix.lower()
    if not format_name and suffix in ACCEPTED_EXTENSIONS and suffix not in fmt.extensions:
        notes.append(f"the file is named {suffix} but it is {fmt.label}: it was read as {fmt.label}")
    records = fmt.reader.parse(text)
    if not records:
        raise CitationFileError(f"no {fmt.label} records were found in the file")
    return CitationFile(name=name, format=fmt, text=text, records=records, notes=notes)


def read_bytes(data: bytes, name: str, format_name: str | None = None) -> CitationFile:
    check_size(len(data))
    text, encoding = decode(data)
    return read_text(text, name, format_name, encoding)


def read_path(path, format_name: str | None = None, limit: int | None = None) -> CitationFile:
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CitationFileError("no such file") from None
    except OSError as error:
        raise CitationFileError(str(error.strerror or error)) from None
    if path.is_dir():
        raise CitationFileError("this is a folder, not a file")
    check_size(size, limit)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CitationFileError(str(error.strerror or error)) from None
    text, encoding = decode(data)
    return read_text(text, path.name, format_name, encoding)
