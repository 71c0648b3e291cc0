"""Paths of named routes, fast: a page of fifty statements asks for a few hundred links, and
Starlette finds each by trying every route in turn (tens of microseconds a link). Each route's
path pattern is looked up once per app and filled in with str.format."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from typing import Any

from starlette.routing import Route

PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")


def walk_routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every endpoint with its full path, including those of included routers (which FastAPI
    keeps nested)."""
    for route in routes:
        if isinstance(route, Route):  # FastAPI's APIRoute is one too
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            yield from walk_routes(
                route.original_router.routes, prefix + getattr(context, "prefix", "")
            )


def path_patterns(app: Any) -> dict[str, tuple[str, frozenset[str]]]:
    """name → (a str.format pattern, its parameter names), for routes whose parameters are
    plain strings or integers (anything else, like a mount's ``path``, is left to Starlette)."""
    patterns = getattr(app.state, "path_patterns", None)
    if patterns is None:
        patterns = {}
        for path, route in walk_routes(app.routes):
            name = route.name
            if name in patterns or re.search(r"\{\w+:(?!int\}|str\})", path):
                continue
            pattern = PLACEHOLDER.sub(r"{\1}", path)
            fields = frozenset(f for _, f, _, _ in string.Formatter().parse(pattern) if f)
            patterns[name] = (pattern, fields)
        app.state.path_patterns = patterns
    return patterns


def url_path(app: Any, name: str, params: dict[str, Any]) -> str:
    """The same path as ``app.url_path_for(name, **params)``."""
    found = path_patterns(app).get(name)
    if found is not None and found[1] == params.keys():
        return found[0].format(**params)
    return str(app.url_path_for(name, **params))
