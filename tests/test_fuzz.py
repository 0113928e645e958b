"""Fuzzing: hostile and broken input never crashes the tool, leaks a write or runs as code.

Random and mutated YAML (the sample content with keys deleted, duplicated, retyped,
unicode injected, files truncated or re-encoded), random village tables (CSV in
several encodings and line endings, XLSX with merged cells), random Markdown and
content templates go through the real loaders and renderers. Properties:

* never an uncaught exception: every failure is a reported problem with file,
  line and a Chinese message;
* `check` writes nothing, and rendering writes only inside the build folder;
* rendering is deterministic, and what it renders runs no code (htmlsafety).

CI runs the small, repeatable "ci" profile (tests/conftest.py). A longer run:

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py --hypothesis-show-statistics
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import markdown
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from markupsafe import escape
from conftest import copy_sample
from htmlsafety import findings
from hypothesis import assume, event, given, note
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from ruamel.yaml import YAML

from generator.site import text as texts
from generator.output.files import write_tree
from generator.content.load import load_project
from generator.data.frames import Frames
from generator.data.load import Data, load_data
from generator.errors import JianbaoError, Report
from generator.data.figures import FigureError, Figures, check_charts, check_figures, check_highlights
from generator.data.indicator_defs import load_indicators
from generator.data.indicators import compute_indicators
from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages, yaml_str
from generator.site.structure import compute_site
from generator.data.table_schema import COLUMNS
from generator.data.tables import read_villages
from generator.content.validate import validate_project
from generator.content.yamlsrc import parse_yaml

pytestmark = pytest.mark.e2e  # hundreds of generated inputs through the whole pipeline

CJK = re.compile(r"[\u4e00-\u9fff]")
CONTENT_FILES = [
    "content/series.yml",
    "content/briefings/2023/007.yml",
    "content/cases/jinzhong-six-focus.yml",
    "content/cases/county-six-moves.yml",
    "content/models/six-focus-six-solve.yml",
    "content/models/six-practical-moves.yml",
    "content/pages/about.md",
]
# What MkDocs runs the generated Markdown through (mkdocs.yml).
MKDOCS_EXTENSIONS = ["attr_list", "tables", "toc"]

# Pieces that tend to break parsers, escapers and sanitizers.
NASTY = [
    "", " ", "\t", "\n", "\r\n", "\r", "\x00", "\x0b", "\x7f", "\x85", "\u2028", "\u200b", "\u202e", "\ufeff",
    "\\0", "\\x7f", "\\ud800", "\\U0001F600", "𝕏", "中文", "＊", "*", "**", "***", "_", "`", "```", "~~~",
    "{{", "}}", "{%", "%}", "{#", '{{ ind("income_ge_20", "山西省/晋中市", 2022) }}', "{{ ind() }}",
    "{{ [1] * 10**9 }}", "{% for x in y %}", "{{ ''.__class__ }}", "&a", "*a", "&a [*a, *a]", "<<: *a",
    "!!python/object/apply:os.system ['id']", "!!binary aGk=", "!x", "? ", ": ", "- ", "-", "---", "...",
    "#", "|", "|-", ">", "'", '"', "\\", "[", "]", "{", "}", ",", "%", "@", "=", "+1", "-1", "0", "1e400",
    ".nan", ".inf", "0x1F", "0o7", "99999999999999999999999", "2023-02-30", "2023-03-31", "null", "~",
    "true", "yes", "..", "../..", "/", "a/b", "山西省/晋中市", "x" * 300, "中" * 70,
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img\nsrc=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "[x][1]\n\n[1]: javascript:alert(1)", "[x](jav&#x61;script:alert(1))",
    "{: onclick=alert(1) }", "<!--", "-->", "<![CDATA[", "</script>", "<style>", "&lt;", "&amp;", "&#0;",
]
nasty = st.sampled_from(NASTY)
injection = st.one_of(nasty, st.text(max_size=20), st.lists(nasty, min_size=1, max_size=4).map("".join))


# ------------------------------------------------------------------ shared fixtures and checks


class Base:
    """The sample project in a temporary folder, its computed data and its pristine render."""

    def __init__(self, root: Path):
        self.root = root
        self.original = {name: (root / name).read_bytes() for name in CONTENT_FILES}
        self.data = load_data(root, Report())
        # Pages are rendered with the province and city figures only: a content mutation
        # changes no township page, and compute_site takes seconds for all of them.
        frames = self.data.frames
        self.light = Data.of_frames(Frames(config=frames.config, villages=frames.villages.head(0),
                                           indicators=frames.indicators[frames.indicators["region"].str.count("/") <= 1]))
        self.sandbox = root.parent / "sandbox"
        self.baseline = render_twice(*checked(root, self.data)[:3], self.light)

    @contextlib.contextmanager
    def replaced(self, name: str, data: bytes) -> Iterator[None]:
        path = self.root / name
        path.write_bytes(data)
        try:
            yield
        finally:
            path.write_bytes(self.original[name])


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    return Base(copy_sample(tmp_path_factory.mktemp("fuzz") / "project"))


def checked(root: Path, data: Data) -> tuple[Any, Any, Figures, Report]:
    """Phase one of the build, with the data computed once for all examples."""
    report = Report()
    project = load_project(root, report)
    totals = validate_project(project, report)
    figures = Figures(data)
    check_figures(project, figures, report)
    check_highlights(project, data, report)
    check_charts(project, data, report)
    return project, totals, figures, report


def render_twice(project: Any, totals: Any, figures: Figures | None, data: Data) -> dict[str, str]:
    """Render every page twice (no chart SVGs: they have their own tests); both must be equal."""
    results = []
    for _ in range(2):
        site = compute_site(project, totals, data)
        options = RenderOptions(extra={"site_name": "示例"})
        context = make_render_context(None, options, figures=figures, charts=ChartMaker(data, None))
        results.append(render_pages(site, context))
    assert results[0] == results[1], "rendering is not deterministic"
    return results[0]


def assert_reported_well(report: Report, files: set[str]) -> None:
    """Every problem names a known file, a line (content files: ≥ 1) and says what is wrong in Chinese."""
    for problem in report.problems:
        assert problem.path in files or problem.path.startswith(("content/", "data/")), problem
        assert problem.line >= (1 if problem.path.startswith("content/") else 0), problem
        assert problem.column >= 0, problem
        assert CJK.search(problem.message), problem
        assert "Traceback" not in problem.message, problem


def files_under(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def assert_markdown_pages_safe(pages: dict[str, str], only: set[str] | None = None) -> None:
    """Run the generated Markdown through MkDocs' Markdown: no script, handler or unsafe URL."""
    converter = markdown.Markdown(extensions=MKDOCS_EXTENSIONS)
    for name, text in pages.items():
        if only is not None and name not in only:
            continue
        body = text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text
        converter.reset()
        html = converter.convert(body)
        assert findings(html) == [], (name, findings(html))


def write_sandboxed(sandbox: Path, pages: dict[str, str]) -> None:
    """write_tree into build/docs of a sandbox: nothing may appear anywhere else."""
    docs = sandbox / "project" / "build" / "docs"
    sandbox.mkdir(parents=True, exist_ok=True)
    try:
        write_tree(docs, pages)
    except JianbaoError as exc:  # a refused path is a clean failure, never a write outside
        note(f"refused: {exc}")
    outside = [name for name in files_under(sandbox) if not (sandbox / name).resolve().is_relative_to(docs.resolve())
               and not docs.resolve().is_relative_to((sandbox / name).resolve())]
    assert outside == []


def run_content(base: Base) -> Report:
    """The whole content pipeline on the (mutated) project, with every property checked."""
    before = files_under(base.root)
    project, totals, figures, report = checked(base.root, base.data)
    assert files_under(base.root) == before, "check wrote files"
    assert_reported_well(report, set(CONTENT_FILES))
    if report.has_errors:
        return report
    pages = render_twice(project, totals, figures, base.light)
    changed = {name for name, text in pages.items() if base.baseline.get(name) != text}
    assert_markdown_pages_safe(pages, only=changed)
    write_sandboxed(base.sandbox, pages)
    return report


# ------------------------------------------------------------------ YAML: text mutations


def _at(fraction: float, length: int) -> int:
    return min(length, int(fraction * (length + 1)))


fraction = st.floats(0, 1)
TextMutation = Callable[[str], str]
text_mutations: st.SearchStrategy[TextMutation] = st.one_of(
    fraction.map(lambda f: lambda t: t[: _at(f, len(t))]),  # truncate
    st.tuples(fraction, injection).map(lambda a: lambda t: t[: _at(a[0], len(t))] + a[1] + t[_at(a[0], len(t)):]),
    st.tuples(fraction, fraction).map(lambda a: lambda t: t[: _at(min(a), len(t))] + t[_at(max(a), len(t)):]),
    st.tuples(fraction, injection).map(lambda a: lambda t: t[: _at(a[0], len(t))] + a[1] + t[_at(a[0], len(t)) + 1:]),
    fraction.map(lambda f: lambda t: _lines(t, f, lambda ls, i: ls[: i + 1] + ls[i:])),  # duplicate a line (keys!)
    fraction.map(lambda f: lambda t: _lines(t, f, lambda ls, i: ls[:i] + ls[i + 1:])),  # drop a line
    st.tuples(fraction, fraction).map(lambda a: lambda t: _swap(t, *a)),
    fraction.map(lambda f: lambda t: _lines(t, f, lambda ls, i: ls[:i] + [ls[i].lstrip()] + ls[i + 1:])),  # indentation
    fraction.map(lambda f: lambda t: _lines(t, f, lambda ls, i: ls[:i] + ["  " + ls[i]] + ls[i + 1:])),
)


def _lines(text: str, f: float, change: Callable[[list[str], int], list[str]]) -> str:
    lines = text.split("\n")
    return "\n".join(change(lines, min(len(lines) - 1, int(f * len(lines)))))


def _swap(text: str, a: float, b: float) -> str:
    lines = text.split("\n")
    i, j = (min(len(lines) - 1, int(x * len(lines))) for x in (a, b))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]


@given(
    name=st.sampled_from(CONTENT_FILES),
    mutations=st.lists(text_mutations, min_size=1, max_size=4),
    encoding=st.sampled_from(ENCODINGS),
)
def test_mutated_content_text_is_reported_never_raised(base, name, mutations, encoding):
    text = base.original[name].decode("utf-8")
    for mutate in mutations:
        text = mutate(text)
    note(repr(text[:2000]))
    with base.replaced(name, text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")):
        run_content(base)


# ------------------------------------------------------------------ YAML: structural mutations

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
    st.dates(), st.text(max_size=30), nasty,
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.one_of(nasty, st.text(max_size=8)), inner, max_size=3)), max_leaves=6)
KEYS = ["id", "title", "body", "case", "lead", "text", "heading", "points", "sections", "highlights", "value", "unit",
        "label", "as_of", "indicator", "tags", "region", "model", "model_item", "charts", "type", "year", "number", "total",
        "kind", "date", "draft", "articles", "distribution", "to", "series", "name", "items", "subtitle", "masthead", "titel"]


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _mutate(data: Any, path: tuple, how: str, new: Any, key: str) -> Any:
    if not path:
        return new if how == "retype" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "retype":
        parent[last] = new
    elif how == "add" and isinstance(parent, dict):
        parent[key] = new
    elif how == "add" and isinstance(parent, list):
        parent.insert(last, new)
    elif how == "inject" and isinstance(parent[last], str):
        parent[last] = parent[last][: len(parent[last]) // 2] + str(new) + parent[last][len(parent[last]) // 2:]
    elif how == "duplicate" and isinstance(parent, list):
        parent.insert(last, parent[last])
    return data


def _dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@given(
    name=st.sampled_from([n for n in CONTENT_FILES if n.endswith(".yml")]),
    picks=st.lists(st.tuples(fraction, st.sampled_from(["delete", "retype", "add", "inject", "duplicate"]), values, st.sampled_from(KEYS)), min_size=1, max_size=4),
)
def test_mutated_content_structure_is_reported_never_raised(base, name, picks):
    data = parse_yaml(base.original[name].decode("utf-8"), name, Report()).data
    for where, how, new, key in picks:
        paths = list(_paths(data))
        data = _mutate(data, paths[min(len(paths) - 1, int(where * len(paths)))], how, new, key)
    try:
        text = _dump(data)
    except Exception:  # ruamel cannot write every value hypothesis makes (e.g. a date key): not our code
        assume(False)
    note(text[:3000])
    with base.replaced(name, text.encode("utf-8", errors="surrogatepass")):
        run_content(base)


# ------------------------------------------------------------------ village tables

HEADER_CELLS = [
    "年度", "年份", "年度（年）", "省", "市", "县", "区", "县（市、区）", "乡镇", "乡（镇）", "乡镇（街道）", "村", "行政村",
    "村代码", "统计用区划代码", "集体经济总收入", "集体经济总收入（万元）", "集体经济总收入(元)", "集体经济总收入（千元）",
    "经营性收入", "经营性收入（万元）", "经营性收入（元）", "经营性收入（美元）", " 经营性 收入 ", "备注", "", "合计",
]
CANONICAL = ["年度", "省", "市", "县", "乡镇", "村", "村代码", "集体经济总收入（万元）", "经营性收入（万元）"]
header_cell = st.one_of(st.sampled_from(HEADER_CELLS), st.text(max_size=8))
NAMES = ["晋中市", "榆次区", "东阳镇", "张庆村", "山西省", "..", ".", "a/b", "=HYPERLINK(\"http://x\")", "-1", "@x", "+x",
         "<script>alert(1)</script>", "x" * 45, "合计", "小计", " 东阳镇 ", "东\n阳", "%2e%2e", "#", "?", "CON", "中" * 41]
YEARS = ["2022", "2021", "2022年", "２０２２", "1800", "2101", "22", "2022.0", "2022.5", "abc", "", "-2022", "1e3"]
MONEY = ["12.5", "0", "1,234.5", "1,2345", "-3", "１２", "十二万", "12万", "nan", "inf", "-inf", "1e308", "1e400", "",
         ".5", "5.", "1_000", "０.５", "−3", " 7 ", "1,234,567", "0x10", "１，２３４"]
CODES = ["140702100200", "１４０７０２１００２００", "123", "", "14070210020x", "1407021002001"]


GOOD = {"year": ["2021", "2022", "2022年"], "money": ["12.5", "30", "0", "105.25", "1,234.5", "１２"],
        "code": ["", "140702100200"]}


def cell_for(header: str, names: list[str] | None) -> st.SearchStrategy[str]:
    """A cell under this header: odd values often, or (a clean table) valid numbers and a few names."""
    name = re.sub(r"\s|[（(].*", "", header)
    kind = "year" if name in ("年度", "年份") else "money" if "收入" in name else "code" if "代码" in name else "name"
    if names is not None:
        return st.sampled_from(names if kind == "name" else GOOD[kind])
    if kind == "name":
        return st.one_of(st.sampled_from(NAMES), st.sampled_from(NAMES), st.text(max_size=10))
    typed = st.sampled_from({"year": YEARS, "money": MONEY, "code": CODES}[kind])
    return st.one_of(typed, typed, typed, st.text(max_size=10), st.floats(allow_nan=True).map(repr),
                     st.integers(-10**20, 10**20).map(str))


@st.composite
def tables(draw) -> list[list[str]]:
    clean = draw(st.booleans())  # half the tables are valid but for their names: they reach the pages
    if clean or draw(st.booleans()):
        header = list(CANONICAL)
        for _ in range(0 if clean else draw(st.integers(0, 3))):
            header[draw(st.integers(0, len(header) - 1))] = draw(header_cell)
        if draw(st.booleans()):
            header = draw(st.permutations(header))
    else:
        header = draw(st.lists(header_cell, max_size=12))
    rows = [header]
    names = draw(st.lists(st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=8)), min_size=1, max_size=3)) if clean else None
    for index in range(draw(st.integers(0, 12))):
        row = [draw(cell_for(h, names)) for h in header]
        if "村" in header and clean:
            row[header.index("村")] += str(index)  # one village per row
        if not clean and draw(st.integers(0, 9)) == 0:  # ragged row
            row = row[: draw(st.integers(0, len(row)))] + draw(st.lists(st.text(max_size=5), max_size=2))
        rows.append(row)
    if draw(st.booleans()):  # title rows above the header
        rows.insert(0, [draw(st.text(max_size=20))])
    return rows


def csv_bytes(rows: list[list[str]], encoding: str, newline: str, quoting: int) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline, quoting=quoting).writerows(rows)
    try:
        return out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return out.getvalue().encode("utf-8", errors="surrogatepass")


def xlsx_bytes(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for r1, c1, r2, c2 in merges:
        if rows and r1 <= r2 and c1 <= c2:
            with contextlib.suppress(Exception):
                sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_cell(text: str, kind: int) -> Any:
    """A cell as Excel might hold it: text, a number, a date or empty."""
    if kind == 1:
        with contextlib.suppress(ValueError):
            number = float(text)
            if math.isfinite(number):
                return number
    if kind == 2 and text:
        return dt.date(2022, 1, 1)
    if kind == 3:
        return None
    return _ILLEGAL_XML.sub("", text)


@pytest.fixture(scope="module")
def indicator_config(repo_root):
    config, report = load_indicators(repo_root / "data" / "indicators.yml", repo_root)
    assert config is not None, report.problems
    return config


def run_tables(folder: Path, paths: list[Path], config: Any, sandbox: Path) -> None:
    root = folder.parent.parent
    first, report = read_villages(paths, root, "山西省")
    second, again = read_villages(paths, root, "山西省")
    pd.testing.assert_frame_equal(first, second)  # deterministic
    assert [p.format() for p in report.problems] == [p.format() for p in again.problems]
    labels = {f"data/villages/{p.name}" for p in paths}
    for problem in report.problems:
        assert problem.path in labels and problem.line >= 0 and CJK.search(problem.message), problem
    assert list(first.columns) == list(COLUMNS)
    assert np.isfinite(first["income"]).all() and (first["income"] >= 0).all()
    assert np.isfinite(first["operating"]).all() and (first["operating"] >= 0).all()
    assert first["year"].between(1949, 2100).all()
    indicators = compute_indicators(config, first)
    if report.has_errors or first.empty:
        return
    event("a clean table: its regions rendered as pages")
    # Clean tables become region pages: their names are folders, URLs and text of the site.
    data = Data.of_frames(Frames(config=config, villages=first, indicators=indicators))
    project = load_project(sandbox / "empty", Report())
    pages = render_twice(project, {}, Figures(data), data)
    assert_markdown_pages_safe(pages)
    write_sandboxed(sandbox, pages)


@given(
    rows=tables(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    damage=st.one_of(st.none(), st.tuples(fraction, st.binary(max_size=8))),
)
def test_random_csv_tables_are_reported_never_raised(tmp_path_factory, indicator_config, rows, encoding, newline, quoting, damage):
    folder = tmp_path_factory.mktemp("csv") / "data" / "villages"
    folder.mkdir(parents=True)
    raw = csv_bytes(rows, encoding, newline, quoting)
    if damage:
        at = _at(damage[0], len(raw))
        raw = raw[:at] + damage[1] + raw[at:]
    note(repr(raw[:2000]))
    path = folder / "t.csv"
    path.write_bytes(raw)
    run_tables(folder, [path], indicator_config, folder.parent.parent / "sandbox")


@given(
    rows=tables(),
    kinds=st.lists(st.integers(0, 3), min_size=1, max_size=20),
    merges=st.lists(st.tuples(*[st.integers(1, 6)] * 4), max_size=3),
    broken=st.one_of(st.none(), fraction),
)
def test_random_xlsx_tables_are_reported_never_raised(tmp_path_factory, indicator_config, rows, kinds, merges, broken):
    folder = tmp_path_factory.mktemp("xlsx") / "data" / "villages"
    folder.mkdir(parents=True)
    cells = [[xlsx_cell(text, kinds[(i + j) % len(kinds)]) for j, text in enumerate(row)] for i, row in enumerate(rows)]
    raw = xlsx_bytes(cells, merges)
    if broken is not None:  # a truncated or damaged file
        raw = raw[: _at(broken, len(raw))]
    path = folder / "t.xlsx"
    path.write_bytes(raw)
    run_tables(folder, [path], indicator_config, folder.parent.parent / "sandbox")


# ------------------------------------------------------------------ Markdown, escaping and templates

markdownish = st.lists(st.one_of(nasty, st.text(max_size=12), st.sampled_from(
    ["\n\n", "\n", "    ", "# ", "## ", "- ", "1. ", "> ", "| a | b |\n| --- | --- |\n| 1 | 2 |", "**粗体**", "[a](b)",
     "[a](http://example.com)", "![i](x.png)", "<http://x>", "[guide](guide.md)", "===", "```\ncode\n```"])),
    max_size=25).map("".join)


@given(markdownish)
def test_markdown_renders_safe_and_deterministic(text):
    for inline in (False, True):
        html = str(texts.render_markdown(text, inline=inline))
        assert html == str(texts.render_markdown(text, inline=inline))
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.find_all(True):
            assert tag.name in texts.ALLOWED_TAGS, tag
            assert set(tag.attrs) <= texts.ALLOWED_ATTRIBUTES.get(tag.name, set()) | ({"rel"} if tag.name == "a" else set()), tag
        assert findings(html) == []
    texts.find_raw_html(text)
    texts.find_unsafe_links(text)
    texts.count_redactions(text)


@given(markdownish)
def test_pages_render_safe_through_mkdocs_markdown(text):
    page = texts.render_page(text, link=lambda href: href)
    assert page == texts.render_page(text, link=lambda href: href)
    html = markdown.markdown(page, extensions=MKDOCS_EXTENSIONS)
    assert findings(html) == [], (page, findings(html))


@given(st.text())
def test_front_matter_strings_read_back_as_escaped_html(text):
    """Material writes page.meta.title into HTML as it is: it reads back as the escaped text."""
    meta = get_data(f"---\ntitle: {yaml_str(text)}\n---\n正文\n")[1]
    assert meta == {"title": str(escape(text))}
    assert findings(f"<title>{meta['title']}</title><h1>{meta['title']}</h1>") == []


@given(st.text())
def test_headings_escape_everything(text):
    html = markdown.markdown("# " + texts.md_escape(text) + " { #x }", extensions=MKDOCS_EXTENSIONS)
    soup = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in soup.find_all(True)] == ["h1"], html
    assert findings(html) == []


templates = st.lists(st.one_of(nasty, st.sampled_from(
    ["{{", "}}", "{%", "%}", "ind(", ")", '"income_ge_20"', '"山西省/晋中市"', "2022", ", ", "range(", "10**9", "*", "[1]",
     "macro m()", "endmacro", "for x in", "endfor", "|", "join", ".__class__", "[0]", "~", "'a'"])), max_size=15).map("".join)


@given(templates)
def test_content_templates_only_fail_as_figure_errors(base, text):
    figures = Figures(base.data)
    try:
        result = figures.expand(text)
    except FigureError as exc:
        assert CJK.search(str(exc))
        return
    assert len(result) <= len(text) * 4 + 100  # no template makes more text than it holds


@given(st.lists(st.one_of(st.sampled_from(["..", ".", "/", "a", "b", "中", "/etc/passwd", "~", "", " ", "..."]),
                          st.text(max_size=5)), min_size=1, max_size=6).map("/".join))
def test_write_tree_never_writes_outside(tmp_path_factory, name):
    sandbox = tmp_path_factory.mktemp("tree")
    try:
        write_sandboxed(sandbox, {name: "x", "ok.md": "y"})
    except (OSError, ValueError):
        pass  # e.g. a name that is a folder, or too long: refused, nothing written outside
    assert all((sandbox / n).resolve().is_relative_to(sandbox.resolve()) for n in files_under(sandbox))
