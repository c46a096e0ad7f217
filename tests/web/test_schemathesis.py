"""Property-based fuzzing of every operation in the app's own OpenAPI schema (schemathesis): valid and
invalid requests, each sent with a token of the role the operation is for, and no answer is a 5xx."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error

from shuan.identity.roles import Role
from tests.web.conftest import Api, bearer

#: examples per operation and mode; SHUAN_FUZZ_EXAMPLES=200 for a deeper run by hand
EXAMPLES = int(os.environ.get("SHUAN_FUZZ_EXAMPLES", "15"))


def role_for(permission: str) -> str:
    if permission.startswith("identity.manage"):
        return "sysadmin"
    if permission.startswith("audit."):
        return "auditor"
    return "secadmin"


def fuzz(operation: Any, mode: schemathesis.GenerationMode, headers: dict[str, str],
         statuses: Counter[int]) -> Callable[[], None]:
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=[not_a_server_error])

    return run  # type: ignore[no-any-return]


@pytest.mark.slow
def test_no_operation_answers_5xx(api: Api) -> None:
    admin = api.bootstrap_admin()
    tokens = {
        "sysadmin": api.token(admin),
        "secadmin": api.token(api.user("an.quan", Role.SECADMIN)),
        "auditor": api.token(api.user("shen.ji", Role.AUDITOR)),
    }
    r = api.post("/resources", token=tokens["secadmin"], json={"path": "src:公安", "owner_department_id": 1,
                                                               "level": 1})
    assert r.status_code == 201
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in operations:
        permission = str(operation.definition.raw.get("x-shuan-permission", ""))
        headers = bearer(tokens[role_for(permission)]) if permission != "public" else {}
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run = fuzz(operation, mode, headers, statuses)
            try:
                run()
            except Unsatisfiable:
                # no parameters to make invalid (e.g. GET /health): nothing negative to send
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
                failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:2000]}")
    assert not failures, "\n\n".join(failures)
    assert sum(statuses.values()) > len(operations) * 10
    # the requests reached the services (accepted and refused there), not only the validation layer
    assert statuses[200] + statuses[201] + statuses[204] > 20, statuses
    assert statuses[422] and statuses[400] + statuses[403] + statuses[404] + statuses[409] > 20, statuses
