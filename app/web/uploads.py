"""The upload form: paste an article or choose files; a valid upload becomes an import job."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.db import transaction
from app.ingest.documents import DocumentError, read_document
from app.ingest.jobs import NewItem, create_job, meta_dict
from app.ingest.metadata import ArticleMeta, MetadataError, parse_metadata
from app.web.templating import render

router = APIRouter()
PASTED_NAME = "pasted-text.txt"


def parse_form_date(value: str, errors: dict[str, str]) -> date | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        errors["published"] = "Give the publication date as YYYY-MM-DD, for example 2025-05-16."
        return None
    if day > date.today():
        errors["published"] = "The publication date is in the future."
        return None
    return day


@router.get("/upload", name="upload")
def upload_form(request: Request) -> Response:
    return render(request, "uploads/form.html", {"errors": {}, "values": {}})


@router.post("/upload", name="upload_submit")
async def upload_submit(
    request: Request,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    metadata: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Check the whole request first; a request that cannot import anything is refused whole
    (422, the form again with the reasons); otherwise queue a job and show its progress."""
    settings = request.app.state.settings
    limit = settings.max_upload_bytes
    values = {"text": text, "title": title, "outlet": outlet, "url": url, "published": published}
    errors: dict[str, str] = {}
    chosen = [f for f in files or [] if f.filename]
    published_on = parse_form_date(published, errors)
    if url.strip() and not url.strip().startswith(("http://", "https://")):
        errors["url"] = "The URL must start with http:// or https://."
    if not text.strip() and not chosen:
        errors["text"] = "Paste an article's text here, or choose one or more files below."
    if text.strip() and not title.strip():
        errors["title"] = "A pasted article needs a title."
    if len(text.encode("utf-8")) > limit:
        errors["text"] = f"The text is larger than the {limit / 1_000_000:g} MB limit."
    if len(chosen) > settings.max_upload_files:
        errors["files"] = f"Choose at most {settings.max_upload_files} files at once."
    meta: dict[str, ArticleMeta] = {}
    if metadata is not None and metadata.filename:
        try:
            meta = parse_metadata(await metadata.read(limit + 1), metadata.filename)
        except MetadataError as exc:
            errors["metadata"] = str(exc)

    items: list[NewItem] = []
    if not errors and text.strip():
        form_meta = meta_dict(
            None,
            title=title.strip(),
            outlet=outlet.strip(),
            url=url.strip(),
            published=published_on,
        )
        items.append(NewItem(PASTED_NAME, text.encode("utf-8"), form_meta))
    if not errors:
        for upload in chosen:
            items.append(await _checked_file(upload, meta, outlet.strip(), published_on, limit))
        if all(item.error for item in items):
            errors["files"] = "None of the files can be imported: " + "; ".join(
                item.error or "" for item in items
            )
    if errors:
        return render(
            request, "uploads/form.html", {"errors": errors, "values": values}, status_code=422
        )

    factory = request.app.state.sessionmaker
    with transaction(factory) as session:
        job_id = create_job(session, items, origin="upload").id
    await run_in_threadpool(request.app.state.dispatcher.dispatch, job_id)
    return RedirectResponse(request.app.url_path_for("job", job_id=job_id), status_code=303)


async def _checked_file(
    upload: UploadFile,
    meta: dict[str, ArticleMeta],
    outlet: str,
    published: date | None,
    limit: int,
) -> NewItem:
    """Read one file and check that it can become an article; a bad one is kept with its reason."""
    name = upload.filename or "file"
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return NewItem(name, None, error=f"{name}: larger than the {limit / 1_000_000:g} MB limit")
    try:
        await run_in_threadpool(read_document, data, name)
    except DocumentError as exc:
        return NewItem(name, None, error=str(exc))
    return NewItem(name, data, meta_dict(meta.get(name), outlet=outlet, published=published))
