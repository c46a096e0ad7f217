"""The demo city's sharing: every scanned table catalogued (政务信息资源目录, drafted from the inventory
and published), one share request carried through the whole workflow (the data authority's signed
compliance check, the provider's signed approval, the grants it made, the authority's signed approval
of a 三级 grant) and one left waiting for the authority, so the console shows both; the requested table
published as a data service and called once by the requester under the grant it received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from shuan.access.paths import resource_path
from shuan.access.service import approve_grant
from shuan.gateway.service import call_service, publish_service
from shuan.identity.common import now_or
from shuan.identity.principal import Principal
from shuan.platform import Platform
from shuan.sharing.catalog import (
    EntryView,
    create_entry,
    draft_from_inventory,
    publish_entry,
    tables_to_catalogue,
)
from shuan.sharing.requests import authority_check, provider_review, submit

#: the request carried through: 医保局 asks 人社局 for the 政务服务 case records of insured persons
REQUEST_DAYS = 90
REQUEST_PURPOSE = "核对参保人员政务服务办件情况"
REQUEST_BASIS = "《中华人民共和国社会保险法》第五十七条、医疗保障经办服务相关规定"
#: the data service over the requested table (its parameter: the 事项名称 of the cases)
SERVICE_NAME = "banjian-lookup"
PENDING_PURPOSE = "定点医药机构主体资格核验"
PENDING_BASIS = "《医疗保障基金使用监督管理条例》第十四条"


@dataclass(frozen=True)
class SharingDemo:
    entries: int
    approved_request: int | None
    pending_request: int | None
    grants: tuple[int, ...]
    service: str | None = None
    rows_returned: int = 0


def catalogue_sources(platform: Platform, actor: Principal, sources: list[str]) -> list[EntryView]:
    """Draft every registered table of `sources` from the inventory, create and publish it."""
    published: list[EntryView] = []
    for name in sources:
        for path in tables_to_catalogue(platform, actor, resource_path(name)):
            entry = create_entry(platform, actor, draft_from_inventory(platform, actor, path))
            published.append(publish_entry(platform, actor, entry.id))
    return published


def seed_sharing(platform: Platform, *, authority: Principal, authority_password: str, provider: Principal,
                 provider_password: str, requester: Principal, sources: list[str], provider_source: str,
                 provider_table: str, pending_source: str) -> SharingDemo:
    """Catalogue `sources`; `requester` asks for the entry of `provider_table` in `provider_source`
    (carried through by `authority` and `provider`, who sign with their passwords; then published as a
    data service and called once) and for an entry of `pending_source` (left with the authority)."""
    entries = catalogue_sources(platform, authority, sources)
    by_path = {e.resource_path: e for e in entries}
    by_source = {e.resource_path.split("/", 1)[0]: e for e in reversed(entries)}
    until = now_or(None) + timedelta(days=REQUEST_DAYS)
    wanted = by_path.get(resource_path(provider_source, provider_table))
    approved_id: int | None = None
    grants: tuple[int, ...] = ()
    service: str | None = None
    rows = 0
    if wanted is not None:
        columns = [item["column"] for item in wanted.items[:3]]
        request = submit(platform, requester, entry_id=wanted.id, purpose=REQUEST_PURPOSE, scenario="sharing",
                         columns=columns, valid_until=until, legal_basis=REQUEST_BASIS)
        authority_check(platform, authority, request.id, outcome="pass", signing_password=authority_password)
        approved = provider_review(platform, provider, request.id, outcome="approve",
                                   signing_password=provider_password)
        for grant_id in approved.grants_awaiting_authority:
            approve_grant(platform, authority, grant_id, signing_password=authority_password)
        approved_id, grants = approved.id, approved.grant_ids
        service = publish_service(platform, provider, {
            "name": SERVICE_NAME, "title": f"{wanted.name}查询", "source": provider_source, "table": provider_table,
            "columns": columns, "scenario": "sharing", "default_limit": 10, "max_limit": 100, "rate_per_minute": 60,
            "params": [{"name": "prefix", "type": "string", "column": columns[0], "op": "prefix", "max_length": 20}],
        }).name
        rows = len(call_service(platform, requester, service, {}).rows)
    other = by_source.get(resource_path(pending_source))
    pending_id: int | None = None
    if other is not None:
        pending_id = submit(platform, requester, entry_id=other.id, purpose=PENDING_PURPOSE, scenario="sharing",
                            columns=None, valid_until=until, legal_basis=PENDING_BASIS).id
    return SharingDemo(entries=len(entries), approved_request=approved_id, pending_request=pending_id,
                       grants=grants, service=service, rows_returned=rows)
