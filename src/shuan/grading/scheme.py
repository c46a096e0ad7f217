"""Grading schemes are data: YAML files validated here. `--scheme` takes an id or a path."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shuan import yamlsafe
from shuan.errors import ConfigError
from shuan.messages import validation_reason


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: int = Field(ge=1, le=9)
    label: str
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    description: str = ""


class TypeLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: int = Field(ge=1, le=9)
    article: str = ""


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all_types: list[str] = Field(default_factory=list)
    any_types: list[str] = Field(default_factory=list)
    min_any: int = Field(default=1, ge=1)
    personal: bool | None = None
    sensitive: bool | None = None
    direct_identifier: bool | None = None
    min_rows: int | None = Field(default=None, ge=0)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    level: int = Field(ge=1, le=9)
    when: Condition
    reason: str


class Scheme(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_.]*$")
    name: str
    basis: str
    levels: list[Level] = Field(min_length=2)
    default_level: int
    default_reason: str
    type_levels: dict[str, TypeLevel]
    rules: list[Rule] = Field(default_factory=list)
    mapping: dict[str, dict[int, int]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        known = {lv.level for lv in self.levels}
        if sorted(known) != list(range(1, len(known) + 1)):
            raise ValueError("levels must be numbered 1..n without gaps")
        bad = [t for t, tl in self.type_levels.items() if tl.level not in known]
        bad += [r.id for r in self.rules if r.level not in known]
        if self.default_level not in known or bad:
            raise ValueError(f"unknown level used by: {', '.join(bad) or 'default_level'}")
        return self

    def level(self, n: int) -> Level:
        return next(lv for lv in self.levels if lv.level == n)

    def label(self, n: int) -> str:
        return self.level(n).label

    @property
    def max_level(self) -> int:
        return max(lv.level for lv in self.levels)


def builtin_ids() -> list[str]:
    folder = resources.files("shuan.grading").joinpath("schemes")
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_scheme(name: str) -> Scheme:
    """A built-in scheme by id, or a YAML file by path."""
    path = Path(name)
    if name.endswith((".yaml", ".yml")) or path.exists():
        try:
            text = yamlsafe.decode(path.read_bytes(), name)
        except OSError as exc:
            raise ConfigError("scheme.invalid", name=name, reason=exc.strerror or str(exc)) from exc
    elif name in builtin_ids():
        text = resources.files("shuan.grading").joinpath("schemes", f"{name}.yaml").read_text(encoding="utf-8")
    else:
        raise ConfigError("scheme.unknown", name=name, known="、".join(builtin_ids()))
    data = yamlsafe.load(text, name, "scheme.invalid", name=name)
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "-"
        raise ConfigError("scheme.invalid", name=name, reason=f"{where}: {validation_reason(err)}") from exc
