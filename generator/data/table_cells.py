"""A table's cells as text: decoding, CSV and XLSX reading, the size limits, and numbers and years parsed cell by cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
from generator.data.textcodec import decode_text

from generator.content.models import region_name_problem
from generator.data.table_headers import Header
from generator.data.table_schema import MAX_COLUMNS, MAX_LINE_BYTES, MAX_TABLE_BYTES, MAX_XLSX_CELLS, MAX_XLSX_UNPACKED, MONEY_HEADERS, REGION_HEADERS, REQUIRED, TOTAL_WORDS, YEAR_RANGE, _GROUPED, _NUMBER

# ---------------------------------------------------------------- decoding and raw cells


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
