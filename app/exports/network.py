"""The actor network of the timeline's statements, in the manner of discourse network analysis
(Leifeld), written as GraphML for Gephi, networkx, igraph or visone.

Nodes are the actors who speak in the filtered statements. Two actors are tied when they take a
position on the same issue (each statement's best-matching, rank-0 issue):

- congruence: the same stance (supports, opposes or conditional), weighted by the sum over every
  shared (issue, stance) of the smaller of the two actors' statement counts;
- conflict: opposite stances (one supports, the other opposes), weighted likewise.

Neutral statements describe rather than take a side, so they tie no one (their speakers still
appear as nodes). The database counts statements per (actor, issue, stance), so memory grows with
actors × issues, never with statements.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.models import Actor, Issue, Statement, StatementIssue
from app.queries.timeline import TimelineFilters, statements_query
from app.vocabulary import Stance

Relation = Literal["congruence", "conflict"]
RELATIONS: tuple[Relation, ...] = ("congruence", "conflict")
TAKING_A_SIDE = (Stance.supports, Stance.opposes, Stance.conditional)

# issue slug -> stance -> actor id -> statements
StanceCounts = dict[str, dict[str, dict[int, int]]]

# (key id = attr.name, for, attr.type); Gephi reads "label" as a node's label and "weight" as
# an edge's weight.
GRAPHML_KEYS = (
    ("label", "node", "string"),
    ("slug", "node", "string"),
    ("kind", "node", "string"),
    ("statements", "node", "int"),
    ("weight", "edge", "double"),
    ("relation", "edge", "string"),
    ("issues", "edge", "string"),
)
# Characters XML 1.0 does not allow at all, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ActorNode:
    id: int
    slug: str
    name: str
    kind: str
    statements: int  # in the filtered window, whatever their stance


@dataclass(frozen=True)
class Tie:
    source: str  # actor slugs, the smaller first
    target: str
    relation: Relation
    weight: int
    issues: tuple[str, ...]


@dataclass(frozen=True)
class ActorNetwork:
    actors: list[ActorNode]
    ties: list[Tie]


def _timeline_where(session: Session, filters: TimelineFilters) -> ColumnElement[bool]:
    """The timeline's own WHERE: its filters, and no rejected statements or other outlets'
    copies."""
    where = statements_query(session, filters).whereclause
    return true() if where is None else where


def _actors(session: Session, where: ColumnElement[bool]) -> list[ActorNode]:
    rows = session.execute(
        select(Actor.id, Actor.slug, Actor.name, Actor.kind, func.count(Statement.id))
        .join(Statement, Statement.speaker_id == Actor.id)
        .where(where)
        .group_by(Actor.id, Actor.slug, Actor.name, Actor.kind)
        .order_by(Actor.name, Actor.slug)
    ).tuples()
    return [ActorNode(*row) for row in rows]


def stance_counts(session: Session, where: ColumnElement[bool]) -> StanceCounts:
    """How many statements each actor made per (rank-0 issue, stance), counted by the database."""
    # Aliased: the timeline's WHERE may hold its own subquery on statement_issue, which would
    # otherwise correlate to this join and lose its FROM.
    main = aliased(StatementIssue)
    rows = session.execute(
        select(Statement.speaker_id, Issue.slug, Statement.stance, func.count(Statement.id))
        .join(main, and_(main.statement_id == Statement.id, main.rank == 0))
        .join(Issue, Issue.id == main.issue_id)
        .where(where, Statement.speaker_id.is_not(None), Statement.stance.in_(TAKING_A_SIDE))
        .group_by(Statement.speaker_id, Issue.slug, Statement.stance)
    ).tuples()
    counts: StanceCounts = defaultdict(lambda: defaultdict(dict))
    for actor_id, issue, stance, count in rows:
        if actor_id is not None:
            counts[issue][stance][actor_id] = count
    return counts


class Weights:
    """Weights and issues of the ties of one relation, summed pair by pair."""

    def __init__(self) -> None:
        self.weight: dict[tuple[int, int], int] = defaultdict(int)
        self.issues: dict[tuple[int, int], set[str]] = defaultdict(set)

    def add(self, a: int, b: int, issue: str, weight: int) -> None:
        pair = (min(a, b), max(a, b))
        self.weight[pair] += weight
        self.issues[pair].add(issue)


def congruence(counts: StanceCounts) -> Weights:
    """Actors taking the same side of the same issue."""
    weights = Weights()
    for issue, by_stance in counts.items():
        for by_actor in by_stance.values():
            for a, b in combinations(sorted(by_actor), 2):
                weights.add(a, b, issue, min(by_actor[a], by_actor[b]))
    return weights


def conflict(counts: StanceCounts) -> Weights:
    """Actors on opposite sides of the same issue: each supporter against each opponent."""
    weights = Weights()
    for issue, by_stance in counts.items():
        opponents = by_stance.get("opposes", {})
        for a, supporting in by_stance.get("supports", {}).items():
            for b, opposing in opponents.items():
                if a != b:  # an actor who said both is not tied to itself
                    weights.add(a, b, issue, min(supporting, opposing))
    return weights


def _ties(relation: Relation, weights: Weights, slugs: dict[int, str]) -> Iterator[Tie]:
    for a, b in weights.weight:
        source, target = sorted((slugs[a], slugs[b]))
        yield Tie(
            source, target, relation, weights.weight[a, b], tuple(sorted(weights.issues[a, b]))
        )


def actor_network(
    session: Session, filters: TimelineFilters, relations: tuple[Relation, ...]
) -> ActorNetwork:
    where = _timeline_where(session, filters)
    actors = _actors(session, where)
    slugs = {actor.id: actor.slug for actor in actors}
    counts = stance_counts(session, where)
    ties: list[Tie] = []
    for relation in relations:
        weights = congruence(counts) if relation == "congruence" else conflict(counts)
        ties += sorted(_ties(relation, weights, slugs), key=lambda t: (t.source, t.target))
    return ActorNetwork(actors, ties)


def _text(value: object) -> str:
    return escape(NOT_XML.sub("", str(value)))


def _attribute(value: object) -> str:
    return quoteattr(NOT_XML.sub("", str(value)))


def graphml_lines(network: ActorNetwork) -> Iterator[str]:
    """The network as undirected GraphML, a few elements per line: keys, nodes, then edges.

    With both relations a pair can have two edges (parallel edges, which GraphML allows); each
    edge has its own id and a ``relation`` to tell them apart."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for name, domain, kind in GRAPHML_KEYS:
        yield f'  <key id="{name}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="actors" edgedefault="undirected">\n'
    for actor in network.actors:
        yield (
            f"    <node id={_attribute(actor.slug)}>"
            f'<data key="label">{_text(actor.name)}</data>'
            f'<data key="slug">{_text(actor.slug)}</data>'
            f'<data key="kind">{_text(actor.kind)}</data>'
            f'<data key="statements">{actor.statements}</data>'
            "</node>\n"
        )
    for number, tie in enumerate(network.ties):
        yield (
            f'    <edge id="e{number}" source={_attribute(tie.source)}'
            f" target={_attribute(tie.target)}>"
            f'<data key="weight">{float(tie.weight)}</data>'
            f'<data key="relation">{tie.relation}</data>'
            f'<data key="issues">{_text(";".join(tie.issues))}</data>'
            "</edge>\n"
        )
    yield "  </graph>\n</graphml>\n"


def network_graphml(
    factory: sessionmaker[Session], filters: TimelineFilters, relations: tuple[Relation, ...]
) -> Iterator[str]:
    """GraphML of the filtered window's actor network, counted in a session of its own (a
    streamed response outlives the request's session) that is closed before writing starts."""
    with factory() as session:
        network = actor_network(session, filters, relations)
    yield from graphml_lines(network)
