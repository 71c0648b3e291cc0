"""Every knob Parley has, read once from the environment (all prefixed ``PARLEY_``)."""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class InsecureSettings(RuntimeError):
    """A configuration Parley refuses to serve with."""


class Settings(BaseSettings):
    """Parley's configuration; tests build their own instead of patching the environment."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./parley.db",
        description="Any SQLAlchemy URL; postgresql+psycopg://user@host/db in production.",
    )
    secret_key: str | None = Field(
        default=None,
        description="Signs session cookies. Unset on SQLite, a random key is made on first run "
        "and kept beside the database; PostgreSQL and non-loopback hosts need it set.",
    )
    public_read: bool = Field(default=False, description="Let anonymous visitors read.")
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set behind TLS)."
    )
    session_days: int = Field(default=14, gt=0, description="How long a login lasts.")
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Addresses or networks (comma-separated) of the reverse proxies whose "
        "X-Forwarded-For names the client; by default nobody's is believed.",
    )
    seeds_dir: Path = Field(default=PROJECT_ROOT / "seeds")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_upload_files: int = Field(default=200, gt=0)
    max_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="The largest request body a signed-in user may send (several files at once).",
    )
    page_size: int = Field(default=50, gt=0, le=500)
    job_runner: Literal["auto", "process", "thread", "queue", "inline"] = Field(
        default="auto",
        description="Where imports run: auto is a child process of the web server on SQLite "
        "(process; thread keeps them in the web process) and the procrastinate queue "
        "(`parley worker`) on PostgreSQL.",
    )
    stale_item_seconds: int = Field(
        default=300, gt=0, description="An item running this long was interrupted; retry it."
    )
    extract_timeout_seconds: float = Field(
        default=120,
        gt=0,
        description="The longest one imported article's extraction may take: an article that "
        "takes longer fails, and the rest of its import job goes on.",
    )
    facet_window: int = Field(
        default=20_000,
        gt=0,
        description="With words in the filters, facets count at most this many of the latest "
        "matching statements (and say their counts are estimated beyond it).",
    )
    echo_sql: bool = False

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy)
            except ValueError:
                raise ValueError(f"“{proxy}” is not an IP address or network") from None
        return value

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def sqlite_path(self) -> Path | None:
        """The SQLite database's file (None for PostgreSQL or an in-memory database)."""
        if not self.is_sqlite:
            return None
        database = make_url(self.database_url).database
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database)
