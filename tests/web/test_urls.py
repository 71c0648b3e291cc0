"""The fast route paths are exactly Starlette's."""

from __future__ import annotations

import pytest

from app.main import create_app
from app.settings import Settings
from app.web.urls import path_patterns, url_path

APP = create_app(Settings(_env_file=None, database_url="sqlite:///:memory:"))  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("timeline", {}),
        ("actor", {"slug": "vladimir-putin"}),
        ("article", {"article_id": 42}),
        ("statement", {"statement_id": 7}),
        ("statement_confirm", {"statement_id": 7}),
        ("actor_alias_remove", {"slug": "x", "alias_id": 3}),
        ("audit_undo", {"entry_id": 9}),
        ("issue", {"slug": "territory"}),
        ("static", {"path": "vendor/htmx-2.0.8.min.js"}),  # a mount: Starlette's own answer
    ],
)
def test_paths_match_starlette(name: str, params: dict[str, object]) -> None:
    assert url_path(APP, name, params) == str(APP.url_path_for(name, **params))


def test_every_named_route_with_plain_parameters_has_a_pattern() -> None:
    patterns = path_patterns(APP)
    assert {"timeline", "statement", "actor_merge", "export_statements_csv"} <= set(patterns)
    assert "static" not in patterns


def test_missing_parameters_still_fail_loudly() -> None:
    from starlette.routing import NoMatchFound

    with pytest.raises(NoMatchFound):
        url_path(APP, "statement", {})
