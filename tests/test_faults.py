"""Faults: disk full, read-only folders, a killed build, a damaged cache, two builds at once.

After each fault the previous site is intact, and the next build succeeds without
any manual clean-up (stale `.site.tmp-*` / `.site.old-*` folders are removed).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import pathlib
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from conftest import REPO, write

import generator.output.files as files_module
from generator.build import build, recover_site
from generator.commands.cli import main
from generator.config import Settings
from generator.errors import FileSystemError, JianbaoError, UsageError
from generator.output.printing import pdf_available

pytestmark = pytest.mark.e2e


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder with the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def stale(project: Path) -> list[str]:
    """Leftovers a build must never leave behind: staging folders and temporary files."""
    found = [p.name for p in project.iterdir() if p.name.startswith((".site.tmp-", ".site.old-"))]
    found += [p.relative_to(project).as_posix() for p in (project / "build").rglob("*") if ".tmp-" in p.name]
    return found


def edit(project: Path, text: str) -> None:
    path = project / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("正文。", text, 1), encoding="utf-8")


@pytest.fixture
def built(mini: Path) -> tuple[Path, dict[str, str]]:
    """The mini project, built once: its site is the "previous site" every fault must keep."""
    build(Settings.create(mini, pdf=False))
    edit(mini, "新的正文。")  # so that the next build would change the site
    return mini, tree(mini / "site")


def assert_recovers(project: Path, pdf: bool = False) -> None:
    """The next build, with no clean-up by hand, succeeds and leaves nothing behind."""
    build(Settings.create(project, pdf=pdf))
    assert stale(project) == []
    assert "新的正文" in (project / "site/briefings/demo/2024/001/index.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ disk full, read-only


def failing_after(count: int, error: int, original):
    """A replacement for a write function: the first `count` calls work, then the disk is full."""
    calls = {"n": 0}

    def write(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > count:
            raise OSError(error, os.strerror(error), str(args[0]) if args else None)
        return original(*args, **kwargs)

    return write


def test_disk_full_while_writing_markdown(built, monkeypatch):
    project, before = built
    docs = project / "build/docs"
    edit(project, "又一段新的正文。")
    (project / "content/pages").mkdir()
    for name in ("a", "b", "c", "d"):  # more files to write, so the disk fills up half way
        (project / f"content/pages/{name}.md").write_text(f"# {name}\n\n正文\n", encoding="utf-8")
    docs_before = tree(docs)
    original = pathlib.Path.write_bytes
    writes = {"n": 0}

    def fills_up(self, data):  # the third file gets half written, then the disk is full
        if self.is_relative_to(docs):
            writes["n"] += 1
            if writes["n"] >= 3:
                original(self, data[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return original(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", fills_up)
    with pytest.raises(FileSystemError) as caught:
        build(Settings.create(project, pdf=False))
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith("写入失败，磁盘空间不足：")
    assert tree(project / "site") == before
    assert stale(project) == []  # the half-written file is gone, under every name
    during = tree(docs)
    monkeypatch.undo()
    assert_recovers(project)
    after = tree(docs)
    assert 0 < sum(during.get(n) != docs_before.get(n) for n in after) < len(after)  # it did fail half way
    for name, digest in during.items():  # each file is the old one or the complete new one
        assert digest in (docs_before.get(name), after.get(name)), name


def test_disk_full_while_mkdocs_writes_the_site(built, monkeypatch):
    project, before = built
    monkeypatch.setattr(shutil, "copyfile", failing_after(2, errno.ENOSPC, shutil.copyfile))
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--no-pdf"])
    assert result.exit_code == 2, result.output
    assert "错误：写入失败，磁盘空间不足" in result.output and "无需手工清理" in result.output
    assert "Traceback" not in result.output
    assert tree(project / "site") == before
    assert stale(project) == []
    monkeypatch.undo()
    assert_recovers(project)


def test_read_only_site_folder(built, monkeypatch):
    project, before = built
    # We run as root, which ignores permission bits: the file system says "read-only" instead.
    monkeypatch.setattr(os, "rename", failing_after(0, errno.EROFS, os.rename))
    monkeypatch.setattr(pathlib.Path, "rename", failing_after(0, errno.EROFS, pathlib.Path.rename))
    monkeypatch.setattr(files_module, "_exchange", failing_after(0, errno.EROFS, files_module._exchange))
    with pytest.raises(FileSystemError, match="文件系统是只读的"):
        build(Settings.create(project, pdf=False))
    assert tree(project / "site") == before
    monkeypatch.undo()
    assert_recovers(project)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits; test_read_only_site_folder injects EROFS instead")
def test_site_parent_without_write_permission(built):
    project, before = built
    outside = project / "out"
    outside.mkdir()
    outside.chmod(0o500)
    try:
        result = CliRunner().invoke(main, ["build", "--project", str(project), "--no-pdf", "--site-dir", str(outside / "site")])
        assert result.exit_code == 2 and "没有写入权限" in result.output
    finally:
        outside.chmod(0o700)


# ------------------------------------------------------------------ a build killed mid-way

KILL_RUNNER = """\
import sys, time
import generator.build as b, generator.output.files as f

def pause(name):  # stop here, to be killed: the parent waits for this line
    print("JIANBAO_PAUSED " + name, file=sys.stderr, flush=True)
    time.sleep(600)

point = sys.argv.pop(1)
if point == "write":  # after the first file of build/docs is written
    first_write = f.write_atomic
    def write_atomic(path, data):
        first_write(path, data)
        pause("write")
    f.write_atomic = write_atomic
elif point == "mkdocs":  # MkDocs has built the staging folder, site/ not yet replaced
    write_issue_files = __import__("generator.output.printing", fromlist=["x"]).write_issue_files
    def after_mkdocs(*args, **kwargs):
        pause("mkdocs")
    sys.modules["generator.output.printing"].write_issue_files = after_mkdocs
elif point == "swap":  # the new site is in place (exchanged), or site/ moved aside (two renames)
    exchange = f._exchange
    def exchanged(new, target):
        done = exchange(new, target)
        if done:
            pause("swap")
        return done
    f._exchange = exchanged
    rename = type(b.Path()).rename
    def rename_then_pause(self, target):
        result = rename(self, target)
        if self.name == "site":
            pause("swap")
        return result
    type(b.Path()).rename = rename_then_pause
{patch}
from generator.commands.cli import main
sys.exit(main())
"""


def start_paused_build(project: Path, point: str, patch: str = "") -> subprocess.Popen:
    """`jianbao build` in a child process whose functions are patched to stop at a point (see KILL_RUNNER)."""
    child = subprocess.Popen([sys.executable, "-c", KILL_RUNNER.replace("{patch}", patch.replace("b._exchange", "exchange")), point,
                              "build", "--project", str(project), "--no-pdf"],
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stderr], daemon=True).start()
    deadline = time.monotonic() + 180
    seen = []
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if child.poll() is not None:
                break
            continue
        seen.append(line)
        if f"JIANBAO_PAUSED {point}" in line:
            return child
    child.kill()
    raise AssertionError(f"the build never reached {point}: {''.join(seen)[-2000:]}")


def kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.parametrize("point", ["write", "mkdocs", "swap"])
def test_build_killed_midway(built, point):
    project, before = built
    kill(start_paused_build(project, point))
    after = tree(project / "site")
    if point == "swap":  # killed just after the atomic exchange: the new site is complete and in place
        assert after != before and "index.html" in after
        assert "新的正文" in (project / "site/briefings/demo/2024/001/index.html").read_text(encoding="utf-8")
    else:
        assert after == before
    assert_recovers(project)


def test_build_killed_between_the_two_renames(built):
    """Where the system cannot exchange folders, site/ is moved aside first; a kill then loses nothing."""
    project, before = built
    kill(start_paused_build(project, "swap", patch="b._exchange = lambda new, target: False"))
    assert not (project / "site").exists()
    moved = [p for p in project.iterdir() if p.name.startswith(".site.old-")]
    assert len(moved) == 1 and tree(moved[0]) == before
    recover_site(project / "site")  # what the next build does first
    assert tree(project / "site") == before and stale(project) == []
    kill(start_paused_build(project, "swap", patch="b._exchange = lambda new, target: False"))
    assert_recovers(project)


# ------------------------------------------------------------------ two builds at once


def test_second_build_fails_fast_while_one_runs(built):
    project, before = built
    first = start_paused_build(project, "mkdocs")
    try:
        start = time.monotonic()
        result = CliRunner().invoke(main, ["build", "--project", str(project), "--no-pdf"])
        assert result.exit_code == 2, result.output
        assert "错误：另一个 jianbao 构建正在使用这个项目" in result.output
        assert time.monotonic() - start < 30
        assert tree(project / "site") == before
    finally:
        kill(first)
    assert_recovers(project)


def test_lock_is_held_only_while_building(built):
    project, _ = built
    with open(project / "build" / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UsageError, match="另一个 jianbao 构建正在使用这个项目"):
            build(Settings.create(project, pdf=False))
        fcntl.flock(handle, fcntl.LOCK_UN)
    assert_recovers(project)
    with open(project / "build" / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the build


# ------------------------------------------------------------------ a damaged cache

TABLE = """年度,省,市,县,乡镇,村,集体经济总收入,经营性收入
2022,山西省,晋中市,榆次区,东阳镇,张庆村,30,12
2022,山西省,晋中市,榆次区,东阳镇,王村,12,6
2022,山西省,晋中市,太谷区,胡村镇,李村,55,20
"""
INDICATORS = """default_province: 山西省
indicators:
  villages: {name: 行政村个数, unit: 个, kind: count}
  income_ge_20: {name: 集体经济收入20万元以上的行政村占比, unit: "%", kind: share, where: {column: income, op: ">=", value: 20}}
"""


def test_damaged_cache_is_rebuilt(mini, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("JIANBAO_CACHE_DIR", str(cache))
    write(mini / "data/villages/t.csv", TABLE)
    write(mini / "data/indicators.yml", INDICATORS)
    pdf = pdf_available()[0]
    build(Settings.create(mini, pdf=pdf))
    good = tree(mini / "site")
    svgs = sorted((cache / "charts").glob("*.svg"))
    assert svgs
    svgs[0].write_bytes(svgs[0].read_bytes()[:100])  # truncated
    for path in svgs[1:]:
        path.write_bytes(os.urandom(300))  # garbage
    bundle = next(cache.glob("vega-bundle-*.js"))
    bundle.write_bytes(bundle.read_bytes()[: 1000])
    pdfs = sorted((cache / "pdf").glob("*.pdf"))
    assert pdfs or not pdf
    for path in pdfs:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    # Whatever else the build keeps there (parsed YAML, chart specs, rendered Markdown): damaged too.
    others = [p for p in sorted(cache.rglob("*")) if p.is_file() and p.suffix not in (".svg", ".pdf", ".js", ".sha256")]
    for index, path in enumerate(others):
        path.write_bytes(os.urandom(200) if index % 2 else path.read_bytes()[:20])
    # A new process, as after a crash: nothing is remembered in memory.
    result = subprocess.run([sys.executable, "-c", "from generator.commands.cli import main; main()", "build", "--project", str(mini), *([] if pdf else ["--no-pdf"])],
                            capture_output=True, text=True, timeout=600, env={**os.environ, "JIANBAO_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree(mini / "site") == good  # byte for byte what the intact cache gave
    for path in (mini / "site").rglob("*.html"):
        for svg in path.read_text(encoding="utf-8").split('<div class="jb-chart-static">')[1:]:
            ElementTree.fromstring(svg.split("</div>", 1)[0])  # every inlined SVG is whole
    # Damaged cache files the build did not need may stay; the next one it needs is rendered again.


def test_builds_in_one_process_equal_a_fresh_build(mini, tmp_path):
    """`jianbao serve` builds again and again in one process, with one BuildCache: the site must not drift."""
    from generator.buildcache import BuildCache

    write(mini / "data/villages/t.csv", TABLE)
    write(mini / "data/indicators.yml", INDICATORS)
    cache = BuildCache()
    for _ in range(3):  # what earlier builds in this process did
        build(Settings.create(mini, pdf=False), cache=cache)
    in_process = tree(mini / "site")
    result = subprocess.run([sys.executable, "-c", "from generator.commands.cli import main; main()", "build", "--project", str(mini), "--no-pdf"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree(mini / "site") == in_process


def test_write_tree_notices_files_changed_between_builds(tmp_path):
    """In one process write_tree trusts a file's stat: a file edited or replaced since is checked again."""
    from generator.buildcache import WriteRecord
    from generator.output.files import write_tree

    docs = tmp_path / "docs"
    record = WriteRecord()
    pages = {"a/index.md": "第一页\n", "b/index.md": "第二页\n"}
    assert write_tree(docs, pages, record) == 2
    assert write_tree(docs, pages, record) == 0  # unchanged: nothing rewritten
    (docs / "a/index.md").write_text("被改过的内容，长度也不同\n", encoding="utf-8")
    assert write_tree(docs, pages, record) == 1
    assert (docs / "a/index.md").read_text(encoding="utf-8") == "第一页\n"
    (docs / "b/index.md").unlink()
    (docs / "b/index.md").symlink_to(tmp_path / "elsewhere.md")
    with pytest.raises(JianbaoError, match="拒绝写入构建目录之外的路径"):
        write_tree(docs, pages, record)
    assert not (tmp_path / "elsewhere.md").exists()
    (docs / "b/index.md").unlink()
    assert write_tree(docs, {"a/index.md": "第一页\n"}, record) == 0
    assert not (docs / "b").exists()  # no longer wanted: its folder is removed
