"""Who is asking: the signed session cookie or an API bearer token, and what each role may do.

Reading needs a login unless PARLEY_PUBLIC_READ is true; writing needs an analyst or an
administrator; account administration needs an administrator.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.accounts.users import user_for_token
from app.db import transaction
from app.models import User

SESSION_USER_KEY = "uid"
SESSION_VERSION_KEY = "sv"


class LoginRequired(Exception):
    """Raised by the access checks for an anonymous request that needs an account."""


class PasswordChangeRequired(Exception):
    """Raised for a user still on the one-time password printed at first run."""


def _usable(request: Request, user: User | None) -> User | None:
    if user is not None and user.must_change_password and not request.state.via_token:
        raise PasswordChangeRequired
    return user


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
        with transaction(request.app.state.sessionmaker) as session:
            user = user_for_token(session, token.strip())
        request.state.via_token = True
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="The API token is not valid; make one with `parley users token EMAIL`.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif (user_id := request.session.get(SESSION_USER_KEY)) is not None:
        with transaction(request.app.state.sessionmaker) as session:
            found = session.get(User, user_id)
        if found is not None and found.session_version == request.session.get(SESSION_VERSION_KEY):
            user = found
    request.state.user = user
    return user


CurrentUser = Annotated[User | None, Depends(current_user)]


def sign_in(request: Request, user: User) -> None:
    """A fresh session for the user (a new CSRF token too, so none survives from before)."""
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_VERSION_KEY] = user.session_version
    request.state.user = user


def sign_out(request: Request) -> None:
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
    if user.role != "admin":
        raise HTTPException(status_code=403, detail="Only an administrator may do this.")
    return user


Reader = Annotated[User | None, Depends(require_reader)]
Analyst = Annotated[User, Depends(require_analyst)]
Admin = Annotated[User, Depends(require_admin)]
