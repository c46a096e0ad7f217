"""Table-driven decisions over one world: every allow names its grant, every deny its rule."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest

from shuan.access import Subject, approve_grant, create_grant, decide, engine_for, revoke_grant
from shuan.access.engine import Decision, DecisionEngine
from shuan.identity.principal import SYSTEM, Principal
from shuan.platform import Platform
from tests.access.conftest import (
    BL,
    GG,
    HJ,
    OFFICER20,
    SECADMIN,
    SFZ,
    SRC,
    STEWARD10,
    STEWARD20,
    T0,
    USER10,
    USER11,
    USER20,
    USER21,
    USER30,
    WJ,
    XM,
    Signers,
    cheap_argon2,
)

AT = T0 + timedelta(days=1)
# the same people after a transfer to 民政局 (30): decisions use the department they are in now
MOVED10 = Principal(USER10.user_id, USER10.username, 30, (1, 30), USER10.roles)
MOVED20 = Principal(USER20.user_id, USER20.username, 30, (1, 30), USER20.roles)
DAY = timedelta(days=1)


def user(p: Principal) -> Subject:
    assert p.user_id is not None
    return Subject.user(p.user_id, p.department_path)


@pytest.fixture(scope="module")
def grants(shared_world: Platform) -> dict[str, int]:
    p = shared_world
    until = T0 + 30 * DAY

    def g(actor: Principal, name: str, **kw: object) -> None:
        kw.setdefault("purpose", "户籍业务核验")
        kw.setdefault("valid_until", until)
        view = create_grant(p, actor, now=T0, **kw)  # type: ignore[arg-type]
        ids[name] = view.id

    ids: dict[str, int] = {}
    g(STEWARD10, "user10_hj", subject=user(USER10), resource=HJ, actions=["read", "export"])
    g(
        SECADMIN,  # a steward of 10 cannot grant to its own department
        "dept10_xm",
        subject=Subject.department((1, 10)),
        resource=XM,
        actions=["read"],
        scenario="analysis",
        masking_profile="姓名脱敏",
        row_filter=[{"column": "户籍地", "op": "=", "value": "济宁"}],
    )
    g(SECADMIN, "tree10_src", subject=Subject.department((1, 10), include_subdepartments=True), resource=SRC,
      actions=["export"], scenario="analysis")
    g(STEWARD10, "user20_xm", subject=user(USER20), resource=XM, actions=["read"], scenario="sharing")
    g(STEWARD10, "user21_xm", subject=user(USER21), resource=XM, actions=["read"], scenario="sharing")
    g(STEWARD10, "user30_sfz", subject=user(USER30), resource=SFZ, actions=["read"], await_authority=True)
    with pytest.MonkeyPatch.context() as mp:
        cheap_argon2(mp)
        authority = Signers(p)("shen.pi")
        approve_grant(p, authority.principal, ids["user30_sfz"], signing_password=authority.password, now=T0)
    g(STEWARD10, "user30_sfz_pending", subject=user(USER30), resource=SFZ, actions=["export"], await_authority=True)
    g(STEWARD20, "user21_bl_short", subject=user(USER21), resource=BL, actions=["read"], valid_until=T0 + 10 * DAY)
    g(STEWARD20, "user20_wj_future", subject=user(USER20), resource=WJ, actions=["read"],
      valid_from=T0 + 40 * DAY, valid_until=T0 + 60 * DAY)
    g(STEWARD20, "user21_bl_export", subject=user(USER21), resource=BL, actions=["export"])
    revoke_grant(p, OFFICER20, ids["user21_bl_export"], reason="岗位调整", now=T0 + DAY / 2)
    g(STEWARD10, "dept30_gg_open", subject=Subject.department((1, 30)), resource=GG, actions=["export"],
      scenario="opening")
    g(STEWARD10, "user30_gg_dev", subject=user(USER30), resource=GG, actions=["share"], scenario="dev_test")
    return ids


# (case id, principal, resource, action, purpose, when, allowed, rule, grant name, guardrail detail)
CASES: list[tuple[str, Principal, str, str, str | None, datetime, bool, str, str | None, str]] = [
    ("user grant", USER10, HJ, "read", None, AT, True, "grant", "user10_hj", ""),
    ("user grant, other allowed action", USER10, HJ, "export", None, AT, True, "grant", "user10_hj", ""),
    ("parent grant covers a 三级 column inside the owner", USER10, SFZ, "read", None, AT, True, "grant", "user10_hj", ""),
    ("most specific grant wins (department on the column)",
     USER10, XM, "read", "analysis", AT, True, "grant", "dept10_xm", ""),
    ("department grant", STEWARD10, XM, "read", "analysis", AT, True, "grant", "dept10_xm", ""),
    ("no scenario: business, the analysis grant does not apply", STEWARD10, XM, "read", None, AT, False,
     "deny_purpose", "dept10_xm", ""),
    ("no scenario: the business grant on the table applies, not the analysis one on the column",
     USER10, XM, "read", None, AT, True, "grant", "user10_hj", ""),
    ("department grant does not cover sub-departments", USER11, XM, "read", None, AT, False, "deny_action", "tree10_src",
     ""),
    ("subtree grant covers a sub-department", USER11, GG, "export", "analysis", AT, True, "grant", "tree10_src", ""),
    ("subtree grant reaches 三级 inside the owner",
     USER11, SFZ, "export", "analysis", AT, True, "grant", "tree10_src", ""),
    ("other action", USER10, HJ, "share", None, AT, False, "deny_action", "user10_hj", ""),
    ("manage is not implied", USER10, HJ, "manage", None, AT, False, "deny_action", "user10_hj", ""),
    ("matching scenario", USER10, HJ, "read", "business", AT, True, "grant", "user10_hj", ""),
    ("scenario mismatch", USER10, HJ, "read", "dev_test", AT, False, "deny_purpose", "user10_hj", ""),
    ("a dev_test grant does not allow business use", USER30, GG, "share", None, AT, False, "deny_purpose",
     "user30_gg_dev", ""),
    ("a dev_test grant allows dev_test use", USER30, GG, "share", "dev_test", AT, True, "grant", "user30_gg_dev", ""),
    ("deny by default", USER30, HJ, "read", None, AT, False, "deny_default", None, ""),
    ("二级 to an authorised department", USER20, XM, "read", "sharing", AT, True, "grant", "user20_xm", ""),
    ("二级 to a sub-department of an authorised one",
     USER21, XM, "read", "sharing", AT, True, "grant", "user21_xm", ""),
    ("a sharing grant without the scenario named", USER20, XM, "read", None, AT, False, "deny_purpose", "user20_xm",
     ""),
    ("a column grant does not cover its table", USER20, HJ, "read", None, AT, False, "deny_default", None, ""),
    ("user moved out of the owner: 三级 now needs approval",
     MOVED10, SFZ, "read", None, AT, False, "deny_level_guardrail", "user10_hj", "level3_authority"),
    ("user moved out of the owner: 二级 only for authorised departments",
     MOVED10, XM, "read", None, AT, False, "deny_level_guardrail", "user10_hj", "level2_unauthorised"),
    ("user moved to an unauthorised department",
     MOVED20, XM, "read", "sharing", AT, False, "deny_level_guardrail", "user20_xm", "level2_unauthorised"),
    ("moved user gets the new department's grants",
     MOVED10, GG, "export", "opening", AT, True, "grant", "dept30_gg_open", ""),
    ("三级 across departments with authority approval", USER30, SFZ, "read", None, AT, True, "grant", "user30_sfz", ""),
    ("approval does not widen the resource", USER30, HJ, "read", None, AT, False, "deny_default", None, ""),
    ("awaiting authority approval",
     USER30, SFZ, "export", None, AT, False, "deny_pending_authority", "user30_sfz_pending", ""),
    ("valid grant", USER21, BL, "read", None, T0 + 5 * DAY, True, "grant", "user21_bl_short", ""),
    ("expired", USER21, BL, "read", None, T0 + 20 * DAY, False, "deny_expired", "user21_bl_short", ""),
    ("ends exactly at valid_until", USER21, BL, "read", None, T0 + 10 * DAY, False, "deny_expired", "user21_bl_short", ""),
    ("not yet valid", USER20, WJ, "read", None, AT, False, "deny_not_yet_valid", "user20_wj_future", ""),
    ("future grant once valid", USER20, BL, "read", None, T0 + 45 * DAY, True, "grant", "user20_wj_future", ""),
    ("revoked", USER21, BL, "export", None, AT, False, "deny_revoked", "user21_bl_export", ""),
    ("revoked before revocation time is still revoked",
     USER21, BL, "export", None, T0, False, "deny_revoked", "user21_bl_export", ""),
    ("public 一级 read", USER30, GG, "read", None, AT, True, "public", None, ""),
    ("public means read only", USER20, GG, "export", None, AT, False, "deny_default", None, ""),
    ("opening scenario on 一级", USER30, GG, "export", "opening", AT, True, "grant", "dept30_gg_open", ""),
    ("public flag on a 一级 table does not open its 二级 sibling", USER30, XM, "read", None, AT, False, "deny_default",
     None, ""),
    ("unregistered table inherits its registered source",
     USER11, "src:公安/tbl:无此表", "export", "analysis", AT, True, "grant", "tree10_src", ""),
    ("unregistered source", USER10, "src:不存在", "read", None, AT, False, "deny_unregistered", None, ""),
    ("malformed path", USER10, "src:公安/tbl:", "read", None, AT, False, "deny_invalid_resource", None, ""),
    ("injection path", USER10, "src:公安'; DROP TABLE access_grants;--", "read", None, AT, False, "deny_unregistered",
     None, ""),
    ("unknown action", USER10, HJ, "delete", None, AT, False, "deny_invalid_request", None, ""),
    ("unknown scenario", USER10, HJ, "read", "anything", AT, False, "deny_invalid_request", None, ""),
    ("no user", SYSTEM, HJ, "read", None, AT, False, "deny_no_subject", None, ""),
]


@pytest.mark.parametrize(
    ("principal", "resource", "action", "purpose", "when", "allowed", "rule", "grant", "detail"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_decision(
    shared_world: Platform,
    grants: dict[str, int],
    principal: Principal,
    resource: str,
    action: str,
    purpose: str | None,
    when: datetime,
    allowed: bool,
    rule: str,
    grant: str | None,
    detail: str,
) -> None:
    d = decide(shared_world, principal, resource, action, purpose=purpose, now=when)
    assert (d.allowed, d.rule, d.detail) == (allowed, rule, detail), d.explanation
    assert d.grant_id == (grants[grant] if grant else None)
    line = d.explanation
    assert line and "\n" not in line
    assert line.startswith("允许" if allowed else "拒绝")
    if grant:
        assert f"#{grants[grant]}" in line


def test_allowed_decision_carries_row_filter_and_masking(shared_world: Platform, grants: dict[str, int]) -> None:
    d = decide(shared_world, STEWARD10, XM, "read", purpose="analysis", now=AT)
    assert d.allowed and d.masking_profile == "姓名脱敏"
    assert d.row_filter is not None
    assert [c.as_dict() for c in d.row_filter] == [{"column": "户籍地", "op": "=", "value": "济宁"}]
    assert d.as_dict()["row_filter"] == [{"column": "户籍地", "op": "=", "value": "济宁"}]
    plain = decide(shared_world, USER10, HJ, "read", now=AT)
    assert plain.row_filter is None and plain.masking_profile is None
    assert plain.level == 3 and plain.owner_department_id == 10  # the table holds a 三级 column


def test_effective_levels(shared_world: Platform, grants: dict[str, int]) -> None:
    engine = engine_for(shared_world)
    levels = {path: engine.resource_info(path) for path in (SRC, HJ, SFZ, XM, GG, BL)}
    # a path reaches the highest grade above and below it: reading the source reads the 三级 column
    assert {k: v.level for k, v in levels.items() if v} == {SRC: 3, HJ: 3, SFZ: 3, XM: 2, GG: 1, BL: 3}
    assert levels[GG] is not None and levels[GG].public
    assert levels[XM] is not None and levels[XM].authorised == frozenset({20})


def test_english_explanations(shared_world: Platform, grants: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUAN_LANG", "en")
    d = decide(shared_world, MOVED10, SFZ, "read", now=AT)
    assert d.explanation.startswith("denied:") and "level-3" in d.explanation
    assert "approval" in d.explanation


def test_decisions_never_query_the_store(shared_world: Platform, grants: dict[str, int]) -> None:
    """After a load, decisions run from memory: no SQL statement is issued per call."""
    from sqlalchemy import event

    engine = engine_for(shared_world)
    engine.refresh()
    engine.check_interval = 3600.0
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(shared_world.store.engine, "before_cursor_execute", count)
    try:
        for _ in range(50):
            assert decide(shared_world, USER10, HJ, "read", now=AT).allowed
            assert not decide(shared_world, USER30, HJ, "read", now=AT).allowed
    finally:
        event.remove(shared_world.store.engine, "before_cursor_execute", count)
        engine.check_interval = 0.5
    assert statements == []


def test_decision_type(shared_world: Platform, grants: dict[str, int]) -> None:
    d = decide(shared_world, USER10, HJ, "read", now=AT)
    assert isinstance(d, Decision)
    with pytest.raises(TypeError):  # `if decision:` would always pass; it must be `.allowed`
        bool(d)


def test_a_decision_during_the_first_load_waits_for_it(world: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new engine's first load takes time; a decision asked meanwhile (another thread) must wait for it,
    not answer from the still-empty register."""
    engine = DecisionEngine(world.store)
    original = DecisionEngine._load_resources
    loading = threading.Event()

    def slow_load(self: DecisionEngine, *args: object, **kwargs: object) -> None:
        loading.set()
        time.sleep(0.3)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DecisionEngine, "_load_resources", slow_load)
    first = threading.Thread(target=engine.refresh)
    first.start()
    assert loading.wait(5)
    answer = engine.decide(USER30, GG, "read", now=AT)  # public: allowed once the register is loaded
    first.join()
    assert answer.allowed, answer
