"""`jianbao archive`: one folder in a zip: the offline site, its sources, a README and MANIFEST.sha256.

Byte-identical on rebuild; unzipped, `jianbao build --offline` inside the folder (with the
SOURCE_DATE_EPOCH the README gives) makes the same site again (SPEC §7).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generator.build import BuildResult, build
from generator.config import Settings
from generator.errors import JianbaoError, UsageError

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


def _zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.timezone.utc)  # zip starts at 1980
    return (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)


def write_zip(entries: list[tuple[str, bytes]], dest: Path, epoch: int) -> None:
    """A deterministic zip of (name, data) in the order given: fixed times and modes, UTF-8 names."""
    when = _zip_time(epoch)
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.flag_bits |= 0x800  # names are UTF-8
            archive.writestr(info, data)
    partial.replace(dest)


@dataclass
class ArchiveResult:
    build: BuildResult
    files: int  # in the zip, MANIFEST.sha256 included
    folder: str  # the one top-level folder


def archive(settings: Settings, dest: Path, year: int | None = None) -> ArchiveResult:
    """Build the offline site (optionally one year's issues) and zip it with its sources under one folder."""
    if dest.suffix.lower() != ".zip":
        raise UsageError(f"归档文件名应以 .zip 结尾：{dest}")
    folder = dest.stem
    if not folder or (problem := windows_problem(folder)):
        raise UsageError(f"归档文件名不适合作解压后的文件夹名：{problem or dest.name}")
    archive_settings = dataclasses.replace(settings, site_dir=settings.build_dir / "archive-site", offline=True, year=year)
    if year is not None:
        _check_year(archive_settings, year)
    result = build(archive_settings)
    epoch = result.source_date_epoch if result.source_date_epoch is not None else DEFAULT_EPOCH  # what the build used
    site_dir = archive_settings.site_dir
    files = {f"{SITE}/{path.relative_to(site_dir).as_posix()}": path for path in site_dir.rglob("*") if path.is_file()}
    files.update({name: settings.project / name for name in source_files(settings.project)})
    bad = [f"{name}：{problem}" for name in sorted(files) if (problem := windows_problem(name))]
    if bad:
        raise UsageError("以下文件名在 Windows 上无法解压：" + "；".join(bad[:5]))
    contents = {name: path.read_bytes() for name, path in sorted(files.items())}
    contents[README] = readme_text(folder, epoch, year).encode("utf-8")
    contents[OPENER] = OPENER_HTML.encode("utf-8")
    names = sorted(contents)
    manifest = manifest_lines(contents, names)
    entries = [(f"{folder}/{MANIFEST}", manifest.encode("utf-8"))] + [(f"{folder}/{name}", contents[name]) for name in names]
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_zip(entries, dest, epoch)
    return ArchiveResult(result, len(entries), folder)


def _check_year(settings: Settings, year: int) -> None:
    """An archive of a year without issues is a mistake, not an empty zip."""
    from generator.build import check

    checked = check(settings)
    if not checked.site.issues:
        years = sorted({doc.model.year for doc in checked.project.issues if not doc.model.draft})
        have = "、".join(str(y) for y in years) or "（无）"
        raise JianbaoError(f"{year} 年没有简报，未生成归档；有简报的年度：{have}")


def source_files(project: Path) -> list[str]:
    """What the site is built from (SPEC §7): content/, data/, site_templates/, mkdocs.yml (and package.json)."""
    names = [name for name in ("mkdocs.yml", "package.json") if (project / name).is_file() and not (project / name).is_symlink()]
    for folder in SOURCES:
        root = project / folder
        if root.is_dir() and not root.is_symlink():
            names += [path.relative_to(project).as_posix() for path in root.rglob("*")
                      if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts]
    return sorted(names)


def manifest_lines(contents: dict[str, bytes], names: list[str]) -> str:
    """sha256sum-compatible lines: '<hex>  <path>'."""
    return "".join(f"{hashlib.sha256(contents[name]).hexdigest()}  {name}\n" for name in names)


def jianbao_version() -> str:
    try:
        return metadata.version("jianbao")
    except metadata.PackageNotFoundError:
        return "未知"


def readme_text(folder: str, epoch: int, year: int | None) -> str:
    """README.txt of the archive: what it is, what built it, how to check and rebuild it."""
    version = jianbao_version()
    when = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    scope = f"只收 {year} 年的简报（典型案例、发展模式、地区和指标页全部保留）" if year is not None else "收全部简报、典型案例、发展模式、地区和指标页"
    if year is None:
        rebuild = (f"     SOURCE_DATE_EPOCH={epoch} jianbao build --offline\n"
                   f"  3. 新生成的 {SITE}/ 与本归档中的逐字节相同（同样的源文件、同样的 jianbao 版本和 SOURCE_DATE_EPOCH）。\n")
    else:
        rebuild = (f"     SOURCE_DATE_EPOCH={epoch} jianbao archive --year {year} -o 新归档.zip\n"
                   f"  3. 解压新归档，其中的 {SITE}/ 与本归档中的逐字节相同（同样的源文件、同样的 jianbao 版本和 SOURCE_DATE_EPOCH）。\n"
                   f"     不加 --year，用 jianbao build --offline 可生成包含全部年度的网站。\n")
    return (
        f"{folder}：简报网站的离线归档\n"
        f"\n"
        f"这是什么\n"
        f"  由 jianbao 生成的简报网站，{scope}，以及生成它的全部源文件。\n"
        f"  {SITE}/            网站本身：用浏览器打开 {SITE}/index.html（或本目录的 {OPENER}），不联网、不装软件即可浏览、搜索和查看图表；\n"
        f"                   每期简报旁有 PDF 和单文件 HTML。\n"
        f"  content/         简报、典型案例、发展模式和手写页面（YAML、Markdown）\n"
        f"  data/            村级指标表和指标定义\n"
        f"  mkdocs.yml       网站配置\n"
        f"  site_templates/  页面模板和样式（项目没有自己的模板时不存在，使用 jianbao 自带的）\n"
        f"  {MANIFEST}  每个文件的 SHA-256 校验值：在本目录运行 sha256sum -c {MANIFEST}，应全部显示“成功”/OK\n"
        f"\n"
        f"构建信息\n"
        f"  jianbao 版本：{version}\n"
        f"  SOURCE_DATE_EPOCH：{epoch}（{when}）\n"
        f"\n"
        f"如何重新生成\n"
        f"  1. 安装 jianbao {version}（pip install jianbao=={version}）；运行 jianbao doctor，按提示安装字体和系统库；\n"
        f"     在本目录运行 npm install（离线搜索需要的 iframe-worker，见 package.json）。\n"
        f"  2. 在本目录运行：\n"
        f"{rebuild}"
    )


SITE = "site"
SOURCES = ("content", "data", "site_templates")
README = "README.txt"
OPENER = "打开网站.html"
OPENER_HTML = (
    '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>打开网站</title>'
    '<meta http-equiv="refresh" content="0; url=site/index.html"></head>'
    '<body><p><a href="site/index.html">打开网站（site/index.html）</a></p></body></html>\n'
)
DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest time a zip can hold
