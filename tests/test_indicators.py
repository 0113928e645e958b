"""Indicator definitions, computation on hand-made tables, published figures, and the sample data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.data.indicator_defs import load_indicators, parse_indicators
from generator.data.indicators import compute_indicators, compute_percent, write_indicators_csv
from generator.data.published import compare_published, read_published
from generator.data.tables import read_villages

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_IDS = {
    "income_ge_10", "income_ge_20", "income_ge_50", "income_ge_100", "operating_ge_5",
    "operating_ge_10", "operating_ge_100", "villages", "weak", "weak_share", "income_total",
    "operating_total", "income_median", "eliminated_rate", "relapsed",
}


def formatted(report) -> list[str]:
    return [p.format() for p in report.sorted()]


def villages(rows: list[tuple]) -> pd.DataFrame:
    """A tidy village frame from (year, county, township, village, code, income, operating)."""
    frame = pd.DataFrame(rows, columns=["year", "county", "township", "village", "code", "income", "operating"])
    frame["code"] = frame["code"].astype(object)
    return frame.assign(province="山西省", city="晋中市", file="t.csv", row=range(2, len(rows) + 2),
                        sample=False, source="")


def definitions(body: str):
    config, report = parse_indicators("default_province: 山西省\nindicators:\n" + body, "data/indicators.yml")
    assert formatted(report) == []
    return config


def values(frame: pd.DataFrame) -> dict[tuple, float]:
    return {(r.region, r.year, r.indicator): r.value for r in frame.itertuples()}


# ---------------------------------------------------------------- definitions


def test_shipped_definitions_load():
    config, report = load_indicators(ROOT / "data" / "indicators.yml", ROOT)
    assert formatted(report) == []
    assert config.default_province == "山西省"
    assert REQUIRED_IDS <= set(config.indicators)
    assert config.indicators["income_ge_20"].unit == "%"


def test_definition_errors_point_at_the_node():
    text = """default_province: 山西省
indicators:
  x:
    name: 甲
    unit: 个
    kind: count
    where: {column: income, op: "<", value: 20, thresold: 3}
  y:
    name: 乙
    unit: "%"
    kind: bogus
  z:
    name: 丙
    unit: "%"
    kind: share
    where: {any: [{column: incom, op: "=>", value: "20"}, {alll: []}]}
  w:
    unit: 个
    kind: sum
    column: income
"""
    config, report = parse_indicators(text, "data/indicators.yml")
    assert config is None
    assert formatted(report) == [
        "data/indicators.yml:7:49: 错误: 未知字段“thresold”",
        "data/indicators.yml:11:11: 错误: “kind”应为 count、share、sum、mean、median、eliminated_rate、relapsed 之一，"
        "实际为“bogus”",
        "data/indicators.yml:16:28: 错误: “column”应为“income”、“operating”、“year”之一，实际为“incom”",
        "data/indicators.yml:16:39: 错误: “op”应为“>=”、“>”、“<”、“<=”之一，实际为“=>”",
        "data/indicators.yml:16:52: 错误: “value”应为数字",
        "data/indicators.yml:16:59: 错误: 条件应为 {all: [...]}、{any: [...]} 或 {column: ..., op: ..., value: ...}",
        "data/indicators.yml:18:5: 错误: 缺少必填字段“name”",
    ]


def test_cross_field_errors():
    text = """default_province: 山西省
indicators:
  Income-20:
    name: 甲
    unit: 个
    kind: share
    where: {column: income, op: ">=", value: 20}
  total:
    name: 乙
    unit: 万元
    kind: sum
    column: income
  gone:
    name: 丙
    unit: "%"
    kind: eliminated_rate
    weak: nothing
  back:
    name: 丁
    unit: 个
    kind: relapsed
    weak: total
"""
    config, report = parse_indicators(text, "data/indicators.yml")
    assert config is None
    assert formatted(report) == [
        "data/indicators.yml:3:3: 错误: 指标编号“Income-20”只能由小写字母、数字和下划线组成，并以字母开头",
        "data/indicators.yml:5:11: 错误: share 类指标的单位应为“%”，实际为“个”",
        "data/indicators.yml:17:11: 错误: “weak”引用的指标“nothing”不存在",
        "data/indicators.yml:22:11: 错误: “weak”应引用 count 或 share 类指标，“total”是 sum 类",
    ]


def test_yaml_syntax_and_duplicate_keys():
    _, report = parse_indicators("default_province: 山西省\nindicators: [1\n", "data/indicators.yml")
    assert formatted(report) == ["data/indicators.yml:2:15: 错误: YAML 语法错误：列表缺少“,”或“]”"]
    _, report = parse_indicators("default_province: 山西省\ndefault_province: 河北省\n", "data/indicators.yml")
    assert formatted(report) == ["data/indicators.yml:2:1: 错误: 重复的键“default_province”"]


# ---------------------------------------------------------------- computation

SMALL = villages([
    # year, county, township, village, code, income, operating
    (2022, "榆次区", "东阳镇", "甲村", "140702100200", 8.0, 2.0),
    (2022, "榆次区", "东阳镇", "乙村", "140702100201", 25.0, 12.0),
    (2022, "榆次区", "修文镇", "丙村", "140702101200", 120.0, 110.0),
    (2022, "太谷区", "胡村镇", "丁村", "140703100200", 19.99, 10.0),
    (2023, "太谷区", "胡村镇", "丁村", "140703100200", 30.0, 9.0),
])


def test_count_share_sum_mean_median_all_any():
    config = definitions("""
  villages: {name: 村数, unit: 个, kind: count}
  rich: {name: 富村, unit: 个, kind: count, where: {column: income, op: ">=", value: 20}}
  rich_share: {name: 富村占比, unit: "%", kind: share, where: {column: income, op: ">=", value: 20}}
  both: {name: 双达标, unit: "%", kind: share,
         where: {all: [{column: income, op: ">=", value: 20}, {column: operating, op: ">=", value: 10}]}}
  weak: {name: 薄弱, unit: 个, kind: count,
         where: {any: [{column: income, op: "<", value: 20}, {column: operating, op: "<", value: 10}]}}
  total: {name: 合计, unit: 万元, kind: sum, column: income}
  mean: {name: 平均, unit: 万元, kind: mean, column: operating}
  median: {name: 中位数, unit: 万元, kind: median, column: income}
""")
    got = values(compute_indicators(config, SMALL))
    city = "山西省/晋中市"
    assert {k[2]: v for k, v in got.items() if k[:2] == (city, 2022)} == {
        "villages": 4.0, "rich": 2.0, "rich_share": 50.0, "both": 50.0, "weak": 2.0,
        "total": 172.99, "mean": 33.5, "median": 22.5,
    }
    yuci = "山西省/晋中市/榆次区"
    assert {k[2]: v for k, v in got.items() if k[:2] == (yuci, 2022)} == {
        "villages": 3.0, "rich": 2.0, "rich_share": 66.7, "both": 66.7, "weak": 1.0,
        "total": 153.0, "mean": 41.33, "median": 25.0,
    }
    assert got[("山西省/晋中市/太谷区/胡村镇", 2023, "weak")] == 1.0
    assert got[("山西省", 2023, "rich_share")] == 100.0


def test_every_region_level_and_year():
    config = definitions("  villages: {name: 村数, unit: 个, kind: count}\n")
    frame = compute_indicators(config, SMALL)
    assert list(frame.columns) == ["region", "level", "year", "indicator", "value", "unit"]
    assert frame[["level", "region", "year", "value"]].values.tolist() == [
        ["省", "山西省", 2022, 4.0],
        ["省", "山西省", 2023, 1.0],
        ["市", "山西省/晋中市", 2022, 4.0],
        ["市", "山西省/晋中市", 2023, 1.0],
        ["县", "山西省/晋中市/太谷区", 2022, 1.0],
        ["县", "山西省/晋中市/太谷区", 2023, 1.0],
        ["县", "山西省/晋中市/榆次区", 2022, 3.0],
        ["乡镇", "山西省/晋中市/太谷区/胡村镇", 2022, 1.0],
        ["乡镇", "山西省/晋中市/太谷区/胡村镇", 2023, 1.0],
        ["乡镇", "山西省/晋中市/榆次区/东阳镇", 2022, 2.0],
        ["乡镇", "山西省/晋中市/榆次区/修文镇", 2022, 1.0],
    ]
    assert frame["year"].dtype == "int64" and frame["value"].dtype == float


def test_eliminated_rate_and_relapsed_on_a_panel():
    config = definitions("""
  weak: {name: 薄弱, unit: 个, kind: count,
         where: {any: [{column: income, op: "<", value: 20}, {column: operating, op: "<", value: 10}]}}
  eliminated_rate: {name: 消除率, unit: "%", kind: eliminated_rate, weak: weak}
  relapsed: {name: 返薄, unit: 个, kind: relapsed, weak: weak}
""")
    panel = villages([
        (2021, "榆次区", "东阳镇", "甲村", "140702100200", 10.0, 5.0),   # weak → not weak: eliminated
        (2021, "榆次区", "东阳镇", "乙村", "140702100201", 15.0, 5.0),   # weak → weak
        (2021, "榆次区", "东阳镇", "丙村", "140702100202", 30.0, 15.0),  # not weak → weak: relapsed
        (2022, "榆次区", "东阳镇", "甲村", "140702100200", 25.0, 12.0),
        (2022, "榆次区", "东阳镇", "乙村", "140702100201", 18.0, 8.0),
        (2022, "榆次区", "东阳镇", "丙村", "140702100202", 30.0, 9.0),
    ])
    got = values(compute_indicators(config, panel))
    for region in ("山西省", "山西省/晋中市", "山西省/晋中市/榆次区", "山西省/晋中市/榆次区/东阳镇"):
        assert got[(region, 2021, "weak")] == 2.0
        assert (region, 2021, "eliminated_rate") not in got  # first year: absent, not zero
        assert (region, 2021, "relapsed") not in got
        assert got[(region, 2022, "eliminated_rate")] == 50.0
        assert got[(region, 2022, "relapsed")] == 1.0
        assert got[(region, 2022, "weak")] == 2.0

    # Without codes the village is followed by its region path and name.
    by_name = panel.assign(code=None)
    assert values(compute_indicators(config, by_name)) == got

    # No weak village the year before: no eliminated_rate, but relapsed is 0.
    strong = panel[panel["village"] == "丙村"].assign(operating=[15.0, 12.0])
    got = values(compute_indicators(config, strong))
    assert ("山西省", 2022, "eliminated_rate") not in got
    assert got[("山西省", 2022, "relapsed")] == 0.0


def test_percent_rounds_half_up_exactly():
    num = [1437, 1, 1, 1, 2, 0, 173]
    den = [1942, 8, 16, 3, 3, 5, 1942]
    assert list(compute_percent(num, den)) == [74.0, 12.5, 6.3, 33.3, 66.7, 0.0, 8.9]
    assert pd.isna(compute_percent([0], [0])[0])


def test_write_indicators_csv(tmp_path):
    config = definitions("""
  villages: {name: 村数, unit: 个, kind: count}
  rich_share: {name: 富村占比, unit: "%", kind: share, where: {column: income, op: ">=", value: 20}}
  total: {name: 合计, unit: 万元, kind: sum, column: income}
""")
    frame = compute_indicators(config, SMALL[SMALL["county"] == "太谷区"])
    path = tmp_path / "site" / "data" / "indicators.csv"
    write_indicators_csv(frame, path)
    lines = path.read_bytes().decode("utf-8").split("\n")
    assert lines[:7] == [
        "region,year,indicator,value",
        "山西省,2022,rich_share,0.0",
        "山西省,2022,total,19.99",
        "山西省,2022,villages,1",
        "山西省,2023,rich_share,100.0",
        "山西省,2023,total,30.00",
        "山西省,2023,villages,1",
    ]
    assert len(lines) == 4 * 6 + 2 and lines[-1] == ""


# ---------------------------------------------------------------- published figures


def write(root: Path, name: str, text: str) -> Path:
    path = root / "data" / "published" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def computed_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region", "level", "year", "indicator", "value", "unit"])


def test_compare_uses_the_published_precision(tmp_path):
    path = write(tmp_path, "a.csv", "\n".join([
        "region,year,indicator,value,source",
        "山西省/晋中市,2022,income_ge_20,74,甲",
        "山西省/晋中市,2022,operating_ge_5,98,甲",
        "山西省/晋中市,2022,operating_ge_100,8.9,甲",
        "山西省/晋中市,2022,operating_ge_10,85.0,甲",
        "山西省/晋中市,2022,income_ge_50,40,甲",
        "山西省/晋中市,2021,income_ge_20,74,甲",
    ]) + "\n")
    published, report = read_published([path], tmp_path)
    assert formatted(report) == []
    assert list(published["decimals"]) == [0, 0, 1, 1, 0, 0]
    computed = computed_frame([
        ("山西省/晋中市", "市", 2022, "income_ge_20", 74.0, "%"),       # 74 ~ 74.0
        ("山西省/晋中市", "市", 2022, "operating_ge_5", 97.99, "%"),    # 98 ~ 97.99
        ("山西省/晋中市", "市", 2022, "operating_ge_100", 9.0, "%"),    # 8.9 vs 9.0: beyond ±0.05
        ("山西省/晋中市", "市", 2022, "operating_ge_10", 85.05, "%"),   # exactly half a unit: agrees
        ("山西省/晋中市", "市", 2022, "income_ge_50", 40.6, "%"),       # 40 vs 40.6: beyond ±0.5
    ])
    assert formatted(compare_published(computed, published)) == [
        "data/published/a.csv:4:4: 警告: 山西省/晋中市 2022 年 operating_ge_100：公布值 8.9 与计算值 9.0 不一致",
        "data/published/a.csv:6:4: 警告: 山西省/晋中市 2022 年 income_ge_50：公布值 40 与计算值 40.6 不一致",
        "data/published/a.csv:7:4: 提示: 山西省/晋中市 2021 年 income_ge_20：公布值 74 没有对应的计算值",
    ]


def test_published_yaml_and_bad_rows(tmp_path):
    yml = write(tmp_path, "b.yml", """- {region: 山西省/晋中市, year: 2022, indicator: income_ge_20, value: 74.0, source: 简报}
- region: 山西省/晋中市
  year: 2022
  indicator: operating_ge_5
  value: "*"
  source: 简报
- {region: 山西省/晋中市, year: 2022, indicator: villages, value: [1942], source: 简报, note: x}
""")
    csv = write(tmp_path, "a.csv", "\n".join([
        "region,year,indicator,value,source",
        "山西省//晋中市,二〇二二,Income-20,七十四,",
        "山西省/晋中市,2022,income_ge_20,75,另一份简报",
    ]) + "\n")
    published, report = read_published([yml, csv], tmp_path)
    assert formatted(report) == [
        "data/published/a.csv:2:1: 错误: “region”应为以“/”分隔的地区路径（如“山西省/晋中市”），实际为“山西省//晋中市”",
        "data/published/a.csv:2:2: 错误: “year”应为年份（如 2022），实际为“二〇二二”",
        "data/published/a.csv:2:3: 错误: “indicator”应为指标编号（如 income_ge_20），实际为“Income-20”",
        "data/published/a.csv:2:4: 错误: “value”应为数字，实际为“七十四”",
        "data/published/a.csv:2:5: 错误: “source”为空",
        "data/published/b.yml:1:65: 警告: 山西省/晋中市 2022 年 income_ge_20 的公布值 74 与 data/published/a.csv:3 的 75 不同",
        "data/published/b.yml:5:10: 提示: 公布值已隐去（*），不参与比较",
        "data/published/b.yml:7:61: 错误: “value”应为单个值",
        "data/published/b.yml:7:81: 错误: 未知字段“note”",
    ]
    assert published[["file", "line", "value", "decimals"]].values.tolist() == [
        ["data/published/a.csv", 3, 75.0, 0],
        ["data/published/b.yml", 1, 74.0, 1],
    ]


# ---------------------------------------------------------------- the shipped sample


@pytest.fixture(scope="module")
def sample():
    paths = sorted((ROOT / "data" / "villages").glob("jinzhong-sample.*"))
    frame, report = read_villages(paths, ROOT, "山西省")
    assert formatted(report) == []
    config, _ = load_indicators(ROOT / "data" / "indicators.yml", ROOT)
    return frame, compute_indicators(config, frame)


def test_sample_table(sample):
    frame, _ = sample
    assert (ROOT / "data" / "villages" / "jinzhong-sample.csv").stat().st_size < 1_000_000
    assert frame["sample"].all()
    assert set(frame["source"]) == {"合成示例数据（按《山西省乡村振兴简报》2023年第7期公布的2022年占比生成）"}
    assert sorted(frame["year"].unique()) == [2020, 2021, 2022]
    assert (frame.groupby("year").size() == 1942).all()
    assert set(frame["county"]) == {"榆次区", "太谷区", "介休市", "榆社县", "左权县", "和顺县", "昔阳县",
                                    "寿阳县", "祁县", "平遥县", "灵石县"}
    assert frame["code"].str.fullmatch(r"1407\d{8}").all()
    assert (frame["operating"] <= frame["income"]).all()
    assert frame["township"].str.endswith(("镇", "乡", "街道")).all()


def test_sample_reproduces_the_published_2022_shares(sample):
    _, computed = sample
    got = values(computed)
    city = "山西省/晋中市"
    assert {i: got[(city, 2022, i)] for i in (
        "villages", "income_ge_10", "income_ge_20", "operating_ge_5", "operating_ge_10", "operating_ge_100",
    )} == {
        "villages": 1942.0, "income_ge_10": 100.0, "income_ge_20": 74.0, "operating_ge_5": 98.0,
        "operating_ge_10": 85.0, "operating_ge_100": 8.9,
    }
    # A growth path: fewer weak villages every year, and a few relapse.
    weak = [got[(city, year, "weak")] for year in (2020, 2021, 2022)]
    assert weak == sorted(weak, reverse=True) and weak[0] > weak[2]
    assert 0 < got[(city, 2022, "relapsed")] < 20
    assert (city, 2020, "eliminated_rate") not in got


def test_published_sample_figures_agree(sample):
    _, computed = sample
    published, report = read_published(sorted((ROOT / "data" / "published").glob("*")), ROOT)
    assert formatted(report) == []
    assert len(published) == 6
    assert set(published["source"]) == {"山西省乡村振兴简报2023年第7期"}
    assert formatted(compare_published(computed, published)) == []
