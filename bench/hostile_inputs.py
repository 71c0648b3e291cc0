"""Hostile input against a real server: uploads nobody should send, fuzzed query strings, forged
and replayed sessions, with the timeline timed the whole while.

Run: .venv/bin/python bench/hostile_inputs.py [--queries 2000] [--seed 13] [--job-timeout 1800]
     [--keep]

A fresh SQLite database in a temporary folder is migrated (`parley db upgrade`), seeded
(`parley seed`) and given an analyst (`parley users create … --password-stdin`); `parley serve`
runs on a free 127.0.0.1 port with its own PARLEY_SECRET_KEY. The script logs in as a browser
does (the login form's csrf_token, the session cookie) and then:

1. sends each hostile upload of uploads() to POST /upload as the form sends it (multipart: title,
   outlet, url, published, text, files, metadata; the token read from the upload page);
2. sends --queries fuzzed GETs over every page, API and export route that takes parameters
   (random bytes, absurd integers, repeated keys, 10,000-character values, unicode, broken
   percent-encoding, near-valid cursors and dates), as raw request targets;
3. meanwhile a second process asks for /timeline every 0.5 s and records how long it took;
4. waits for every import job to end (GET /api/jobs/{id}), then checks the database (read-only)
   for partial articles: an article without a finished import item, or an item marked imported
   whose article is missing; and parses the pages of imported XSS cases for live markup;
5. replays a session cookie after logging out, and forges cookies (random, altered signature,
   altered payload, signed with another or the old published key, signed with the real key but
   naming no server-side session): each must be anonymous.

Every 4xx must carry a message a person can read (at least three words, not a bare reason
phrase). The script prints each problem, then the summary table, and exits 1 on any 5xx, unclear
4xx, partial article, import crash, unfinished job, upload answered against its expectation,
live XSS markup, page slower than 1 s, or accepted forged or replayed session.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import http.client
import io
import json
import mimetypes
import multiprocessing
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402
from itsdangerous import TimestampSigner  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import Article, ImportItem  # noqa: E402

PARLEY = ROOT / ".venv" / "bin" / "parley"
EMAIL = "hostile@example.org"
PASSWORD = "a long analyst password"
SESSION_COOKIE = "parley_session"
PUBLISHED_KEY = "parley-development-secret-change-me"  # an old default: must never sign anyone in
PAGE_BUDGET = 1.0  # seconds: the slowest /timeline allowed while the battery runs
MAX_TARGET = 14_000  # uvicorn's h11 refuses request heads over 16 KiB before Parley sees them
BARE_PHRASES = {
    "bad request",
    "forbidden",
    "not found",
    "method not allowed",
    "unprocessable entity",
    "unprocessable content",
    "request entity too large",
    "internal server error",
    "invalid http request received.",
}

# --- articles and files -------------------------------------------------------------------------

SPEAKERS = [
    ("Kremlin spokesman Dmitry Peskov", "Peskov"),
    ("Ukrainian President Volodymyr Zelensky", "Zelensky"),
    ("U.S. Secretary of State Marco Rubio", "Rubio"),
    ("Russian Foreign Minister Sergei Lavrov", "Lavrov"),
    ("NATO Secretary General Mark Rutte", "Rutte"),
]
CLAIMS = [
    "Russia was ready for a new round of talks in {place}",
    "Kyiv would never accept a ceasefire that left foreign troops on its territory",
    "any agreement must include security guarantees for Ukraine",
    "sanctions would stay in place until the fighting stopped",
    "the prisoner exchange agreed in {place} had been completed",
    "a memorandum on the peace plan would be ready within {n} days",
]
PLACES = ["Istanbul", "Geneva", "Riyadh", "Abu Dhabi", "Vatican City", "Helsinki", "Doha"]


def article(rng: random.Random, marker: str) -> str:
    """A short made-up report with attributed statements, unique to ``marker``."""
    sentences = []
    for _ in range(4):
        full, short = rng.choice(SPEAKERS)
        claim = rng.choice(CLAIMS).format(place=rng.choice(PLACES), n=rng.randint(2, 90))
        sentences.append(f"{full} said on Tuesday that {claim}.")
        sentences.append(f"“We will not change our position on this,” {short} told reporters.")
    return " ".join(sentences) + f"\n\nReference {marker} {rng.getrandbits(64):x}."


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF with these numbered objects, a correct cross-reference table and object 1 as root."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
CYCLE = b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"
FILE_ID = b"/ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] "


def page(resources: bytes = b"<< /Font << /F1 5 0 R >> >>") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources %s >>"
        % resources
    )


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text pypdf can read back."""
    words = text.replace("“", '"').replace("”", '"').encode("latin-1", "replace")
    words = words.replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
    lines = b"".join(b"(%s) Tj T* " % words[i : i + 90] for i in range(0, len(words), 90))
    content = b"BT /F1 10 Tf 13 TL 40 780 Td " + lines + b"ET"
    return pdf_file([CATALOG, ONE_PAGE, page(), stream(content), FONT])


def encrypted_pdf(handler: bytes) -> bytes:
    return pdf_file(
        [CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>", handler], b"/Encrypt 3 0 R " + FILE_ID
    )


RC4_HANDLER = b"<< /Filter /Standard /V 2 /R 3 /Length 128 /O <%s> /U <%s> /P -4 >>" % (
    b"00" * 32,
    b"00" * 32,
)
AES_HANDLER = (
    b"<< /Filter /Standard /V 5 /R 6 /Length 256 /O <00> /U <00> /OE <00> /UE <00> /P -4 "
    b"/Perms <00> /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> "
    b"/StmF /StdCF /StrF /StdCF >>"
)


def entity_bomb(body: str) -> str:
    """The billion laughs, as an XHTML document type."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [{entities}]>'
        f"<html><body><p>{body} &lol9;</p></body></html>"
    )


XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
XSS_URL = 'https://example.org/"><svg/onload=alert(1)>'  # no space: a valid URL
XSS_HTML = (
    "<html><head><title>XSS page</title><script>alert(1)</script></head><body><article>"
    '<h1 onmouseover=alert(2)>Talks</h1><p>{body}</p><p><a href="javascript:alert(3)">link</a>'
    '<iframe src="javascript:alert(4)"></iframe><svg onload=alert(5)></svg>'
    "<img src=x onerror=alert(6)> &lt;script&gt;alert(7)&lt;/script&gt;</p></article></body></html>"
)


# --- the uploads --------------------------------------------------------------------------------

FileSpec = tuple[str, bytes, str]
REFUSED, IMPORTED, EITHER = "refused", "imported", "either"


@dataclass
class Upload:
    """One POST /upload: the form's fields, its files, and what should happen.

    ``expect`` is REFUSED (a 4xx), IMPORTED (the job imports it) or EITHER (a clear refusal and
    a clean import are both right)."""

    label: str
    expect: str
    files: list[FileSpec] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    metadata: FileSpec | None = None
    token: str = "page"  # "page": read from the form; "none": left out; "wrong": made up
    anonymous: bool = False
    raw: tuple[str, bytes] | None = None  # (content type, body) sent instead of the form
    xss: bool = False  # the imported article's pages are checked for live markup


def up(label: str, expect: str, *files: FileSpec, **options: Any) -> Upload:
    return Upload(label, expect, list(files), **options)


def f(name: str, data: bytes | str, encoding: str = "utf-8") -> FileSpec:
    """A file as the browser sends it (the server goes by the name's suffix, not the type)."""
    content = data.encode(encoding) if isinstance(data, str) else data
    return (name, content, mimetypes.guess_type(name)[0] or "application/octet-stream")


def meta(entries: Any) -> FileSpec:
    return f("meta.json", entries if isinstance(entries, bytes) else json.dumps(entries))


def uploads(rng: random.Random) -> list[Upload]:
    """The battery, heavy articles last (the importer takes jobs in order)."""

    def text(marker: str) -> str:
        return article(rng, marker)

    def legacy(marker: str) -> str:  # for 8-bit encodings that have no curly quotes
        return text(marker).replace("“", '"').replace("”", '"')

    def pasted(marker: str, **fields: str) -> dict[str, str]:
        return {"title": f"Hostile input: {marker}", "text": text(marker), **fields}

    def html(body: str) -> str:
        return f"<html><body><p>{body}</p></body></html>"

    good_pdf = text_pdf(text("pdf"))
    twice = text("twice")
    junk = os.urandom(50_000)
    deep_pdf = pdf_file([CATALOG, ONE_PAGE, page(b"<< /X " * 100_000 + b">>" * 100_000), FONT])
    flate = stream(zlib.compress(b"BT (a) Tj ET " * 5_000_000, 9), b"/Filter /FlateDecode ")
    bomb_pdf = pdf_file([CATALOG, ONE_PAGE, page(), flate, FONT])
    nested = "<div>" * 100_000 + f"<p>{text('nested')}</p>" + "</div>" * 100_000
    broken = f"<html><body><p>{text('broken')}<p><div></span></b><<<>>>&&&;;<!--<tr><td>"
    charset = '<html><head><meta charset="windows-1252"></head><body><p>{} “Ça va”.</p>'
    utf16be = codecs.BOM_UTF16_BE + text("u16be").encode("utf-16-be")
    nul_text = text("n2").replace(" ", "\x00", 5)
    quotes = 'Peskov said "' + '"' * 50_000 + "peace talks" + '"' * 50_000 + '".'
    words = " ".join(rng.choice([*PLACES, "talks", "said", "peace"]) for _ in range(130_000))
    words = words[:999_000].rsplit(" ", 1)[0]  # just under the 1,000,000-character limit
    entities = html("&#x41;&amp;&lt;&nbsp;" * 25_000) + html(text("entities"))
    xss_names = [f(f"<img src=x onerror=alert({i})>'\".txt", text(f"xn{i}")) for i in range(2)]
    xss_page = XSS_HTML.format(body=text("xh"))
    many = [f(f"f{i}.txt", text(f"f{i}")) for i in range(201)]
    rows = [{"file": f"x{i}.txt", "title": "t" * 400} for i in range(70_000)]
    return [
        # binary, empty, too large, too many, not a form, not signed in
        up("binary junk .txt", REFUSED, f("junk.txt", junk)),
        up("binary junk .html", REFUSED, f("junk.html", junk)),
        up("binary junk .pdf", REFUSED, f("junk.pdf", junk)),
        up("Windows executable", REFUSED, f("setup.exe", b"MZ\x90\x00" + junk)),
        up("file without an extension", REFUSED, f("README", text("noext"))),
        up("empty .txt", REFUSED, f("empty.txt", b"")),
        up("whitespace-only .md", REFUSED, f("blank.md", " \n\t\r\n" * 1000)),
        up("nothing at all", REFUSED, form={"title": "", "text": ""}),
        up("a title and no text", REFUSED, form={"title": "Only a title"}),
        up("pasted text without a title", REFUSED, form={"text": text("notitle")}),
        up("30 MB .txt file", REFUSED, f("big.txt", "peace talks " * 2_500_000)),
        up("30 MB pasted text", REFUSED, form={"title": "Huge", "text": "talks " * 5_000_000}),
        up("201 files", REFUSED, *many),
        up("300 form fields", REFUSED, raw=("fields", b"")),
        up("multipart without a boundary", REFUSED, raw=("multipart/form-data", b"--x\r\n" * 99)),
        up("random bytes as multipart", REFUSED, raw=("multipart/form-data; boundary=z", junk)),
        up("no CSRF token", REFUSED, form=pasted("nocsrf"), token="none"),
        up("a made-up CSRF token", REFUSED, form=pasted("badcsrf"), token="wrong"),
        up("not logged in", REFUSED, form=pasted("anonymous"), anonymous=True),
        # encodings
        up("UTF-8 with a BOM", IMPORTED, f("bom8.txt", text("bom8"), "utf-8-sig")),
        up("UTF-16 LE with a BOM", IMPORTED, f("u16.txt", text("u16"), "utf-16")),
        up("UTF-16 BE with a BOM", IMPORTED, f("u16be.txt", utf16be)),
        up("UTF-32 with a BOM", IMPORTED, f("u32.txt", text("u32"), "utf-32")),
        up("UTF-16 without a BOM", EITHER, f("u16n.txt", text("u16n"), "utf-16-le")),
        up("Latin-1", IMPORTED, f("l1.txt", legacy("l1") + " François Müller, Zürich.", "latin-1")),
        up("Windows-1251", EITHER, f("cp1251.txt", legacy("cp1251") + " Песков заявил.", "cp1251")),
        up("Shift-JIS", EITHER, f("sjis.txt", legacy("sjis") + " 和平交渉は続く。", "shift_jis")),
        up("invalid UTF-8", EITHER, f("bad8.txt", text("bad8").encode() + b"\xc0\xaf\xed\xa0\x80")),
        up("HTML declaring the wrong charset", IMPORTED, f("cs.html", charset.format(text("cs")))),
        # HTML
        up("malformed HTML", IMPORTED, f("malformed.html", broken + text("malformed"))),
        up("HTML nested 100,000 deep", EITHER, f("nested.html", f"<html><body>{nested}")),
        up("HTML entity bomb", EITHER, f("bomb.html", entity_bomb(text("bomb")))),
        up("HTML with only a script", REFUSED, f("script.html", html("<script>alert(1)</script>"))),
        up("plain text named .html", REFUSED, f("plain.html", "just words, no markup " * 20)),
        up("XSS in an HTML article", IMPORTED, f("x.html", xss_page), xss=True),
        # PDF
        up("a valid PDF", IMPORTED, f("good.pdf", good_pdf)),
        up("truncated PDF", REFUSED, f("truncated.pdf", good_pdf[: len(good_pdf) // 2])),
        up("malformed PDF", REFUSED, f("malformed.pdf", b"%PDF-1.7\n" + b"obj << >> " * 2000)),
        up("PDF header only", REFUSED, f("header.pdf", b"%PDF-")),
        up("encrypted PDF (RC4)", REFUSED, f("rc4.pdf", encrypted_pdf(RC4_HANDLER))),
        up("encrypted PDF (AES-256)", REFUSED, f("aes.pdf", encrypted_pdf(AES_HANDLER))),
        up("PDF with a cyclic page tree", REFUSED, f("cycle.pdf", pdf_file([CATALOG, CYCLE]))),
        up("PDF compression bomb", REFUSED, f("flate.pdf", bomb_pdf)),
        up("PDF nested 100,000 deep", REFUSED, f("deep.pdf", deep_pdf)),
        up("HTML named .pdf", REFUSED, f("fake.pdf", html(text("fakepdf")))),
        # XSS in every field
        up("XSS in the title", IMPORTED, form=pasted("xt", title=f"Talks {XSS}"), xss=True),
        up("XSS in the outlet", IMPORTED, form=pasted("xo", outlet=f"Wire {XSS}"), xss=True),
        up("XSS in the URL", EITHER, form=pasted("xu", url=XSS_URL), xss=True),
        up("XSS in the date", REFUSED, form=pasted("xd", published=XSS)),
        up("XSS in the text", IMPORTED, form={"title": "XSS", "text": text("xx") + XSS}, xss=True),
        up("XSS in file names", IMPORTED, *xss_names, xss=True),
        up("XSS in metadata", IMPORTED, f("mx.txt", text("mx")), xss=True,
           metadata=meta([{"file": "mx.txt", "title": XSS, "outlet": XSS}])),
        up("javascript: URL", REFUSED, form=pasted("js", url="javascript:alert(document.cookie)")),
        up("JaVaScRiPt&#58; URL", REFUSED, form=pasted("js2", url="JaVaScRiPt&#58;alert(1)")),
        up("data: URL", REFUSED, form=pasted("data", url="data:text/html;base64,PHNjcmlwdD4=")),
        up("javascript: URL in metadata", REFUSED, f("mj.txt", text("mj")),
           metadata=meta([{"file": "mj.txt", "url": "javascript:alert(1)"}])),
        # absurd dates, overlong fields, NUL bytes, odd file names
        up("date 99999-12-31", REFUSED, form=pasted("d1", published="99999-12-31")),
        up("date 2025-02-30", REFUSED, form=pasted("d2", published="2025-02-30")),
        up("date in the year 2999", REFUSED, form=pasted("d3", published="2999-01-01")),
        up("date -1", REFUSED, form=pasted("d4", published="-1")),
        up("date 0001-01-01", EITHER, form=pasted("d5", published="0001-01-01")),
        up("20,000-character title", REFUSED, form=pasted("t1", title="T" * 20_000)),
        up("5,000-character URL", REFUSED, form=pasted("u1", url="https://x.org/" + "a" * 5000)),
        up("1,000-character outlet", REFUSED, form=pasted("o1", outlet="O" * 1000)),
        up("NUL byte in the title", REFUSED, form=pasted("n1", title="Talks\x00resume")),
        up("NUL bytes in pasted text", REFUSED, form={"title": "NUL", "text": nul_text}),
        up("control characters in a file", REFUSED, f("bell.txt", "\x07\x08" * 400 + text("b"))),
        up("NUL byte in a file name", EITHER, f("nul\x00name.txt", text("nulname"))),
        up("10,000-character file name", EITHER, f("n" * 10_000 + ".txt", text("longname"))),
        up("path traversal in a file name", EITHER, f("../../../etc/passwd.txt", text("dots"))),
        # metadata files
        up("metadata nested 100,000 deep", REFUSED, f("m1.txt", text("m1")),
           metadata=meta(b"[" * 100_000 + b"]" * 100_000)),
        up("metadata of the wrong types", REFUSED, f("m2.txt", text("m2")),
           metadata=meta([{"file": "m2.txt", "title": {"a": [1]}, "published": 20250101}])),
        up("metadata that is an object", REFUSED, f("m3.txt", text("m3")),
           metadata=meta({"file": "m3.txt"})),
        up("metadata that is binary", REFUSED, f("m4.txt", text("m4")), metadata=meta(junk)),
        up("metadata with a 5,000-digit number", REFUSED, f("m5.txt", text("m5")),
           metadata=meta(b'[{"file": "m5.txt", "published": ' + b"9" * 5000 + b"}]")),
        up("metadata of 8 MB", IMPORTED, f("m6.txt", text("m6")), metadata=meta(rows[:19_000])),
        up("metadata of 30 MB", REFUSED, f("m7.txt", text("m7")), metadata=meta(rows)),
        # mixtures and repeats
        up("a good file among bad ones", IMPORTED, f("ok.txt", text("ok")), f("bad.txt", junk),
           f("empty.txt", b"")),
        up("the same article twice", IMPORTED, f("twice-a.txt", twice), f("twice-b.txt", twice)),
        # heavy articles last
        up("HTML with 100,000 entities", EITHER, f("entities.html", entities)),
        up("over 1,000,000 characters", REFUSED, f("long.txt", words + " " + words)),
        up("1 MB without a sentence break", EITHER, f("nobreak.txt", words)),
        up("100,000 quotation marks", EITHER, form={"title": "Quotes", "text": quotes}),
    ]  # fmt: skip


# --- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    workdir: Path
    database: Path
    secret: str
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> Path:
        return self.workdir / "server.log"

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(keep: bool) -> Iterator[Server]:
    """A migrated, seeded database with an analyst, and `parley serve` on it."""
    workdir = Path(tempfile.mkdtemp(prefix="parley-hostile-"))
    database = workdir / "parley.db"
    secret = secrets.token_urlsafe(48)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env |= {"PARLEY_DATABASE_URL": f"sqlite:///{database}", "PARLEY_SECRET_KEY": secret}

    def parley(*args: str, stdin: bytes | None = None) -> None:
        subprocess.run(
            [str(PARLEY), *args], env=env, cwd=workdir, input=stdin, check=True, capture_output=True
        )

    parley("db", "upgrade")
    parley("seed")
    parley(
        "users",
        "create",
        EMAIL,
        "--role",
        "analyst",
        "--password-stdin",
        stdin=f"{PASSWORD}\n".encode(),
    )
    port = free_port()
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [str(PARLEY), "serve", "--port", str(port)], env=env, cwd=workdir, stdout=log, stderr=log
    )
    server = Server(f"http://127.0.0.1:{port}", workdir, database, secret, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {server.log}")
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if not keep:
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            workdir.rmdir()


# --- a browser ----------------------------------------------------------------------------------


def form_token(html: str, action: str) -> str:
    """The csrf_token hidden field of the form posting to ``action``."""
    soup = BeautifulSoup(html, "html.parser")
    field_ = soup.select_one(f'form[action="{action}"] input[name=csrf_token]')
    return str(field_["value"]) if field_ is not None else ""


class Browser:
    """An HTTP client that keeps its cookie and submits forms with the token of their page."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, follow_redirects=False, timeout=300)

    def login(self, email: str = EMAIL, password: str = PASSWORD) -> None:
        token = form_token(self.client.get("/login").text, "/login")
        response = self.client.post(
            "/login", data={"email": email, "password": password, "next": "/", "csrf_token": token}
        )
        if response.status_code != 303:
            raise RuntimeError(f"login failed: {response.status_code}")

    def logout(self) -> int:
        token = form_token(self.client.get("/account").text, "/logout")
        return self.client.post("/logout", data={"csrf_token": token}).status_code

    def get(self, path: str) -> httpx.Response:
        """A GET, tried again once if the server dropped the kept-alive connection (it closes it
        after an error)."""
        try:
            return self.client.get(path)
        except httpx.TransportError:
            return self.client.get(path)

    def signed_in(self) -> bool:
        return self.client.get("/account").status_code == 200

    @property
    def cookie(self) -> str:
        return self.client.cookies.get(SESSION_COOKIE) or ""

    def close(self) -> None:
        self.client.close()


def message_of(response: httpx.Response | RawResponse) -> str:
    """What the answer tells a person: the JSON detail, or the page's alerts and field errors."""
    body = response.content
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        try:
            detail = json.loads(body).get("detail")
        except (ValueError, AttributeError):
            return body.decode("utf-8", "replace")
        if isinstance(detail, list):
            return "; ".join(
                f"{d.get('field', '')}: {d.get('message') or d.get('msg')}" for d in detail
            )
        return str(detail or "")
    if "html" in kind:
        soup = BeautifulSoup(body, "html.parser")
        # The field's own message says more than the form's "nothing was imported".
        found = soup.select(".field-error") or soup.select("[role=alert]")
        parts = [element.get_text(" ", strip=True) for element in found]
        return " | ".join(dict.fromkeys(p for p in parts if p))
    return body.decode("utf-8", "replace")


def is_human(message: str) -> bool:
    text = message.strip()
    return (
        len(re.findall(r"[^\W\d_]{2,}", text)) >= 3
        and text.lower() not in BARE_PHRASES
        and "Traceback" not in text
        and " object at 0x" not in text
    )


# --- results ------------------------------------------------------------------------------------


@dataclass
class Result:
    category: str
    label: str
    status: int
    message: str = ""
    seconds: float = 0.0
    at: float = 0.0  # wall-clock time it was sent
    verdict: str = ""
    job_id: int | None = None

    @property
    def broken(self) -> bool:
        """A server error, or no answer at all."""
        return self.status >= 500 or self.status == 0

    @property
    def unclear(self) -> bool:
        return 400 <= self.status < 500 and not is_human(self.message)


def status_class(status: int) -> str:
    return f"{status // 100}xx" if status else "none"


# --- uploads ------------------------------------------------------------------------------------


def send_upload(browser: Browser, server: Server, case: Upload) -> Result:
    client = browser.client
    if case.anonymous:
        client = httpx.Client(base_url=server.base, follow_redirects=False, timeout=300)
        shown = form_token(client.get("/login").text, "/login")
    else:
        shown = form_token(browser.get("/upload").text, "/upload")
    token = {"page": shown, "none": None, "wrong": secrets.token_urlsafe(32)}[case.token]
    at, started = time.time(), time.monotonic()
    try:
        response = post_upload(client, case, token)
    except httpx.TransportError as exc:
        return Result(
            "uploads", case.label, 0, f"no answer: {exc!r}", time.monotonic() - started, at
        )
    finally:
        if case.anonymous:
            client.close()
    seconds = time.monotonic() - started
    result = Result("uploads", case.label, response.status_code, seconds=seconds, at=at)
    if response.status_code == 303 and (
        match := re.fullmatch(r"/jobs/(\d+)", response.headers.get("location", ""))
    ):
        result.job_id = int(match.group(1))
    elif response.status_code >= 400:
        result.message = message_of(response)
    return result


def post_upload(client: httpx.Client, case: Upload, token: str | None) -> httpx.Response:
    """The upload as the form sends it (or the raw body the case makes instead)."""
    if case.raw is not None:
        content_type, body = case.raw
        if content_type == "fields":  # 300 fields, each a part of its own
            parts = [("csrf_token", token or "")] + [(f"field{i}", "x") for i in range(300)]
            disposition = '--b\r\nContent-Disposition: form-data; name="{}"\r\n\r\n{}\r\n'
            body = "".join(disposition.format(*part) for part in parts).encode() + b"--b--\r\n"
            content_type = "multipart/form-data; boundary=b"
        headers = {"Content-Type": content_type, "Accept": "text/html", "X-CSRF-Token": token or ""}
        return client.post("/upload", content=body, headers=headers)
    data = {**case.form, **({"csrf_token": token} if token else {})}
    files: list[tuple[str, Any]] = [("files", spec) for spec in case.files]
    if case.metadata is not None:
        files.append(("metadata", case.metadata))
    if not files:  # a form with an empty file input still sends the part
        files.append(("files", ("", b"", "application/octet-stream")))
    return client.post("/upload", data=data, files=files, headers={"Accept": "text/html"})


def wait_for_jobs(
    browser: Browser, results: list[Result], timeout: float
) -> dict[int, dict[str, Any]]:
    """Each job's final JSON (or its last state when the time ran out)."""
    pending = {r.job_id for r in results if r.job_id is not None}
    jobs: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for job_id in sorted(pending):
            response = browser.get(f"/api/jobs/{job_id}")
            if response.status_code != 200:
                raise RuntimeError(f"/api/jobs/{job_id} answered {response.status_code}")
            jobs[job_id] = response.json()
            if jobs[job_id]["state"] in ("done", "failed"):
                pending.discard(job_id)
        if pending:
            time.sleep(2)
    return jobs


def judge_upload(case: Upload, result: Result, jobs: dict[int, dict[str, Any]]) -> str:
    """Fill in the verdict; returns "" when the outcome is right, else what is wrong."""
    if result.broken:
        result.verdict = "server error" if result.status else "no answer"
        return result.verdict
    if 400 <= result.status < 500:
        result.verdict = "refused"
        if result.unclear:
            return "refused without a clear message"
        return "refused what should import" if case.expect == IMPORTED else ""
    if result.job_id is None:
        result.verdict = f"answered {result.status}"
        return result.verdict
    job = jobs.get(result.job_id, {})
    items = job.get("items", [])
    if job.get("state") not in ("done", "failed"):
        result.verdict = "job unfinished"
        return result.verdict
    imported = [i for i in items if i["status"] in ("imported", "duplicate")]
    failed = [i for i in items if i["status"] == "failed"]
    reasons = [i["error"] or "" for i in failed]
    result.message = " | ".join(reasons)
    if any(not reason.strip() for reason in reasons):
        result.verdict = "item failed without a reason"
        return result.verdict
    if any(reason.startswith("import failed:") for reason in reasons):
        result.verdict = "import crashed"
        return result.verdict
    if imported:
        result.verdict = "imported" + ("; bad files named" if failed else "")
        return "accepted what should be refused" if case.expect == REFUSED else ""
    result.verdict = "accepted; failed in the job"
    return "accepted what should be refused" if case.expect == REFUSED else ""


# --- fuzzed query strings -----------------------------------------------------------------------

FILTERS = ["actor", "issue", "stance", "outlet", "kind", "review", "from", "to", "q"]
ROUTES: list[tuple[str, list[str]]] = [
    ("/", [*FILTERS, "after"]),
    ("/timeline", [*FILTERS, "after"]),
    ("/timeline/facets", FILTERS),
    ("/actors/suggest", ["actor", "speaker", "into", "affiliation", "list"]),
    ("/review", ["after", "issue"]),
    ("/history", ["entity", "before"]),
    ("/login", ["next"]),
    ("/articles", []),
    ("/jobs", []),
    ("/issues/{slug}", []),
    ("/actors/{slug}", ["merged"]),
    ("/actors/{slug}/edit", []),
    ("/articles/{id}", []),
    ("/statements/{id}", []),
    ("/statements/{id}/edit", []),
    ("/jobs/{id}", []),
    ("/admin/accounts/{id}", ["done"]),
    ("/api/statements", [*FILTERS, "limit", "after"]),
    ("/api/statements/{id}", []),
    ("/api/actors", ["q", "kind", "limit", "after"]),
    ("/api/actors/{slug}", []),
    ("/api/issues/{slug}", []),
    ("/api/issues/{slug}/positions", []),
    ("/api/articles", ["outlet", "from", "to", "limit", "after"]),
    ("/api/articles/{id}", []),
    ("/api/jobs", ["limit", "after"]),
    ("/api/jobs/{id}", []),
    ("/export/statements.csv", FILTERS),
    ("/export/statements.jsonl", FILTERS),
    ("/export/network.graphml", [*FILTERS, "relation"]),
]
BROKEN_ESCAPES = [
    "%",
    "%z",
    "%zz",
    "%E2%82",
    "%C0%AF",
    "%ED%A0%80",
    "%FF%FE",
    "%00",
    "%0D%0A",
    "%%%",
    "+%2B+",
]
STRANGE = [
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "%s%s%n",
    "\u202etxt.exe",
    "🕊️👩‍👩‍👧",
    "Ж" * 50,
    "ﬃ İ ß ǅ",
    "１２３",
    "٣٤٥",
    "a\u0301" * 100,
    "\ufeff",
    "\u200b\u200d",
    "NaN",
    "Infinity",
    "-0",
    "0x7fffffff",
    "1e309",
    "true",
    "null",
    "[]",
    "{}",
]


class Fuzzer:
    """Request targets built from what the database holds (real slugs and ids) and worse."""

    def __init__(self, rng: random.Random, known: dict[str, list[str]]) -> None:
        self.rng = rng
        self.known = known

    def integer(self) -> str:
        r = self.rng
        return r.choice(
            [
                str(r.randint(-10, 10)),
                str(r.randint(1, 3000)),
                "9" * r.randint(10, 60),
                "-" + "9" * r.randint(1, 40),
                str(2**31 - 1 + r.randint(0, 2)),
                str(2**63 + r.randint(-1, 1)),
                f"{r.random() * 10:.3f}",
                r.choice(["0", "-1", "+1", " 1", "1 ", "1_000", "1e3", "0o17", "00000001"]),
                r.choice(self.known["ids"]),
            ]
        )

    def date(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randint(2024, 2026)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                f"{r.randint(0, 99999)}-{r.randint(0, 99):02d}-{r.randint(0, 99):02d}",
                r.choice(["2025-02-29", "2024-02-29", "0000-00-00", "9999-12-31", "0001-01-01"]),
                r.choice(["20250101", "2025/01/01", "01-01-2025", "2025-1-1", "-2025-01-01"]),
                r.choice(["2025-01-01T00:00", "2025-W01", "yesterday", "2025-01-01\u0000"]),
            ]
        )

    def cursor(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{self.date()}_{self.integer()}",
                f"none_{self.integer()}",
                f"{r.random():.3f}_{self.integer()}",
                f"{r.choice(['nan', 'inf', '-inf', '1e400', '-0.0'])}_{self.integer()}",
                base64.urlsafe_b64encode(os.urandom(r.randint(1, 40))).decode(),
                "_" * r.randint(1, 60),
                self.integer(),
            ]
        )

    def text(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.15:
            return "a" * r.choice([100, 201, 1000, 10_000])
        if pick < 0.3:
            return r.choice(STRANGE)
        if pick < 0.45:
            return "".join(chr(r.randint(0x20, 0x2FFF)) for _ in range(r.randint(1, 200)))
        if pick < 0.6:
            return r.choice(self.known["slugs"])
        return r.choice(
            ["peace", "talks", "ceasefire", "Peskov", "", " ", "supports", "direct_quote"]
        )

    def value(self, name: str) -> str:
        """An encoded value for the query parameter ``name`` (sometimes for another one)."""
        r = self.rng
        if r.random() < 0.12:
            return "".join(f"%{b:02X}" for b in os.urandom(r.randint(1, 300)))
        if r.random() < 0.08:
            return quote(self.text(), safe="") + r.choice(BROKEN_ESCAPES)
        generators: dict[str, Callable[[], str]] = {
            "outlet": self.integer,
            "before": self.integer,
            "limit": self.integer,
            "from": self.date,
            "to": self.date,
            "after": self.cursor,
            "stance": lambda: r.choice(
                ["supports", "opposes", "conditional", "neutral", self.text()]
            ),
            "kind": lambda: r.choice(["direct_quote", "reported", "person", "state", self.text()]),
            "review": lambda: r.choice(["machine", "confirmed", "edited", "rejected", self.text()]),
            "entity": lambda: r.choice(["statement", "actor", "article", "", self.text()]),
            "relation": lambda: r.choice(["congruence", "conflict", "both", self.text()]),
            "done": lambda: r.choice(["role", "password", self.text()]),
            "list": lambda: r.choice(["actor-options", "x" * 61, self.text()]),
            "next": lambda: r.choice(
                ["/", "//evil.example", "https://evil.example", "/\\evil", self.text()]
            ),
        }
        return quote(generators.get(name, self.text)(), safe="")

    def path_value(self, placeholder: str) -> str:
        if placeholder == "{id}":
            return quote(self.integer(), safe="")
        r = self.rng
        if r.random() < 0.1:
            return "".join(f"%{b:02X}" for b in os.urandom(r.randint(1, 200)))
        return quote(self.text(), safe="") or "x"

    def target(self) -> tuple[str, str]:
        """(route, request target) of one fuzzed GET."""
        r = self.rng
        route, names = r.choice(ROUTES)
        path = re.sub(r"\{(id|slug)\}", lambda m: self.path_value(m.group(0)), route)
        pairs: list[str] = []
        for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4, 6])):
            name = r.choice(names or FILTERS) if r.random() < 0.9 else self.text()[:20]
            pairs.append(f"{quote(name, safe='')}={self.value(name)}")
        roll = r.random()
        if roll < 0.08 and pairs:  # one key many times
            pairs = pairs[:1] * r.choice([51, 100, 300])
        elif roll < 0.14:
            pairs.append(r.choice(["&&&", "=x", "a=b=c", ";", "x", "%26=%3D", "=", "&=&"]))
        query = "&".join(pairs)
        target = f"{path}?{query}" if query else path
        if len(target) > MAX_TARGET:
            target = (
                target[:MAX_TARGET].rsplit("%", 1)[0] if "%" in target[-3:] else target[:MAX_TARGET]
            )
        return route, target


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    content: bytes


def raw_get(port: int, target: str, headers: dict[str, str]) -> RawResponse:
    """A GET with the request target sent exactly as given (no client normalises it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        lines = [f"GET {target} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
        response = http.client.HTTPResponse(sock, method="GET")
        response.begin()
        body = response.read()
        return RawResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, body)


def fuzz(server: Server, browser: Browser, rng: random.Random, count: int) -> list[Result]:
    with Session(create_engine(f"sqlite:///file:{server.database}?mode=ro&uri=true")) as session:
        from app.models import Actor, Issue, Statement

        known = {
            "slugs": [
                *session.scalars(select(Actor.slug).limit(30)),
                *session.scalars(select(Issue.slug)),
            ],
            "ids": [str(i) for i in session.scalars(select(Statement.id).limit(30))] or ["1"],
        }
    fuzzer = Fuzzer(rng, known)
    cookie = f"{SESSION_COOKIE}={browser.cookie}"
    results = []
    for n in range(count):
        route, target = fuzzer.target()
        headers = {"Cookie": cookie, "Accept": rng.choice(["text/html", "application/json", "*/*"])}
        if rng.random() < 0.2:
            headers["HX-Request"] = "true"
        at, started = time.time(), time.monotonic()
        try:
            response = raw_get(server.port, target, headers)
        except (OSError, http.client.HTTPException) as exc:
            response = RawResponse(0, {}, f"no answer: {exc!r}".encode())
        family = {"/api/": "API", "/export/": "exports"}.get(route[: route.find("/", 1) + 1])
        result = Result(f"fuzz: {family or 'pages'}", target, response.status, at=at)
        result.seconds = time.monotonic() - started
        if response.status >= 400 or not response.status:
            result.message = message_of(response)
        results.append(result)
        if (n + 1) % 500 == 0:
            print(f"  {n + 1} fuzzed requests", flush=True)
    return results


# --- the timeline, timed ------------------------------------------------------------------------


def probe_timeline(base: str, ready: Any, stopping: Any, answers: Any) -> None:
    """The probe's loop: log in, say so, then GET /timeline every 0.5 s until told to stop;
    sends back (wall-clock start, seconds) of each request and what went wrong."""
    browser = Browser(base)
    browser.login()
    ready.set()
    samples: list[tuple[float, float]] = []
    failures: list[str] = []
    while not stopping.is_set():
        started, began = time.time(), time.monotonic()
        try:
            response = browser.client.get("/timeline", headers={"Accept": "text/html"})
            if response.status_code != 200:
                failures.append(f"/timeline answered {response.status_code}")
        except httpx.TransportError as exc:
            failures.append(f"/timeline: {exc!r}")
        took = time.monotonic() - began
        samples.append((started, took))
        stopping.wait(max(0.0, 0.5 - took))
    browser.close()
    answers.put((samples, failures))


class TimelineProbe:
    """Asks for /timeline every half second, as an analyst reading would, and times each. It runs
    in a process of its own: a thread of this script would wait whenever the script itself holds
    the interpreter (reading a 30 MB answer takes seconds), and count that against the server."""

    def __init__(self, base: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready, self.stopping = context.Event(), context.Event()
        self.answers: Any = context.Queue()
        self.process = context.Process(
            target=probe_timeline,
            args=(base, self.ready, self.stopping, self.answers),
            daemon=True,
        )
        self.phases: list[tuple[float, str]] = [(0.0, "starting")]
        self.samples: list[tuple[str, float]] = []
        self.timed: list[tuple[float, float]] = []
        self.failures: list[str] = []

    def start(self) -> None:
        """Start, and return once the probe is signed in and asking."""
        self.process.start()
        if not self.ready.wait(timeout=120):
            raise RuntimeError("the timeline probe did not start")

    def mark(self, phase: str) -> None:
        """What the battery does from now on (each sample is filed under it)."""
        self.phases.append((time.time(), phase))

    def stop(self) -> None:
        self.stopping.set()
        self.timed, self.failures = self.answers.get(timeout=120)
        self.process.join()
        for started, took in self.timed:
            phase = [name for since, name in self.phases if since <= started][-1]
            self.samples.append((phase, took))

    def seconds(self, phase: str | None = None) -> list[float]:
        return [took for when, took in self.samples if phase in (None, when)]

    def slowest_during(self, start: float, seconds: float) -> float:
        """The slowest /timeline that was being answered at some point of this interval."""
        overlapping = [t for s, t in self.timed if s < start + seconds and s + t > start]
        return max(overlapping, default=0.0)


# --- what the database holds --------------------------------------------------------------------


def partial_articles(database: Path, first_new_id: int) -> list[str]:
    """Articles the battery added without a finished item, and items imported without one."""
    problems = []
    engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    with Session(engine) as session:
        finished = set(
            session.scalars(
                select(ImportItem.article_id).where(
                    ImportItem.status.in_(("imported", "duplicate"))
                )
            )
        )
        for article_id, title in session.execute(
            select(Article.id, Article.title).where(Article.id >= first_new_id)
        ):
            if article_id not in finished:
                problems.append(
                    f"article {article_id} ({title[:40]!r}) has no finished import item"
                )
        articles = set(session.scalars(select(Article.id)))
        for item_id, item_article, status in session.execute(
            select(ImportItem.id, ImportItem.article_id, ImportItem.status)
        ):
            if status in ("imported", "duplicate") and item_article not in articles:
                problems.append(f"import item {item_id} is {status} but has no article")
            if status in ("queued", "running"):
                problems.append(f"import item {item_id} is still {status}")
    engine.dispose()
    return problems


def next_article_id(database: Path) -> int:
    engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")
    with Session(engine) as session:
        last = max(session.scalars(select(Article.id)), default=0)
    engine.dispose()
    return last + 1


def live_markup(html: str) -> list[str]:
    """Script, event handlers or script URLs that came from content rather than Parley."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name in ("iframe", "object", "embed", "svg"):
            found.append(f"<{tag.name}>")
        if tag.name == "script" and not str(tag.get("src", "")).startswith("/static/"):
            found.append("<script> not from /static/")
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"{name}= on <{tag.name}>")
            if name in ("href", "src", "action") and re.match(
                r"\s*(javascript|data|vbscript):", str(value), re.I
            ):
                found.append(f"{name}={str(value)[:30]} on <{tag.name}>")
    return found


def xss_reached(
    browser: Browser, results: list[Result], cases: list[Upload], jobs: dict[int, dict[str, Any]]
) -> list[str]:
    problems = []
    for case, result in zip(cases, results, strict=True):
        if not case.xss or result.job_id is None:
            continue
        pages = [f"/jobs/{result.job_id}", "/articles", "/timeline"]
        pages += [
            f"/articles/{i['article_id']}" for i in jobs[result.job_id]["items"] if i["article_id"]
        ]
        for path in pages:
            for problem in live_markup(browser.get(path).text):
                problems.append(f"{case.label}: {path}: {problem}")
    return problems


# --- sessions -----------------------------------------------------------------------------------


def sign(key: str, payload: dict[str, Any]) -> str:
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(key).sign(data).decode()


def session_checks(server: Server) -> list[Result]:
    """A replayed cookie after logout, and forged cookies: each must leave the client anonymous."""
    results = []
    browser = Browser(server.base)
    browser.login()
    live = browser.cookie
    if not browser.signed_in():
        raise RuntimeError("a fresh login is not signed in")
    other = Browser(server.base)
    other.login()
    other_sid = json.loads(base64.b64decode(other.cookie.split(".")[0]))["sid"]
    copy = httpx.Client(
        base_url=server.base, follow_redirects=False, cookies={SESSION_COOKIE: live}
    )
    replay_before = copy.get("/account").status_code
    copy.close()
    browser.logout()
    signature = live.partition(".")[2]
    cookies = {
        "replayed after logout": live,
        "random value": secrets.token_urlsafe(60),
        "signature altered": live[:-1] + ("A" if live[-1] != "A" else "B"),
        "payload altered (another live sid)": base64.b64encode(
            json.dumps({"sid": other_sid}).encode()
        ).decode()
        + "."
        + signature,
        "signed with another key": sign(secrets.token_urlsafe(48), {"sid": other_sid}),
        "signed with the old published key": sign(PUBLISHED_KEY, {"sid": other_sid, "uid": 1}),
        "real key, no server-side session": sign(server.secret, {"sid": secrets.token_urlsafe(32)}),
        "real key, old-style user id": sign(server.secret, {"uid": 1}),
        "empty cookie": "",
    }
    for label, value in cookies.items():
        client = httpx.Client(
            base_url=server.base, follow_redirects=False, cookies={SESSION_COOKIE: value}
        )
        account = client.get("/account")
        api = client.get("/api/statements")
        client.close()
        anonymous = (
            account.status_code == 303
            and account.headers["location"].startswith("/login")
            and api.status_code == 401
        )
        result = Result(
            "sessions", label, account.status_code, verdict="refused" if anonymous else "ACCEPTED"
        )
        results.append(result)
    if replay_before != 200:
        results.append(
            Result(
                "sessions",
                "a copied live cookie works before logout",
                replay_before,
                verdict="ACCEPTED",
            )
        )
    other.close()
    browser.close()
    return results


# --- the report ---------------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def table(rows: list[list[str]]) -> str:
    """Columns padded to their widest cell; numbers to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def cell(text: str, width: int) -> str:
        return text.rjust(width) if re.fullmatch(r"[\d.]+", text) else text.ljust(width)

    lines = ["  ".join(cell(c, w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def server_errors(log: Path) -> list[str]:
    """The last line of each traceback the server logged (requests and the importer)."""
    lines = log.read_text(errors="replace").splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            rest = (later for later in lines[number + 1 :] if not later.startswith(" "))
            found.append(next(rest, "?"))
    return list(dict.fromkeys(found))


@dataclass
class Run:
    """Everything the battery saw."""

    uploads: list[Result]
    fuzzed: list[Result]
    sessions: list[Result]
    jobs: dict[int, dict[str, Any]]
    wrong: dict[str, str]
    partial: list[str]
    xss: list[str]
    probe: TimelineProbe
    errors: list[str]


def print_uploads(run: Run) -> None:
    rows = [["upload", "status", "outcome", "answer s", "page s", "import s", "message"]]
    for result in run.uploads:
        job = run.jobs.get(result.job_id or 0, {})
        wrong = run.wrong[result.label]
        page = run.probe.slowest_during(result.at, result.seconds)
        rows.append(
            [
                result.label,
                str(result.status),
                result.verdict + (f" ✗ {wrong}" if wrong else ""),
                f"{result.seconds:.1f}",
                f"{page:.2f}",
                f"{job['seconds']:.1f}" if job.get("seconds") is not None else "",
                re.sub(r"\s+", " ", result.message)[:80],
            ]
        )
    print(table(rows))


def print_problems(run: Run) -> None:
    everything = run.uploads + run.fuzzed
    problems = [
        f"{r.status or 'no answer'} {r.category}: {r.label[:160]}" for r in everything if r.broken
    ]
    problems += [
        f"unclear {r.status} {r.category}: {r.label[:120]} → {r.message[:80]!r}"
        for r in everything
        if r.unclear
    ]
    problems += [f"upload {label!r}: {what}" for label, what in run.wrong.items() if what]
    problems += [f"partial: {p}" for p in run.partial] + [f"XSS: {p}" for p in run.xss]
    problems += [
        f"session: {r.label} was {r.verdict}" for r in run.sessions if r.verdict != "refused"
    ]
    problems += [f"timeline: {f}" for f in run.probe.failures[:20]]
    for started, took in run.probe.timed:
        if took > PAGE_BUDGET:
            busy = [r for r in everything if r.at < started + took and r.at + r.seconds > started]
            during = "; ".join(f"{r.label[:70]} ({r.seconds:.1f} s)" for r in busy) or "nothing"
            problems.append(f"timeline took {took:.1f} s while the battery sent: {during}")
    problems += [f"server log: {line[:160]}" for line in run.errors]
    if problems:
        print("\nProblems:")
        print("\n".join(f"  {p}" for p in problems))


def print_summary(run: Run, minutes: float, seed: int) -> dict[str, int]:
    """The summary table and figures; returns each failing count by name."""
    everything = run.uploads + run.fuzzed + run.sessions
    columns = ("2xx", "3xx", "4xx", "5xx", "none")
    rows = [["requests", "sent", *columns[:4], "no answer", "4xx unclear", "slowest s"]]
    for category in dict.fromkeys(r.category for r in everything):
        group = [r for r in everything if r.category == category]
        classes = Counter(status_class(r.status) for r in group)
        slowest = max(r.seconds for r in group)
        unclear = sum(r.unclear for r in group)
        rows.append(
            [
                category,
                str(len(group)),
                *(str(classes[c]) for c in columns),
                str(unclear),
                f"{slowest:.2f}",
            ]
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nSummary ({minutes:.1f} min, seed {seed}, load average at the end {load}):")
    print(table(rows))
    outcomes = Counter(r.verdict for r in run.uploads)
    print(f"\nupload outcomes: {', '.join(f'{n} {v}' for v, n in outcomes.most_common())}")
    finished = sum(job["state"] in ("done", "failed") for job in run.jobs.values())
    print(f"import jobs: {len(run.jobs)}, finished {finished}")
    rows = [["/timeline every 0.5 s", "requests", "p50 s", "p95 s", "max s", "over 1 s"]]
    for phase in [*dict.fromkeys(when for when, _ in run.probe.samples), None]:
        took = run.probe.seconds(phase)
        over = sum(t > PAGE_BUDGET for t in took)
        figures = [statistics.median(took), percentile(took, 0.95), max(took)]
        rows.append(
            [
                f"while {phase}" if phase else "whole run",
                str(len(took)),
                *(f"{x:.3f}" for x in figures),
                str(over),
            ]
        )
    print(table(rows))
    accepted = [r for r in run.sessions if r.verdict != "refused"]
    refused = len(run.sessions) - len(accepted)
    print(f"sessions: {refused} of {len(run.sessions)} forged or replayed cookies refused")
    failing = {
        "5xx responses or no answer": sum(r.broken for r in run.uploads + run.fuzzed),
        "4xx without a clear message": sum(r.unclear for r in run.uploads + run.fuzzed),
        "uploads answered other than they should be": sum(bool(w) for w in run.wrong.values()),
        "partial articles": len(run.partial),
        "live XSS markup": len(run.xss),
        "/timeline over 1 s or failed": sum(t > PAGE_BUDGET for t in run.probe.seconds())
        + len(run.probe.failures),
        "forged or replayed sessions accepted": len(accepted),
    }
    for name, count in failing.items():
        print(f"{name}: {count}")
    return failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=2000, help="fuzzed GET requests")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--job-timeout", type=float, default=1800, help="seconds to wait for imports"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and log")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = uploads(rng)
    began = time.monotonic()
    with running_server(args.keep) as server:
        print(f"Parley at {server.base}, database and log in {server.workdir}", flush=True)
        first_new_id = next_article_id(server.database)
        browser = Browser(server.base)
        browser.login()
        probe = TimelineProbe(server.base)
        probe.start()
        print(f"{len(cases)} hostile uploads", flush=True)
        probe.mark("uploads")
        upload_results = [send_upload(browser, server, case) for case in cases]
        print(f"{args.queries} fuzzed query strings", flush=True)
        probe.mark("fuzzing")
        fuzz_results = fuzz(server, browser, rng, args.queries)
        print("waiting for the import jobs", flush=True)
        probe.mark("imports finish")
        jobs = wait_for_jobs(browser, upload_results, args.job_timeout)
        probe.stop()
        wrong = {
            case.label: judge_upload(case, result, jobs)
            for case, result in zip(cases, upload_results, strict=True)
        }
        run = Run(
            upload_results,
            fuzz_results,
            session_checks(server),
            jobs,
            wrong,
            partial_articles(server.database, first_new_id),
            xss_reached(browser, upload_results, cases, jobs),
            probe,
            server_errors(server.log),
        )
        browser.close()
    print_uploads(run)
    print_problems(run)
    failing = print_summary(run, (time.monotonic() - began) / 60, args.seed)
    verdict = "FAIL" if any(failing.values()) else "PASS"
    print(f"hostile inputs: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
