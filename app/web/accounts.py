"""Signing in and out, and changing one's password."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts import ratelimit
from app.accounts.access import CurrentUser, LoginRequired, sign_in, sign_out
from app.accounts.passwords import verify_password
from app.accounts.users import (
    AccountDeactivated,
    AccountError,
    authenticate,
    normalize_email,
    set_password,
)
from app.db import DbSession
from app.models import User
from app.web.templating import render

router = APIRouter(tags=["accounts"])


def safe_next(target: str) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _client_address(request: Request) -> str:
    """The socket peer, or the client a proxy named in PARLEY_TRUSTED_PROXIES forwarded for
    (app.main installs the middleware that makes it so)."""
    return request.client.host if request.client else "unknown"


@router.get("/login", name="login")
def login_form(request: Request, user: CurrentUser, next: str = "/") -> Response:
    context: dict[str, Any] = {"next": safe_next(next), "errors": {}, "email": ""}
    return render(request, "accounts/login.html", context)


@router.post("/login", name="login_submit")
def login_submit(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = safe_next(next)
    address = _client_address(request)
    normalized = normalize_email(email)
    context: dict[str, Any] = {"next": target, "email": email, "errors": {}}
    wait = ratelimit.seconds_blocked(session, normalized, address)
    if wait:
        minutes = max(1, round(wait / 60))
        context["errors"] = {
            "form": f"Too many failed logins. Try again in about {minutes} minute"
            f"{'s' if minutes != 1 else ''}."
        }
        return render(
            request,
            "accounts/login.html",
            context,
            status_code=429,
            headers={"Retry-After": str(wait)},
        )
    try:
        user = authenticate(session, normalized, password) if normalized and password else None
    except AccountDeactivated as exc:
        context["errors"] = {"form": str(exc)}
        return render(request, "accounts/login.html", context, status_code=403)
    if user is None:
        ratelimit.record_failure(session, normalized, address)
        context["errors"] = {"form": "That email and password do not match an account."}
        return render(request, "accounts/login.html", context, status_code=401)
    ratelimit.clear_failures(session, normalized, address)
    sign_in(request, session, user)
    if user.must_change_password:
        return RedirectResponse(request.app.url_path_for("account"), status_code=303)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request, session: DbSession) -> Response:
    sign_out(request, session)
    return RedirectResponse(request.app.url_path_for("login"), status_code=303)


@router.get("/account", name="account")
def account(request: Request, user: CurrentUser) -> Response:
    if user is None:
        raise LoginRequired
    return render(request, "accounts/account.html", {"account": user, "errors": {}, "done": False})


@router.post("/account/password", name="account_password")
def change_password(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    repeat: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    if user is None:
        raise LoginRequired
    user = session.get(User, user.id) or user
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = "That is not your current password."
    elif new != repeat:
        errors["repeat"] = "The two new passwords differ."
    elif new == current:
        errors["new"] = "Choose a password different from the current one."
    else:
        try:
            set_password(session, user, new)
        except AccountError as exc:
            errors["new"] = str(exc)
    if errors:
        context = {"account": user, "errors": errors, "done": False}
        return render(request, "accounts/account.html", context, status_code=422)
    sign_in(request, session, user)  # every session of the account ended: start this one again
    return render(request, "accounts/account.html", {"account": user, "errors": {}, "done": True})
