"""Synthetic village tables: deterministic (seeded numpy RNG), any region, any size.

`python benchmarks/synth_villages.py` regenerates the shipped sample
data/villages/jinzhong-sample.csv: 1942 made-up villages in the 11 real counties
of 晋中市, years 2020–2022, whose 2022 shares are exactly the ones published in
《山西省乡村振兴简报》2023年第7期. Everything but the county names and their
6-digit codes is invented. The same functions build the benchmark panel
(`benchmark_table`: 20,000 villages × 5 years by default).

Amounts are generated as whole 分 of 万元 (hundredths), so thresholds hold
exactly and the CSV shows them with two decimals.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20230331
PROVINCE = "山西省"
JINZHONG_CITY = "晋中市"
# (county, 6-digit 区划代码, relative size, economic strength) — sizes and strengths invented.
JINZHONG_COUNTIES = [
    ("榆次区", "140702", 1.25, 0.6),
    ("太谷区", "140703", 0.95, 0.4),
    ("榆社县", "140721", 0.80, -0.5),
    ("左权县", "140722", 0.80, -0.5),
    ("和顺县", "140723", 0.75, -0.4),
    ("昔阳县", "140724", 1.05, -0.1),
    ("寿阳县", "140725", 1.10, -0.2),
    ("祁县", "140727", 0.80, 0.2),
    ("平遥县", "140728", 1.30, 0.1),
    ("灵石县", "140729", 1.00, 0.3),
    ("介休市", "140781", 0.85, 0.5),
]
JINZHONG_VILLAGES = 1942
JINZHONG_YEARS = (2020, 2021, 2022)
# Published 2022 shares (%) of 山西省乡村振兴简报 2023年第7期.
JINZHONG_SHARES = {
    "income_ge_10": 100.0,
    "income_ge_20": 74.0,
    "operating_ge_5": 98.0,
    "operating_ge_10": 85.0,
    "operating_ge_100": 8.9,
}
TABLE_HEADERS = {
    "year": "年度", "province": "省", "city": "市", "county": "县", "township": "乡镇",
    "village": "村", "code": "村代码", "income": "集体经济总收入（万元）", "operating": "经营性收入（万元）",
}

_FIRST = "东西南北上下前后大小新中高长安永太平和兴富康宁庆丰乐泰盛昌隆义仁德福寿祥瑞青金石白黄红马杨李王张刘赵段郭韩冀范梁侯"
_SECOND = "庄村沟峪坡岭河泉源坪堡寨营头湾川峰园店屯关里口台洼滩岔梁塔"
_TOWN = "城镇阳谷源川安兴关坪泉峪"
_SURNAMES = "王李张刘赵杨郭段韩冀范梁侯武贾任程田孟温"
# Pattern letters: F first character, S second (place word), T town word, N surname.
_POOLS = {"F": _FIRST, "S": _SECOND, "T": _TOWN, "N": _SURNAMES}


# ---------------------------------------------------------------- regions and names


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split total into integer parts proportional to weights (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    remainder = total - parts.sum()
    parts[np.argsort(-(exact - parts), kind="stable")[:remainder]] += 1
    return parts


def make_name(rng: np.random.Generator, taken: set[str], patterns: list[str], suffix: str) -> str:
    """A new plausible name not in taken (and record it)."""
    while True:
        pattern = patterns[rng.integers(len(patterns))]
        name = "".join(
            _POOLS[p][rng.integers(len(_POOLS[p]))] if p in _POOLS else p for p in pattern
        ) + suffix
        if name not in taken:
            taken.add(name)
            return name


def make_townships(rng: np.random.Generator, county: str, n_villages: int) -> list[tuple[str, str, int]]:
    """(name, 3-digit code, villages) for the townships of one county: 街道 001…, 镇 100…, 乡 200…."""
    count = max(2, round(n_villages / 16))
    urban = county.endswith(("区", "市"))
    streets = min(int(rng.integers(1, 4)) if urban else int(rng.integers(0, 2)), count - 1)
    towns = round((count - streets) * 0.6)
    kinds = ["街道"] * streets + ["镇"] * towns + ["乡"] * (count - streets - towns)
    sizes = allocate(n_villages, rng.dirichlet(np.full(count, 6.0)))
    sizes = np.maximum(sizes, 1)
    sizes[np.argmax(sizes)] -= sizes.sum() - n_villages
    taken: set[str] = set()
    numbers = {"街道": 1, "镇": 100, "乡": 200}
    townships = []
    for kind, size in zip(kinds, sizes):
        name = make_name(rng, taken, ["FT", "FS", "TS"], kind)
        townships.append((name, f"{numbers[kind]:03d}", int(size)))
        numbers[kind] += 1
    return townships


def make_villages(rng: np.random.Generator, province: str, city: str,
                  counties: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Villages of a city: counties given as (name, 6-digit code, villages, strength).

    Columns: province, city, county, township, village, code, strength (latent).
    """
    rows = []
    for county, county_code, n_villages, strength in counties:
        for township, township_code, size in make_townships(rng, county, n_villages):
            taken: set[str] = set()
            for number in range(size):
                village = make_name(rng, taken, ["FS", "NS", "N家S", "FFS"], "村")
                rows.append((province, city, county, township, village,
                             f"{county_code}{township_code}{200 + number:03d}", strength))
    return pd.DataFrame(rows, columns=["province", "city", "county", "township", "village", "code", "strength"])


# ---------------------------------------------------------------- amounts


def targets_from_shares(n: int, shares: dict[str, float]) -> dict[str, int]:
    """Village counts whose shares round (half up, one decimal) to the given percents."""
    return {key: int(np.floor(n * share / 100 + 0.5)) for key, share in shares.items()}


def _uniform_cents(rng: np.random.Generator, low: np.ndarray | int, high: np.ndarray | int, size: int) -> np.ndarray:
    return rng.integers(low, high, size=size, dtype=np.int64)


def _log_uniform_cents(rng: np.random.Generator, low: float, high: float, size: int) -> np.ndarray:
    values = np.exp(rng.uniform(np.log(low), np.log(high), size=size))
    return np.clip(np.floor(values * 100), low * 100, high * 100 - 1).astype(np.int64)


def synth_final_year(rng: np.random.Generator, strength: np.ndarray, counts: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(income, operating) in hundredths of 万元 hitting the band counts exactly.

    counts: operating_ge_100, operating_ge_10, operating_ge_5, income_ge_20, income_ge_10.
    """
    n = len(strength)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-(strength + rng.normal(0, 0.6, n)), kind="stable")] = np.arange(n)
    c100, c10, c5 = counts["operating_ge_100"], counts["operating_ge_10"], counts["operating_ge_5"]
    operating = np.empty(n, dtype=np.int64)
    bands = [(rank < c100, 100, 900), ((rank >= c100) & (rank < c10), 10, 100),
             ((rank >= c10) & (rank < c5), 5, 10), (rank >= c5, 0.3, 5)]
    for mask, low, high in bands:
        if low >= 10:
            operating[mask] = _log_uniform_cents(rng, low, high, int(mask.sum()))
        else:
            operating[mask] = _uniform_cents(rng, int(low * 100), int(high * 100), int(mask.sum()))

    # Villages under 20 万 income must have operating income under 20 万: pick the
    # weakest of those (by a second noisy look at strength).
    score = strength + rng.normal(0, 0.6, n)
    under_20 = _weakest(score, operating < 2000, n - counts["income_ge_20"])
    under_10 = _weakest(np.where(under_20, score, np.inf), under_20 & (operating < 1000), n - counts["income_ge_10"])
    income = np.empty(n, dtype=np.int64)
    low10 = np.maximum(operating, 200)
    income[under_10] = _uniform_cents(rng, low10[under_10], 1000, int(under_10.sum()))
    mid = under_20 & ~under_10
    income[mid] = _uniform_cents(rng, np.maximum(operating[mid], 1000), 2000, int(mid.sum()))
    top = ~under_20
    extra = np.floor(rng.lognormal(np.log(800), 0.9, int(top.sum()))).astype(np.int64)
    income[top] = np.maximum(operating[top], 2000) + extra
    return income, operating


def _weakest(score: np.ndarray, eligible: np.ndarray, count: int) -> np.ndarray:
    if eligible.sum() < count:
        raise ValueError(f"targets impossible: {count} villages needed, {eligible.sum()} eligible")
    picked = np.zeros(len(score), dtype=bool)
    order = np.argsort(np.where(eligible, score, np.inf), kind="stable")
    picked[order[:count]] = True
    return picked


def synth_history(rng: np.random.Generator, income: np.ndarray, operating: np.ndarray,
                  n_years: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Earlier years by dividing out a growth factor, oldest first, ending with the given year.

    Small collectives grew fastest (the 消薄 campaigns), so weak villages shrink
    over the years; a few villages fall back (the growth factor is sometimes < 1).
    """
    years = [(income, operating)]
    for _ in range(n_years - 1):
        inc, op = years[0]
        small = inc < 3000
        growth = np.exp(rng.normal(np.where(small, 0.22, 0.10), 0.12))
        bad_year = rng.random(len(inc)) < 0.03  # a lost contract, a failed harvest
        growth[bad_year] = np.exp(rng.normal(-0.3, 0.1, int(bad_year.sum())))
        op_growth = growth * np.exp(rng.normal(0.03, 0.06, len(inc)))
        inc_before = np.maximum(np.floor(inc / growth), 10).astype(np.int64)
        op_before = np.minimum(np.floor(op / op_growth).astype(np.int64), inc_before)
        years.insert(0, (inc_before, op_before))
    return years


def synth_panel(rng: np.random.Generator, villages: pd.DataFrame, years: tuple[int, ...],
                shares: dict[str, float]) -> pd.DataFrame:
    """A village × year panel whose last year reproduces the shares; amounts in hundredths of 万元."""
    counts = targets_from_shares(len(villages), shares)
    income, operating = synth_final_year(rng, villages["strength"].to_numpy(), counts)
    history = synth_history(rng, income, operating, len(years))
    identity = villages.drop(columns="strength")
    frames = [identity.assign(year=year, income_cents=inc, operating_cents=op)
              for year, (inc, op) in zip(years, history)]
    return pd.concat(frames, ignore_index=True)


def to_table(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel as a village table with the fixed Chinese headers; amounts as text with 2 decimals."""
    table = panel[["year", "province", "city", "county", "township", "village", "code"]].copy()
    for column in ("income", "operating"):
        cents = panel[f"{column}_cents"]
        table[column] = (cents // 100).astype(str) + "." + (cents % 100).astype(str).str.zfill(2)
    return table.rename(columns=TABLE_HEADERS)


def write_table_csv(table: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV, LF line ends, no index."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


# ---------------------------------------------------------------- the two uses


def jinzhong_table(seed: int = SEED) -> pd.DataFrame:
    """The shipped sample: 1942 synthetic villages of 晋中市, 2020–2022."""
    rng = np.random.default_rng(seed)
    sizes = allocate(JINZHONG_VILLAGES, np.array([c[2] for c in JINZHONG_COUNTIES]))
    counties = [(name, code, int(size), strength + 0.0)
                for (name, code, _, strength), size in zip(JINZHONG_COUNTIES, sizes)]
    villages = make_villages(rng, PROVINCE, JINZHONG_CITY, counties)
    villages["strength"] = villages["strength"] + rng.normal(0, 1, len(villages))
    return to_table(synth_panel(rng, villages, JINZHONG_YEARS, JINZHONG_SHARES))


def synthetic_layout(rng: np.random.Generator, n_villages: int, n_cities: int = 11,
                     counties_per_city: int = 10) -> list[tuple[str, list[tuple[str, str, int, float]]]]:
    """Made-up cities and counties for n villages: [(city, [(county, code6, villages, strength)])]."""
    city_taken: set[str] = set()
    n_counties = n_cities * counties_per_city
    sizes = allocate(n_villages, rng.uniform(0.6, 1.4, n_counties))
    layout = []
    for c in range(n_cities):
        city = make_name(rng, city_taken, ["FS", "FT"], "市")
        county_taken: set[str] = set()
        counties = []
        for k in range(counties_per_city):
            county = make_name(rng, county_taken, ["FS", "FT", "TS"], "区" if k < 2 else "县")
            code = f"14{c + 1:02d}{k + 1:02d}"
            counties.append((county, code, int(sizes[c * counties_per_city + k]), float(rng.normal(0, 0.5))))
        layout.append((city, counties))
    return layout


def benchmark_table(n_villages: int = 20_000, n_years: int = 5, seed: int = SEED,
                    province: str = PROVINCE, first_year: int = 2018,
                    n_cities: int = 11, counties_per_city: int = 10) -> pd.DataFrame:
    """A large synthetic table (default 20,000 villages × 5 years) with the sample's final-year shares."""
    rng = np.random.default_rng(seed)
    frames = [make_villages(rng, province, city, counties)
              for city, counties in synthetic_layout(rng, n_villages, n_cities, counties_per_city)]
    villages = pd.concat(frames, ignore_index=True)
    villages["strength"] = villages["strength"] + rng.normal(0, 1, len(villages))
    years = tuple(range(first_year, first_year + n_years))
    return to_table(synth_panel(rng, villages, years, JINZHONG_SHARES))


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate data/villages/jinzhong-sample.csv")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "data" / "villages" / "jinzhong-sample.csv")
    args = parser.parse_args()
    table = jinzhong_table()
    write_table_csv(table, args.out)
    print(f"wrote {args.out} ({len(table)} rows, {args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
