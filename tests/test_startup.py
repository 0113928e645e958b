"""A command imports only what it needs (issue 12, item 7): each runs in a fresh process here.

`check`, `new` and `import` never load the chart engines or WeasyPrint; a build loads
python-docx only when it makes a .docx. Timings are in benchmarks/bench_fixed_cost.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NEVER = ["altair", "vl_convert", "weasyprint", "docx", "lxml"]
PROBE = r"""
import json, sys
from generator.commands.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit:
    pass
print("LOADED " + json.dumps(sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules)))
"""

pytestmark = pytest.mark.e2e  # each test starts fresh Python processes (seconds each)


def loaded(*args: str, names: list[str] = NEVER) -> list[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(names), *args], capture_output=True, text=True,
                            cwd=REPO, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=120)
    line = next((line for line in result.stdout.splitlines() if line.startswith("LOADED ")), None)
    assert line is not None, result.stdout + result.stderr
    return json.loads(line.removeprefix("LOADED "))


@pytest.mark.parametrize("args", [["check", "--project", str(REPO)], ["new", "issue", "--help"], ["import", "--help"]],
                         ids=["check", "new", "import"])
def test_command_loads_no_chart_engine_weasyprint_or_docx(args):
    assert loaded(*args) == []


def test_check_loads_no_markdown_or_search_index():
    """`jianbao check` renders nothing: Markdown and the search index code are for a build."""
    assert loaded("check", "--project", str(REPO), names=["markdown", "generator.output.search_index"]) == []


def test_xlsx_check_loads_no_chart_engine_weasyprint_or_docx(tmp_path):
    import openpyxl

    from conftest import copy_sample

    project = copy_sample(tmp_path / "p")
    csv = next((project / "data" / "villages").glob("*.csv"))
    book = openpyxl.Workbook()
    for line in csv.read_text(encoding="utf-8").splitlines()[:50]:
        book.active.append(line.split(","))
    csv.unlink()
    book.save(project / "data" / "villages" / "villages.xlsx")
    assert loaded("check", "--project", str(project), names=[*NEVER, "python_calamine"]) == ["python_calamine"]


def test_build_modules_load_no_docx():
    code = ("import sys, generator.build, generator.output.printing, generator.site.pages\n"
            "print(sorted(n for n in ('docx', 'lxml', 'weasyprint') if n in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_warm_check_parses_no_yaml_file_again(sample, tmp_path):
    """indicators.yml, the tables' notes and mkdocs.yml come from the parsed-file cache, as content files do."""
    from generator.build import check
    from generator.config import Settings

    settings = Settings.create(sample, shared_cache_dir=tmp_path / "cache")
    first = check(settings)
    content = list((sample / "content").rglob("*.yml"))
    tables = list((sample / "data" / "villages").glob("*.yml"))  # the tables' notes
    assert first.project.cache.parsed == len(content) + len(tables) + 2 > len(content) + 2  # and indicators.yml, mkdocs.yml
    first.project.save_cache()  # what phase two of a build does
    again = check(settings)
    assert again.project.cache.parsed == 0
    assert again.mkdocs == first.mkdocs and again.site.data.facts == first.site.data.facts
    assert [str(p) for p in again.report.problems] == [str(p) for p in first.report.problems]


def test_the_console_script_exits_with_the_command_s_code_and_output(tmp_path):
    """`jianbao` is cli.run: main, then gc.freeze() on the way out; the code and the messages are main's."""
    import subprocess
    import sys

    code = "import sys; sys.argv[0] = 'jianbao'; from generator.commands.cli import run; run()"
    done = subprocess.run([sys.executable, "-c", code, "check", "--project", str(tmp_path / "none")], capture_output=True, text=True, timeout=60)
    direct = subprocess.run([sys.executable, "-c", code.replace("run; run()", "main; main()"), "check", "--project", str(tmp_path / "none")],
                            capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (direct.returncode, direct.stdout, direct.stderr) and done.returncode != 0
