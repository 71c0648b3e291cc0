"""The actor and issue codebooks as extraction sees them, loaded from YAML or built by a caller."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.extraction.types import ActorEntry, IssueEntry, RoleEntry
from app.vocabulary import ActorKind

ACTOR_KINDS = set(ActorKind)


def normalize_name(text: str) -> str:
    """Fold a name for comparison: no accents, no punctuation, lowercase, single spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("’", "'").lower()
    folded = re.sub(r"'s\b", "", folded)
    folded = re.sub(r"[^\w\s-]", " ", folded)
    folded = folded.replace("-", " ")
    return " ".join(folded.split())


def slugify(text: str) -> str:
    return normalize_name(text).replace(" ", "-") or "actor"


class CodebookError(ValueError):
    """A codebook file that cannot be used, with the reason a person can act on."""


def _as_date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CodebookError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def parse_actors(data: Any, origin: str = "actors") -> list[ActorEntry]:
    if not isinstance(data, list):
        raise CodebookError(f"{origin}: expected a list of actors")
    actors: list[ActorEntry] = []
    for index, item in enumerate(data):
        where = f"{origin}[{index}]"
        if not isinstance(item, dict) or not item.get("name"):
            raise CodebookError(f"{where}: every actor needs a name")
        kind = item.get("kind", "person")
        if kind not in ACTOR_KINDS:
            raise CodebookError(f"{where}: kind {kind!r} is not one of {sorted(ACTOR_KINDS)}")
        roles = tuple(
            RoleEntry(
                title=str(role["title"]),
                nouns=tuple(str(noun) for noun in role.get("nouns") or ()),
                start=_as_date(role.get("start"), f"{where}.roles"),
                end=_as_date(role.get("end"), f"{where}.roles"),
            )
            for role in item.get("roles") or ()
        )
        actors.append(
            ActorEntry(
                name=str(item["name"]),
                slug=str(item.get("slug") or slugify(item["name"])),
                kind=kind,
                gender=item.get("gender"),
                aliases=tuple(str(alias) for alias in item.get("aliases") or ()),
                roles=roles,
                affiliation=item.get("affiliation"),
                description=item.get("description"),
            )
        )
    return actors


def parse_issues(data: Any, origin: str = "issues") -> list[IssueEntry]:
    if not isinstance(data, list):
        raise CodebookError(f"{origin}: expected a list of issues")
    issues: list[IssueEntry] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not item.get("slug"):
            raise CodebookError(f"{origin}[{index}]: every issue needs a slug")
        issues.append(
            IssueEntry(
                slug=str(item["slug"]),
                name=str(item.get("name") or item["slug"]),
                question=str(item.get("question") or ""),
                keywords=tuple(str(keyword).lower() for keyword in item.get("keywords") or ()),
            )
        )
    return issues


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CodebookError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc})") from exc


@dataclass
class Codebook:
    """Known actors and issues, with the lookups extraction needs."""

    actors: list[ActorEntry] = field(default_factory=list)
    issues: list[IssueEntry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name: dict[str, ActorEntry] = {}
        self._by_slug: dict[str, ActorEntry] = {actor.slug: actor for actor in self.actors}
        for actor in self.actors:
            for form in (actor.name, *actor.aliases):
                self._by_name.setdefault(normalize_name(form), actor)

    @classmethod
    def from_files(cls, actors_path: Path, issues_path: Path) -> Codebook:
        return cls(
            actors=parse_actors(_read_yaml(actors_path), str(actors_path)),
            issues=parse_issues(_read_yaml(issues_path), str(issues_path)),
        )

    @classmethod
    def from_dir(cls, seeds_dir: Path) -> Codebook:
        return cls.from_files(seeds_dir / "actors.yaml", seeds_dir / "issues.yaml")

    def actor_named(self, text: str) -> ActorEntry | None:
        return self._by_name.get(normalize_name(text))

    def actor_by_slug(self, slug: str) -> ActorEntry | None:
        return self._by_slug.get(slug)

    def name_forms(self) -> Iterable[tuple[str, ActorEntry]]:
        """Every written form (name and aliases) of every actor."""
        for actor in self.actors:
            yield actor.name, actor
            for alias in actor.aliases:
                yield alias, actor
