"""The facts of data/ kept between builds (data/facts.py, issue 12 item 7).

A build keeps what the later stages take from data/ as JSON in build/cache; the next build with
the same data/ answers from it, reports the same problems, makes the same site and imports no
pandas. A damaged store, one of another data/ or another format is never used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_sample, write

from generator.buildcache import BuildCache
from generator.data.facts import DataFacts
from generator.data.load import load_data
from generator.errors import Report


def loaded(project: Path, store: Path) -> tuple[object, list[str], dict[Path, str | bytes]]:
    """load_data with a store, as a build's check stage calls it, in a fresh process's BuildCache."""
    report, pending = Report(), {}
    data = load_data(project, report, BuildCache(), store=store, pending=pending)
    return data, [p.format() for p in report.problems], pending


def keep(pending: dict[Path, str | bytes]) -> None:
    """What phase two of a successful build does with the pending stores."""
    for path, content in pending.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else content.decode("utf-8"), encoding="utf-8")


def test_the_facts_survive_their_json_form():
    data, _, _ = loaded(REPO, Path("/nonexistent/data.json"))
    facts = data.facts
    again = DataFacts.from_json(json.loads(json.dumps(facts.to_json(), ensure_ascii=False)))
    assert again is not None and again.to_json() == facts.to_json()
    assert again.regions == facts.regions and again.defs == facts.defs
    assert len(facts.regions) > 10 and facts.has_indicators and facts.configured
    assert all(region.chart_digest for region in facts.regions.values() if region.years)


def test_a_row_without_a_value_is_not_a_missing_row():
    """NaN (a row, no value: a highlight says 计算得 nan) and None (no row: 未核对) stay apart through JSON."""
    import math

    from generator.data.facts import RegionFacts

    facts = DataFacts(defs={"a": ("甲", "%")}, regions={"省": RegionFacts(years=(2021, 2022), cells=(("a", (math.nan, None)),))})
    again = DataFacts.from_json(json.loads(json.dumps(facts.to_json())))
    assert again is not None
    assert math.isnan(again.values[("a", "省", 2021)]) and ("a", "省", 2022) not in again.values


def test_a_second_load_answers_from_the_store_without_reading_a_table(sample, tmp_path):
    store = tmp_path / "cache" / "data.json"
    first, problems, pending = loaded(sample, store)
    assert first.read_tables  # read from the tables
    keep(pending)
    second, again, more = loaded(sample, store)
    assert not second.read_tables and more == {}  # answered from the store, nothing new to keep
    assert again == problems and second.facts.to_json() == first.facts.to_json() and second.digest == first.digest
    region = second.regions()[0]
    assert second.chart_inputs(region).digest == first.chart_inputs(region).digest
    # A stage that needs the rows still gets them: read again, the same rows.
    assert second.chart_inputs(region).indicators.equals(first.chart_inputs(region).indicators)


def test_the_problems_of_data_come_back_from_the_store(sample, tmp_path):
    table = next((sample / "data" / "villages").glob("*.csv"))
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(lines[3].split(",")[-1], "十二")  # text in a number column
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "data.json"
    _, problems, pending = loaded(sample, store)
    assert any("错误" in p for p in problems)
    keep(pending)
    data, again, _ = loaded(sample, store)
    assert again == problems and not data.read_tables


@pytest.mark.parametrize("damage", ["{not json", '{"key": "other", "value": {}}', "[]", None], ids=["broken", "other key", "not a dict", "wrong shape"])
def test_a_damaged_or_foreign_store_is_not_used(sample, tmp_path, damage):
    store = tmp_path / "data.json"
    first, problems, pending = loaded(sample, store)
    keep(pending)
    if damage is None:  # the right key, a value of the wrong shape
        stored = json.loads(store.read_text(encoding="utf-8"))
        stored["value"]["facts"]["regions"] = [1, 2]
        store.write_text(json.dumps(stored), encoding="utf-8")
    else:
        store.write_text(damage, encoding="utf-8")
    data, again, pending = loaded(sample, store)
    assert data.read_tables and again == problems and data.facts.to_json() == first.facts.to_json()
    assert store in pending  # made again, kept again


def test_another_data_folder_is_not_answered_from_the_store(sample, tmp_path):
    store = tmp_path / "data.json"
    _, _, pending = loaded(sample, store)
    keep(pending)
    write(sample / "data" / "villages" / "README.txt", "另一份说明\n")  # any change to data/ is another data/
    data, _, pending = loaded(sample, store)
    assert data.read_tables and store in pending


def test_chart_checks_come_back_from_the_store(sample, tmp_path):
    """A chart the data cannot draw is reported from the store's answers as from chart_data's."""
    from generator.content.load import load_project
    from generator.data.figures import check_charts

    case = sample / "content" / "cases" / "jinzhong-six-focus.yml"
    text = case.read_text(encoding="utf-8")
    chart = "  - {type: bands, region: 山西省/晋中市, year: 2022}\n"
    assert chart in text
    case.write_text(text.replace(chart, chart + "  - {type: bands, region: 山西省/晋中市, year: 1990}\n"), encoding="utf-8")
    project = load_project(sample, Report())
    facts, answers = tmp_path / "data.json", tmp_path / "chart-checks.json"
    data, _, pending = loaded(sample, facts)
    keep(pending)
    first, pending = Report(), {}
    check_charts(project, data, first, BuildCache(), store=answers, pending=pending)
    keep(pending)
    assert any("图表无法生成" in p.message and "1990" in p.message for p in first.problems)
    data, _, _ = loaded(sample, facts)
    second, pending = Report(), {}
    check_charts(project, data, second, BuildCache(), store=answers, pending=pending)
    assert not data.read_tables and pending == {}  # every answer came from the store
    assert [p.format() for p in second.problems] == [p.format() for p in first.problems]


NO_PANDAS = """
import sys
sys.modules["pandas"] = None  # importing pandas (or NumPy) now fails
sys.modules["numpy"] = None
from generator.commands.cli import main
main()
"""


@pytest.mark.e2e
def test_a_warm_build_imports_no_pandas_and_makes_the_same_site(tmp_path):
    """Build, then build and check again in processes that cannot import pandas: the same site, byte for byte, the same messages."""
    from test_reproducible import EPOCH, tree

    project = copy_sample(tmp_path / "project")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "JIANBAO_CACHE_DIR": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}

    def jianbao(*args: str, code: str = "from generator.commands.cli import main; main()") -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-c", code, *args, "--project", str(project)], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    cold_check = jianbao("check")  # writes nothing: the next build is cold too
    cold = jianbao("build", "--no-pdf")
    first = tree(project / "site")
    warm = jianbao("build", "--no-pdf", code=NO_PANDAS)
    assert tree(project / "site") == first
    assert warm.stderr.splitlines()[:-1] == cold.stderr.splitlines()[:-1]  # the same counts (the last line has the time)
    warm_check = jianbao("check", code=NO_PANDAS)
    assert "提示" in cold_check.stderr and (warm_check.stdout, warm_check.stderr) == (cold_check.stdout, cold_check.stderr)


def reference_coverage(villages) -> dict:
    """_region_coverage as it was written with pandas' groupby (the slower, plainer statement of the rule)."""
    from generator.data.facts import YearCoverage
    from generator.data.indicator_defs import REGION_COLUMNS

    changes = {}
    for level in range(len(REGION_COLUMNS)):
        keys = list(REGION_COLUMNS[: level + 1])
        child = REGION_COLUMNS[level + 1] if level + 1 < len(REGION_COLUMNS) else "village"
        counts = villages.groupby([*keys, "year"], sort=True, observed=True)[child].agg(["nunique", "size"]).reset_index()
        varying = counts.groupby(keys, sort=False, observed=True)[["nunique", "size"]].transform("nunique").max(axis=1) > 1
        for region, rows in counts[varying].groupby(keys, sort=True, observed=True):
            path = "/".join(str(part) for part in (region if isinstance(region, tuple) else (region,)))
            changes[path] = [YearCoverage(int(y), int(c), int(v)) for y, c, v in zip(rows["year"], rows["nunique"], rows["size"])]
    return changes


@pytest.mark.parametrize("seed", range(12))
def test_coverage_counts_as_the_groupby_rule_does(seed):
    """Random tables with missing parts, missing years, repeated villages and regions that come and go."""
    import numpy as np
    import pandas as pd

    from generator.data.frames import _region_coverage

    rng = np.random.default_rng(seed)
    rows = int(rng.integers(1, 400))

    def column(names: list, missing: float) -> list:
        values = list(rng.choice(names, rows))
        return [None if rng.random() < missing else v for v in values]

    villages = pd.DataFrame({
        "year": [None if rng.random() < 0.05 else float(y) for y in rng.integers(2019, 2023, rows)],
        "province": column(["甲省", "乙省"], 0.02),
        "city": column(["一市", "二市", "三市"], 0.05),
        "county": column(["东县", "西县"], 0.05),
        "township": column(["南镇", "北镇", "中镇"], 0.05),
        "village": column([f"{n}村" for n in range(30)], 0.05),
    })
    assert _region_coverage(villages) == reference_coverage(villages)


def test_coverage_of_the_sample_with_a_city_more_in_one_year(sample):
    from generator.data.frames import _region_coverage, read_frames

    villages = read_frames(sample, Report()).villages
    later = villages[villages["year"] == villages["year"].max()].assign(city="大同市")
    both = pd_concat([villages, later])
    assert _region_coverage(both) == reference_coverage(both) != {}


def pd_concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def test_a_build_that_fails_its_checks_keeps_no_facts(sample, tmp_path):
    """The stores are written in phase two only: a build stopped by a content error leaves build/cache without them."""
    from generator.build import build
    from generator.config import Settings
    from generator.errors import ContentError

    case = sample / "content" / "cases" / "jinzhong-six-focus.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("region: 山西省/晋中市\n", "region: 山西省/晋中市\nunknown_key: 1\n", 1), encoding="utf-8")
    settings = Settings.create(sample, shared_cache_dir=tmp_path / "cache", pdf=False)
    with pytest.raises(ContentError) as failed:
        build(settings)
    assert any(p.path.endswith("jinzhong-six-focus.yml") and p.line > 0 for p in failed.value.report.problems)
    kept = {p.name for p in (tmp_path / "cache").rglob("*.json")} if (tmp_path / "cache").exists() else set()
    assert not kept & {"data.json", "chart-checks.json", "related.json"}
    assert not (sample / "site").exists()
