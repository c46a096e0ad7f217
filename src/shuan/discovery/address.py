"""Detailed addresses: gazetteer names plus the grammar of a Chinese address.

An address is detailed (DESIGN.md: down to road/number or finer) when it has a locator: a road,
lane, village or housing estate followed by a number, building, unit or room. A district or city
name alone (任城区, 山东省济宁市) is not an address; nor is a company name.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from shuan.discovery import lexicon
from shuan.discovery.trie import trie_regex

_PLACE = r"(?:大道|大街|路|街|巷|弄|胡同|里|村|屯|庄|组|社区|小区|花园|家园|新村|公寓|大厦|广场|苑|园|城|府|湾|寓|居|坊|中心|市场|院)"
_NUMBER = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})(?:-\d{1,5})?(?:号院|号楼|号|栋|幢|座|单元|室|户|组|弄|层|楼)"
LOCATOR = _PLACE + r"[^，,;；。]{0,16}" + _NUMBER
_DOCUMENT = r"[〔［\[][0-9]{4}[〕］\]]|字第?[0-9]"  # 济城执罚字〔2024〕第94008号 is a case number
_ORG = r"(?:有限公司|股份公司|有限责任公司|集团|委员会|人民政府|管理局|办公室|合作社|分公司|支行|营业部)$"


@cache
def admin_alternation() -> str:
    return trie_regex(n for n in lexicon.admin_names() if len(n) >= 2)


def address(values: pl.Series) -> pl.Series:
    """A place word followed by a number with a unit (the locator regex includes CJK, so no separate
    CJK test), at least 6 characters, not a sentence and not an organisation's name."""
    ok = (values.str.len_bytes() >= 12) & values.str.contains(LOCATOR) & ~values.str.contains(_ORG)
    ok = ok & ~values.str.contains(_DOCUMENT)
    ok = ok & ~values.str.contains_any(["，", "。", "；", "！", "？"])  # a sentence is prose, not an address
    return ok.fill_null(False).alias(values.name)
