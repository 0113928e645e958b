"""How quickly `jianbao edit` answers: a live check, the form of an issue, a preview.

    python benchmarks/bench_editor.py [--issues 1200] [--cases 1200] [--repeat 5] [--dir DIR]

Measured in one process through the editor's own app (Starlette's test client: the request is
parsed, checked and answered as over HTTP, without the network), on the sample project and on a
synthetic archive (benchmarks/synth_archive.py) of --issues issues and --cases cases:
- the first load of the project (the editor's start), and a second start with the parse cache on disk;
- a live check of one edit (POST /api/check: the form → YAML round trip → every check of
  `jianbao check` on that file and its cross-file rules) — target ≤ 0.3 s;
- the form of an issue opening (GET /edit/…) — target ≤ 0.5 s;
- the preview of that issue as the printed 简报 (POST /api/preview) — target ≤ 1 s.
Each figure is the median of --repeat runs after one warm-up; the first (cold) one is printed too.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO), str(REPO / "tests")]


def copy_sample(dest: Path) -> None:
    """The sample project (not through tests/conftest.py: it points every build at one shared cache folder)."""
    for name in ("content", "data", "site_templates"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")


def timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def measure(project: Path, issue: str, repeat: int) -> dict[str, float]:
    from starlette.testclient import TestClient

    from formfields import form_fields  # tests/formfields.py: the fields of a form as a browser posts them
    from generator.config import Settings
    from generator.editor.app import create_app
    from generator.editor.workspace import Workspace

    settings = Settings.create(project)
    workspace = Workspace(settings)
    figures: dict[str, float] = {}
    figures["start"], _ = timed(workspace.refresh)
    figures["start_again"], _ = timed(Workspace(settings).refresh)  # a second start: the parse cache on disk is warm
    client = TestClient(create_app(settings, workspace), base_url="http://127.0.0.1:8001")
    runs: dict[str, list[float]] = {"form": [], "check": [], "check_error": [], "preview": []}
    for attempt in range(repeat + 1):
        seconds, response = timed(lambda: client.get(f"/edit/{issue}"))
        assert response.status_code == 200, response.text[:500]
        runs["form"].append(seconds)
        fields = form_fields(response.text)
        edited = {**fields, "printed_by": f"修改后的印发单位{attempt}"}
        seconds, response = timed(lambda: client.post(f"/api/check/{issue}", data=edited))
        assert response.status_code == 200 and response.json()["errors"] == 0, response.text[:500]
        runs["check"].append(seconds)
        seconds, response = timed(lambda: client.post(f"/api/check/{issue}", data={**edited, "number": "七"}))
        assert response.json()["errors"] == 1
        runs["check_error"].append(seconds)
        seconds, response = timed(lambda: client.post(f"/api/preview/{issue}", data=edited))
        assert "修改后的印发单位" in response.text, response.text[:500]
        runs["preview"].append(seconds)
    for name, values in runs.items():
        figures[f"{name}_cold"] = values[0]
        figures[name] = statistics.median(values[1:])
    return figures


def report(title: str, figures: dict[str, float]) -> list[str]:
    return [
        f"{title}",
        f"  项目载入（编辑器启动）      {figures['start']:7.3f} s（再次启动，磁盘缓存已有：{figures['start_again']:.3f} s）",
        f"  实时检查一次修改            {figures['check']:7.3f} s（首次 {figures['check_cold']:.3f} s；有错误时 {figures['check_error']:.3f} s） 目标 ≤ 0.3 s",
        f"  打开一期简报的表单          {figures['form']:7.3f} s（首次 {figures['form_cold']:.3f} s） 目标 ≤ 0.5 s",
        f"  预览一期简报（印刷版式）    {figures['preview']:7.3f} s（首次 {figures['preview_cold']:.3f} s） 目标 ≤ 1 s",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--issues", type=int, default=1200)
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="where to make the projects (default: a temporary folder)")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="jianbao-bench-editor-"))
    work.mkdir(parents=True, exist_ok=True)
    from synth_archive import make_archive

    sample = work / "sample"
    if not sample.exists():
        copy_sample(sample)
    lines = report("示例项目（content/ 的 2 个案例、1 期简报）", measure(sample, "briefings/2023/007.yml", args.repeat))
    big = work / f"archive-{args.issues}-{args.cases}"
    if not (big / "content").is_dir():
        make_archive(big, issues=args.issues, cases=args.cases, villages=args.villages)
    issue = sorted((big / "content/briefings").rglob("*.yml"))[-1].relative_to(big / "content").as_posix()
    lines += report(f"合成档案（{args.issues} 期简报 + {args.cases} 个案例，{args.villages} 个村）：{issue}", measure(big, issue, args.repeat))
    print("\n".join(lines))
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
