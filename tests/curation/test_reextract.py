"""Re-extraction keeps every decision a person made, and refreshes the rest."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.curation import statements as curation
from app.curation.audit import Editor
from app.curation.reextract import apply_reextraction
from app.extraction.pipeline import Extractor
from app.models import Actor, Article, AuditEntry, EventArticle, Statement

EDITOR = Editor(None, "tester")


def article_statements(session: Session, article_id: int) -> list[Statement]:
    return list(
        session.scalars(
            select(Statement).where(Statement.article_id == article_id).order_by(Statement.start)
        )
    )


def the_busiest_article(session: Session) -> Article:
    article_id = session.scalar(
        select(Statement.article_id)
        .group_by(Statement.article_id)
        .order_by(func.count().desc())
        .limit(1)
    )
    return session.get(Article, article_id)


def test_reextraction_keeps_confirmed_edited_rejected_and_added_statements(
    session: Session, extractor: Extractor
) -> None:
    article = the_busiest_article(session)
    found = article_statements(session, article.id)
    assert len(found) >= 8
    confirmed, edited, rejected, untouched = found[0], found[2], found[4], found[6]
    curation.confirm(session, EDITOR, confirmed)
    fields, _ = curation.parse_fields(
        session,
        article,
        {
            "speaker": "yvette-cooper",
            "kind": "reported",
            "stance": "conditional",
            "issues": ["sanctions"],
            "said_on": "2025-01-02",
            "said_on_precision": "week",
            "start": edited.start,
            "end": edited.end,
        },
    )
    curation.edit(session, EDITOR, edited, fields)
    curation.reject(session, EDITOR, rejected)
    gap_start = max(s.end for s in found) + 1
    added_fields, errors = curation.parse_fields(
        session,
        article,
        {"kind": "reported", "stance": "neutral", "start": gap_start, "end": len(article.text)},
    )
    assert not errors
    added, _ = curation.add(session, EDITOR, article, added_fields)
    reviewed = {s.id: curation.snapshot(session, s) for s in (confirmed, edited, rejected, added)}
    # The machine's statements drift (as if from an older pipeline): re-extraction resets them.
    untouched.stance, untouched.confidence = "conditional", 0.01
    session.flush()

    result = extractor.extract(article.text, published=article.published_on, title=article.title)
    report = apply_reextraction(session, article, result, extractor.codebook, EDITOR)
    session.expire_all()

    for statement_id, snapshot in reviewed.items():
        kept = session.get(Statement, statement_id)
        assert kept is not None
        assert curation.snapshot(session, kept) == snapshot
    after = article_statements(session, article.id)
    rejected_span = (rejected.start, rejected.end)
    over_rejected = [s for s in after if (s.start, s.end) == rejected_span]
    assert [s.id for s in over_rejected] == [rejected.id], "a rejected statement came back"
    assert [s.id for s in after if (s.start, s.end) == (edited.start, edited.end)] == [edited.id]
    same = next(s for s in after if s.id == untouched.id)
    extracted = next(x for x in result.statements if (x.start, x.end) == (same.start, same.end))
    assert same.stance == extracted.stance and same.confidence == extracted.confidence
    assert report.kept == 4
    assert report.skipped >= 3  # confirmed, edited and rejected spans were found again
    assert report.updated >= 1
    machine = [s for s in after if not curation.touched_by_a_person(s)]
    assert len(machine) == report.updated + report.added
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "article.reextract" and entry.entity_id == article.id


def test_reextraction_is_stable_and_keeps_statement_ids(
    session: Session, extractor: Extractor
) -> None:
    article = the_busiest_article(session)
    before = [(s.id, s.start, s.end, s.stance) for s in article_statements(session, article.id)]
    events = session.scalar(
        select(func.count()).select_from(EventArticle).where(EventArticle.article_id == article.id)
    )
    result = extractor.extract(article.text, published=article.published_on, title=article.title)
    report = apply_reextraction(session, article, result, extractor.codebook, EDITOR)
    session.expire_all()
    after = [(s.id, s.start, s.end, s.stance) for s in article_statements(session, article.id)]
    assert after == before
    assert (report.added, report.removed, report.updated) == (0, 0, len(before))
    assert (
        session.scalar(
            select(func.count())
            .select_from(EventArticle)
            .where(EventArticle.article_id == article.id)
        )
        == events
    )


def test_reextraction_follows_merged_actors(session: Session, extractor: Extractor) -> None:
    from app.curation.actors import create, merge

    article = the_busiest_article(session)
    speaker_id = next(s.speaker_id for s in article_statements(session, article.id) if s.speaker_id)
    speaker = session.get(Actor, speaker_id)
    keeper = create(session, EDITOR, "A Keeper Of Names", speaker.kind)
    merge(session, EDITOR, speaker, keeper)
    result = extractor.extract(article.text, published=article.published_on, title=article.title)
    apply_reextraction(session, article, result, extractor.codebook, EDITOR)
    speakers = {s.speaker_id for s in article_statements(session, article.id)}
    assert speaker_id not in speakers
    assert keeper.id in speakers
