"""The village table's schema: the headers, units and columns, and the limits a table must keep (SPEC §4.1)."""

from __future__ import annotations


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
