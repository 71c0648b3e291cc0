"""The upload form: paste an article or choose files; a valid upload becomes an import job."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from app.ingest.documents import DocumentError, read_document
from app.ingest.fields import (
    FieldError,
    check_text,
    size_label,
)
from app.ingest.jobs import NewItem, meta_dict
from app.ingest.metadata import ArticleMeta, MetadataError, parse_metadata
from app.ingest.schemas import ArticleFields
from app.ingest.uploads import pasted_article, queue_upload
from app.vocabulary import JobOrigin
from app.web.limits import read_form
from app.web.templating import render

router = APIRouter()
TEXT_FIELDS = ("text", "title", "outlet", "url", "published")


@dataclass
class Upload:
    """What the form sent, and what is wrong with it (field name → message)."""

    values: dict[str, str]
    files: list[UploadFile]
    metadata: UploadFile | None
    errors: dict[str, str] = field(default_factory=dict)
    fields: ArticleFields = field(default_factory=ArticleFields)

    @classmethod
    def from_form(cls, form: FormData) -> Upload:
        values = {name: _text(form.get(name)) for name in TEXT_FIELDS}
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        metadata = form.get("metadata")
        chosen = metadata if isinstance(metadata, UploadFile) and metadata.filename else None
        return cls(values, files, chosen)

    @property
    def text(self) -> str:
        return self.values["text"]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@router.get("/upload", name="upload")
def upload_form(request: Request) -> Response:
    return render(request, "uploads/form.html", {"errors": {}, "values": {}})


@router.post("/upload", name="upload_submit")
async def upload_submit(request: Request) -> Response:
    """Check the whole request first; a request that cannot import anything is refused whole
    (422, the form again with the reasons); otherwise queue a job and show its progress."""
    settings = request.app.state.settings
    upload = Upload.from_form(await read_form(request))
    check_fields(upload)
    check_amounts(upload, settings.max_upload_bytes, settings.max_upload_files)
    meta = await read_upload_metadata(upload, settings.max_upload_bytes)
    items = await upload_items(upload, meta, settings.max_upload_bytes) if not upload.errors else []
    if upload.errors:
        context = {"errors": upload.errors, "values": upload.values}
        return render(request, "uploads/form.html", context, status_code=422)
    factory = request.app.state.sessionmaker
    job_id = await run_in_threadpool(queue_upload, factory, items, JobOrigin.upload)
    await run_in_threadpool(request.app.state.dispatcher.dispatch, job_id)
    return RedirectResponse(request.app.url_path_for("job", job_id=job_id), status_code=303)


def check_fields(upload: Upload) -> None:
    """The article's descriptive fields, by the rules every door shares (ArticleFields)."""
    upload.fields, problems = ArticleFields.checked(upload.values)
    upload.errors.update(problems)


def check_amounts(upload: Upload, limit: int, max_files: int) -> None:
    """Something to import, not too much of it, and a title for pasted text."""
    if not upload.text.strip() and not upload.files:
        upload.errors["text"] = "Paste an article's text here, or choose one or more files below."
    if upload.text.strip() and not upload.fields.title:
        upload.errors.setdefault("title", "A pasted article needs a title.")
    try:
        check_text(upload.text)
    except FieldError as exc:
        upload.errors[exc.field] = exc.message
    if len(upload.text.encode("utf-8")) > limit:
        # Not shown again: sending megabytes back into the box would hold the server up.
        upload.values["text"] = ""
        upload.errors["text"] = (
            f"The text is larger than the {size_label(limit)} limit; paste a shorter one."
        )
    if len(upload.files) > max_files:
        upload.errors["files"] = f"Choose at most {max_files} files at once."


async def read_upload_metadata(upload: Upload, limit: int) -> dict[str, ArticleMeta]:
    if upload.metadata is None:
        return {}
    raw = await upload.metadata.read(limit + 1)
    try:
        # Off the event loop: a large file takes a while to check, and pages must not wait.
        return await run_in_threadpool(parse_metadata, raw, upload.metadata.filename or "metadata")
    except MetadataError as exc:
        upload.errors["metadata"] = str(exc)
        return {}


async def upload_items(upload: Upload, meta: dict[str, ArticleMeta], limit: int) -> list[NewItem]:
    """One item for the pasted text and one per file; a file that cannot become an article is
    kept with its reason, unless nothing at all could be imported."""
    items: list[NewItem] = []
    if upload.text.strip():
        items.append(pasted_article(upload.text, upload.fields))
    for chosen in upload.files:
        items.append(await _checked_file(chosen, meta, upload.fields, limit))
    if all(item.error for item in items):
        upload.errors["files"] = "None of the files can be imported: " + "; ".join(
            item.error or "" for item in items
        )
    return items


async def _checked_file(
    upload: UploadFile, meta: dict[str, ArticleMeta], given: ArticleFields, limit: int
) -> NewItem:
    """Read one file and check that it can become an article; a bad one is kept with its reason."""
    name = upload.filename or "file"
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return NewItem(name, None, error=f"{name}: larger than the {size_label(limit)} limit")
    try:
        await run_in_threadpool(read_document, data, name)
    except DocumentError as exc:
        return NewItem(name, None, error=str(exc))
    overrides = {"outlet": given.outlet, "published": given.published}
    return NewItem(name, data, meta_dict(meta.get(name), **overrides))
