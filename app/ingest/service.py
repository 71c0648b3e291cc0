"""Import articles: read, extract, store — one transaction per article, whatever calls it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.db import transaction
from app.extraction.codebook import Codebook
from app.extraction.dates import find_dates
from app.extraction.pipeline import Extractor
from app.extraction.types import ExtractionResult
from app.ingest.budget import BudgetedExtractor
from app.ingest.codebooks import load_codebook, sync_actors, sync_issues
from app.ingest.documents import SUPPORTED_SUFFIXES, Document, DocumentError, read_document
from app.ingest.importer import ArticleInput, ImportOutcome, store_article
from app.ingest.metadata import ArticleMeta, read_metadata
from app.vocabulary import DatePrecision


@dataclass
class FileOutcome:
    path: str
    status: str  # imported, duplicate or failed
    article_id: int | None = None
    statements: int = 0
    error: str | None = None


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


DATELINE_CHARS = 400


def dateline_date(text: str) -> date | None:
    """A full date (with its year) near the top of the text: "MOSCOW, May 16, 2025 (Reuters) —",
    "Published 16 May 2025". Relative words are no help without a publication date."""
    head = text[:DATELINE_CHARS]
    found = [d for d in find_dates(head, None) if d.precision == DatePrecision.day]
    if not found:
        return None
    day = found[0].day
    return day if day <= date.today() else None


def article_input(document: Document, meta: ArticleMeta | None) -> ArticleInput:
    """Merge what the metadata says with what the file says: the metadata first, then the
    page's own metadata, then a dateline in the text; with no date, the article is flagged."""
    title = (meta.title if meta else None) or document.title or _first_line(document.text)
    published = (
        (meta.published if meta else None) or document.published or dateline_date(document.text)
    )
    return ArticleInput(
        text=document.text,
        title=title[:500],
        outlet=(meta.outlet if meta else None) or document.outlet,
        url=(meta.url if meta else None) or document.url,
        published_on=published,
        published_precision="day" if published else "unknown",
        file_name=document.file_name,
        file_type=document.file_type,
        file_sha256=document.sha256,
        needs_review=published is None,
    )


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "Untitled article"


WARM_UP_TEXT = "Putin said the talks would go on."


class ArticleImporter:
    """Extracts and stores articles; the codebook is read from the database once per importer.

    With ``extract_timeout`` (seconds; ``Settings.extract_timeout_seconds``), each article is
    extracted in a child process under that budget and one that outlasts it raises
    ``ExtractionTimeout`` with nothing stored; without it, extraction runs here, unbounded.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        extractor: Extractor | None = None,
        extract_timeout: float | None = None,
    ) -> None:
        self.factory = factory
        self._extractor = extractor
        self.extract_timeout = extract_timeout
        self._budgeted: BudgetedExtractor | None = None
        self._lock = threading.Lock()

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            with transaction(self.factory) as session:
                codebook = load_codebook(session)
            self._extractor = Extractor(codebook)
        return self._extractor

    def import_input(
        self,
        item: ArticleInput,
        also: Callable[[Session, ImportOutcome], None] | None = None,
    ) -> ImportOutcome:
        """Extract outside the transaction, then store; ``also`` writes in the same transaction
        (a job records its item's result there, so both commit or neither does)."""
        result = self._extract(item)
        with transaction(self.factory) as session:
            outcome = store_article(session, item, result, self.extractor.codebook)
            if also is not None:
                also(session, outcome)
            return outcome

    def warm_up(self) -> None:
        """Read the codebook and load the pipeline now (`parley worker` does at start), so
        that no article's import waits for them."""
        if self.extract_timeout is None:
            self.extractor.extract(WARM_UP_TEXT)
        else:
            self._budgeted_extractor().warm_up()

    def _extract(self, item: ArticleInput) -> ExtractionResult:
        if self.extract_timeout is None:
            return self.extractor.extract(item.text, published=item.published_on, title=item.title)
        return self._budgeted_extractor().extract(
            item.text, published=item.published_on, title=item.title
        )

    def _budgeted_extractor(self) -> BudgetedExtractor:
        assert self.extract_timeout is not None
        with self._lock:
            if self._budgeted is None:
                self._budgeted = BudgetedExtractor(self.extractor.codebook, self.extract_timeout)
            return self._budgeted

    def import_paths(
        self,
        paths: Iterable[Path],
        metadata: dict[str, ArticleMeta] | None = None,
        on_done: Callable[[FileOutcome], None] | None = None,
    ) -> ImportReport:
        report = ImportReport()
        for path in paths:
            outcome = self.import_path(path, metadata or {})
            report.outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        return report

    def import_path(self, path: Path, metadata: dict[str, ArticleMeta]) -> FileOutcome:
        try:
            document = read_document(path.read_bytes(), path.name)
        except (DocumentError, OSError) as exc:
            message = str(exc) if isinstance(exc, DocumentError) else f"{path}: {exc.strerror}"
            return FileOutcome(path=str(path), status="failed", error=message)
        outcome = self.import_input(article_input(document, metadata.get(path.name)))
        return FileOutcome(
            path=str(path),
            status=outcome.status,
            article_id=outcome.article_id,
            statements=outcome.statements,
        )


# Files a folder of clippings carries about itself, not articles: walked past, unless named.
NOT_ARTICLES = ("readme", "license", "licence", "changelog", "contributing")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the supported files inside any folder, walked recursively, sorted
    (hidden files and folders, and a folder's README or LICENSE, left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                    and p.stem.lower() not in NOT_ARTICLES
                )
            )
        else:
            found.append(path)
    return found


@dataclass
class SeedReport:
    issues_created: int
    actors_created: int
    imports: ImportReport


def load_codebooks(session: Session, codebook: Codebook) -> tuple[int, int]:
    issues = sync_issues(session, codebook.issues)
    actors = sync_actors(session, codebook.actors)
    return issues.created, actors.created


def seed(factory: sessionmaker[Session], seeds_dir: Path) -> SeedReport:
    """Load both codebooks, then import the seed articles through the ordinary import path."""
    codebook = Codebook.from_dir(seeds_dir)
    with transaction(factory) as session:
        issues_created, actors_created = load_codebooks(session, codebook)
    metadata = read_metadata(seeds_dir / "articles.json")
    paths = [seeds_dir / entry.file for entry in metadata.values()]
    report = ArticleImporter(factory).import_paths(paths, metadata)
    return SeedReport(issues_created=issues_created, actors_created=actors_created, imports=report)
