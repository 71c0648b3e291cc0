"""Changing actors: rename, aliases, roles, create, and merging two spellings of one person —
with every change undoable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.curation import actors as curation
from app.curation.audit import CurationError, Editor, history
from app.curation.lookup import find_actor
from app.curation.schemas import ActorEdit, RoleIn, checked
from app.curation.undo import undo
from app.models import Actor, ActorAlias, ActorRole, Position, Statement, event_actor

EDITOR = Editor(None, "tester")


def actor(session: Session, slug: str) -> Actor:
    return session.scalars(select(Actor).where(Actor.slug == slug)).one()


def aliases(session: Session, actor_id: int) -> set[str]:
    return set(session.scalars(select(ActorAlias.alias).where(ActorAlias.actor_id == actor_id)))


def spoken_by(session: Session, actor_id: int) -> set[int]:
    return set(session.scalars(select(Statement.id).where(Statement.speaker_id == actor_id)))


def positions_of(session: Session, actor_id: int) -> set[tuple[int, str]]:
    return set(
        session.execute(
            select(Position.issue_id, Position.stance).where(Position.actor_id == actor_id)
        ).tuples()
    )


def events_of(session: Session, actor_id: int) -> set[int]:
    return set(
        session.scalars(select(event_actor.c.event_id).where(event_actor.c.actor_id == actor_id))
    )


def a_second_spelling(session: Session, of: Actor, name: str) -> Actor:
    """What extraction makes of an unknown spelling: a new actor with some of the statements."""
    twin = curation.create(session, EDITOR, name, of.kind)
    moved = sorted(spoken_by(session, of.id))[::2]
    for statement in session.scalars(select(Statement).where(Statement.id.in_(moved))):
        statement.speaker_id = twin.id
    session.flush()
    from app.positions.derive import recompute

    recompute(
        session,
        curation._issue_pairs(session, [of.id, twin.id])
        | {(of.id, i) for i, _ in positions_of(session, of.id)},
    )
    return twin


def test_merge_moves_everything_and_undo_puts_it_back(session: Session) -> None:
    putin = actor(session, "vladimir-putin")
    twin = a_second_spelling(session, putin, "Volodya Putin")
    curation.add_role(session, EDITOR, twin, RoleIn(title="Judo coach", nouns="coach"))
    before = {
        "putin": (
            spoken_by(session, putin.id),
            aliases(session, putin.id),
            events_of(session, putin.id),
        ),
        "twin": (
            spoken_by(session, twin.id),
            aliases(session, twin.id),
            events_of(session, twin.id),
        ),
        "positions": (positions_of(session, putin.id), positions_of(session, twin.id)),
    }
    assert before["twin"][0], "the twin needs statements for the test to mean something"

    entry = curation.merge(session, EDITOR, twin, putin)
    assert spoken_by(session, twin.id) == set()
    assert spoken_by(session, putin.id) == before["putin"][0] | before["twin"][0]
    assert "Volodya Putin" in aliases(session, putin.id)
    assert "Judo coach" in set(
        session.scalars(select(ActorRole.title).where(ActorRole.actor_id == putin.id))
    )
    assert positions_of(session, twin.id) == set()
    assert twin.merged_into_id == putin.id
    assert find_actor(session, "Volodya Putin").id == putin.id
    assert entry.id in [e.id for e in history(session, "actor", putin.id)]
    assert entry.id in [e.id for e in history(session, "actor", twin.id)]

    undo(session, EDITOR, entry)
    assert twin.merged_into_id is None
    assert (
        spoken_by(session, putin.id),
        aliases(session, putin.id),
        events_of(session, putin.id),
    ) == before["putin"]
    assert (
        spoken_by(session, twin.id),
        aliases(session, twin.id),
        events_of(session, twin.id),
    ) == before["twin"]
    assert (positions_of(session, putin.id), positions_of(session, twin.id)) == before["positions"]


def test_merging_into_itself_or_twice_is_refused(session: Session) -> None:
    putin = actor(session, "vladimir-putin")
    twin = curation.create(session, EDITOR, "V. V. Putin", "person")
    with pytest.raises(CurationError, match="another actor"):
        curation.merge(session, EDITOR, putin, putin)
    curation.merge(session, EDITOR, twin, putin)
    with pytest.raises(CurationError, match="already merged"):
        curation.merge(session, EDITOR, twin, putin)


def test_rename_kind_affiliation_and_undo(session: Session) -> None:
    peskov = actor(session, "dmitry-peskov")
    before = curation.snapshot(session, peskov)
    entry = curation.update(
        session,
        EDITOR,
        peskov,
        ActorEdit(
            name="Dmitri Peskov",
            kind="person",
            affiliation="Kremlin",
            description="Kremlin spokesman",
            needs_review=False,
        ),
    )
    assert peskov.name == "Dmitri Peskov"
    assert peskov.description == "Kremlin spokesman"
    assert entry.before["name"] == "Dmitry Peskov" and entry.after["name"] == "Dmitri Peskov"
    undo(session, EDITOR, entry)
    assert curation.snapshot(session, peskov) == before


def test_aliases_and_roles_are_added_removed_and_restored(session: Session) -> None:
    lavrov = actor(session, "sergei-lavrov")
    added = curation.add_alias(session, EDITOR, lavrov, "Sergej Lavrow")
    assert "Sergej Lavrow" in aliases(session, lavrov.id)
    with pytest.raises(CurationError, match="already has"):
        curation.add_alias(session, EDITOR, lavrov, "sergej  lavrow")
    with pytest.raises(CurationError, match="already names Vladimir Putin"):
        curation.add_alias(session, EDITOR, lavrov, "Putin")
    undo(session, EDITOR, added)
    assert "Sergej Lavrow" not in aliases(session, lavrov.id)

    alias_id = session.scalars(
        select(ActorAlias.id).where(ActorAlias.actor_id == lavrov.id)
    ).first()
    alias = session.get(ActorAlias, alias_id).alias
    removed = curation.remove_alias(session, EDITOR, lavrov, alias_id)
    assert alias not in aliases(session, lavrov.id)
    undo(session, EDITOR, removed)
    assert alias in aliases(session, lavrov.id)

    role = curation.add_role(
        session,
        EDITOR,
        lavrov,
        RoleIn(title="Envoy", nouns="envoy, special envoy", start_on=date(2025, 1, 1)),
    )
    row = session.get(ActorRole, role.after["role_id"])
    assert row.nouns == ["envoy", "special envoy"]
    gone = curation.remove_role(session, EDITOR, lavrov, row.id)
    assert session.get(ActorRole, row.id) is None
    undo(session, EDITOR, gone)
    titles = set(session.scalars(select(ActorRole.title).where(ActorRole.actor_id == lavrov.id)))
    assert "Envoy" in titles
    with pytest.raises(CurationError, match="cannot end before") as refused:
        checked(RoleIn, title="X", start_on="2025-02-01", end_on="2025-01-01")
    assert refused.value.field == "end_on"
    with pytest.raises(CurationError, match="YYYY-MM-DD") as refused:
        checked(RoleIn, title="X", start_on="1 May")
    assert refused.value.field == "start_on"


def test_create_checks_names_and_undo_deletes_an_unused_actor(session: Session) -> None:
    with pytest.raises(CurationError, match="already names"):
        curation.create(session, EDITOR, "Zelenskyy", "person")
    with pytest.raises(CurationError, match="Choose one of"):
        curation.create(session, EDITOR, "Someone New", "planet")
    created = curation.create(session, EDITOR, "Someone New", "person")
    entry = history(session, "actor", created.id)[0]
    count = session.scalar(select(func.count()).select_from(Actor))
    undo(session, EDITOR, entry)
    assert session.scalar(select(func.count()).select_from(Actor)) == count - 1
