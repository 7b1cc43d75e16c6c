"""Import a WordPress site's condition pages (a WXR export with WPBakery shortcodes) into structured conditions.

    wxr.py         the export file -> items (defusedxml: no DTD, no entities, no network)
    shortcodes.py  WPBakery/other shortcodes -> the page's main text and sidebar
    blocks.py      HTML or plain text -> headings, paragraphs, lists
    mapping.py     blocks -> the Condition's fields, treatments, research citations, stray text
    media.py       images from --media-dir (a copy of wp-content/uploads/)
    importer.py    the database writes, one savepoint per page, and the report
    report.py      the report and the progress bar

`manage.py import_wordpress` (conditions/management/commands/import_wordpress.py) runs it.
"""

from .importer import Importer, ImportOptions
from .wxr import WXRError, read_export

__all__ = ["ImportOptions", "Importer", "WXRError", "read_export"]
