"""Reference data bundled with the package (data/*.tsv, *.txt), loaded once and cached.

Every loader reads a UTF-8 file whose lines starting with ``#`` are comments. The data files say
where their content comes from; `tools/build_admin_codes.py` regenerates the GB/T 2260 history.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np


def _rows(name: str) -> list[list[str]]:
    text = resources.files("shuan.discovery").joinpath("data", name).read_text(encoding="utf-8")
    return [line.rstrip("\n").split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def admin_codes() -> np.ndarray:
    """Every 6-digit GB/T 2260 code that existed at any time (sorted int array)."""
    return np.unique(np.array([int(r[0]) for r in _rows("admin_codes.tsv") if r[0].isdigit()], dtype=np.int64))


@cache
def admin_names() -> frozenset[str]:
    """Names of provinces, prefectures and counties, current and historical (placeholders removed)."""
    names: set[str] = set()
    for row in _rows("admin_codes.tsv"):
        for name in row[1].split(","):
            name = name.strip()
            if len(name) >= 2 and name not in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
                names.add(name)
    return frozenset(names)


@cache
def surnames() -> dict[str, int]:
    return {r[0]: int(r[1]) if len(r) > 1 and r[1].isdigit() else 1 for r in _rows("surnames.tsv")}


@cache
def given_chars() -> dict[str, int]:
    return {r[0]: int(r[1]) if len(r) > 1 and r[1].isdigit() else 1 for r in _rows("given_chars.tsv")}


@cache
def ethnicities() -> tuple[frozenset[str], frozenset[str]]:
    """(full names such as 汉族, short forms such as 汉)."""
    rows = _rows("ethnicities.tsv")
    return frozenset(r[0] for r in rows), frozenset(r[1] for r in rows if len(r) > 1)


@cache
def diseases() -> tuple[str, ...]:
    return tuple(sorted({r[0] for r in _rows("diseases.txt")}, key=len, reverse=True))


@cache
def mobile_prefixes() -> tuple[frozenset[str], frozenset[str]]:
    """(3-digit allocated prefixes, 4-digit allocated prefixes)."""
    prefixes = [r[0] for r in _rows("mobile_segments.txt")]
    return frozenset(p for p in prefixes if len(p) == 3), frozenset(p for p in prefixes if len(p) == 4)


@cache
def area_codes() -> frozenset[str]:
    return frozenset(r[0] for r in _rows("area_codes.txt"))


@cache
def bank_bins() -> dict[str, str]:
    return {r[0]: r[1] for r in _rows("bank_bins.tsv")}


@cache
def plate_provinces() -> str:
    return "".join(r[0] for r in _rows("plate_provinces.txt") if len(r) == 1)


@cache
def not_names() -> frozenset[str]:
    """Categorical words that look like names (data/not_names.txt)."""
    return frozenset(r[0] for r in _rows("not_names.txt"))
