"""A synthetic jianbao project of any size, in the SPEC §3 formats: issues, cases, villages.

    python benchmarks/synth_archive.py OUT [--issues 1200] [--cases 1200] [--villages 20000] [--years 5]

Deterministic (seeded): the same arguments give byte-identical files. Everything
is invented — region names come from benchmarks/synth_villages.py, texts are
assembled from phrases of the rural-revitalisation domain, so jieba, the search
index and the page templates see realistic Chinese (domain words such as 消薄,
强村公司, 飞地, 清化收 occur throughout).

The project holds:
- content/series.yml: one series (sxxczx);
- content/briefings/<year>/<NNN>.yml: 40 issues a year back from 2023 (more a year past 1,600 issues, so that no year is before 1984; 1,200
  issues span 30 years: SPEC §3 paths leave no room for two series numbering
  the same year, and one long series is the harder case), each with one case
  article (every case is published once while cases last) and, every third
  issue, an inline article;
- content/cases/case-NNNNN.yml: region from the village table (city, county
  or township), a development model with model_item on sections, tags,
  highlights, 2–5 sections with points, sub-sections, some charts;
- content/models, content/pages, mkdocs.yml, data/indicators.yml: the sample's;
- data/villages/bench.csv: `villages` villages × `years` years (synth_villages.benchmark_table).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synth_villages import benchmark_table, write_table_csv  # noqa: E402

SEED = 20240601
MAX_YEARS = 40  # 1984–2023: issue years stay within the model's 1949–2100
ISSUES_PER_YEAR = 40
LAST_YEAR = 2023

# --- phrases ------------------------------------------------------------------

SUBJECTS = [
    "全县", "全市", "各乡镇", "村党组织", "县委组织部", "乡镇党委", "强村公司", "村股份经济合作社",
    "县农业农村局", "驻村工作队", "村“两委”班子", "县乡村振兴局", "各行政村", "乡镇强村公司",
]
ADVERBS = ["坚持", "持续", "大力", "积极", "扎实", "统筹", "深入", "全面", "探索", "着力"]
VERBS = [
    "推进", "实施", "盘活", "整合", "培育", "发展", "完善", "落实", "创新", "深化", "拓宽", "壮大",
]
OBJECTS = [
    "村级集体经济", "“消薄”攻坚行动", "闲置资源", "飞地抱团项目", "“清化收”工作", "农村“三资”管理",
    "强村公司实体化运作", "结对帮扶机制", "特色产业", "物业租赁项目", "光伏收益分配", "土地流转",
    "乡村旅游", "农产品加工", "集体经营性资产", "村企联建", "订单农业", "劳务合作社",
    "“一肩挑”干部队伍", "相对薄弱村巩固提升", "防止“返薄”监测", "庭院经济", "电商服务站",
]
RESULTS = [
    "村集体年收入稳步增长", "相对薄弱村全部实现“消薄”", "带动农户户均增收{n}元",
    "新增集体经营性收入{n}万元", "盘活闲置房屋{n}处", "流转土地{n}亩", "吸纳务工群众{n}人",
    "清理合同{n}份、化解债务{n}万元、收回资源{n}亩", "未出现“返薄”现象", "项目年收益达{n}万元",
    "形成了可复制可推广的经验", "村集体经济收入突破{n}万元",
]
MEANS = [
    "通过“党支部+合作社+农户”模式", "依托县级强村公司平台", "采取“飞地”抱团方式", "借助“千企结千村”行动",
    "按照“一村一策”要求", "运用“清化收”成果", "结合乡村振兴示范村建设", "利用中央财政扶持资金",
    "以项目为王", "坚持因村制宜、分类施策",
]
LEADS = [
    "上下联动、高位推动", "多方合作、联合发展", "因地制宜、分类施策", "盘活资源、激活要素",
    "规范管理、堵塞漏洞", "示范引领、整体提升", "抱团发展、借力增收", "强化考核、压实责任",
    "聚焦产业、精准发力", "人才回引、激活动能",
]
HEADINGS = [
    "聚焦组织设计，破解认识难题", "聚焦集成支持，破解要素难题", "聚焦产业赋能，破解发展难题",
    "聚焦市场方向，破解经营难题", "聚焦规范运行，破解管理难题", "聚焦整体提升，破解不平衡难题",
    "坚持项目为王，提供强劲动力", "坚持队伍建设，凝聚攻坚合力", "坚持督查考核，提供坚强保障",
    "坚持凝聚共识，营造良好氛围", "建设“造血”项目，拓宽增收途径", "深化结对帮扶，注入全新活力",
    "工作概况", "主要做法", "取得成效", "存在的问题", "下步打算",
]
TITLE_ACTIONS = [
    "“消薄”六项实招 助力村集体经济提速换挡", "“六聚焦六破解” 发展壮大村级集体经济",
    "强村公司带动 集体经济持续增收", "“飞地”抱团发展 破解薄弱村增收难题", "深化“清化收” 夯实集体经济家底",
    "盘活闲置资源 激活乡村发展动能", "党建引领 走出集体经济发展新路子", "村企联建 实现共富共赢",
]
TAGS = ["消薄", "强村公司", "飞地抱团", "清化收", "三资管理", "组织建设", "要素保障", "产业融合",
        "结对帮扶", "项目建设", "人才引育", "市场运作", "督查考核", "物业租赁", "乡村旅游"]
ORDINALS = "一二三四五六七八九"
MODELS = {"six-focus-six-solve": 6, "six-practical-moves": 6}


class Writer:
    """Deterministic phrase assembly."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def pick(self, items: list[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def number(self) -> int:
        return int(self.rng.choice([3, 5, 8, 12, 20, 35, 50, 120, 260, 500, 1200, 3600]))

    def sentence(self, place: str) -> str:
        subject = self.pick(SUBJECTS) if self.rng.random() < 0.7 else place
        result = self.pick(RESULTS).replace("{n}", str(self.number()))
        return f"{subject}{self.pick(MEANS)}，{self.pick(ADVERBS)}{self.pick(VERBS)}{self.pick(OBJECTS)}，{result}。"

    def paragraph(self, place: str, sentences: int) -> str:
        return "".join(self.sentence(place) for _ in range(sentences))


# --- regions --------------------------------------------------------------------


def region_paths(table) -> tuple[list[str], list[str], list[str]]:
    """(cities, counties, townships) as region paths, sorted."""
    frame = table.iloc[:, 1:5].drop_duplicates()
    frame.columns = ["province", "city", "county", "township"]
    cities = sorted({f"{p}/{c}" for p, c in zip(frame["province"], frame["city"])})
    counties = sorted({f"{p}/{c}/{k}" for p, c, k in zip(frame["province"], frame["city"], frame["county"])})
    townships = sorted({f"{p}/{c}/{k}/{t}" for p, c, k, t in zip(frame["province"], frame["city"], frame["county"], frame["township"])})
    return cities, counties, townships


# --- YAML writing -----------------------------------------------------------------


def q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Slot:
    year: int
    number: int
    total: int
    date: dt.date


def issue_slots(issues: int) -> list[Slot]:
    """40 issues a year (more when 40 years would not hold them all), the newest year LAST_YEAR, oldest first."""
    per_year = max(ISSUES_PER_YEAR, math.ceil(issues / MAX_YEARS))
    years = max(1, math.ceil(issues / per_year))
    slots = []
    for index in range(issues):
        year_index, number0 = divmod(index, per_year)
        year = LAST_YEAR - years + 1 + year_index
        day = dt.date(year, 1, 5) + dt.timedelta(days=int(number0 * 355 / per_year))
        slots.append(Slot(year, number0 + 1, index + 1, day))
    return slots


SERIES_YAML = """# 合成基准数据：简报系列
- id: sxxczx
  name: 山西省乡村振兴简报
  masthead: [山西省乡村振兴, 简报]
  issuer: 山西省乡村振兴局
  printed_by: 山西省乡村振兴局综合处
  distribution:
    - {label: 发, to: [各市县乡村振兴局]}
    - {label: 送, to: [省委、省政府分管领导, 省直相关单位]}
"""


def case_yaml(w: Writer, case_id: str, region: str, date: dt.date, years: tuple[int, int]) -> str:
    place = region.rsplit("/", 1)[-1]
    model = w.pick(sorted(MODELS))
    tags = sorted({w.pick(TAGS) for _ in range(int(w.rng.integers(2, 6)))}, key=TAGS.index)
    title = f"{place}{w.pick(TITLE_ACTIONS)}"
    lines = [
        "# 合成基准数据：典型案例",
        f"id: {case_id}",
        f"title: {q(title)}",
        f"region: {region}",
        f"model: {model}",
        f"date: {date.isoformat()}",
        f"tags: [{', '.join(tags)}]",
        f"summary: {q(w.paragraph(place, 2))}",
        f"lead: {q(w.paragraph(place, 3))}",
        "highlights:",
    ]
    for _ in range(int(w.rng.integers(2, 5))):
        lines += [
            f"  - label: {q(w.pick(OBJECTS).strip('“”') + '带动增收')}",
            f"    value: {w.number()}",
            "    unit: 万元",
            f"    as_of: {date.isoformat()}",
        ]
    lines.append("sections:")
    headings = list(w.rng.permutation(len(HEADINGS))[: int(w.rng.integers(2, 6))])
    for position, index in enumerate(headings):
        lines.append(f"  - heading: {q(HEADINGS[index])}")
        if w.rng.random() < 0.6:
            lines.append(f"    model_item: {int(w.rng.integers(1, MODELS[model] + 1))}")
        lines.append(f"    body: {q(w.paragraph(place, int(w.rng.integers(2, 5))))}")
        if w.rng.random() < 0.7:
            lines.append("    points:")
            for k in range(int(w.rng.integers(2, 4))):
                if w.rng.random() < 0.5:
                    lines.append(f"      - lead: {w.pick(LEADS)}")
                    lines.append(f"        text: {q(w.paragraph(place, 2))}")
                else:
                    lines.append(f"      - text: {q(ORDINALS[k] + '是' + w.paragraph(place, 2))}")
        if position == 0 and w.rng.random() < 0.3:
            lines.append("    sections:")
            for _ in range(2):
                lines.append(f"      - heading: {q(w.pick(HEADINGS))}")
                lines.append(f"        body: {q(w.paragraph(place, 2))}")
    chart = w.rng.random()
    data_year = min(max(date.year - 1, years[0] + 1), years[1])
    if chart < 0.10:
        city = "/".join(region.split("/")[:2])
        lines += ["charts:", f"  - {{type: bands, region: {city}, year: {data_year}}}"]
    elif chart < 0.15:
        county = "/".join(region.split("/")[:3])
        lines += ["charts:", f"  - {{type: trend, region: {county}, year: {data_year}}}"]
    lines += ["sources:", f"  - {{title: {q(place + '村级集体经济发展情况报告（合成）')}, date: {date.isoformat()}}}"]
    return "\n".join(lines) + "\n"


def issue_yaml(w: Writer, slot: Slot, case_id: str | None, place: str) -> str:
    lines = [
        "# 合成基准数据：简报",
        "series: sxxczx",
        f"year: {slot.year}",
        f"number: {slot.number}",
        f"total: {slot.total}",
        "kind: regular",
        f"date: {slot.date.isoformat()}",
        "draft: false",
        "articles:",
    ]
    if case_id:
        lines.append(f"  - case: {case_id}")
    if not case_id or slot.number % 3 == 0:
        body = "\n\n".join(
            f"**{w.pick(LEADS)}。**{w.paragraph(place, 3)}" for _ in range(int(w.rng.integers(2, 4)))
        )
        lines += [
            f"  - title: {q(place + w.pick(TITLE_ACTIONS))}",
            "    body: |",
            *[f"      {line}" if line else "" for line in body.splitlines()],
        ]
    lines += [f"printed_date: {slot.date.isoformat()}", "copies: 200"]
    return "\n".join(lines) + "\n"


# --- the project ----------------------------------------------------------------------


def make_archive(out: Path, issues: int = 1200, cases: int = 1200, villages: int = 20_000,
                 years: int = 5, seed: int = SEED) -> dict[str, int]:
    """Write a complete project at out (content/, data/, mkdocs.yml); return counts."""
    out = Path(out)
    for name in ("content", "data"):
        if (out / name).exists():
            shutil.rmtree(out / name)
    (out / "content").mkdir(parents=True)
    rng = np.random.default_rng(seed)
    w = Writer(rng)

    first_year = LAST_YEAR - years + 1
    # A province's 11 cities and 110 counties; a small table (the CI smoke test) gets a small province.
    cities, counties_per_city = (11, 10) if villages >= 5000 else (2, 3)
    table = benchmark_table(villages, years, first_year=first_year, n_cities=cities, counties_per_city=counties_per_city)
    write_table_csv(table, out / "data" / "villages" / "bench.csv")
    (out / "data" / "villages" / "bench.yml").write_text(
        "source: 合成基准数据（benchmarks/synth_archive.py）\nsample: true\n", encoding="utf-8")
    shutil.copy(REPO / "data" / "indicators.yml", out / "data" / "indicators.yml")
    shutil.copytree(REPO / "content" / "models", out / "content" / "models")
    shutil.copytree(REPO / "content" / "pages", out / "content" / "pages")
    shutil.copy(REPO / "mkdocs.yml", out / "mkdocs.yml")

    cities, counties, townships = region_paths(table)
    slots = issue_slots(issues)
    (out / "content" / "series.yml").write_text(SERIES_YAML, encoding="utf-8")

    # Cases are published in issues in date order; the rest are dated over the same years.
    case_dates = [slot.date for slot in sorted(slots, key=lambda s: s.date)][:cases]
    span = (dt.date(LAST_YEAR, 12, 31) - dt.date(first_year, 1, 1)).days
    while len(case_dates) < cases:
        case_dates.append(dt.date(first_year, 1, 1) + dt.timedelta(days=int(rng.integers(span))))
    case_regions = []
    for _ in range(cases):
        level = rng.random()
        pool = cities if level < 0.2 else counties if level < 0.6 else townships
        case_regions.append(pool[int(rng.integers(len(pool)))])
    data_years = (first_year, LAST_YEAR)
    case_ids = [f"case-{index + 1:05d}" for index in range(cases)]
    cases_dir = out / "content" / "cases"
    cases_dir.mkdir(parents=True)
    for case_id, region, date in zip(case_ids, case_regions, case_dates):
        (cases_dir / f"{case_id}.yml").write_text(case_yaml(w, case_id, region, date, data_years), encoding="utf-8")

    by_date = sorted(range(len(slots)), key=lambda i: slots[i].date)
    published = {slot_index: k for k, slot_index in enumerate(by_date[:cases])}
    for index, slot in enumerate(slots):
        k = published.get(index)
        case_id = case_ids[k] if k is not None else None
        place = case_regions[k].rsplit("/", 1)[-1] if k is not None else "全省"
        path = out / "content" / "briefings" / str(slot.year) / f"{slot.number:03d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(issue_yaml(w, slot, case_id, place), encoding="utf-8")
    return {"issues": issues, "cases": cases, "years of issues": slots[-1].year - slots[0].year + 1 if slots else 0, "villages": villages, "years": years,
            "rows": len(table), "cities": len(cities), "counties": len(counties), "townships": len(townships)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--issues", type=int, default=1200)
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    counts = make_archive(args.out, args.issues, args.cases, args.villages, args.years)
    print(", ".join(f"{key} {value}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
