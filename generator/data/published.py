"""Published figures (data/published/*.csv|*.yml) and their comparison with the computed values (SPEC §4.2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from generator.errors import Report
from generator.content.models import REDACTED
from generator.site.numbers import format_number
from generator.data.model_errors import validation_problems
from generator.data.table_cells import decode_csv, parse_numbers, read_csv_cells
from generator.errors import relative_label
from generator.content.yamlsrc import Document, load_yaml
from generator.data.indicator_defs import INDICATOR_ID, PUBLISHED_COLUMNS, PUBLISHED_FIELDS

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
