"""Request and response models shared by the routers.

Request models forbid unknown fields, take strict JSON types (no "1" for 1, no 1 for true) and
bound every string, list and number, so that what reaches a service is already of the right shape
and size. Strings refuse NUL and lone surrogates (no database stores them, PostgreSQL rejects NUL);
every other character is passed on verbatim — the services decide what a name may hold and the
JSON encoder escapes on output. Datetimes need a time zone and a year the services can compute with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from shuan.messages import msg

#: ids fit a 32-bit signed integer column on every supported database
MAX_ID = 2_147_483_647
#: audit sequence numbers are 64-bit
MAX_SEQ = 2**63 - 1
YEAR_LOW, YEAR_HIGH = 1970, 9000


def clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(msg("api.text_nul"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(msg("api.text_surrogate")) from None
    return value


def bounded_datetime(value: datetime) -> datetime:
    if value.tzinfo is None or not YEAR_LOW < value.year < YEAR_HIGH:
        raise ValueError(msg("api.datetime_range", low=YEAR_LOW + 1, high=YEAR_HIGH - 1))
    return value


Clean = AfterValidator(clean_text)

Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Seq = Annotated[StrictInt, Field(ge=1, le=MAX_SEQ)]
When = Annotated[AwareDatetime, AfterValidator(bounded_datetime)]
Username = Annotated[StrictStr, Field(min_length=1, max_length=64), Clean]
Name = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
LongText = Annotated[StrictStr, Field(max_length=2000), Clean]
Secret = Annotated[StrictStr, Field(min_length=1, max_length=1024), Clean]
Code = Annotated[StrictStr, Field(min_length=1, max_length=16), Clean]
ResourcePathText = Annotated[StrictStr, Field(min_length=1, max_length=600), Clean]


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- shared outputs ----------------------------------------------------------------------------------


class Problem(BaseModel):
    """An RFC 7807 problem document (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    key: str


PROBLEM_RESPONSE: dict[str, Any] = {"model": Problem, "content": {"application/problem+json": {}}}

#: documented on every route (the handlers in shuan.web.errors produce them)
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {**PROBLEM_RESPONSE, "description": description}
    for status, description in (
        (400, "请求无效 / bad request"),
        (401, "未认证 / not authenticated"),
        (403, "无权操作（已记入审计） / forbidden (audited)"),
        (404, "不存在 / not found"),
        (409, "冲突 / conflict"),
        (413, "请求体过大 / body too large"),
        (422, "请求参数无效 / invalid parameters"),
        (429, "账户已锁定 / account locked"),
        (503, "审计或存储不可用，操作未执行 / audit or store unavailable, nothing done"),
    )
}


def permission(value: str) -> dict[str, Any]:
    """`openapi_extra` naming the permission a route's service requires (documentation; the service
    enforces it). ``public``: no authentication; ``self.service``: every signed-in user."""
    return {"x-shuan-permission": value}


__all__ = [
    "COMMON_RESPONSES",
    "Clean",
    "Code",
    "Id",
    "Input",
    "LongText",
    "MAX_ID",
    "MAX_SEQ",
    "Name",
    "Output",
    "permission",
    "Problem",
    "ResourcePathText",
    "Secret",
    "Seq",
    "StrictBool",
    "Username",
    "When",
]
