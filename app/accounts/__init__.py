"""Accounts: passwords, roles, API tokens, the login rate limit and the first administrator."""
