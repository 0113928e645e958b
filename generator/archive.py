"""`jianbao archive`: the offline site as a zip with MANIFEST.sha256, byte-identical on rebuild."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import re
import zipfile
from pathlib import Path

from .build import BuildResult, build
from .config import Settings
from .errors import UsageError

MANIFEST = "MANIFEST.sha256"
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.I)
WINDOWS_BAD = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def windows_problem(name: str) -> str | None:
    """Why a relative path would not survive extraction on Windows, or None."""
    for part in name.split("/"):
        if WINDOWS_BAD.search(part):
            return f"“{part}”含有 Windows 文件名不允许的字符"
        if WINDOWS_RESERVED.match(part):
            return f"“{part}”是 Windows 的保留文件名"
        if part.endswith((" ", ".")):
            return f"“{part}”以空格或句点结尾，Windows 无法保存"
    return None


def manifest_text(root: Path, names: list[str]) -> str:
    """sha256sum-compatible lines: '<hex>  <path>'."""
    lines = []
    for name in names:
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    return "".join(lines)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.timezone.utc)  # zip starts at 1980
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def write_zip(root: Path, names: list[str], manifest: str, dest: Path) -> None:
    """A deterministic zip: sorted entries, fixed times and modes, UTF-8 names."""
    when = _zip_time()
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in [(MANIFEST, manifest.encode("utf-8"))] + [(n, (root / n).read_bytes()) for n in names]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.flag_bits |= 0x800  # names are UTF-8
            archive.writestr(info, data)
    partial.replace(dest)


def archive(settings: Settings, dest: Path, year: int | None = None) -> tuple[BuildResult, int]:
    """Build the offline site (optionally one year's issues) and zip it; return (build, file count)."""
    if dest.suffix.lower() != ".zip":
        raise UsageError(f"归档文件名应以 .zip 结尾：{dest}")
    site_dir = settings.build_dir / "archive-site"
    archive_settings = dataclasses.replace(settings, site_dir=site_dir, offline=True, year=year)
    result = build(archive_settings)
    names = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*") if path.is_file())
    bad = [f"{name}：{problem}" for name in names if (problem := windows_problem(name))]
    if bad:
        raise UsageError("以下文件名在 Windows 上无法解压：" + "；".join(bad[:5]))
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_zip(site_dir, names, manifest_text(site_dir, names), dest)
    return result, len(names)
