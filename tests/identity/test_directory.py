"""Departments, users, roles: the tree rules, 三员分立, self-escalation, vendors, validation, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shuan.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.identity.directory import (
    assign_role,
    create_department,
    create_user,
    disable_user,
    enable_user,
    get_department,
    get_user,
    list_departments,
    list_users,
    move_department,
    remove_role,
    rename_department,
    set_vendor_agreement,
    update_user,
)
from shuan.identity.dual_control import PendingRequest
from shuan.identity.models import Department, User
from shuan.identity.roles import Role
from shuan.identity.sessions import authenticate, login
from shuan.identity.stages import SessionStage
from tests.identity.conftest import World

# -- departments --------------------------------------------------------------------------------------


def test_department_tree_paths_and_listing(world: World) -> None:
    admin = world.bootstrap_admin()
    health = world.department("卫健委")
    hospital = world.department("市立医院", health)
    info = get_department(world.platform, department_id=hospital)
    assert info.path == (world.root_id, health, hospital) and not info.is_authority
    tree = list_departments(world.platform)
    assert [d.id for d in tree] == [world.root_id, health, hospital]
    assert tree[0].is_authority and tree[0].parent_id is None
    moved = move_department(world.platform, actor=admin.principal, department_id=hospital, parent_id=world.root_id,
                            now=world.now)
    assert moved.path == (world.root_id, hospital)
    renamed = rename_department(world.platform, actor=admin.principal, department_id=health, name="卫生健康委员会",
                                now=world.now)
    assert renamed.name == "卫生健康委员会"


@pytest.mark.parametrize(
    ("case", "error", "key"),
    [
        ("duplicate_sibling", Conflict, "identity.department_exists"),
        ("move_root", Conflict, "identity.root_immovable"),
        ("move_under_self", Conflict, "identity.department_cycle"),
        ("move_under_child", Conflict, "identity.department_cycle"),
        ("unknown_parent", NotFound, "identity.department_not_found"),
        ("rename_to_sibling", Conflict, "identity.department_exists"),
    ],
)
def test_department_rules(world: World, case: str, error: type[Exception], key: str) -> None:
    admin = world.bootstrap_admin()
    a = world.department("甲")
    b = world.department("乙", a)
    world.department("丙")
    p, actor, now = world.platform, admin.principal, world.now
    before = world.event_count()
    with pytest.raises(error) as info:
        if case == "duplicate_sibling":
            create_department(p, actor=actor, name="甲", parent_id=world.root_id, now=now)
        elif case == "move_root":
            move_department(p, actor=actor, department_id=world.root_id, parent_id=a, now=now)
        elif case == "move_under_self":
            move_department(p, actor=actor, department_id=a, parent_id=a, now=now)
        elif case == "move_under_child":
            move_department(p, actor=actor, department_id=a, parent_id=b, now=now)
        elif case == "unknown_parent":
            create_department(p, actor=actor, name="丁", parent_id=9999, now=now)
        else:
            rename_department(p, actor=actor, department_id=a, name="丙", now=now)
    assert getattr(info.value, "key") == key  # noqa: B009
    assert world.event_count() == before + 1
    assert world.details(world.last_event())["reason"] == key
    assert get_department(p, department_id=b).path == (world.root_id, a, b)


def test_root_is_unique_in_the_database(world: World) -> None:
    world.bootstrap_admin()
    with pytest.raises(IntegrityError), world.platform.store.transaction() as s:
        s.add(Department(name="另一个根", parent_id=None, is_root=True, created_at=world.now))
        s.flush()


# -- 三员分立 and escalation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("initial", "added"),
    [
        ((Role.SECADMIN,), Role.AUDITOR),
        ((Role.AUDITOR,), Role.SYSADMIN),
        ((Role.SYSADMIN,), Role.SECADMIN),
        ((Role.SYSADMIN, Role.STEWARD), Role.AUDITOR),
    ],
)
def test_exclusive_roles_refused_on_assignment(world: World, initial: tuple[Role, ...], added: Role) -> None:
    admin = world.bootstrap_admin()
    world.user("officer", initial)  # requested and approved by a second person
    with pytest.raises(Conflict) as info:  # refused at once, not even requested
        assign_role(world.platform, actor=admin.principal, username="officer", role=added, now=world.now)
    assert info.value.key == "identity.exclusive_roles" and "三员分立" in str(info.value)
    denied = world.last_event()
    assert (denied.action, denied.outcome, denied.resource) == ("user.role_assign", "denied", "user:officer")
    assert set(get_user(world.platform, actor=admin.principal, username="officer", now=world.now).roles) == set(initial)


def test_exclusive_roles_refused_at_creation(world: World) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(Conflict, match="三员分立"):
        create_user(world.platform, actor=admin.principal, username="both", display_name="两者",
                    roles=[Role.SYSADMIN, Role.AUDITOR], department_id=world.root_id, now=world.now)
    assert world.last_event().action == "user.create" and world.last_event().outcome == "denied"
    with world.platform.store.sessions() as s:
        assert s.scalar(select(User).where(User.username == "both")) is None


def test_non_exclusive_role_of_a_sanyuan_account_needs_a_second_person(world: World) -> None:
    admin = world.bootstrap_admin()
    world.user("sec", (Role.SECADMIN,))
    pending = assign_role(world.platform, actor=admin.principal, username="sec", role="steward", now=world.now)
    assert isinstance(pending, PendingRequest)
    assert get_user(world.platform, actor=admin.principal, username="sec", now=world.now).roles == (Role.SECADMIN,)
    info = world.approve(pending).user
    assert info is not None and set(info.roles) == {Role.SECADMIN, Role.STEWARD}
    pending = remove_role(world.platform, actor=admin.principal, username="sec", role=Role.STEWARD, now=world.now)
    assert isinstance(pending, PendingRequest)
    info = world.approve(pending).user
    assert info is not None and info.roles == (Role.SECADMIN,)


def test_data_user_cannot_give_itself_a_role(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("analyst")
    before = world.event_count()
    with pytest.raises(PermissionDenied) as info:
        assign_role(world.platform, actor=user.principal, username="analyst", role=Role.SYSADMIN, now=world.now)
    assert "identity.manage" in str(info.value) and "\n" not in str(info.value)
    assert world.event_count() == before + 1
    row = world.last_event()
    assert (row.action, row.outcome, row.actor, row.resource) == ("user.role_assign", "denied", "analyst",
                                                                   "user:analyst")
    assert world.details(row)["reason"] == "identity.forbidden"
    assert get_user(world.platform, actor=user.principal, username="analyst", now=world.now).roles == (Role.DATA_USER,)


@pytest.mark.parametrize(
    "attempt",
    ["create_user", "create_department", "disable_user", "list_users", "read_other"],
)
def test_data_user_cannot_manage_identity(world: World, attempt: str) -> None:
    world.bootstrap_admin()
    user = world.user("analyst")
    world.user("other")
    p, actor, now = world.platform, user.principal, world.now
    with pytest.raises(PermissionDenied):
        if attempt == "create_user":
            create_user(p, actor=actor, username="mallory", display_name="M", department_id=world.root_id, now=now)
        elif attempt == "create_department":
            create_department(p, actor=actor, name="影子部门", parent_id=world.root_id, now=now)
        elif attempt == "disable_user":
            disable_user(p, actor=actor, username="other", now=now)
        elif attempt == "list_users":
            list_users(p, actor=actor, now=now)
        else:
            get_user(p, actor=actor, username="other", now=now)
    row = world.last_event()
    assert row.outcome == "denied" and row.actor == "analyst"


def test_admin_cannot_change_own_roles_or_disable_itself(world: World) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(PermissionDenied, match="自己的角色"):
        assign_role(world.platform, actor=admin.principal, username="root.admin", role=Role.AUDITOR, now=world.now)
    with pytest.raises(PermissionDenied):
        remove_role(world.platform, actor=admin.principal, username="root.admin", role=Role.SYSADMIN, now=world.now)
    with pytest.raises(PermissionDenied):
        disable_user(world.platform, actor=admin.principal, username="root.admin", now=world.now)
    assert [e.outcome for e in world.events()[-3:]] == ["denied"] * 3


# -- users ----------------------------------------------------------------------------------------------


def test_usernames_are_case_insensitive(world: World) -> None:
    admin = world.bootstrap_admin()
    created = create_user(world.platform, actor=admin.principal, username="Zhang.San", display_name="张三",
                          department_id=world.root_id, now=world.now)
    assert created.user.username == "zhang.san"
    with pytest.raises(Conflict):
        create_user(world.platform, actor=admin.principal, username="ZHANG.SAN", display_name="张三",
                    department_id=world.root_id, now=world.now)
    assert login(world.platform, username="ZHANG.san", password=created.one_time_secret, now=world.now).stage \
        is SessionStage.PASSWORD


def test_created_user_has_one_time_secret_only_hashed(world: World) -> None:
    admin = world.bootstrap_admin()
    created = create_user(world.platform, actor=admin.principal, username="li.si", display_name="李四",
                          department_id=world.root_id, now=world.now)
    assert created.one_time_secret not in repr(created)
    with world.platform.store.sessions() as s:
        row = s.scalar(select(User).where(User.username == "li.si"))
        assert row is not None and row.password_hash.startswith("$argon2id$")
        assert row.must_change_password and row.one_time_expires_at == world.now + timedelta(hours=24)
    assert all(created.one_time_secret not in (e.details + e.resource) for e in world.events())


def test_disable_and_enable(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("wang.wu")
    disable_user(world.platform, actor=admin.principal, username="wang.wu", now=world.now)
    with pytest.raises(AuthError, match="已停用"):
        login(world.platform, username="wang.wu", password=user.password, now=world.now)
    with pytest.raises(AuthError):  # its session ended with the account
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    with pytest.raises(Conflict):
        disable_user(world.platform, actor=admin.principal, username="wang.wu", now=world.now)
    enable_user(world.platform, actor=admin.principal, username="wang.wu", now=world.now)
    assert login(world.platform, username="wang.wu", password=user.password, now=world.now).stage \
        is SessionStage.ACTIVE


def test_update_user(world: World) -> None:
    admin = world.bootstrap_admin()
    dept = world.department("公安局")
    user = world.user("zhao.liu")
    info = update_user(world.platform, actor=admin.principal, username="zhao.liu", display_name="赵六",
                       department_id=dept, now=world.now)
    assert (info.display_name, info.department_id) == ("赵六", dept)
    # the principal is read fresh: the live session already sees the new department
    principal = authenticate(world.platform, session_id=user.session_id, now=world.now)
    assert principal.department_path == (world.root_id, dept)
    with pytest.raises(Conflict):
        update_user(world.platform, actor=admin.principal, username="zhao.liu", display_name="赵六", now=world.now)


def test_principal_has_department_path(world: World) -> None:
    world.bootstrap_admin()
    dept = world.department("教育局")
    school = world.department("一中", dept)
    teacher = world.user("teacher", department_id=school)
    assert teacher.principal.department_path == (world.root_id, dept, school)
    assert teacher.principal.department_id == school
    assert teacher.principal.session_id is not None and teacher.principal.session_id.startswith("sess-")


# -- vendors ----------------------------------------------------------------------------------------------


def test_vendor_needs_agreement_end_and_stops_after_it(world: World) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(InvalidInput, match="外包协议截止"):
        create_user(world.platform, actor=admin.principal, username="vendor1", display_name="外包",
                    roles=[Role.VENDOR], department_id=world.root_id, now=world.now)
    with pytest.raises(InvalidInput):
        create_user(world.platform, actor=admin.principal, username="vendor1", display_name="外包",
                    roles=[Role.VENDOR], vendor_until=world.now - timedelta(days=1), department_id=world.root_id,
                    now=world.now)
    end = world.now + timedelta(days=30)
    vendor = world.user("vendor1", (Role.VENDOR,), vendor_until=end)
    world.now = end - timedelta(minutes=5)
    vendor = world.relogin(vendor)
    world.tick(minutes=6)  # the session is within its timeouts, the agreement is not
    with pytest.raises(AuthError, match="外包协议已到期"):
        authenticate(world.platform, session_id=vendor.session_id, now=world.now)
    assert world.last_event().action == "auth.session_denied"
    with pytest.raises(AuthError, match="外包协议已到期"):
        login(world.platform, username="vendor1", password=vendor.password, now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome) == ("auth.login_failed", "denied")
    assert world.details(row)["reason"] == "identity.vendor_expired"
    # extending the agreement lets the account log in again
    set_vendor_agreement(world.platform, actor=admin.principal, username="vendor1",
                         vendor_until=world.now + timedelta(days=90), vendor_name="某科技公司", now=world.now)
    world.relogin(vendor)


def test_vendor_details_only_for_vendor_role(world: World) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(InvalidInput):
        create_user(world.platform, actor=admin.principal, username="staff", display_name="职员",
                    vendor_until=world.now + timedelta(days=3), department_id=world.root_id, now=world.now)
    world.user("staff")
    with pytest.raises(InvalidInput):
        assign_role(world.platform, actor=admin.principal, username="staff", role=Role.VENDOR, now=world.now)
    info = assign_role(world.platform, actor=admin.principal, username="staff", role=Role.VENDOR,
                       vendor_until=world.now + timedelta(days=3), now=world.now)
    assert info.vendor_until == world.now + timedelta(days=3)


# -- hostile input ----------------------------------------------------------------------------------------

BAD_USERNAMES = [
    "x' OR '1'='1",
    "admin'--",
    "robert); DROP TABLE users;--",
    "<script>alert(1)</script>",
    "ab",
    "a" * 65,
    "a" * 100_000,
    "张三",
    "ａｌｉｃｅ",  # full-width look-alike
    "ali\nce",
    "alice\x00",
    "alice ",
    "\ud800bad",
    "",
]


@pytest.mark.parametrize("username", BAD_USERNAMES)
def test_bad_usernames_rejected_with_one_line_error(world: World, username: str) -> None:
    admin = world.bootstrap_admin()
    before = world.event_count()
    with pytest.raises(InvalidInput) as info:
        create_user(world.platform, actor=admin.principal, username=username, display_name="x",
                    department_id=world.root_id, now=world.now)
    assert info.value.key == "identity.bad_username" and "\n" not in str(info.value)
    assert world.event_count() == before + 1
    row = world.last_event()
    assert (row.action, row.outcome) == ("user.create", "failure") and len(row.resource) <= 1000
    with world.platform.store.sessions() as s:
        assert len(list(s.scalars(select(User)))) == 3  # the three bootstrapped administrators


VERBATIM_NAMES = [
    "Robert'); DROP TABLE users;--",
    "<img src=x onerror=alert(1)>",
    "O'Brien \"Bob\"",
    "张三·阿不都热合曼",
    "Ünïcödé ñame",
    "🙂 笑脸",
    "%s%s%n{0}{username}",
    "x" * 100,
]


@pytest.mark.parametrize("name", VERBATIM_NAMES)
def test_hostile_names_stored_verbatim(world: World, name: str) -> None:
    admin = world.bootstrap_admin()
    created = create_user(world.platform, actor=admin.principal, username="victim", display_name=name,
                          department_id=world.root_id, now=world.now)
    assert created.user.display_name == name
    dept = create_department(world.platform, actor=admin.principal, name=name, parent_id=world.root_id,
                             now=world.now)
    assert get_department(world.platform, department_id=dept.id).name == name
    assert get_user(world.platform, actor=admin.principal, username="victim", now=world.now).display_name == name
    with world.platform.store.sessions() as s:
        assert len(list(s.scalars(select(User)))) == 4  # the users table is intact


REFUSED_NAMES = [
    ("", "identity.bad_name"),
    ("   ", "identity.bad_name"),
    ("x" * 101, "identity.bad_name"),
    ("tab\there", "identity.name_control"),
    ("new\nline", "identity.name_control"),
    ("nul\x00", "identity.name_control"),
    ("bell\x07", "identity.name_control"),
    ("\u202eevil", "identity.name_control"),  # right-to-left override
    ("zero\u200bwidth", "identity.name_control"),
    ("\ud800", "identity.name_control"),  # lone surrogate
]


@pytest.mark.parametrize(("name", "key"), REFUSED_NAMES)
def test_bad_names_rejected(world: World, name: str, key: str) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(InvalidInput) as info:
        create_department(world.platform, actor=admin.principal, name=name, parent_id=world.root_id, now=world.now)
    assert info.value.key == key and "\n" not in str(info.value) and "部门名称" in str(info.value)
    with pytest.raises(InvalidInput) as info:
        create_user(world.platform, actor=admin.principal, username="someone", display_name=name,
                    department_id=world.root_id, now=world.now)
    assert info.value.key == key and "显示名" in str(info.value)
    assert world.last_event().outcome == "failure"


def test_unknown_role_and_bad_department_id(world: World) -> None:
    admin = world.bootstrap_admin()
    with pytest.raises(InvalidInput, match="未知角色"):
        create_user(world.platform, actor=admin.principal, username="someone", display_name="x",
                    roles=["root'; --"], department_id=world.root_id, now=world.now)
    with pytest.raises(InvalidInput):
        create_user(world.platform, actor=admin.principal, username="someone", display_name="x",
                    department_id="1 OR 1=1", now=world.now)  # type: ignore[arg-type]


# -- one audit event per success ----------------------------------------------------------------------------


def test_each_success_writes_exactly_its_event(world: World) -> None:
    admin = world.bootstrap_admin()
    world.user("target")
    p, actor = world.platform, admin.principal
    steps = [
        (lambda: create_department(p, actor=actor, name="审计局", parent_id=world.root_id, now=world.now),
         "dept.create", None),
        (lambda: create_user(p, actor=actor, username="newbie", display_name="新人", department_id=world.root_id,
                             now=world.now), "user.create", "user:newbie"),
        (lambda: assign_role(p, actor=actor, username="target", role=Role.STEWARD, now=world.now),
         "user.role_assign", "user:target"),
        (lambda: remove_role(p, actor=actor, username="target", role=Role.STEWARD, now=world.now),
         "user.role_remove", "user:target"),
        (lambda: update_user(p, actor=actor, username="target", display_name="目标", now=world.now),
         "user.update", "user:target"),
        (lambda: disable_user(p, actor=actor, username="target", now=world.now), "user.disable", "user:target"),
        (lambda: enable_user(p, actor=actor, username="target", now=world.now), "user.enable", "user:target"),
    ]
    for run, action, resource in steps:
        before = world.event_count()
        run()
        rows = world.events()[before:]
        assert [(r.action, r.outcome, r.actor) for r in rows] == [(action, "success", "root.admin")], action
        if resource:
            assert rows[0].resource == resource
        assert rows[0].session == admin.principal.session_id
