"""The detection engine: classify every column of a table from its batches.

For each batch and column the engine normalizes values once, then evaluates every live recognizer
as Polars expressions (Rust regex, `is_in`, Aho–Corasick) and vectorized validators; free-text
columns are searched with `str.extract_all` and the candidates validated the same way. Counts
accumulate across batches, so a full scan streams with bounded memory and a sample is one batch.
Nothing here touches a database or the network: the same code can run in a Spark executor.

Work that cannot change a result is skipped, never approximated: facts about a column's bytes
(bytefacts: no full-width form, no space at either end, no lower-case letter …) skip normalization
steps that would change nothing; fixed-width identifier patterns are checked and validated on a
character matrix instead of a regex (shapes, validators.MATRIX_VALIDATORS); recognizers whose pattern
cannot match a column's lengths or characters are not run; a column with no live recognizer, outside
a probe batch, only has its values counted. Every such path has a test showing it decides as the
general one does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import polars as pl
import pyarrow as pa

from shuan.discovery import hints, normalize
from shuan.discovery.bytefacts import ByteFacts
from shuan.discovery.matching import rules_out, shape_expr, valid_mask, validated
from shuan.discovery.recognizer import Recognizer
from shuan.discovery.registry import Registry
from shuan.discovery.validators import date_ints, resident_id_birth
from shuan.messages import msg

TEXT_MIN_LENGTH = 10  # mean characters per value above which a column is also searched as free text
TEXT_MIN_RATIO = 0.1  # share of rows that must hold a type for a free-text column to list it
SECONDARY_MIN_RATIO = 0.1  # share a type needs to be listed beside others in a mixed column
COVERAGE_RATIO = 0.8  # share of a mixed column its listed types (and organisation names) must explain
PROSE_SHARE = 0.3  # share of values with CJK/whitespace for a long column to count as free text
PROBE_SHARE = 0.02  # pruned recognizers are re-checked on this share of every later batch …
PROBE_MIN_ROWS = 500  # … and on at least this many values …
PROBE_EVERY = 4  # … every fourth batch (a probe runs every recognizer once per column: a fixed cost);
PROBE_MAX_EVERY = 32  # a probe that changes nothing doubles the column's interval, up to this many batches
LIVE_CHECK_ROWS = 5000  # rows of the first batch of a full scan that every recognizer sees
PRUNE_AFTER_ROWS = 50_000  # a full scan re-checks which recognizers can still matter after this many values
PARALLEL_MIN_ROWS = 2000  # below this, threads cost more than they save
BATCH_SHAPES = 4  # from this many recognizers on one column, their pattern tests run as one Polars query


_ORGANISATION = (
    r"(?:公司|集团|厂|店|行|社|局|厅|委员会|委|办公室|办|中心|站|所|院|校|学校|医院|银行|支行|协会|学会|"
    r"基金会|商会|合作社|事务所|工作室|经营部|门市部|研究院|部|队|处|馆|园)$"
)


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="shuan-columns")


@dataclass
class TypeHit:
    type: str
    score: float
    ratio: float
    evidence: str
    recognizer: str
    mode: str  # "value" | "text" | "cross"


@dataclass
class ColumnResult:
    name: str
    non_null: int
    types: list[TypeHit] = field(default_factory=list)
    note: str | None = None


@dataclass
class _RecStats:
    valid: int = 0  # hits among the values evaluated exactly
    rows: int = 0  # values (or prose rows) evaluated exactly
    estimated: float = 0.0  # hits estimated for rows skipped while pruned, up to the last probe
    pending: int = 0  # rows skipped since the last probe
    last_rate: float | None = None  # hit rate at the last probe (or when pruned)
    probe_valid: int = 0  # raw probe tallies (a probe that finds hits re-admits the recognizer)
    probe_rows: int = 0
    example: str | None = None

    def skip(self, n: int) -> None:
        if self.last_rate is None:
            self.last_rate = self.valid / self.rows if self.rows else 0.0
        self.pending += n

    def probe(self, hits: int, sampled: int, batch: int) -> None:
        """The probed batch takes the probe's rate; rows skipped before it the mean of both probes'."""
        rate = hits / sampled if sampled else 0.0
        before = max(0, self.pending - batch)
        self.estimated += before * ((self.last_rate or 0.0) + rate) / 2 + min(batch, self.pending) * rate
        self.pending, self.last_rate = 0, rate
        self.probe_valid += hits
        self.probe_rows += sampled

    def estimate(self, total: int) -> float:
        """Hits over all values: exact where evaluated, estimated from probes where skipped."""
        return self.valid + self.estimated + self.pending * (self.last_rate or 0.0)


@dataclass
class _ColumnAcc:
    name: str
    non_null: int = 0
    chars: int = 0
    binary: bool = False
    value: dict[int, _RecStats] = field(default_factory=dict)  # recognizer index -> stats
    text: dict[int, _RecStats] = field(default_factory=dict)
    text_rows: int = 0  # rows searched as free text
    prose: int = 0  # values with CJK characters or whitespace (free text rather than codes)
    live: set[int] | None = None
    texty: bool | None = None  # decided with the live set; until then recomputed per batch
    batches: int = 0
    truncated: int = 0  # cells longer than normalize.MAX_CELL (only their start is searched)
    organisations: int = 0  # unclaimed values that are organisation names (explain a names column)
    id_birth_match: int = 0
    id_birth_rows: int = 0
    cost: float = 0.0  # seconds the last batch took (orders the columns of the next one)
    next_probe: int = PROBE_EVERY  # the batch count at which pruned recognizers are probed next …
    probe_every: int = PROBE_EVERY  # … and the interval after it (doubles while probes find nothing new)


class BatchColumn:
    """One column of a batch as the classifier reads it: its values as text (None for binary data),
    converted from Arrow when first asked for, on the column's own thread. A column that this batch only
    counts (no live recognizer) is never converted: its count comes from Arrow."""

    def __init__(self, load: Callable[[], pl.Series | None], non_null: int | None = None) -> None:
        self._load: Callable[[], pl.Series | None] | None = load
        self._text: pl.Series | None = None
        self.non_null = non_null  # values that are not null, when known without converting

    @classmethod
    def of_series(cls, series: pl.Series) -> BatchColumn:
        return cls(lambda: normalize.to_text(series))

    @classmethod
    def of_arrow(cls, name: str, column: pa.ChunkedArray) -> BatchColumn:
        def load() -> pl.Series | None:
            # one chunk (the engine's numpy paths read one buffer): Polars copies the values into its own
            # layout anyway, so joining the Arrow chunks as it does costs nothing more
            series = pl.from_arrow(column, rechunk=column.num_chunks > 1)
            assert isinstance(series, pl.Series)
            return normalize.to_text(series.alias(name))

        text = column.type in (pa.string(), pa.large_string())
        return cls(load, len(column) - column.null_count if text else None)

    @property
    def text(self) -> pl.Series | None:
        if self._load is not None:
            self._text, self._load = self._load(), None
        return self._text

    def values(self) -> pl.Series:
        text = self.text
        assert text is not None  # only asked of columns known to hold text
        return text

    def subset(self, keep: pl.Series) -> BatchColumn:
        def load() -> pl.Series | None:
            text = self.text
            return None if text is None else text.filter(keep)

        return BatchColumn(load)


@dataclass
class PreparedBatch:
    """A batch as the classifier reads it: its columns (see BatchColumn), plus facts about each text
    column's bytes when the batch came as Arrow (see bytefacts). Built by `prepare`, which a reader
    thread may call; every conversion waits until a column's thread asks for it."""

    columns: dict[str, BatchColumn]
    num_rows: int
    facts: dict[str, ByteFacts | None] = field(default_factory=dict)

    def subset(self, keep: np.ndarray) -> PreparedBatch:
        """The rows where `keep` is true (the byte facts of the whole batch hold for any of its rows)."""
        mask = pl.Series(keep)
        return PreparedBatch({name: col.subset(mask) for name, col in self.columns.items()}, int(keep.sum()),
                             self.facts)


def prepare(batch: pa.RecordBatch | pa.Table | pl.DataFrame | PreparedBatch) -> PreparedBatch:
    """Wrap a batch once; nothing is converted or computed yet (the byte facts are computed when first
    asked, on the column's thread)."""
    if isinstance(batch, PreparedBatch):
        return batch
    if isinstance(batch, pl.DataFrame):
        return PreparedBatch({name: BatchColumn.of_series(batch.get_column(name)) for name in batch.columns},
                             batch.height)
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    names = table.column_names
    columns = {name: BatchColumn.of_arrow(name, table.column(i)) for i, name in enumerate(names)}
    facts = {name: ByteFacts.of(table.column(i)) for i, name in enumerate(names)}
    return PreparedBatch(columns, table.num_rows, facts if len(columns) == len(names) else {})


def mask_example(value: str) -> str:
    """Evidence shows shape, never the value: keep a few characters at both ends."""
    n = len(value)
    if n <= 2:
        return value[:1] + "*"
    if n <= 6:
        return value[0] + "*" * (n - 2) + value[-1]
    keep = 3 if n >= 11 else 2
    return value[:keep] + "*" * (n - keep - 2) + value[-2:]


class ColumnClassifier:
    """Accumulates evidence for the columns of one table across batches."""

    def __init__(self, registry: Registry, *, full: bool = False) -> None:
        self.registry = registry
        self.recs: list[Recognizer] = list(registry)
        self.full = full
        self._cols: dict[str, _ColumnAcc] = {}
        self._header: dict[str, list[int]] = {}
        self._order: list[str] = []
        self._settled = False
        self._all = set(range(len(self.recs)))
        types = list(dict.fromkeys(r.type for r in self.recs))
        self._type_index = {t: k for k, t in enumerate(types)}
        # claim order: higher base score first (checksummed identifiers before loose patterns)
        self._priority = sorted(range(len(self.recs)), key=lambda k: -self.recs[k].score)
        # text candidates that are valid as a shadowing type are not counted (an ID is not a bank card)
        self._shadows = {
            k: tuple(r for r in self.recs if r.type in rec.shadowed_by and r.value and r.full_pattern)
            for k, rec in enumerate(self.recs)
            if rec.shadowed_by
        }

    # --- per batch -------------------------------------------------------------------------------

    def update(self, batch: pa.RecordBatch | pa.Table | pl.DataFrame | PreparedBatch) -> None:
        prepared = prepare(batch)
        if self.full and prepared.num_rows > LIVE_CHECK_ROWS and any(
            self._cols.get(c) is None or self._cols[c].live is None for c in prepared.columns
        ):
            # a full scan first learns which recognizers can matter from a random subsample, then runs
            # only those over every remaining row (the subsample rows are counted once, not twice)
            picked = np.zeros(prepared.num_rows, dtype=bool)
            picked[np.random.default_rng(0).choice(prepared.num_rows, LIVE_CHECK_ROWS, replace=False)] = True
            self._update_frame(prepared.subset(picked))
            self._settle_live()
            prepared = prepared.subset(~picked)
        self._update_frame(prepared)

    def _update_frame(self, batch: PreparedBatch) -> None:
        work = [(self._acc(name), col, batch.facts.get(name)) for name, col in batch.columns.items()]
        # columns are independent: evaluate them on all cores (Polars releases the GIL); the costliest
        # (by the last batch) start first, so that no core waits for one long column at the end
        if len(work) > 1 and batch.num_rows >= PARALLEL_MIN_ROWS:
            work.sort(key=lambda item: -item[0].cost)
            list(_pool().map(lambda item: self._timed_update(*item), work))
        else:
            for acc, col, fact in work:
                self._update_column(acc, col, fact)
        self._cross_check_birth_dates(batch)
        if self._settled:
            for acc, _, _ in work:
                if acc.live and acc.non_null >= PRUNE_AFTER_ROWS:
                    self._prune(acc)

    def _looks_like_text(self, acc: _ColumnAcc) -> bool:
        """Long values with CJK or spaces, and not already a column of one value type (an address
        column is long prose-like text, but it is searched as values, not as free text)."""
        if acc.chars / max(acc.non_null, 1) < TEXT_MIN_LENGTH or acc.prose < PROSE_SHARE * acc.non_null:
            return False
        return not any(st.valid / acc.non_null >= 0.5 for st in acc.value.values())

    def _settle_live(self) -> None:
        """Decide, per column, which recognizers keep running (see `_prune`) and whether it is prose."""
        for acc in self._cols.values():
            if acc.live is not None or acc.non_null == 0:
                continue
            acc.live = set(range(len(self.recs)))
            self._prune(acc)
            acc.texty = self._looks_like_text(acc)
        self._settled = True

    def _prune(self, acc: _ColumnAcc) -> None:
        """Keep the recognizers whose share so far is at least half the share they need to list their
        type (the header's hint lowers that share); the others cannot plausibly reach it."""
        assert acc.live is not None
        keep: set[int] = set()
        for i in acc.live:
            st = acc.value.get(i)
            if st is not None and st.rows and st.estimate(acc.non_null) / acc.non_null >= self._need(acc, i) / 2:
                keep.add(i)
            st = acc.text.get(i)
            if st is not None and acc.text_rows and st.estimate(acc.text_rows) / acc.text_rows >= TEXT_MIN_RATIO / 2:
                keep.add(i)
        acc.live = keep

    def _acc(self, name: str) -> _ColumnAcc:
        acc = self._cols.get(name)
        if acc is None:
            acc = self._cols[name] = _ColumnAcc(name)
            self._header[name] = [hints.header_evidence(r, name) for r in self.recs]
            self._order.append(name)
        return acc

    def _timed_update(self, acc: _ColumnAcc, col: BatchColumn, facts: ByteFacts | None) -> None:
        start = time.perf_counter()
        self._update_column(acc, col, facts)
        acc.cost = time.perf_counter() - start

    def _update_column(self, acc: _ColumnAcc, col: BatchColumn, facts: ByteFacts | None = None) -> None:
        if acc.binary:
            return
        if acc.live is not None and not acc.live and acc.texty is not None and acc.batches + 1 != acc.next_probe:
            # nothing runs on this column in this batch (no live recognizer, no probe): count its values
            # (in Arrow when no value has a space at either end: the column is then never converted)
            count = normalize.kept_count(col.values, facts, non_null=col.non_null)
            if count is not None:
                self._count_only(acc, col, facts, count)
                return
        raw = col.text
        if raw is None:
            acc.binary = True
            return
        values = normalize.base(raw, facts)
        n = values.len()
        if n == 0:
            return
        acc.non_null += n
        acc.truncated += normalize.truncated(raw, facts)
        if acc.texty is None:
            acc.chars += int(values.str.len_chars().sum() or 0)
            acc.prose += int(values.str.contains(r"[\u4e00-\u9fff\s]").sum())
        live = self._all if acc.live is None else acc.live
        texty = acc.texty if acc.texty is not None else self._looks_like_text(acc)
        self._evaluate(acc, values, live, texty, probe=False, facts=facts)
        if acc.live is not None:
            for i, st in acc.value.items():
                if i not in live:
                    st.skip(n)
            if texty:
                for i, st in acc.text.items():
                    if i not in live:
                        st.skip(n)
        acc.batches += 1
        if acc.live is not None and len(live) < len(self._all) and acc.batches >= acc.next_probe:
            # recognizers pruned from a full scan keep being probed on a random subsample of a batch now
            # and then: their share is estimated for the rows they skipped, and one that starts matching
            # comes back. A column whose probes find nothing new is probed half as often each time.
            k = min(n, max(PROBE_MIN_ROWS, int(n * PROBE_SHARE)))
            pick = np.sort(np.random.default_rng(acc.non_null).choice(n, k, replace=False)) if k < n else None
            sub = values if pick is None else values.gather(pick)
            self._evaluate(acc, sub, self._all, texty, probe=True, batch_n=n, facts=facts)
            before = len(acc.live)
            self._readmit(acc)
            changed = len(acc.live) != before
            acc.probe_every = PROBE_EVERY if changed else min(acc.probe_every * 2, PROBE_MAX_EVERY)
            acc.next_probe = acc.batches + acc.probe_every

    def _count_only(self, acc: _ColumnAcc, col: BatchColumn, facts: ByteFacts | None, n: int) -> None:
        """What `_update_column` does with `n` values and an empty live set, outside a probe batch."""
        if n == 0:
            return
        acc.non_null += n
        acc.truncated += normalize.truncated(col.values, facts)
        if acc.texty:
            acc.text_rows += n
        for st in acc.value.values():
            st.skip(n)
        if acc.texty:
            for st in acc.text.values():
                st.skip(n)
        acc.batches += 1

    def _evaluate(self, acc: _ColumnAcc, values: pl.Series, recs: set[int], texty: bool, *, probe: bool,
                  batch_n: int = 0, facts: ByteFacts | None = None) -> None:
        """Count, per recognizer in `recs`, the values (or prose rows) it holds; a probe (a subsample of a
        batch of `batch_n` values) updates the estimates of recognizers that are not live."""
        n = values.len()
        header = self._header[acc.name]
        live = self._all if acc.live is None else acc.live

        def record(stats: dict[int, _RecStats], i: int, count: int, example: str | None) -> None:
            if probe and i in live:
                return
            st = stats.setdefault(i, _RecStats())
            if probe:
                st.probe(count, n, batch_n)
            else:
                st.valid += count
                st.rows += n
            st.example = st.example or example

        active = [i for i in self._priority if i in recs and self.recs[i].value
                  and not (self.recs[i].requires_hint and header[i] != hints.POSITIVE)]
        # recognizers that no value of this column can match (length, ASCII only) are not tested
        ruled = {i for i in active if rules_out(self.recs[i], facts)}
        tested = [i for i in active if i not in ruled]
        by_ops: dict[tuple[str, ...], pl.Series] = {
            ops: normalize.apply_ops(values, ops, facts) for ops in dict.fromkeys(tuple(self.recs[i].normalize) for i in tested)
        }
        # many recognizers (learning sample, probes): their shapes in one query, not one call each
        shapes: dict[int, np.ndarray] | None = None
        if len(tested) >= BATCH_SHAPES:
            shapes = dict(zip(tested, _shapes([self.recs[i] for i in tested], by_ops, facts), strict=True))
        # each value belongs to at most one type: recognizers claim values in priority order (checksum
        # types first), so 10% of ID numbers that also pass Luhn are not counted as bank cards
        claimed = np.full(n, -1, dtype=np.int32)
        for i in active:
            rec = self.recs[i]
            if i in ruled:
                record(acc.value, i, 0, None)
                continue
            v = by_ops[tuple(rec.normalize)]
            mask = validated(rec, v, shapes[i]) if shapes is not None else valid_mask(rec, v, facts=facts)
            newly = mask & (claimed == -1)
            count = int(newly.sum())
            if count:
                claimed[newly] = self._type_index[rec.type]
            record(acc.value, i, count, v.gather(int(np.argmax(newly))).item() if count else None)
        if not probe and any(self.recs[i].type == "person_name" for i in recs):
            unclaimed = np.flatnonzero(claimed == -1)
            if unclaimed.size:
                rest = values if unclaimed.size == n else values.gather(unclaimed)
                acc.organisations += int(rest.str.contains(_ORGANISATION).sum())
        if texty:
            if not probe:
                acc.text_rows += n
            searched = [i for i in sorted(recs) if self.recs[i].polars_probe_pattern is not None]
            hits = _text_hits([self.recs[i] for i in searched], values) if len(searched) >= BATCH_SHAPES else None
            for k, i in enumerate(searched):
                rows, example = _evaluate_text(self.recs[i], values, self._shadows.get(i, ()),
                                               hits=None if hits is None else hits[k])
                record(acc.text, i, rows, example)

    def _readmit(self, acc: _ColumnAcc) -> None:
        assert acc.live is not None
        for stats in (acc.value, acc.text):
            for i, st in stats.items():
                if i not in acc.live and st.last_rate is not None and st.probe_rows and st.last_rate >= self._need(acc, i) / 2:
                    acc.live.add(i)

    def _need(self, acc: _ColumnAcc, i: int) -> float:
        rec = self.recs[i]
        return rec.hint_ratio if self._header[acc.name][i] == hints.POSITIVE else rec.min_ratio

    def _cross_check_birth_dates(self, batch: PreparedBatch) -> None:
        """A date column whose dates equal the birth dates inside an ID column of the same rows is a
        birth-date column, whatever its name (obfuscated headers such as c05)."""
        if self._settled or "birth_date" not in self._type_index:
            # evidence from the learning sample is enough to name a birth-date column; a registry without
            # the type (a scan restricted to other types) does not look for one
            return
        texts = {name: text for name, col in batch.columns.items() if (text := col.text) is not None}
        id_cols = [c for c in texts if self._is_id_column(c)]
        if not id_cols:
            return
        ids = normalize.apply_ops(texts[id_cols[0]].fill_null(""), ("strip_separators", "upper"))
        births = resident_id_birth(ids).to_numpy()

        def compare(item: tuple[str, pl.Series]) -> tuple[str, int, int]:
            name, raw = item
            fact = batch.facts.get(name)
            if fact is not None and not fact.may_start_digit:
                return name, 0, 0  # no value starts with a digit: none is a date
            ymd = date_ints(raw.fill_null("").str.slice(0, 30).str.strip_chars())
            both = (births > 0) & (ymd > 0)
            return name, int(both.sum()), int((both & (births == ymd)).sum())

        work = [(name, raw) for name, raw in texts.items() if name not in id_cols]
        parallel = len(work) > 1 and births.size >= PARALLEL_MIN_ROWS
        for name, rows, match in (_pool().map(compare, work) if parallel else map(compare, work)):
            acc = self._cols[name]
            acc.id_birth_rows += rows
            acc.id_birth_match += match

    def _is_id_column(self, name: str) -> bool:
        acc = self._cols[name]
        for i, st in acc.value.items():
            if self.recs[i].type == "cn_resident_id" and acc.non_null and st.valid / acc.non_null >= 0.5:
                return True
        return False

    def declare(self, name: str) -> None:
        """Make a column known even if no batch held a value (a header-only table)."""
        self._acc(name)

    # --- results ---------------------------------------------------------------------------------

    def results(self) -> list[ColumnResult]:
        return [self._decide(self._cols[name]) for name in self._order]

    def _decide(self, acc: _ColumnAcc) -> ColumnResult:
        result = ColumnResult(acc.name, acc.non_null)
        if acc.binary:
            result.note = msg("note.binary")
            return result
        if acc.non_null == 0:
            result.note = msg("note.empty")
            return result
        if acc.truncated:
            result.note = msg("note.truncated", count=acc.truncated, limit=normalize.MAX_CELL)
        header = self._header[acc.name]
        best: dict[str, TypeHit] = {}
        per_type: dict[str, list[int]] = {}
        for i in acc.value:
            per_type.setdefault(self.recs[i].type, []).append(i)
        shares = {t: sum(acc.value[i].estimate(acc.non_null) for i in recs) / acc.non_null for t, recs in per_type.items()}
        # a column may hold several types (mobiles and landlines, ID numbers and credit codes, names and
        # company names): types with ≥ 10% each are listed when together with organisation names they
        # explain most of the column
        secondary = {t for t, sh in shares.items() if sh >= SECONDARY_MIN_RATIO}
        covered = sum(shares[t] for t in secondary) + acc.organisations / acc.non_null
        mixed = len(secondary) > 1 or (secondary and acc.organisations)
        for t, recs in per_type.items():
            i = max(recs, key=lambda k: acc.value[k].estimate(acc.non_null))
            rec, st, h = self.recs[i], acc.value[i], header[i]
            ratio = shares[t]
            # the share a type needs is that of a recognizer that found some of it: a recognizer of the same
            # type that matched nothing (a disease dictionary beside ICD codes) lends it no lower threshold
            found = [k for k in recs if acc.value[k].estimate(acc.non_null) > 0] or recs
            thresholds = [
                max(r.min_ratio, 0.9) if header[k] == hints.NEGATIVE
                else (r.hint_ratio if header[k] == hints.POSITIVE else r.min_ratio)
                for k in found for r in (self.recs[k],)
            ]
            by_coverage = bool(mixed) and t in secondary and covered >= COVERAGE_RATIO
            if ratio < min(thresholds) and not by_coverage:
                continue
            score = _score(rec.score, max(ratio, covered if by_coverage else ratio), h)
            ev = msg("ev.value", ratio=f"{ratio:.1%}", recognizer=rec.name, count=_count(st, acc.non_null),
                     total=acc.non_null, example=mask_example(st.example or ""))
            if by_coverage and ratio < min(thresholds):
                ev += msg("ev.coverage_org" if acc.organisations else "ev.coverage", covered=f"{covered:.1%}")
            if h == hints.POSITIVE:
                ev += msg("ev.header", column=acc.name, label=self.registry.type_label(rec.type))
            _keep_best(best, TypeHit(rec.type, score, round(ratio, 4), ev, rec.name, "value"))
        if acc.text_rows:
            for i, st in acc.text.items():
                rec = self.recs[i]
                ratio = st.estimate(acc.text_rows) / acc.text_rows
                if ratio < TEXT_MIN_RATIO or rec.type in best and best[rec.type].mode == "value":
                    continue
                score = _score(rec.score, min(1.0, 0.5 + ratio), header[i]) * 0.95
                ev = msg("ev.text", ratio=f"{ratio:.1%}", label=self.registry.type_label(rec.type),
                         count=_count(st, acc.text_rows), total=acc.text_rows, example=mask_example(st.example or ""))
                _keep_best(best, TypeHit(rec.type, score, round(ratio, 4), ev, rec.name, "text"))
        if acc.id_birth_rows and "birth_date" not in best:
            ratio = acc.id_birth_match / acc.id_birth_rows
            if ratio >= 0.6:
                ev = msg("ev.birth_cross", ratio=f"{ratio:.1%}", count=acc.id_birth_match, total=acc.id_birth_rows)
                _keep_best(best, TypeHit("birth_date", round(0.85 + 0.14 * ratio, 2), round(ratio, 4), ev,
                                         msg("ev.birth_cross_name"), "cross"))
        result.types = sorted(best.values(), key=lambda t: (-t.score, -t.ratio))
        return result


def _count(st: _RecStats, total: int) -> str:
    """The hit count behind a share; marked when part of it is estimated from probes (full scans)."""
    est = st.estimate(total)
    return str(st.valid) if est == st.valid else msg("ev.estimated", count=round(est))


def _score(base: float, ratio: float, header: int) -> float:
    s = base * (0.55 + 0.45 * min(1.0, ratio / 0.9))
    if header == hints.POSITIVE:
        s += 0.08
    elif header == hints.NEGATIVE:
        s -= 0.1
    return round(max(0.01, min(0.99, s)), 2)


def _keep_best(best: dict[str, TypeHit], hit: TypeHit) -> None:
    cur = best.get(hit.type)
    if cur is None or (hit.mode == "value" and cur.mode != "value") or (
        hit.mode == cur.mode and (hit.score, hit.ratio) > (cur.score, cur.ratio)
    ):
        best[hit.type] = hit


def _shadowed(cand: pl.Series, shadows: tuple[Recognizer, ...]) -> pl.Series:
    """Candidates that are valid values of a shadowing type."""
    hit = pl.Series(np.zeros(cand.len(), dtype=bool))
    for rec in shadows:
        hit = hit | pl.Series(valid_mask(rec, normalize.apply_ops(cand, rec.normalize)))
    return hit


def _text_hit_expr(rec: Recognizer, column: str) -> pl.Expr:
    """Whether a free-text value matches the recognizer's probe at all (after its literal prefilter)."""
    pattern = rec.polars_probe_pattern
    assert pattern is not None
    col = pl.col(column)
    hits = col.str.contains(pattern)
    if rec.text_prefilter:
        hits = col.str.contains_any(rec.text_prefilter) & hits
    return hits.fill_null(False)


def _text_hits(recs: list[Recognizer], values: pl.Series) -> list[np.ndarray]:
    """`_text_hit_expr` of several recognizers in one query."""
    frame = values.to_frame("v").select([_text_hit_expr(r, "v").alias(f"h{k}") for k, r in enumerate(recs)])
    return [frame.to_series(k).to_numpy() for k in range(len(recs))]


def _shapes(recs: list[Recognizer], by_ops: dict[tuple[str, ...], pl.Series], facts: ByteFacts | None) -> list[np.ndarray]:
    """`shape_expr` of several recognizers in one query over the normalizations they need."""
    names = {ops: f"o{k}" for k, ops in enumerate(by_ops)}
    frame = pl.DataFrame({names[ops]: series for ops, series in by_ops.items()})
    exprs = [shape_expr(r, names[tuple(r.normalize)], facts=facts).alias(f"s{k}") for k, r in enumerate(recs)]
    result = frame.select(exprs)
    return [result.to_series(k).to_numpy() for k in range(len(recs))]


def _evaluate_text(rec: Recognizer, values: pl.Series, shadows: tuple[Recognizer, ...] = (),
                   hits: np.ndarray | None = None) -> tuple[int, str | None]:
    """Number of rows whose text holds at least one valid entity of the recognizer's type (`hits`: the
    rows that match the probe at all, when already known)."""
    pattern = rec.polars_probe_pattern
    assert pattern is not None
    # most prose rows hold nothing: find the rows that match at all (cheap), extract only from those
    if hits is None:
        hits = values.to_frame("v").select(_text_hit_expr(rec, "v")).to_series().to_numpy()
    rows_idx = np.flatnonzero(hits)
    if rows_idx.size == 0:
        return 0, None
    values = values.gather(rows_idx)
    found = values.str.extract_all(pattern)
    frame = pl.DataFrame({"row": rows_idx, "m": found}).explode("m").drop_nulls("m")
    if frame.height == 0:
        return 0, None
    matches = frame.get_column("m")
    groups = rec.span_groups or (0,)
    cand = pl.select(pl.coalesce([matches.str.extract(pattern, g) for g in groups])).to_series()
    # a candidate that is the whole value is value-mode evidence, not free text
    position = pl.Series(np.searchsorted(rows_idx, frame.get_column("row").to_numpy()))
    whole = cand == values.gather(position)
    frame, cand = frame.filter(~whole.fill_null(False)), cand.filter(~whole.fill_null(False))
    cand = normalize.apply_ops(cand.fill_null(""), rec.normalize)
    keep = pl.Series(valid_mask(rec, cand, bounded=False))
    rows = frame.get_column("row").filter(keep)
    cand = cand.filter(keep)
    if shadows and cand.len():
        own = ~_shadowed(cand, shadows)
        rows = rows.filter(own)
        cand = cand.filter(own)
    if rows.len() == 0:
        return 0, None
    return int(rows.n_unique()), cand.item(0)


def classify_frame(df: pl.DataFrame, registry: Registry) -> list[ColumnResult]:
    """Convenience: classify the columns of one in-memory frame."""
    clf = ColumnClassifier(registry)
    clf.update(df)
    return clf.results()
