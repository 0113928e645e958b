"""The project's mkdocs.yml, read safely and checked for what jianbao relies on (phase one: reads only).

The file stays the user's (theme, nav, extra …); jianbao needs Material as the theme,
decides the folders itself, adds the Markdown extensions its pages need and uses only
Material's built-in plugins. `jianbao check` reports each of these at its line; MkDocs'
own validation of everything else runs in `jianbao build`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import Report
from generator.site.templates_dir import default_templates
from generator.content.yamlsrc import load_yaml

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache

MKDOCS_YML = "mkdocs.yml"
REQUIRED_EXTENSIONS = ("attr_list", "toc")  # generated pages: headings with ids ({ #s1 }), links to them
# Plugins that come with mkdocs-material (and MkDocs' own search); nothing else is installed with jianbao.
MATERIAL_PLUGINS = frozenset({"blog", "group", "info", "meta", "offline", "optimize", "privacy", "projects",
                              "search", "social", "tags", "typeset"})
SET_BY_JIANBAO = ("docs_dir", "site_dir", "use_directory_urls")
# Our search replaces the engines' (SPEC §5); `offline` only served Material's search from
# file:// and would add a script from a CDN (iframe-worker) to every page.
_SEARCH_DROPPED = "mkdocs.yml 的 search 插件已停用：站点使用 jianbao 自带的中文全文搜索，可从 plugins 中删去 search"
_OFFLINE_DROPPED = ("mkdocs.yml 的 offline 插件已停用：jianbao build --offline 生成的站点不需要它（搜索从 file:// 也能用），"
                    "可从 plugins 中删去 offline")
DROPPED_PLUGINS = {"search": _SEARCH_DROPPED, "material/search": _SEARCH_DROPPED,
                   "offline": _OFFLINE_DROPPED, "material/offline": _OFFLINE_DROPPED}


def read_mkdocs_yml(path: Path, report: Report, shown: str = MKDOCS_YML, documents: YamlCache | None = None) -> tuple[dict[str, Any], Any]:
    """The project's mkdocs.yml as plain values (safe: no Python tags) and its positions; problems go to report.

    documents: the project's parsed-file cache (yamlcache.py): a warm build does not parse it again.
    """
    if not path.is_file():
        return {}, None
    document = documents.load(path, shown, report) if documents is not None else load_yaml(path, shown, report)
    if document is None:
        return {}, None
    if not isinstance(document.data, dict):
        report.error(shown, 1, 1, "mkdocs.yml 应为映射（键: 值），如 site_name: 乡村振兴简报")
        return {}, None
    return document.data, document.where


def check_mkdocs_yml(root: Path, report: Report, documents: YamlCache | None = None) -> dict[str, Any]:
    """Read mkdocs.yml and report, at its lines, what jianbao keeps, adds, ignores or cannot use."""
    config, where = read_mkdocs_yml(root / MKDOCS_YML, report, documents=documents)
    if where is None:
        return config

    def at(*loc: str | int) -> tuple[int, int]:
        return where.at(tuple(loc))

    theme = config.get("theme")
    name = theme.get("name") if isinstance(theme, dict) else theme
    if name not in (None, "material"):
        report.error(MKDOCS_YML, *at("theme", "name") if isinstance(theme, dict) else at("theme"),
                     f"主题“{name}”不受支持：jianbao 的页面按 Material 主题生成，请写 theme: {{name: material}}")
    if isinstance(theme, dict) and theme.get("font") not in (None, False):
        report.note(MKDOCS_YML, *at("theme", "font"), "theme.font 已改为 false：站点不加载任何外部字体")
    for key in SET_BY_JIANBAO:
        if key in config:
            report.note(MKDOCS_YML, *at(key), f"{key} 由 jianbao 设定，这里的值不起作用")
    plugins = config.get("plugins")
    if plugins is not None and not isinstance(plugins, (list, dict)):
        report.error(MKDOCS_YML, *at("plugins"), "plugins 应为列表，如 plugins: [tags]")
    for index, plugin in enumerate(_plugin_names(plugins)):
        loc = ("plugins", plugin) if isinstance(plugins, dict) else ("plugins", index)
        if plugin in DROPPED_PLUGINS:
            report.note(MKDOCS_YML, *where.at(loc, key=isinstance(plugins, dict)), DROPPED_PLUGINS[plugin])
        elif plugin.removeprefix("material/") not in MATERIAL_PLUGINS:
            report.error(MKDOCS_YML, *where.at(loc, key=isinstance(plugins, dict)),
                         f"插件“{plugin}”不是 Material 的内置插件：jianbao 只使用 Material 自带的插件（如 tags、offline）")
    extensions = config.get("markdown_extensions")
    if extensions is not None and not isinstance(extensions, (list, dict)):
        report.error(MKDOCS_YML, *at("markdown_extensions"), "markdown_extensions 应为列表，如 [attr_list, toc]")
    return config


def _plugin_names(plugins: Any) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    names = []
    for entry in plugins if isinstance(plugins, list) else []:
        names.append(str(entry if not isinstance(entry, dict) else next(iter(entry), "")))
    return names


def site_extra(config: dict[str, Any]) -> dict[str, Any]:
    """What the page templates read of mkdocs.yml: its `extra`, with site_name and site_url."""
    extra = dict(config.get("extra") or {}) if isinstance(config.get("extra"), dict) else {}
    extra.setdefault("site_name", config.get("site_name", "简报"))
    extra.setdefault("site_url", config.get("site_url") or "")
    return extra


def read_assets(project_templates: Path) -> dict[str, bytes]:
    """Our CSS/JS: the project's site_templates/assets over the shipped ones."""
    files: dict[str, bytes] = {}
    for base in (default_templates(), project_templates):
        assets = base / "assets"
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file():
                    files["assets/" + path.relative_to(assets).as_posix()] = path.read_bytes()
    return files
