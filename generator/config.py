"""Build settings: one typed object, every path relative to the project root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


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
    # Dates in the built site (MkDocs' sitemap, the archive's zip entries): SOURCE_DATE_EPOCH when set,
    # else the build takes the latest issue's date, so that the same inputs give the same bytes.
    source_date_epoch: int | None = None
    # JIANBAO_CACHE_DIR: one cache folder shared between projects (tests, benchmarks); else build/cache.
    shared_cache_dir: Path | None = None
    # `jianbao serve`: generated Markdown in build/preview-docs, never the folders `jianbao build` uses.
    preview: bool = False

    @classmethod
    def create(cls, project: Path | str = ".", site_dir: Path | str | None = None, *,
               environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Settings for a project; the process environment is read here, once, and nowhere else."""
        environ = os.environ if environ is None else environ
        root = Path(project).resolve()
        site = Path(site_dir).resolve() if site_dir else root / "site"
        epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
        shared = environ.get("JIANBAO_CACHE_DIR")
        flags.setdefault("source_date_epoch", int(epoch) if epoch.isdigit() else None)
        flags.setdefault("shared_cache_dir", Path(shared) if shared else None)
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
        return self.shared_cache_dir or self.build_dir / "cache"

    @property
    def templates_dir(self) -> Path:
        return self.project / "site_templates"

    @property
    def mkdocs_file(self) -> Path:
        return self.project / "mkdocs.yml"
