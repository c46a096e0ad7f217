"""Leak tracing: invisible per-recipient fingerprints in delivered extracts, and their detection.

Pure functions over Polars frames (no database, no files): `embed` marks a copy of a frame for one
recipient, `observe` + `detect` tell which recipient's marks a (possibly cut down, shuffled,
re-encoded) file carries. Platform integration (keys, the register of delivered extracts, audit,
permissions) lives in `shuan.protect.tracing_service`.

Scheme (``v1``): an Agrawal–Kiernan-style relational watermark whose marks are anchored in the cells
themselves rather than in a primary key.

* **Carriers.** A cell can carry one bit through one of three *channels*, each a choice between
  renderings that mean the same thing and survive CSV and XLSX round trips:

  - ``number``: decimal values of a column whose values show at least 2 (at most 12) decimal places
    (amounts, coordinates, measurements). With ``d`` the column's largest number of decimals and
    ``N = round(|x| · 10^d)``, the bit is ``N mod 2`` and the anchor is ``(d, sign, N div 2)``;
    setting the bit changes the value by at most one unit of the last decimal place (10^-d: 0.01
    yuan of an amount, 1e-6° ≈ 0.1 m of a coordinate), never its sign, never a value to or from zero
    (cells with ``N < 2`` carry nothing). The bit is read from the numeric value, so a spreadsheet
    dropping trailing zeros (12.50 → 12.5) or turning text into numbers changes nothing. A column
    counts when ≥ 80 % of its non-empty values are plain decimals (optionally with thousands
    separators) and ≥ 50 % of those show a fractional part, and not all of them look like a
    year.month. Integer columns (IDs, phone numbers, counts) are never touched.
  - ``width``: text holding Chinese characters and ASCII/full-width punctuation of the pairs
    ``, ，  ( （  ) ）  : ：  ; ；`` — full width (bit 1) or half width (bit 0) for every such mark of the cell,
    except a mark with an ASCII letter or digit on both sides (``1,234``, ``12:30`` stay as they are).
    Letters and digits never change. The anchor is the text with those marks in half width.
  - ``case``: hexadecimal identifiers (MAC addresses ``aa:bb:…``/``aa-bb-…``/``aabb.ccdd.eeff``,
    UUIDs, and hex strings of an even number of 16–128 digits, except 18, the length of a 统一社会信用代码,
    such as digests and the platform's pseudonyms) holding a letter a–f:
    upper case (bit 1) or lower case (bit 0). The anchor is the value in lower case.

  Trailing spaces, zero-width characters and similar tricks are not used: spreadsheets and cleaning
  scripts strip them. Checksummed identifiers are never touched: ``number`` only sees numbers with
  decimals, ``case`` only hex strings, ``width`` only punctuation; in addition, when the caller
  passes the columns' discovered types (`shuan.discovery.vocabulary`), a typed column carries
  ``number`` marks only when it is a ``geo_coordinate`` column and ``case`` marks only when it is a
  ``mac_address`` column, and `keep` names columns that must stay byte-identical (e.g. join keys).

* **Marks.** For recipient key K (32 bytes, see the service) and a carrier's anchor A,
  ``T = HMAC-SM3(K, "shuan-trace/v1|" ‖ channel ‖ "|" ‖ A)``; the cell is *selected* when the first four
  bytes of T, read as a big-endian integer, are ≡ 0 (mod γ = 4), and then carries bit ``T[4] & 1``.
  Every cell is marked on its own: row subsetting, reordering and column subsetting keep the marks of
  the cells that remain; no key column is needed, and equal values get equal marks (joins inside one
  recipient's copies still work, and duplicates never disagree). About 1/γ of the carriers are
  selected and half of those already hold the right bit: ≈ 12.5 % of carrier cells change.

* **Detection statistic.** The suspect file's carriers are grouped by anchor (one observed bit per
  anchor: the majority of its cells; ties and mixed renderings count as no observation). For each
  candidate recipient r, ``n_r`` is the number of observed anchors that r's key selects and ``X_r`` the
  number of them whose observed bit equals r's expected bit. Under H0_r — the file was not made from
  r's copy, so its content is independent of K_r — every selected anchor's expected bit is a fresh
  pseudorandom bit (HMAC-SM3 as a PRF; distinct anchors are distinct inputs), hence
  ``X_r ~ Binomial(n_r, 1/2)`` exactly, and the one-sided p-value is ``p_r = P[Bin(n_r, 1/2) ≥ X_r]``
  (computed exactly for n ≤ 4096, in log space beyond). The file is attributed to the candidate with
  the smallest p-value iff ``p_r ≤ α / m`` with ``α = 10^-6`` and m the number of candidates
  (Bonferroni): by the union bound, the probability that a file not made from any given candidate's
  copy is attributed to that candidate — a false attribution — is at most α = 10^-6, whatever the
  file holds, by construction. A sample too small to reach the threshold (all ``n`` marks matching
  still needs ``2^-n ≤ α/m``, i.e. n ≥ 26 marks among 50 candidates) yields "none found", never a
  guess.

Not in scope (documented in docs/design.md): an adversary who knows the scheme and deliberately
rounds decimals, normalises punctuation width (NFKC) and case destroys the marks; two recipients
comparing their copies see where they differ (collusion).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from shuan.crypto.sm3 import BLOCK_SIZE, SM3

__all__ = [
    "ALPHA",
    "CHANNELS",
    "GAMMA",
    "SCHEME",
    "CandidateScore",
    "ColumnMarks",
    "Embedded",
    "Observation",
    "TraceResult",
    "binomial_tail_log10",
    "detect",
    "embed",
    "format_p",
    "observe",
]

SCHEME = "v1"
GAMMA = 4  # one carrier in γ carries a mark
ALPHA = 1e-6  # family-wise false attribution bound
MIN_DECIMALS = 2
MAX_DECIMALS = 12
NUMERIC_SHARE = 0.8  # of a column's non-empty values that must be plain decimals
FRACTION_SHARE = 0.5  # of those that must show a fractional part
CHANNELS = ("number", "width", "case")
_PREFIX = b"shuan-trace/" + SCHEME.encode() + b"|"
_EXACT_LIMIT = 4096

#: types whose columns may carry `number` / `case` marks (untyped columns may, by shape)
NUMBER_TYPES = frozenset({"geo_coordinate"})
CASE_TYPES = frozenset({"mac_address"})

_NUM = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d{1,24})(?:\.(\d{1,24}))?$")
_HALF_TO_FULL = {",": "，", "(": "（", ")": "）", ":": "：", ";": "；"}
_FULL_TO_HALF = {v: k for k, v in _HALF_TO_FULL.items()}
_PUNCT = frozenset(_HALF_TO_FULL) | frozenset(_FULL_TO_HALF)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HEX = re.compile(
    r"^(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"  # MAC aa:bb:cc:dd:ee:ff / aa-bb-…
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"  # MAC aabb.ccdd.eeff
    r"|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"  # UUID
    r"|(?:[0-9A-Fa-f]{2}){8,64})$"  # hex digests and pseudonyms: an even number of digits, 16–128
)
_HEX_SKIP_LENGTHS = frozenset({18})  # 统一社会信用代码 can be all hex digits: never a carrier
_HEX_LETTER = re.compile(r"[A-Fa-f]")
_TEXT_TYPES = (pl.String, pl.Categorical)
_MAX_DIGITS = 15  # significant digits a spreadsheet keeps (IEEE double): longer numbers carry nothing
_NUMBER_TYPES = (pl.Float32, pl.Float64, pl.Decimal)


# -- carriers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Carrier:
    channel: str
    anchor: bytes  # what the mark is keyed on (unchanged by embedding)
    observed: int | None  # the bit the cell holds now (None: no clear rendering)


@dataclass(frozen=True)
class _Number:
    sign: str
    digits: str  # integer part as written (may hold thousands separators)
    value: int  # N = |x| · 10^d


def _parse_number(text: str, d: int) -> _Number | None:
    m = _NUM.match(text)
    if m is None:
        return None
    frac = m.group(3) or ""
    if len(frac) > d:
        return None
    whole = m.group(2).replace(",", "").lstrip("0")
    if len(whole) + d > _MAX_DIGITS:
        return None
    value = int((whole or "0") + frac.ljust(d, "0"))
    return _Number(m.group(1), m.group(2), value)


def _number_carrier(text: str, d: int) -> _Carrier | None:
    num = _parse_number(text, d)
    if num is None or num.value < 2:
        return None
    q, bit = divmod(num.value, 2)
    sign = "-" if num.sign == "-" else ""
    return _Carrier("number", f"{d}|{sign}{q}".encode(), bit)


def _render_number(text: str, d: int, bit: int) -> str:
    num = _parse_number(text, d)
    assert num is not None
    target = num.value - num.value % 2 + bit
    if target == num.value:
        return text
    whole, frac = divmod(target, 10**d)
    if "," in num.digits:
        head = f"{whole:,}"
    else:
        head = str(whole).zfill(len(num.digits))
    return f"{num.sign}{head}.{frac:0{d}d}"


def _width_positions(text: str) -> list[int]:
    out = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in _PUNCT:
            before = i > 0 and text[i - 1].isascii() and text[i - 1].isalnum()
            after = i < last and text[i + 1].isascii() and text[i + 1].isalnum()
            if not (before and after):
                out.append(i)
    return out


def _width_carrier(text: str) -> _Carrier | None:
    if _CJK.search(text) is None:
        return None
    positions = _width_positions(text)
    if not positions:
        return None
    full = sum(1 for i in positions if text[i] in _FULL_TO_HALF)
    observed = 1 if full == len(positions) else 0 if full == 0 else None
    chars = list(text)
    for i in positions:
        chars[i] = _FULL_TO_HALF.get(chars[i], chars[i])
    return _Carrier("width", "".join(chars).encode(), observed)


def _render_width(text: str, bit: int) -> str:
    table = _HALF_TO_FULL if bit else _FULL_TO_HALF
    chars = list(text)
    for i in _width_positions(text):
        chars[i] = table.get(chars[i], chars[i])
    return "".join(chars)


def _case_carrier(text: str) -> _Carrier | None:
    if len(text) in _HEX_SKIP_LENGTHS or _HEX.match(text) is None or _HEX_LETTER.search(text) is None:
        return None
    observed = 1 if text == text.upper() else 0 if text == text.lower() else None
    return _Carrier("case", text.lower().encode(), observed)


@dataclass(frozen=True)
class _Plan:
    """Which channels a column may carry; `decimals` is d for the number channel (None: not numeric)."""

    decimals: int | None
    width: bool
    case: bool

    def carrier(self, text: str) -> _Carrier | None:
        core = text.strip()
        if not core:
            return None
        if self.decimals is not None:
            found = _number_carrier(core, self.decimals)
            if found is not None:
                return found
        if self.case:
            found = _case_carrier(core)
            if found is not None:
                return found
        if self.width:
            return _width_carrier(core)
        return None

    def render(self, text: str, carrier: _Carrier, bit: int) -> str:
        core = text.strip()
        start = text.find(core)
        head, tail = text[:start], text[start + len(core):]
        if carrier.channel == "number":
            assert self.decimals is not None
            new = _render_number(core, self.decimals, bit)
        elif carrier.channel == "case":
            new = core.upper() if bit else core.lower()
        else:
            new = _render_width(core, bit)
        return head + new + tail


def _year_month(m: re.Match[str]) -> bool:
    whole, frac = m.group(2), m.group(3) or ""
    return len(whole) == 4 and 1900 <= int(whole) <= 2099 and 1 <= len(frac) <= 2 and 1 <= int(frac) <= 12


def _decimals(texts: Iterable[str]) -> int | None:
    """The column's d when it qualifies for the number channel (see the module docstring), else None."""
    seen = matched = fractional = 0
    d = 0
    dates = True
    for raw in texts:
        text = raw.strip()
        if not text:
            continue
        seen += 1
        m = _NUM.match(text)
        if m is None:
            continue
        matched += 1
        frac = m.group(3) or ""
        if frac:
            fractional += 1
            d = max(d, len(frac))
        dates = dates and _year_month(m)
    if not seen or matched < NUMERIC_SHARE * seen or fractional < FRACTION_SHARE * matched:
        return None
    if dates or not MIN_DECIMALS <= d <= MAX_DECIMALS:
        return None
    return d


def _as_text(series: pl.Series) -> pl.Series | None:
    dtype = series.dtype
    if isinstance(dtype, _TEXT_TYPES) or dtype == pl.String:
        return series.cast(pl.String)
    if isinstance(dtype, _NUMBER_TYPES) or dtype in (pl.Float32, pl.Float64):
        return series.cast(pl.String)
    return None


def _plan(series: pl.Series, texts: pl.Series, types: Collection[str] | None) -> _Plan:
    numeric_only = not (isinstance(series.dtype, _TEXT_TYPES) or series.dtype == pl.String)
    typed = set(types or ())
    may_number = not typed or typed <= NUMBER_TYPES
    may_case = not typed or typed <= CASE_TYPES
    decimals = _decimals(texts.drop_nulls().to_list()) if may_number else None
    return _Plan(decimals, width=not numeric_only, case=may_case and not numeric_only)


# -- keys -----------------------------------------------------------------------------------------------


class _Marker:
    """HMAC-SM3 (RFC 2104) under one recipient key, with the padded key blocks hashed once: which
    anchors the key selects, and their bits."""

    def __init__(self, key: bytes) -> None:
        if not 16 <= len(key) <= BLOCK_SIZE:
            raise ValueError("a tracing key has 16 to 64 bytes")
        block = key.ljust(BLOCK_SIZE, b"\0")
        self._inner = SM3(bytes(b ^ 0x36 for b in block))
        self._outer = SM3(bytes(b ^ 0x5C for b in block))

    def bit_of(self, message: bytes) -> int | None:
        """The bit this key puts at a carrier (`message` from `_message`), or None when not selected."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        tag = outer.digest()
        return tag[4] & 1 if int.from_bytes(tag[:4], "big") % GAMMA == 0 else None

    def bit(self, channel: str, anchor: bytes) -> int | None:
        return self.bit_of(_message(channel, anchor))


def _message(channel: str, anchor: bytes) -> bytes:
    return _PREFIX + channel.encode() + b"|" + anchor


# -- embedding ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMarks:
    """What embedding did to one column: carrier cells per channel, selected cells, changed cells."""

    name: str
    carriers: dict[str, int]
    marked: int
    changed: int

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "carriers": dict(self.carriers), "marked": self.marked, "changed": self.changed}


@dataclass(frozen=True)
class Embedded:
    frame: pl.DataFrame
    columns: tuple[ColumnMarks, ...]

    @property
    def marked(self) -> int:
        """Cells that carry a mark (about 1/γ of the carriers)."""
        return sum(c.marked for c in self.columns)

    @property
    def changed(self) -> int:
        """Cells whose rendering changed (about half of the marked ones)."""
        return sum(c.changed for c in self.columns)

    @property
    def carriers(self) -> int:
        return sum(sum(c.carriers.values()) for c in self.columns)


def embed(frame: pl.DataFrame, key: bytes, types: Mapping[str, Collection[str]] | None = None, *,
          keep: Collection[str] = ()) -> Embedded:
    """A copy of `frame` carrying the fingerprint of `key` (one recipient). Deterministic: the same
    frame and key always give the same copy, and marking a copy again for the same key changes nothing.

    `types` maps column names to their discovered type ids (columns absent from it are untyped);
    `keep` names columns left byte-identical. Column dtypes are kept (text, float and decimal columns
    may change; every other dtype is left as it is)."""
    marker = _Marker(key)
    replaced: list[pl.Series] = []
    stats: list[ColumnMarks] = []
    for name in frame.columns:
        series = frame.get_column(name)
        texts = _as_text(series) if name not in keep else None
        if texts is None:
            continue
        plan = _plan(series, texts, (types or {}).get(name))
        counts = texts.drop_nulls().value_counts()
        carriers: dict[str, int] = {}
        marked = changed = 0
        mapping: dict[str, str] = {}
        for text, count in counts.iter_rows():
            carrier = plan.carrier(text)
            if carrier is None:
                continue
            carriers[carrier.channel] = carriers.get(carrier.channel, 0) + count
            bit = marker.bit(carrier.channel, carrier.anchor)
            if bit is None:
                continue
            marked += count
            new = plan.render(text, carrier, bit)
            if new != text:
                mapping[text] = new
                changed += count
        if carriers:
            stats.append(ColumnMarks(name, carriers, marked, changed))
        if mapping:
            new_texts = texts.replace(mapping)
            replaced.append(new_texts if series.dtype == pl.String else new_texts.cast(series.dtype))
    out = frame.with_columns(replaced) if replaced else frame.clone()
    return Embedded(out, tuple(stats))


# -- detection ------------------------------------------------------------------------------------------


@dataclass
class Observation:
    """The carriers a suspect file holds: per (channel, anchor), how many cells show bit 1 and bit 0."""

    votes: dict[tuple[str, bytes], list[int]] = field(default_factory=dict)
    cells: int = 0  # carrier cells seen
    columns: set[str] = field(default_factory=set)  # names of columns holding carriers
    rows: int = 0

    def add(self, frame: pl.DataFrame) -> Observation:
        self.rows += frame.height
        for name in frame.columns:
            series = frame.get_column(name)
            texts = _as_text(series)
            if texts is None:
                continue
            plan = _plan(series, texts, None)
            for text, count in texts.drop_nulls().value_counts().iter_rows():
                carrier = plan.carrier(text)
                if carrier is None:
                    continue
                self.cells += count
                self.columns.add(name)
                votes = self.votes.setdefault((carrier.channel, carrier.anchor), [0, 0])
                if carrier.observed is not None:  # mixed renderings vote for neither bit
                    votes[carrier.observed] += count
        return self

    def bits(self) -> list[tuple[str, bytes, int]]:
        """One observed bit per anchor (the majority of its cells; ties give none)."""
        out = []
        for (channel, anchor), (zeros, ones) in self.votes.items():
            if ones != zeros:
                out.append((channel, anchor, int(ones > zeros)))
        return out


def observe(*frames: pl.DataFrame) -> Observation:
    """Collect the carriers of one or more frames (e.g. every sheet of a suspect workbook)."""
    obs = Observation()
    for frame in frames:
        obs.add(frame)
    return obs


@dataclass(frozen=True)
class CandidateScore:
    recipient: str
    marks: int  # n: observed anchors this candidate's key selects
    matches: int  # X: of those, how many hold this candidate's bit
    log10_p: float  # log10 P[Bin(n, 1/2) ≥ X]

    @property
    def p_value(self) -> float:
        return float(10.0**self.log10_p)

    def as_dict(self) -> dict[str, object]:
        return {"recipient": self.recipient, "marks": self.marks, "matches": self.matches,
                "p_value": format_p(self.log10_p), "log10_p": round(self.log10_p, 3)}


@dataclass(frozen=True)
class TraceResult:
    """Scores of every candidate, best first, and the attribution decision (see the module docstring)."""

    scores: tuple[CandidateScore, ...]
    positions: int  # anchors with an observed bit
    cells: int  # carrier cells in the file
    rows: int
    alpha: float = ALPHA

    @property
    def candidates(self) -> int:
        return len(self.scores)

    @property
    def threshold_log10(self) -> float:
        """log10(α / m): a candidate is named only when its p-value is at most this."""
        return math.log10(self.alpha / max(1, self.candidates))

    @property
    def best(self) -> CandidateScore | None:
        return self.scores[0] if self.scores else None

    @property
    def attributed(self) -> tuple[CandidateScore, ...]:
        """Candidates whose p-value passes the Bonferroni threshold (more than one: a merged file)."""
        return tuple(s for s in self.scores if s.log10_p <= self.threshold_log10)

    @property
    def recipient(self) -> CandidateScore | None:
        """The most likely recipient, or None when none passes the threshold."""
        found = self.attributed
        return found[0] if found else None

    def adjusted_log10(self, score: CandidateScore) -> float:
        """log10 of the Bonferroni-adjusted p-value min(1, m · p): 1 − that is the confidence shown."""
        return min(0.0, score.log10_p + math.log10(max(1, self.candidates)))


def binomial_tail_log10(n: int, k: int) -> float:
    """log10 P[X ≥ k] for X ~ Binomial(n, 1/2): exact rational arithmetic for n ≤ 4096, log space above."""
    if k <= 0:
        return 0.0
    if k > n:
        return -math.inf
    if n <= _EXACT_LIMIT:
        comb = total = math.comb(n, k)
        for i in range(k, n):
            comb = comb * (n - i) // (i + 1)
            total += comb
        return _log10_int(total) - n * math.log10(2)
    return _tail_log_space(n, k)


def _tail_log_space(n: int, k: int) -> float:
    """log10 P[Bin(n, 1/2) ≥ k] for 0 < k ≤ n from log-gamma and the ratio of successive terms."""
    if 2 * k <= n:  # P ≥ 1/2: the complement of the far tail
        upper = 10.0 ** _tail_log_space(n, n - k + 1)
        return math.log10(max(1.0 - upper, 1e-300))
    ln_first = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    term = acc = 1.0
    for i in range(k, n):  # terms decrease: (n - i) / (i + 1) < 1 for i ≥ k > n/2
        term *= (n - i) / (i + 1)
        acc += term
        if term < acc * 1e-17:
            break
    return (ln_first + math.log(acc)) / math.log(10) - n * math.log10(2)


def _log10_int(value: int) -> float:
    bits = value.bit_length()
    if bits <= 1000:
        return math.log10(value)
    shift = bits - 64
    return math.log10(value >> shift) + shift * math.log10(2)


def format_p(log10_p: float) -> str:
    """A p-value for people: 0.031, 2.4e-09, 3.1e-1234 (no underflow), 1."""
    if log10_p >= 0:
        return "1"
    if log10_p == -math.inf:
        return "0"
    if log10_p > -3:
        return f"{10.0**log10_p:.3g}"
    exponent = math.floor(log10_p)
    mantissa = 10.0 ** (log10_p - exponent)
    if mantissa >= 9.95:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.1f}e{exponent:+03d}"


def detect(suspect: pl.DataFrame | Observation, candidates: Mapping[str, bytes], *,
           alpha: float = ALPHA) -> TraceResult:
    """Score every candidate recipient (label → key) against the suspect frame or observation."""
    obs = suspect if isinstance(suspect, Observation) else observe(suspect)
    bits = obs.bits()
    messages = [(_message(channel, anchor), seen) for channel, anchor, seen in bits]
    scores = []
    for label, key in candidates.items():
        bit_of = _Marker(key).bit_of
        n = x = 0
        for message, seen in messages:
            expected = bit_of(message)
            if expected is None:
                continue
            n += 1
            x += expected == seen
        scores.append(CandidateScore(label, n, x, binomial_tail_log10(n, x)))
    scores.sort(key=lambda s: (s.log10_p, -s.marks, s.recipient))
    return TraceResult(tuple(scores), len(bits), obs.cells, obs.rows, alpha)
