"""Publishing and calling data services against a registered SQLite source: permissions, parameters,
column grants, row filters, masking, expiry, scenarios, rate limits, the audit trail, group commit."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from shuan.access.service import revoke_grant
from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.gateway.service import (
    RateLimited,
    call_service,
    gateway_for,
    get_service,
    list_services,
    publish_service,
    recent_calls,
    retire_service,
    update_service,
)
from shuan.store.db import alembic_config, open_store
from tests.gateway.conftest import BASE_SPEC, SOURCE, TABLE, Gov
from tests.schema_helpers import schema_diffs

SERVICE = BASE_SPEC["name"]
COL = f"src:{SOURCE}/tbl:{TABLE}/col:"


def call(gov: Gov, params: dict[str, list[object]] | None = None, who=None, **kw):  # type: ignore[no-untyped-def]
    return call_service(gov.p, (who or gov.consumer).principal, SERVICE, params or {}, now=gov.now, **kw)


# -- schema -------------------------------------------------------------------------------------------


def test_migration_matches_the_model_and_goes_down_and_up(tmp_path: Path) -> None:
    from alembic import command

    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert schema_diffs(store.engine, {"data_services"}) == []
        cfg = alembic_config(store.engine)
        command.downgrade(cfg, "0014")
        assert "data_services" not in inspect(store.engine).get_table_names()
        command.upgrade(cfg, "head")
        assert "data_services" in inspect(store.engine).get_table_names()
    finally:
        store.close()


# -- publish, update, retire ----------------------------------------------------------------------------


def test_publish_by_the_owning_steward_is_audited(gov: Gov) -> None:
    view = gov.publish()
    assert view.department_id == gov.ga and view.status == "active" and view.version == 1
    assert view.column_types["sfzh"] == ["cn_resident_id"]
    assert [p["name"] for p in view.params][:2] == ["qx", "min_age"]
    event = gov.events("service.publish")[-1]
    assert event["outcome"] == "success" and event["actor"] == "ga.steward"
    assert event["details"]["columns"] == BASE_SPEC["columns"]
    assert get_service(gov.p, gov.consumer.principal, SERVICE).name == SERVICE
    assert [s.name for s in list_services(gov.p, gov.consumer.principal)] == [SERVICE]


@pytest.mark.parametrize("who", ["consumer", "steward_wj", "auditor"])
def test_publish_is_refused_to_others_and_audited(gov: Gov, who: str) -> None:
    actor = getattr(gov, who)
    with pytest.raises(PermissionDenied):
        publish_service(gov.p, actor.principal, dict(BASE_SPEC), now=gov.now)
    event = gov.events("service.publish")[-1]
    assert event["outcome"] == "denied" and event["actor"] == actor.username
    assert list_services(gov.p, gov.consumer.principal) == []


def test_the_security_administrator_may_publish(gov: Gov) -> None:
    view = publish_service(gov.p, gov.secadmin.principal, {**BASE_SPEC, "name": "sec-pub"}, now=gov.now)
    assert view.department_id == gov.ga


BAD_PUBLICATIONS = [
    ({"name": "Bad Name"}, "name"),
    ({"name": "report"}, "name"),
    ({"title": ""}, "title"),
    ({"columns": ["id", "nope"]}, "columns"),
    ({"columns": []}, "columns"),
    ({"columns": "id"}, "columns"),
    ({"table": "missing"}, "table"),
    ({"params": [{"name": "x", "type": "string", "column": "nope"}]}, "params.x.column"),
    ({"params": [{"name": "x", "type": "string", "column": "xm", "pattern": "(("}]}, "params.x.pattern"),
    ({"default_limit": 100, "max_limit": 10}, "default_limit"),
    ({"max_limit": 0}, "max_limit"),
    ({"rate_per_minute": 10**9}, "rate_per_minute"),
    ({"scenario": "everything"}, "scenario"),
    ({"column_types": {"xm": ["not_a_type"]}}, "column_types"),
    ({"sql": "SELECT 1"}, "sql"),
]


@pytest.mark.parametrize(("change", "field"), BAD_PUBLICATIONS)
def test_bad_specifications_name_the_field(gov: Gov, change: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        gov.publish(**change)
    assert err.value.field == field, err.value.user_message
    assert gov.events("service.publish")[-1]["outcome"] == "failure"


def test_unknown_source_duplicate_name_and_file_sources(gov: Gov, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        gov.publish(source="没有这个源")
    gov.publish()
    with pytest.raises(Conflict):
        gov.publish()
    from shuan.inventory.sources import register_source

    csv = tmp_path / "x.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    register_source(gov.p, actor=gov.steward.principal, name="文件源", location=str(csv), department_id=gov.ga,
                    responsible_username="ga.steward", now=gov.now)
    with pytest.raises(InvalidInput, match="数据库"):
        gov.publish(name="csv-svc", source="文件源", table="x", columns=["a"], params=[], column_types=None)


def test_update_and_retire(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    view = update_service(gov.p, gov.steward.principal, SERVICE, {"columns": ["id", "qx"], "max_limit": 5},
                          now=gov.now)
    assert view.version == 2 and view.columns == ("id", "qx") and view.max_limit == 5 and view.default_limit == 5
    assert call(gov).columns == ["id", "qx"]  # the cache saw the change at once
    with pytest.raises(PermissionDenied):
        update_service(gov.p, gov.steward_wj.principal, SERVICE, {"title": "x"}, now=gov.now)
    with pytest.raises(InvalidInput):
        update_service(gov.p, gov.steward.principal, SERVICE, {"table": "other"}, now=gov.now)
    retire_service(gov.p, gov.steward.principal, SERVICE, reason="停止提供", now=gov.now)
    with pytest.raises(NotFound):
        call(gov)
    with pytest.raises(NotFound):
        get_service(gov.p, gov.consumer.principal, SERVICE)
    assert get_service(gov.p, gov.steward.principal, SERVICE).status == "retired"
    assert list_services(gov.p, gov.consumer.principal) == []
    with pytest.raises(Conflict):
        retire_service(gov.p, gov.steward.principal, SERVICE, now=gov.now)
    assert [e["outcome"] for e in gov.events("service.retire")] == ["success", "failure"]


# -- calls ----------------------------------------------------------------------------------------------


def test_no_grant_is_refused_and_audited(gov: Gov) -> None:
    gov.publish()
    with pytest.raises(PermissionDenied) as err:
        call(gov, {"qx": ["历下区"]})
    assert "rk-lookup" in err.value.user_message
    event = gov.events()[-1]
    assert event["outcome"] == "denied" and event["actor"] == "wj.user"
    assert event["details"]["rule"] == "deny_default" and event["details"]["rows"] == 0
    assert "历下区" not in str(event) and event["details"]["sensitive"]["params"].startswith("hmac-sm3:")


def test_a_grant_with_row_filter_and_masking(gov: Gov) -> None:
    gov.publish()
    gid = gov.grant(masking="department_sharing", row_filter=[{"column": "qx", "op": "=", "value": "历下区"}])
    result = call(gov, {"min_age": ["30"], "max_age": ["40"]}, limit=50)
    assert result.row_count > 0 and result.columns == BASE_SPEC["columns"]
    rows = [dict(zip(result.columns, r, strict=True)) for r in result.rows]
    assert {r["qx"] for r in rows} == {"历下区"}  # the grant's row filter
    assert all(30 <= r["nl"] <= 40 for r in rows)  # the parameters
    assert all(r["xm"].endswith("*") and "*" in r["sjhm"] for r in rows)  # masked by the profile
    assert all(not r["sfzh"].startswith("370102") for r in rows)
    assert result.masked["xm"] == "keep_first_last"
    event = gov.events()[-1]
    assert event["outcome"] == "success" and event["details"]["rows"] == result.row_count
    assert event["details"]["grants"] == [gid] and event["details"]["row_filter"] is True
    assert event["details"]["latency_ms"] >= 0 and event["details"]["sensitive"]["params"].startswith("hmac-sm3:")


def test_without_masking_the_values_are_as_stored(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    result = call(gov, {"sfzh": ["370102198001010000X"[:17] + "X"]})
    assert result.masked == {} and result.rows in ([], [[1, "张000", "37010219800101000X", "13800000000", "历下区", 20]])
    result = call(gov, {"ids": ["1,2"]})
    assert [r[0] for r in result.rows] == [1, 2] and result.rows[0][1] == "张000"


def test_column_subset_only_granted_columns_return(gov: Gov) -> None:
    gov.publish()
    from shuan.access.service import register_resource
    from shuan.identity.principal import SYSTEM

    for col in ("id", "qx", "nl"):
        register_resource(gov.p, SYSTEM, COL + col, now=gov.now)
        gov.grant(resource=COL + col)
    result = call(gov, {"min_age": ["60"]})
    assert result.columns == ["id", "qx", "nl"] and result.omitted == ["xm", "sfzh", "sjhm"]
    assert all(len(r) == 3 for r in result.rows) and result.row_count == 10
    # a parameter on a column the consumer may not read would reveal it: refused
    with pytest.raises(PermissionDenied) as err:
        call(gov, {"sfzh": ["37010219800101000X"]})
    assert err.value.key == "gateway.param_denied"


def test_expired_and_revoked_grants_and_other_scenarios(gov: Gov) -> None:
    gov.publish()
    gid = gov.grant(days=1)
    assert call(gov).row_count == 10
    gov.world.tick(days=2)
    with pytest.raises(PermissionDenied):
        call(gov)
    assert gov.events()[-1]["details"]["rule"] == "deny_expired"
    gov.world.tick(days=-2)
    revoke_grant(gov.p, gov.steward.principal, gid, reason="到期", now=gov.now)
    with pytest.raises(PermissionDenied):
        call(gov)
    assert gov.events()[-1]["details"]["rule"] == "deny_revoked"
    gov.grant(scenario="analysis")
    with pytest.raises(PermissionDenied):
        call(gov)  # the service is for business use
    assert gov.events()[-1]["details"]["rule"] == "deny_purpose"
    result = call(gov, scenario="analysis")  # the consumer declares the scenario its grant is for
    assert result.scenario == "analysis" and gov.events()[-1]["purpose"] == "analysis"
    with pytest.raises(InvalidInput) as err:
        call(gov, scenario="everything")
    assert err.value.field == "scenario"


def test_limits(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    assert call(gov).row_count == 10 and call(gov, limit=50).row_count == 50 and call(gov, limit="3").row_count == 3
    for bad in (0, 51, "x", "1; DROP TABLE rk"):
        with pytest.raises(InvalidInput) as err:
            call(gov, limit=bad)
        assert err.value.field == "limit"


def test_rate_limit_per_consumer_and_service(gov: Gov) -> None:
    gov.publish(rate_per_minute=3)
    gov.grant()
    gov.grant(who=gov.other)
    for _ in range(3):
        call(gov)
    with pytest.raises(RateLimited) as err:
        call(gov)
    assert err.value.params["seconds"] == 20
    assert gov.events()[-1]["outcome"] == "denied" and gov.events()[-1]["details"]["rule"] == "rate_limited"
    assert call(gov, who=gov.other).row_count == 10  # another consumer has its own bucket


INJECTIONS = ["' OR '1'='1", "1; DROP TABLE rk; --", "1 UNION SELECT name FROM sqlite_master--",
              "历下区' OR 1=1 --", "%", "_", "\\", "张%' OR '1'='1"]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_strings_are_refused_or_inert(gov: Gov, evil: str) -> None:
    gov.publish()
    gov.grant()
    for name in ("qx", "min_age", "sfzh", "born_after", "ids"):
        with pytest.raises(InvalidInput) as err:
            call(gov, {name: [evil]})
        assert err.value.field == name
    assert call(gov, {"xm": [evil[:10]]}).row_count == 0  # a prefix is data, wildcards included
    with pytest.raises(InvalidInput):
        call(gov, {evil: ["1"]})
    con = sqlite3.connect(gov.db)
    assert con.execute("SELECT count(*) FROM rk").fetchone() == (100,)
    con.close()


def test_out_of_range_and_unknown_parameters(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    cases = [({"min_age": ["151"]}, "min_age"), ({"min_age": ["-1"]}, "min_age"), ({"qx": ["朝阳区"]}, "qx"),
             ({"ids": ["1,2,3,4,5,6"]}, "ids"), ({"born_after": ["1899-12-31"]}, "born_after"),
             ({"sfzh": ["1" * 19]}, "sfzh"), ({"nl": ["1"]}, "nl"), ({"min_age": ["1", "2"]}, "min_age")]
    for params, field in cases:
        with pytest.raises(InvalidInput) as err:
            call(gov, params)
        assert err.value.field == field
        event = gov.events()[-1]
        assert event["outcome"] == "failure" and event["details"]["field"] == field


def test_owner_sees_recent_calls_consumer_does_not(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    call(gov)
    with pytest.raises(InvalidInput):
        call(gov, {"min_age": ["x"]})
    calls = recent_calls(gov.p, gov.steward.principal, SERVICE)
    assert [(c.consumer, c.outcome) for c in calls] == [("wj.user", "failure"), ("wj.user", "success")]
    assert calls[1].rows == 10
    with pytest.raises(PermissionDenied):
        recent_calls(gov.p, gov.consumer.principal, SERVICE)
    with pytest.raises(PermissionDenied):
        recent_calls(gov.p, gov.steward_wj.principal, SERVICE)
    assert len(recent_calls(gov.p, gov.auditor.principal, SERVICE)) == 2


def test_concurrent_calls_are_group_committed_and_each_is_recorded(gov: Gov) -> None:
    gov.publish()
    gov.grant()
    assert call(gov).row_count == 10  # warm: the decision engine's first load is not raced here
    gw = gateway_for(gov.p)
    before_batches, before_events = gw.batcher.batches, gw.batcher.events
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                assert call(gov).row_count == 10
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert gw.batcher.events - before_events == 80
    assert gw.batcher.batches - before_batches <= 80
    assert len([e for e in gov.events() if e["outcome"] == "success"]) == 81
    from shuan.audit.service import verify

    assert verify(gov.p, gov.auditor.principal).ok


def test_no_audit_no_data(gov: Gov, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuan.errors import AuditError

    gov.publish()
    gov.grant()

    def broken(*_a: object, **_k: object) -> None:
        raise AuditError("audit.write_failed", reason="test")

    monkeypatch.setattr(gov.p.audit, "record_many", broken)
    with pytest.raises(AuditError):
        call(gov)


def test_source_location_change_reopens(gov: Gov, tmp_path: Path) -> None:
    from tests.gateway.conftest import people_db

    gov.publish()
    gov.grant()
    assert call(gov, {"ids": ["1"]}).rows[0][1] == "张000"
    other = people_db(tmp_path / "other.db", rows=5)
    con = sqlite3.connect(other)
    con.execute("UPDATE rk SET xm = '王新' WHERE id = 1")
    con.commit()
    con.close()
    from shuan.inventory.sources import update_source

    update_source(gov.p, actor=gov.steward.principal, source_id=1, location=str(other), now=gov.now + timedelta(1))
    gateway_for(gov.p).invalidate()
    assert call(gov, {"ids": ["1"]}).rows[0][1] == "王新"


def test_a_failure_of_ours_is_recorded_too(gov: Gov, monkeypatch: pytest.MonkeyPatch) -> None:
    import shuan.gateway.service as service

    gov.publish()
    gov.grant()

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "_answer", broken)
    with pytest.raises(RuntimeError):
        call(gov)
    event = gov.events()[-1]
    assert event["outcome"] == "failure" and event["details"]["reason"] == "internal"
    assert event["details"]["error"] == "RuntimeError"


def test_malformed_calls_take_rate_tokens(gov: Gov) -> None:
    gov.publish(rate_per_minute=2)
    gov.grant()
    for _ in range(2):
        with pytest.raises(InvalidInput):
            call(gov, {"min_age": ["x"]})
    with pytest.raises(RateLimited):
        call(gov)
