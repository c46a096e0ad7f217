"""Build compact regexes from word lists (a prefix trie), so large dictionaries stay fast in both
Python's backtracking engine and Rust's regex."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_regex(words: Iterable[str]) -> str:
    """A non-capturing regex matching exactly the given words (longest alternatives first)."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        if not w:
            continue
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _emit(root) or r"[^\s\S]"


def _emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    end = "" in node
    branches = []
    singles = []
    for ch in sorted(k for k in node if k):
        sub = _emit(node[ch])
        if sub == "":
            singles.append(re.escape(ch))
        else:
            branches.append(re.escape(ch) + sub)
    if len(singles) == 1:
        branches.append(singles[0])
    elif singles:
        branches.append("[" + "".join(singles) + "]")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end:
        if len(branches) == 1 and len(body) == 1:
            return body + "?"
        return "(?:" + body + ")?"
    return body
