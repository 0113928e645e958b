"""jianbao import: past bulletins (.txt from PDF, .docx) → content/ YAML files."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.importing.bulletin_parse import Line, cn_number, join_breaks, parse_bulletin, split_recipients
from generator.content.load import load_project
from generator.errors import ContentError, Level, Report
from generator.importing.import_types import Document
from generator.importing.importer import import_files
from generator.importing.yaml_text import render_yaml, summary_lines
from generator.content.models import CaseArticle, TextArticle
from generator.content.validate import validate_project
from generator.content.yamlsrc import parse_yaml

REPO = Path(__file__).resolve().parent.parent
SEED = Path("/work/shared/seeds/004_1b918d74ee733bf2.txt")
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="seed 004 not available")

SHORT = """\
内部资料
山西省乡村振兴 简报

增刊第 2 期 ( 总第 9 期 )

山西省乡村振兴局        二〇二三年五月十二日

某某县扎实推进村级集体经济发展

某某县坚持党建引领，推动集体经济提质增效。**上下联动、高位推动。**县里成立工作专班，
统筹推进各项工作。

发：各市县乡村振兴局。

山西省乡村振兴局综合处    2023 年 5 月 12 日印发

（共印 150 份）
"""


# ---------------------------------------------------------------- helpers

def fresh_project(root: Path) -> Path:
    """A project with only the sample's series.yml."""
    (root / "content").mkdir(parents=True)
    shutil.copy(REPO / "content" / "series.yml", root / "content" / "series.yml")
    return root


def check_project(root: Path) -> Report:
    report = Report()
    validate_project(load_project(root, report), report)
    return report


def errors(report: Report) -> list[str]:
    return [p.format() for p in report.problems if p.level == Level.ERROR]


def loaded(root: Path):
    report = Report()
    project = load_project(root, report)
    assert not errors(report)
    return project


def lines_of(text: str) -> list[Line]:
    return [Line(l.strip(), n) for n, l in enumerate(text.splitlines(), 1) if l.strip()]


def case_text(case) -> str:
    """Every text of a case in reading order, without spaces or bold markers."""
    parts = [case.lead]
    for section in case.sections:
        parts += [section.heading, section.body] + [f"{p.lead or ''}{p.text}" for p in section.points]
    return re.sub(r"\s|\*\*", "", "".join(parts))


# ---------------------------------------------------------------- the seed

@needs_seed
def test_seed_reproduces_sample_issue(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    result = import_files([SEED], root, None, False)
    assert not errors(result.report), errors(result.report)
    assert errors(check_project(root)) == []

    sample = next(d.model for d in loaded(REPO).issues if d.path.endswith("2023/007.yml"))
    imported = loaded(root)
    issue = imported.issues[0].model
    assert imported.issues[0].path == "content/briefings/2023/007.yml"
    for key in ("series", "year", "number", "total", "kind", "date", "distribution", "printed_by", "printed_date", "classification"):
        assert getattr(issue, key) == getattr(sample, key), key
    assert (issue.year, issue.number, issue.total, issue.date) == (2023, 7, 62, dt.date(2023, 3, 31))

    expected = next(d.model for d in loaded(REPO).cases if d.model.id == "jinzhong-six-focus")
    case = imported.cases[0].model
    assert issue.articles == [CaseArticle(case=case.id)]
    assert case.title == expected.title
    assert case.region == expected.region
    assert case.lead == expected.lead
    assert [s.heading for s in case.sections] == [s.heading for s in expected.sections]
    assert len(case.sections) == 6
    for got, want in zip(case.sections, expected.sections):
        assert got.body == want.body
        assert [(p.lead, p.text) for p in got.points] == [(p.lead, p.text) for p in want.points]
    text = (root / "content" / "cases" / f"{case.id}.yml").read_text(encoding="utf-8")
    for joined in ("持续发力", "传统村落", "基层党组织组织力", "主体作用凸显，内生动力倍增。"):
        assert joined in text
    # The lead whose bold was lost in the PDF is marked for checking.
    assert "# 待确认：导语“多方合作、联合发展”在原文中没有加粗" in text
    assert any("多方合作、联合发展" in note for note in result.uncertain)


@needs_seed
def test_round_trip_keeps_every_sentence(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    import_files([SEED], root, None, False)
    imported = case_text(loaded(root).cases[0].model)
    raw = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(raw) if l.startswith("晋中市围绕"))
    end = next(i for i, l in enumerate(raw) if l.startswith("发："))
    body = "".join(re.sub(r"^[一二三四五六七八九十]+、", "", l.strip()) for l in raw[start:end])
    sentences = [s for s in re.sub(r"\s|\*\*", "", body).split("。") if s]
    assert len(sentences) > 40
    missing = [s for s in sentences if s not in imported]
    assert missing == []


@needs_seed
def test_gbk_text_is_detected(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "gbk.txt"
    source.write_bytes(SEED.read_text(encoding="utf-8").encode("gbk"))
    result = import_files([source], root, None, False)
    assert not errors(result.report)
    assert f"{source.as_posix()}:1:1: 提示: 文件编码为 GB18030，已自动转换" in [p.format() for p in result.report.problems]
    assert loaded(root).issues[0].model.total == 62


@needs_seed
def test_duplicate_number_refused_then_forced(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "content", root / "content")
    before = (root / "content/briefings/2023/007.yml").read_text(encoding="utf-8")
    result = import_files([SEED], root, None, False)
    assert errors(result.report) == [
        f"{SEED.as_posix()}:5:1: 错误: 期号重复：2023 年正刊第 7 期已在 content/briefings/2023/007.yml 中，未导入（确需覆盖请加 --force）"
    ]
    assert result.written == [] and result.failed == [SEED.as_posix()]
    assert (root / "content/briefings/2023/007.yml").read_text(encoding="utf-8") == before

    case_before = (root / "content/cases/jinzhong-six-focus.yml").read_text(encoding="utf-8")
    forced = import_files([SEED], root, None, True)
    assert not errors(forced.report), errors(forced.report)
    after = (root / "content/briefings/2023/007.yml").read_text(encoding="utf-8")
    assert after != before and "由 jianbao import" in after
    # The hand-made case with the same title is referenced, not duplicated or overwritten.
    assert "  - case: jinzhong-six-focus" in after
    assert (root / "content/cases/jinzhong-six-focus.yml").read_text(encoding="utf-8") == case_before
    assert sorted(p.name for p in (root / "content/cases").iterdir()) == ["county-six-moves.yml", "jinzhong-six-focus.yml"]
    assert errors(check_project(root)) == []


@needs_seed
@pytest.mark.parametrize("width", [22, 28])
def test_hard_wrapped_text_gives_the_same_case(width: int) -> None:
    """Text extracted line by line (28 characters a printed line) parses like the seed."""
    seed = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    wrapped: list[str] = []
    for line in seed:
        cuts = [0]
        while len(line) - cuts[-1] > width:
            cut = cuts[-1] + width
            while line[cut - 1] in "* " or line[cut] in "* ":  # keep ** markers and numbers whole
                cut += 1
            cuts.append(cut)
        wrapped += [line[a:b] for a, b in zip(cuts, cuts[1:] + [len(line)])] if len(line) > 40 else [line]

    def shape(text_lines: list[str]):
        bulletin = parse_bulletin(lines_of("\n".join(text_lines)), rejoin=True)
        return [(a.title, a.lead, [(s.heading, s.body, [(p.lead, p.text) for p in s.points]) for s in a.sections]) for a in bulletin.articles]

    assert len(wrapped) > 3 * len(seed)
    assert shape(wrapped) == shape(seed)


EXISTING = """\
series: sxxczx
year: 2023
number: 5
total: {total}
date: 2023-03-10
articles:
  - title: 第五期文章
    body: 正文。
"""


@needs_seed
@pytest.mark.parametrize(("total", "message"), [
    (60, None),
    (58, "总期号与期号不一致：content/briefings/2023/005.yml 为第 5 期（总第 58 期），本期第 7 期应为总第 60 期，实际为总第 62 期，未导入（核对无误后可加 --force 导入）"),
    (62, "总期号重复：总第 62 期已在 content/briefings/2023/005.yml 中（2023 年第 5 期），未导入（核对无误后可加 --force 导入）"),
])
def test_total_checked_against_archive(tmp_path: Path, total: int, message: str | None) -> None:
    root = fresh_project(tmp_path / "p")
    (root / "content/briefings/2023").mkdir(parents=True)
    (root / "content/briefings/2023/005.yml").write_text(EXISTING.format(total=total), encoding="utf-8")
    result = import_files([SEED], root, None, False)
    expected = [f"{SEED.as_posix()}:5:1: 错误: {message}"] if message else []
    assert errors(result.report) == expected
    assert (root / "content/briefings/2023/007.yml").exists() == (message is None)


# ---------------------------------------------------------------- .docx

def make_docx(path: Path) -> Path:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_paragraph("内部资料")
    masthead = document.add_paragraph()
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    masthead.add_run("山西省乡村振兴简报").font.color.rgb = RGBColor(0xE0, 0x10, 0x10)
    number = document.add_paragraph("第８期（总第６３期）")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("山西省乡村振兴局\t\t2023年4月15日")
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("某某市多措并举壮大村级集体经济").bold = True
    document.add_paragraph("某某市坚持多措并举，村级集体经济持续壮大。")
    for number_word, heading, leads in (
        ("一", "强化组织领导，凝聚发展合力", ["上下联动、高位推动。", "从严考核、", "强化激励。"]),
        ("二", "强化要素保障，破解资金难题", ["强化资金保障。"]),
    ):
        paragraph = document.add_paragraph(f"{number_word}、{heading}。针对认识不足的问题，持续发力。")
        for lead in leads:
            paragraph.add_run(lead).bold = True
            if not lead.endswith("、"):
                paragraph.add_run(f"围绕{lead[:2]}开展工作，成效明显。")
    document.add_paragraph("发：各市县乡村振兴局。")
    document.add_paragraph("送：省委、省政府分管领导；省直相关单位。")
    document.add_paragraph("山西省乡村振兴局综合处\t2023年4月15日印发")
    document.add_paragraph("（共印 120 份）")
    document.save(str(path))
    return path


def test_docx_keeps_bold_leads(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = make_docx(tmp_path / "008.docx")
    result = import_files([source], root, None, False)
    assert not errors(result.report), errors(result.report)
    assert errors(check_project(root)) == []
    project = loaded(root)
    issue = project.issues[0].model
    assert (issue.number, issue.total, issue.date, issue.classification, issue.copies) == (8, 63, dt.date(2023, 4, 15), "内部资料", 120)
    assert [(d.label, d.to) for d in issue.distribution or []] == [("发", ["各市县乡村振兴局"]), ("送", ["省委、省政府分管领导", "省直相关单位"])]
    assert issue.printed_by == "山西省乡村振兴局综合处"
    case = project.cases[0].model
    assert case.title == "某某市多措并举壮大村级集体经济"
    assert case.region == "山西省/某某市"
    assert case.lead == "某某市坚持多措并举，村级集体经济持续壮大。"
    assert [s.heading for s in case.sections] == ["强化组织领导，凝聚发展合力", "强化要素保障，破解资金难题"]
    assert [p.lead for p in case.sections[0].points] == ["上下联动、高位推动", "从严考核、强化激励"]
    assert case.sections[0].body == "针对认识不足的问题，持续发力。"
    assert case.sections[1].points[0].text == "围绕强化开展工作，成效明显。"


def test_corrupt_docx(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "broken.docx"
    source.write_bytes(os.urandom(2048))
    result = import_files([source], root, None, False)
    assert errors(result.report) == [f"{source.as_posix()}:1:1: 错误: 无法读取 Word 文档：文件已损坏或不是 .docx 格式"]


# ---------------------------------------------------------------- bad inputs and batches

def test_empty_and_non_bulletin_reported_others_imported(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"  \n\n")
    (folder / "b-report.txt").write_text("某县村集体经济工作总结\n\n一、工作概况\n\n全县共有行政村若干个。\n", encoding="utf-8")
    (folder / "c-short.txt").write_text(SHORT, encoding="utf-8")
    (folder / "notes.md").write_text("不是输入", encoding="utf-8")
    result = import_files([folder], root, None, False)
    assert errors(result.report) == [
        f"{(folder / 'a-empty.txt').as_posix()}:1:1: 错误: 文件为空，没有可导入的内容",
        f"{(folder / 'b-report.txt').as_posix()}:1:1: 错误: 不是简报：开头找不到期号行（如“第 7 期（总第 62 期）”），未导入",
    ]
    assert [item.source for item in result.imported] == [(folder / "c-short.txt").as_posix()]
    assert result.failed == [(folder / "a-empty.txt").as_posix(), (folder / "b-report.txt").as_posix()]
    assert summary_lines(result)[-1].startswith("导入 1 个文件，失败 2 个")
    assert errors(check_project(root)) == []


def test_short_article_stays_inline(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "zk.txt"
    source.write_text(SHORT, encoding="utf-8")
    result = import_files([source], root, None, False)
    assert not errors(result.report)
    assert [p.relative_to(root).as_posix() for p in result.written] == ["content/briefings/2023/zk-002.yml"]
    issue = loaded(root).issues[0].model
    assert (issue.kind, issue.number, issue.total, issue.date, issue.copies) == ("supplement", 2, 9, dt.date(2023, 5, 12), 150)
    assert issue.articles == [TextArticle(
        title="某某县扎实推进村级集体经济发展",
        body="某某县坚持党建引领，推动集体经济提质增效。**上下联动、高位推动。**县里成立工作专班，统筹推进各项工作。",
    )]


ZHEJIANG = """\
内部资料
注意保存
浙江省农业农村厅 工作简报
第 12 期（总第 345 期）
浙江省农业农村厅办公室        2022年6月20日
某某县扎实推进强村富民
某某县深化“千万工程”，村级集体经济持续壮大，全县经营性收入50万元以上的村占比过半。
坚持规划引领，推动产业集聚发展
某某县以规划为引领，推动农业产业向园区集聚，全县建成现代农业园区十个。
（本期责任编辑：张三）
────────────────
报：农业农村部，省委、省政府领导。
送：各市、县（市、区）农业农村局；厅机关各处室。
________________
浙江省农业农村厅办公室  2022年6月20日印发
"""

ZHEJIANG_SERIES = """\
# 浙江省农业农村厅工作简报：把 id 改为简短的标识（小写字母、数字和连字符，如拼音缩写），核对编印单位和报尾
- id: series-2
  name: 浙江省农业农村厅工作简报
  masthead: [浙江省农业农村厅, 工作简报]
  issuer: 浙江省农业农村厅办公室
  printed_by: 浙江省农业农村厅办公室
  distribution:
    - label: 报
      to: [农业农村部, 省委、省政府领导]
    - label: 送
      to: [各市、县（市、区）农业农村局, 厅机关各处室]
"""


def test_masthead_of_no_series_stops_the_import(tmp_path: Path) -> None:
    """A 浙江 bulletin in a project that has only the 山西 series: not filed under sxxczx (item 2)."""
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "zj.txt"
    source.write_text(ZHEJIANG, encoding="utf-8")
    result = import_files([source], root, None, False)
    assert errors(result.report) == [
        f"{source.as_posix()}:3:1: 错误: 报头“浙江省农业农村厅工作简报”与 content/series.yml 中的简报系列（sxxczx（山西省乡村振兴简报））都不一致，未导入："
        "请把下面列出的几行加入 content/series.yml 后再导入；若它确属已有系列（如机构改名前的旧报头），用 --series ID 指定"
    ]
    assert result.written == [] and not (root / "content/briefings").exists()
    assert result.series_hints == {"浙江省农业农村厅工作简报": ZHEJIANG_SERIES}

    # The lines, added as they are, make the import work: two series now, so the series' own folder.
    with (root / "content/series.yml").open("a", encoding="utf-8") as handle:
        handle.write(ZHEJIANG_SERIES)
    again = import_files([source], root, None, False)
    assert not errors(again.report), errors(again.report)
    assert [p.relative_to(root).as_posix() for p in again.written] == ["content/briefings/series-2/2022/012.yml"]
    text = (root / "content/briefings/series-2/2022/012.yml").read_text(encoding="utf-8")
    assert "series: series-2\n" in text and "draft: false\n" in text


def test_masthead_of_no_series_cli_prints_the_series_lines(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.commands.cli import main

    root = fresh_project(tmp_path / "p")
    source = tmp_path / "zj.txt"
    source.write_text(ZHEJIANG, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "--project", str(root), str(source)])
    assert result.exit_code == 1, result.output
    assert "报头“浙江省农业农村厅工作简报”的系列，可加入 content/series.yml：\n" + ZHEJIANG_SERIES in result.output
    assert "Traceback" not in result.output


def test_series_flag_imports_a_foreign_masthead_with_a_warning(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "zj.txt"
    source.write_text(ZHEJIANG, encoding="utf-8")
    result = import_files([source], root, "sxxczx", False)
    assert errors(result.report) == []
    assert f"{source.as_posix()}:3:1: 警告: 报头“浙江省农业农村厅工作简报”与简报系列 sxxczx（山西省乡村振兴简报）不一致，按 --series sxxczx 导入" in [
        p.format() for p in result.report.problems]
    issue = loaded(root).issues[0].model
    assert (issue.series, issue.draft, issue.year, issue.number) == ("sxxczx", False, 2022, 12)


def test_several_series_unknown_masthead_and_series_folder(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    with (root / "content/series.yml").open("a", encoding="utf-8") as handle:
        handle.write("- id: other\n  name: 其他简报\n  masthead: [其他, 简报]\n  issuer: 其他局\n")
    source = tmp_path / "x.txt"
    source.write_text(SHORT.replace("山西省乡村振兴 简报", "某某工作简报"), encoding="utf-8")
    result = import_files([source], root, None, False)
    assert errors(result.report) == [
        f"{source.as_posix()}:2:1: 错误: 报头“某某工作简报”与 content/series.yml 中的简报系列（sxxczx（山西省乡村振兴简报）、other（其他简报））都不一致，未导入："
        "请把下面列出的几行加入 content/series.yml 后再导入；若它确属已有系列（如机构改名前的旧报头），用 --series ID 指定"
    ]
    assert "- id: series-2\n  name: 某某工作简报\n  masthead: [某某工作简报]\n  issuer: 山西省乡村振兴局\n" in result.series_hints["某某工作简报"]
    forced = import_files([source], root, "other", False)
    assert not errors(forced.report)
    # Two series in the project: content/briefings/<series>/<year>/<NNN>.yml (SPEC §3.2).
    assert [p.relative_to(root).as_posix() for p in forced.written] == ["content/briefings/other/2023/zk-002.yml"]
    assert "series: other\n" in (root / "content/briefings/other/2023/zk-002.yml").read_text(encoding="utf-8")
    # A matching masthead still goes into its own series' folder.
    matching = tmp_path / "sx.txt"
    matching.write_text(SHORT.replace("增刊第 2 期 ( 总第 9 期 )", "增刊第 3 期 ( 总第 10 期 )"), encoding="utf-8")
    assert [p.relative_to(root).as_posix() for p in import_files([matching], root, None, False).written] == ["content/briefings/sxxczx/2023/zk-003.yml"]


def test_no_masthead_needs_the_series_flag(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "x.txt"
    source.write_text(SHORT.replace("山西省乡村振兴 简报\n", ""), encoding="utf-8")
    result = import_files([source], root, None, False)
    assert errors(result.report) == [
        f"{source.as_posix()}:1:1: 错误: 找不到报头（期号行之前没有简报名称），无法确定简报系列，未导入：请用 --series ID 指定（已有：sxxczx（山西省乡村振兴简报））"
    ]


def test_footer_rules_editor_markings_and_comma_title(tmp_path: Path) -> None:
    """Items 17-19: recipients, rule lines, the editor line, every marking, a title with a comma."""
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "zj.txt"
    source.write_text(ZHEJIANG, encoding="utf-8")
    assert not errors(import_files([source], root, "sxxczx", False).report)
    issue = loaded(root).issues[0].model
    assert issue.classification == ["内部资料", "注意保存"]
    assert issue.editor == "张三"
    assert [(d.label, d.to) for d in issue.distribution or []] == [
        ("报", ["农业农村部", "省委、省政府领导"]),
        ("送", ["各市、县（市、区）农业农村局", "厅机关各处室"]),
    ]
    assert issue.printed_by == "浙江省农业农村厅办公室"
    assert issue.articles == [
        TextArticle(title="某某县扎实推进强村富民", body="某某县深化“千万工程”，村级集体经济持续壮大，全县经营性收入50万元以上的村占比过半。"),
        TextArticle(title="坚持规划引领，推动产业集聚发展", body="某某县以规划为引领，推动农业产业向园区集聚，全县建成现代农业园区十个。"),
    ]
    text = (root / "content/briefings/2022/012.yml").read_text(encoding="utf-8")
    assert "classification: [内部资料, 注意保存]\n" in text and "editor: 张三\n" in text
    assert "──" not in text and "__" not in text and "责任编辑" not in text
    assert errors(check_project(root)) == []


@pytest.mark.parametrize("rule", ["────────", "———", "___", "＿＿＿＿", "-----", "━━━━━━"])
def test_rule_lines_are_dropped(rule: str) -> None:
    text = SHORT.replace("发：各市县乡村振兴局。", f"{rule}\n发：各市县乡村振兴局。\n{rule}")
    bulletin = parse_bulletin(lines_of(text), rejoin=True)
    assert [(r.label, r.to) for r in bulletin.distribution] == [("发", ["各市县乡村振兴局"])]
    assert bulletin.articles[-1].paragraphs[-1].endswith("统筹推进各项工作。")
    assert bulletin.dropped == []


@pytest.mark.parametrize("line", ["（本期责任编辑：李某某）", "(本期责任编辑: 李某某)", "责任编辑：李某某", "（本期责任编辑：李某某 ）"])
def test_editor_line_forms(line: str) -> None:
    bulletin = parse_bulletin(lines_of(SHORT.replace("\n发：", f"\n{line}\n发：")), rejoin=True)
    assert bulletin.editor == "李某某"
    assert not any("责任编辑" in p for a in bulletin.articles for p in a.paragraphs)


def test_markings_on_one_line_are_all_kept() -> None:
    bulletin = parse_bulletin(lines_of(SHORT.replace("内部资料", "内部资料  注意保存")), rejoin=True)
    assert bulletin.classification == ["内部资料", "注意保存"]


MULTI = """\
山西省乡村振兴简报
第 3 期（总第 58 期）
山西省乡村振兴局 2023年2月1日
大同市云州区做强黄花产业
云州区把黄花产业作为主导产业。
一、强化规划引领
（一）科学布局。全区规划种植区域。
（二）完善设施。建设冷库和烘干设施。
二、强化利益联结
1.订单收购。企业与农户签订订单。
2.保底分红。村集体按股分红。
朔州市推进农村人居环境整治
朔州市扎实开展村庄清洁行动，成效明显。
发：各市县乡村振兴局。
山西省乡村振兴局综合处 2023年2月1日印发
"""


def test_two_articles_sub_sections_and_numbered_points(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    source = tmp_path / "003.txt"
    source.write_text(MULTI, encoding="utf-8")
    result = import_files([source], root, None, False)
    assert not errors(result.report), errors(result.report)
    assert errors(check_project(root)) == []
    project = loaded(root)
    issue = project.issues[0].model
    assert issue.articles == [
        CaseArticle(case="sxxczx-2023-003"),
        TextArticle(title="朔州市推进农村人居环境整治", body="朔州市扎实开展村庄清洁行动，成效明显。"),
    ]
    case = project.cases[0].model
    assert case.region == "山西省/大同市/云州区"
    first, second = case.sections
    assert (first.heading, first.body) == ("强化规划引领", "")
    assert [(s.heading, s.body) for s in first.sections] == [("科学布局", "全区规划种植区域。"), ("完善设施", "建设冷库和烘干设施。")]
    assert [(p.lead, p.text) for p in second.points] == [("订单收购", "企业与农户签订订单。"), ("保底分红", "村集体按股分红。")]
    assert any("拆分出一篇新文章" in note for note in result.uncertain)


@needs_seed
def test_seed_sections_matched_to_model(tmp_path: Path) -> None:
    root = fresh_project(tmp_path / "p")
    shutil.copytree(REPO / "content" / "models", root / "content" / "models")
    assert not errors(import_files([SEED], root, None, False).report)
    case = loaded(root).cases[0].model
    assert case.model == "six-focus-six-solve"
    assert [s.model_item for s in case.sections] == [1, 2, 3, 4, 5, 6]
    assert errors(check_project(root)) == []


def test_missing_series_file_is_a_content_error(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    with pytest.raises(ContentError) as caught:
        import_files([tmp_path / "x.txt"], tmp_path, None, False)
    assert [p.format() for p in caught.value.report.problems] == ["content/series.yml:1:1: 错误: 缺少 content/series.yml（简报系列定义）"]


# ---------------------------------------------------------------- pure parts

@pytest.mark.parametrize("line", ["第 7 期（总第 62 期）", "第7期(总第62期)", "第 ７ 期 （ 总 第 ６２ 期 ）", "第七期（总第六十二期）"])
def test_number_line_forms(line: str) -> None:
    bulletin = parse_bulletin(lines_of(SHORT.replace("增刊第 2 期 ( 总第 9 期 )", line)), rejoin=True)
    assert (bulletin.kind, bulletin.number, bulletin.total) == ("regular", 7, 62)


@pytest.mark.parametrize("date", ["2023 年 3 月 31 日", "2023年3月31日", "二〇二三年三月三十一日"])
def test_date_forms(date: str) -> None:
    bulletin = parse_bulletin(lines_of(SHORT.replace("二〇二三年五月十二日", date)), rejoin=True)
    assert bulletin.date == dt.date(2023, 3, 31)
    assert bulletin.issuer == "山西省乡村振兴局"


def test_chinese_numbers() -> None:
    assert [cn_number(t) for t in ("7", "七", "十", "十二", "三十一", "一百零七", "二〇二三")] == [7, 7, 10, 12, 31, 107, 2023]


@pytest.mark.parametrize(("text", "expected"), [
    ("省委、省政府分管领导；省直相关单位。", ["省委、省政府分管领导", "省直相关单位"]),
    ("各市、县乡村振兴局", ["各市、县乡村振兴局"]),
    ("农业农村部，省委、省政府领导", ["农业农村部", "省委、省政府领导"]),
    ("各市、县（市、区）农业农村局", ["各市、县（市、区）农业农村局"]),
    ("各设区市农业农村局（含宁波，温州）；厅属各单位。", ["各设区市农业农村局（含宁波，温州）", "厅属各单位"]),
    ("本厅领导,各处室;各直属单位.", ["本厅领导", "各处室", "各直属单位"]),
])
def test_recipients_split_on_commas_and_semicolons_only(text: str, expected: list[str]) -> None:
    assert split_recipients(text) == expected


def test_page_breaks_joined_real_breaks_kept() -> None:
    chunks = ["一、标题。方面持", "续发力，夯实基础。**统筹谋划、规**", "**划引领。**构建机制。", "充分挖掘梳理，古村等传统", "村落，引入项目。", "二、下一节", "短标题不与下一行合并", "正文。"]
    joined = join_breaks([Line(text, n) for n, text in enumerate(chunks, 1)])
    assert [l.text for l in joined] == [
        "一、标题。方面持续发力，夯实基础。**统筹谋划、规划引领。**构建机制。", "充分挖掘梳理，古村等传统村落，引入项目。", "二、下一节", "短标题不与下一行合并", "正文。",
    ]


def test_yaml_text_reads_back() -> None:
    data = {
        "title": "“一村一策”、精准高效",
        "body": "第一段。\n\n**导语。**第二段：含 # 号与 a: b",
        "list": ["甲、乙", "a, b", "true", "*"],
        "other": "- 开头是连字符",
        "n": 7,
        "d": dt.date(2023, 3, 31),
        "items": [{"lead": "yes", "text": "2023"}],
    }
    parsed = parse_yaml(render_yaml(Document("x.yml", data, {("n",): ["待确认：测试"]})), "x.yml", Report())
    assert parsed is not None and parsed.data == data
