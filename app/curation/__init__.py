"""Curation: people correcting what extraction made. Every change goes through here, so every
change is checked, recorded in the audit log with its before and after, and can be undone."""
