"""Schema migrations, run programmatically: the only way Parley's schema changes."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app.settings import PROJECT_ROOT


def include_object(_obj: object, name: str | None, type_: str, *_args: object) -> bool:
    """Objects that migrations create by hand, outside the models: the task queue's tables
    (procrastinate's own schema), the full-text search column and index (PostgreSQL) or FTS5
    tables (SQLite), the timeline-order index, and ``statement.issue_ids`` and
    ``statement.lead_issue_ids`` (a statement's set of issues and of those it ranks first, kept
    by the tallies' triggers for them alone)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(("procrastinate_", "statement_fts"))
    if type_ == "index":
        return name not in (
            "ix_statement_text_fts",
            "ix_statement_search_vector",
            "ix_statement_timeline_order",
        )
    if type_ == "column":
        table = getattr(getattr(_obj, "table", None), "name", None)
        hidden = table == "statement" and name in ("issue_ids", "lead_issue_ids")
        return name != "search_vector" and not hidden
    return True


def alembic_config(engine: Engine) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "-1") -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
