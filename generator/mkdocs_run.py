"""Run MkDocs on the generated Markdown with the project's mkdocs.yml.

The project's mkdocs.yml stays the user's file (theme, plugins, nav, extra);
the build writes build/mkdocs.yml from it with the paths the build needs, so
any engine that reads mkdocs.yml (MkDocs, Zensical) can build the same folder.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .config import Settings
from .errors import Report, UsageError
from .pages import default_templates
from .search import compact_search_index, read_search_docs
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


IFRAME_WORKER_SHIM = "assets/javascripts/iframe-worker-shim.js"
FILE_URL_SCRIPT = "assets/javascripts/file-url.js"


def find_iframe_worker(settings: Settings) -> Path:
    """The iframe-worker shim (npm package) that lets search run from file://."""
    for base in (settings.project, Path(__file__).resolve().parent.parent):
        shim = base / "node_modules" / "iframe-worker" / "shim" / "index.js"
        if shim.is_file():
            return shim
    raise UsageError("离线站点（--offline）需要 npm 包 iframe-worker 才能在 file:// 下搜索：请在项目目录运行 npm install（见 package.json）")


def build_config(settings: Settings, site_dir: Path) -> dict[str, Any]:
    """The config MkDocs runs with: the project's, plus our paths and requirements."""
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
    config["plugins"] = _plugins(config.get("plugins"), settings)
    config["markdown_extensions"] = _extensions(config.get("markdown_extensions"))
    if not settings.offline:  # opened from a file anyway: links get their index.html, a note says to use --offline
        config["extra_javascript"] = [*(config.get("extra_javascript") or []), FILE_URL_SCRIPT]
    if settings.offline:
        # Material's offline plugin would load this shim from a CDN; ours is a local copy.
        extra = config.setdefault("extra", {})
        extra["polyfills"] = [IFRAME_WORKER_SHIM]
    return config


REQUIRED_EXTENSIONS = ("attr_list", "toc")  # generated pages: headings with ids ({ #s1 }), links to them


def _extensions(extensions: Any) -> list[Any]:
    """The project's Markdown extensions, plus those the generated pages need."""
    if isinstance(extensions, dict):  # MkDocs also takes a mapping of name: options
        extensions = [{name: options} if options else name for name, options in extensions.items()]
    result = list(extensions or [])
    names = {entry if isinstance(entry, str) else next(iter(entry), None) for entry in result if isinstance(entry, (str, dict))}
    result += [name for name in REQUIRED_EXTENSIONS if name not in names]
    return result


def _plugins(plugins: Any, settings: Settings) -> list[Any]:
    """Only Material's built-in plugins; search gets jieba and our dictionary."""
    result: list[Any] = []
    names = []
    for entry in plugins or ["search"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        options = dict(options or {})
        names.append(name)
        if name == "search":
            options.setdefault("lang", ["zh"])
            userdict = settings.templates_dir / "search" / "userdict.txt"
            if not userdict.is_file():
                userdict = default_templates() / "search" / "userdict.txt"
            if userdict.is_file():
                options["jieba_dict_user"] = str(userdict)
        result.append({name: options} if options else name)
    if settings.offline and "offline" not in names:
        result.append("offline")
    return result


def write_mkdocs_config(settings: Settings, site_dir: Path) -> Path:
    """Write build/mkdocs.yml for this build and return its path."""
    path = settings.build_dir / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    with path.open("w", encoding="utf-8") as handle:
        handle.write("# 由 jianbao build 生成，请勿手工修改；请改项目根目录的 mkdocs.yml\n")
        yaml.dump(build_config(settings, site_dir), handle)
    return path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_JIEBA_PRISTINE: tuple[dict[str, int], int] | None = None


def _quiet_jieba(cache_dir: Path) -> None:
    """jieba logs to stderr and caches in /tmp: keep it quiet and inside build/; start each build afresh.

    Material loads the user dictionary into jieba's global tokenizer on every build, and
    each load adds the words' frequencies to the total again: a second build in one
    process (`jianbao serve`, a test run) would segment, and index, differently.
    """
    global _JIEBA_PRISTINE
    import jieba

    jieba.setLogLevel(logging.WARNING)
    cache_dir.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache_dir)
    if _JIEBA_PRISTINE is None:  # the main dictionary alone, whatever was loaded into jieba.dt so far
        fresh = jieba.Tokenizer(jieba.dt.dictionary)
        fresh.tmp_dir = str(cache_dir)
        fresh.initialize()
        _JIEBA_PRISTINE = (fresh.FREQ, fresh.total)
    jieba.dt.check_initialized()
    jieba.dt.FREQ, jieba.dt.total = dict(_JIEBA_PRISTINE[0]), _JIEBA_PRISTINE[1]


def run_mkdocs(config_file: Path, *, strict: bool = False, dirty: bool = False) -> list[str]:
    """Build with MkDocs in this process; return its warnings.

    dirty: build over the site already there, only the pages whose Markdown is newer than
    their HTML (MkDocs' own dirty build); the search index keeps the other pages' entries.
    """
    _quiet_jieba(config_file.parent / "cache")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_file), strict=strict)
        site_dir = Path(config.site_dir)
        indexed = read_search_docs(site_dir) if dirty else None
        mkdocs_build(config, dirty=dirty)
        compact_search_index(site_dir, config_file.parent / "cache", previous=indexed)
    except MkDocsException as exc:
        raise UsageError(f"MkDocs 构建失败：{exc}") from exc
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous
    # A dirty build is what `jianbao serve` asked for: MkDocs' English caution about it is no problem to report.
    return [m for m in handler.messages if not (dirty and m.startswith(DIRTY_CAUTION))]


DIRTY_CAUTION = "A 'dirty' build is being performed"
