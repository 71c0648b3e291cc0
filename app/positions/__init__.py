"""Positions over time: where each actor stands on each issue, derived from statements."""
