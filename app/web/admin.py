"""The administrator's accounts page: list and create accounts, change a role, deactivate and
reactivate, reset a password, revoke API tokens. Each write is a service of app.accounts, the
same one `parley users …` calls."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts import tokens, users
from app.accounts.access import Admin
from app.accounts.errors import AccountError
from app.db import DbSession
from app.models import User
from app.vocabulary import Role as Roles
from app.web.params import RecordId
from app.web.templating import render

router = APIRouter(tags=["admin"])
Email = Annotated[str, Form(max_length=254)]
RoleField = Annotated[str, Form(max_length=20)]

# What a change did, said on the page it leads back to (?done=…).
DONE = {
    "created": "The account is made with the password you gave.",
    "role": "The role is changed; the account's sessions ended, so it logs in again.",
    "deactivated": "The account is deactivated: signed out everywhere, its API tokens revoked.",
    "reactivated": "The account may log in again (its old API tokens stay revoked).",
    "revoked": "The API tokens are revoked.",
}
Done = Literal["created", "role", "deactivated", "reactivated", "revoked"]


def _account_or_404(session: DbSession, user_id: int) -> User:
    found = session.get(User, user_id)
    if found is None:
        raise HTTPException(status_code=404, detail=f"There is no account {user_id}.")
    return found


def _list_page(
    request: Request,
    session: DbSession,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "accounts": users.list_users(session),
        "roles": list(Roles),
        "errors": errors or {},
        "values": {"email": "", "role": "analyst", **(values or {})},
    }
    return render(request, "admin/accounts.html", context, status_code=status_code)


def _account_page(
    request: Request,
    session: DbSession,
    account: User,
    *,
    done: str | None = None,
    one_time_password: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "account": account,
        "roles": list(Roles),
        "tokens": tokens.list_tokens(session, account),
        "token_state": tokens.token_state,
        "done": DONE.get(done or ""),
        "one_time_password": one_time_password,
        "error": error,
    }
    return render(request, "admin/account.html", context, status_code=status_code)


def _back(request: Request, account: User, done: Done) -> Response:
    target = request.app.url_path_for("admin_account", user_id=account.id)
    return RedirectResponse(f"{target}?done={done}", status_code=303)


def _refused(request: Request, session: DbSession, account: User, exc: AccountError) -> Response:
    session.rollback()
    account = _account_or_404(session, account.id)
    return _account_page(request, session, account, error=str(exc), status_code=409)


@router.get("/admin/accounts", name="admin_accounts")
def accounts(request: Request, session: DbSession, admin: Admin) -> Response:
    return _list_page(request, session)


@router.post("/admin/accounts", name="admin_account_create")
def create(
    request: Request,
    session: DbSession,
    admin: Admin,
    email: Email = "",
    role: RoleField = "analyst",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """With a password, the account is ready; without one, a one-time password is made and
    shown here once (the page is not a redirect, so the password never lands in a URL)."""
    try:
        if password:
            account = users.create_user(session, email, password, role)
        else:
            made = users.create_user_with_one_time_password(session, email, role)
            return _account_page(
                request, session, made.user, one_time_password=made.password, status_code=201
            )
    except AccountError as exc:
        session.rollback()
        return _list_page(
            request,
            session,
            errors={"form": str(exc)},
            values={"email": email, "role": role},
            status_code=422,
        )
    return _back(request, account, "created")


@router.get("/admin/accounts/{user_id}", name="admin_account")
def account_page(
    request: Request,
    session: DbSession,
    admin: Admin,
    user_id: RecordId,
    done: Annotated[Done | None, Query()] = None,
) -> Response:
    return _account_page(request, session, _account_or_404(session, user_id), done=done)


@router.post("/admin/accounts/{user_id}/role", name="admin_account_role")
def change_role(
    request: Request, session: DbSession, admin: Admin, user_id: RecordId, role: RoleField = ""
) -> Response:
    account = _account_or_404(session, user_id)
    try:
        users.set_role(session, account, role)
    except AccountError as exc:
        return _refused(request, session, account, exc)
    return _back(request, account, "role")


@router.post("/admin/accounts/{user_id}/deactivate", name="admin_account_deactivate")
def deactivate(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> Response:
    account = _account_or_404(session, user_id)
    try:
        users.deactivate(session, account)
    except AccountError as exc:
        return _refused(request, session, account, exc)
    return _back(request, account, "deactivated")


@router.post("/admin/accounts/{user_id}/reactivate", name="admin_account_reactivate")
def reactivate(request: Request, session: DbSession, admin: Admin, user_id: RecordId) -> Response:
    account = _account_or_404(session, user_id)
    users.reactivate(session, account)
    return _back(request, account, "reactivated")


@router.post("/admin/accounts/{user_id}/password", name="admin_account_reset")
def reset_password(
    request: Request, session: DbSession, admin: Admin, user_id: RecordId
) -> Response:
    """The one-time password is shown on this response only."""
    account = _account_or_404(session, user_id)
    password = users.reset_password(session, account)
    return _account_page(request, session, account, one_time_password=password)


@router.post("/admin/accounts/{user_id}/tokens/revoke", name="admin_account_revoke_tokens")
def revoke_tokens(
    request: Request, session: DbSession, admin: Admin, user_id: RecordId
) -> Response:
    account = _account_or_404(session, user_id)
    tokens.revoke_tokens(session, account)
    return _back(request, account, "revoked")


@router.post(
    "/admin/accounts/{user_id}/tokens/{token_id}/revoke", name="admin_account_revoke_token"
)
def revoke_token(
    request: Request, session: DbSession, admin: Admin, user_id: RecordId, token_id: RecordId
) -> Response:
    account = _account_or_404(session, user_id)
    try:
        token = tokens.find_token(session, token_id, owner=account)
    except AccountError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    tokens.revoke_token(session, token)
    return _back(request, account, "revoked")
