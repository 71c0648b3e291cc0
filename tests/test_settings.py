"""Settings come from PARLEY_* variables, with a SQLite default that needs no setup."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

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


def test_no_secret_key_is_built_in_and_proxies_are_listed_by_address(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert Settings(_env_file=None).secret_key is None  # type: ignore[call-arg]
    assert Settings(_env_file=None).trusted_proxies == []  # type: ignore[call-arg]
    monkeypatch.setenv("PARLEY_TRUSTED_PROXIES", "10.0.0.2, 172.18.0.0/16")
    assert Settings(_env_file=None).trusted_proxies == ["10.0.0.2", "172.18.0.0/16"]  # type: ignore[call-arg]
    monkeypatch.setenv("PARLEY_TRUSTED_PROXIES", "proxy.internal")
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_the_sqlite_file_is_known() -> None:
    assert Settings(_env_file=None).sqlite_path == Path("parley.db")  # type: ignore[call-arg]
    memory = Settings(_env_file=None, database_url="sqlite:///:memory:")  # type: ignore[call-arg]
    assert memory.sqlite_path is None
    postgres = Settings(_env_file=None, database_url="postgresql+psycopg://u@h/db")  # type: ignore[call-arg]
    assert postgres.sqlite_path is None
