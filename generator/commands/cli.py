"""Command line: parse flags, call the pipeline, map errors to exit codes (SPEC §7)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from generator.commands.clickzh import VERSION_TEXT, ChoiceType, DateType, IntType, ZhGroup, option
from generator.config import Settings
from generator.commands.console import fail, print_report
from generator.errors import JianbaoError, Level
from generator.site.urls import KIND_NAMES

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
project_option = option("--project", "project", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", default=".", show_default=True, help="项目目录（含 content/、data/、mkdocs.yml）")


@click.group(cls=ZhGroup, context_settings=CONTEXT)
@click.version_option(package_name="jianbao", message="jianbao %(version)s", help=VERSION_TEXT)
def main() -> None:
    """jianbao（简报）：把 YAML 简报、典型案例和指标表生成为可搜索的静态网站。"""


@main.command()
@project_option
@option("--site-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="输出目录（默认：项目下的 site/）")
@option("--offline", is_flag=True, help="生成可从 file:// 直接打开的离线站点")
@option("--no-pdf", is_flag=True, help="不生成 PDF（单文件 HTML 和 Word 文档照常生成）；缺少 PDF 所需的字体或 Pango 时用它构建")
@option("--drafts", is_flag=True, help="同时构建草稿（draft: true）")
@option("--strict", is_flag=True, help="警告也视为错误")
def build(project: Path, site_dir: Path | None, offline: bool, no_pdf: bool, drafts: bool, strict: bool) -> None:
    """校验、计算、生成并构建整个站点。"""
    from rich.console import Console

    from generator.build import build as run_build

    settings = Settings.create(project, site_dir, offline=offline, pdf=not no_pdf, drafts=drafts, strict=strict)
    console = Console(stderr=True)
    start = time.perf_counter()
    try:
        with console.status("构建中…") as status:
            result = run_build(settings, progress=lambda stage: status.update(f"构建中：{stage}…"))
    except JianbaoError as exc:
        fail(exc)
        return
    print_report(result.report, notes=False)
    report = result.report
    click.echo(
        f"完成：{result.pages} 个页面（改写 {result.written} 个文件），"
        f"{report.count(Level.WARNING)} 个警告，{report.count(Level.NOTE)} 个提示，"
        f"用时 {time.perf_counter() - start:.1f} 秒 → {settings.site_dir}"
    )


@main.command()
@project_option
@option("--strict", is_flag=True, help="警告也视为错误")
def check(project: Path, strict: bool) -> None:
    """校验全部内容和数据，不生成任何文件。"""
    from generator.build import check as run_check

    try:
        checked = run_check(Settings.create(project, strict=strict))
    except JianbaoError as exc:
        fail(exc)
        return
    print_report(checked.report)
    loaded = checked.project
    drafts = sum(1 for doc in [*loaded.issues, *loaded.cases, *loaded.models] if doc.model.draft)
    note = f"（另有 {drafts} 个草稿，jianbao build 不发布，--drafts 或 jianbao serve 时显示）" if drafts else ""
    click.echo(f"检查通过：{len(checked.site.issues)} 期简报，{len(checked.site.cases)} 个案例，{len(checked.site.models)} 个发展模式{note}。")


@main.command()
@project_option
@option("--port", type=IntType(), default=8000, show_default=True, help="端口（只监听 127.0.0.1）")
def serve(project: Path, port: int) -> None:
    """本地预览：content/、data/、site_templates/ 有改动时自动重新构建。"""
    from generator.commands.serve import serve as run_serve

    try:
        run_serve(Settings.create(project), port)
    except JianbaoError as exc:
        fail(exc)


@main.command()
@project_option
@option("--port", type=IntType(), default=8001, show_default=True, help="端口（只监听 127.0.0.1）")
def edit(project: Path, port: int) -> None:
    """在浏览器中编辑简报、案例和发展模式：表单、实时检查、预览和发布。"""
    from generator.commands.edit import edit as run_edit

    try:
        run_edit(Settings.create(project), port)
    except JianbaoError as exc:
        fail(exc)


@main.group()
def new() -> None:
    """新建一期简报、一个案例或一个发展模式的模板（草稿）。"""


@new.command("issue")
@project_option
@option("--series", metavar="ID", help="简报系列 id（只有一个系列时可省略）")
@option("--date", "date", type=DateType(), help="编印日期，默认今天")
@option("--kind", type=ChoiceType(["regular", "supplement", "special"]), default="regular", show_default=True, help="正刊/增刊/专刊")
def new_issue(project: Path, series: str | None, date, kind: str) -> None:
    """按下一个期号和总期号生成简报模板。"""
    from generator.commands.scaffold import new_issue as make_issue

    try:
        made = make_issue(Settings.create(project), series, date, kind)
    except JianbaoError as exc:
        fail(exc)
        return
    click.echo(f"已创建 {made.path}")
    kind_name = "" if kind == "regular" else KIND_NAMES[kind]
    total = f"（总第 {made.total} 期）" if made.total else "（总期号无法推算，请在文件中填写 total）"
    click.echo(f"编印日期 {made.date.isoformat()}，{made.date.year} 年{kind_name}第 {made.number} 期{total}")
    if made.year_changed and date is None and made.latest is not None:
        click.echo(
            f"警告：最新一期是 {made.latest.year} 年第 {made.latest.number} 期，今天是 {made.date.year} 年，"
            f"新一期按 {made.date.year} 年从第 {made.number} 期编号；若应接着 {made.latest.year} 年编号，"
            f"请删除此文件，用 --date 指定编印日期重新生成",
            err=True,
        )


@new.command("case")
@project_option
@click.argument("case_id")
def new_case(project: Path, case_id: str) -> None:
    """生成典型案例模板 content/cases/CASE_ID.yml。"""
    from generator.commands.scaffold import new_case as make_case

    _scaffold(make_case, project, case_id)


@new.command("model")
@project_option
@click.argument("model_id")
def new_model(project: Path, model_id: str) -> None:
    """生成发展模式模板 content/models/MODEL_ID.yml。"""
    from generator.commands.scaffold import new_model as make_model

    _scaffold(make_model, project, model_id)


def _scaffold(make: Callable[[Settings, str], Path], project: Path, file_id: str) -> None:
    """Write one scaffold (a case or a model) and say where; a refusal is a Chinese error."""
    try:
        path = make(Settings.create(project), file_id)
    except JianbaoError as exc:
        fail(exc)
        return
    click.echo(f"已创建 {path}")


@main.command()
@project_option
@option("--year", type=IntType(), help="网站只收这一年的简报（案例、模式、地区页全部保留；源文件总是全部收入）")
@option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.zip", required=True, help="输出的 .zip 文件")
def archive(project: Path, year: int | None, output: Path) -> None:
    """生成离线归档：一个文件夹，含离线网站（file:// 可直接打开）、全部源文件、README.txt 和 MANIFEST.sha256。"""
    from generator.output.archive import archive as make_archive

    try:
        made = make_archive(Settings.create(project, pdf=True), output.resolve(), year)
    except JianbaoError as exc:
        fail(exc)
        return
    print_report(made.build.report, notes=False)
    click.echo(f"已归档 {made.files} 个文件 → {output}（解压后得到文件夹 {made.folder}/，说明见其中的 README.txt；"
               f"在其中运行 sha256sum -c MANIFEST.sha256 校验）")


@main.command()
def doctor() -> None:
    """检查字体、系统库和浏览器，说明缺什么、怎么安装。"""
    from generator.output.doctor import format_checks, missing, run_checks

    checks = run_checks()
    click.echo(format_checks(checks))
    sys.exit(2 if missing(checks) else 0)


@main.command("import")
@project_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@option("--series", metavar="ID", help="简报系列 id（报头对应不到 content/series.yml 中的系列时指定）")
@option("--force", is_flag=True, help="覆盖已存在的同期号简报和案例文件；总期号不一致时仍导入")
def import_(project: Path, files: tuple[Path, ...], series: str | None, force: bool) -> None:
    """把往期简报（.txt、.docx，或含有它们的目录）导入为 content/ 中的 YAML 文件。"""
    from generator.importing.importer import import_files
    from generator.importing.yaml_text import summary_lines

    try:
        result = import_files(list(files), project.resolve(), series, force)
    except JianbaoError as exc:
        fail(exc)
        return
    for line in summary_lines(result):
        click.echo(line)
    print_report(result.report)
    for masthead, lines in result.series_hints.items():
        click.echo(f"报头“{masthead}”的系列，可加入 content/series.yml：\n{lines}", err=True, nl=False)
    if result.report.has_errors:
        click.echo("失败：部分文件未导入，原因见上。", err=True)
        sys.exit(1)


@main.command()
@option("--kind", type=ChoiceType(["series", "issue", "case", "model"]), default=None, help="只输出一种内容的 Schema")
@option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), metavar="DIR", help="写入目录（每种内容一个 .schema.json）")
def schema(kind: str | None, output: Path | None) -> None:
    """输出内容文件的 JSON Schema，供编辑器校验 YAML。"""
    from generator.content.schema import write_schemas, schema_json

    if output:
        for path in write_schemas(output):
            click.echo(f"已写入 {path}")
    else:
        click.echo(schema_json(kind or "issue"))


def run() -> None:
    """The console script `jianbao`: main, then an exit without the interpreter's last collections.

    scale: at exit the process holds the objects of every library it imported (pandas, MkDocs,
    Material, Markdown: some 80,000); collecting them once more on the way out took 0.13 s of a
    warm build and about a tenth of `jianbao check`. Frozen, they are simply left to the exit
    (atexit handlers and the flushing of stdout and stderr run as before). Only the console
    script does this: main() called in a process that goes on (a test, the benchmark's probe,
    `jianbao serve` calls nothing here) collects as usual.

    scale: while it runs, the collector looks at young objects only after 10,000 new ones (not 700)
    and at everything less often: reading a 40,000-row table makes millions of objects, none of them
    garbage in a cycle, and collecting every 700 of them took about 0.1 s of `jianbao check` on it.
    Cyclic garbage is still collected, only in larger batches.
    """
    import gc

    gc.set_threshold(10_000, 20, 20)
    try:
        main()
    finally:
        gc.freeze()
