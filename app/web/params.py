"""Path parameters shared by the pages: ids a database column can hold (a larger number is a
422, never a server error)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from app.models.common import MAX_ID

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's id")]
