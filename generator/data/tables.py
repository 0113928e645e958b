"""Read village tables (CSV/XLSX) into one tidy frame of figures in 万元.

Rules the users rely on (to be quoted in the user docs):

* Headers are the fixed Chinese names in ``HEADERS``; whitespace anywhere in a
  header is ignored, and a unit may follow in full- or half-width parentheses:
  ``集体经济总收入（万元）``, ``经营性收入(元)``. Units: 万元 (also no unit), 元 (÷ 10000),
  千元 (÷ 10). A few synonyms from official forms are accepted (``HEADER_SYNONYMS``):
  ``区``, ``县区``, ``区县``, ``县市区``, ``县（市、区）`` for 县; ``乡（镇）``, ``乡镇（街道）``
  for 乡镇; ``行政村`` for 村; ``年份`` for 年度; ``统计用区划代码`` for 村代码.
* The header is the first row that names at least three known columns (title rows
  above it are skipped with a note); fully empty rows are ignored.
* Numbers: full-width digits, point and sign are read as ASCII (NFKC); ``1,234.5``
  is read only when the commas group exact thousands (``1,2345`` is an error);
  anything else (``十二万``, ``12万``) is an error. A year may carry ``年`` (``2022年``).
* A row with any error is excluded from the frame and reported with
  file:row:column; each file with excluded rows also gets a note with the count.
* An empty 省 cell (or no 省 column) means the default province.
* CSV row numbers are physical line numbers; XLSX row numbers are sheet rows,
  and messages about an XLSX file name the sheet. Merged XLSX cells are filled
  with their top-left value (counties are often merged down a column).
* Region names (省, 市, 县, 乡镇) follow the rules of region paths in content
  (``models.region_name_problem``): they become folders and URLs of the site.
* Limits, so that a wrong or hostile file fails in seconds with bounded memory:
  a table file is at most ``MAX_TABLE_BYTES``; a CSV line at most ``MAX_LINE_BYTES``
  and ``MAX_COLUMNS`` fields; an XLSX file at most ``MAX_XLSX_UNPACKED`` bytes
  unpacked and ``MAX_XLSX_CELLS`` cells per sheet (its used range)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from generator.errors import Report
from generator.data.sidecar import read_sidecar
from generator.data.table_cells import TableTooLarge, check_cells, check_csv_shape, check_table_size, decode_csv, read_csv_cells, read_xlsx_sheets
from generator.errors import relative_label
from generator.data.table_headers import find_header_row, read_header
from generator.data.table_schema import COLUMNS

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache

# ---------------------------------------------------------------- one table


def strip_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells without surrounding whitespace (full-width spaces included)."""
    # scale: str.strip per cell, mapped over each column, is several times faster than .str.strip()
    texts = {name: column.tolist() for name, column in cells.items()}
    stripped = {name: list(map(str.strip, values)) for name, values in texts.items()}
    if all(dtype == pd.StringDtype(na_value=np.nan) for dtype in cells.dtypes) and stripped == texts:  # what dtype=str makes
        return cells  # nothing to strip (an XLSX or a clean CSV file): no second frame
    return pd.DataFrame(stripped, index=cells.index, columns=cells.columns, dtype=str)


def filled_rows(cells: pd.DataFrame) -> np.ndarray:
    """Whether each row has a cell that is not empty."""
    # scale: one comparison over the cells as objects; a frame's != "" compares column by column, a third of the speed
    return (cells.to_numpy(dtype=object) != "").any(axis=1)


def read_table_cells(cells: pd.DataFrame, lines: np.ndarray, label: str, prefix: str,
                     default_province: str, report: Report) -> pd.DataFrame | None:
    """Header, checks and parsed rows of one sheet or CSV file; problems go to report."""
    if cells.shape[1] == 0:
        report.warning(label, 1, 0, prefix + "文件为空，没有表头和数据")
        return None
    cells = strip_cells(cells)
    filled = filled_rows(cells)
    candidates = np.flatnonzero(filled)
    if len(candidates) == 0:
        report.warning(label, 1, 0, prefix + "文件为空，没有表头和数据")
        return None
    header_pos = find_header_row(cells, candidates)
    if header_pos is None:
        header_pos = int(candidates[0])
    skipped = int((candidates < header_pos).sum())
    header_line = int(lines[header_pos])
    if skipped:
        report.note(label, header_line, 0, prefix + f"表头在第 {header_line} 行，其上 {skipped} 行（标题等）未读取")
    data_mask = filled.copy()
    data_mask[: header_pos + 1] = False
    data = cells[data_mask].reset_index(drop=True)
    data_lines = lines[data_mask]
    header = read_header(list(cells.iloc[header_pos]), data, header_line)
    for line, column, message in header.problems:
        report.error(label, line, column, prefix + message)
    if header.fatal:
        if len(data):
            report.error(label, header_line, 0, prefix + f"因表头错误，本表 {len(data)} 行数据均未计入")
        return None
    if not len(data):
        report.note(label, header_line, 0, prefix + "本表没有数据行")
        return None
    parsed, issues = check_cells(data, data_lines, header, default_province)
    for line, column, message in issues[["line", "column", "message"]].itertuples(index=False):
        report.error(label, int(line), int(column), prefix + message)
    warn_operating_above_income(parsed, label, prefix, report)
    parsed["_prefix"] = prefix
    parsed.attrs["stats"] = (label, prefix, len(data), int(issues["pos"].nunique()))
    return parsed


def warn_operating_above_income(parsed: pd.DataFrame, label: str, prefix: str, report: Report) -> None:
    """Operating income is part of total income: more is suspicious, not fatal."""
    above = parsed[parsed["operating"] > parsed["income"] + 1e-9]
    for row, column, operating, income in above[["row", "_col_operating", "operating", "income"]].itertuples(
            index=False, name=None):
        report.warning(label, int(row), int(column),
                       prefix + f"“经营性收入”（{operating:g} 万元）大于“集体经济总收入”（{income:g} 万元）")


def read_csv_table(path: Path, label: str, default_province: str, report: Report) -> list[pd.DataFrame]:
    """One CSV file in any supported encoding."""
    data = path.read_bytes()
    shape = check_csv_shape(data)
    if shape:
        report.error(label, shape[0], 0, shape[1])
        return []
    text = decode_csv(data)
    del data
    if text is None:
        report.error(label, 1, 0, "无法识别文件编码：请另存为 UTF-8 或 GBK（GB18030）编码的 CSV")
        return []
    cells, lines = read_csv_cells(text)
    parsed = read_table_cells(cells, lines, label, "", default_province, report)
    return [] if parsed is None else [parsed]


def read_xlsx_table(path: Path, label: str, default_province: str, report: Report) -> list[pd.DataFrame]:
    """Every sheet whose header names village columns; the first sheet if none does."""
    try:
        sheets = read_xlsx_sheets(path)
    except TableTooLarge as exc:
        report.error(label, 1, 0, str(exc))
        return []
    except Exception as exc:  # calamine and zipfile raise many types for broken files: report, don't hide
        report.error(label, 1, 0, f"无法读取 Excel 文件（{type(exc).__name__}: {exc}）")
        return []
    tables = []
    for name, cells, lines in sheets:
        filled = np.flatnonzero(filled_rows(cells)) if cells.shape[1] else np.zeros(0, int)
        tables.append((name, cells, lines, len(filled) > 0 and find_header_row(cells, filled) is not None))
    chosen = [t for t in tables if t[3]] or tables[:1]
    frames = []
    for name, cells, lines, matched in tables:
        if any(name == c[0] for c in chosen):
            parsed = read_table_cells(cells, lines, label, f"工作表“{name}”：", default_province, report)
            if parsed is not None:
                frames.append(parsed)
        elif filled_rows(cells).any():
            report.note(label, 1, 0, f"工作表“{name}”不是村级数据表，未读取")
    return frames


# ---------------------------------------------------------------- all tables


PATH_COLUMNS = ["province", "city", "county", "township", "village"]


def village_ids(frame: pd.DataFrame) -> np.ndarray:
    """An integer per village across years: by 村代码 when present, else by region path and name."""
    coded = frame["code"].notna().to_numpy()
    ids = np.empty(len(frame), dtype=np.int64)
    code_ids, uniques = pd.factorize(frame.loc[coded, "code"])
    ids[coded] = code_ids
    if (~coded).any():
        ids[~coded] = frame.loc[~coded].groupby(PATH_COLUMNS, sort=False).ngroup().to_numpy() + len(uniques)
    return ids


def find_duplicates(frame: pd.DataFrame, report: Report) -> pd.Series:
    """Report every row of a duplicated village-year (pointing at the other row); mask of them."""
    keyed = pd.DataFrame({"id": village_ids(frame), "year": frame["year"].to_numpy()}, index=frame.index)
    dup = keyed.duplicated(["id", "year"], keep=False)
    if not dup.any():
        return dup
    rows = frame[dup]
    where = rows["file"] + ":" + rows["row"].astype(str) + rows["_prefix"].map(
        lambda p: f"（{p.removesuffix('：')}）" if p else "")
    groups = keyed[dup].groupby(["id", "year"], sort=False)
    first = groups.cumcount() == 0
    first_where = where.groupby([keyed["id"][dup], keyed["year"][dup]], sort=False).transform("first")
    second_where = where.groupby([keyed["id"][dup], keyed["year"][dup]], sort=False).transform(lambda w: w.iloc[1])
    other = second_where.where(first, first_where)
    for pos, row in rows.iterrows():
        if pd.notna(row["code"]):
            what, column = f"村代码“{row['code']}”", row["_col_code"]
        else:
            what, column = "村“" + "/".join(row[c] for c in PATH_COLUMNS) + "”", row["_col_village"]
        report.error(row["file"], int(row["row"]), int(column),
                     row["_prefix"] + f"{what}在 {row['year']} 年度重复，另见 {other[pos]}")
    return dup


def report_excluded(villages: pd.DataFrame, dup: pd.Series, stats: list[tuple[str, str, int, int]],
                    report: Report) -> None:
    """One note per table with excluded rows, so the count is never silent."""
    dup_counts = villages.loc[dup, "_table"].value_counts()
    for number, (label, prefix, total, bad) in enumerate(stats):
        excluded = bad + int(dup_counts.get(number, 0))
        if excluded:
            report.note(label, 0, 0, prefix + f"共 {total} 行数据，其中 {excluded} 行有错误，未计入")


def empty_villages() -> pd.DataFrame:
    """The tidy frame with no rows, typed."""
    return pd.DataFrame({
        "year": pd.Series(dtype=np.int64), "province": pd.Series(dtype=str),
        "city": pd.Series(dtype=str), "county": pd.Series(dtype=str),
        "township": pd.Series(dtype=str), "village": pd.Series(dtype=str),
        "code": pd.Series(dtype=object), "income": pd.Series(dtype=float),
        "operating": pd.Series(dtype=float), "file": pd.Series(dtype=str),
        "row": pd.Series(dtype=np.int64), "sample": pd.Series(dtype=bool),
        "source": pd.Series(dtype=str),
    })


def read_villages(paths: list[Path], root: Path, default_province: str,
                  documents: YamlCache | None = None) -> tuple[pd.DataFrame, Report]:
    """Read village tables into one tidy frame (万元) and every problem found; documents: the parsed-file cache (sidecars)."""
    report = Report()
    frames: list[pd.DataFrame] = []
    stats: list[tuple[str, str, int, int]] = []
    for path in sorted(paths, key=lambda p: relative_label(p, root)):
        label = relative_label(path, root)
        suffix = path.suffix.lower()
        if suffix in (".yml", ".yaml") or path.name.startswith("~$"):
            continue  # sidecars are read with their table; ~$ files are Excel lock files
        if suffix == ".xls":
            report.error(label, 1, 0, "不支持旧版 .xls 格式，请另存为 .xlsx")
            continue
        if suffix not in (".csv", ".xlsx"):
            report.error(label, 1, 0, f"不支持的文件类型“{path.suffix}”，应为 .csv 或 .xlsx")
            continue
        try:
            check_table_size(path)
            reader = read_csv_table if suffix == ".csv" else read_xlsx_table
            parsed = reader(path, label, default_province, report)
        except TableTooLarge as exc:
            report.error(label, 1, 0, str(exc))
            continue
        except OSError as exc:
            report.error(label, 1, 0, f"无法读取文件：{exc.strerror or exc}")
            continue
        sidecar, side_report = read_sidecar(path.with_suffix(".yml"), root, documents)
        report.extend(side_report.problems)
        for frame in parsed:
            stats.append(frame.attrs["stats"])
            frames.append(frame.assign(file=label, sample=sidecar.sample, source=sidecar.source,
                                       _table=len(frames)))
    if not frames:
        return empty_villages(), report
    villages = pd.concat(frames, ignore_index=True)
    dup = find_duplicates(villages, report)
    report_excluded(villages, dup, stats, report)
    villages = villages[~dup].reset_index(drop=True)
    villages["row"] = villages["row"].astype(np.int64)
    villages["sample"] = villages["sample"].astype(bool)
    villages["code"] = villages["code"].astype(object).where(villages["code"].notna(), None)
    return villages[list(COLUMNS)], report
