"""Character-encoding detection for text files (CSV, TSV, JSON).

Government files are mostly UTF-8 or GBK/GB2312 (read as GB18030, their superset). The rule, applied to
the first ~256 KB (plus a few probes further in when that head is pure ASCII):

1. a byte-order mark decides (UTF-8 → ``utf-8-sig``, UTF-16/32 → ``utf-16``/``utf-32``);
2. valid UTF-8 → ``utf-8``;
3. valid GB18030 → ``gb18030``;
4. otherwise charset-normalizer's best guess; nothing plausible → `TableError` ``table.encoding``.

A sample with NUL bytes and no UTF-16/32 byte-order mark is binary → `TableError` ``table.binary``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from shuan.errors import TableError

#: bytes examined at the start of a file
HEAD_BYTES = 256 * 1024
#: size of each probe taken further into a file whose head is pure ASCII
PROBE_BYTES = 64 * 1024
#: how many probes (spread evenly over the rest of the file)
PROBES = 4
#: non-ASCII UTF-8 characters in a row that prove a non-UTF-8 sample also holds UTF-8 text
MIXED_MIN_CHARS = 8

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decodes(chunks: list[bytes], encoding: str, *, complete: bool) -> bool:
    """True when every chunk decodes; a chunk may end inside a character unless it is the whole file."""
    for chunk in chunks:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(chunk, final=complete)
        except UnicodeDecodeError:
            return False
    return True


def detect_bytes(chunks: list[bytes], *, complete: bool) -> str | None:
    """The encoding of sample `chunks` (each starting at a character boundary), or None if undecidable.

    `complete` says the chunks hold the whole file (so a truncated last character is an error).
    """
    first = chunks[0] if chunks else b""
    for bom, name in _BOMS:
        if first.startswith(bom):
            return name
    if any(b"\x00" in chunk for chunk in chunks):
        from charset_normalizer import from_bytes  # loaded only for the files that need a guess

        guess = from_bytes(b"".join(chunks)).best()
        if guess is not None and guess.encoding.replace("-", "_").startswith(("utf_16", "utf_32")):
            return codecs.lookup(guess.encoding).name
        return None
    if _decodes(chunks, "utf-8", complete=complete):
        return "utf-8"
    if _decodes(chunks, "gb18030", complete=complete):
        return "gb18030"
    from charset_normalizer import from_bytes

    guess = from_bytes(b"".join(chunks)).best()
    if guess is None:
        return None
    return codecs.lookup(guess.encoding).name


def looks_mixed(chunks: list[bytes], *, min_chars: int = MIXED_MIN_CHARS) -> bool:
    """True when a sample that is not valid UTF-8 starts or ends with a stretch of real UTF-8 text.

    A run of `min_chars` non-ASCII characters that decode as UTF-8 before the first (or after the last)
    invalid byte does not happen by chance in GBK text (each GBK character is valid UTF-8 with odds of
    about 1 in 5), so such a file mixes UTF-8 with another encoding.
    """
    for chunk in chunks:
        if b"\n" in chunk:
            chunk = chunk[: chunk.rindex(b"\n")]  # whole lines only: the end may cut a character
        text = chunk.decode("utf-8", errors="replace")
        first, last = text.find("\ufffd"), text.rfind("\ufffd")
        if first < 0:
            continue
        for stretch in (text[:first], text[last + 1 :]):
            if sum(1 for ch in stretch if ord(ch) > 127) >= min_chars:
                return True
    return False


def _sample(path: Path, head_bytes: int) -> tuple[list[bytes], bool]:
    """The head of the file, plus probes further in when the head is pure ASCII; and whether that is all."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(head_bytes)
        if len(head) >= size:
            return [head], True
        chunks = [head]
        if head.isascii():
            rest = size - len(head)
            for i in range(1, PROBES + 1):
                offset = len(head) + (rest * i) // (PROBES + 1) - PROBE_BYTES // 2
                fh.seek(max(offset, len(head)))
                probe = fh.read(PROBE_BYTES)
                # start after a newline: a character boundary in UTF-8 and in GB18030 alike
                cut = probe.find(b"\n")
                if cut >= 0:
                    chunks.append(probe[cut + 1 :])
        return chunks, False


def detect_encoding(path: Path, *, table: str, head_bytes: int = HEAD_BYTES) -> str:
    """Detect the encoding of text file `path` (read as table `table`); raise `TableError` if impossible."""
    try:
        chunks, complete = _sample(path, head_bytes)
    except OSError as exc:
        raise TableError("table.read", table=table, reason=exc.strerror or str(exc)) from exc
    encoding = detect_bytes(chunks, complete=complete)
    if encoding not in ("utf-8", "utf-8-sig", "utf-16", "utf-32") and looks_mixed(chunks):
        raise TableError("table.encoding_mixed", table=table, encoding="UTF-8")
    if encoding is None:
        if any(b"\x00" in chunk for chunk in chunks):
            raise TableError("table.binary", table=table)
        raise TableError("table.encoding", table=table, tried="UTF-8, GB18030, charset-normalizer")
    return encoding


def arrow_encoding(encoding: str) -> str:
    """The name to give pyarrow's CSV reader (its native UTF-8 path skips a UTF-8 BOM itself)."""
    return "utf8" if encoding in ("utf-8", "utf-8-sig") else encoding
