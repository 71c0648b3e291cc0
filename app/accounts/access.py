"""Who is asking: the signed session cookie or an API bearer token, and what each role may do.

Reading needs a login unless PARLEY_PUBLIC_READ is true; writing needs an analyst or an
administrator; account administration needs an administrator.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from app.accounts.errors import TokenRefused
from app.accounts.sessions import (
    end_session,
    forget_expired_sessions,
    start_session,
    user_for_session,
)
from app.accounts.tokens import user_for_token
from app.db import transaction
from app.models import User
from app.vocabulary import Role

# The session cookie holds this key's value: a random key whose digest names a login_session row.
SESSION_KEY = "sid"


class LoginRequired(Exception):
    """Raised by the access checks for an anonymous request that needs an account."""


class PasswordChangeRequired(Exception):
    """Raised for a user still on a one-time password (first run, or made by an administrator)."""


def _usable(request: Request, user: User | None) -> User | None:
    if user is not None and user.must_change_password and not request.state.via_token:
        raise PasswordChangeRequired
    return user


def _session_lifetime(request: Request) -> timedelta:
    return timedelta(days=request.app.state.settings.session_days)


def current_user(request: Request) -> User | None:
    """The signed-in user (cookie) or the token's owner (Authorization: Bearer …), or None.

    Looked up in a short transaction of its own, so that a handler which opens its own
    transactions does not wait on the request's (SQLite has one writer at a time)."""
    if hasattr(request.state, "user"):
        return request.state.user
    user: User | None = None
    request.state.via_token = False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        request.state.via_token = True
        try:
            with transaction(request.app.state.sessionmaker) as session:
                user = user_for_token(session, token.strip())
        except TokenRefused as exc:
            raise HTTPException(
                status_code=401, detail=str(exc), headers={"WWW-Authenticate": "Bearer"}
            ) from None
    elif (key := request.session.get(SESSION_KEY)) is not None:
        with transaction(request.app.state.sessionmaker) as session:
            user = user_for_session(session, str(key), _session_lifetime(request))
        if user is None:  # ended, expired or forged: the cookie stops naming it
            request.session.pop(SESSION_KEY, None)
    request.state.user = user
    return user


CurrentUser = Annotated[User | None, Depends(current_user)]


def sign_in(request: Request, session: Session, user: User) -> None:
    """A fresh session for the user (a new CSRF token too, so none survives from before)."""
    forget_expired_sessions(session, _session_lifetime(request))
    request.session.clear()
    request.session[SESSION_KEY] = start_session(session, user)
    request.state.user = user


def sign_out(request: Request, session: Session) -> None:
    """End this browser's session on the server, not only in its cookie."""
    if (key := request.session.get(SESSION_KEY)) is not None:
        end_session(session, str(key))
    request.session.clear()
    request.state.user = None


def require_reader(request: Request, user: CurrentUser) -> User | None:
    if user is None and not request.app.state.settings.public_read:
        raise LoginRequired
    return _usable(request, user)


def require_analyst(request: Request, user: CurrentUser) -> User:
    if user is None:
        raise LoginRequired
    _usable(request, user)
    if not user.can_write:
        raise HTTPException(
            status_code=403,
            detail=f"Your account ({user.email}) may read but not change anything; "
            "ask an administrator for the analyst role.",
        )
    return user


def require_admin(request: Request, user: CurrentUser) -> User:
    if user is None:
        raise LoginRequired
    _usable(request, user)
    if user.role != Role.admin:
        raise HTTPException(status_code=403, detail="Only an administrator may do this.")
    return user


Reader = Annotated[User | None, Depends(require_reader)]
Analyst = Annotated[User, Depends(require_analyst)]
Admin = Annotated[User, Depends(require_admin)]
