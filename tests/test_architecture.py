"""The import rules of docs/architecture.md, checked on the code: pages and API are siblings,
ingestion does not reach into curation, extraction stays pure, and the layers below the doors
never import a door."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app import vocabulary as vocab

APP = Path(__file__).resolve().parent.parent / "app"

# part of the app -> module prefixes it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "app.web": ("app.api", "app.cli", "app.main"),
    "app.api": ("app.web", "app.cli", "app.main"),
    "app.ingest": ("app.curation", "app.web", "app.api", "app.cli", "app.main"),
    "app.curation": ("app.web", "app.api", "app.cli", "app.main"),
    "app.queries": ("app.web", "app.api", "app.cli", "app.main", "app.curation"),
    "app.positions": ("app.web", "app.api", "app.cli", "app.main"),
    "app.exports": ("app.web", "app.api", "app.cli", "app.main"),
    "app.accounts": ("app.web", "app.api", "app.cli", "app.main"),
    "app.models": ("app.web", "app.api", "app.ingest", "app.curation", "app.queries"),
    # Text in, dataclasses out: no database, no web, nothing of the rest of the app.
    "app.extraction": (
        "sqlalchemy",
        "fastapi",
        "starlette",
        "app.models",
        "app.db",
        "app.settings",
        "app.ingest",
        "app.curation",
        "app.queries",
        "app.web",
        "app.api",
    ),
    "app.vocabulary": ("app.", "sqlalchemy", "fastapi"),
    "app.dates": ("app.", "sqlalchemy", "fastapi"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module the file imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix.rstrip(".") or name.startswith(
        prefix if prefix.endswith(".") else prefix + "."
    )


def broken_rules() -> list[str]:
    broken = []
    for path in sorted(APP.rglob("*.py")):
        module = module_name(path)
        for part, banned in FORBIDDEN.items():
            if not within(module, part):
                continue
            for imported in sorted(imports(path)):
                if any(within(imported, prefix) for prefix in banned):
                    broken.append(f"{module} imports {imported} (no {part} module may)")
    return broken


def test_the_parts_import_only_what_they_may() -> None:
    assert broken_rules() == []


def test_the_rules_would_catch_a_page_importing_the_api(tmp_path: Path) -> None:
    source = tmp_path / "page.py"
    source.write_text("from app.api.routes import router\nimport sqlalchemy\n")
    assert {"app.api.routes", "app.api.routes.router", "sqlalchemy"} <= imports(source)
    assert within("app.api.routes", "app.api")
    assert not within("app.apiary", "app.api")


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_every_part_named_exists(part: str) -> None:
    path = APP.parent / Path(*part.split("."))
    assert path.is_dir() or path.with_suffix(".py").is_file()


def test_each_vocabulary_word_is_its_own_name() -> None:
    """A StrEnum member hashes by its name and compares by its value: with the two the same, a
    dict keyed by the enum answers to the plain word the database or a form gives."""
    for vocabulary in (
        vocab.ActorKind,
        vocab.DatePrecision,
        vocab.EventKind,
        vocab.ItemStatus,
        vocab.JobState,
        vocab.Origin,
        vocab.ReviewStatus,
        vocab.Role,
        vocab.Stance,
        vocab.StatementKind,
    ):
        assert all(member.name == member.value for member in vocabulary), vocabulary
        assert {member.value: 1 for member in vocabulary}.keys() == set(vocabulary)
