"""Indicator definitions: data/indicators.yml read and checked into typed, declarative definitions (SPEC §4.3)."""

from __future__ import annotations

import operator
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from generator.errors import Problem, Report, relative_label
from generator.content.models import INDICATOR_PATTERN
from generator.data.model_errors import validation_problems
from generator.content.yamlsrc import Document, load_yaml, parse_yaml

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache

LEVELS = ("省", "市", "县", "乡镇")
REGION_COLUMNS = ("province", "city", "county", "township")
UNIT_BY_KIND = {
    "count": "个", "share": "%", "sum": "万元", "mean": "万元", "median": "万元",
    "eliminated_rate": "%", "relapsed": "个",
}
INDICATOR_ID = re.compile(INDICATOR_PATTERN.strip("^$"))
OUTPUT_COLUMNS = ["region", "level", "year", "indicator", "value", "unit"]
PUBLISHED_FIELDS = ("region", "year", "indicator", "value", "source")
PUBLISHED_COLUMNS = [*PUBLISHED_FIELDS, "file", "line", "column", "decimals"]
OPS = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le}


# ---------------------------------------------------------------- definitions


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Leaf(_Strict):
    """A threshold on one column, e.g. income >= 20 (万元)."""

    column: Literal["income", "operating", "year"]
    op: Literal[">=", ">", "<", "<="]
    value: float


class AllOf(_Strict):
    """Every condition holds."""

    conditions: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Strict):
    """At least one condition holds."""

    conditions: list[Condition] = Field(alias="any", min_length=1)


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {Leaf: "leaf", AllOf: "all", AnyOf: "any"}.get(type(value))
    if not isinstance(value, dict):
        return None
    if "all" in value:
        return "all"
    if "any" in value:
        return "any"
    return "leaf" if {"column", "op", "value"} & value.keys() else None


Condition = Annotated[
    Union[Annotated[Leaf, Tag("leaf")], Annotated[AllOf, Tag("all")], Annotated[AnyOf, Tag("any")]],
    Discriminator(
        _condition_tag,
        custom_error_type="condition_invalid",
        custom_error_message="条件应为 {all: [...]}、{any: [...]} 或 {column: ..., op: ..., value: ...}",
    ),
]


class _Definition(_Strict):
    name: str = Field(min_length=1)
    unit: Literal["%", "个", "万元"]
    description: str = ""


class Selection(_Definition):
    """count / share of villages meeting a condition."""

    kind: Literal["count", "share"]
    where: Condition | None = None  # none: every village (a plain count)


class Aggregate(_Definition):
    """sum / mean / median of a column (万元)."""

    kind: Literal["sum", "mean", "median"]
    column: Literal["income", "operating"]


class Transition(_Definition):
    """Year-over-year change of the `weak` condition over the village panel."""

    kind: Literal["eliminated_rate", "relapsed"]
    weak: str


Indicator = Annotated[Union[Selection, Aggregate, Transition], Field(discriminator="kind")]


class IndicatorConfig(_Strict):
    """The whole of data/indicators.yml."""

    default_province: str = Field(min_length=1)
    indicators: dict[str, Indicator] = Field(min_length=1)


AllOf.model_rebuild()
AnyOf.model_rebuild()


def validate_definitions(config: IndicatorConfig, document: Document) -> list[Problem]:
    """Checks across fields: id spelling, unit of each kind, `weak` references."""
    report = Report()
    label, at = document.path, document.where.at
    for ident, definition in config.indicators.items():
        here = ("indicators", ident)
        if not INDICATOR_ID.fullmatch(ident):
            report.error(label, *at(here, key=True),
                         f"指标编号“{ident}”只能由小写字母、数字和下划线组成，并以字母开头")
        expected = UNIT_BY_KIND[definition.kind]
        if definition.unit != expected:
            report.error(label, *at((*here, "unit")),
                         f"{definition.kind} 类指标的单位应为“{expected}”，实际为“{definition.unit}”")
        if definition.kind == "share" and isinstance(definition, Selection) and definition.where is None:
            report.error(label, *at(here), f"share 类指标“{ident}”需要“where”条件")
        if isinstance(definition, Transition):
            target = config.indicators.get(definition.weak)
            if target is None:
                report.error(label, *at((*here, "weak")), f"“weak”引用的指标“{definition.weak}”不存在")
            elif not isinstance(target, Selection):
                report.error(label, *at((*here, "weak")),
                             f"“weak”应引用 count 或 share 类指标，“{definition.weak}”是 {target.kind} 类")
    return report.problems


def validate_indicators(document: Document | None, report: Report) -> IndicatorConfig | None:
    """The typed definitions of a loaded data/indicators.yml, or None with the problems reported."""
    if document is None:
        return None
    if not isinstance(document.data, dict):
        report.error(document.path, 1, 1, "应为映射，包含 default_province 和 indicators")
        return None
    try:
        config = IndicatorConfig.model_validate(document.data)
    except ValidationError as exc:
        report.extend(validation_problems(exc, document))
        return None
    problems = validate_definitions(config, document)
    report.extend(problems)
    return None if problems else config


def parse_indicators(text: str, label: str) -> tuple[IndicatorConfig | None, Report]:
    """Indicator definitions from YAML text; every problem placed at its node."""
    report = Report()
    return validate_indicators(parse_yaml(text, label, report), report), report


def load_indicators(path: Path, root: Path, documents: YamlCache | None = None) -> tuple[IndicatorConfig | None, Report]:
    """Read data/indicators.yml; documents: the project's parsed-file cache (a warm build does not parse it again)."""
    report = Report()
    shown = relative_label(path, root)
    document = documents.load(path, shown, report) if documents is not None else load_yaml(path, shown, report)
    return validate_indicators(document, report), report
