"""Schemathesis over /openapi.json: no request it makes up, valid or not, gets a server error
from the API.

Runs on SQLite only (the fuzzing is about inputs, not the database), inside the test's
rolled-back transaction like every other test, with an analyst's token so that POST
/api/articles gets past the login and really queues (and, inline, imports) articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.tokens import issue_token
from app.accounts.users import get_user
from app.extraction.pipeline import Extractor
from app.settings import Settings
from tests.conftest import USERS, client_for

EXAMPLES = 20  # per operation, for valid and again for invalid requests


def _under_test(context: Any) -> bool:
    """Every read under /api/, and the one write."""
    method, path = context.operation.method.upper(), context.operation.path
    return path.startswith("/api/") and (
        method == "GET" or (method, path) == ("POST", "/api/articles")
    )


def _without_lifespan(app: Any) -> Any:
    """The app as the test client started it (pointed at the test's transaction); schemathesis
    would run a start-up of its own, which would undo that."""

    async def serve(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            raise RuntimeError("the test client owns the lifespan")
        await app(scope, receive, send)

    return serve


@pytest.fixture
def api_schema(
    backend: str, settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[Any]:
    if backend != "sqlite":
        pytest.skip("the API is fuzzed on SQLite only")
    for client in client_for(settings, factory, extractor, role=None):
        schema = schemathesis.openapi.from_asgi("/openapi.json", _without_lifespan(client.app))
        yield schema.include(_under_test)


def test_no_server_errors(api_schema: Any, session: Session, subtests: Any) -> None:
    headers = {
        "Authorization": f"Bearer {issue_token(session, get_user(session, USERS['analyst']))}"
    }
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert ("POST", "/api/articles") in {(op.method.upper(), op.path) for op in operations}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            )
            @given(case=operation.as_strategy(mode))
            def fuzz(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

            with subtests.test(msg=f"{operation.label} ({mode.value})"):
                try:
                    fuzz()
                except Unsatisfiable:
                    if mode is GenerationMode.POSITIVE:
                        raise
                    pytest.skip("nothing in this operation's request can be made invalid")
