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
COMMANDS = {name: f"shuan.cli.{name}" for name in ("scan", "detect", "export", "recognizers", "schemes", "demo")}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command: click.Command = importlib.import_module(COMMANDS[cmd_name]).command
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shuan")
def cli() -> None:
    """数安：政务数据安全管理平台（数据发现、分类分级、清单导出）。"""


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="shuan", standalone_mode=False)
    except ShuanError as exc:
        output.error(exc.user_message)
        return exc.exit_code
    except click.exceptions.Abort:
        output.error(msg("cli.aborted"))
        return 130
    except click.ClickException as exc:
        output.error(exc.format_message())
        return exc.exit_code
    except KeyboardInterrupt:
        output.error(msg("cli.aborted"))
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
