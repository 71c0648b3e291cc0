"""Where every upload meets: the form's (text and files), the API's (a text) and `parley import`'s
(files and folders) each become one import job here, by ``queue_upload``, and the job runner
imports them all alike."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.ingest.jobs import JobView, NewItem, create_job, get_job, meta_dict
from app.ingest.schemas import ArticleFields
from app.vocabulary import JobOrigin

PASTED_NAME = "pasted-text.txt"  # the item name of an article pasted as text (form or API)


def pasted_article(text: str, fields: ArticleFields) -> NewItem:
    """The job item for an article given as text, with what the sender says about it (checked
    by ``ArticleFields``, whichever door it came in by)."""
    meta = meta_dict(None, **fields.model_dump())
    return NewItem(PASTED_NAME, text.encode("utf-8"), meta)


def queue_upload(factory: sessionmaker[Session], items: list[NewItem], origin: JobOrigin) -> int:
    """The upload's job, stored; its id (the caller dispatches it).

    Called in a worker thread, never on the event loop: waiting there for SQLite's write lock
    would also stop the request that holds it from committing (its session ends on the loop),
    and both would wait out the busy timeout."""
    with transaction(factory) as session:
        return create_job(session, items, origin=origin).id


def job_now(factory: sessionmaker[Session], job_id: int) -> JobView:
    """A job just queued, as it stands now (done already when jobs run inline)."""
    with transaction(factory) as session:
        view = get_job(session, job_id)
    if view is None:
        raise LookupError(f"import job {job_id} has gone")
    return view
