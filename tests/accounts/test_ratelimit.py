"""What login failures are counted under, and when they block."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.accounts.ratelimit import (
    MAX_PER_ACCOUNT_AND_ADDRESS,
    address_key,
    clear_failures,
    record_failure,
    seconds_blocked,
)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),  # the same host's /64
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("testclient", "testclient"),
    ],
)
def test_address_keys(address: str, key: str) -> None:
    assert address_key(address) == key


def test_failures_block_the_pair_not_the_account(session: Session) -> None:
    for _ in range(MAX_PER_ACCOUNT_AND_ADDRESS):
        assert seconds_blocked(session, "admin@localhost", "203.0.113.9") == 0
        record_failure(session, "admin@localhost", "203.0.113.9")
    assert 0 < seconds_blocked(session, "admin@localhost", "203.0.113.9") <= 15 * 60
    assert seconds_blocked(session, "admin@localhost", "198.51.100.4") == 0
    assert seconds_blocked(session, "someone@example.org", "203.0.113.9") == 0
    # Clearing after a success elsewhere leaves the guesser's failures standing.
    clear_failures(session, "admin@localhost", "198.51.100.4")
    assert seconds_blocked(session, "admin@localhost", "203.0.113.9") > 0
    clear_failures(session, "admin@localhost", "203.0.113.9")
    assert seconds_blocked(session, "admin@localhost", "203.0.113.9") == 0
