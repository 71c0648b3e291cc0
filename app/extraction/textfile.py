"""Read an article file for ``parley extract``: UTF-8 text only, with a clear error otherwise."""

from __future__ import annotations

from pathlib import Path


class TextFileError(ValueError):
    """A file that cannot be extracted, with the reason in one line."""


def read_article_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TextFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TextFileError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise TextFileError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise TextFileError(f"{path}: the file is empty")
    if b"\x00" in data:
        raise TextFileError(f"{path}: this is a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TextFileError(
            f"{path}: not UTF-8 text (invalid byte at position {exc.start})"
        ) from None
