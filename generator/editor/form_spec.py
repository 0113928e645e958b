"""The editor's form of each content kind, read from the pydantic models (one source of truth).

Each model field becomes a Node: its input kind from the field's type, its label and help
text from the field's description (the same text as the JSON Schema and the README's field
reference), pickers from the kind of value (a case id, a model id, a region path, an
indicator). Nothing here knows a particular field by name except the few pickers whose
meaning a type cannot carry (a region is a plain string).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.content.models import ID_PATTERN, INDICATOR_PATTERN, CaseArticle, Case, DevModel, Issue, Series, TextArticle

MARKDOWN = "text/markdown"
# Plain strings whose meaning the type does not carry: what the picker offers.
_NAMED_PICKERS = {"region": "region", "case": "case", "model": "model", "series": "series", "model_item": "model_item"}
_LONG_TEXT = {"summary"}  # one or two sentences, no Markdown: a text area all the same
_ARTICLE_KINDS = (("case", "引用典型案例", CaseArticle), ("text", "直接撰写正文", TextArticle))


@dataclass(frozen=True)
class Node:
    """One field of a form (or the whole form: an object node)."""

    kind: str  # object | list | union | text | markdown | longtext | int | number | figure | date | bool | choice | marks
    label: str = ""
    help: str = ""
    required: bool = False
    fields: tuple[tuple[str, Node], ...] = ()  # object: (YAML key, node) in the model's order
    item: Node | None = None  # list: what each item is
    variants: tuple[tuple[str, str, Node], ...] = ()  # union: (tag, label, object node)
    choices: tuple[tuple[str, str], ...] = ()  # choice: (value, label)
    picker: str | None = None  # case | model | region | indicator | series | model_item
    min_items: int = 0
    default: Any = None  # the model's default: left out of a file that does not have the key

    def field(self, key: str) -> Node | None:
        return next((node for name, node in self.fields if name == key), None)

    def variant(self, tag: str) -> Node | None:
        return next((node for name, _, node in self.variants if name == tag), None)


def label_of(description: str) -> str:
    """The short label of a field: its description up to the first colon or comma (可选： dropped)."""
    text = description.removeprefix("可选：")
    return re.split(r"[：，（(；,]", text, maxsplit=1)[0].strip() or text


def choices_of(values: tuple[str, ...], description: str) -> tuple[tuple[str, str], ...]:
    """Each Literal value with its Chinese name, read from the description (regular 正刊、supplement 增刊 …)."""
    named = []
    for value in values:
        match = re.search(rf"(?<![a-z]){re.escape(value)} ([^、，；,\s]+)", description)
        named.append((value, f"{match.group(1)}（{value}）" if match else value))
    return tuple(named)


@functools.cache
def form_of(kind: str) -> Node:
    """The form of one content kind: issue, case, model, series (a list of series)."""
    if kind == "series":
        return Node("list", label="简报系列", item=object_node(Series), min_items=1)
    return object_node({"issue": Issue, "case": Case, "model": DevModel}[kind])


@functools.cache
def object_node(model: type[BaseModel], label: str = "", help: str = "", required: bool = False, default: Any = None) -> Node:
    fields = tuple((name, field_node(name, info)) for name, info in model.model_fields.items())
    return Node("object", label=label, help=help, fields=_reading_order(fields))


def _reading_order(fields: tuple[tuple[str, Node], ...]) -> tuple[tuple[str, Node], ...]:
    """A body right after its title or heading, as it is read (a model may list it last for its checks)."""
    names = [name for name, _ in fields]
    if "body" not in names or not {"title", "heading"} & set(names):
        return fields
    body = fields[names.index("body")]
    rest = [item for item in fields if item[0] != "body"]
    at = next(i for i, (name, _) in enumerate(rest) if name in ("title", "heading")) + 1
    return tuple([*rest[:at], body, *rest[at:]])


def field_node(name: str, info: FieldInfo) -> Node:
    description = info.description or ""
    default = info.default if isinstance(info.default, (str, int, float, bool)) else None
    common = {"label": label_of(description) or name, "help": description, "required": info.is_required(), "default": default}
    markdown = _is_markdown(info)
    return _type_node(name, info.annotation, markdown, info.metadata, common)


def _type_node(name: str, annotation: Any, markdown: bool, metadata: list, common: dict) -> Node:
    annotation, inner_meta = _unwrap(annotation)
    metadata = [*metadata, *inner_meta]
    options, option_meta = _non_none(annotation)
    metadata = [*metadata, *option_meta]
    if len(options) > 1:
        return _union_node(name, options, common)
    (annotation,) = options
    origin = get_origin(annotation)
    if origin is list:
        (item,) = get_args(annotation)
        min_items = next((m.min_length for m in metadata if hasattr(m, "min_length")), 0) or 0
        item_node = _type_node(name, item, False, [], {"label": common["label"], "help": "", "required": True, "default": None})
        return Node("list", item=item_node, min_items=min_items, **common)
    if origin is Literal:
        return Node("choice", choices=choices_of(get_args(annotation), common["help"]), **common)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return object_node(annotation, common["label"], common["help"])
    if annotation is bool:
        return Node("bool", **common)
    if annotation is int:
        return Node("int", picker=_NAMED_PICKERS.get(name), **common)
    if annotation is float:
        return Node("number", **common)
    if annotation is dt.date:
        return Node("date", **common)
    return Node("markdown" if markdown else "longtext" if name in _LONG_TEXT else "text", picker=_picker(name, metadata), **common)


def _union_node(name: str, options: tuple, common: dict) -> Node:
    if any(isinstance(o, type) and issubclass(o, BaseModel) for o in options):  # an article: a case reference or a text
        variants = tuple((tag, label, object_node(model)) for tag, label, model in _ARTICLE_KINDS)
        return Node("union", variants=variants, **common)
    if str in options and any(get_origin(o) is list for o in options):  # classification: one marking or several
        return Node("marks", item=Node("text", label=common["label"], required=True), **common)
    return Node("figure", **common)  # a highlight's value: a number, or * for a redacted one


def _picker(name: str, metadata: list) -> str | None:
    pattern = next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)
    if pattern == INDICATOR_PATTERN:
        return "indicator"
    if pattern == ID_PATTERN and name not in _NAMED_PICKERS:
        return None  # the file's own id
    return _NAMED_PICKERS.get(name)


def _is_markdown(info: FieldInfo) -> bool:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if extra.get("contentMediaType") == MARKDOWN:
        return True
    for option in get_args(info.annotation):
        for meta in get_args(option)[1:] if get_origin(option) is Annotated else ():
            if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict) and meta.json_schema_extra.get("contentMediaType") == MARKDOWN:
                return True
    return False


def _unwrap(annotation: Any) -> tuple[Any, list]:
    """Annotated[T, FieldInfo…] → T and the constraints of those FieldInfos."""
    metadata: list = []
    while get_origin(annotation) is Annotated:
        args = get_args(annotation)
        annotation = args[0]
        for meta in args[1:]:
            metadata.extend(meta.metadata if isinstance(meta, FieldInfo) else [meta])
    return annotation, metadata


def _non_none(annotation: Any) -> tuple[tuple, list]:
    """The options of a union other than None, and the constraints they carry (IndicatorId | None)."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return (annotation,), []
    options, metadata = [], []
    for option in get_args(annotation):
        if option is not type(None):
            inner, meta = _unwrap(option)
            options.append(inner)
            metadata.extend(meta)
    return tuple(options), metadata
