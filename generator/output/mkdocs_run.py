"""Run MkDocs on the generated Markdown with the project's mkdocs.yml.

The project's mkdocs.yml stays the user's file (theme, plugins, nav, extra);
the build writes build/mkdocs.yml from it with the paths the build needs, so
any engine that reads mkdocs.yml (MkDocs, Zensical) can build the same folder.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.config import Settings
from generator.errors import UsageError
from generator.output.mkdocs_config import DROPPED_PLUGINS, REQUIRED_EXTENSIONS
from generator.site.search import SEARCH_SCRIPT, SEARCH_STYLES
from generator.site.templates_dir import default_templates

def build_config(settings: Settings, project_config: dict[str, Any], site_dir: Path) -> dict[str, Any]:
    """The config MkDocs runs with: the project's (read and checked by mkdocs_config), plus our paths and requirements."""
    config = copy.deepcopy(project_config)
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
    config["plugins"] = _plugins(config.get("plugins"))
    config["markdown_extensions"] = _extensions(config.get("markdown_extensions"))
    config["extra_javascript"] = _with(config.get("extra_javascript"), SEARCH_SCRIPT)
    config["extra_css"] = _with(config.get("extra_css"), SEARCH_STYLES)
    if not settings.offline:  # opened from a file anyway: links get their index.html, a note says to use --offline
        config["extra_javascript"] = [*config["extra_javascript"], FILE_URL_SCRIPT]
    return config


def _with(entries: Any, path: str) -> list[Any]:
    result = list(entries or [])
    return result if path in result else result + [path]




def _extensions(extensions: Any) -> list[Any]:
    """The project's Markdown extensions, plus those the generated pages need."""
    if isinstance(extensions, dict):  # MkDocs also takes a mapping of name: options
        extensions = [{name: options} if options else name for name, options in extensions.items()]
    result = list(extensions or [])
    names = {entry if isinstance(entry, str) else next(iter(entry), None) for entry in result if isinstance(entry, (str, dict))}
    result += [name for name in REQUIRED_EXTENSIONS if name not in names]
    return result


# Both engines turn their own search on unless told: Zensical even when no plugin is listed.
SEARCH_OFF = {"search": {"enabled": False}}
FILE_URL_SCRIPT = "assets/javascripts/file-url.js"  # a plain build opened from a file: says to use --offline


def _plugins(plugins: Any) -> list[Any]:
    """Only Material's built-in plugins, without the engine's search (ours replaces it; mkdocs_config says so)."""
    if isinstance(plugins, dict):  # MkDocs also takes a mapping of name: options
        plugins = [{name: options} if options else name for name, options in plugins.items()]
    result: list[Any] = []
    for entry in plugins or []:
        name = entry if isinstance(entry, str) else next(iter(entry), "")
        if name not in DROPPED_PLUGINS:
            result.append(entry)
    return result + [SEARCH_OFF]


def write_mkdocs_config(settings: Settings, project_config: dict[str, Any], site_dir: Path) -> Path:
    """Write build/mkdocs.yml for this build and return its path."""
    path = settings.build_dir / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# 由 jianbao build 生成，请勿手工修改；请改项目根目录的 mkdocs.yml\n")
        yaml.dump(build_config(settings, project_config, site_dir), handle)
    return path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, *, strict: bool = False, dirty: bool = False, source_date_epoch: int | None = None) -> list[str]:
    """Build with MkDocs in this process; return its warnings.

    dirty: build over the site already there, only the pages whose Markdown is newer than
    their HTML (MkDocs' own dirty build); the search files are copied when they changed.
    """
    with _mkdocs_environment(source_date_epoch):
        return _run_mkdocs(config_file, strict=strict, dirty=dirty)


@contextmanager
def _mkdocs_environment(source_date_epoch: int | None) -> Iterator[None]:
    """MkDocs reads SOURCE_DATE_EPOCH (and its 2.0 notice switch) only from the process environment:
    set them for the in-process run and restore them afterwards, whatever happens."""
    wanted = {"NO_MKDOCS_2_WARNING": "1"}
    if source_date_epoch is not None:
        wanted["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
    before = {name: os.environ.get(name) for name in wanted}
    try:
        os.environ.update(wanted)
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_mkdocs(config_file: Path, *, strict: bool, dirty: bool) -> list[str]:
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
    # A dirty build is what `jianbao serve` asked for: MkDocs' English caution about it is no problem to report.
    return [m for m in handler.messages if not (dirty and m.startswith(DIRTY_CAUTION))]


DIRTY_CAUTION = "A 'dirty' build is being performed"
