"""The /api/v1 routers, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from shuan.web.api import (
    admin_requests,
    audit,
    auth,
    catalog,
    departments,
    grants,
    inventory,
    keys,
    me,
    protect,
    services,
    share_requests,
    users,
)
from shuan.web.api.models import COMMON_RESPONSES

PREFIX = "/api/v1"

#: issue 5: masking, leak tracing and the release check; the data-service gateway; the sharing catalogue;
#: share requests and their review
AREAS = (auth, me, users, admin_requests, departments, grants, audit, keys, inventory, protect, services, catalog,
         share_requests)


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, responses=COMMON_RESPONSES)
    for module in AREAS:
        router.include_router(module.router)
    return router
