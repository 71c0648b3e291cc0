"""The time budget of one article's extraction: an article that outlasts it fails with a
message, nothing of it is stored, and the rest of its job is imported."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.extraction.codebook import ActorEntry, Codebook
from app.ingest.budget import CHILD_NICENESS, BudgetedExtractor
from app.ingest.jobs import NewItem, create_job, get_job
from app.ingest.queue import make_dispatcher
from app.models import Article
from app.settings import Settings

GOOD = "Lavrov said on Monday that Moscow would not accept European troops in Ukraine."
# Minutes of parsing: one "sentence" of 160,000 words, far beyond a budget of seconds.
SLOW = " ".join(["Putin said that the talks would go on"] * 20_000)


def test_an_article_over_the_budget_fails_and_the_job_goes_on(
    factory: sessionmaker[Session], session: Session, settings: Settings
) -> None:
    budget = settings.model_copy(update={"extract_timeout_seconds": 2.0})
    items = [NewItem("slow.txt", SLOW.encode()), NewItem("good.txt", GOOD.encode())]
    with transaction(factory) as writer:
        job_id = create_job(writer, items).id
    articles = session.scalar(select(func.count()).select_from(Article))

    make_dispatcher(budget, factory).dispatch(job_id)

    view = get_job(session, job_id)
    assert view is not None and view.job.state == "done"
    slow, good = sorted(view.job.items, key=lambda item: item.position)
    assert slow.status == "failed" and slow.article_id is None
    assert slow.error == "Extraction took longer than 2 s; the article was not imported."
    assert slow.attempts == 1  # it would take as long again: not retried
    assert good.status == "imported" and good.article_id is not None
    assert session.scalar(select(func.count()).select_from(Article)) == articles + 1


def test_children_extract_with_the_codebook_they_are_given_and_give_way_to_the_pages(
    codebook: Codebook,
) -> None:
    text = "Orvel Tamsk said on Monday that Moscow would not accept European troops in Ukraine."
    first = BudgetedExtractor(codebook, 60.0)
    try:
        before = first.extract(text, published=date(2025, 3, 3))
        child = first._children.idle[0]
        wanted = min(19, os.getpriority(os.PRIO_PROCESS, 0) + CHILD_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, child.process.pid) == wanted

        tamsk = ActorEntry(name="Orvel Tamsk", slug="orvel-tamsk", kind="person")
        changed = replace(codebook, actors=[*codebook.actors, tamsk])
        after = first.for_codebook(changed).extract(text, published=date(2025, 3, 3))
        assert first._children.idle == [child]  # the same child, its pipeline rebuilt
    finally:
        first.close()
    # Unknown to the first codebook (a new actor), known to the second.
    assert [s.speaker_new for s in before.statements] == [True]
    assert [(s.speaker, s.speaker_new) for s in after.statements] == [("Orvel Tamsk", False)]
