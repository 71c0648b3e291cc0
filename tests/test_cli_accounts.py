"""`parley users …` and `parley reextract` as an administrator runs them: real processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app import migrate
from app.accounts.passwords import token_digest, verify_password
from app.db import make_engine, make_sessionmaker, transaction
from app.models import ApiToken, AuditEntry, Statement, User
from tests.test_cli import run


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'parley.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def users(url: str) -> dict[str, User]:
    engine = make_engine(url)
    with transaction(make_sessionmaker(engine)) as session:
        found = {u.email: u for u in session.scalars(select(User))}
    engine.dispose()
    return found


def test_create_list_set_role_and_token(database: str) -> None:
    created = run(
        "users",
        "create",
        "Ana@Example.org",
        "--role",
        "analyst",
        "--password-stdin",
        database_url=database,
        stdin="a long enough password\n",
    )
    assert created.returncode == 0, created.stderr
    assert "Created ana@example.org (analyst)" in created.stdout
    stored = users(database)["ana@example.org"]
    assert stored.password_hash.startswith("$argon2")
    assert verify_password(stored.password_hash, "a long enough password")

    listed = run("users", "list", database_url=database)
    assert "ana@example.org" in listed.stdout and "analyst" in listed.stdout

    promoted = run("users", "set-role", "ana@example.org", "admin", database_url=database)
    assert promoted.returncode == 0 and "is now admin" in promoted.stdout
    assert users(database)["ana@example.org"].role == "admin"

    token = run("users", "token", "ana@example.org", database_url=database)
    assert token.returncode == 0
    value = token.stdout.strip()
    assert value.startswith("pk_") and len(value) > 30
    engine = make_engine(database)
    with transaction(make_sessionmaker(engine)) as session:
        digests = list(session.scalars(select(ApiToken.digest)))
    engine.dispose()
    assert digests == [token_digest(value)]  # only the digest is kept


def test_tokens_listed_expiring_and_revoked(database: str) -> None:
    create = ["users", "create", "ana@example.org", "--password-stdin"]
    assert run(*create, database_url=database, stdin="a long enough password\n").returncode == 0
    forever = run("users", "token", "ana@example.org", database_url=database).stdout.strip()
    monthly = run(
        "users", "token", "ana@example.org", "--expires-days", "30", database_url=database
    ).stdout.strip()
    assert forever.startswith("pk_") and monthly.startswith("pk_")

    listed = run("users", "tokens", "ana@example.org", database_url=database)
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "pk_" in line]
    assert len(rows) == 2 and all("live" in row for row in rows)
    assert forever[:10] in rows[0] and rows[0].count("never") == 2  # no expiry, not used
    assert monthly[:10] in rows[1] and rows[1].count("never") == 1

    revoked = run("users", "revoke", "1", database_url=database)
    assert revoked.returncode == 0 and "Revoked token 1" in revoked.stdout
    assert "already revoked" in run("users", "revoke", "1", database_url=database).stdout
    every = run("users", "revoke", "ana@example.org", "--all", database_url=database)
    assert every.returncode == 0 and "Revoked 1 API token of ana@example.org" in every.stdout
    listed = run("users", "tokens", "ana@example.org", database_url=database).stdout
    assert listed.count("revoked") == 2


def test_deactivate_reactivate_and_reset_a_password(database: str) -> None:
    create = ["users", "create", "ana@example.org", "--password-stdin"]
    assert run(*create, database_url=database, stdin="a long enough password\n").returncode == 0
    off = run("users", "deactivate", "ana@example.org", database_url=database)
    assert off.returncode == 0 and "deactivated" in off.stdout
    assert "deactivated" in run("users", "list", database_url=database).stdout
    assert not users(database)["ana@example.org"].active
    on = run("users", "reactivate", "ana@example.org", database_url=database)
    assert on.returncode == 0 and users(database)["ana@example.org"].active
    reset = run("users", "reset-password", "ana@example.org", database_url=database)
    assert reset.returncode == 0, reset.stderr
    password = reset.stdout.strip().splitlines()[-1]
    stored = users(database)["ana@example.org"]
    assert verify_password(stored.password_hash, password) and stored.must_change_password
    assert "one-time password" in run("users", "list", database_url=database).stdout


def test_the_last_admin_stays_from_the_command_line_too(database: str) -> None:
    create = ["users", "create", "boss@example.org", "--role", "admin", "--password-stdin"]
    assert run(*create, database_url=database, stdin="a long enough password\n").returncode == 0
    for args in (["deactivate", "boss@example.org"], ["set-role", "boss@example.org", "viewer"]):
        refused = run("users", *args, database_url=database)
        assert refused.returncode == 1 and "only active administrator" in refused.stderr
    assert users(database)["boss@example.org"].active


@pytest.mark.parametrize(
    ("args", "stdin", "status", "message"),
    [
        (["users", "create", "not-an-email", "--password-stdin"], "x" * 12, 2, "is not an email"),
        (
            ["users", "create", "a@b.org", "--role", "king", "--password-stdin"],
            "x" * 12,
            2,
            "is not a role",
        ),
        (
            ["users", "create", "a@b.org", "--password-stdin"],
            "short\n",
            1,
            "at least 10 characters",
        ),
        (["users", "create", "a@b.org", "--password-stdin"], "", 1, "no password"),
        (["users", "set-role", "nobody@b.org", "viewer"], None, 1, "no account for"),
        (["users", "set-role", "a@b.org", "king"], None, 2, "is not a role"),
        (["users", "token", "nobody@b.org"], None, 1, "no account for"),
        (["users", "token", "a@b.org", "--expires-days", "0"], None, 2, "--expires-days"),
        (["users", "tokens", "nobody@b.org"], None, 1, "no account for"),
        (["users", "revoke", "abc"], None, 2, "is not a token id"),
        (["users", "revoke", "999"], None, 1, "no API token 999"),
        (["users", "revoke", "nobody@b.org", "--all"], None, 1, "no account for"),
        (["users", "deactivate", "nobody@b.org"], None, 1, "no account for"),
        (["users", "reset-password", "nobody@b.org"], None, 1, "no account for"),
        (["reextract"], None, 2, "give article ids or --all"),
        (["reextract", "999"], None, 1, "no article with id 999"),
    ],
)
def test_mistakes_get_one_line(
    database: str, args: list[str], stdin: str | None, status: int, message: str
) -> None:
    result = run(*args, database_url=database, stdin=stdin)
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not users(database)


def test_a_duplicate_account_is_refused(database: str) -> None:
    args = ["users", "create", "a@b.org", "--password-stdin"]
    assert run(*args, database_url=database, stdin="first password!\n").returncode == 0
    again = run(*args, database_url=database, stdin="second password!\n")
    assert again.returncode == 1
    assert "already an account for a@b.org" in again.stderr


def test_reextract_keeps_what_people_decided(tmp_path: Path) -> None:
    from app.curation.audit import Editor
    from app.curation.statements import reject
    from app.ingest.service import seed
    from tests.conftest import SEEDS_DIR

    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_sessionmaker(engine)
    seed(factory, SEEDS_DIR)
    with transaction(factory) as session:
        statement = session.scalars(select(Statement).order_by(Statement.id)).first()
        reject(session, Editor(None, "test"), statement)
        rejected, article_id = statement.id, statement.article_id
    result = run("reextract", str(article_id), database_url=url)
    assert result.returncode == 0, result.stderr
    assert f"Re-extracted article {article_id}" in result.stdout
    assert "1 kept as people left them" in result.stdout
    with transaction(factory) as session:
        assert session.get(Statement, rejected).review_status == "rejected"
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor_label) == ("article.reextract", "parley reextract")
    everything = run("reextract", "--all", database_url=url)
    assert everything.returncode == 0 and "Re-extracted 5 articles." in everything.stdout
    engine.dispose()


def test_serve_refuses_without_a_secret_on_postgresql() -> None:
    result = run("serve", database_url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    assert result.returncode == 1
    assert "PARLEY_SECRET_KEY is not set: on PostgreSQL" in result.stderr


def test_serve_refuses_without_a_secret_beyond_loopback(database: str) -> None:
    result = run("serve", "--host", "0.0.0.0", database_url=database)
    assert result.returncode == 1
    assert "PARLEY_SECRET_KEY is not set: serving on 0.0.0.0" in result.stderr


def test_the_first_run_prints_a_one_time_admin_password_that_works(database: str) -> None:
    import os
    import re
    import socket
    import subprocess
    import time

    import httpx

    from tests.test_cli import PARLEY

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env["PARLEY_DATABASE_URL"] = database
    server = subprocess.Popen(
        [PARLEY, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = ""
        deadline = time.monotonic() + 60
        while "password" not in banner and time.monotonic() < deadline:
            banner += server.stdout.readline()  # type: ignore[union-attr]
        banner += server.stdout.readline()  # type: ignore[union-attr]
        found = re.search(r"email\s+(\S+)\s+password\s+(\S+)", banner)
        assert found, banner
        email, password = found.groups()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as browser:
            while True:
                try:
                    login = browser.get("/login")
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            token = re.search(r'name="csrf-token" content="([^"]+)"', login.text).group(1)
            response = browser.post(
                "/login", data={"email": email, "password": password, "csrf_token": token}
            )
            assert response.status_code == 303
            assert response.headers["location"] == "/account"
    finally:
        server.terminate()
        server.wait(timeout=10)
