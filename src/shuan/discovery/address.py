"""Detailed addresses: gazetteer names plus the grammar of a Chinese address.

An address is detailed (DESIGN.md: down to road/number or finer) when it has a locator: a road,
lane, village or housing estate followed by a number, building, unit or room. A district or city
name alone (任城区, 山东省济宁市) is not an address; nor is a company name.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

from shuan.discovery import lexicon
from shuan.discovery.trie import trie_regex

_PLACE = r"(?:大道|大街|路|街|巷|弄|胡同|里|村|屯|庄|组|社区|小区|花园|家园|新村|公寓|大厦|广场|苑|园|城|府|湾|寓|居|坊|中心|市场|院)"
_NUMBER = r"(?:\d{1,5}|[一二三四五六七八九十百]{1,4})(?:-\d{1,5})?(?:号院|号楼|号|栋|幢|座|单元|室|户|组|弄|层|楼)"
LOCATOR = _PLACE + r"[^，,;；。]{0,16}" + _NUMBER
# 济城执罚字〔2024〕第94008号 is a case number. The two halves are searched apart: each has a literal
# prefilter, their alternation has none (about 3 × faster); a value holds _DOCUMENT when it holds one
_DOCUMENT_PARTS = (r"[〔［\[][0-9]{4}[〕］\]]", r"字第?[0-9]")
_DOCUMENT = "|".join(_DOCUMENT_PARTS)
_SENTENCE = "[，。；！？]"  # a sentence is prose, not an address
_ORG = r"(?:有限公司|股份公司|有限责任公司|集团|委员会|人民政府|管理局|办公室|合作社|分公司|支行|营业部)$"


@cache
def admin_alternation() -> str:
    return trie_regex(n for n in lexicon.admin_names() if len(n) >= 2)


def address(values: pl.Series) -> pl.Series:
    """A place word followed by a number with a unit (the locator regex includes CJK, so no separate
    CJK test), at least 6 characters, not a sentence and not an organisation's name."""
    ok = ((values.str.len_bytes() >= 12) & values.str.contains(LOCATOR)).fill_null(False)
    # the exclusions are searched only in the values that have a locator (in most columns, few do)
    at = ok.arg_true()
    if at.len():
        sub = values if at.len() == values.len() else values.gather(at)
        excluded = sub.str.contains(_ORG) | sub.str.contains(_SENTENCE)
        for part in _DOCUMENT_PARTS:
            excluded = excluded | sub.str.contains(part)
        keep = ~excluded.fill_null(False).to_numpy()
        mask = np.zeros(values.len(), dtype=bool)
        mask[at.to_numpy()[keep]] = True
        ok = pl.Series(mask)
    return ok.alias(values.name)
