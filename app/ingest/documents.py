"""Turn an uploaded or imported file into article text: plain text, Markdown, HTML or PDF."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from charset_normalizer import from_bytes

from app.dates import NotADay, parse_day
from app.ingest.fields import FieldError, check_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


class DocumentError(ValueError):
    """A file that cannot become an article, with the reason a person can act on."""


@dataclass
class Document:
    text: str
    file_name: str
    file_type: str
    sha256: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


def read_document(data: bytes, file_name: str) -> Document:
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{file_name}: unsupported file type {suffix or '(none)'}; "
            "use .txt, .md, .html, .htm or .pdf"
        )
    if not data.strip():
        raise DocumentError(f"{file_name}: the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    if suffix in PDF_SUFFIXES:
        document = _read_pdf(data, file_name)
    elif suffix in HTML_SUFFIXES:
        document = _read_html(decode_text(data, file_name), file_name)
    else:
        document = Document(
            text=decode_text(data, file_name), file_name=file_name, file_type="", sha256=""
        )
    document.file_name, document.sha256 = file_name, digest
    document.file_type = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}.get(
        suffix, "text/markdown" if suffix in {".md", ".markdown"} else "text/plain"
    )
    if not document.text.strip():
        raise DocumentError(f"{file_name}: no article text could be found in the file")
    try:
        check_text(document.text)
    except FieldError as exc:
        raise DocumentError(f"{file_name}: {exc.message}") from None
    return document


# UTF-32 first: its little-endian mark begins with UTF-16's.
UNICODE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, file_name: str) -> str:
    """Decode bytes as UTF-8 when they are, as UTF-16 or UTF-32 when a byte-order mark says so
    (Windows saves "Unicode" text that way), else by detection; binary data is refused."""
    encoding = next((name for mark, name in UNICODE_MARKS if data.startswith(mark)), None)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise DocumentError(f"{file_name}: the text is not valid {encoding.upper()}") from None
        return _checked_text(text, file_name)
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{file_name}: this is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise DocumentError(f"{file_name}: the text encoding could not be recognised") from None
        text = str(best)
    return _checked_text(text, file_name)


def _checked_text(text: str, file_name: str) -> str:
    if "\x00" in text or _control_ratio(text) > 0.05:
        raise DocumentError(f"{file_name}: this looks like binary data, not text")
    return text


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(text)


def _read_html(markup: str, file_name: str) -> Document:
    import trafilatura

    if not re.search(r"<\s*(html|body|p|div|article|h1|span)\b", markup, re.IGNORECASE):
        raise DocumentError(f"{file_name}: this does not look like an HTML page")
    text = trafilatura.extract(
        markup, include_comments=False, include_tables=False, favor_recall=True
    )
    if not text:
        raise DocumentError(f"{file_name}: no article text could be found in the page")
    metadata = trafilatura.extract_metadata(markup)
    published = None
    if metadata is not None and metadata.date:
        try:
            published = parse_day(metadata.date[:10])
        except NotADay:
            published = None
    return Document(
        text=text,
        file_name=file_name,
        file_type="text/html",
        sha256="",
        title=(metadata.title if metadata else None) or None,
        outlet=(metadata.sitename if metadata else None) or None,
        url=(metadata.url if metadata else None) or None,
        published=published,
    )


# Far above what an article's pages hold, far below what ties a server up: pypdf's own limits
# (75 MB inflated per stream, 2,000,000 operators per page) take it tens of seconds to reach, and
# a compression bomb reached them while the pages waited.
PDF_LIMITS: dict[str, Any] = {
    "zlib_maximum_output_length": 10_000_000,
    "lzw_maximum_output_length": 10_000_000,
    "run_length_maximum_output_length": 10_000_000,
    "stream_parsing_work_maximum_count": 200_000,
}


def _read_pdf(data: bytes, file_name: str) -> Document:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    if not data.startswith(b"%PDF"):
        raise DocumentError(f"{file_name}: this is not a PDF file")
    try:
        with apply_configuration(**PDF_LIMITS):
            reader = PdfReader(io.BytesIO(data))
            pages = [page.extract_text() or "" for page in reader.pages]
            title = reader.metadata.title if reader.metadata else None
    # DependencyError is no PyPdfError: pypdf raises it for an AES-encrypted file (it would need
    # the cryptography package) or a stream compressed in a way it has no decoder for.
    except (PyPdfError, DependencyError, ValueError, KeyError, OSError, RecursionError) as exc:
        if isinstance(exc, FileNotDecryptedError) or re.search(rb"/Encrypt\b", data):
            raise DocumentError(
                f"{file_name}: the PDF is encrypted; save a copy without a password and upload that"
            ) from exc
        raise DocumentError(f"{file_name}: the PDF could not be read ({exc})") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    return Document(
        text=text, file_name=file_name, file_type="application/pdf", sha256="", title=title
    )
