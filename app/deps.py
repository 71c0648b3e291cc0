"""Typed dependencies for what a handler needs of the running app besides the database session
(``app.db.DbSession``) and who is asking (``app.accounts.access``): its settings, and the
sessionmaker a handler uses for transactions of its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings ``create_app`` was given (read once there, passed down from here)."""
    settings: Settings = request.app.state.settings
    return settings


def get_sessionmaker(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    return factory


AppSettings = Annotated[Settings, Depends(get_settings)]
Sessions = Annotated[sessionmaker[Session], Depends(get_sessionmaker)]
