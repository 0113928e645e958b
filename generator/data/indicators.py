"""Indicator definitions (data/indicators.yml), their computation, and published figures.

Rules the users rely on (to be quoted in the user docs):

* Every indicator is computed for every region at every level (省/市/县/乡镇) and
  every year that region has villages.
* Shares (``share``, ``eliminated_rate``) are percents rounded half up to one
  decimal on the exact fraction (1437 of 1942 → 74.0); counts are whole numbers;
  sums, means and medians are in 万元, rounded half up to two decimals.
* ``eliminated_rate`` and ``relapsed`` compare each village with itself a year
  earlier (key: 村代码 when present, else region path + name), grouped by the
  region the village is in this year. There is no row (not a zero) when a region
  has no village with a previous-year record, and no ``eliminated_rate`` row
  when it had no weak village the year before.
* A published figure agrees with the computed one when they differ by at most
  half a unit of the last decimal the publication wrote: published ``74`` allows
  ±0.5, ``8.9`` allows ±0.05. So 74 ~ 74.0, 98 ~ 97.99, 8.9 !~ 9.0.
"""

from __future__ import annotations

import functools
import operator
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, ValidationInfo, field_validator

from generator.errors import Problem, Report
from generator.content.models import INDICATOR_PATTERN, REDACTED
from generator.site.numbers import DECIMALS, format_number
from generator.data.model_errors import validation_problems
from generator.data.table_cells import decode_csv, parse_numbers, read_csv_cells, relative_label
from generator.data.tables import village_ids
from generator.content.yamlsrc import Document, load_yaml, parse_yaml

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


def load_indicators(path: Path, root: Path) -> tuple[IndicatorConfig | None, Report]:
    """Read data/indicators.yml."""
    report = Report()
    return validate_indicators(load_yaml(path, relative_label(path, root), report), report), report


# ---------------------------------------------------------------- computation


def evaluate_condition(condition: Leaf | AllOf | AnyOf | None, villages: pd.DataFrame) -> pd.Series:
    """Boolean mask of the villages meeting a condition (every village for none)."""
    if condition is None:
        return pd.Series(True, index=villages.index)
    if isinstance(condition, Leaf):
        return OPS[condition.op](villages[condition.column], condition.value)
    parts = [evaluate_condition(c, villages) for c in condition.conditions]
    return functools.reduce(operator.and_ if isinstance(condition, AllOf) else operator.or_, parts)


def compute_regions(villages: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per level (省, 市, 县, 乡镇): each village's region number and the `/`-joined path of each number."""
    levels = []
    ids = np.zeros(len(villages), dtype=np.int64)
    for depth, column in enumerate(REGION_COLUMNS):
        codes, _ = pd.factorize(villages[column])
        ids, _ = pd.factorize(ids * (codes.max() + 1) + codes)  # the pair (parent, name), numbered
        first = np.unique(ids, return_index=True)[1]  # a village of each region, by region number
        parts = villages[list(REGION_COLUMNS[: depth + 1])].iloc[first]
        names = parts.iloc[:, 0].astype(str).to_numpy(dtype=object)
        for k in range(1, depth + 1):
            names = names + "/" + parts.iloc[:, k].astype(str).to_numpy(dtype=object)
        levels.append((ids, names))
    return levels


def compute_previous(villages: pd.DataFrame, flag: pd.Series) -> pd.Series:
    """The flag of the same village a year earlier: 1.0, 0.0, or NaN when it has no record."""
    years = villages["year"].to_numpy(np.int64)
    # One integer per village-year, with a gap before each village's first possible year.
    span = years.max() - years.min() + 2
    key = village_ids(villages) * span + (years - years.min() + 1)
    index = pd.Index(key)
    if not index.is_unique:
        raise ValueError("villages has duplicate village-years; read_villages reports and drops them")
    position = index.get_indexer(key - 1)
    values = flag.astype(float).to_numpy()
    before = np.where(position >= 0, values[position], np.nan)
    return pd.Series(before, index=villages.index)


def compute_flags(config: IndicatorConfig, villages: pd.DataFrame) -> pd.DataFrame:
    """Per village-year 0/1 columns whose group sums give every count-like indicator."""
    flags: dict[str, pd.Series] = {}
    previous: dict[str, tuple[pd.Series, pd.Series]] = {}
    for ident, definition in config.indicators.items():
        if isinstance(definition, Selection):
            flags[ident] = evaluate_condition(definition.where, villages)
        elif isinstance(definition, Transition):
            if definition.weak not in previous:
                weak_definition = config.indicators[definition.weak]
                assert isinstance(weak_definition, Selection)
                weak = evaluate_condition(weak_definition.where, villages)
                previous[definition.weak] = (weak, compute_previous(villages, weak))
            weak, before = previous[definition.weak]
            matched, was_weak = before.notna(), before == 1.0
            if definition.kind == "eliminated_rate":
                numerator, denominator = matched & was_weak & ~weak, matched & was_weak
            else:
                numerator, denominator = matched & ~was_weak & weak, matched
            flags[f"{ident}/num"], flags[f"{ident}/den"] = numerator, denominator
    return pd.DataFrame(flags, index=villages.index).astype(np.int64)


def compute_percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 · num / den rounded half up to one decimal, exactly (integer arithmetic); NaN if den = 0."""
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    safe = np.where(den > 0, den, 1)
    tenths = (num * 2000 + safe) // (2 * safe)
    return np.where(den > 0, tenths / 10, np.nan)


def round_half_up(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round half up (22.495 → 22.50), ignoring binary noise far below the last decimal."""
    scaled = np.round(np.asarray(values, dtype=float) * 10**decimals, 6)
    return np.floor(scaled + 0.5) / 10**decimals + 0.0  # + 0.0 turns -0.0 into 0.0


def compute_level(config: IndicatorConfig, villages: pd.DataFrame, flags: pd.DataFrame,
                  region_ids: np.ndarray, region_names: np.ndarray, level: str) -> pd.DataFrame:
    """Every indicator for every (region, year) of one level, long format, sorted."""
    years = villages["year"].to_numpy(np.int64)
    # Number the (region, year) groups in output order: by region path, then year.
    rank = np.empty(len(region_names), dtype=np.int64)
    rank[np.argsort(region_names.astype(str), kind="stable")] = np.arange(len(region_names))
    group, keys = pd.factorize(rank[region_ids] * (years.max() + 1) + years, sort=True)
    n_groups = len(keys)
    count = {c: np.bincount(group, weights=flags[c].to_numpy(), minlength=n_groups) for c in flags.columns}
    size = np.bincount(group, minlength=n_groups)
    values = []
    for ident, definition in config.indicators.items():
        if definition.kind == "count":
            values.append(count[ident])
        elif definition.kind == "share":
            values.append(compute_percent(count[ident], size))
        elif isinstance(definition, Aggregate):
            aggregated = villages[definition.column].groupby(group).agg(definition.kind).to_numpy()
            values.append(round_half_up(aggregated, 2))
        elif definition.kind == "eliminated_rate":
            values.append(compute_percent(count[f"{ident}/num"], count[f"{ident}/den"]))
        else:
            values.append(np.where(count[f"{ident}/den"] > 0, count[f"{ident}/num"], np.nan))
    matrix = np.column_stack(values).astype(float)  # groups × indicators, in output order
    present = ~np.isnan(matrix.ravel())
    n_indicators = len(values)
    by_rank = region_names[np.argsort(rank)]
    return pd.DataFrame({
        "region": np.repeat(by_rank[keys // (years.max() + 1)], n_indicators)[present],
        "level": level,
        "year": np.repeat(keys % (years.max() + 1), n_indicators)[present],
        "indicator": np.tile(np.array(list(config.indicators), dtype=object), n_groups)[present],
        "value": matrix.ravel()[present],
        "unit": np.tile(np.array([d.unit for d in config.indicators.values()], dtype=object), n_groups)[present],
    })


def empty_indicators() -> pd.DataFrame:
    """The indicator frame with no rows, typed."""
    return pd.DataFrame({
        "region": pd.Series(dtype=str), "level": pd.Series(dtype=str),
        "year": pd.Series(dtype=np.int64), "indicator": pd.Series(dtype=str),
        "value": pd.Series(dtype=float), "unit": pd.Series(dtype=str),
    })


def compute_indicators(defs: IndicatorConfig, villages: pd.DataFrame) -> pd.DataFrame:
    """Every indicator for every region at every level and every year.

    Rows are ordered by level (省, 市, 县, 乡镇), region path, year, then the order
    of the definitions.
    """
    if villages.empty:
        return empty_indicators()
    villages = villages.reset_index(drop=True)
    flags = compute_flags(defs, villages)
    levels = [
        compute_level(defs, villages, flags, ids, names, level)
        for level, (ids, names) in zip(LEVELS, compute_regions(villages))
    ]
    frame = pd.concat(levels, ignore_index=True)
    return frame.astype({"region": str, "level": str, "year": np.int64, "indicator": str,
                         "value": float, "unit": str})[OUTPUT_COLUMNS]


def format_values(frame: pd.DataFrame) -> pd.Series:
    """Values as written: decimals by unit (% one, 个 none, 万元 two)."""
    if "unit" not in frame:
        return frame["value"].map(lambda v: format_number(v, running_text=False, as_written=True, grouping=False))
    text = pd.Series("", index=frame.index, dtype=object)
    for unit in DECIMALS:
        mask = frame["unit"] == unit
        text[mask] = frame.loc[mask, "value"].map(lambda v, u=unit: format_number(v, u, running_text=False, grouping=False))
    other = ~frame["unit"].isin(list(DECIMALS))
    text[other] = frame.loc[other, "value"].map(lambda v: format_number(v, running_text=False, as_written=True, grouping=False))
    return text


def indicators_csv(frame: pd.DataFrame) -> str:
    """`region,year,indicator,value`, sorted, shares with one decimal."""
    ordered = frame.sort_values(["region", "year", "indicator"], kind="stable")
    out = pd.DataFrame({
        "region": ordered["region"], "year": ordered["year"].astype(np.int64),
        "indicator": ordered["indicator"], "value": format_values(ordered),
    })
    return out.to_csv(index=False, lineterminator="\n")


def write_indicators_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write `region,year,indicator,value`, sorted, UTF-8, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(indicators_csv(frame), encoding="utf-8")


# ---------------------------------------------------------------- published figures


class PublishedEntry(BaseModel):
    """One figure in data/published/*.yml; values are checked as text like CSV cells."""

    model_config = ConfigDict(extra="forbid")

    region: Any
    year: Any
    indicator: Any
    value: Any
    source: Any

    @field_validator("*", mode="before")
    @classmethod
    def _scalar(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or isinstance(value, (dict, list)):
            raise ValueError(f"“{info.field_name}”应为单个值")
        return value


def read_published_csv(path: Path, label: str, report: Report) -> pd.DataFrame | None:
    """Published figures of one CSV file as text cells with their positions."""
    text = decode_csv(path.read_bytes())
    if text is None:
        report.error(label, 1, 0, "无法识别文件编码：请另存为 UTF-8 或 GBK（GB18030）编码的 CSV")
        return None
    cells, lines = read_csv_cells(text)
    if cells.empty:
        report.warning(label, 1, 0, "文件为空")
        return None
    header = [h.strip() for h in cells.iloc[0]]
    positions = {}
    for pos, name in enumerate(header):
        if name in PUBLISHED_FIELDS and name not in positions:
            positions[name] = pos
        elif name in positions:
            report.error(label, int(lines[0]), pos + 1, f"重复的列“{name}”")
        elif name:
            report.error(label, int(lines[0]), pos + 1, f"未知的列“{name}”，应为 {', '.join(PUBLISHED_FIELDS)}")
        elif (cells[pos].iloc[1:].str.strip() != "").any():
            report.error(label, int(lines[0]), pos + 1, "该列有数据但没有表头")
    missing = [name for name in PUBLISHED_FIELDS if name not in positions]
    for name in missing:
        report.error(label, int(lines[0]), 0, f"缺少必需的列“{name}”")
    body = cells.iloc[1:]
    filled = (body != "").any(axis=1).to_numpy()
    if missing:
        if filled.any():
            report.error(label, int(lines[0]), 0, f"因表头错误，本表 {int(filled.sum())} 行数据均未计入")
        return None
    body, body_lines = body[filled], lines[1:][filled]
    frame = pd.DataFrame({name: body[pos].str.strip().to_numpy() for name, pos in positions.items()})
    for name, pos in positions.items():
        frame[f"line_{name}"] = body_lines
        frame[f"col_{name}"] = pos + 1
    return frame


def read_published_yaml(path: Path, label: str, report: Report) -> pd.DataFrame | None:
    """Published figures of one YAML file (a list of mappings) as text with positions."""
    document = load_yaml(path, label, report)
    if document is None:
        return None
    if not isinstance(document.data, list):
        report.error(label, 1, 1, "应为列表，每项包含 region、year、indicator、value、source")
        return None
    rows = []
    for index, item in enumerate(document.data):
        if not isinstance(item, dict):
            report.error(label, *document.where.at((index,)), "每项应为映射，包含 region、year、indicator、value、source")
            continue
        try:
            PublishedEntry.model_validate(item)
        except ValidationError as exc:
            report.extend(validation_problems(exc, document, (index,)))
            continue
        row = {}
        for name in PUBLISHED_FIELDS:
            line, column = document.where.at((index, name))
            row[name] = source_text(item[name], document, line, column)
            row[f"line_{name}"], row[f"col_{name}"] = line, column
        rows.append(row)
    return pd.DataFrame(rows) if rows else None


def source_text(value: Any, document: Document, line: int, column: int) -> str:
    """A scalar as written: numbers keep their decimals (74.0 stays "74.0")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value).strip()
    source = document.where.lines[line - 1] if 0 < line <= len(document.where.lines) else ""
    match = re.match(r"[-+0-9._eE]+", source[column - 1:])
    return match[0].replace("_", "") if match else str(value)


def check_published(frame: pd.DataFrame, label: str, report: Report) -> pd.DataFrame:
    """Parse and check published figures given as text; bad and redacted rows are reported and left out."""
    bad = pd.Series(False, index=frame.index)

    def flag(mask: pd.Series, name: str, message: pd.Series | str, note: bool = False) -> None:
        nonlocal bad
        messages = message if isinstance(message, pd.Series) else pd.Series(message, index=frame.index)
        for pos in frame.index[mask]:
            add = report.note if note else report.error
            add(label, int(frame.at[pos, f"line_{name}"]), int(frame.at[pos, f"col_{name}"]), messages[pos])
        bad |= mask

    for name in PUBLISHED_FIELDS:
        flag(frame[name] == "", name, f"“{name}”为空")
    region = frame["region"]
    segments_ok = ~region.str.split("/").map(lambda parts: any(p.strip() == "" for p in parts))
    flag((region != "") & ~segments_ok, "region",
         "“region”应为以“/”分隔的地区路径（如“山西省/晋中市”），实际为“" + region + "”")
    year = parse_numbers(frame["year"].str.removesuffix("年"))
    year_ok = year.notna() & (year == np.floor(year)) & year.between(1949, 2100)
    flag((frame["year"] != "") & ~year_ok, "year", "“year”应为年份（如 2022），实际为“" + frame["year"] + "”")
    indicator_ok = frame["indicator"].str.fullmatch(INDICATOR_ID.pattern)
    flag((frame["indicator"] != "") & ~indicator_ok, "indicator",
         "“indicator”应为指标编号（如 income_ge_20），实际为“" + frame["indicator"] + "”")
    redacted = frame["value"].isin(REDACTED)
    flag(redacted, "value", "公布值已隐去（*），不参与比较", note=True)
    value = parse_numbers(frame["value"])
    flag((frame["value"] != "") & ~redacted & value.isna(), "value",
         "“value”应为数字，实际为“" + frame["value"] + "”")
    decimals = frame["value"].str.normalize("NFKC").str.extract(r"\.(\d*)", expand=False).str.len()
    good = ~bad
    return pd.DataFrame({
        "region": region[good].str.replace(r"\s*/\s*", "/", regex=True),
        "year": year[good].astype(np.int64),
        "indicator": frame["indicator"][good],
        "value": value[good],
        "source": frame["source"][good],
        "file": label,
        "line": frame["line_value"][good].astype(np.int64),
        "column": frame["col_value"][good].astype(np.int64),
        "decimals": decimals[good].fillna(0).astype(np.int64),
    })


def report_published_conflicts(published: pd.DataFrame, report: Report) -> None:
    """The same figure published twice with different values: a warning at the later one."""
    key = ["region", "year", "indicator"]
    first = published.groupby(key, sort=False).transform("first")
    first_file = published.groupby(key, sort=False)["file"].transform("first")
    first_line = published.groupby(key, sort=False)["line"].transform("first")
    differs = published["value"] != first["value"]
    for pos in published.index[differs]:
        row = published.loc[pos]
        report.warning(row["file"], int(row["line"]), int(row["column"]),
                       f"{row['region']} {row['year']} 年 {row['indicator']} 的公布值 {row['value']:g} "
                       f"与 {first_file[pos]}:{first_line[pos]} 的 {first['value'][pos]:g} 不同")


def empty_published() -> pd.DataFrame:
    """The published frame with no rows, typed."""
    types = {"year": np.int64, "value": float, "line": np.int64, "column": np.int64, "decimals": np.int64}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, str)) for c in PUBLISHED_COLUMNS})


def read_published(paths: list[Path], root: Path) -> tuple[pd.DataFrame, Report]:
    """Published figures from data/published/*.csv|*.yml, with file and line of each value."""
    report = Report()
    frames = []
    for path in sorted(paths, key=lambda p: relative_label(p, root)):
        label = relative_label(path, root)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            raw = read_published_csv(path, label, report)
        elif suffix in (".yml", ".yaml"):
            raw = read_published_yaml(path, label, report)
        else:
            report.error(label, 1, 0, f"不支持的文件类型“{path.suffix}”，应为 .csv 或 .yml")
            continue
        if raw is not None and len(raw):
            frames.append(check_published(raw.reset_index(drop=True), label, report))
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_published(), report
    published = pd.concat(frames, ignore_index=True)
    report_published_conflicts(published, report)
    return published[PUBLISHED_COLUMNS], report


def compare_published(computed: pd.DataFrame, published: pd.DataFrame) -> Report:
    """Warn where a published figure and the computed one differ beyond the published rounding."""
    report = Report()
    key = ["region", "year", "indicator"]
    columns = key + ["value"] + (["unit"] if "unit" in computed else [])
    merged = published.merge(computed[columns].rename(columns={"value": "computed"}), on=key, how="left")
    missing = merged["computed"].isna()
    tolerance = 0.5 * 10.0 ** (-merged["decimals"].astype(float)) + 1e-9
    differs = ~missing & ((merged["computed"] - merged["value"]).abs() > tolerance)
    for pos in merged.index[missing | differs]:
        row = merged.loc[pos]
        what = f"{row['region']} {row['year']} 年 {row['indicator']}"
        shown = f"{row['value']:.{int(row['decimals'])}f}"
        if missing[pos]:
            report.note(row["file"], int(row["line"]), int(row["column"]), f"{what}：公布值 {shown} 没有对应的计算值")
        else:
            unit = row.get("unit")
            computed = format_number(row["computed"], unit if isinstance(unit, str) else "", running_text=True)
            report.warning(row["file"], int(row["line"]), int(row["column"]),
                           f"{what}：公布值 {shown} 与计算值 {computed} 不一致")
    return report
