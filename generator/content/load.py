"""Load content/ into typed models, reporting every problem with its position."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.buildcache import BuildCache, Memo
from generator.errors import Report
from generator.content.models import Case, DevModel, Issue, Series
from generator.content.yamlcache import YamlCache
from generator.content.yamlsrc import Document, Loc, Positions, full_width_colon_message, full_width_key, parse_yaml, read_text

M = TypeVar("M", bound=BaseModel)


@dataclass
class Doc(Generic[M]):
    """A validated model with the file it came from and the positions of its values."""

    model: M
    path: str
    where: Positions
    data: Any = None
    # The file has errors: model holds only its valid fields (None for the others, None for
    # list items that are not valid), so the cross-file checks still report their problems
    # in the same run. A partial Doc never reaches the site: its errors stop the build.
    partial: bool = False

    def at(self, *loc: str | int, key: bool = False) -> tuple[int, int]:
        return self.where.at(tuple(loc), key=key)


@dataclass
class Page:
    """A hand-written Markdown page from content/pages/."""

    name: str
    path: str
    text: str

    @property
    def title(self) -> str:
        for line in self.text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return self.name


@dataclass
class Project:
    """Everything under content/, loaded."""

    root: Path
    series: list[Doc[Series]] = field(default_factory=list)
    issues: list[Doc[Issue]] = field(default_factory=list)
    cases: list[Doc[Case]] = field(default_factory=list)
    models: list[Doc[DevModel]] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    # Texts (path, loc, text) for the checks that read every text field.
    documents: list[Document] = field(default_factory=list)
    # Parsed files by content hash (yamlcache.py); save_cache() writes the new ones.
    cache: YamlCache = field(default_factory=YamlCache, repr=False)
    # Models validated by earlier builds of this process, by document digest (BuildCache.models).
    validated: Memo[tuple, Any] = field(default_factory=lambda: Memo(20_000), repr=False)

    def save_cache(self) -> None:
        """Keep what was parsed for the next build (call once the build is sure to succeed)."""
        self.cache.save()


def shown_path(path: Path, root: Path) -> str:
    """The path as users see it in messages: relative to the project, with /."""
    text, prefix = str(path), str(root).rstrip("/") + "/"
    if text.startswith(prefix) and "/.." not in text and "/./" not in text:
        return text[len(prefix):]  # scale: what relative_to gives, without pathlib (thousands of files)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_project(root: Path, report: Report, cache_dir: Path | None = None, cache: BuildCache | None = None) -> Project:
    """Load every content file under root/content; problems go to report.

    With cache_dir, files parsed by an earlier build are taken from its cache (yamlcache.py);
    with cache, what earlier builds of this process parsed and validated is reused.
    """
    cache = cache if cache is not None else BuildCache()
    project = Project(root=root, cache=YamlCache(cache_dir, cache.documents), validated=cache.models)
    content = root / "content"
    if not content.is_dir():
        report.error("content", 1, 1, "找不到 content/ 目录（用 --project 指定项目目录）")
        return project
    project.series = _load_series(content / "series.yml", root, report, project)
    # content/briefings/<year>/<NNN>.yml and content/briefings/<series>/<year>/<NNN>.yml (SPEC §3.2)
    for path in _yaml_files(content / "briefings", root, report, depth=2) + _yaml_files(content / "briefings", root, report, depth=3):
        doc = _load_one(path, root, report, Issue, project)
        if doc:
            project.issues.append(doc)
    for kind, folder, target in (("case", "cases", project.cases), ("model", "models", project.models)):
        model_type = Case if kind == "case" else DevModel
        for path in _yaml_files(content / folder, root, report, depth=1):
            doc = _load_one(path, root, report, model_type, project)
            if doc:
                _check_file_name(doc, path, report)
                target.append(doc)
    project.pages = _load_pages(content / "pages", root, report)
    _report_stray_files(content, root, report)
    return project


def _yaml_files(folder: Path, root: Path, report: Report, depth: int) -> list[Path]:
    if not folder.is_dir():
        return []
    pattern = "/".join("*" * depth)
    files = []
    for path in sorted(folder.glob(pattern), key=lambda p: p.parts):  # scale: pathlib's order, faster
        if path.is_symlink():
            report.error(shown_path(path, root), 1, 1, "不接受符号链接，请放入真实文件")
        elif path.suffix == ".yaml":
            report.error(shown_path(path, root), 1, 1, "扩展名应为 .yml")
        elif path.suffix == ".yml" and path.is_file():
            files.append(path)
    return files


def _report_stray_files(content: Path, root: Path, report: Report) -> None:
    """Files jianbao would not read: warn so nothing is lost silently."""
    known = {"series.yml", "briefings", "cases", "models", "pages"}
    for path in sorted(content.iterdir()):
        if path.name not in known and not path.name.startswith("."):
            report.warning(shown_path(path, root), 1, 1, "content/ 下的这个文件或目录不会被读取")


def _load_series(path: Path, root: Path, report: Report, project: Project) -> list[Doc[Series]]:
    shown = shown_path(path, root)
    if not path.is_file():
        report.error(shown, 1, 1, "缺少 content/series.yml（简报系列定义）")
        return []
    document = project.cache.load(path, shown, report)
    if document is None:
        return []
    project.documents.append(document)
    return _series_docs(document, shown, report, project)


def _series_docs(document: Document, shown: str, report: Report, project: Project) -> list[Doc[Series]]:
    if not isinstance(document.data, list):
        line, column = document.where.at(())
        report.error(shown, line, column, "series.yml 应为列表，每项是一个简报系列")
        return []
    result = []
    for index, item in enumerate(document.data):
        model = validate_model(Series, item, document, report, prefix=(index,), memo=project.validated)
        if model:
            result.append(Doc(model, shown, document.where, item))
    return result


def _load_one(path: Path, root: Path, report: Report, model_type: type[M], project: Project) -> Doc[M] | None:
    shown = shown_path(path, root)
    document = project.cache.load(path, shown, report)
    if document is None:
        return None
    project.documents.append(document)
    return _doc_of(document, shown, report, model_type, project)


def _doc_of(document: Document, shown: str, report: Report, model_type: type[M], project: Project) -> Doc[M] | None:
    if not isinstance(document.data, dict):
        line, column = document.where.at(())
        key = full_width_key(document.data) if isinstance(document.data, str) else None
        if key:  # the whole file is one `key：value` line
            report.error(shown, line, column + document.data.index("："), full_width_colon_message(key))
        else:
            report.error(shown, line, column, "文件应为映射（键: 值），请参考 jianbao new 生成的模板")
        return None
    model = validate_model(model_type, document.data, document, report, memo=project.validated)
    if model is not None:
        return Doc(model, shown, document.where, document.data)
    partial = partial_model(model_type, document.data)
    return Doc(partial, shown, document.where, document.data, partial=True) if partial is not None else None


def _check_file_name(doc: Doc, path: Path, report: Report) -> None:
    if doc.model.id != path.stem:
        line, column = doc.at("id")
        report.error(doc.path, line, column, f"id“{doc.model.id}”与文件名“{path.name}”不一致，文件应命名为 {doc.model.id}.yml")


KINDS: dict[str, type[BaseModel]] = {"issue": Issue, "case": Case, "model": DevModel}


def with_file(project: Project, kind: str, shown: str, text: str, report: Report) -> Project:
    """A copy of project in which one content file (series, issue, case or model) holds text.

    The text is parsed and validated as load_project would; the other files are the project's,
    so the cross-file checks (validate_project) can run on the copy without reading the disk.
    """
    documents = [document for document in project.documents if document.path != shown]
    copy = replace(project, documents=documents, series=list(project.series), issues=list(project.issues),
                   cases=list(project.cases), models=list(project.models))
    document = parse_yaml(text, shown, report)
    if document is not None:
        documents.append(document)
    if kind == "series":
        copy.series = _series_docs(document, shown, report, copy) if document is not None else []
        return copy
    target = {"issue": copy.issues, "case": copy.cases, "model": copy.models}[kind]
    target[:] = [doc for doc in target if doc.path != shown]
    doc = _doc_of(document, shown, report, KINDS[kind], copy) if document is not None else None
    if doc is not None:
        if kind != "issue":
            _check_file_name(doc, Path(shown), report)
        target.append(doc)
    return copy


def _load_pages(folder: Path, root: Path, report: Report) -> list[Page]:
    pages = []
    if not folder.is_dir():
        return pages
    for path in sorted(folder.glob("*.md")):
        shown = shown_path(path, root)
        text = read_text(path, shown, report)
        if text is not None:
            pages.append(Page(path.stem, shown, text))
    return pages


# ---------------------------------------------------------------- validation errors

@functools.cache
def _adapter(model_type: type[M]) -> TypeAdapter[M]:
    return TypeAdapter(model_type)


def validate_model(model_type: type[M], data: Any, document: Document, report: Report, prefix: Loc = (),
                   memo: Memo[tuple, Any] | None = None) -> M | None:
    """Validate plain data against a model; report every error at its position.

    memo: models validated by earlier builds, by the document's digest (a document parsed from
    the same bytes validates to the same model; only documents without problems have a digest).
    """
    key = (document.digest, model_type, prefix)
    known = memo.get(key) if memo is not None and document.digest else None
    if known is not None:
        return known
    model = _validate_model(model_type, data, document, report, prefix)
    if model is not None and memo is not None and document.digest:
        memo.put(key, model)
    return model


def _validate_model(model_type: type[M], data: Any, document: Document, report: Report, prefix: Loc = ()) -> M | None:
    try:
        return _adapter(model_type).validate_python(data)
    except ValidationError as exc:
        found: dict[tuple[Loc, bool], list[str]] = {}
        errors = exc.errors(include_url=False)
        # `label：发` in a flow mapping is the key "label：发": one mistake, not also a missing "label".
        typed_wide = {(*loc[:-1], full_width_key(str(loc[-1]))) for loc in (tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden")
                      if loc and full_width_key(str(loc[-1]))}
        for error in errors:
            if error["type"] == "missing" and tuple(error["loc"]) in typed_wide:
                continue
            loc = (*prefix, *_data_loc(data, tuple(error["loc"])))
            found.setdefault((loc, error["type"] == "extra_forbidden"), []).append(describe_error(error, loc, model_type))
        for (loc, is_key), messages in found.items():
            line, column = document.where.at(loc, key=is_key)
            wide = _wide_colon_offset(loc, is_key, document)
            report.error(document.path, line, column + wide, _one_message(messages))
        return None


def _wide_colon_offset(loc: Loc, is_key: bool, document: Document) -> int:
    """How far into a `key：value` text its full-width colon stands (0 for any other problem)."""
    if is_key:
        text = str(loc[-1]) if loc else ""
    else:
        text = _value_at(document.data, loc)
    if not isinstance(text, str) or not full_width_key(text) or loc in document.where.quoted:
        return 0
    return text.index("：")


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


_EXPECTED = re.compile(r"^(“[^”]*”)应为(.+)，实际为(.+)$")


def _one_message(messages: list[str]) -> str:
    """The branches of a union (a number or "*") as one sentence: «应为数字，或以下之一：*、＊»."""
    if len(messages) == 1:
        return messages[0]
    parts = [_EXPECTED.match(message) for message in messages]
    if all(parts):
        expected = "，或".join(dict.fromkeys(part.group(2) for part in parts))
        return f"{parts[0].group(1)}应为{expected}，实际为{parts[0].group(3)}"
    return "；".join(dict.fromkeys(messages))


# What a partial model must have for the cross-file checks to make sense of it.
_KEY_FIELDS: dict[type, tuple[str, ...]] = {Issue: ("series", "year", "number", "kind"), Case: ("id",), DevModel: ("id",)}


def partial_model(model_type: type[M], data: Any) -> M | None:
    """The valid fields of data as a model (others None), or None without its key fields.

    Each top-level field is validated on its own, and each item of a list field: one bad
    value does not hide the problems the other fields would show in the cross-file checks.
    """
    keys = _KEY_FIELDS.get(model_type)
    if keys is None or not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for name, info in model_type.model_fields.items():
        if name not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        value = _valid_field(model_type, name, data[name])
        if value is not _INVALID:
            values[name] = value
    if any(name not in values for name in keys):
        return None
    for name in model_type.model_fields:
        values.setdefault(name, None)
    return model_type.model_construct(**values)


_INVALID = object()


def _valid_field(model_type: type[BaseModel], name: str, raw: Any) -> Any:
    try:
        return _field_adapter(model_type, name, False).validate_python(raw)
    except ValidationError:
        pass
    if not isinstance(raw, list) or get_origin(model_type.model_fields[name].annotation) is not list:
        return _INVALID
    items = []
    for item in raw:
        try:
            items.append(_field_adapter(model_type, name, True).validate_python(item))
        except ValidationError:
            items.append(None)
    return items


@functools.cache
def _field_adapter(model_type: type[BaseModel], name: str, item: bool) -> TypeAdapter:
    info = model_type.model_fields[name]
    if item:
        return TypeAdapter(get_args(info.annotation)[0])
    return TypeAdapter(Annotated[info.annotation, info])


def _data_loc(data: Any, loc: tuple) -> Loc:
    """Drop union tags from a pydantic loc, keeping only real keys and indexes."""
    result: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and part in current:
            result.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            result.append(part)
            current = current[part]
        elif last and isinstance(current, dict):
            result.append(part)
    return tuple(result)


_TYPE_NAMES = {
    "string_type": "文本",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "float_type": "数字",
    "float_parsing": "数字",
    "bool_type": " true 或 false",
    "bool_parsing": " true 或 false",
    "date_type": "日期（如 2023-03-31）",
    "date_parsing": "日期（如 2023-03-31）",
    "date_from_datetime_parsing": "日期（如 2023-03-31）",
    "date_from_datetime_inexact": "日期（如 2023-03-31），不带时间",
    "list_type": "列表",
    "dict_type": "映射（键: 值）",
    "model_type": "映射（键: 值）",
    "model_attributes_type": "映射（键: 值）",
}


def describe_error(error: dict[str, Any], loc: Loc, model_type: type[BaseModel]) -> str:
    """One pydantic error → one Chinese sentence."""
    kind = error["type"]
    name = _field_name(loc)
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"缺少必填字段“{name}”"
    if kind == "extra_forbidden" and full_width_key(name):
        return full_width_colon_message(full_width_key(name) or "")
    if kind == "extra_forbidden":
        hint = _suggest(name, loc, model_type)
        return f"未知字段“{name}”" + (f"，是否应为“{hint}”？" if hint else "")
    if kind in ("dict_type", "model_type", "model_attributes_type") and isinstance(value, str) and full_width_key(value):
        return full_width_colon_message(full_width_key(value) or "")
    if kind in _TYPE_NAMES:
        return f"“{name}”应为{_TYPE_NAMES[kind]}，实际为{_show(value)}"
    if kind == "literal_error":
        expected = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected", "")))) or ctx.get("expected", "")
        return f"“{name}”应为以下之一：{expected}，实际为{_show(value)}"
    if kind == "string_too_long":
        return f"“{name}”最长 {ctx.get('max_length')} 个字，实际为{_show(value)}（{len(value) if isinstance(value, str) else '?'} 个字）"
    if kind == "string_pattern_mismatch":
        return f"“{name}”的值{_show(value)}不是合法的标识：只能用小写字母、数字和连字符（-），以字母或数字开头，最长 63 个字符"
    if kind == "string_too_short":
        return f"“{name}”不能为空"
    if kind == "too_short":
        return f"“{name}”至少需要 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"“{name}”最多 {ctx.get('max_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"“{name}”不能小于 {ctx.get('ge', ctx.get('gt'))}，实际为{_show(value)}"
    if kind in ("less_than_equal", "less_than"):
        return f"“{name}”不能大于 {ctx.get('le', ctx.get('lt'))}，实际为{_show(value)}"
    if kind == "value_error":
        return f"“{name}”：{error['msg'].removeprefix('Value error, ')}"
    return f"“{name}”的值不正确：{error['msg']}"


def _field_name(loc: Loc) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else "（文件）"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value[:40]}”"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "空值"
    return f"“{value}”"


def _suggest(name: str, loc: Loc, model_type: type[BaseModel]) -> str | None:
    fields = _fields_at(model_type, loc[:-1])
    matches = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _fields_at(model_type: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the (nested) models at loc, for typo suggestions."""
    from generator.content.schema import models_in

    current = [model_type]
    for part in loc:
        if isinstance(part, int):
            continue
        current = [inner for model in current if part in model.model_fields for inner in models_in(model.model_fields[part].annotation)]
    return sorted({name for model in current for name in model.model_fields})
