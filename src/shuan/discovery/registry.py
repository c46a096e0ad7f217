"""The recognizer registry: built-ins from builtin.yaml, then any user YAML files.

Loading validates every field (pydantic), compiles every regex, checks validators exist and
expands the dictionary macros. Any problem becomes a one-line `ConfigError` that names the file,
the recognizer and the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shuan import yamlsafe
from shuan.discovery import lexicon
from shuan.discovery.address import admin_alternation
from shuan.discovery.names import given_char_class, surname_alternation
from shuan.discovery.recognizer import Recognizer, RecognizerFile
from shuan.discovery.trie import trie_regex
from shuan.discovery.vocabulary import TYPES
from shuan.errors import ConfigError
from shuan.messages import msg, validation_reason

_MACRO = re.compile(r"\{\{(\w+)\}\}")


#: the bundled dictionaries as regex text, by macro name; each is built when a pattern first uses it
#: (the administrative areas' alternation alone takes tens of milliseconds: a scan for a few types
#: builds only the ones their recognizers use)
_BUNDLED: dict[str, Callable[[], str]] = {
    "surname": lambda: surname_alternation(compound=False),
    "compound_surname": lambda: surname_alternation(compound=True),
    "given": given_char_class,
    "admin": admin_alternation,
    "disease": lambda: trie_regex(lexicon.diseases()),
    "plate_province": lexicon.plate_provinces,
    "ethnicity": lambda: trie_regex(lexicon.ethnicities()[0] - {"其他", "外国血统中国籍人士"}),
}


@cache
def _bundled(name: str) -> str:
    return _BUNDLED[name]()


def _expand(value: Any, where: str, local: dict[str, str] | None = None) -> Any:
    """Replace {{macro}} in every string; file-level macros first, then the bundled dictionaries."""
    if isinstance(value, str):
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if local and name in local:
                return local[name]
            if name in _BUNDLED:
                return _bundled(name)
            raise ConfigError("recognizer.field", name=where, field="macro", reason=f"unknown macro {{{{{name}}}}}")

        return _MACRO.sub(sub, value)
    if isinstance(value, list):
        return [_expand(v, where, local) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, where, local) for k, v in value.items()}
    return value


def _file_macros(data: dict[str, Any], origin: str) -> dict[str, str]:
    """`macros:` at the top of a file: name → regex text, may use bundled macros and earlier ones."""
    raw = data.get("macros") or {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise ConfigError("recognizer.file", path=origin, reason=msg("recognizer.macros"))
    local: dict[str, str] = {}
    for name, text in raw.items():
        local[name] = _expand(text, f"{origin}: macros.{name}", local)
    return local


def _error_from_validation(path: str, data: dict[str, Any], exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    name = "?"
    if len(loc) >= 2 and loc[0] == "recognizers" and loc[1].isdigit():
        items = data.get("recognizers") or []
        idx = int(loc[1])
        if idx < len(items) and isinstance(items[idx], dict):
            name = str(items[idx].get("name") or items[idx].get("type") or f"#{idx + 1}")
        loc = loc[2:]
    field = ".".join(loc) or "-"
    return ConfigError("recognizer.field", name=f"{path}: {name}", field=field, reason=validation_reason(err))


def _document(text: str, origin: str) -> tuple[list[Any], dict[str, str]]:
    """A YAML document of recognizers: its items (not yet validated) and its own macros, expanded."""
    data = yamlsafe.load(text, origin, "recognizer.file", path=origin)
    if not isinstance(data, dict) or "recognizers" not in data:
        raise ConfigError("recognizer.file", path=origin, reason=msg("recognizer.top"))
    items = data.get("recognizers")
    if not isinstance(items, list):
        raise ConfigError("recognizer.file", path=origin, reason=msg("recognizer.list"))
    return items, _file_macros(data, origin)


def _validate(items: list[Any], origin: str, local: dict[str, str], *, builtin: bool, first: int = 0) -> list[Recognizer]:
    """Expand the macros of `items` (the document's items from index `first` on) and validate them."""
    expanded = {"recognizers": [_expand(item, f"{origin}#{first + i + 1}", local) for i, item in enumerate(items)]}
    try:
        return RecognizerFile.model_validate(expanded, context={"builtin": builtin}).recognizers
    except ValidationError as exc:
        raise _error_from_validation(origin, {"recognizers": items}, exc) from exc


def parse_recognizers(text: str, origin: str, *, builtin: bool = False) -> list[Recognizer]:
    """Parse and validate one YAML document of recognizers."""
    items, local = _document(text, origin)
    return _validate(items, origin, local, builtin=builtin)


def load_file(path: Path) -> list[Recognizer]:
    try:
        text = yamlsafe.decode(path.read_bytes(), str(path))
    except OSError as exc:
        raise ConfigError("recognizer.file", path=str(path), reason=exc.strerror or str(exc)) from exc
    recognizers = parse_recognizers(text, str(path))
    for rec in recognizers:
        if rec.type not in TYPES and not rec.label:
            raise ConfigError("recognizer.field", name=f"{path}: {rec.name}", field="label",
                              reason=msg("recognizer.label"))
    return recognizers


@cache
def _builtin_document() -> tuple[list[Any], dict[str, str]]:
    text = resources.files("shuan.discovery").joinpath("builtin.yaml").read_text(encoding="utf-8")
    return _document(text, "builtin.yaml")


@cache
def _builtin(index: int) -> Recognizer:
    """The built-in recognizer at `index`, validated when first asked for (one object per process)."""
    items, local = _builtin_document()
    return _validate(items[index : index + 1], "builtin.yaml", local, builtin=True, first=index)[0]


def builtin_types() -> list[str]:
    """The types the built-in recognizers detect, in order (without validating the recognizers)."""
    items, _ = _builtin_document()
    return list(dict.fromkeys(str(item.get("type")) for item in items if isinstance(item, dict)))


def builtin_recognizers(types: Collection[str] | None = None) -> tuple[Recognizer, ...]:
    """The built-in recognizers, or those of `types`: only these are validated and only the
    dictionaries they use are built (a scan for a few types starts faster)."""
    items, _ = _builtin_document()
    return tuple(_builtin(i) for i, item in enumerate(items)
                 if types is None or (isinstance(item, dict) and item.get("type") in types))


class Registry:
    """An ordered set of recognizers; custom ones may add types or add ways to find a built-in type."""

    def __init__(self, recognizers: Iterable[Recognizer]) -> None:
        self.recognizers: list[Recognizer] = list(recognizers)
        seen: set[tuple[str, str]] = set()
        for rec in self.recognizers:
            key = (rec.type, rec.name)
            if key in seen:
                raise ConfigError("recognizer.duplicate", name=f"{rec.type}/{rec.name}")
            seen.add(key)

    @classmethod
    def default(cls, extra_files: Iterable[Path] = ()) -> Registry:
        recs = list(builtin_recognizers())
        for path in extra_files:
            recs.extend(load_file(path))
        return cls(recs)

    def __iter__(self) -> Iterator[Recognizer]:
        return iter(self.recognizers)

    def types(self) -> list[str]:
        return list(dict.fromkeys(r.type for r in self.recognizers))

    def only(self, types: Iterable[str]) -> Registry:
        """The recognizers of these types (in registry order)."""
        wanted = set(types)
        return Registry(r for r in self.recognizers if r.type in wanted)

    def type_label(self, type_id: str) -> str:
        if type_id in TYPES:
            return TYPES[type_id].label
        for rec in self.recognizers:
            if rec.type == type_id and rec.label:
                return rec.label
        return type_id

    def custom(self, type_id: str) -> Recognizer | None:
        """The first recognizer that declares metadata for a custom (non-vocabulary) type."""
        if type_id in TYPES:
            return None
        return next((r for r in self.recognizers if r.type == type_id), None)
