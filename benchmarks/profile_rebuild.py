"""Profile the rebuild `jianbao serve` does after one issue changed (generation only, MkDocs left out).

    pip install -e '.[bench]'
    python benchmarks/synth_archive.py /tmp/archive --issues 1200 --cases 1200
    python benchmarks/profile_rebuild.py /tmp/archive

Builds the project once (to fill the caches of this process), changes one issue as
bench_site.py does, then builds again under pyinstrument and prints the profile.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    args = parser.parse_args()

    from pyinstrument import Profiler

    import generator.build as build_module
    import generator.output.mkdocs_run as mkdocs_run
    import generator.output.printing as printing
    from bench_site import change_one_issue
    from generator.buildcache import BuildCache
    from generator.config import Settings

    mkdocs_run.run_mkdocs = lambda config, **options: []  # generation only
    printing.write_issue_files = lambda *args, **kwargs: []
    build_module.replace_dir = lambda new, target: None  # site/ stays as it is
    settings = Settings.create(args.project, pdf=False)
    cache = BuildCache()  # kept between the two builds, as `jianbao serve` keeps it
    start = time.perf_counter()
    build_module.build(settings, cache=cache)
    print(f"first build (MkDocs left out): {time.perf_counter() - start:.2f} s")
    changed = change_one_issue(args.project)
    profiler = Profiler(interval=0.001)
    profiler.start()
    start = time.perf_counter()
    result = build_module.build(settings, cache=cache)
    wall = time.perf_counter() - start
    profiler.stop()
    print(f"{changed}: rebuilt in {wall:.2f} s under the profiler; {result.written} files rewritten")
    print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
