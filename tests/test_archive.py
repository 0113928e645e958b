"""Archive-grade output: atomic site swap, byte-identical rebuilds, the checksummed zip, file:// use."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import write
from generator.output import mkdocs_run
from generator.output.archive import windows_problem
from generator.build import build
from generator.commands.cli import main
from generator.config import Settings
from generator.errors import UsageError

pytestmark = pytest.mark.e2e


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1680220800")
    build(Settings.create(sample, tmp_path / "a", pdf=False))
    shutil.rmtree(sample / "build")
    build(Settings.create(sample, tmp_path / "b", pdf=False))
    a, b = tree_hashes(tmp_path / "a"), tree_hashes(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_failed_mkdocs_leaves_previous_site(sample, monkeypatch):
    site = sample / "site"
    site.mkdir()
    (site / "old.html").write_text("旧", encoding="utf-8")

    def broken(*args, **kwargs):
        raise UsageError("模拟故障")

    monkeypatch.setattr(mkdocs_run, "run_mkdocs", broken)
    with pytest.raises(UsageError):
        build(Settings.create(sample, pdf=False))
    assert tree_hashes(site) == {"old.html": hashlib.sha256("旧".encode()).hexdigest()}
    assert [p.name for p in sample.iterdir() if p.name.startswith(".site")] == []


def test_archive_manifest_verifies_and_is_reproducible(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1680220800")
    runner = CliRunner()
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    result = runner.invoke(main, ["archive", "--project", str(sample), "-o", str(first)])
    assert result.exit_code == 0, result.output
    assert "解压后得到文件夹 a/，说明见其中的 README.txt" in result.output
    (tmp_path / "b").mkdir()
    assert runner.invoke(main, ["archive", "--project", str(sample), "-o", str(tmp_path / "b" / "a.zip")]).exit_code == 0
    assert first.read_bytes() == (tmp_path / "b" / "a.zip").read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
        names = archive.namelist()
        assert infos[0].filename == "a/MANIFEST.sha256"
        assert all(info.flag_bits & 0x800 for info in infos if not info.filename.isascii())
        assert {name.split("/", 1)[0] for name in names} == {"a"}  # one top-level folder
        for name in ("a/site/regions/山西省/晋中市/index.html", "a/site/briefings/sxxczx/2023/007/index.html", "a/README.txt",
                     "a/content/briefings/2023/007.yml", "a/content/series.yml", "a/data/villages/jinzhong-sample.csv",
                     "a/data/indicators.yml", "a/mkdocs.yml", "a/site_templates/pages/issue.md.j2", "a/打开网站.html"):
            assert name in names, name
        assert not any(name.startswith(("a/build/", "a/node_modules/")) for name in names)
        archive.extractall(tmp_path / "x")
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "--quiet", "MANIFEST.sha256"], cwd=tmp_path / "x" / "a", capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    manifest = (tmp_path / "x" / "a" / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == len(infos) - 1


def test_archive_readme_says_what_built_it_and_how_to_rebuild(sample, tmp_path, monkeypatch):
    from generator.output.archive import jianbao_version

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1680220800")
    assert CliRunner().invoke(main, ["archive", "--project", str(sample), "-o", str(tmp_path / "简报归档.zip")]).exit_code == 0
    with zipfile.ZipFile(tmp_path / "简报归档.zip") as archive:
        readme = archive.read("简报归档/README.txt").decode("utf-8")
    assert readme.startswith("简报归档：简报网站的离线归档\n")
    assert f"  jianbao 版本：{jianbao_version()}\n" in readme and jianbao_version() != "未知"
    assert "  SOURCE_DATE_EPOCH：1680220800（2023-03-31 00:00:00 UTC）\n" in readme
    assert "     SOURCE_DATE_EPOCH=1680220800 jianbao build --offline\n" in readme
    assert "用浏览器打开 site/index.html" in readme and "sha256sum -c MANIFEST.sha256" in readme


def test_unzipped_archive_rebuilds_the_same_site(sample, tmp_path, monkeypatch):
    """Item 22: unzip, `jianbao build --offline` inside with the README's epoch → the same site bytes."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the archive picks it (from the content) and says which
    assert CliRunner().invoke(main, ["archive", "--project", str(sample), "-o", str(tmp_path / "arch.zip")]).exit_code == 0
    with zipfile.ZipFile(tmp_path / "arch.zip") as archive:
        archive.extractall(tmp_path / "x")
    folder = tmp_path / "x" / "arch"
    epoch = re.search(r"SOURCE_DATE_EPOCH：(\d+)", (folder / "README.txt").read_text(encoding="utf-8")).group(1)
    archived = tree_hashes(folder / "site")
    assert any(name.endswith(".pdf") for name in archived)
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NO_MKDOCS_2_WARNING": "1"}
    rebuilt = subprocess.run([sys.executable, "-c", "from generator.commands.cli import main; main()", "build", "--offline"], cwd=folder, env=environment, capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    again = tree_hashes(folder / "site")
    assert again.keys() == archived.keys()
    assert [name for name in archived if archived[name] != again[name]] == []


def test_archive_of_one_year_keeps_every_source(sample, tmp_path):
    write(sample / "content/briefings/2022/001.yml", OLDER)
    runner = CliRunner()
    result = runner.invoke(main, ["archive", "--project", str(sample), "--year", "2022", "-o", str(tmp_path / "y.zip")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "y.zip") as archive:
        names = archive.namelist()
        readme = archive.read("y/README.txt").decode("utf-8")
    assert "y/site/briefings/sxxczx/2022/001/index.html" in names
    assert not any(name.startswith("y/site/briefings/sxxczx/2023/007/") for name in names)
    assert "y/site/cases/jinzhong-six-focus/index.html" in names
    assert {"y/content/briefings/2023/007.yml", "y/content/briefings/2022/001.yml"} <= set(names)  # --year limits the site, not the sources
    assert "只收 2022 年的简报" in readme and "jianbao archive --year 2022 -o 新归档.zip" in readme


def test_archive_of_a_year_without_issues_fails_and_writes_no_zip(sample, tmp_path):
    result = CliRunner().invoke(main, ["archive", "--project", str(sample), "--year", "1999", "-o", str(tmp_path / "z.zip")])
    assert result.exit_code == 1, result.output
    assert result.output == "错误：1999 年没有简报，未生成归档；有简报的年度：2023\n"
    assert not (tmp_path / "z.zip").exists() and not (tmp_path / "z.zip.partial").exists()


OLDER = """
series: sxxczx
year: 2022
number: 1
date: 2022-02-10
articles:
  - title: 二〇二二年的一期
    body: 正文。
"""


def test_archive_needs_zip_suffix(sample, tmp_path):
    result = CliRunner().invoke(main, ["archive", "--project", str(sample), "-o", str(tmp_path / "a.tar")])
    assert result.exit_code == 2
    assert "归档文件名应以 .zip 结尾" in result.output


@pytest.mark.parametrize(
    "name, problem",
    [
        ("regions/山西省/index.html", None),
        ("a/CON/index.html", "“CON”是 Windows 的保留文件名"),
        ("a/b:c.html", "“b:c.html”含有 Windows 文件名不允许的字符"),
        ("a/b./index.html", "“b.”以空格或句点结尾，Windows 无法保存"),
    ],
)
def test_windows_names(name, problem):
    assert windows_problem(name) == problem


@pytest.mark.browser
def test_offline_site_searches_from_file_url_with_no_network(sample, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        pytest.skip("需要 chromium（sudo apt-get install chromium）")
    build(Settings.create(sample, tmp_path / "site", offline=True, pdf=False))
    outside: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"])
        context = browser.new_context()

        def route(request_route):
            if request_route.request.url.startswith("file://"):
                return request_route.continue_()
            outside.append(request_route.request.url)
            return request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto((tmp_path / "site" / "index.html").as_uri())
        page.keyboard.press("/")  # jianbao's search box
        page.keyboard.type("清化收", delay=30)
        page.wait_for_selector("#jb-search-listbox [role=option]", timeout=15000)
        titles = page.locator("#jb-search-listbox [role=option]").all_inner_texts()
        page.goto((tmp_path / "site" / "cases" / "jinzhong-six-focus" / "index.html").as_uri())
        page.click("a[href='../../models/six-focus-six-solve/index.html']")
        assert page.url.endswith("/models/six-focus-six-solve/index.html")
        page.goto((tmp_path / "site" / "regions" / "山西省" / "晋中市" / "index.html").as_uri())
        page.wait_for_selector(".jb-chart .vega-embed svg", timeout=15000)
        interactive = page.locator(".jb-chart .vega-embed svg").count()
        browser.close()
    assert any("晋中市" in title for title in titles)
    assert interactive == 3
    assert outside == []
