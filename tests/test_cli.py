"""The command line: exit codes, messages, scaffolding, and a failed build leaving site/ alone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from conftest import write

from generator.commands.cli import main

pytestmark = pytest.mark.e2e  # runs the commands on real projects, with MkDocs


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_sample_exits_0(repo_root):
    result = run("check", "--project", str(repo_root))
    assert result.exit_code == 0, result.output
    assert "检查通过：1 期简报，2 个案例，2 个发展模式。" in result.output


def test_check_bad_content_exits_1_with_every_problem(mini):
    write(mini / "content/briefings/2024/001.yml", "series: demo\nyear: x\n")
    write(mini / "content/cases/bad.yml", "id: Bad\n")
    result = run("check", "--project", str(mini))
    assert result.exit_code == 1
    assert "content/briefings/2024/001.yml:2:7: 错误: “year”应为整数，实际为“x”" in result.output
    assert "content/cases/bad.yml:1:5: 错误:" in result.output
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines()[-2].startswith("共 ")


def test_strict_turns_warnings_into_failure(mini):
    (mini / "content/briefings/2024/002.yml").rename(mini / "content/briefings/2024/003.yml")
    path = mini / "content/briefings/2024/003.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("number: 2", "number: 3").replace("total: 11", "total: 12"), encoding="utf-8")
    assert run("check", "--project", str(mini)).exit_code == 0
    assert run("check", "--project", str(mini), "--strict").exit_code == 1


def test_failed_build_leaves_site_untouched(mini):
    site = mini / "site"
    write(site / "index.html", "旧站点")
    write(mini / "content/briefings/2024/001.yml", "series: [\n")
    result = run("build", "--project", str(mini), "--no-pdf")
    assert result.exit_code == 1
    assert "未写入任何文件" in result.output
    assert sorted(p.name for p in site.rglob("*")) == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "旧站点"
    assert not (mini / "build").exists()


def test_new_issue_gives_next_numbers(mini):
    result = run("new", "issue", "--project", str(mini), "--date", "2024-05-20")
    assert result.exit_code == 0, result.output
    path = mini / "content/briefings/2024/003.yml"
    text = path.read_text(encoding="utf-8")
    assert "number: 3 " in text and "total: 12 " in text and "date: 2024-05-20" in text and "draft: true" in text
    assert run("check", "--project", str(mini)).exit_code == 0


def test_new_issue_in_a_new_year_restarts_numbering(mini):
    assert run("new", "issue", "--project", str(mini), "--date", "2025-01-03").exit_code == 0
    text = (mini / "content/briefings/2025/001.yml").read_text(encoding="utf-8")
    assert "number: 1 " in text and "total: 12 " in text


def test_new_issue_on_sample_is_eighth(sample):
    result = run("new", "issue", "--project", str(sample), "--date", "2023-04-30")
    assert result.exit_code == 0, result.output
    text = (sample / "content/briefings/2023/008.yml").read_text(encoding="utf-8")
    assert "number: 8 " in text and "total: 63 " in text and "省委、省政府分管领导" not in text
    assert run("check", "--project", str(sample)).exit_code == 0


def test_new_issue_default_date_is_today(mini):
    assert run("new", "issue", "--project", str(mini)).exit_code == 0
    today = dt.date.today()
    assert list((mini / "content/briefings" / str(today.year)).glob("*.yml"))


def test_new_issue_unknown_series_is_usage_error(mini):
    result = run("new", "issue", "--project", str(mini), "--series", "nope")
    assert result.exit_code == 2
    assert "未知的简报系列“nope”，已定义的有：demo" in result.output


def test_new_case_and_hostile_id(mini):
    assert run("new", "case", "--project", str(mini), "good-case").exit_code == 0
    assert run("check", "--project", str(mini)).exit_code == 0
    result = run("new", "case", "--project", str(mini), "../../etc/passwd")
    assert result.exit_code == 2
    assert "案例 id“../../etc/passwd”不合法" in result.output
    assert not (mini.parent / "etc").exists()
    assert run("new", "case", "--project", str(mini), "good-case").exit_code == 2


def test_schema_is_json(tmp_path):
    result = run("schema", "--kind", "case")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["additionalProperties"] is False
    assert "highlights" in schema["properties"]
    assert run("schema", "-o", str(tmp_path)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.schema.json", "issue.schema.json", "model.schema.json", "series.schema.json"]


def test_help_is_chinese():
    result = run("--help")
    assert "校验、计算、生成并构建整个站点" in result.output


def test_unknown_option_is_exit_2():
    assert CliRunner().invoke(main, ["build", "--nope"]).exit_code == 2


def test_import_command_imports_the_seed(tmp_path, repo_root):
    seed = repo_root.parent / "shared" / "seeds" / "004_1b918d74ee733bf2.txt"
    if not seed.is_file():
        import pytest

        pytest.skip("seed document not present")
    project = tmp_path / "p"
    write(project / "content/series.yml", (repo_root / "content/series.yml").read_text(encoding="utf-8"))
    result = run("import", "--project", str(project), str(seed))
    assert result.exit_code == 0, result.output
    assert (project / "content/briefings/2023/007.yml").is_file()
    assert run("check", "--project", str(project)).exit_code == 0
    again = run("import", "--project", str(project), str(seed))
    assert again.exit_code == 1
