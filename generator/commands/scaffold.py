"""`jianbao new`: write a commented template for the next issue, a new case or a new model.

Every text a user must replace is a 【请填写…】 placeholder (placeholders.py) and every
scaffold is a draft: `jianbao check` refuses a placeholder left in a file that is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from generator.config import Settings
from generator.content.load import load_project
from generator.output.files import write_atomic
from generator.errors import Report, UsageError
from generator.content.models import ID_PATTERN, Issue, Series
from generator.content.numbering import issue_path, next_numbers
from generator.content.validate import reserved_case_id_message
from generator.site.urls import KIND_NAMES

ISSUE_TEMPLATE = """\
# {series_name} {year} 年{kind_name}第 {number} 期 —— 由 jianbao new issue 生成。
# 填写完成后把 draft 改为 false；运行 jianbao check 检查。字段说明见 README。
series: {series}
year: {year}
number: {number}          # 第 {number} 期（年度期号，每年从 1 开始）
{total_line}
kind: {kind}         # regular 正刊 | supplement 增刊 | special 专刊
date: {date}     # 编印日期
# classification: 内部资料   # 可选：左上角标记
draft: true            # 草稿：jianbao build 默认不发布草稿
articles:
  # 引用典型案例：正文、关键数字和图表来自 content/cases/<id>.yml
  # - case: jinzhong-six-focus
  # 或者直接写正文（Markdown；加粗导语写作 **上下联动、高位推动。**）
  - title: 【请填写文章标题】
    body: |
      【请填写正文】
    # sections:                 # 可选：像案例一样分 一、二、… 小节
    #   - heading: 聚焦组织设计，破解认识难题
    #     body: 正文。
    #     points:               # 加粗导语段落
    #       - {{lead: 上下联动、高位推动, text: 市级成立……}}
{distribution}printed_by: {printed_by}
printed_date: {date}   # 印发日期
# copies: 200          # 可选：共印份数
"""

CASE_TEMPLATE = """\
# 典型案例 —— 由 jianbao new case 生成。字段说明见 README。
# 把每个【请填写…】换成实际内容，再把 draft 改为 false；运行 jianbao check 检查。
id: {case_id}
title: 【请填写案例标题】
region: 【请填写地区路径，如 山西省/晋中市】     # 地区路径：省/市/县/乡镇/村
# model: six-practical-moves   # 可选：发展模式 id（content/models/<id>.yml）
date: {date}            # 案例截至日期
draft: true             # 草稿：jianbao build 默认不发布草稿
tags: [【请填写标签】]
summary: 【请填写摘要：一两句话，用于列表和搜索结果】
lead: |
  【请填写开篇段落（Markdown）】
highlights:                # 关键数字卡片；数值写“*”表示脱敏
  - label: 【请填写指标名称】
    value: 0
    unit: "%"
    # as_of: {date}
    # indicator: income_ge_20   # 可选：与计算指标核对
sections:
  - heading: 【请填写小节标题（不含“一、”）】
    # model_item: 1            # 可选：对应发展模式的第几项
    body: |
      【请填写正文（Markdown）】
    points:
      - lead: 【请填写加粗导语（不含句末“。”）】
        text: 【请填写要点正文】
# charts:                  # 可选：图表，数据来自 data/villages/ 的村级表
#   - {{type: bands, region: 山西省/晋中市, year: 2022}}        # 收入分档
#   - {{type: trend, region: 山西省/晋中市, indicators: [income_ge_20, operating_ge_10]}}   # 指标趋势
#   - {{type: ranking, region: 山西省, indicator: income_ge_20, year: 2022}}   # 下级地区排名
sources:
  - title: 【请填写来源名称】
"""

MODEL_TEMPLATE = """\
# 发展模式 —— 由 jianbao new model 生成。字段说明见 README。
# 把每个【请填写…】换成实际内容，再把 draft 改为 false；运行 jianbao check 检查。
id: {model_id}
name: 【请填写简称，如 六项实招】
# full_name: “消薄”六项实招精准增收模式   # 可选：全称
draft: true             # 草稿：jianbao build 默认不发布草稿
summary: |
  【请填写简介（Markdown）】
items:                  # 模式的组成条目，按顺序编号；案例的小节用 model_item: 1 表示实现第 1 项
  - name: 【请填写第一项名称】
    # subtitle: 破解认识难题      # 可选：副题
    # description: 说明（Markdown）   # 可选
  - name: 【请填写第二项名称】
"""


@dataclass
class NewIssue:
    """What `jianbao new issue` chose, for the user to read."""

    path: Path
    date: dt.date
    number: int
    total: int | None
    kind: str
    latest: Issue | None  # the newest existing issue of the series and kind

    @property
    def year_changed(self) -> bool:
        return self.latest is not None and self.latest.year != self.date.year


def new_issue(settings: Settings, series_id: str | None, date: dt.date | None, kind: str) -> NewIssue:
    """Write the next issue of a series; return what was chosen."""
    report = Report()
    project = load_project(settings.project, report)
    series = _pick_series([doc.model for doc in project.series], series_id)
    date = date or dt.date.today()
    issues = [doc.model for doc in project.issues if doc.model.series == series.id and doc.model.kind == kind]
    number, total = next_numbers(issues, date.year)
    path = settings.project / issue_path(series.id, date.year, kind, number, several_series=len(project.series) > 1)
    if path.exists():
        raise UsageError(f"{path} 已存在，不覆盖")
    total_line = f"total: {total}            # 总第 {total} 期（不随年度重置）" if total else "# total:            # 总期号：无法由已有各期推算，请填写"
    text = ISSUE_TEMPLATE.format(
        series=series.id,
        series_name=series.name,
        year=date.year,
        number=number,
        total_line=total_line,
        kind=kind,
        kind_name=KIND_NAMES[kind],
        date=date.isoformat(),
        distribution=_distribution_yaml(series),
        printed_by=series.printed_by or series.issuer,
    )
    write_atomic(path, text)
    latest = max(issues, key=lambda i: (i.year, i.number), default=None)
    return NewIssue(path, date, number, total, kind, latest)


def _pick_series(series: list[Series], wanted: str | None) -> Series:
    if not series:
        raise UsageError("content/series.yml 中没有简报系列，请先定义")
    if wanted is None:
        if len(series) > 1:
            raise UsageError("有多个简报系列，请用 --series 指定：" + "、".join(s.id for s in series))
        return series[0]
    for item in series:
        if item.id == wanted:
            return item
    raise UsageError(f"未知的简报系列“{wanted}”，已定义的有：" + "、".join(s.id for s in series))


def _distribution_yaml(series: Series) -> str:
    if not series.distribution:
        return "distribution:          # 报尾：发/送/报/抄送，顺序保留\n  - {label: 发, to: [【请填写收文单位】]}\n"
    lines = ["distribution:          # 报尾（默认取自简报系列），顺序保留"]
    for item in series.distribution:
        recipients = ", ".join(_yaml_scalar(name) for name in item.to)
        lines.append(f"  - {{label: {_yaml_scalar(item.label)}, to: [{recipients}]}}")
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    if re.search(r"[:#,\[\]{}&*!|>'\"%@`]", text) or text != text.strip():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def new_case(settings: Settings, case_id: str) -> Path:
    """Write a case template content/cases/<id>.yml; return its path."""
    if not re.match(ID_PATTERN, case_id):
        raise UsageError(f"案例 id“{case_id[:40]}”不合法：只能用小写字母、数字和连字符（-），以字母或数字开头，最长 63 个字符")
    reserved = reserved_case_id_message(case_id)
    if reserved:
        raise UsageError(reserved)
    return _write_new(settings.project / "content" / "cases" / f"{case_id}.yml", CASE_TEMPLATE.format(case_id=case_id, date=dt.date.today().isoformat()))


def new_model(settings: Settings, model_id: str) -> Path:
    """Write a development model template content/models/<id>.yml; return its path."""
    if not re.match(ID_PATTERN, model_id):
        raise UsageError(f"发展模式 id“{model_id[:40]}”不合法：只能用小写字母、数字和连字符（-），以字母或数字开头，最长 63 个字符")
    return _write_new(settings.project / "content" / "models" / f"{model_id}.yml", MODEL_TEMPLATE.format(model_id=model_id))


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise UsageError(f"{path} 已存在，不覆盖")
    write_atomic(path, text)
    return path
