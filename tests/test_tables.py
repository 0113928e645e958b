"""Reading village tables: encodings, units, headers, XLSX, sidecars, and every bad-row message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from generator.data.table_schema import COLUMNS
from generator.data.tables import read_villages

HEADER = "年度,省,市,县,乡镇,村,村代码,集体经济总收入（万元）,经营性收入（万元）"
ROW_A = "2022,山西省,晋中市,榆次区,东阳镇,张庆村,140702100200,25.5,12"
ROW_B = "2022,山西省,晋中市,榆次区,东阳镇,李家庄村,140702100201,18,9.5"


def write(root: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = root / "data" / "villages" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def read(root: Path, *paths: Path):
    return read_villages(list(paths), root, "山西省")


def formatted(report) -> list[str]:
    return [p.format() for p in report.sorted()]


def test_tidy_frame_columns_types_and_positions(tmp_path):
    path = write(tmp_path, "a.csv", f"{HEADER}\n{ROW_A}\n\n{ROW_B}\n")
    frame, report = read(tmp_path, path)
    assert formatted(report) == []
    assert list(frame.columns) == list(COLUMNS)
    assert frame.to_dict("records") == [
        {"year": 2022, "province": "山西省", "city": "晋中市", "county": "榆次区", "township": "东阳镇",
         "village": "张庆村", "code": "140702100200", "income": 25.5, "operating": 12.0,
         "file": "data/villages/a.csv", "row": 2, "sample": False, "source": ""},
        {"year": 2022, "province": "山西省", "city": "晋中市", "county": "榆次区", "township": "东阳镇",
         "village": "李家庄村", "code": "140702100201", "income": 18.0, "operating": 9.5,
         "file": "data/villages/a.csv", "row": 4, "sample": False, "source": ""},
    ]
    assert frame["year"].dtype == np.int64 and frame["row"].dtype == np.int64
    assert frame["income"].dtype == float and frame["sample"].dtype == bool


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(tmp_path, encoding):
    # 𠀀 (U+20000) exists in GB18030 but not in GBK: proves the GB18030 file is read as such.
    village = "𠀀村" if encoding == "gb18030" else "张庆村"
    newline = "\r\n" if encoding == "gbk" else "\n"  # Excel on Chinese Windows: GBK and CRLF
    text = newline.join([HEADER, ROW_A.replace("张庆村", village), ROW_B, ""])
    data = text.encode(encoding)
    if encoding in ("gbk", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text, encoding))
    assert formatted(report) == []
    assert list(frame["village"]) == [village, "李家庄村"]


def test_undecodable_csv_is_an_error(tmp_path):
    path = tmp_path / "data" / "villages" / "a.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("café,naïve\n1,2\n".encode("latin-1"))
    frame, report = read(tmp_path, path)
    assert frame.empty
    assert formatted(report) == [
        "data/villages/a.csv:1:0: 错误: 无法识别文件编码：请另存为 UTF-8 或 GBK（GB18030）编码的 CSV",
    ]


def test_units_whitespace_and_synonyms(tmp_path):
    text = (
        " 年度 ,市,县（市、区）,乡镇,村,集体经济总收入 (元),经营性收入（千元）\n"
        "2022,晋中市,榆次区,东阳镇,张庆村,255000,120\n"
    )
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text))
    assert formatted(report) == []
    row = frame.iloc[0]
    assert (row["income"], row["operating"]) == (25.5, 12.0)
    assert row["province"] == "山西省"  # no 省 column: the default
    assert row["code"] is None

    text = "年度,市,区,乡镇,村,集体经济总收入,经营性收入(万元)\n2022,晋中市,榆次区,东阳镇,张庆村,25.5,12\n"
    frame, report = read(tmp_path, write(tmp_path, "b.csv", text))
    assert formatted(report) == []
    assert (frame.iloc[0]["county"], frame.iloc[0]["income"], frame.iloc[0]["operating"]) == ("榆次区", 25.5, 12.0)


def test_number_formats(tmp_path):
    text = (
        f"{HEADER}\n"
        '2022年,,晋中市,榆次区,东阳镇,张庆村,１４０７０２１００２００,"1,234.5",１２．５\n'
        "2022,,晋中市,榆次区,东阳镇,李家庄村,140702100201,1e2,-0\n"
    )
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text))
    assert formatted(report) == []
    assert frame[["year", "province", "code", "income", "operating"]].values.tolist() == [
        [2022, "山西省", "140702100200", 1234.5, 12.5],
        [2022, "山西省", "140702100201", 100.0, 0.0],
    ]


def test_every_bad_row_is_reported_and_counted(tmp_path):
    text = "\n".join([
        HEADER,
        ROW_A,                                                                        # 2: fine
        "2022,山西省,晋中市,榆次区,东阳镇,王村,140702100202,十二万,5",                   # 3: text
        "2022,山西省,晋中市,榆次区,东阳镇,赵村,140702100203,-3,5",                      # 4: negative
        "2022,山西省,晋中市,,东阳镇,钱村,140702100204,30,5",                             # 5: no county
        ",山西省,晋中市,榆次区,东阳镇,孙村,140702100205,30,",                            # 6: empty cells
        "22,山西省,晋中市,榆次区,东阳镇,周村,1407,30,5",                                 # 7: year, code
        "2022,山西省,晋中市,榆次区,东阳镇,合计,,300,50",                                 # 8: total row
        "2022,山西省,晋中市,榆次区,东阳镇,吴村,140702100206,1,234.5,5",                  # 9: extra cell
        "2022,山西省,晋中市,榆次区,东阳/西阳镇,郑村,140702100207,1,2345,5",              # 10: slash
        "2022,山西省,晋中市,榆次区,东阳镇,张庆村,140702100200,26,13",                    # 11: duplicate of 2
        "2022,山西省,晋中市,榆次区,东阳镇,冯村,140702100208,\"1,2345\",5",               # 12: bad grouping
        "2022,山西省,晋中市,榆次区,东阳镇,陈村,140702100209,20,25",                      # 13: operating > income
    ]) + "\n"
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text))
    assert formatted(report) == [
        "data/villages/a.csv:0:0: 提示: 共 12 行数据，其中 11 行有错误，未计入",
        "data/villages/a.csv:2:7: 错误: 村代码“140702100200”在 2022 年度重复，另见 data/villages/a.csv:11",
        "data/villages/a.csv:3:8: 错误: “集体经济总收入”应为数字，实际为“十二万”",
        "data/villages/a.csv:4:8: 错误: “集体经济总收入”不能为负数，实际为“-3”",
        "data/villages/a.csv:5:4: 错误: 缺少地区：“县”为空",
        "data/villages/a.csv:6:1: 错误: “年度”为空",
        "data/villages/a.csv:6:9: 错误: “经营性收入”为空",
        "data/villages/a.csv:7:1: 错误: “年度”应为年份（如 2022），实际为“22”",
        "data/villages/a.csv:7:7: 错误: “村代码”应为 12 位数字，实际为“1407”",
        "data/villages/a.csv:8:6: 错误: 疑似合计行（“村”为“合计”），不应出现在村级数据中",
        "data/villages/a.csv:9:10: 错误: 本行比表头多出内容“5”（数字里的逗号是否未加引号？）",
        "data/villages/a.csv:10:5: 错误: “乡镇”不能包含“/”，实际为“东阳/西阳镇”",
        "data/villages/a.csv:10:10: 错误: 本行比表头多出内容“5”（数字里的逗号是否未加引号？）",
        "data/villages/a.csv:11:7: 错误: 村代码“140702100200”在 2022 年度重复，另见 data/villages/a.csv:2",
        "data/villages/a.csv:12:8: 错误: “集体经济总收入”应为数字，实际为“1,2345”",
        "data/villages/a.csv:13:9: 警告: “经营性收入”（25 万元）大于“集体经济总收入”（20 万元）",
    ]
    assert list(frame["village"]) == ["陈村"]  # a warning keeps the row


def test_header_problems(tmp_path):
    text = "年度,市,县,乡镇,村,村,集体经济总收入（美元）,备注\n2022,晋中市,榆次区,东阳镇,张庆村,张庆村,1,x\n"
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text))
    assert frame.empty
    assert formatted(report) == [
        "data/villages/a.csv:1:0: 错误: 因表头错误，本表 1 行数据均未计入",
        "data/villages/a.csv:1:0: 错误: 缺少必需的列“经营性收入”",
        "data/villages/a.csv:1:6: 错误: 重复的列“村”（第 5 列已有）",
        "data/villages/a.csv:1:7: 错误: “集体经济总收入”的单位“美元”无法识别，应为万元、元或千元",
        "data/villages/a.csv:1:8: 错误: 未知的列“备注”",
    ]

    text = "年度（年）,市,县,乡镇,村,集体经济总收入,经营性收入,备注\n2022,晋中市,榆次区,东阳镇,张庆村,30,15,\n"
    frame, report = read(tmp_path, write(tmp_path, "b.csv", text))
    assert len(frame) == 1  # not fatal: the rows are still read and checked
    assert formatted(report) == [
        "data/villages/b.csv:1:1: 错误: “年度”不应带单位“年”",
        "data/villages/b.csv:1:8: 错误: 未知的列“备注”",
    ]


def test_title_rows_multiline_cells_and_empty_province(tmp_path):
    text = (
        "晋中市村级集体经济收入统计表,,,,,,,,\n"
        f"{HEADER}\n"
        '2022,,晋中市,榆次区,东阳镇,"张庆\n村",140702100200,25.5,12\n'
        f"{ROW_B}\n"
    )
    frame, report = read(tmp_path, write(tmp_path, "a.csv", text))
    assert formatted(report) == ["data/villages/a.csv:2:0: 提示: 表头在第 2 行，其上 1 行（标题等）未读取"]
    assert list(frame["row"]) == [3, 5]
    assert list(frame["province"]) == ["山西省", "山西省"]


def test_duplicates_across_files_and_by_name(tmp_path):
    a = write(tmp_path, "a.csv", "年度,市,县,乡镇,村,集体经济总收入,经营性收入\n2022,晋中市,榆次区,东阳镇,张庆村,30,15\n")
    b = write(tmp_path, "b.csv", "年度,市,县,乡镇,村,集体经济总收入,经营性收入\n2021,晋中市,榆次区,东阳镇,张庆村,20,10\n"
                                 "2022,晋中市,榆次区,东阳镇,张庆村,31,16\n")
    frame, report = read(tmp_path, b, a)
    assert formatted(report) == [
        "data/villages/a.csv:0:0: 提示: 共 1 行数据，其中 1 行有错误，未计入",
        "data/villages/a.csv:2:5: 错误: 村“山西省/晋中市/榆次区/东阳镇/张庆村”在 2022 年度重复，另见 data/villages/b.csv:3",
        "data/villages/b.csv:0:0: 提示: 共 2 行数据，其中 1 行有错误，未计入",
        "data/villages/b.csv:3:5: 错误: 村“山西省/晋中市/榆次区/东阳镇/张庆村”在 2022 年度重复，另见 data/villages/a.csv:2",
    ]
    assert frame[["year", "file", "row"]].values.tolist() == [[2021, "data/villages/b.csv", 2]]


def test_sidecar(tmp_path):
    path = write(tmp_path, "a.csv", f"{HEADER}\n{ROW_A}\n")
    write(tmp_path, "a.yml", "source: 示例来源\nsample: true\nnote: 说明\n")
    frame, report = read(tmp_path, path, tmp_path / "data" / "villages" / "a.yml")
    assert formatted(report) == []
    assert (bool(frame.iloc[0]["sample"]), frame.iloc[0]["source"]) == (True, "示例来源")

    write(tmp_path, "a.yml", "source: 示例来源\nsample: 是\nsampel: true\n")
    frame, report = read(tmp_path, path)
    assert formatted(report) == [
        "data/villages/a.yml:2:9: 错误: “sample”应为 true 或 false",
        "data/villages/a.yml:3:1: 错误: 未知字段“sampel”",
    ]
    assert len(frame) == 1


def test_unsupported_files(tmp_path):
    frame, report = read(tmp_path, write(tmp_path, "old.xls", ""), write(tmp_path, "a.txt", ""))
    assert formatted(report) == [
        "data/villages/a.txt:1:0: 错误: 不支持的文件类型“.txt”，应为 .csv 或 .xlsx",
        "data/villages/old.xls:1:0: 错误: 不支持旧版 .xls 格式，请另存为 .xlsx",
    ]


XLSX_HEADER = ["年度", "市", "县", "乡镇", "村", "村代码", "集体经济总收入（万元）", "经营性收入(元)"]


def save_workbook(root: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    path = root / "data" / "villages" / "b.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def test_xlsx_first_sheet_with_numbers_and_merged_cells(tmp_path):
    path = save_workbook(tmp_path, {
        "村级数据": [
            XLSX_HEADER,
            [2022, "晋中市", "榆次区", "东阳镇", "张庆村", 140702100200, 25.5, 120000],
            [2022.0, "晋中市", None, "东阳镇", "李家庄村", None, 18, 95000.0],
        ],
    }, {"村级数据": ["C2:C3"]})
    frame, report = read(tmp_path, path)
    assert formatted(report) == []
    assert frame[["year", "county", "village", "code", "income", "operating", "row"]].values.tolist() == [
        [2022, "榆次区", "张庆村", "140702100200", 25.5, 12.0, 2],
        [2022, "榆次区", "李家庄村", None, 18.0, 9.5, 3],
    ]


def test_xlsx_every_matching_sheet(tmp_path):
    path = save_workbook(tmp_path, {
        "说明": [["本表由各县填报"]],
        "2021": [XLSX_HEADER, [2021, "晋中市", "榆次区", "东阳镇", "张庆村", "140702100200", 20, 90000]],
        "2022": [["2022年数据"], XLSX_HEADER,
                 [2022, "晋中市", "榆次区", "东阳镇", "张庆村", "140702100200", "二十", 100000],
                 [2022, "晋中市", "榆次区", "东阳镇", "张庆村", "140702100200", 25.5, 120000]],
        "空白": [],
    })
    frame, report = read(tmp_path, path)
    assert formatted(report) == [
        "data/villages/b.xlsx:0:0: 提示: 工作表“2022”：共 2 行数据，其中 1 行有错误，未计入",
        "data/villages/b.xlsx:1:0: 提示: 工作表“说明”不是村级数据表，未读取",
        "data/villages/b.xlsx:2:0: 提示: 工作表“2022”：表头在第 2 行，其上 1 行（标题等）未读取",
        "data/villages/b.xlsx:3:7: 错误: 工作表“2022”：“集体经济总收入”应为数字，实际为“二十”",
    ]
    assert frame[["year", "income", "row"]].values.tolist() == [[2021, 20.0, 2], [2022, 25.5, 4]]


def test_xlsx_duplicate_across_sheets_names_the_sheet(tmp_path):
    row = [2022, "晋中市", "榆次区", "东阳镇", "张庆村", "140702100200", 20, 90000]
    path = save_workbook(tmp_path, {"甲": [XLSX_HEADER, row], "乙": [XLSX_HEADER, row]})
    frame, report = read(tmp_path, path)
    assert frame.empty
    assert formatted(report)[2:] == [
        "data/villages/b.xlsx:2:6: 错误: 工作表“乙”：村代码“140702100200”在 2022 年度重复，"
        "另见 data/villages/b.xlsx:2（工作表“甲”）",
        "data/villages/b.xlsx:2:6: 错误: 工作表“甲”：村代码“140702100200”在 2022 年度重复，"
        "另见 data/villages/b.xlsx:2（工作表“乙”）",
    ]
