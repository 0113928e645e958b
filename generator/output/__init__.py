"""Output: write the docs tree, run MkDocs, the search index files, PDF / HTML / Word of each issue, the archive."""
