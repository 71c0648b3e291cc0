"""`parley import` on a folder of mixed files: every file accounted for, one job."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.ingest.documents import read_document
from tests.conftest import BACKENDS, make_database
from tests.test_cli import run

STORY = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that Russia was ready for a new round of "
    "talks in Istanbul. Ukraine's foreign minister Andrii Sybiha said Kyiv would send a delegation."
)


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with one line of text, written by hand (no PDF library writes text)."""
    stream = f"BT /F1 12 Tf 40 700 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_the_hand_written_pdf_is_a_real_pdf(tmp_path: Path) -> None:
    data = minimal_pdf("Zelensky said Ukraine would not give up its land.")
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    assert "give up its land" in PdfReader(path).pages[0].extract_text()
    assert "give up its land" in read_document(data, "x.pdf").text


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_folder_of_mixed_files_is_accounted_for(backend: str, tmp_path: Path) -> None:
    folder = tmp_path / "clippings"
    (folder / "week2").mkdir(parents=True)
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "notes.md").write_text(
        "# Notes\n\nRubio said the talks in Geneva were productive.", encoding="utf-8"
    )
    (folder / "week2" / "page.html").write_text(
        f"<html><head><title>Istanbul</title></head><body><article><p>{STORY.replace('Tuesday', 'Monday')} "
        "Lavrov told reporters Moscow wanted guarantees.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "week2" / "scan.pdf").write_bytes(
        minimal_pdf("Macron said France would send troops after a ceasefire.")
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "ignored.docx").write_bytes(b"PK\x03\x04")
    (folder / "README.md").write_text("# Clippings\n\nWhat this folder holds.", encoding="utf-8")
    (folder / ".draft.txt").write_text(STORY, encoding="utf-8")
    (folder / ".github").mkdir()
    (folder / ".github" / "TEMPLATE.md").write_text(STORY, encoding="utf-8")
    metadata = tmp_path / "meta.json"
    metadata.write_text(
        json.dumps(
            [
                {
                    "file": "story.txt",
                    "title": "Peskov on Istanbul",
                    "outlet": "Test Wire",
                    "published": "2025-07-18",
                }
            ]
        )
    )
    for database in make_database(backend, tmp_path):
        assert run("db", "upgrade", database_url=database.url).returncode == 0
        result = run("import", str(folder), "--metadata", str(metadata), database_url=database.url)
        assert result.returncode == 1, result.stdout + result.stderr  # two files failed
        summary = result.stdout.strip().splitlines()[-1]
        assert summary == "4 imported, 0 duplicates, 2 failed."
        assert "the file is empty" in result.stdout
        assert "binary file" in result.stdout
        assert "ignored.docx" not in result.stdout  # not a supported type: not walked
        assert "README.md" not in result.stdout  # about the folder, not an article
        assert ".draft.txt" not in result.stdout  # hidden
        assert "TEMPLATE.md" not in result.stdout  # in a hidden folder
        again = run("import", str(folder / "story.txt"), database_url=database.url)
        assert again.returncode == 0
        assert again.stdout.strip().splitlines()[-1] == "0 imported, 1 duplicates, 0 failed."
