"""Recompute the chain and the checkpoint signatures; name the first altered, missing or reordered event.

The same functions verify the live store and an exported archive (rows in the same column order).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select, text

from shuan.audit.checkpoints import GENESIS_LINK, Checkpoint, Verifier, verify_signature
from shuan.audit.log import FIELDS, GENESIS, link_hash
from shuan.audit.models import AuditAnchor, AuditCheckpoint, AuditHead
from shuan.messages import msg
from shuan.store.db import Store

#: stored columns in hashing order, then the two hashes
ROW_COLUMNS = (*FIELDS, "prev_hash", "hash")
_REORDER_WINDOW = 32


@dataclass
class Problem:
    seq: int
    kind: str  # altered | missing | reordered | checkpoint | head
    message: str


@dataclass
class VerifyReport:
    events: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_hash: str = GENESIS
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return min(self.problems, key=lambda p: p.seq) if self.problems else None


def _recompute(row: tuple[Any, ...], seq_text: str) -> str:
    values = [seq_text, *row[1:13]]
    return link_hash(str(row[13]), values)


def check_chain(rows: Iterable[tuple[Any, ...]], report: VerifyReport, *, anchor: tuple[int, str] = (0, GENESIS),
                keep: dict[int, str] | None = None) -> None:
    """Walk rows ordered by seq. Stops at the first problem (what follows it cannot be trusted anyway).

    `keep`, when given, receives seq -> hash for the sequence numbers listed in it (checkpoint lookups).
    """
    expected, prev = anchor[0] + 1, anchor[1]
    for row in rows:
        seq = int(row[0])
        if report.first_seq is None:
            report.first_seq = seq
        if seq != expected:
            kind = "missing" if seq > expected else "reordered"
            report.problems.append(Problem(expected, kind, msg(f"audit.verify_{kind}", seq=expected, found=seq)))
            return
        if _recompute(row, str(seq)) != row[14]:
            moved = _moved_from(row)
            if moved is not None:
                report.problems.append(Problem(seq, "reordered", msg("audit.verify_moved", seq=seq, origin=moved)))
            else:
                report.problems.append(Problem(seq, "altered", msg("audit.verify_altered", seq=seq)))
            return
        if row[13] != prev:
            report.problems.append(Problem(seq, "reordered", msg("audit.verify_link", seq=seq, prev=seq - 1)))
            return
        prev = row[14]
        if keep is not None and seq in keep:
            keep[seq] = prev
        report.events += 1
        report.last_seq = seq
        expected += 1
    report.head_hash = prev


def _moved_from(row: tuple[Any, ...]) -> int | None:
    """If the row hashes correctly under another sequence number, it was moved there from that place."""
    seq = int(row[0])
    for other in range(max(1, seq - _REORDER_WINDOW), seq + _REORDER_WINDOW + 1):
        if other != seq and _recompute(row, str(other)) == row[14]:
            return other
    return None


def check_checkpoints(checkpoints: Sequence[Checkpoint], hashes: Mapping[int, str], report: VerifyReport,
                      keys: Mapping[str, Verifier], *, first_prev: tuple[int, str] | None) -> None:
    """Each checkpoint must be signed by an audit key, link to the one before it, and match the hash of
    the event it seals. `first_prev` is what the first one must link to (None: not checked, e.g. a
    partial archive whose preceding checkpoint is outside it)."""
    expected_prev = first_prev
    for cp in checkpoints:
        seq = cp.upto_seq
        if not verify_signature(keys, cp):
            report.problems.append(Problem(seq, "checkpoint", msg("audit.verify_checkpoint_sig", seq=seq)))
            return
        if expected_prev is not None and (cp.prev_seq, cp.prev_hash) != expected_prev:
            report.problems.append(Problem(expected_prev[0] + 1 if cp.prev_seq > expected_prev[0] else seq, "missing",
                                           msg("audit.verify_checkpoint_link", seq=seq, prev=cp.prev_seq)))
            return
        expected_prev = (cp.upto_seq, cp.head_hash)
        actual = hashes.get(seq)
        if actual is None and report.last_seq is not None and seq > report.last_seq:
            report.problems.append(Problem(seq, "missing", msg("audit.verify_truncated", seq=seq, last=report.last_seq)))
            return
        if actual is not None and actual != cp.head_hash:
            report.problems.append(Problem(seq, "altered", msg("audit.verify_checkpoint_hash", seq=seq)))
            return
        report.checkpoints += 1


def check_tail(last_sealed: int, interval: int, head_seq: int, report: VerifyReport) -> None:
    """Every batch that crosses a multiple of the interval ends with a checkpoint: a chain that runs past
    the next multiple after the last checkpoint has lost its newer checkpoints."""
    boundary = (last_sealed // interval + 1) * interval
    if head_seq >= boundary:
        report.problems.append(Problem(boundary, "missing", msg("audit.verify_unsealed", seq=boundary,
                                                                 last=last_sealed)))


def _stream_rows(store: Store, batch: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """Rows in seq order, every column (the detailed, diagnosing walk)."""
    cols = ", ".join(ROW_COLUMNS)
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(
            text(f"SELECT {cols} FROM audit_events ORDER BY seq")  # noqa: S608 - fixed column list
        )
        for chunk in result.partitions(batch):
            yield from (tuple(r) for r in chunk)


def _message_sql(dialect: str) -> str:
    """The hashed message built by the database itself: the fast path hashes one string per event."""
    sep_rec, sep_unit = ("chr(30)", "chr(31)") if dialect == "postgresql" else ("char(30)", "char(31)")
    if dialect == "mysql":
        parts = ["prev_hash", sep_rec, "CAST(seq AS CHAR)"] + [x for f in FIELDS[1:] for x in (sep_unit, f)]
        message = f"CONCAT({', '.join(parts)})"
    else:
        parts = ["prev_hash", sep_rec, "CAST(seq AS TEXT)"] + [x for f in FIELDS[1:] for x in (sep_unit, f)]
        message = " || ".join(parts)
    return (f"SELECT seq, prev_hash, hash, {message} FROM audit_events "  # noqa: S608 - fixed columns
            "WHERE seq BETWEEN :lo AND :hi ORDER BY seq")


def _message_chunks(engine: Engine, lo: int, hi: int, size: int = 50_000) -> Iterator[Sequence[Any]]:
    """(seq, prev_hash, hash, message) rows in chunks; SQLite through the bare driver cursor (no Row objects)."""
    sql = _message_sql(engine.dialect.name)
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(sql.replace(":lo", "?").replace(":hi", "?"), (lo, hi))
            while chunk := cur.fetchmany(size):
                yield chunk
        finally:
            raw.close()
        return
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=size).execute(text(sql), {"lo": lo, "hi": hi})
        yield from result.partitions(size)


def _fast_range(url: str, lo: int, hi: int, anchor: str, wanted: frozenset[int]) -> tuple[bool, int, str,
                                                                                           dict[int, str]]:
    """Check events lo..hi against `anchor` (the hash before lo). Returns (ok, count, last hash, hashes)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    base = hashlib.new("sm3").copy
    expected, prev, count = lo, anchor, 0
    found: dict[int, str] = {}
    try:
        for chunk in _message_chunks(engine, lo, hi):
            for seq, prev_hash, digest, message in chunk:
                h = base()
                h.update(message.encode("utf-8"))
                if seq != expected or prev_hash != prev or h.hexdigest() != digest:
                    return False, count, prev, found
                if seq in wanted:
                    found[seq] = digest
                prev = digest
                expected += 1
                count += 1
    finally:
        engine.dispose()
    return expected == hi + 1, count, prev, found


def _fast_chain(store: Store, first: int, last: int, keep: dict[int, str], workers: int,
                anchor: tuple[int, str]) -> tuple[bool, int, str]:
    """The whole chain in `workers` parallel ranges (each anchored on the stored hash before it)."""
    wanted = frozenset(keep)
    bounds = [first + (last - first + 1) * i // workers for i in range(workers)] + [last + 1]
    ranges = [(lo, hi - 1) for lo, hi in zip(bounds, bounds[1:], strict=False) if hi > lo]
    with store.engine.connect() as conn:
        anchors = [anchor[1] if lo == anchor[0] + 1 else conn.execute(
            text("SELECT hash FROM audit_events WHERE seq = :s"), {"s": lo - 1}).scalar() for lo, _ in ranges]
    if first != anchor[0] + 1 or any(a is None for a in anchors):
        return False, 0, GENESIS
    url = store.engine.url.render_as_string(hide_password=False)
    jobs = [(url, lo, hi, str(anchor), wanted) for (lo, hi), anchor in zip(ranges, anchors, strict=True)]
    # processes only when this is the only thread: forking a threaded process (a server) can copy a lock
    # another thread holds; a server verifies in one process instead
    single = len(jobs) == 1 or threading.active_count() > 1 or store.engine.url.database in (None, "", ":memory:")
    if single:
        results = [_fast_range(*job) for job in jobs]
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(len(jobs)) as pool:
            results = pool.starmap(_fast_range, jobs)
    ok = all(r[0] for r in results)
    for r in results:
        keep.update(r[3])
    return ok, sum(r[1] for r in results), results[-1][2] if results else GENESIS


#: below this many events one process is faster than two
PARALLEL_FROM = 50_000


def verify_store(store: Store, keys: Mapping[str, Verifier], *, interval: int = 1000,
                 workers: int | None = None) -> VerifyReport:
    """Verify the live chain up to its head, the checkpoint chain, the prune anchor and the unsealed tail.

    Head, checkpoints and anchor are read in one snapshot; events appended while verification runs
    (after that head) are not looked at. A fast pass (messages built by the database, ranges hashed in
    parallel) checks the events; only when it finds a problem does the detailed walk run to name it.
    """
    report = VerifyReport()
    with store.transaction() as session:
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
        head_seq = int(head.seq) if head is not None else 0
        row = session.execute(select(AuditAnchor.seq, AuditAnchor.hash).where(AuditAnchor.id == 1)).first()
        anchor = (int(row.seq), str(row.hash)) if row is not None else (0, GENESIS)
        # all of them: checkpoints are written in the transaction of the events they seal, so in one snapshot
        # none can lie beyond the head unless events were cut off the end
        checkpoints = [Checkpoint.of(c) for c in session.scalars(
            select(AuditCheckpoint).order_by(AuditCheckpoint.upto_seq))]
        bounds = session.execute(text("SELECT MIN(seq), MAX(seq), COUNT(*) FROM audit_events WHERE seq <= :h"),
                                 {"h": head_seq}).one()
        prunes = [str(d) for d in session.scalars(
            text("SELECT details FROM audit_events WHERE action = 'audit.prune' AND seq <= :h"), {"h": head_seq})]
    anchor_cp = [c for c in checkpoints if c.upto_seq <= anchor[0]]
    sealing = [c for c in checkpoints if c.upto_seq > anchor[0]]
    keep: dict[int, str] = {c.upto_seq: "" for c in sealing}
    first, last, count = (int(bounds[0] or 0), int(bounds[1] or 0), int(bounds[2]))
    fast_ok = False
    if count and count == last - first + 1 and last == head_seq:
        n_workers = workers or (min(2, os.cpu_count() or 1) if count >= PARALLEL_FROM else 1)
        fast_ok, events, head_hash = _fast_chain(store, first, last, keep, n_workers, anchor)
        if fast_ok:
            report.events, report.first_seq, report.last_seq, report.head_hash = events, first, last, head_hash
    if not fast_ok:
        keep = {k: "" for k in keep}
        check_chain((r for r in _stream_rows(store) if int(r[0]) <= head_seq), report, anchor=anchor, keep=keep)
    if not count and report.ok:
        report.head_hash = anchor[1]
    if anchor[0]:
        _check_anchor(anchor, anchor_cp, prunes, keys, report)
    first_prev = (anchor_cp[-1].upto_seq, anchor_cp[-1].head_hash) if anchor[0] and anchor_cp else GENESIS_LINK
    check_checkpoints(sealing, {k: v for k, v in keep.items() if v}, report, keys,
                      first_prev=None if anchor[0] and not anchor_cp else first_prev)
    if report.ok:
        last_cp = sealing[-1] if sealing else (anchor_cp[-1] if anchor_cp else None)
        check_tail(last_cp.upto_seq if last_cp else anchor[0], last_cp.interval if last_cp else interval, head_seq,
                   report)
    last_seen = report.last_seq or anchor[0]
    if report.ok and head is not None and (head_seq, str(head.hash)) != (last_seen, report.head_hash):
        report.problems.append(Problem(head_seq, "missing", msg("audit.verify_head", head=head_seq, last=last_seen)))
    return report


def _prune_names(details: str, seq: int) -> bool:
    try:
        return int(json.loads(details).get("last_seq", -1)) == seq
    except (ValueError, TypeError, AttributeError):
        return False


def _check_anchor(anchor: tuple[int, str], anchor_cp: Sequence[Checkpoint], prunes: Sequence[str],
                  keys: Mapping[str, Verifier], report: VerifyReport) -> None:
    """A pruned prefix is legitimate only if a signed checkpoint seals exactly the anchor and an
    `audit.prune` event in the online chain names it (nobody can add either without the keys)."""
    sealed = [c for c in anchor_cp if (c.upto_seq, c.head_hash) == anchor and verify_signature(keys, c)]
    named = any(_prune_names(d, anchor[0]) for d in prunes)
    if not sealed or not named:
        report.problems.append(Problem(anchor[0], "missing", msg("audit.verify_anchor", seq=anchor[0])))
