"""What the account services refuse, with a reason a person can act on."""

from __future__ import annotations


class AccountError(ValueError):
    """A request about accounts that cannot be met, with a reason a person can act on."""


class TokenRefused(AccountError):
    """A bearer token that does not sign anyone in, with the reason to show its holder."""
