"""`shuan resource …`: the protected-resource register (defined with the grant commands)."""

from __future__ import annotations

from shuan.cli.grant import resource_command as command

__all__ = ["command"]
