"""Input nobody should send gets a clear 4xx and changes nothing: absurd integers, overlong
fields, non-web URLs, bodies over the limits (refused before they are read)."""

from __future__ import annotations

import asyncio
import codecs
import json
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.pipeline import Extractor
from app.ingest import uploads
from app.models import Article, ImportJob
from app.settings import Settings
from tests.conftest import client_for, page_csrf
from tests.forms import submit

ARTICLE = "Kremlin spokesman Dmitry Peskov said on Tuesday that Russia was ready for talks."


def totals(session: Session) -> tuple[int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Article)) or 0,
        session.scalar(select(func.count()).select_from(ImportJob)) or 0,
    )


@pytest.fixture
def limited(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    """An analyst whose uploads may be 1 MB each and whose requests 3 MB."""
    small = settings.model_copy(
        update={"max_upload_bytes": 1024 * 1024, "max_request_bytes": 3 * 1024 * 1024}
    )
    yield from client_for(small, factory, extractor)


@pytest.mark.parametrize(
    "url",
    [
        "/history?before=99999999999999999999",
        "/history?before=-1",
        "/statements/99999999999999999999",
        "/timeline?outlet=99999999999999999999",
        "/timeline?from=2025-13-45",
        "/timeline?from=" + "9" * 5000,
        "/timeline?after=" + "x" * 5000,
        "/timeline?q=" + "peace " * 1000,
        "/timeline?" + "&".join(f"actor=a{i}" for i in range(200)),
        "/timeline?actor=" + "a" * 5000,
        "/api/statements?limit=99999999999999999999",
        "/review?after=inf_-99999999999999999999999999999999",
        "/review?after=0.5_99999999999999999999",
        "/review?after=nan_1",
    ],
)
def test_absurd_query_values_are_a_clear_4xx(client: TestClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "text/html"})
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert "not valid" in response.text or "out of range" in response.text or response.json()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "T" * 20_000, "text": ARTICLE}, "title", "at most 500"),
        ({"title": "T", "text": ARTICLE, "url": "https://x.org/" + "a" * 5000}, "url", "at most"),
        ({"title": "T", "text": ARTICLE, "url": "javascript:alert(1)"}, "url", "http://"),
        ({"title": "T", "text": ARTICLE, "url": "https://x.org/a b"}, "url", "http://"),
        ({"title": "T", "text": ARTICLE, "outlet": "O" * 1000}, "outlet", "at most 200"),
        ({"title": "T\x07", "text": ARTICLE}, "title", "control characters"),
        ({"title": "T", "text": ARTICLE, "published": "2025-02-30"}, "published", "YYYY-MM-DD"),
        ({"title": "T", "text": ARTICLE, "published": "0001-01-01"}, "published", "before 1900"),
        ({"title": "T", "text": ARTICLE.replace(" ", "\x00", 2)}, "text", "NUL character"),
        ({"title": "T", "text": "talks " * 170_000}, "text", "at most 1,000,000"),
    ],
)
def test_overlong_or_unsafe_fields_are_refused_by_field(
    client: TestClient, session: Session, data: dict[str, str], field: str, message: str
) -> None:
    before = totals(session)
    response = submit(client, "/upload", data, headers={"Accept": "text/html"})
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one(f"#{field}-error")
    assert error is not None and message in error.get_text()
    assert totals(session) == before


def test_a_javascript_url_from_metadata_is_refused(client: TestClient, session: Session) -> None:
    before = totals(session)
    metadata = json.dumps([{"file": "a.txt", "url": "javascript:alert(document.cookie)"}])
    response = submit(
        client,
        "/upload",
        files=[
            ("files", ("a.txt", ARTICLE.encode(), "text/plain")),
            ("metadata", ("meta.json", metadata.encode(), "application/json")),
        ],
    )
    assert response.status_code == 422
    assert "http://" in response.text
    assert totals(session) == before


def test_a_javascript_url_through_the_api_is_refused(client: TestClient, session: Session) -> None:
    before = totals(session)
    response = client.post(
        "/api/articles",
        json={"title": "T", "text": ARTICLE, "url": "javascript:alert(1)"},
        headers={"X-CSRF-Token": page_csrf(client)},
    )
    assert response.status_code == 422
    assert "http://" in response.text
    assert totals(session) == before


def test_pasted_text_over_a_mebibyte_meets_parleys_own_limit(
    limited: TestClient, session: Session
) -> None:
    """The framework's parser would refuse a 1 MiB field with a bare 400; Parley's limit and
    message apply instead."""
    before = totals(session)
    response = submit(
        limited,
        "/upload",
        {"title": "Long", "text": "word " * 220_000},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    error = page.select_one("#text-error")
    assert error is not None and "larger than the 1 MB limit" in error.get_text()
    box = page.select_one("textarea#text")
    assert box is not None and box.get_text() == ""  # not sent back: megabytes would hold it up
    assert totals(session) == before


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(
    limited: TestClient, session: Session
) -> None:
    before = totals(session)
    body = b"x" * 3_500_000
    response = limited.post(
        "/upload",
        content=body,
        headers={"Content-Type": "application/octet-stream", "Accept": "text/html"},
    )
    assert response.status_code == 413
    assert "larger than the 3 MB" in response.text
    assert totals(session) == before


def test_a_large_anonymous_body_is_refused_unread(anonymous: TestClient, session: Session) -> None:
    before = totals(session)
    token = page_csrf(anonymous, "/login")
    response = anonymous.post(
        "/upload",
        files=[("files", ("big.txt", b"a" * 40_000_000, "text/plain"))],
        data={"csrf_token": token},
    )
    assert response.status_code == 413
    assert "not logged in" in response.json()["detail"]
    assert totals(session) == before


def test_the_upload_form_is_still_served_after_hostile_input(limited: TestClient) -> None:
    limited.post("/upload", content=b"\x00" * 10, headers={"Content-Type": "multipart/form-data"})
    limited.post(
        "/upload",
        content=b"--x\r\n" * 1000,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert limited.get("/upload").status_code == 200
    assert limited.get("/healthz").status_code == 200


def pdf(*objects: bytes, trailer: bytes = b"") -> bytes:
    """A PDF of these objects (the first is the catalog) with a correct cross-reference table."""
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    end = b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
    return body + xref + end % (len(objects) + 1, trailer, len(body))


INFLATES = zlib.compress(b"BT (a) Tj ET " * 5_000_000, 9)
AES_PDF = pdf(
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [] /Count 0 >>",
    b"<< /Filter /Standard /V 5 /R 6 /Length 256 /O <00> /U <00> /OE <00> /UE <00> /P -4 "
    b"/Perms <00> /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> "
    b"/StmF /StdCF /StrF /StdCF >>",
    trailer=b"/Encrypt 3 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ",
)

BOMB_PDF = pdf(
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(INFLATES), INFLATES),
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # pypdf needs the optional cryptography package for AES and says so with an error of its
        # own kind (not a PdfReadError): that was a 500.
        ("locked.pdf", AES_PDF, "the PDF is encrypted"),
        # 65 MB of operators behind 65 KB: under pypdf's own limits it took the server 15 s.
        ("bomb.pdf", BOMB_PDF, "Limit reached while decompressing"),
        ("long.txt", b"talks " * 170_000, "at most 1,000,000"),
    ],
)
def test_a_file_that_cannot_become_an_article_is_refused_with_its_reason(
    client: TestClient, session: Session, name: str, content: bytes, message: str
) -> None:
    before = totals(session)
    response = submit(
        client,
        "/upload",
        files=[("files", (name, content, "application/octet-stream"))],
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one("#files-error")
    assert error is not None and name in error.get_text() and message in error.get_text()
    assert totals(session) == before


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),  # was a RecursionError, a 500
        (json.dumps([{"file": "a.txt", "title": {"a": [1]}}]).encode(), "'title' must be text"),
        (json.dumps([{"file": "a.txt", "published": 20250101}]).encode(), "not a number"),
    ],
)
def test_metadata_that_is_no_list_of_texts_is_refused(
    client: TestClient, session: Session, metadata: bytes, message: str
) -> None:
    before = totals(session)
    response = submit(
        client,
        "/upload",
        files=[
            ("files", ("a.txt", ARTICLE.encode(), "text/plain")),
            ("metadata", ("meta.json", metadata, "application/json")),
        ],
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").select_one("#metadata-error")
    assert error is not None and message in error.get_text()
    assert totals(session) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-32"])
def test_unicode_text_with_a_byte_order_mark_imports(
    client: TestClient, session: Session, encoding: str
) -> None:
    """Windows saves "Unicode" text as UTF-16 with a byte-order mark; its NUL bytes once made it
    "a binary file"."""
    content = (
        codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be")
        if encoding == "utf-16-be-bom"
        else ARTICLE.encode(encoding)
    )
    response = submit(client, "/upload", files=[("files", ("unicode.txt", content, "text/plain"))])
    assert response.status_code == 200  # the job page, after the redirect
    session.expire_all()
    stored = session.scalar(select(Article).where(Article.file_name == "unicode.txt"))
    assert stored is not None and stored.text == ARTICLE


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published", "0001-01-01", "before 1900"),
        ("text", "talks " * 170_000, "1000000"),
        # Checked by ArticleFields, the model the upload form uses too.
        ("title", "Talks\x07 resume", "control characters"),
        ("outlet", "Reu\x1bters", "control characters"),
    ],
)
def test_the_api_refuses_what_the_form_refuses(
    client: TestClient, session: Session, field: str, value: str, message: str
) -> None:
    before = totals(session)
    response = client.post(
        "/api/articles",
        json={"title": "T", "text": ARTICLE, field: value},
        headers={"X-CSRF-Token": page_csrf(client)},
    )
    assert response.status_code == 422
    assert message in response.text
    assert totals(session) == before


def test_an_uploads_job_is_stored_off_the_event_loop(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waiting for SQLite's write lock on the event loop stopped every request, the one holding
    the lock among them (a login commits as its session ends, on the loop): both waited out the
    30 s busy timeout, and the upload was a 500."""
    on_the_loop: list[bool] = []
    create_job = uploads.create_job

    def recording(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_the_loop.append(True)
        except RuntimeError:
            on_the_loop.append(False)
        return create_job(*args, **kwargs)

    monkeypatch.setattr(uploads, "create_job", recording)
    response = submit(client, "/upload", {"title": "T", "text": ARTICLE}, follow_redirects=False)
    assert response.status_code == 303
    assert on_the_loop == [False]
