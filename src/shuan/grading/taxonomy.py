"""The category tree and the inference of a table's category from its types and its name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    parent: str | None
    types_all: tuple[str, ...] = ()
    types_any: tuple[str, ...] = ()
    keywords: tuple[str, ...] = field(default=())

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.name}" if self.parent else self.name


@cache
def categories() -> tuple[Category, ...]:
    data = yaml.safe_load(resources.files("shuan.grading").joinpath("taxonomy.yaml").read_text(encoding="utf-8"))
    out: list[Category] = []
    for top in data["categories"]:
        out.append(Category(top["code"], top["name"], None))
        for child in top.get("children", []):
            out.append(Category(child["code"], child["name"], top["name"], tuple(child.get("types_all", [])),
                                tuple(child.get("types_any", [])), tuple(str(k).lower() for k in child.get("keywords", []))))
    return tuple(out)


def infer(table: str, types: Iterable[str]) -> Category:
    """The table's name first (a 医保 table holding ID numbers is 医疗健康, not 人口), then the types it
    holds, else 部门业务数据."""
    present = set(types)
    name = table.lower()
    leaves = [c for c in categories() if c.parent]
    tokens = [t for t in re.split(r"[^0-9a-z\u4e00-\u9fff]+", name) if t]
    for c in leaves:
        for k in c.keywords:
            if (k.isascii() and any(t.startswith(k) for t in tokens)) or (not k.isascii() and k in name):
                return c
    for c in leaves:
        if c.types_all and set(c.types_all) <= present:
            return c
    for c in leaves:
        if c.types_any and set(c.types_any) & present:
            return c
    return next(c for c in leaves if c.code == "3.1")
