"""Research articles as a citation library.

- `records`: one citation as read from a file or a web service, and how it is checked.
- `ris`, `bibtex`, `medline`, `crossref`: readers (and writers for RIS and BibTeX downloads).
- `files`: reading an uploaded or named file (size limit, encoding, format detection).
- `importer`: new / duplicate / error per record, then one transaction that writes the new ones.
- `ama`: AMA citations. `tokens`: keywords and `[cite:slug]` tokens (no database). `references`: sidebars and
  numbered References lists in a constant number of queries.
- `lookup`: Crossref and NCBI (PubMed) look-ups, which fail politely when the server is offline.
"""
