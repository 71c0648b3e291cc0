"""Every form that posts carries the session's CSRF token, in every template: a new form that
forgets it fails here, not in a user's browser."""

from __future__ import annotations

import re

import pytest

from app.settings import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>(?P<body>.*?)</form>", re.S | re.I)
TOKEN = re.compile(r'name="csrf_token"[^>]*value="\{\{ csrf_token\(\) \}\}"|\{\{ csrf\(\) \}\}')


def post_forms(path: object) -> list[str]:
    return [m.group(0) for m in POST_FORM.finditer(path.read_text(encoding="utf-8"))]  # type: ignore[attr-defined]


def test_the_templates_hold_post_forms() -> None:
    assert sum(len(post_forms(path)) for path in TEMPLATES) >= 15


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_post_form_carries_the_token(path: object) -> None:
    for form in post_forms(path):
        assert TOKEN.search(form), f"a post form without csrf_token: {form[:160]}"
