"""Every table Parley has; importing this package registers them all on ``Base.metadata``."""

from app.models.account import ApiToken, LoginFailure, LoginSession, User
from app.models.actor import Actor, ActorAlias, ActorRole
from app.models.article import Article, Source
from app.models.audit import AuditEntry
from app.models.dedup import ArticleBand
from app.models.event import Event, EventArticle, event_actor
from app.models.issue import Issue
from app.models.job import ImportItem, ImportJob
from app.models.position import Position
from app.models.statement import Statement, StatementIssue
from app.models.tally import IssueTally, StatementTally

__all__ = [
    "Actor",
    "ActorAlias",
    "ActorRole",
    "ApiToken",
    "Article",
    "ArticleBand",
    "AuditEntry",
    "Event",
    "EventArticle",
    "ImportItem",
    "ImportJob",
    "Issue",
    "IssueTally",
    "LoginFailure",
    "LoginSession",
    "Position",
    "Source",
    "Statement",
    "StatementIssue",
    "StatementTally",
    "User",
    "event_actor",
]
