"""`jianbao doctor`: check the system fonts, libraries and tools the build relies on.

Every check says what it found and, when something is missing, the exact
command that installs it (Debian package names; SPEC §6, §7).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

INSTALL_SCRIPT = "sudo bash scripts/install-system-deps.sh"
FANDOL_FROM_TEXLIVE = (
    "sudo apt-get install texlive-lang-chinese && "
    "sudo ln -s /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol /usr/local/share/fonts/fandol && "
    "sudo fc-cache -f"
)


@dataclass(frozen=True)
class Check:
    """One thing the build needs: whether it is there, what was found, how to get it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    optional: bool = False

    def format(self) -> str:
        mark = "✓" if self.ok else ("－" if self.optional else "✗")
        line = f"{mark} {self.name}：{self.detail}"
        if not self.ok and self.fix:
            line += f"\n    解决：{self.fix}"
        return line


@dataclass(frozen=True)
class FontNeed:
    """A role in the 简报 layout and the font families that can fill it."""

    name: str
    families: tuple[str, ...]
    fix: str


FONT_NEEDS = (
    FontNeed("Noto Serif CJK SC 字体（红头、标题、加粗）", ("Noto Serif CJK SC", "Source Han Serif SC"), "sudo apt-get install fonts-noto-cjk"),
    FontNeed("Noto Sans CJK SC 字体（黑体：一级标题）", ("Noto Sans CJK SC", "Source Han Sans SC"), "sudo apt-get install fonts-noto-cjk"),
    FontNeed(
        "仿宋字体（正文）",
        ("FandolFang", "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "华文仿宋"),
        f"{INSTALL_SCRIPT}（只从 Debian 的 texlive-lang-chinese 中安装 FandolFang、FandolKai 等字体）；或 {FANDOL_FROM_TEXLIVE}",
    ),
    FontNeed(
        "楷体字体（二级标题）",
        ("FandolKai", "KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "AR PL UKai CN"),
        f"{INSTALL_SCRIPT}（只从 Debian 的 texlive-lang-chinese 中安装 FandolFang、FandolKai 等字体）；或 {FANDOL_FROM_TEXLIVE}",
    ),
)

PANGO_FIX = "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
CHROMIUM_FIX = "sudo apt-get install chromium"
POPPLER_FIX = "sudo apt-get install poppler-utils"
FONTCONFIG_FIX = "sudo apt-get install fontconfig"
LIBREOFFICE_FIX = "sudo apt-get install libreoffice-writer"


def run_checks() -> list[Check]:
    """Every check, required ones first."""
    checks = check_fonts(read_font_families())
    checks.append(check_weasyprint())
    checks.append(check_chromium())
    checks.extend(check_tool(tool, "poppler-utils", POPPLER_FIX) for tool in ("pdftotext", "pdffonts"))
    checks.append(check_tool("soffice", "libreoffice-writer", LIBREOFFICE_FIX))  # the Word file's conversion test
    return checks


def missing(checks: list[Check]) -> list[Check]:
    """The failed checks that stop the build from producing PDFs."""
    return [check for check in checks if not check.ok and not check.optional]


def format_checks(checks: list[Check]) -> str:
    """The doctor's report: one line per check, fixes under the failed ones, then a verdict."""
    lines = [check.format() for check in checks]
    failed = missing(checks)
    if failed:
        lines.append(f"缺少 {len(failed)} 项必需的系统依赖；可一次安装全部：{INSTALL_SCRIPT}")
    else:
        lines.append("必需的系统依赖齐全，可以生成 PDF。")
    return "\n".join(lines)


def fc_list_output() -> str | None:
    """`fc-list : family` as text, or None when fontconfig's tools are not installed."""
    if shutil.which("fc-list") is None:
        return None
    result = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False)
    return result.stdout


def read_font_families() -> set[str] | None:
    """Every installed font family name (all localized names), or None without fontconfig."""
    output = fc_list_output()
    if output is None:
        return None
    return parse_families(output)


def parse_families(output: str) -> set[str]:
    """`FandolFang,FandolFang R` lines → {"FandolFang", "FandolFang R"}."""
    families = set()
    for line in output.splitlines():
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name:
                families.add(name)
    return families


def check_fonts(families: set[str] | None) -> list[Check]:
    """One check per font role of the layout."""
    if families is None:
        return [Check("fontconfig（查找字体）", False, "找不到 fc-list，无法检查字体", FONTCONFIG_FIX)]
    folded = {name.casefold(): name for name in families}
    checks = []
    for need in FONT_NEEDS:
        found = [folded[name.casefold()] for name in need.families if name.casefold() in folded]
        if found:
            checks.append(Check(need.name, True, f"已安装 {found[0]}"))
        else:
            checks.append(Check(need.name, False, f"未安装（可用：{'、'.join(need.families[:2])}）", need.fix))
    return checks


def check_weasyprint() -> Check:
    """WeasyPrint imports, which needs pango (it loads the C libraries on import)."""
    name = "WeasyPrint 与 Pango（生成 PDF）"
    try:
        weasyprint = import_weasyprint()
    except OSError as exc:
        return Check(name, False, f"缺少 Pango 库：{_first_line(exc)}", PANGO_FIX)
    except ImportError as exc:
        return Check(name, False, f"未安装 WeasyPrint：{_first_line(exc)}", "pip install weasyprint（或重新安装 jianbao）")
    version = int(weasyprint.text.ffi.pango.pango_version())  # 15012 → 1.50.12
    return Check(name, True, f"WeasyPrint {weasyprint.__version__}，Pango {version // 10000}.{version // 100 % 100}.{version % 100}")


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint, which loads pango and fontconfig (OSError when they are missing)."""
    import weasyprint
    import weasyprint.text.ffi

    return weasyprint


def check_chromium() -> Check:
    """Chromium drives the browser tests (search, charts, offline); the build does not need it."""
    path = find_chromium()
    if path:
        return Check("Chromium（浏览器测试用，可选）", True, str(path), optional=True)
    return Check("Chromium（浏览器测试用，可选）", False, "未找到 chromium", CHROMIUM_FIX, optional=True)


def find_chromium() -> Path | None:
    """/usr/bin/chromium, or a Chromium/Chrome on PATH."""
    if Path("/usr/bin/chromium").is_file():
        return Path("/usr/bin/chromium")
    for command in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(command)
        if found:
            return Path(found)
    return None


def check_tool(tool: str, package: str, fix: str) -> Check:
    """An optional command-line tool on PATH (the tests use it)."""
    found = shutil.which(tool)
    name = f"{tool}（{package}，测试用，可选）"
    if found:
        return Check(name, True, found, optional=True)
    return Check(name, False, f"未找到 {tool}", fix, optional=True)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
