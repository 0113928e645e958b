"""Where the shipped site_templates/ are."""

from __future__ import annotations

from pathlib import Path


def default_templates() -> Path:
    """The templates shipped with jianbao (inside the wheel, or beside the package in a checkout)."""
    package = Path(__file__).resolve().parent.parent  # generator/
    packaged = package / "site_templates"
    return packaged if packaged.is_dir() else package.parent / "site_templates"
