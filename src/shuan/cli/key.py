"""`shuan key list|create|rotate-kek|rewrap|destroy-request|destroy-approve|verify-approval`: the key
hierarchy (安全管理员)."""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.messages import msg


@click.group("key")
def command() -> None:
    """密钥管理：部门密钥加密密钥（KEK）与数据集数据密钥（需安全管理员令牌 SHUAN_TOKEN）。"""


@command.command("list")
@click.option("--department", type=int, default=None, help="只列出该部门的密钥")
def list_cmd(department: int | None) -> None:
    """列出密钥（只含元数据，从不输出密钥本身）。"""
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        keys = service.list_keys(platform, actor, department)
    for k in keys:
        output.emit_jsonl({"key_id": k.key_id, "kind": k.kind, "algorithm": k.algorithm, "version": k.version,
                           "status": k.status, "department_id": k.department_id, "wrapped_by": k.wrapped_by,
                           "created_at": k.created_at.isoformat(), "created_by": k.created_by,
                           "destroyed_at": k.destroyed_at.isoformat() if k.destroyed_at else None})


@command.command("create")
@click.argument("dataset")
@click.option("--department", type=int, required=True, help="数据集所属部门编号")
def create_cmd(dataset: str, department: int) -> None:
    """为数据集创建（或轮换出新版本的）SM4 数据密钥，由部门 KEK 包装。"""
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        info = service.create_data_key(platform, actor, dataset, department)
    output.info(msg("key.created", key_id=info.key_id))


@command.command("rotate-kek")
@click.option("--department", type=int, required=True)
def rotate_cmd(department: int) -> None:
    """轮换部门 KEK（旧版本保留用于解包，执行 rewrap 后清除）。"""
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        info = service.rotate_kek(platform, actor, department)
    output.info(msg("key.created", key_id=info.key_id))


@command.command("rewrap")
@click.option("--department", type=int, required=True)
def rewrap_cmd(department: int) -> None:
    """用部门最新 KEK 重新包装其全部数据密钥，并清除不再需要的旧 KEK。"""
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        moved = service.rewrap(platform, actor, department)
    output.info(msg("key.rewrapped", count=moved))


@command.command("destroy-request")
@click.argument("dataset")
@click.option("--reason", required=True, help="销毁理由（如保存期限届满及审批文号）")
def destroy_request_cmd(dataset: str, reason: str) -> None:
    """申请销毁数据集密钥（密码学销毁，需另一名安全管理员批准）。"""
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        request_id = service.request_destruction(platform, actor, dataset, reason)
    output.info(msg("key.destroy_requested", request=request_id))


@command.command("destroy-approve")
@click.argument("request_id", type=click.IntRange(1, 2_147_483_647))
def destroy_approve_cmd(request_id: int) -> None:
    """签名批准并执行销毁申请（输入本人密码以本人签名密钥签署）：该数据集所有版本的密钥材料被清除，其密文不可再解密。"""
    from shuan.cli.grant import signing_password
    from shuan.crypto.keys import service

    with authenticated() as (platform, actor):
        password = signing_password("key.signing_password_prompt")
        count = service.approve_destruction(platform, actor, request_id, signing_password=password)
    output.info(msg("key.destroyed_done", count=count))


@command.command("verify-approval")
@click.argument("request_id", type=click.IntRange(1, 2_147_483_647))
def verify_approval_cmd(request_id: int) -> None:
    """验证销毁申请的审批签名（按存储的申请重新编码审批单，用审批人的公钥验证）。"""
    from shuan.cli.records import emit
    from shuan.crypto.keys import service
    from shuan.errors import CryptoError

    with authenticated() as (platform, actor):
        check = service.destruction_approval(platform, actor, request_id)
    emit(check)
    if not check.valid:
        raise CryptoError("key.approval_invalid", request=request_id)
    output.info(msg("key.approval_valid", request=request_id, approver=check.approver,
                    fingerprint=check.key_fingerprint))


@command.command("rotate-root")
@click.option("--new-key-file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="新根密钥文件：不存在时生成（权限 600）；存在时读取")
def rotate_root_cmd(new_key_file: Path) -> None:
    """轮换根密钥：把直接受根密钥保护的密钥（系统密钥、各部门 KEK）改用新根密钥包装。完成后须把配置指向新文件。"""
    from shuan.crypto.keys import service
    from shuan.crypto.keys.root import FileRootKey, create_key_file

    if not new_key_file.exists():
        create_key_file(new_key_file)
    new_root = FileRootKey(new_key_file).root_key()
    with authenticated() as (platform, actor):
        count = service.rotate_root(platform, actor, new_root)
    output.info(msg("key.root_rotated", count=count, path=new_key_file.resolve()))
