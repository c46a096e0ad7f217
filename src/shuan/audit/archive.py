"""Signed audit archives that verify offline, without the store or the root key.

An archive is a tar file:
  events.jsonl       one JSON array per event, columns in hashing order plus prev_hash and hash
  checkpoints.jsonl  the signed checkpoints that fall inside the exported range
  manifest.json      range, anchor (hash before the first event), SM3 of both files, signing public keys
  manifest.sig       SM2 signature (hex) over manifest.json by the current audit signing key
The reader pins the signer by the public key fingerprint printed at export (`--expect-key`).
Events are streamed to a temporary file while the archive is built, so memory stays bounded.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shuan.audit.checkpoints import Checkpoint, Verifier
from shuan.audit.log import GENESIS, format_ts
from shuan.audit.models import AuditCheckpoint
from shuan.audit.verify import ROW_COLUMNS, VerifyReport, check_chain, check_checkpoints
from shuan.clock import utcnow
from shuan.crypto.keys.keyring import PublicVerifier, SM2Signer, fingerprint
from shuan.crypto.sm2 import SM2PublicKey
from shuan.crypto.sm3 import SM3, sm3_hex
from shuan.errors import AuditError
from shuan.messages import msg

FORMAT = "shuan-audit-archive/v2"
MEMBERS = ("manifest.json", "manifest.sig", "events.jsonl", "checkpoints.jsonl")
_MAX_MEMBER = 8 << 30


@dataclass
class ExportResult:
    path: Path
    events: int
    first_seq: int | None
    last_seq: int | None
    fingerprint: str


def _rows(session: Session, first: int, last: int, batch: int = 20_000) -> Iterator[list[Any]]:
    cols = ", ".join(ROW_COLUMNS)
    result = session.connection().execution_options(stream_results=True, yield_per=batch).execute(
        text(f"SELECT {cols} FROM audit_events WHERE seq BETWEEN :a AND :b ORDER BY seq"),  # noqa: S608
        {"a": first, "b": last},
    )
    for chunk in result.partitions(batch):
        for row in chunk:
            yield [int(row[0]), *row[1:]]


def _add(tar: tarfile.TarFile, name: str, fh: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(utcnow().timestamp())
    tar.addfile(info, fh)


def write_archive(session: Session, path: Path, *, signer: SM2Signer, keys: Mapping[str, PublicVerifier],
                  first_seq: int, last_seq: int, exported_by: str) -> ExportResult:
    """Write events first_seq..last_seq as a signed archive, atomically (a temp file renamed into place)."""
    path = Path(path)
    anchor_hash = GENESIS
    if first_seq > 1:
        anchor_hash = session.scalar(text("SELECT hash FROM audit_events WHERE seq = :s"), {"s": first_seq - 1}) \
            or GENESIS
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".audit-", suffix=".tmp", dir=path.parent)
    spool = tempfile.TemporaryFile(dir=path.parent)  # noqa: SIM115 - closed in finally
    try:
        digest = SM3()
        count, seen_first, seen_last = 0, None, None
        for row in _rows(session, first_seq, last_seq):
            line = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            spool.write(line)
            digest.update(line)
            count += 1
            seen_first = row[0] if seen_first is None else seen_first
            seen_last = row[0]
        cps = session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.upto_seq.between(first_seq, last_seq))
                              .order_by(AuditCheckpoint.upto_seq))
        cp_bytes = b"".join((json.dumps(Checkpoint.of(c).as_dict(), separators=(",", ":")) + "\n").encode()
                            for c in cps)
        manifest = {
            "format": FORMAT,
            "created": format_ts(utcnow()),
            "exported_by": exported_by,
            "first_seq": seen_first,
            "last_seq": seen_last,
            "events": count,
            "anchor": {"seq": first_seq - 1, "hash": anchor_hash},
            "events_sm3": digest.hexdigest(),
            "checkpoints_sm3": sm3_hex(cp_bytes),
            "signing_key": signer.key_id,
            "public_keys": {kid: v.public.to_bytes().hex() for kid, v in keys.items()},
            "fingerprint": fingerprint(signer.public.to_bytes()),
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()
        signature = signer.sign(manifest_bytes).hex().encode()
        size = spool.tell()
        spool.seek(0)
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
            _add(tar, "manifest.json", io.BytesIO(manifest_bytes), len(manifest_bytes))
            _add(tar, "manifest.sig", io.BytesIO(signature), len(signature))
            _add(tar, "events.jsonl", spool, size)
            _add(tar, "checkpoints.jsonl", io.BytesIO(cp_bytes), len(cp_bytes))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        spool.close()
    return ExportResult(path, count, seen_first, seen_last, str(manifest["fingerprint"]))


def _read_members(path: Path) -> dict[str, bytes]:
    try:
        with tarfile.open(path, mode="r:*") as tar:
            out: dict[str, bytes] = {}
            for member in tar.getmembers():
                if not member.isfile() or member.size > _MAX_MEMBER or member.name not in MEMBERS:
                    raise AuditError("audit.archive_bad", path=str(path),
                                     reason=msg("audit.archive_member", name=member.name))
                fh = tar.extractfile(member)
                if fh is not None:
                    out[member.name] = fh.read()
            return out
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise AuditError("audit.archive_bad", path=str(path), reason=type(exc).__name__) from None


def _bad(path: Path, key: str, **params: object) -> AuditError:
    return AuditError("audit.archive_bad", path=str(path), reason=msg(key, **params))


def verify_archive(path: Path, *, expect_fingerprint: str | None = None) -> tuple[VerifyReport, dict[str, Any]]:
    """Verify an archive offline: manifest signature, file digests, the chain from its anchor, checkpoints."""
    path = Path(path)
    members = _read_members(path)
    for name in MEMBERS:
        if name not in members:
            raise _bad(path, "audit.archive_missing_member", name=name)
    try:
        manifest = json.loads(members["manifest.json"])
        keys: dict[str, Verifier] = {
            k: PublicVerifier(SM2PublicKey.from_bytes(bytes.fromhex(v))) for k, v in manifest["public_keys"].items()}
        signer = keys[manifest["signing_key"]]
        sig = bytes.fromhex(members["manifest.sig"].decode())
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError) as exc:
        raise AuditError("audit.archive_bad", path=str(path), reason=type(exc).__name__) from None
    if manifest.get("format") != FORMAT:
        raise _bad(path, "audit.archive_format")
    assert isinstance(signer, PublicVerifier)
    actual_fp = fingerprint(signer.public.to_bytes())
    if expect_fingerprint is not None and expect_fingerprint.strip().lower() != actual_fp:
        raise AuditError("audit.archive_key", actual=actual_fp, expected=expect_fingerprint)
    if actual_fp != manifest.get("fingerprint") or not signer.verify(sig, members["manifest.json"]):
        raise AuditError("audit.archive_signature", path=str(path))
    if sm3_hex(members["events.jsonl"]) != manifest["events_sm3"] or \
            sm3_hex(members["checkpoints.jsonl"]) != manifest["checkpoints_sm3"]:
        raise _bad(path, "audit.archive_digest")
    report = VerifyReport()
    try:
        rows = (tuple(json.loads(line)) for line in members["events.jsonl"].splitlines() if line)
        checkpoints = [Checkpoint.of(json.loads(line)) for line in members["checkpoints.jsonl"].splitlines() if line]
        keep: dict[int, str] = {c.upto_seq: "" for c in checkpoints}
        anchor = (int(manifest["anchor"]["seq"]), str(manifest["anchor"]["hash"]))
        check_chain(rows, report, anchor=anchor, keep=keep)
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise AuditError("audit.archive_bad", path=str(path), reason=type(exc).__name__) from None
    # the first checkpoint's predecessor may lie before a partial archive: its link is not checked
    check_checkpoints(checkpoints, {k: v for k, v in keep.items() if v}, report, keys, first_prev=None)
    return report, manifest
