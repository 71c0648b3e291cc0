"""The ``parley`` command: serve, migrate, seed, import and extract."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from app.dates import NotADay, parse_day
from app.settings import Settings
from app.vocabulary import ItemStatus, JobOrigin, StatementKind

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session, sessionmaker

app = typer.Typer(
    name="parley",
    help="Parley: track peace-negotiation positions over time.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Migrate the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
users_app = typer.Typer(help="Manage accounts and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


class CliError(Exception):
    """A failure to report in one line, exit status 1."""


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    """Parley: track peace-negotiation positions over time."""


def _engine(settings: Settings) -> Engine:
    from app.db import make_engine

    return make_engine(settings.database_url)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart when the code changes.")] = False,
) -> None:
    """Serve the web app (on a database without accounts, first create an administrator and
    print its one-time password)."""
    import uvicorn

    from app.accounts.secret import check_serving
    from app.settings import InsecureSettings

    settings = Settings()
    try:
        check_serving(settings, host)
    except InsecureSettings as exc:
        raise CliError(str(exc)) from None
    _announce_first_admin(settings, f"http://{host}:{port}/login")
    # Forwarded headers are believed only from PARLEY_TRUSTED_PROXIES, which the app applies
    # itself; uvicorn's own default would trust any local process.
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        proxy_headers=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the schema (to the newest revision by default)."""
    from app import migrate

    settings = Settings()
    migrate.upgrade(_engine(settings), revision)
    console.print(f"Database at revision [bold]{migrate.current_revision(_engine(settings))}[/].")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")] = "-1",
) -> None:
    """Downgrade the schema (one revision by default; 'base' empties it)."""
    from app import migrate

    settings = Settings()
    migrate.downgrade(_engine(settings), revision)
    console.print(
        f"Database at revision [bold]{migrate.current_revision(_engine(settings)) or 'base'}[/]."
    )


@db_app.command("optimize")
def db_optimize() -> None:
    """After a bulk load: refresh the planner's statistics and compact the full-text index
    (SQLite: merged into one segment; PostgreSQL: VACUUM ANALYZE)."""
    from app.db import optimize

    optimize(_engine(Settings()))
    console.print("Statistics refreshed and the full-text index compacted.")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision the database is at, and the newest one."""
    from app import migrate

    engine = _engine(Settings())
    current = migrate.current_revision(engine)
    head = migrate.head_revision(engine)
    state = "up to date" if current == head else "behind: run `parley db upgrade`"
    console.print(f"current: {current or 'base (empty)'}  head: {head}  ({state})")


def _sessionmaker(settings: Settings) -> sessionmaker[Session]:
    from app import migrate
    from app.db import make_sessionmaker

    engine = _engine(settings)
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        raise CliError("the database schema is not up to date; run `parley db upgrade` first")
    return make_sessionmaker(engine)


def _announce_first_admin(settings: Settings, login_url: str) -> None:
    from app import migrate
    from app.accounts.users import ensure_first_admin
    from app.db import make_sessionmaker, transaction

    engine = _engine(settings)
    if migrate.current_revision(engine) != migrate.head_revision(engine):
        return  # the app reports the schema; nothing to create accounts in yet
    with transaction(make_sessionmaker(engine)) as session:
        first = ensure_first_admin(session)
    engine.dispose()
    if first is not None:
        console.print(
            "\n[bold]Parley has no accounts yet, so it made an administrator.[/] "
            f"Log in at {login_url} with\n"
            f"  email     [bold]{first.email}[/]\n"
            f"  password  [bold]{first.password}[/]   (one-time: you choose your own at first "
            "login)\n"
            "Make more with `parley users create EMAIL --role analyst`.\n"
        )


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("no password on standard input")
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@contextmanager
def _accounts() -> Iterator[Session]:
    """One transaction for a `parley users …` command; an AccountError rolls it back and is
    reported in one line."""
    from app.accounts.errors import AccountError
    from app.db import transaction

    try:
        with transaction(_sessionmaker(Settings())) as session:
            yield session
    except AccountError as exc:
        raise CliError(str(exc)) from None


def _when(moment: datetime | None, empty: str = "never") -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else empty


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    role: Annotated[
        str, typer.Option("--role", help="viewer (reads), analyst (reads and edits) or admin.")
    ] = "analyst",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the password is prompted for unless --password-stdin)."""
    from app.accounts.schemas import NewAccount
    from app.accounts.users import AccountError, create_user

    try:
        NewAccount.checked(email=email, role=role)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from None
    password = _read_password(password_stdin)
    with _accounts() as session:
        user = create_user(session, email, password, role)
        console.print(f"Created {user.email} ({user.role}).")


@users_app.command("list")
def users_list() -> None:
    """List the accounts."""
    from app.accounts.users import list_users

    with _accounts() as session:
        users = list_users(session)
        table = Table("email", "role", "state", "created", "last login")
        for user in users:
            state = "active" if user.active else "deactivated"
            if user.active and user.must_change_password:
                state = "one-time password"
            created = user.created_at.strftime("%Y-%m-%d")
            table.add_row(user.email, user.role, state, created, _when(user.last_login_at))
    console.print(table if users else "No accounts yet.")


@users_app.command("set-role")
def users_set_role(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    role: Annotated[str, typer.Argument(help="viewer, analyst or admin.")],
) -> None:
    """Change an account's role (its sessions end)."""
    from app.accounts.schemas import RoleChoice
    from app.accounts.users import AccountError, get_user, set_role

    try:
        RoleChoice.checked(role=role)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from None
    with _accounts() as session:
        user = set_role(session, get_user(session, email), role)
        console.print(f"{user.email} is now {user.role}.")


@users_app.command("deactivate")
def users_deactivate(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
) -> None:
    """Stop an account from logging in; its sessions end and its API tokens are revoked."""
    from app.accounts.users import deactivate, get_user

    with _accounts() as session:
        user = deactivate(session, get_user(session, email))
        console.print(f"{user.email} is deactivated: signed out, its API tokens revoked.")


@users_app.command("reactivate")
def users_reactivate(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
) -> None:
    """Let a deactivated account log in again (its old API tokens stay revoked)."""
    from app.accounts.users import get_user, reactivate

    with _accounts() as session:
        user = reactivate(session, get_user(session, email))
        console.print(f"{user.email} may log in again.")


@users_app.command("reset-password")
def users_reset_password(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
) -> None:
    """Give the account a one-time password (printed once; changed at its first login); its
    sessions end and its API tokens are revoked."""
    from app.accounts.users import get_user, reset_password

    with _accounts() as session:
        user = get_user(session, email)
        password = reset_password(session, user)
        console.print(f"One-time password for {user.email} (to be changed at first login):")
    print(password)


@users_app.command("token")
def users_token(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", min=1, max=3650, help="Expire after this many days."),
    ] = None,
) -> None:
    """Make an API bearer token for the account (printed once; only its digest is stored)."""
    from app.accounts.tokens import issue_token
    from app.accounts.users import get_user

    with _accounts() as session:
        token = issue_token(session, get_user(session, email), expires_days=expires_days)
    print(token)


@users_app.command("tokens")
def users_tokens(
    email: Annotated[str, typer.Argument(help="The account's email address.")],
) -> None:
    """List the account's API tokens: id, how each begins, created, expires, last used, state."""
    from app.accounts.tokens import list_tokens, token_state
    from app.accounts.users import get_user

    with _accounts() as session:
        user = get_user(session, email)
        tokens = list_tokens(session, user)
        table = Table("id", "token", "created", "expires", "last used", "state")
        for token in tokens:
            table.add_row(
                str(token.id),
                f"{token.prefix}…",
                _when(token.created_at),
                _when(token.expires_at, "never"),
                _when(token.last_used_at),
                token_state(token),
            )
    console.print(table if tokens else f"{user.email} has no API tokens.")


@users_app.command("revoke")
def users_revoke(
    target: Annotated[
        str,
        typer.Argument(metavar="ID_OR_EMAIL", help="A token's id; with --all, an account's email."),
    ],
    every: Annotated[
        bool, typer.Option("--all", help="Revoke every token of the account EMAIL.")
    ] = False,
) -> None:
    """Revoke an API token (by the id `parley users tokens EMAIL` shows), or all of an account's
    tokens with --all."""
    from app.accounts.tokens import find_token, revoke_token, revoke_tokens
    from app.accounts.users import get_user

    if not every and not target.isdigit():
        raise typer.BadParameter(f"“{target}” is not a token id; to revoke by email add --all")
    with _accounts() as session:
        if every:
            user = get_user(session, target)
            count = revoke_tokens(session, user)
            console.print(f"Revoked {count} API token{'s' if count != 1 else ''} of {user.email}.")
            return
        token = find_token(session, int(target))
        done = revoke_token(session, token)
        console.print(
            f"Revoked token {token.id} ({token.prefix}…)."
            if done
            else f"Token {token.id} was already revoked."
        )


@app.command()
def reextract(
    article_ids: Annotated[
        list[int] | None, typer.Argument(help="Articles to re-extract (their ids).", min=1)
    ] = None,
    all_articles: Annotated[bool, typer.Option("--all", help="Re-extract every article.")] = False,
) -> None:
    """Run extraction again on stored articles, keeping every statement a person confirmed,
    edited, rejected or added."""
    from app.curation.audit import Editor
    from app.curation.reextract import article_ids as every_article
    from app.curation.reextract import missing_articles
    from app.curation.reextract import reextract as run_reextract
    from app.db import transaction
    from app.extraction.pipeline import Extractor
    from app.ingest.codebooks import load_codebook

    if all_articles == bool(article_ids):
        raise typer.BadParameter("give article ids or --all (one of the two)")
    factory = _sessionmaker(Settings())
    with transaction(factory) as session:
        if all_articles:
            wanted = every_article(session)
        else:
            wanted = list(dict.fromkeys(article_ids or []))
            missing = missing_articles(session, wanted)
            if missing:
                raise CliError(f"no article with id {', '.join(map(str, missing))}")
        codebook = load_codebook(session)
    extractor = Extractor(codebook)
    done = 0
    for report in run_reextract(factory, extractor, wanted, Editor.command("parley reextract")):
        console.print(report.summary)
        done += 1
    console.print(f"Re-extracted {done} article{'s' if done != 1 else ''}.")


@app.command()
def seed() -> None:
    """Load the actor and issue codebooks and import the seed articles (safe to run twice)."""
    from app.ingest.service import seed as run_seed

    settings = Settings()
    report = run_seed(_sessionmaker(settings), settings.seeds_dir)
    imports = report.imports
    console.print(
        f"Codebooks: {report.issues_created} new issues, {report.actors_created} new actors. "
        f"Articles: {imports.count('imported')} imported, "
        f"{imports.count('duplicate')} already there, "
        f"{imports.count('failed')} failed."
    )
    for outcome in imports.outcomes:
        if outcome.status == ItemStatus.failed:
            errors.print(f"[red]failed[/] {outcome.error}")
    if imports.count("failed"):
        raise typer.Exit(1)


@app.command("import")
def import_articles(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (.txt .md .html .htm .pdf).", exists=True)
    ],
    metadata: Annotated[
        Path | None,
        typer.Option(
            help="JSON list in the shape of seeds/articles.json.", exists=True, dir_okay=False
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=32, help="Processes importing in parallel.")
    ] = 1,
) -> None:
    """Import articles from files and folders (folders are walked), as one import job."""
    from rich.progress import Progress

    from app.db import transaction
    from app.ingest.jobs import get_job, item_counts
    from app.ingest.metadata import MetadataError, read_metadata
    from app.ingest.service import expand_paths
    from app.ingest.uploads import queue_upload
    from app.ingest.workers import new_items, run_in_processes

    try:
        meta = read_metadata(metadata) if metadata else {}
    except MetadataError as exc:
        raise CliError(str(exc)) from exc
    files = expand_paths(paths)
    if not files:
        raise CliError("no importable files (.txt .md .html .htm .pdf) found in the paths given")
    settings = Settings()
    factory = _sessionmaker(settings)
    job_id = queue_upload(factory, new_items(files, meta, settings.max_upload_bytes), JobOrigin.cli)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"Import job {job_id}", total=len(files))

        def show() -> None:
            with transaction(factory) as session:
                counts = item_counts(session, job_id)
            done = sum(counts.get(s, 0) for s in ("imported", "duplicate", "failed"))
            progress.update(task, completed=done)

        run_in_processes(settings, factory, job_id, workers, on_progress=show)
    with transaction(factory) as session:
        view = get_job(session, job_id)
        assert view is not None
        table = Table("file", "result", "article", "statements", title=f"Import job {job_id}")
        for item in view.job.items:
            result = (
                item.status if item.status != ItemStatus.failed else f"[red]failed:[/] {item.error}"
            )
            table.add_row(item.file_name, result, str(item.article_id or ""), str(item.statements))
        console.print(table)
        counts = view.counts
    console.print(
        f"{counts.get('imported', 0)} imported, {counts.get('duplicate', 0)} duplicates, "
        f"{counts.get('failed', 0)} failed."
    )
    if counts.get("failed", 0):
        raise typer.Exit(1)


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, max=16, help="Jobs run at once.")] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="Process what is queued, then exit.")
    ] = False,
) -> None:
    """Run import jobs from the PostgreSQL task queue (uploads and the API queue them)."""
    from app.ingest.queue import run_worker

    settings = Settings()
    if settings.is_sqlite:
        raise CliError(
            "the worker needs PostgreSQL; with SQLite, imports run inside `parley serve`"
        )
    factory = _sessionmaker(settings)
    console.print("Parley import worker: loading the extraction pipeline.")
    run_worker(
        settings,
        factory,
        wait=not once,
        concurrency=concurrency,
        on_ready=lambda: console.print("Parley import worker ready; waiting for jobs."),
    )


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Article text files (UTF-8).")],
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD; resolves 'on Tuesday'.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="The article's title.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (JSON Lines for several files).")
    ] = False,
) -> None:
    """Extract statements, events and actors from article files, without touching the database."""
    from app.extraction.codebook import Codebook, CodebookError
    from app.extraction.pipeline import Extractor
    from app.extraction.serialize import result_to_dict
    from app.extraction.textfile import TextFileError, read_article_text

    published_on = _parse_published(published)
    texts: list[tuple[Path, str]] = []
    for path in files:
        try:
            texts.append((path, read_article_text(path)))
        except TextFileError as exc:
            raise CliError(str(exc)) from exc
    try:
        codebook = Codebook.from_dir(Settings().seeds_dir)
    except CodebookError as exc:
        raise CliError(str(exc)) from exc
    extractor = Extractor(codebook)
    results = extractor.extract_many(
        [text for _path, text in texts], published=published_on, title=title
    )
    for (path, _text), result in zip(texts, results, strict=True):
        payload = result_to_dict(result)
        if as_json:
            if len(texts) > 1:
                payload = {"file": str(path), **payload}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            _print_result(path, payload)


def _parse_published(value: str | None) -> date | None:
    try:
        return parse_day(value)
    except NotADay:
        raise typer.BadParameter(
            f"{value!r} is not a date; use YYYY-MM-DD", param_hint="--published"
        ) from None


def _print_result(path: Path, payload: dict[str, Any]) -> None:
    table = Table(title=str(path), show_lines=False)
    for column in ("speaker", "kind", "said on", "issues", "stance", "text"):
        table.add_column(column, overflow="fold")
    for item in payload["statements"]:
        table.add_row(
            item["speaker"] or "—",
            "quote" if item["kind"] == StatementKind.direct_quote else "reported",
            item["said_on"] or "—",
            ", ".join(item["issues"][:2]),
            item["stance"],
            item["text"],
        )
    console.print(table)
    for event in payload["events"]:
        console.print(f"event: {event['kind']} {event['date'] or '?'} {event['title']}")


def main() -> None:
    """Entry point: one-line errors (exit 2 for bad arguments, 1 for failures), no traceback
    unless --debug asks for it."""
    debug = "--debug" in sys.argv
    try:
        status = app(standalone_mode=False)
    except typer.Abort:
        errors.print("aborted")
        sys.exit(1)
    except typer.TyperException as exc:  # bad arguments: click's usage errors, exit status 2
        errors.print(f"error: {exc.format_message()}", markup=False, highlight=False)
        sys.exit(getattr(exc, "exit_code", 2))
    except CliError as exc:
        if debug:
            raise
        errors.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(1)
    except Exception as exc:  # the last line of defence: no traceback unless asked
        if debug:
            raise
        errors.print(f"error: {exc.__class__.__name__}: {exc}", markup=False, highlight=False)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
