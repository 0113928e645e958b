"""Build settings: one typed object, every path relative to the project root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """What one build or check works on and how."""

    project: Path
    site_dir: Path
    offline: bool = False
    pdf: bool = True
    drafts: bool = False
    strict: bool = False
    year: int | None = None  # only this year's issues (jianbao archive --year)
    # `jianbao serve` after a change of content/ or data/ only: MkDocs rebuilds in place only the pages
    # whose Markdown changed (when the set of pages is the same as the previous build's).
    dirty: bool = False
    # `jianbao serve`: generated Markdown in build/preview-docs, never the folders `jianbao build` uses.
    preview: bool = False

    @classmethod
    def create(cls, project: Path | str = ".", site_dir: Path | str | None = None, **flags: bool | int | None) -> Settings:
        root = Path(project).resolve()
        site = Path(site_dir).resolve() if site_dir else root / "site"
        return cls(project=root, site_dir=site, **flags)

    @property
    def build_dir(self) -> Path:
        """Generated Markdown, the MkDocs config and caches: never committed."""
        return self.project / "build"

    @property
    def docs_dir(self) -> Path:
        """Generated Markdown; the offline variant (other links) has its own, so neither is rewritten in full."""
        if self.preview:
            return self.build_dir / "preview-docs"
        return self.build_dir / ("docs-offline" if self.offline else "docs")

    @property
    def cache_dir(self) -> Path:
        """Content-addressed caches (chart SVGs, PDFs); JIANBAO_CACHE_DIR may share one between projects."""
        shared = os.environ.get("JIANBAO_CACHE_DIR")
        return Path(shared) if shared else self.build_dir / "cache"

    @property
    def templates_dir(self) -> Path:
        return self.project / "site_templates"

    @property
    def mkdocs_file(self) -> Path:
        return self.project / "mkdocs.yml"
