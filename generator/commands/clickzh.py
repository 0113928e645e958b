"""click in Chinese: help, usage and every usage error (SPEC §7).

click builds its texts with gettext; instead of patching click's modules, our own
Context, Command, Group, Option, formatter and parameter types say them in Chinese,
and ZhGroup.main prints click's usage errors in Chinese (exit 2, as click does).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import click
from click.exceptions import NoArgsIsHelpError

HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数", "Arguments": "参数"}
HELP_TEXT = "显示此帮助并退出。"
VERSION_TEXT = "显示版本号并退出。"


class ZhFormatter(click.HelpFormatter):
    """用法：…, 选项：, 命令："""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class _Chinese:
    """What Command and Group share: the context class, [选项], the -h/--help text."""

    context_class = ZhContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_TEXT
        return option


class ZhCommand(_Chinese, click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class ZhGroup(_Chinese, click.Group):
    command_class = ZhCommand
    group_class = type  # subgroups are ZhGroups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """As click's main, with its errors shown in Chinese."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            show_usage_error(exc)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"错误：{translate(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


class ZhOption(click.Option):
    """[默认：8000], [必填] in the help text."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, text = record
        return names, _EXTRA.sub(lambda match: "[" + "；".join(_extra_item(item) for item in match.group(1).split("; ")) + "]", text)


_EXTRA = re.compile(r"\[([^\[\]]*)\]$")


def _extra_item(item: str) -> str:
    if item.startswith("default: "):
        return "默认：" + item[len("default: "):]
    if item == "required":
        return "必填"
    if item.startswith("env var: "):
        return "环境变量：" + item[len("env var: "):]
    return item


def option(*names: str, **kwargs: Any) -> Any:
    """click.option with ZhOption."""
    kwargs.setdefault("cls", ZhOption)
    return click.option(*names, **kwargs)


# ------------------------------------------------------------------ parameter types

class DateType(click.ParamType):
    """A date written 2023-04-28."""

    name = "日期"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"“{value}”不是日期，应写作 年-月-日，如 2023-04-28", param, ctx)


class ChoiceType(click.Choice):
    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        self.fail(f"“{value}”不是可选的值，可选：{'、'.join(map(str, self.choices))}", param, ctx)


class IntType(click.ParamType):
    name = "整数"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip(), 10)
        except ValueError:
            self.fail(f"“{value}”不是整数", param, ctx)


# ------------------------------------------------------------------ errors

def show_usage_error(exc: click.UsageError) -> None:
    """用法 line, 运行“… -h”查看帮助。, 错误：… — click's UsageError.show, in Chinese."""
    ctx = exc.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"运行“{ctx.command_path} {ctx.help_option_names[0]}”查看帮助。\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True)
    click.echo(f"错误：{usage_message(exc)}", err=True)


def usage_message(exc: click.UsageError) -> str:
    """The Chinese sentence for one click usage error."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        param = exc.param
        if isinstance(param, click.Argument):
            return f"缺少参数“{param.human_readable_name}”"
        return f"缺少选项“{' / '.join(param.opts)}”"
    if isinstance(exc, click.NoSuchOption):
        hint = f"（您是不是要找：{'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有选项“{exc.option_name}”{hint}"
    if isinstance(exc, click.exceptions.NoSuchCommand):
        hint = f"（您是不是要找：{'、'.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有命令“{exc.command_name}”{hint}"
    if isinstance(exc, click.BadParameter):
        message = translate(exc.message)
        if exc.param is not None:
            names = " / ".join(exc.param.opts) if isinstance(exc.param, click.Option) else exc.param.human_readable_name
            return f"“{names}”的值无效：{message}"
        return f"值无效：{message}"
    return translate(exc.message)


_MESSAGES = [
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), "多余的参数：{0}"),
    (re.compile(r"Option '(.+)' requires an argument\."), "选项“{0}”后面需要一个值"),
    (re.compile(r"Option '(.+)' requires (\d+) arguments\."), "选项“{0}”后面需要 {1} 个值"),
    (re.compile(r"Option '(.+)' does not take a value\."), "选项“{0}”不接受值"),
    (re.compile(r"Missing command\."), "缺少命令"),
    (re.compile(r"(?:File|Directory|Path) '(.+)' does not exist\."), "“{0}”不存在"),
    (re.compile(r"(?:File|Directory|Path) '(.+)' is a file\."), "“{0}”是文件，这里应为目录"),
    (re.compile(r"(?:File|Directory|Path) '(.+)' is a directory\."), "“{0}”是目录，这里应为文件"),
    (re.compile(r"(?:File|Directory|Path) '(.+)' is not readable\."), "“{0}”不可读"),
    (re.compile(r"(?:File|Directory|Path) '(.+)' is not writable\."), "“{0}”不可写"),
    (re.compile(r"Could not open file '(.+)': (.*)"), "无法打开文件“{0}”：{1}"),
]


def translate(message: str) -> str:
    """click's English sentences that reach users, in Chinese (others are ours already)."""
    for pattern, chinese in _MESSAGES:
        match = pattern.fullmatch(message.strip())
        if match:
            return chinese.format(*match.groups())
    return message
