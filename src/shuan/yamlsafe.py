"""YAML loading for configuration files: UTF-8 only, no anchors/aliases (a "billion laughs" document
would expand without bound), and one-line errors naming the file."""

from __future__ import annotations

from typing import Any

import yaml

from shuan.errors import ConfigError


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            raise ConfigError("yaml.alias", path=getattr(self, "_origin", "?"))
        return super().compose_node(parent, index)


def yaml_problem(exc: yaml.YAMLError) -> str:
    """One line: where the YAML syntax error is and what it is."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
    return f"YAML 语法错误{('（' + where + '）') if where else ''}：{problem}"


def decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("file.not_utf8", path=origin) from exc


#: nesting beyond which a document goes to the pure-Python loader (libyaml's composer recurses in C and
#: crashes the process on very deep documents; the Python loader reports them as too deep)
_FAST_MAX_DEPTH = 64


def _load_fast(text: str) -> tuple[bool, Any]:
    """libyaml's parser when PyYAML has it (about 10 × faster: the built-in recognizers load at every
    start). Its event stream (an iterative parser, safe on any input) is read first; (False, None) when
    it holds an alias, nests deeper than _FAST_MAX_DEPTH, has a syntax error or libyaml is missing, so
    that the pure-Python loader below handles the document and gives the usual error message."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return False, None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=c_loader):
            if isinstance(event, yaml.AliasEvent):
                return False, None
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _FAST_MAX_DEPTH:
                    return False, None
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return True, yaml.load(text, Loader=c_loader)  # noqa: S506 - CSafeLoader is the safe loader
    except yaml.YAMLError:
        return False, None


def load(text: str, origin: str, error_key: str, **params: object) -> Any:
    """Parse `text`; syntax errors become ConfigError(error_key, reason=…, **params)."""
    ok, data = _load_fast(text)
    if ok:
        return data
    loader = _NoAliasLoader(text)
    loader._origin = origin  # type: ignore[attr-defined]
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ConfigError(error_key, reason=yaml_problem(exc), **params) from exc
    except RecursionError:  # thousands of nested brackets: a hostile or broken file, not a crash
        from shuan.messages import msg

        raise ConfigError(error_key, reason=msg("yaml.too_deep"), **params) from None
    finally:
        loader.dispose()
