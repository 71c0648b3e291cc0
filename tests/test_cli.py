"""The `parley` command as a user runs it: real processes, real databases."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, SEEDS_DIR, make_database

PARLEY = str(Path(sys.executable).with_name("parley"))
SEED = SEEDS_DIR / "articles" / "2025-12-03-ap-europeans-accuse-putin.txt"


def run(
    *args: str, database_url: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARLEY_")}
    env["PARLEY_DATABASE_URL"] = database_url or "sqlite:///:memory:"
    return subprocess.run(
        [PARLEY, *args], capture_output=True, text=True, env=env, input=stdin, timeout=300
    )


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["db"], ["db", "upgrade"], ["seed"], ["import"], ["extract"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "No such command 'bogus'"),
        (["extract"], "Missing argument"),
        (["serve", "--port", "70000"], "--port"),
        (["extract", str(SEED), "--published", "2025-13-01"], "is not a date"),
        (["import", "/no/such/folder"], "does not exist"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_failures_get_one_line_and_exit_1(tmp_path: Path) -> None:
    missing_schema = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run("seed", database_url=missing_schema)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: the database schema is not up to date; run `parley db upgrade` first"
    ]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "seed", database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def full_text_segments(url: str) -> int | None:
    """How many segments SQLite's FTS5 index of the statements has (None on PostgreSQL)."""
    if not url.startswith("sqlite"):
        return None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT count(DISTINCT segid) FROM statement_fts_idx").fetchone()[
            0
        ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_and_seed_twice_on_a_fresh_database(backend: str, tmp_path: Path) -> None:
    for database in make_database(backend, tmp_path):
        assert run("db", "current", database_url=database.url).stdout.startswith("current: base")
        upgrade = run("db", "upgrade", database_url=database.url)
        assert upgrade.returncode == 0, upgrade.stderr
        assert "up to date" in run("db", "current", database_url=database.url).stdout
        first = run("seed", database_url=database.url)
        assert first.returncode == 0, first.stderr
        assert "13 new issues" in first.stdout
        assert "5 imported" in first.stdout
        second = run("seed", database_url=database.url)
        assert second.returncode == 0, second.stderr
        assert "0 new issues, 0 new actors" in second.stdout
        assert "0 imported, 5 already there" in second.stdout
        segments = full_text_segments(database.url)
        optimized = run("db", "optimize", database_url=database.url)
        assert optimized.returncode == 0, optimized.stderr
        assert "full-text index compacted" in optimized.stdout
        if segments is not None:  # SQLite: each import flushed a segment; now there is one
            assert segments > 1
            assert full_text_segments(database.url) == 1
        down = run("db", "downgrade", "base", database_url=database.url)
        assert down.returncode == 0, down.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Präsident sagte".encode("latin-1"), "not UTF-8"),
    ],
)
def test_extract_refuses_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    result = run("extract", str(path), "--json")
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_extract_missing_file() -> None:
    result = run("extract", "/no/such/article.txt", "--json")
    assert result.returncode == 1
    assert "no such file" in result.stderr


def test_extract_json_contract_for_one_file() -> None:
    result = run("extract", str(SEED), "--published", "2025-12-03", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"statements", "events", "actors"}
    content = SEED.read_text(encoding="utf-8")
    assert payload["statements"], "the AP seed has statements"
    for statement in payload["statements"]:
        assert set(statement) == {
            "speaker",
            "speaker_role",
            "source",  # added in session 4: the outlet that carried the words, or null
            "kind",
            "text",
            "start",
            "end",
            "issues",
            "stance",
            "stance_target",
            "said_on",
            "said_on_precision",
            "confidence",
        }
        assert content[statement["start"] : statement["end"]] == statement["text"]
        assert statement["kind"] in ("direct_quote", "reported")
        assert statement["stance"] in ("supports", "opposes", "conditional", "neutral")
    speakers = {s["speaker"] for s in payload["statements"]}
    assert {"Yvette Cooper", "Andrii Sybiha", "Yuri Ushakov"} <= speakers
    for event in payload["events"]:
        assert set(event) == {
            "kind",
            "title",
            "date",
            "date_precision",
            "location",
            "participants",
            "start",
            "end",
        }
    for actor in payload["actors"]:
        assert set(actor) == {"name", "kind", "new"}


def test_extract_json_lines_for_several_files() -> None:
    other = SEEDS_DIR / "articles" / "2025-04-23-novinite-deadlock-in-london.txt"
    result = run("extract", str(SEED), str(other), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(SEED), str(other)]


def test_extract_without_published_leaves_relative_dates_unresolved() -> None:
    undated = run("extract", str(SEED), "--json")
    dated = run("extract", str(SEED), "--json", "--published", "2025-12-03")
    assert undated.returncode == 0 and dated.returncode == 0, undated.stderr + dated.stderr
    without = json.loads(undated.stdout)["statements"]
    with_day = json.loads(dated.stdout)["statements"]
    # Not vacuous: the article has statements, and their dates are relative ones ("on Tuesday")
    # that the publication date resolves.
    assert without and len(without) == len(with_day)
    assert all(s["said_on"] is None for s in without)
    assert sum(1 for s in with_day if s["said_on"]) > len(with_day) // 2


def test_extract_prints_a_table_without_json() -> None:
    result = run("extract", str(SEED), "--published", "2025-12-03")
    assert result.returncode == 0
    assert "Cooper" in result.stdout
    assert "quote" in result.stdout
