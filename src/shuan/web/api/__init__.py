"""The /api/v1 routers, one module per area."""

from __future__ import annotations

from fastapi import APIRouter

from shuan.web.api import admin_requests, audit, auth, departments, grants, inventory, keys, me, protect, users
from shuan.web.api.models import COMMON_RESPONSES

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, responses=COMMON_RESPONSES)
    for module in (auth, me, users, admin_requests, departments, grants, audit, keys, inventory, protect):
        router.include_router(module.router)
    return router
