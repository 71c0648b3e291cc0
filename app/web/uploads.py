"""The upload form: paste an article or choose files, and see each one imported or refused."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.ingest.documents import Document, DocumentError, read_document
from app.ingest.metadata import ArticleMeta, MetadataError, parse_metadata
from app.ingest.service import ArticleImporter, FileOutcome, article_input
from app.web.templating import render

router = APIRouter()


class FormErrors(dict[str, str]):
    """Field name to a message a person can act on."""


def parse_form_date(value: str, errors: FormErrors) -> date | None:
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
    return render(request, "uploads/form.html", {"errors": {}, "values": {}, "outcomes": []})


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
    settings = request.app.state.settings
    values = {"text": text, "title": title, "outlet": outlet, "url": url, "published": published}
    errors = FormErrors()
    chosen = [f for f in files or [] if f.filename]
    published_on = parse_form_date(published, errors)
    if url.strip() and not url.strip().startswith(("http://", "https://")):
        errors["url"] = "The URL must start with http:// or https://."
    if not text.strip() and not chosen:
        errors["text"] = "Paste an article's text here, or choose one or more files below."
    if text.strip() and not title.strip():
        errors["title"] = "A pasted article needs a title."
    if len(chosen) > settings.max_upload_files:
        errors["files"] = f"Choose at most {settings.max_upload_files} files at once."
    meta: dict[str, ArticleMeta] = {}
    if metadata is not None and metadata.filename:
        try:
            meta = parse_metadata(await metadata.read(), metadata.filename)
        except MetadataError as exc:
            errors["metadata"] = str(exc)
    if len(text.encode("utf-8")) > settings.max_upload_bytes:
        errors["text"] = (
            f"The text is larger than the {settings.max_upload_bytes // 1_000_000} MB limit."
        )
    if errors:
        context = {"errors": errors, "values": values, "outcomes": []}
        return render(request, "uploads/form.html", context, status_code=422)

    documents: list[tuple[str, Document | None, str | None]] = []
    if text.strip():
        pasted = Document(text=text, file_name="", file_type="text/plain", sha256="")
        pasted.title, pasted.outlet, pasted.url = (
            title.strip(),
            outlet.strip() or None,
            url.strip() or None,
        )
        pasted.published = published_on
        documents.append(("pasted text", pasted, None))
    for upload in chosen:
        name = upload.filename or "file"
        data = await upload.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            documents.append(
                (
                    name,
                    None,
                    f"{name}: larger than the {settings.max_upload_bytes // 1_000_000} MB limit",
                )
            )
            continue
        try:
            read = read_document(data, name)
        except DocumentError as exc:
            documents.append((name, None, str(exc)))
            continue
        read.published = published_on or read.published
        read.outlet = outlet.strip() or read.outlet
        documents.append((name, read, None))

    importer = ArticleImporter(request.app.state.sessionmaker)
    outcomes: list[FileOutcome] = []
    for name, document, problem in documents:
        if document is None:
            outcomes.append(FileOutcome(path=name, status="failed", error=problem))
            continue
        item = article_input(document, meta.get(name))
        result = await run_in_threadpool(importer.import_input, item)
        outcomes.append(
            FileOutcome(
                path=name,
                status=result.status,
                article_id=result.article_id,
                statements=result.statements,
            )
        )
    return render(request, "uploads/form.html", {"errors": {}, "values": {}, "outcomes": outcomes})
