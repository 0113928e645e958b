"""Run MkDocs on the generated Markdown with the project's mkdocs.yml.

The project's mkdocs.yml stays the user's file (theme, plugins, nav, extra);
the build writes build/mkdocs.yml from it with the paths the build needs, so
any engine that reads mkdocs.yml (MkDocs, Zensical) can build the same folder.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .config import Settings
from .errors import Report, UsageError
from .pages import default_templates
from .search import SEARCH_SCRIPT, SEARCH_STYLES
from .yamlsrc import load_yaml

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as plain values (safe: no Python tags)."""
    if not path.is_file():
        return {}
    report = Report()
    document = load_yaml(path, path.name, report)
    if document is None or not isinstance(document.data, dict):
        problems = "；".join(p.format() for p in report.problems) or "应为映射"
        raise UsageError(f"mkdocs.yml 无法读取：{problems}")
    return document.data


def build_config(settings: Settings, site_dir: Path, notes: list[tuple[int, str]] | None = None) -> dict[str, Any]:
    """The config MkDocs runs with: the project's, plus our paths and requirements.

    notes: receives (line in mkdocs.yml, 提示) for what of the project's config is left out.
    """
    config = read_mkdocs_yml(settings.mkdocs_file)
    config.setdefault("site_name", "乡村振兴简报")
    config["docs_dir"] = str(settings.docs_dir)
    config["site_dir"] = str(site_dir)
    config["use_directory_urls"] = not settings.offline
    config.setdefault("not_in_nav", "/*/**\n")
    theme = config.setdefault("theme", {"name": "material"})
    theme.setdefault("name", "material")
    theme.setdefault("language", "zh")
    theme["font"] = False  # never Google Fonts: the site loads nothing from outside
    overrides = settings.templates_dir / "overrides"
    if not overrides.is_dir():
        overrides = default_templates() / "overrides"
    if overrides.is_dir() and any(overrides.iterdir()):
        theme["custom_dir"] = str(overrides)
    config["plugins"] = _plugins(config.get("plugins"), _source_lines(settings.mkdocs_file), notes if notes is not None else [])
    config["markdown_extensions"] = _extensions(config.get("markdown_extensions"))
    config["extra_javascript"] = _with(config.get("extra_javascript"), SEARCH_SCRIPT)
    config["extra_css"] = _with(config.get("extra_css"), SEARCH_STYLES)
    return config


def _with(entries: Any, path: str) -> list[Any]:
    result = list(entries or [])
    return result if path in result else result + [path]


REQUIRED_EXTENSIONS = ("attr_list", "toc")  # generated pages: headings with ids ({ #s1 }), links to them


def _extensions(extensions: Any) -> list[Any]:
    """The project's Markdown extensions, plus those the generated pages need."""
    if isinstance(extensions, dict):  # MkDocs also takes a mapping of name: options
        extensions = [{name: options} if options else name for name, options in extensions.items()]
    result = list(extensions or [])
    names = {entry if isinstance(entry, str) else next(iter(entry), None) for entry in result if isinstance(entry, (str, dict))}
    result += [name for name in REQUIRED_EXTENSIONS if name not in names]
    return result


# Our search replaces the engines' (SPEC §5); `offline` only served Material's search from
# file:// and would add a script from a CDN (iframe-worker) to every page.
DROPPED_PLUGINS = {
    "search": "mkdocs.yml 的 search 插件已停用：站点使用 jianbao 自带的中文全文搜索，可从 plugins 中删去 search",
    "material/search": "mkdocs.yml 的 search 插件已停用：站点使用 jianbao 自带的中文全文搜索，可从 plugins 中删去 search",
    "offline": "mkdocs.yml 的 offline 插件已停用：jianbao build --offline 生成的站点不需要它（搜索从 file:// 也能用），可从 plugins 中删去 offline",
    "material/offline": "mkdocs.yml 的 offline 插件已停用：jianbao build --offline 生成的站点不需要它（搜索从 file:// 也能用），可从 plugins 中删去 offline",
}
# Both engines turn their own search on unless told: Zensical even when no plugin is listed.
SEARCH_OFF = {"search": {"enabled": False}}


def _plugins(plugins: Any, lines: list[str], notes: list[tuple[int, str]]) -> list[Any]:
    """Only Material's built-in plugins, without the engine's search (ours replaces it)."""
    if isinstance(plugins, dict):  # MkDocs also takes a mapping of name: options
        plugins = [{name: options} if options else name for name, options in plugins.items()]
    result: list[Any] = []
    for entry in plugins or []:
        name = entry if isinstance(entry, str) else next(iter(entry), "")
        if name in DROPPED_PLUGINS:
            notes.append((_line_of(lines, name), DROPPED_PLUGINS[name]))
            continue
        result.append(entry)
    return result + [SEARCH_OFF]


def _source_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], plugin: str) -> int:
    """The line of mkdocs.yml that lists a plugin (1 when it cannot be told)."""
    pattern = re.compile(rf"^\s*-?\s*['\"]?{re.escape(plugin)}['\"]?\s*:?\s*(#.*)?$")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return number
    return 1


def write_mkdocs_config(settings: Settings, site_dir: Path, notes: list[tuple[int, str]] | None = None) -> Path:
    """Write build/mkdocs.yml for this build and return its path (notes: as build_config)."""
    path = settings.build_dir / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# 由 jianbao build 生成，请勿手工修改；请改项目根目录的 mkdocs.yml\n")
        yaml.dump(build_config(settings, site_dir, notes), handle)
    return path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, *, strict: bool = False, dirty: bool = False) -> list[str]:
    """Build with MkDocs in this process; return its warnings.

    dirty: build over the site already there, only the pages whose Markdown is newer than
    their HTML (MkDocs' own dirty build); the search files are copied when they changed.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_file), strict=strict)
        mkdocs_build(config, dirty=dirty)
    except MkDocsException as exc:
        raise UsageError(f"MkDocs 构建失败：{exc}") from exc
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
    return handler.messages
