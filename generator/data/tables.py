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
  unpacked and ``MAX_XLSX_CELLS`` cells per sheet (its used range).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from generator.data.textcodec import decode_text
from pydantic import BaseModel, ConfigDict, ValidationError

from generator.errors import Level, Problem, Report
from generator.content.models import region_name_problem
from generator.content.yamlsrc import Document, load_yaml

# Canonical Chinese header -> column of the tidy frame.
HEADERS: dict[str, str] = {
    "年度": "year",
    "省": "province",
    "市": "city",
    "县": "county",
    "乡镇": "township",
    "村": "village",
    "村代码": "code",
    "集体经济总收入": "income",
    "经营性收入": "operating",
}
REQUIRED = ("年度", "市", "县", "乡镇", "村", "集体经济总收入", "经营性收入")
REGION_HEADERS = ("市", "县", "乡镇")
MONEY_HEADERS = ("集体经济总收入", "经营性收入")
# Keys are normalised: no whitespace, ASCII parentheses.
HEADER_SYNONYMS: dict[str, str] = {
    "区": "县",
    "县区": "县",
    "区县": "县",
    "县市区": "县",
    "县(市、区)": "县",
    "县(区、市)": "县",
    "乡(镇)": "乡镇",
    "乡镇(街道)": "乡镇",
    "乡(镇、街道)": "乡镇",
    "行政村": "村",
    "年份": "年度",
    "统计用区划代码": "村代码",
}
UNITS: dict[str, float] = {"万元": 1.0, "元": 1e-4, "千元": 0.1}
COLUMNS = (
    "year", "province", "city", "county", "township", "village", "code",
    "income", "operating", "file", "row", "sample", "source",
)
TOTAL_WORDS = ("合计", "总计", "小计")
YEAR_RANGE = (1949, 2100)
HEADER_SCAN_ROWS = 10

MAX_TABLE_BYTES = 64 * 1024 * 1024  # about 800,000 village rows of CSV
MAX_LINE_BYTES = 16 * 1024  # one village is about 100 bytes
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED = 128 * 1024 * 1024  # the XML inside an XLSX file (a zip)
MAX_XLSX_CELLS = 5_000_000  # rows × columns of a sheet's used range

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_GROUPED = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"

# ---------------------------------------------------------------- pydantic errors at YAML positions


def data_loc(data: Any, loc: tuple) -> tuple:
    """A pydantic error location as a path into the data: union tags dropped."""
    path: tuple = ()
    node = data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif index == len(loc) - 1 and isinstance(node, dict):
            path += (part,)  # a missing or unknown key: keep its name
            break
        else:
            continue
        path += (part,)
    return path


def validation_problems(exc: ValidationError, document: Document, base: tuple = ()) -> list[Problem]:
    """Turn pydantic errors into Chinese problems placed at the offending YAML node."""
    problems = []
    for err in exc.errors(include_url=False):
        path = base + data_loc(document.data if not base else _at(document.data, base), tuple(err["loc"]))
        if err["type"] == "extra_forbidden":
            line, column = document.where.at(path, key=True)
        elif err["type"] == "missing":
            line, column = document.where.at(path[:-1])
        elif err["type"] == "union_tag_invalid":  # point at the tag's value, not the mapping
            tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            line, column = document.where.at((*path, tag))
        else:
            line, column = document.where.at(path)
        problems.append(Problem(document.path, line, column, Level.ERROR, pydantic_message(err, path)))
    return problems


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def pydantic_message(err: Any, path: tuple) -> str:
    """One pydantic error in Chinese."""
    kind = err["type"]
    names = [p for p in path if isinstance(p, str)]
    name = names[-1] if names else "值"
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"未知字段“{name}”"
    if kind == "missing":
        return f"缺少必填字段“{err['loc'][-1]}”"
    if kind == "union_tag_invalid":
        tag = ctx.get("discriminator", "").strip("'")
        expected = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))))
        return f"“{tag}”应为 {expected} 之一，实际为“{ctx.get('tag')}”"
    if kind == "union_tag_not_found":
        tag = ctx.get("discriminator", "").strip("'")
        return f"缺少字段“{tag}”" if tag.isidentifier() else f"“{name}”的写法无法识别"
    if kind == "literal_error":
        expected = "、".join(f"“{e}”" for e in re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"“{name}”应为{expected}之一，实际为“{given}”"
    if kind in ("string_type", "str_type"):
        return f"“{name}”应为文本"
    if kind.startswith("bool"):
        return f"“{name}”应为 true 或 false"
    if kind.startswith("int"):
        return f"“{name}”应为整数"
    if kind.startswith("float") or kind == "finite_number":
        return f"“{name}”应为数字"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"“{name}”应为映射（键: 值）"
    if kind == "list_type":
        return f"“{name}”应为列表"
    if kind in ("too_short", "string_too_short"):
        return f"“{name}”不能为空"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if re.search(r"[\u4e00-\u9fff]", err["msg"]):  # custom errors carry their Chinese message
        return err["msg"]
    return f"“{name}”的值无效"


# ---------------------------------------------------------------- sidecar


class Sidecar(BaseModel):
    """`data/villages/<stem>.yml`: where a table comes from."""

    model_config = ConfigDict(extra="forbid", strict=True)

    source: str = ""
    sample: bool = False
    note: str = ""


def read_sidecar(path: Path, root: Path) -> tuple[Sidecar, Report]:
    """Read the optional sidecar of a table; defaults when there is none."""
    report = Report()
    if not path.exists():
        return Sidecar(), report
    document = load_yaml(path, relative_label(path, root), report)
    if document is None:
        return Sidecar(), report
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        report.error(document.path, 1, 1, "应为映射（source、sample、note）")
        return Sidecar(), report
    try:
        return Sidecar.model_validate(data), report
    except ValidationError as exc:
        report.extend(validation_problems(exc, document))
        return Sidecar(), report


# ---------------------------------------------------------------- decoding and raw cells


def relative_label(path: Path, root: Path) -> str:
    """The path as users see it: relative to the project root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def decode_csv(data: bytes) -> str | None:
    """A CSV's text (textcodec.decode_text); None if it is neither UTF-8 nor GBK/GB18030."""
    decoded = decode_text(data)
    return decoded[0] if decoded else None


def read_csv_cells(text: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Every cell as text ('' when empty), with the 1-based line number of each record."""
    try:
        cells = pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, skipinitialspace=False,
        )
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), np.zeros(0, dtype=np.int64)
    except pd.errors.ParserError:
        return _read_csv_cells_slowly(text)
    cells = cells.fillna("")
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical != len(cells):  # quoted line breaks shift line numbers: count record by record
        return _read_csv_cells_slowly(text)
    return cells, np.arange(1, len(cells) + 1, dtype=np.int64)


def _read_csv_cells_slowly(text: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Ragged rows or quoted line breaks: the csv module knows each record's line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines, last = [], [], 0
    for record in reader:
        records.append(record)
        lines.append(last + 1)
        last = reader.line_num
    width = max((len(r) for r in records), default=0)
    padded = [r + [""] * (width - len(r)) for r in records]
    return pd.DataFrame(padded, columns=range(width), dtype=object).astype(str), np.array(lines, dtype=np.int64)


class TableTooLarge(Exception):
    """A table over one of the limits; the message is for users."""


def check_table_size(path: Path) -> None:
    """Refuse a table file over the size limits before reading any of it."""
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise TableTooLarge(
            f"文件过大（{size / 1048576:.1f} MB），村级数据表不能超过 {MAX_TABLE_BYTES // 1048576} MB："
            "请按年度或地区拆分为多个文件")
    if path.suffix.lower() == ".xlsx":
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # the reader reports a broken file in its own words
        if unpacked > MAX_XLSX_UNPACKED:
            raise TableTooLarge(
                f"Excel 文件解压后过大（{unpacked / 1048576:.0f} MB），不能超过 {MAX_XLSX_UNPACKED // 1048576} MB："
                "请拆分为多个文件，或另存为 CSV")


def check_csv_shape(data: bytes) -> tuple[int, str] | None:
    """(line, message) of the first line over the line-length or column limits, if any."""
    if len(data) <= MAX_LINE_BYTES and data.count(b",") <= MAX_COLUMNS:
        return None
    step = 4 * 1024 * 1024  # in chunks, so that the check itself needs little memory
    start = 0
    while start < len(data):
        end = min(len(data), start + step)
        if end < len(data):  # cut after the chunk's last line break
            end = max(data.rfind(b"\n", start, end), data.rfind(b"\r", start, end)) + 1 or end
        chunk = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
        breaks = np.flatnonzero((chunk == 10) | (chunk == 13))
        lengths = np.diff(np.concatenate(([-1], breaks, [len(chunk)]))) - 1
        commas = np.cumsum(chunk == 44, dtype=np.int64)
        per_line = np.diff(np.concatenate(([0], commas[breaks], commas[-1:])))
        for over, message in (
            (np.flatnonzero(lengths > MAX_LINE_BYTES),
             f"过长（超过 {MAX_LINE_BYTES // 1024} KB），村级数据表每行只是一个村的数据"),
            (np.flatnonzero(per_line > MAX_COLUMNS), f"的字段过多（超过 {MAX_COLUMNS} 列）"),
        ):
            if len(over):
                at = start + (int(breaks[over[0] - 1]) + 1 if over[0] else 0)
                newline = b"\n" if b"\n" in data else b"\r"  # old Mac files end lines with CR only
                number = data.count(newline, 0, at) + 1
                return number, f"第 {number} 行{message}：请检查是否选错了文件或分隔符"
        start = end
    return None


def read_xlsx_sheets(path: Path) -> list[tuple[str, pd.DataFrame, np.ndarray]]:
    """Every sheet as (name, cells as text, sheet row numbers); merged cells filled (xlsx.py)."""
    from generator.data.xlsx import SheetTooLarge, read_xlsx_sheets as read_sheets

    try:
        return read_sheets(path, MAX_XLSX_CELLS)
    except SheetTooLarge as exc:
        raise TableTooLarge(
            f"工作表“{exc.title}”的使用范围过大（{exc.rows} 行 × {exc.columns} 列），"
            f"一个工作表最多 {MAX_XLSX_CELLS:,} 个单元格：请删除表格以外的内容，或另存为 CSV") from None


# ---------------------------------------------------------------- headers


@dataclass
class Header:
    """What the header row of one table says."""

    line: int
    columns: dict[str, int]  # canonical name -> 0-based column position
    units: dict[str, float]
    problems: list[tuple[int, int, str]]  # (line, 1-based column, message)
    fatal: bool
    unnamed: list[int]  # 0-based positions of columns with no header


def normalize_header(text: str) -> str:
    """Drop all whitespace, make parentheses ASCII."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def split_header(text: str) -> tuple[str | None, str | None]:
    """(canonical name or None, unit or None) of one header cell."""
    norm = normalize_header(text)
    if norm in HEADERS:
        return norm, None
    if norm in HEADER_SYNONYMS:
        return HEADER_SYNONYMS[norm], None
    match = re.fullmatch(r"(.+?)\((.*)\)", norm)
    if not match:
        return None, None
    name = HEADER_SYNONYMS.get(match[1], match[1])
    return (name, match[2]) if name in HEADERS else (None, None)


def find_header_row(cells: pd.DataFrame, candidates: np.ndarray) -> int | None:
    """Position of the first of the first rows that names at least three known columns."""
    for pos in candidates[:HEADER_SCAN_ROWS]:
        known = sum(split_header(v)[0] is not None for v in cells.iloc[pos] if v.strip())
        if known >= 3:
            return int(pos)
    return None


def read_header(values: list[str], data: pd.DataFrame, line: int) -> Header:
    """Map header cells to columns; unknown, duplicate, missing or unit errors at the header line."""
    columns: dict[str, int] = {}
    units: dict[str, float] = {}
    problems: list[tuple[int, int, str]] = []
    fatal = False
    unnamed = [pos for pos in data.columns if pos >= len(values) or not values[pos].strip()]
    for pos, text in enumerate(values):
        col = pos + 1
        if not text.strip():
            continue
        name, unit = split_header(text)
        if name is None:
            problems.append((line, col, f"未知的列“{text.strip()}”"))
            continue
        if name in columns:
            problems.append((line, col, f"重复的列“{name}”（第 {columns[name] + 1} 列已有）"))
            continue
        columns[name] = pos
        if unit is None:
            units[name] = 1.0
        elif name not in MONEY_HEADERS:
            problems.append((line, col, f"“{name}”不应带单位“{unit}”"))
        elif unit in UNITS:
            units[name] = UNITS[unit]
        else:
            problems.append((line, col, f"“{name}”的单位“{unit}”无法识别，应为万元、元或千元"))
            fatal = True
    for name in REQUIRED:
        if name not in columns:
            problems.append((line, 0, f"缺少必需的列“{name}”"))
            fatal = True
    return Header(line, columns, units, problems, fatal, unnamed)


# ---------------------------------------------------------------- cell parsing


def normalize_number_text(text: pd.Series) -> pd.Series:
    """Full-width digits and signs to ASCII; drop commas only where they group exact thousands."""
    norm = text.str.normalize("NFKC").str.replace("\u2212", "-", regex=False).str.strip()
    grouped = norm.str.fullmatch(_GROUPED)
    return norm.where(~grouped, norm.str.replace(",", "", regex=False))


def parse_numbers(text: pd.Series) -> pd.Series:
    """Numbers written as text; NaN where the text is not a plain number."""
    # Fast path: plain ASCII numbers, which is nearly every cell.
    fast = pd.to_numeric(text, errors="coerce").astype(float)
    retry = ~np.isfinite(fast) & (text != "")
    if not retry.any():
        return fast
    norm = normalize_number_text(text[retry])
    valid = norm.str.fullmatch(_NUMBER)
    slow = pd.to_numeric(norm.where(valid), errors="coerce").astype(float)
    fast[retry] = slow.where(np.isfinite(slow))
    return fast


def parse_years(text: pd.Series) -> pd.Series:
    """Years as numbers (``2022`` or ``2022年``); NaN where not a whole year in range."""
    year = parse_numbers(text)
    retry = year.isna()
    if retry.any():
        year[retry] = parse_numbers(text[retry].str.removesuffix("年"))
    return year.where((year == np.floor(year)) & year.between(*YEAR_RANGE))


def _issues(mask: pd.Series, lines: np.ndarray, column: int, template: str,
            cells: pd.Series | None = None) -> pd.DataFrame:
    """Issues of the masked rows; `{}` in template is the cell text (built only for bad rows)."""
    if not mask.any():
        return pd.DataFrame(columns=["pos", "line", "column", "message"])
    messages = ([template.format(v) for v in cells[mask]] if cells is not None
                else [template] * int(mask.sum()))
    return pd.DataFrame({
        "pos": mask.index[mask], "line": lines[mask.to_numpy()], "column": column, "message": messages,
    })


def check_cells(cells: pd.DataFrame, lines: np.ndarray, header: Header,
                default_province: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse the stripped data rows of one table; return (good rows parsed, one issue per bad cell)."""
    col = {name: pos + 1 for name, pos in header.columns.items()}
    text = {name: cells[pos] for name, pos in header.columns.items()}
    index = cells.index
    found = []

    def add(mask: pd.Series, name: str, template: str, with_text: bool = True) -> None:
        found.append(_issues(mask, lines, col.get(name, 0), template, text[name] if with_text else None))

    # Cells under no header: usually an unquoted comma in a number, shifting the row.
    for pos in header.unnamed:
        found.append(_issues(cells[pos] != "", lines, pos + 1,
                             "本行比表头多出内容“{}”（数字里的逗号是否未加引号？）", cells[pos]))

    empty = {name: text[name] == "" for name in REQUIRED}
    for name in REQUIRED:
        template = f"缺少地区：“{name}”为空" if name in REGION_HEADERS else f"“{name}”为空"
        add(empty[name], name, template, with_text=False)

    year = parse_years(text["年度"])
    add(~empty["年度"] & year.isna(), "年度", "“年度”应为年份（如 2022），实际为“{}”")

    money = {}
    for name in MONEY_HEADERS:
        value = parse_numbers(text[name])
        add(~empty[name] & value.isna(), name, f"“{name}”应为数字，实际为“{{}}”")
        add(value < 0, name, f"“{name}”不能为负数，实际为“{{}}”")
        money[name] = value * header.units[name]

    for name in ("省", "市", "县", "乡镇", "村"):
        if name in text and "/" in "".join(text[name].to_numpy(dtype=object)):  # join: one C pass finds the rare case
            add(text[name].str.contains("/", regex=False), name, f"“{name}”不能包含“/”，实际为“{{}}”")
    for name in ("省", "市", "县", "乡镇"):
        if name not in text:
            continue
        # Region names become folders and URLs: the rules of content region paths apply.
        bad = {value: problem for value in pd.unique(text[name].to_numpy(dtype=object))
               if value and "/" not in value and (problem := region_name_problem(value))}
        if bad:
            mask = text[name].isin(list(bad))
            found.append(pd.DataFrame({
                "pos": mask.index[mask], "line": lines[mask.to_numpy()], "column": col[name],
                "message": [f"“{name}”：{bad[value]}" for value in text[name][mask]],
            }))
    for name in ("县", "乡镇", "村"):
        add(text[name].isin(TOTAL_WORDS), name, f"疑似合计行（“{name}”为“{{}}”），不应出现在村级数据中")

    if "村代码" in text:
        code = text["村代码"]
        plain = code.str.isascii() & code.str.isdecimal() & (code.str.len() == 12)
        odd = ~plain & (code != "")
        if odd.any():  # full-width digits are fine
            original, code = code, code.copy()
            code[odd] = code[odd].str.normalize("NFKC")
            bad = odd & ~code.str.fullmatch(r"[0-9]{12}")
            found.append(_issues(bad, lines, col["村代码"], "“村代码”应为 12 位数字，实际为“{}”", original))
        code = code.astype(object).where(code != "", None)
    else:
        code = pd.Series(None, index=index, dtype=object)

    if "省" in text:
        province = text["省"].where(text["省"] != "", default_province)
    else:
        province = pd.Series(default_province, index=index, dtype=str)

    found = [i for i in found if len(i)]
    issues = (pd.concat(found, ignore_index=True) if found
              else pd.DataFrame(columns=["pos", "line", "column", "message"]))
    ok = ~index.isin(issues["pos"])
    parsed = pd.DataFrame({
        "year": year[ok].astype(np.int64),
        "province": province[ok].astype(str),
        "city": text["市"][ok],
        "county": text["县"][ok],
        "township": text["乡镇"][ok],
        "village": text["村"][ok],
        "code": code[ok],
        "income": money["集体经济总收入"][ok],
        "operating": money["经营性收入"][ok],
        "row": lines[ok],
        "_col_code": col.get("村代码", 0),
        "_col_village": col["村"],
        "_col_operating": col["经营性收入"],
    })
    return parsed, issues.sort_values(["line", "column"], kind="stable")


# ---------------------------------------------------------------- one table


def strip_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells without surrounding whitespace (full-width spaces included)."""
    return cells.apply(lambda column: column.str.strip())


def read_table_cells(cells: pd.DataFrame, lines: np.ndarray, label: str, prefix: str,
                     default_province: str, report: Report) -> pd.DataFrame | None:
    """Header, checks and parsed rows of one sheet or CSV file; problems go to report."""
    if cells.shape[1] == 0:
        report.warning(label, 1, 0, prefix + "文件为空，没有表头和数据")
        return None
    cells = strip_cells(cells)
    filled = (cells != "").any(axis=1).to_numpy()
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
        filled = np.flatnonzero(((cells != "").any(axis=1)).to_numpy()) if cells.shape[1] else np.zeros(0, int)
        tables.append((name, cells, lines, len(filled) > 0 and find_header_row(cells, filled) is not None))
    chosen = [t for t in tables if t[3]] or tables[:1]
    frames = []
    for name, cells, lines, matched in tables:
        if any(name == c[0] for c in chosen):
            parsed = read_table_cells(cells, lines, label, f"工作表“{name}”：", default_province, report)
            if parsed is not None:
                frames.append(parsed)
        elif (cells != "").any(axis=None):
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


def read_villages(paths: list[Path], root: Path, default_province: str) -> tuple[pd.DataFrame, Report]:
    """Read village tables into one tidy frame (万元) and every problem found."""
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
        sidecar, side_report = read_sidecar(path.with_suffix(".yml"), root)
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
