"""Entry point: `shuan …`. Parses input, calls one service, renders the result."""

from __future__ import annotations

import sys

import click

from shuan import __version__
from shuan.cli import output
from shuan.errors import ShuanError
from shuan.messages import msg


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shuan")
def cli() -> None:
    """数安：政务数据安全管理平台（数据发现、分类分级、清单导出）。"""


def _register() -> None:
    from shuan.cli import demo, detect, export, recognizers, scan, schemes

    for mod in (scan, detect, export, recognizers, schemes, demo):
        cli.add_command(mod.command)


_register()


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
