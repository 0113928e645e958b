"""Same inputs, same bytes (SPEC §8): across processes, hash seeds and folders, and for builds in one process.

`jianbao serve` and the editor build again and again in one process with one BuildCache;
these tests make sure nothing a build keeps leaks into another project's site.
"""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, copy_sample

from generator.build import build
from generator.buildcache import BuildCache
from generator.config import Settings

EPOCH = "1680220800"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_in_child(project: Path, hash_seed: str, cache_dir: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": EPOCH, "JIANBAO_CACHE_DIR": str(cache_dir)}
    result = subprocess.run([sys.executable, "-c", "from generator.commands.cli import main; main()", "build", "--project", str(project), "--no-pdf"],
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return tree(project / "site")


def other_project(dest: Path) -> Path:
    """The sample with another 印发 date and case text: another project of the same shape."""
    project = copy_sample(dest)
    issue = project / "content/briefings/2023/007.yml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("printed_date: 2023-03-31", "printed_date: 2023-04-02"), encoding="utf-8")
    case = project / "content/cases/jinzhong-six-focus.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("全市所有行政村", "全市每一个行政村"), encoding="utf-8")
    return project


@pytest.mark.e2e
def test_two_processes_with_other_hash_seeds_and_folders_give_the_same_site(tmp_path):
    first = build_in_child(copy_sample(tmp_path / "one" / "project"), "1", tmp_path / "cache-one")
    second = build_in_child(copy_sample(tmp_path / "two" / "elsewhere"), "2", tmp_path / "cache-two")
    assert [name for name in first.keys() | second.keys() if first.get(name) != second.get(name)] == []


@pytest.mark.e2e
def test_two_projects_built_alternately_in_one_process_equal_fresh_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    a = copy_sample(tmp_path / "a")
    b = other_project(tmp_path / "b")
    cache = BuildCache()
    for project in (a, b, a, b):  # as `jianbao serve` or the editor would, one cache for all
        build(Settings.create(project, pdf=False), cache=cache)
    in_process = {project: tree(project / "site") for project in (a, b)}
    assert in_process[a] != in_process[b]
    for project in (a, b):
        fresh = build_in_child(project, "3", tmp_path / "fresh-cache")
        assert [name for name in fresh.keys() | in_process[project].keys() if fresh.get(name) != in_process[project].get(name)] == []


def import_graph() -> dict[str, set[str]]:
    """generator's modules and the generator modules each imports (read, not run)."""
    root = REPO / "generator"
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for target in targets:
                if target in modules and target != name and not (modules[target].name == "__init__.py" and name.startswith(target + ".")):
                    graph[name].add(target)
    return graph


def test_the_import_graph_of_generator_has_no_cycles():
    graph = import_graph()
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(" → ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
