"""Resource limits: bombs and giant files are refused in seconds, in Chinese, with bounded memory.

Each case runs `jianbao check` in a child process that reports its own time and peak
memory (ru_maxrss) after the imports, so one case cannot hide behind another.
Big files are made in tmp_path (sparse where the size is all that matters).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import write

pytestmark = pytest.mark.e2e  # each limit is tried on a file of its full size: slow

RUNNER = r"""
import json, resource, sys, time
import generator.build, generator.data.load, generator.data.tables, generator.data.xlsx, python_calamine  # imports are not what we measure
from generator.commands.cli import main
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
code = 0
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "seconds": seconds, "growth_mb": (after - before) / 1024}, out)
"""
SECONDS = 15  # "within seconds", with room for a slow CI machine
GROWTH_MB = 500


def check_in_child(tmp_path: Path, project: Path) -> tuple[dict, str]:
    result_file = tmp_path / "result.json"
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(result_file), "check", "--project", str(project)],
                          capture_output=True, text=True, timeout=300)
    assert result_file.is_file(), proc.stderr[-3000:]
    result = json.loads(result_file.read_text())
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return result, proc.stdout + proc.stderr


def assert_refused(result: dict, output: str, expected: str) -> None:
    assert result["code"] == 1, output[-2000:]
    assert expected in output, output[-2000:]
    assert result["seconds"] < SECONDS, result
    assert result["growth_mb"] < GROWTH_MB, result


CASE = "content/cases/bomb.yml"


def test_yaml_alias_bomb(tmp_path, mini):
    lines = ["a0: &a0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]"]
    for i in range(1, 10):  # 10^10 strings if expanded
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]")
    write(mini / CASE, "\n".join(lines) + "\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, f"{CASE}:")
    assert "YAML 内容过多（超过 200000 个值，可能是别名展开炸弹）" in output


@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_yaml_nested_ten_thousand_levels(tmp_path, mini, opening, closing):
    write(mini / CASE, opening * 10_000 + "1" + closing * 10_000 + "\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, f"{CASE}:1:")
    assert "错误: YAML 嵌套过深（超过 64 层）" in output


def test_yaml_block_nesting_ten_thousand_levels(tmp_path, mini):
    write(mini / CASE, "- " * 10_000 + "1\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "错误: YAML 嵌套过深（超过 64 层）")


def test_yaml_file_of_one_100_mb_line(tmp_path, mini):
    (mini / CASE).parent.mkdir(parents=True, exist_ok=True)
    with (mini / CASE).open("wb") as out:
        out.write(b"title: ")
        out.write(b"x" * (100 * 1024 * 1024))
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, f"{CASE}:1:1: 错误: 文件过大（100.0 MB），内容文件不能超过 5 MB")


def test_markdown_page_of_one_100_mb_line(tmp_path, mini):
    page = mini / "content/pages/big.md"
    page.parent.mkdir(parents=True)
    with page.open("wb") as out:
        out.seek(100 * 1024 * 1024 - 1)
        out.write(b"x")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "content/pages/big.md:1:1: 错误: 文件过大（100.0 MB），内容文件不能超过 5 MB")


def test_content_template_bomb(tmp_path, mini):
    path = mini / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", "正文{{ [1] * 10**9 }}{{ 10**10**10 }}。"), encoding="utf-8")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, '文本模板有误：只能写 {{ ind("指标", "地区/路径", 年度) }}，不能使用运算、过滤器、循环或宏')


INDICATORS = "default_province: 山西省\nindicators:\n  villages: {name: 行政村个数, unit: 个, kind: count}\n"
HEADER = "年度,市,县,乡镇,村,集体经济总收入,经营性收入\n"


def with_table(project: Path, name: str) -> Path:
    write(project / "data/indicators.yml", INDICATORS)
    path = project / "data/villages" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_table_of_200_mb(tmp_path, mini):
    path = with_table(mini, "big.csv")
    with path.open("wb") as out:  # sparse: only the size matters, and it is never read
        out.write(HEADER.encode())
        out.seek(200 * 1024 * 1024 - 1)
        out.write(b"\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/big.csv:1:0: 错误: 文件过大（200.0 MB），村级数据表不能超过 64 MB：请按年度或地区拆分为多个文件")


def test_csv_of_one_100_mb_line(tmp_path, mini):
    path = with_table(mini, "line.csv")
    with path.open("wb") as out:
        out.write(HEADER.encode().rstrip(b"\n"))
        out.write(b"x" * (100 * 1024 * 1024))
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/line.csv:1:0: 错误: 文件过大（100.0 MB），村级数据表不能超过 64 MB")


def test_csv_line_and_column_limits(tmp_path, mini):
    path = with_table(mini, "long.csv")
    path.write_bytes(HEADER.encode() + b"2022,a,b,c,d,1,1\n" * 3 + b"2022," + b"x" * (1024 * 1024) + b"\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/long.csv:5:0: 错误: 第 5 行过长（超过 16 KB），村级数据表每行只是一个村的数据：请检查是否选错了文件或分隔符")
    path.write_bytes(HEADER.encode() + b"," * 5_000_000 + b"\n")
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/long.csv:2:0: 错误: 第 2 行过长")
    path.write_bytes(HEADER.encode() + (b"," * 1000 + b"\n") * 3)
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/long.csv:2:0: 错误: 第 2 行的字段过多（超过 200 列）")


def test_xlsx_zip_bomb(tmp_path, mini):
    path = with_table(mini, "bomb.xlsx")
    chunk = b"<c><v>0</v></c>" * 65536
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300 * 1024 * 1024 // len(chunk)):
                member.write(chunk)
    assert path.stat().st_size < 5 * 1024 * 1024
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/bomb.xlsx:1:0: 错误: Excel 文件解压后过大（300 MB），不能超过 128 MB")


def test_xlsx_with_a_stray_cell_far_away(tmp_path, mini):
    import openpyxl

    path = with_table(mini, "stray.xlsx")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([2022, "晋中市", "榆次区", "东阳镇", "张庆村", 30, 12])
    sheet["XFD1048576"] = "x"  # 17 billion cells if every row were read as wide as the sheet
    workbook.save(path)
    result, output = check_in_child(tmp_path, mini)
    assert_refused(result, output, "data/villages/stray.xlsx:1:0: 错误: 工作表“Sheet”的使用范围过大（1048576 行 × 16384 列）")
