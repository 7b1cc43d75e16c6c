"""The content admin.

- `pages`: the registrations (conditions, treatments, research articles), their lists, filters and inlines.
- `workflow`: what every content admin shares: the workflow buttons, publishing with a sign-off, draft copies,
  edit conflicts; `history`: comparisons, versions, restore and recover, preview links.
- `citations`: importing citation files and looking up DOIs/PubMed IDs from the research articles' pages.
"""

from . import pages  # noqa: F401 - registers the content admins
