"""The site: structure computed from content and data, rendered into Markdown pages, charts and search entries."""
