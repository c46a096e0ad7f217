"""Entry point: `shuan …`. Parses input, calls one service, renders the result."""

from __future__ import annotations

import importlib
import sys

import click

from shuan import __version__
from shuan.cli import output
from shuan.errors import ShuanError
from shuan.messages import msg

#: command name -> module; a command's module (and what it needs) is imported only when it runs
COMMANDS = {name: f"shuan.cli.{name}" for name in ("scan", "detect", "export", "recognizers", "schemes", "demo", "audit", "key", "init", "serve", "user", "dept", "token", "grant", "resource", "review", "report", "source", "mask", "catalog", "share", "service")}
COMMANDS["release-check"] = "shuan.cli.release"
COMMANDS["trace"] = COMMANDS["extract"] = "shuan.cli.trace"  # leak tracing: `command`, `extract_command`


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name])
        command: click.Command = getattr(module, f"{cmd_name}_command", None) or module.command
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shuan")
def cli() -> None:
    """数安：政务数据安全管理平台（数据发现、分类分级、清单导出）。"""


def _usage_message(exc: click.ClickException) -> str:
    """click's errors in the catalogue's language (click itself speaks English)."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        detail = msg("cli.missing_argument", param=(exc.param.name or "").upper())
    elif isinstance(exc, click.NoSuchOption):
        detail = msg("cli.no_such_option", option=exc.option_name)
    elif isinstance(exc, click.BadParameter):
        name = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else "?"
        detail = msg("cli.bad_parameter", param=name, detail=exc.message)
    elif isinstance(exc, click.UsageError) and exc.message.startswith("No such command"):
        detail = msg("cli.no_such_command", command=exc.message.split("'")[1] if "'" in exc.message else exc.message)
    else:
        return exc.format_message()
    return msg("cli.usage", detail=detail)


def main(argv: list[str] | None = None) -> int:
    try:
        # a command may end with ctx.exit(code): its status is a result (release-check: 0/10/11), not an error
        code = cli.main(args=argv, prog_name="shuan", standalone_mode=False)
    except ShuanError as exc:
        output.error(exc.user_message)
        return exc.exit_code
    except click.exceptions.Abort:
        output.error(msg("cli.aborted"))
        return 130
    except click.ClickException as exc:
        output.error(_usage_message(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        output.error(msg("cli.aborted"))
        return 130
    except BrokenPipeError:
        return 0
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


if __name__ == "__main__":
    sys.exit(main())
