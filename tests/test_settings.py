"""Settings come from PARLEY_* variables, with a SQLite default that needs no setup."""

from __future__ import annotations

from app.settings import Settings


def test_defaults_use_the_local_sqlite_file() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./parley.db"
    assert settings.is_sqlite
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert settings.max_upload_files == 200


def test_values_are_read_with_the_parley_prefix(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PARLEY_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("PARLEY_MAX_UPLOAD_FILES", "7")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert not settings.is_sqlite
    assert settings.max_upload_files == 7
