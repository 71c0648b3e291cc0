"""Every knob Parley has, read once from the environment (all prefixed ``PARLEY_``)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "parley-development-secret-change-me"


class InsecureSettings(RuntimeError):
    """A configuration Parley refuses to serve with."""


class Settings(BaseSettings):
    """Parley's configuration; tests build their own instead of patching the environment."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./parley.db",
        description="Any SQLAlchemy URL; postgresql+psycopg://user@host/db in production.",
    )
    secret_key: str = Field(default=DEFAULT_SECRET_KEY, description="Signs session cookies.")
    public_read: bool = Field(default=False, description="Let anonymous visitors read.")
    secure_cookies: bool = Field(
        default=False, description="Send the session cookie over HTTPS only (set behind TLS)."
    )
    session_days: int = Field(default=14, gt=0, description="How long a login lasts.")
    seeds_dir: Path = Field(default=PROJECT_ROOT / "seeds")
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_upload_files: int = Field(default=200, gt=0)
    max_request_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="The largest request body a signed-in user may send (several files at once).",
    )
    page_size: int = Field(default=50, gt=0, le=500)
    job_runner: Literal["auto", "thread", "queue", "inline"] = Field(
        default="auto",
        description="Where imports run: auto is a web-process thread on SQLite and the "
        "procrastinate queue (`parley worker`) on PostgreSQL.",
    )
    stale_item_seconds: int = Field(
        default=300, gt=0, description="An item running this long was interrupted; retry it."
    )
    echo_sql: bool = False

    @cached_property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_default_secret(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY

    def check_secret(self) -> None:
        """On PostgreSQL (production), refuse the well-known development secret."""
        if not self.is_sqlite and self.uses_default_secret:
            raise InsecureSettings(
                "PARLEY_SECRET_KEY is the development default; set it to a long random value "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))') "
                "before serving a PostgreSQL database."
            )

    @property
    def issues_codebook(self) -> Path:
        return self.seeds_dir / "issues.yaml"

    @property
    def actors_codebook(self) -> Path:
        return self.seeds_dir / "actors.yaml"
