"""The key that signs session cookies: PARLEY_SECRET_KEY, or on SQLite a random key made on first
run and kept in a file beside the database. No built-in key is ever accepted."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

from app.settings import InsecureSettings, Settings

MIN_SECRET_LENGTH = 32
# Keys that were published (the development default of earlier versions): never sign with them.
PUBLISHED_KEYS = frozenset({"parley-development-secret-change-me"})
MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def secret_file(database: Path) -> Path:
    """Where the key of this SQLite database is kept: ``parley.db`` → ``parley.db.secret``."""
    return database.with_name(database.name + ".secret")


def session_secret(settings: Settings) -> str:
    """The signing key, made on first use for a SQLite database; InsecureSettings when there is
    none Parley may use."""
    if settings.secret_key is not None:
        return _checked(settings.secret_key, "PARLEY_SECRET_KEY")
    if not settings.is_sqlite:
        raise InsecureSettings(
            "PARLEY_SECRET_KEY is not set: on PostgreSQL Parley needs a long random key that "
            f"every web process shares (make one with {MAKE_ONE})."
        )
    database = settings.sqlite_path
    if database is None:  # an in-memory database ends with the process, and so may its key
        return secrets.token_urlsafe(48)
    return _kept_key(secret_file(database))


def check_serving(settings: Settings, host: str) -> None:
    """Refuse to serve without a key of one's own where others can reach the server (a host
    other than loopback) or on PostgreSQL; otherwise make sure the key exists."""
    if settings.secret_key is None and not is_loopback(host):
        raise InsecureSettings(
            f"PARLEY_SECRET_KEY is not set: serving on {host}, which other machines can reach, "
            f"needs a long random key of your own (make one with {MAKE_ONE})."
        )
    session_secret(settings)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve anywhere


def _checked(key: str, origin: str) -> str:
    key = key.strip()
    if key in PUBLISHED_KEYS:
        raise InsecureSettings(
            f"{origin} is a published example key; choose your own (make one with {MAKE_ONE})."
        )
    if len(key) < MIN_SECRET_LENGTH:
        raise InsecureSettings(
            f"{origin} is too short to sign sessions safely: use at least {MIN_SECRET_LENGTH} "
            f"random characters (make one with {MAKE_ONE})."
        )
    return key


def _kept_key(path: Path) -> str:
    """The key in ``path``, made there (mode 0600) when the file does not exist yet."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    # Written whole to a private file, then linked into place: a process starting at the same
    # moment either wins the link or reads the winner's key, never half a file.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(key + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            return _read_key(path)
    except OSError as exc:
        raise InsecureSettings(
            f"Parley could not keep a session key in {path} ({exc.strerror}); make that folder "
            "writable or set PARLEY_SECRET_KEY."
        ) from None
    finally:
        draft.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> str:
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise InsecureSettings(
            f"{path} holds the session key but other users may read it: `chmod 600 {path}`."
        )
    return _checked(path.read_text(encoding="utf-8"), str(path))
