"""The canonical document a data authority signs when approving a grant (non-repudiation).

The approver signs these exact bytes with their own SM2 key (shuan.identity.signing, opened by their
password): whoever holds the grant row and the approver's public key can re-encode the document and
check the signature, years later and without the platform's root key.

Encoding, version 1 (``shuan.grant-approval``): a JSON object with sorted keys, no whitespace
(separators ``,`` and ``:``), every non-ASCII character escaped as ``\\uXXXX`` (so the bytes are pure
ASCII and strings that are not valid UTF-8 still encode), no NaN or infinity. Fields:

=================  ========================================================================
``type``           ``"shuan.grant-approval"``
``version``        ``1``
``grant``          the grant id
``resource``       the resource path, canonical spelling (shuan.access.paths)
``subject``        ``{"kind": "user"|"department", "id": …, "include_subdepartments": bool}``
``actions``        the actions, sorted
``scenario``       the usage scenario id
``purpose``        the stated purpose, verbatim
``valid_from``     UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``
``valid_until``    UTC, same format
``row_filter``     the conditions as stored (``[{"column", "op", "value"}]``) or ``null``
``masking``        the masking profile or ``null``
``approver``       the approver's username
``approved_at``    the decision time, UTC, same format
=================  ========================================================================

A changed field — a widened action, a later end, another subject — gives other bytes, and the
signature no longer verifies. Pure: no database, no keys.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shuan.access.models import AccessGrant
from shuan.access.rules import aware

DOCUMENT_TYPE = "shuan.grant-approval"
VERSION = 1


def utc_text(when: datetime) -> str:
    """A fixed-width UTC timestamp with microseconds (what every supported database keeps)."""
    return aware(when).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def grant_document(row: AccessGrant, *, approver: str, approved_at: datetime, version: int = VERSION) -> bytes:
    """The bytes the approver signs for `row` (its stored values), approved by `approver` at `approved_at`."""
    if version != VERSION:
        raise ValueError(f"unknown grant approval document version {version}")
    doc = {
        "type": DOCUMENT_TYPE,
        "version": version,
        "grant": int(row.id),
        "resource": row.resource_path,
        "subject": {
            "kind": row.subject_kind,
            "id": int(row.subject_id),
            "include_subdepartments": bool(row.include_subdepartments),
        },
        "actions": sorted(a for a in row.actions.split(",") if a),
        "scenario": row.scenario,
        "purpose": row.purpose,
        "valid_from": utc_text(row.valid_from),
        "valid_until": utc_text(row.valid_until),
        "row_filter": row.row_filter,
        "masking": row.masking_profile,
        "approver": approver,
        "approved_at": utc_text(approved_at),
    }
    return canonical_json(doc)


__all__ = ["DOCUMENT_TYPE", "VERSION", "canonical_json", "grant_document", "utc_text"]
