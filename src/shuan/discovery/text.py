"""Spans in free text (`shuan detect`): the same recognizers and validators as the column engine.

Candidates are found per line with each recognizer's text regex (Python's engine, for offsets and
look-around boundaries); all candidates of a recognizer are then validated in one vectorized call.
Overlaps are resolved by score, then by length: an 18-digit ID number is not also a bank card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from shuan.discovery import normalize
from shuan.discovery.matching import valid_mask
from shuan.discovery.recognizer import Recognizer
from shuan.discovery.registry import Registry, builtin_recognizers

CONTEXT_WINDOW = 16


@dataclass(frozen=True)
class Span:
    type: str
    start: int
    end: int
    text: str
    score: float

    def as_json(self) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end, "text": self.text, "score": self.score}


class TextDetector:
    """Built-in recognizers find spans with Python's engine (their patterns are ours, and boundaries
    need look-around); a user's recognizers run on Rust regex, which cannot backtrack catastrophically,
    so a pattern such as (a+)+$ in a custom file cannot hang `shuan detect`."""

    def __init__(self, registry: Registry) -> None:
        self.recs: list[Recognizer] = [r for r in registry if r.python_text_regex is not None]
        self.trusted = {id(r) for r in builtin_recognizers()}

    def detect(self, lines: Sequence[str]) -> list[list[Span]]:
        found: list[list[Span]] = [[] for _ in lines]
        for rec in self.recs:
            finder = _python_spans if id(rec) in self.trusted else _rust_spans
            where = [(li, *_trim(rec, lines[li], s, e)) for li, s, e in finder(rec, lines)]
            texts = [lines[li][s:e] for li, s, e in where]
            if not texts:
                continue
            ok = _validate(rec, pl.Series("v", texts, dtype=pl.Utf8))
            for (li, s, e), text, good in zip(where, texts, ok, strict=True):
                if good:
                    found[li].append(Span(rec.type, s, e, text, _span_score(rec, lines[li], s)))
        return [_resolve(spans) for spans in found]


def _python_spans(rec: Recognizer, lines: Sequence[str]) -> list[tuple[int, int, int]]:
    """Python's engine on the lines that can hold a match at all: a Rust-regex pass with the
    recognizer's probe (or its text pattern) picks them, so most lines never reach Python."""
    regex = rec.python_text_regex
    assert regex is not None
    series = pl.Series("t", list(lines), dtype=pl.Utf8)
    # the prefilter must never drop a line the span regex would match: the literal prefilter, or the
    # same pattern in Rust regex; a column probe is a different pattern, so it is not used here
    if rec.text_prefilter:
        hits = series.str.contains_any(rec.text_prefilter)
    elif rec.text_probe is None and rec.polars_text_pattern is not None:
        hits = series.str.contains(rec.polars_text_pattern)
    else:
        hits = pl.Series(np.ones(len(lines), dtype=bool))
    candidates = np.flatnonzero(hits.fill_null(False).to_numpy())
    return [(int(li), *_span(m, rec.span_groups)) for li in candidates.tolist() for m in regex.finditer(lines[li])]


def _rust_spans(rec: Recognizer, lines: Sequence[str]) -> list[tuple[int, int, int]]:
    """Matches from Polars (Rust regex), located in the line by a left-to-right search: the matches are
    non-overlapping and in order, and a match includes its boundary characters, so the first occurrence
    at or after the previous match's end is the match itself."""
    pattern = rec.polars_text_pattern
    assert pattern is not None
    found = pl.Series("t", list(lines), dtype=pl.Utf8).str.extract_all(pattern).to_list()
    flat = [m for ms in found if ms for m in ms]
    if not flat:
        return []
    groups = rec.span_groups or (0,)
    matches = pl.Series("m", flat, dtype=pl.Utf8)
    inner = pl.select(pl.coalesce([matches.str.extract(pattern, g) for g in groups])).to_series().to_list()
    out: list[tuple[int, int, int]] = []
    k = 0
    for li, ms in enumerate(found):
        pos = 0
        for m in ms or []:
            at = lines[li].find(m, pos)
            sub = inner[k]
            k += 1
            if at < 0:
                continue
            pos = at + len(m)
            offset = m.find(sub) if sub else -1
            if offset >= 0:
                out.append((li, at + offset, at + offset + len(sub)))
    return out


def _span(m: re.Match[str], groups: tuple[int, ...]) -> tuple[int, int]:
    for g in groups:
        if m.start(g) >= 0:
            return m.span(g)
    return m.span()


def _trim(rec: Recognizer, line: str, start: int, end: int) -> tuple[int, int]:
    """Tighten a span: start after a swallowed cue word (其邻居艾力·热依拉 → 艾力·热依拉); end before a
    stop word that its last character begins (张伟来电 → 张伟), unless a closing word follows the stop
    word's first character (吴萍和称: 和 belongs to the name)."""
    text = line[start:end]
    for cue in rec.span_start_after:
        at = text.rfind(cue)
        if at >= 0 and at + len(cue) < len(text) - 1:
            start += at + len(cue)
            text = line[start:end]
    if rec.span_stop_words and end - start > 2 and "·" not in text:
        tail = line[end - 1 : end + 4]
        if any(tail.startswith(w) for w in rec.span_stop_words) and not any(
            line.startswith(k, end) for k in rec.span_keep_before
        ):
            end -= 1
    return start, end


def _validate(rec: Recognizer, cand: pl.Series) -> np.ndarray:
    return valid_mask(rec, normalize.apply_ops(normalize.base_keep(cand), rec.normalize), bounded=False)


def _span_score(rec: Recognizer, line: str, start: int) -> float:
    score = rec.score
    if rec.context:
        window = line[max(0, start - CONTEXT_WINDOW) : start]
        if any(word in window for word in rec.context):
            score = min(0.99, score + 0.05)
    return round(score, 2)


def _resolve(spans: list[Span]) -> list[Span]:
    """Keep non-overlapping spans, preferring higher scores, then longer spans; output in order."""
    chosen: list[Span] = []
    for sp in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(sp.end <= c.start or sp.start >= c.end for c in chosen):
            chosen.append(sp)
    return sorted(chosen, key=lambda s: s.start)
