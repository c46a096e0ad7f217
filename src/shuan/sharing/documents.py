"""The canonical document a person signs for every decision on a share request (non-repudiation).

The data authority's compliance check (pass/refuse), the provider's review (approve/refuse) and a
revocation are each signed by the person deciding, with their own SM2 key (shuan.identity.signing,
opened by their password), over these exact bytes. Whoever holds the stored request, the stored
decision and the signer's public key can re-encode the document and check the signature.

Encoding, version 1 (``shuan.share-decision``): the encoding of shuan.access.approval (a JSON object
with sorted keys, no whitespace, every non-ASCII character escaped, no NaN), pure ASCII. Fields:

======================  ===================================================================
``type``                ``"shuan.share-decision"``
``version``             ``1``
``request``             the share request id
``entry_code``          the catalogue entry's 资源代码 at the time of the decision
``resource``            the access resource path the entry describes
``requester``           the requesting department id
``subject``             the requesting department's path (root first): the subject of the grants
``stage``               ``authority`` | ``provider`` | ``revocation``
``outcome``             ``pass`` | ``refuse`` | ``approve`` | ``revoke``
``reasons``             the reasons as typed (``""`` when none)
``columns``             the requested 信息项 (column names), sorted
``scenario``            the usage scenario id
``purpose``             the stated purpose, verbatim
``period``              ``{"from": …, "until": …}`` the requested period, UTC
``legal_basis``         the legal basis the request states, verbatim
``masking``             the masking profile of an approval, else ``null``
``row_filter``          the row filter of an approval (``[{"column", "op", "value"}]``) or ``null``
``expiry``              the expiry of an approval, UTC, else ``null``
``decider``             the username of the person deciding
``decided_at``          the decision time, UTC (``YYYY-MM-DDTHH:MM:SS.ffffffZ``)
======================  ===================================================================

Pure: no database, no keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shuan.access.approval import canonical_json, utc_text

DOCUMENT_TYPE = "shuan.share-decision"
VERSION = 1


def decision_document(
    *,
    request_id: int,
    entry_code: str,
    resource: str,
    requester_department_id: int,
    requester_department_path: Sequence[int],
    stage: str,
    outcome: str,
    reasons: str | None,
    columns: Sequence[str],
    scenario: str,
    purpose: str,
    valid_from: datetime,
    valid_until: datetime,
    legal_basis: str,
    masking: str | None,
    row_filter: list[dict[str, Any]] | None,
    expiry: datetime | None,
    decider: str,
    decided_at: datetime,
    version: int = VERSION,
) -> bytes:
    """The bytes the decider signs."""
    if version != VERSION:
        raise ValueError(f"unknown share decision document version {version}")
    doc = {
        "type": DOCUMENT_TYPE,
        "version": version,
        "request": int(request_id),
        "entry_code": entry_code,
        "resource": resource,
        "requester": int(requester_department_id),
        "subject": [int(d) for d in requester_department_path],
        "stage": stage,
        "outcome": outcome,
        "reasons": reasons or "",
        "columns": sorted(columns),
        "scenario": scenario,
        "purpose": purpose,
        "period": {"from": utc_text(valid_from), "until": utc_text(valid_until)},
        "legal_basis": legal_basis,
        "masking": masking,
        "row_filter": row_filter,
        "expiry": None if expiry is None else utc_text(expiry),
        "decider": decider,
        "decided_at": utc_text(decided_at),
    }
    return canonical_json(doc)


__all__ = ["DOCUMENT_TYPE", "VERSION", "decision_document"]
