"""The upload form end to end (multipart): a job per upload, and bad input answered clearly
with nothing written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.pipeline import Extractor
from app.models import Article, ImportJob, Statement
from app.settings import Settings
from tests.conftest import client_for
from tests.forms import submit

ARTICLE = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Russia was ready for a third round of "
    "talks in Istanbul. “We are waiting for Kyiv’s answer,” he told reporters."
)


@pytest.fixture
def small_client(
    settings: Settings, factory: sessionmaker[Session], extractor: Extractor
) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_upload_bytes": 20_000, "max_upload_files": 3})
    yield from client_for(limited, factory, extractor)


def totals(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Article)) or 0,
        session.scalar(select(func.count()).select_from(ImportJob)) or 0,
        session.scalar(select(func.count()).select_from(Statement)) or 0,
    )


def test_pasted_article_becomes_a_job_with_its_statements(
    client: TestClient, session: Session
) -> None:
    response = submit(
        client,
        "/upload",
        data={
            "title": "Peskov on Istanbul",
            "text": ARTICLE,
            "outlet": "Test Wire",
            "published": "2025-07-18",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_url = response.headers["location"]
    assert job_url.startswith("/jobs/")
    page = BeautifulSoup(client.get(job_url).text, "html.parser")
    assert page.select_one("main")["data-job-state"] == "done"
    assert not page.select_one("main").has_attr("hx-trigger")  # polling stops when the job ends
    link = page.select_one("tr.item-imported a")
    assert link.get_text(strip=True) == "Peskov on Istanbul"
    article = BeautifulSoup(client.get(link["href"]).text, "html.parser")
    assert article.select(".article-text mark")
    job = client.get("/api" + job_url).json()
    assert job["state"] == "done"
    assert job["counts"]["imported"] == 1
    item = job["items"][0]
    stored = session.get(Article, item["article_id"])
    assert stored is not None and stored.text == ARTICLE
    assert item["statements"] >= 2


def test_files_and_metadata_with_one_bad_file(client: TestClient, session: Session) -> None:
    metadata = b'[{"file": "a.txt", "title": "From metadata", "outlet": "Meta Wire", "published": "2025-07-18"}]'
    response = submit(
        client,
        "/upload",
        files=[
            ("files", ("a.txt", ARTICLE.encode("utf-8"), "text/plain")),
            ("files", ("b.txt", b"", "text/plain")),
            ("metadata", ("meta.json", metadata, "application/json")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303
    job = client.get("/api" + response.headers["location"]).json()
    by_name = {item["file_name"]: item for item in job["items"]}
    assert by_name["a.txt"]["status"] == "imported"
    assert by_name["b.txt"]["status"] == "failed"
    assert "empty" in by_name["b.txt"]["error"]
    article = session.get(Article, by_name["a.txt"]["article_id"])
    assert article is not None and article.title == "From metadata"


def test_uploading_the_same_text_again_is_a_duplicate(client: TestClient) -> None:
    data = {"title": "One", "text": ARTICLE}
    first = client.get(
        "/api" + submit(client, "/upload", data=data, follow_redirects=False).headers["location"]
    ).json()
    second = client.get(
        "/api" + submit(client, "/upload", data=data, follow_redirects=False).headers["location"]
    ).json()
    assert second["items"][0]["status"] == "duplicate"
    assert second["items"][0]["article_id"] == first["items"][0]["article_id"]


def test_html_is_read_for_its_text_and_never_rendered(client: TestClient, session: Session) -> None:
    page = (
        "<html><head><title>Talks resume</title><script>alert('x')</script></head><body>"
        "<nav>Home | World</nav><article><h1>Talks resume</h1>"
        f"<p>{ARTICLE}</p><p>Zelensky said Ukraine would send a delegation.</p></article>"
        "<footer>Copyright</footer></body></html>"
    )
    response = submit(
        client,
        "/upload",
        files=[("files", ("page.html", page.encode(), "text/html"))],
        follow_redirects=False,
    )
    job = client.get("/api" + response.headers["location"]).json()
    article = session.get(Article, job["items"][0]["article_id"])
    assert article is not None
    assert "Peskov" in article.text and "alert" not in article.text and "<p>" not in article.text


BAD_FORMS = [
    ({}, None, "text", "Paste an article"),
    ({"text": ARTICLE}, None, "title", "needs a title"),
    ({"title": "T", "text": ARTICLE, "published": "16/05/2025"}, None, "published", "YYYY-MM-DD"),
    (
        {"title": "T", "text": ARTICLE, "published": "2999-01-01"},
        None,
        "published",
        "in the future",
    ),
    ({"title": "T", "text": ARTICLE, "url": "javascript:alert(1)"}, None, "url", "http://"),
    ({"title": "T", "text": "x" * 20_001}, None, "text", "larger than"),
    ({}, [("files", (f"{n}.txt", b"text", "text/plain")) for n in range(4)], "files", "at most 3"),
    ({}, [("files", ("empty.txt", b"", "text/plain"))], "files", "the file is empty"),
    (
        {},
        [("files", ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00IHDR", "text/plain"))],
        "files",
        "binary",
    ),
    (
        {},
        [("files", ("tool.exe", b"MZ\x90\x00", "application/octet-stream"))],
        "files",
        "unsupported file type",
    ),
    ({}, [("files", ("report.pdf", b"not really a pdf", "application/pdf"))], "files", "not a PDF"),
    (
        {},
        [("files", ("broken.pdf", b"%PDF-1.4\n garbage \x00\x01", "application/pdf"))],
        "files",
        "PDF",
    ),
    (
        {},
        [("files", ("page.html", b"<html><body><script>x()</script></body></html>", "text/html"))],
        "files",
        "no article text",
    ),
    (
        {},
        [("files", ("plain.html", b"just words, no markup at all", "text/html"))],
        "files",
        "does not look like an HTML page",
    ),
    ({}, [("files", ("big.txt", b"a" * 20_001, "text/plain"))], "files", "larger than"),
    ({}, [("files", ("noise.txt", bytes(range(1, 32)) * 40, "text/plain"))], "files", "binary"),
    (
        {"title": "T", "text": ARTICLE},
        [("metadata", ("m.json", b"{not json", "application/json"))],
        "metadata",
        "not valid JSON",
    ),
    (
        {"title": "T", "text": ARTICLE},
        [
            (
                "metadata",
                ("m.json", b'[{"file": "a.txt", "published": "May 5"}]', "application/json"),
            )
        ],
        "metadata",
        "is not a date",
    ),
    (
        {"title": "T", "text": ARTICLE},
        [("metadata", ("m.json", b'{"file": "a.txt"}', "application/json"))],
        "metadata",
        "expected a JSON list",
    ),
]


@pytest.mark.parametrize(("data", "files", "field", "message"), BAD_FORMS)
def test_bad_input_is_refused_whole_with_the_reason_by_its_field(
    small_client: TestClient,
    session: Session,
    data: dict[str, str],
    files: list[tuple[str, tuple[str, bytes, str]]] | None,
    field: str,
    message: str,
) -> None:
    before = totals(session)
    response = submit(
        small_client, "/upload", data=data, files=files, headers={"Accept": "text/html"}
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    error = page.select_one(f"#{field}-error")
    assert error is not None, page.select(".field-error")
    assert message in error.get_text()
    assert "Nothing was imported" in page.select_one(".message.error").get_text()
    # What the user typed is kept for them to correct.
    if data.get("title"):
        assert page.select_one("#title")["value"] == data["title"]
    assert totals(session) == before


def test_the_server_keeps_serving_after_bad_input(small_client: TestClient) -> None:
    submit(small_client, "/upload", files=[("files", ("x.pdf", b"%PDF-", "application/pdf"))])
    assert small_client.get("/healthz").status_code == 200
    assert small_client.get("/upload").status_code == 200


def test_jobs_list_and_unknown_job(client: TestClient) -> None:
    submit(client, "/upload", data={"title": "Listed", "text": ARTICLE})
    rows = BeautifulSoup(client.get("/jobs").text, "html.parser").select("table.data tbody tr")
    assert rows and rows[0].select_one("a")["href"].startswith("/jobs/")
    assert client.get("/jobs/999999", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/api/jobs/999999").json() == {"detail": "There is no import job 999999."}


def test_the_same_story_from_a_second_outlet_is_one_story_with_two_sources(
    client: TestClient, session: Session
) -> None:
    story = (
        "Ukraine's Foreign Minister Andrii Sybiha said on Wednesday that Kyiv would send Rustem "
        "Umerov to Geneva for talks with Marco Rubio and Steve Witkoff on the 28-point plan. "
        "“We are ready to work on every point,” Sybiha said. Kremlin spokesman Dmitry Peskov "
        "said Moscow had not received the revised draft and that Vladimir Putin would study it."
    )
    first = submit(
        client,
        "/upload",
        data={"title": "Kyiv sends Umerov", "text": story, "outlet": "Wire A"},
        follow_redirects=False,
    )
    copy = "GENEVA (Wire B) — " + story.replace("said on Wednesday", "announced on Wednesday")
    second = submit(
        client,
        "/upload",
        data={"title": "Umerov to Geneva", "text": copy, "outlet": "Wire B"},
        follow_redirects=False,
    )
    original_id = client.get("/api" + first.headers["location"]).json()["items"][0]["article_id"]
    page = BeautifulSoup(client.get(second.headers["location"]).text, "html.parser")
    assert page.select_one(".copy-of a")["href"] == f"/articles/{original_id}"
    original = BeautifulSoup(client.get(f"/articles/{original_id}").text, "html.parser")
    assert "Wire B" in original.select_one("dl.meta").get_text()
    timeline = BeautifulSoup(client.get("/timeline?q=every+point").text, "html.parser")
    quote = [s for s in timeline.select("article.statement") if "every point" in s.get_text()]
    assert len(quote) == 1
    assert (
        quote[0].select_one("details.sources summary").get_text(strip=True)
        == "reported by 2 outlets"
    )


def test_script_in_an_article_is_shown_as_text_on_every_page(
    client: TestClient, session: Session
) -> None:
    text = '<script>window.pwned = 1</script> Peskov said "the <b>talks</b> will go on <script>alert(2)</script>" on Tuesday.'
    response = submit(
        client,
        "/upload",
        data={"title": "<script>alert(3)</script>", "text": text},
        follow_redirects=False,
    )
    job = client.get("/api" + response.headers["location"]).json()
    article_id = job["items"][0]["article_id"]
    for url in (
        f"/articles/{article_id}",
        "/articles",
        "/timeline?q=talks",
        response.headers["location"],
    ):
        html = client.get(url).text
        assert "<script>window.pwned" not in html and "<script>alert" not in html, url
        assert "&lt;script&gt;" in html, url
