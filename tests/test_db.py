"""Transactions on SQLite: readers never hold the write lock."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.db import make_read_sessionmaker, transaction
from app.models import Source
from tests.conftest import CommittedDatabase


@pytest.mark.parametrize("committed_database", ["sqlite"], indirect=True)
def test_a_long_read_does_not_block_a_writer(committed_database: CommittedDatabase) -> None:
    engine = committed_database.engine
    reader = make_read_sessionmaker(engine)()
    try:
        assert reader.scalar(select(func.count()).select_from(Source)) == 0  # a read is open
        started = time.monotonic()
        with transaction(committed_database.factory) as writer:
            writer.add(Source(name="Reuters"))
        assert time.monotonic() - started < 1.5
        # The reader's snapshot is its own (WAL): it still sees the database as it began.
        assert reader.scalar(select(func.count()).select_from(Source)) == 0
    finally:
        reader.close()
    with transaction(committed_database.factory) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 1
