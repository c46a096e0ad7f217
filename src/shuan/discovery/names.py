"""Person names: surname and given-name character statistics, plus what names are not.

The recognizer's pattern already requires a known surname followed by one or two characters
that occur in given names. This validator removes what such a pattern still lets through: place
names (金华, 任城), words with organisation or place suffixes, and repeated filler.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from shuan.discovery import lexicon
from shuan.discovery.trie import trie_regex

_NOT_NAME_SUFFIX = r"(?:省|市|区|县|镇|乡|村|街|路|局|厅|委|办|院|所|站|队|处|科|部|中心|公司|集团|银行|学校|医院)$"


@cache
def place_words() -> pl.Series:
    """Words shaped like names that are not: administrative names and their short forms (济宁市 → 济宁),
    and common categorical values of government tables (农业, 居民, 本人, 配偶, 已婚 …)."""
    names = set(lexicon.admin_names())
    short = {n[:-1] for n in names if len(n) >= 3 and n[-1] in "省市区县旗"}
    return pl.Series(sorted(names | short | lexicon.not_names()), dtype=pl.Utf8)


def person_name(values: pl.Series) -> pl.Series:
    minority = values.str.contains("·")
    han = values.str.contains(r"^[\u4e00-\u9fa5]+(?:[、，,/;； ][\u4e00-\u9fa5]+)*$")  # one name, or several
    ok = (minority | han) & ~values.str.contains(_NOT_NAME_SUFFIX) & ~values.is_in(place_words().implode())
    return ok.fill_null(False).alias(values.name)


def given_char_class() -> str:
    return "".join(sorted(lexicon.given_chars()))


def surname_alternation(compound: bool) -> str:
    return trie_regex(s for s in lexicon.surnames() if (len(s) > 1) == compound)
