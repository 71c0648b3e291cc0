"""Batch metadata files (the shape of ``seeds/articles.json``): title, outlet, URL and date."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from app.ingest.fields import FieldError, clean_outlet, clean_title, clean_url, parse_published


class MetadataError(ValueError):
    """A metadata file that cannot be used, with the reason a person can act on."""


@dataclass(frozen=True)
class ArticleMeta:
    file: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


def parse_metadata(raw: bytes | str, origin: str = "metadata") -> dict[str, ArticleMeta]:
    """Entries keyed by the file's base name, so a file matches wherever its folder is."""
    try:
        data: Any = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{origin}: not valid JSON ({exc})") from exc
    except RecursionError:  # the parser recurses once per level of nesting
        raise MetadataError(f"{origin}: the JSON is nested too deeply to be metadata") from None
    if not isinstance(data, list):
        raise MetadataError(f"{origin}: expected a JSON list of objects with a 'file' key")
    entries: dict[str, ArticleMeta] = {}
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise MetadataError(f"{origin}: entry {index} has no 'file' name")
        try:
            meta = _entry(item)
        except FieldError as exc:
            raise MetadataError(f"{origin}: entry {index} ({item['file']}): {exc}") from exc
        entries[PurePosixPath(item["file"]).name] = meta
    return entries


def _entry(item: dict[str, Any]) -> ArticleMeta:
    """One entry, checked by the same field rules as the upload form and the API."""
    return ArticleMeta(
        file=item["file"],
        title=clean_title(_text(item, "title")),
        outlet=clean_outlet(_text(item, "outlet")),
        url=clean_url(_text(item, "url")),
        published=parse_published(_text(item, "published")),
    )


def read_metadata(path: Path) -> dict[str, ArticleMeta]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MetadataError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_metadata(raw, str(path))


def _text(item: dict[str, Any], key: str) -> str | None:
    """The entry's value for ``key``: text, or null for none (a number or a list is a mistake
    to report, not a title to store)."""
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        kind = {bool: "true or false", int: "a number", float: "a number", list: "a list"}.get(
            type(value), "an object"
        )
        raise FieldError(key, f"'{key}' must be text in quotes, not {kind}")
    return value.strip() or None if value is not None else None
