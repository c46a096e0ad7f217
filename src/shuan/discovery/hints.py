"""Column-name evidence: Chinese words, pinyin initials (SFZH, XM, LXDH) and English names."""

from __future__ import annotations

import re

from shuan.discovery.recognizer import Recognizer

_SPLIT = re.compile(r"[\s_\-.:/()（）\[\]#]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")

POSITIVE, NEUTRAL, NEGATIVE = 1, 0, -1


def tokens(column: str) -> list[str]:
    return [t for t in _SPLIT.split(column.strip().lower()) if t]


def header_evidence(rec: Recognizer, column: str) -> int:
    """+1 when the name points to the recognizer's type, -1 when it argues against, else 0."""
    name = column.strip().lower()
    if not name:
        return NEUTRAL
    if rec.negative_regex is not None and rec.negative_regex.search(name):
        return NEGATIVE
    if rec.hint_regex is not None and rec.hint_regex.search(name):
        return POSITIVE
    compact = re.sub(r"[\s_\-.]+", "", name)
    if compact in rec.column_codes:  # a whole code such as AAC004, before digits split it
        return POSITIVE
    for tok in tokens(name):
        for code in rec.column_codes:
            if tok == code or (len(code) >= 2 and tok.endswith(code) and len(tok) <= len(code) + 3 and tok.isascii()):
                return POSITIVE
    return NEUTRAL
