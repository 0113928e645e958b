"""Where the shipped site_templates/ are."""

from __future__ import annotations

from pathlib import Path


def default_templates() -> Path:
    """The templates shipped with jianbao (inside the wheel, or beside the package in a checkout)."""
    packaged = Path(__file__).parent / "site_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "site_templates"
