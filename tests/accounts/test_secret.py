"""The session key: PARLEY_SECRET_KEY, or one made on first run beside a SQLite database; never
a built-in one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.accounts.secret import check_serving, is_loopback, secret_file, session_secret
from app.settings import InsecureSettings, Settings

OWN_KEY = "an-operators-own-key-of-forty-characters"


def settings(url: str, key: str | None = None) -> Settings:
    return Settings(_env_file=None, database_url=url, secret_key=key)  # type: ignore[call-arg]


def test_sqlite_makes_a_private_key_on_first_run_and_keeps_it(tmp_path: Path) -> None:
    local = settings(f"sqlite:///{tmp_path / 'parley.db'}")
    key = session_secret(local)
    kept = tmp_path / "parley.db.secret"
    assert secret_file(tmp_path / "parley.db") == kept
    assert kept.read_text().strip() == key and len(key) >= 60
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert session_secret(local) == key  # later runs reuse it
    assert session_secret(settings(f"sqlite:///{tmp_path / 'other.db'}")) != key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db.secret", "parley.db.secret"]


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    local = settings(f"sqlite:///{tmp_path / 'parley.db'}")
    session_secret(local)
    (tmp_path / "parley.db.secret").chmod(0o644)
    with pytest.raises(InsecureSettings, match="chmod 600"):
        session_secret(local)


def test_an_in_memory_database_gets_a_key_for_the_process_only(tmp_path: Path) -> None:
    assert session_secret(settings("sqlite:///:memory:")) != session_secret(
        settings("sqlite:///:memory:")
    )


def test_postgresql_needs_a_key_of_its_own() -> None:
    production = settings("postgresql+psycopg://parley@db/parley")
    with pytest.raises(InsecureSettings, match="PARLEY_SECRET_KEY is not set"):
        session_secret(production)
    assert session_secret(settings(production.database_url, OWN_KEY)) == OWN_KEY


@pytest.mark.parametrize(
    ("key", "message"),
    [("parley-development-secret-change-me", "published"), ("short-key", "too short")],
)
def test_published_or_short_keys_are_refused(key: str, message: str) -> None:
    for url in ("sqlite:///:memory:", "postgresql+psycopg://parley@db/parley"):
        with pytest.raises(InsecureSettings, match=message):
            session_secret(settings(url, key))


def test_serving_beyond_loopback_needs_a_key_of_ones_own(tmp_path: Path) -> None:
    local = settings(f"sqlite:///{tmp_path / 'parley.db'}")
    check_serving(local, "127.0.0.1")
    check_serving(local, "localhost")
    for host in ("0.0.0.0", "::", "192.168.1.10", "parley.example.org"):
        with pytest.raises(InsecureSettings, match=f"serving on {host}"):
            check_serving(local, host)
    check_serving(settings(local.database_url, OWN_KEY), "0.0.0.0")


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
