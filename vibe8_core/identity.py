"""From an identity (verified Auth0 claims, the local user, a `--user` email) to a stored user.

`auth.py` decides whether someone may come in; this module turns who they are into a `users` row,
following DATABASE.md's access patterns: by `auth0_sub`, else by email (linking the subject on the
first OAuth sign-in), else a new user; `last_login` moves on every sign-in.
"""

from __future__ import annotations

from typing import Any

from vibe8_core.auth import AuthError, check_claims_allowed, is_email_allowed, normalize_email
from vibe8_core.config import AuthSettings
from vibe8_core.store import UnitOfWork, UserRecord


def _allowed_email(email: str, auth: AuthSettings) -> str:
    email = normalize_email(email)
    if not is_email_allowed(email, auth.allowed_emails):
        raise AuthError(f"{email} is not on this Vibe8's allowlist.")
    return email


def sign_in_with_claims(uow: UnitOfWork, auth: AuthSettings, claims: dict[str, Any]) -> UserRecord:
    """The user for verified ID-token claims (allowlist checked); the caller commits."""
    email = check_claims_allowed(claims, auth.allowed_emails)
    subject = str(claims["sub"])
    user = uow.users.find_by_auth0_sub(subject)
    if user is None:
        by_email = uow.users.find_by_email(email)
        if by_email is not None and by_email.auth0_sub not in (None, subject):
            raise AuthError("This email is already linked to another sign-in; ask an administrator.")
        user = uow.users.link_auth0_sub((by_email or uow.users.get_or_create_by_email(email)).id, subject)
    uow.users.touch_last_login(user.id)
    return user


def still_allowed(user: UserRecord, auth: AuthSettings) -> bool:
    """Re-checked on every rerun: a user taken off the allowlist is out at the next interaction."""
    return is_email_allowed(user.email, auth.allowed_emails)


def local_user(uow: UnitOfWork, auth: AuthSettings) -> UserRecord:
    """Local mode (no Auth0 settings): everyone is the one local user."""
    user = uow.users.get_or_create_by_email(normalize_email(auth.local_user))
    uow.users.touch_last_login(user.id)
    return user


def resolve_cli_user(uow: UnitOfWork, auth: AuthSettings, email: str, *, create: bool) -> UserRecord | None:
    """The command line's `--user`: allowlist-checked; unknown users have nothing (or are created)."""
    email = _allowed_email(email, auth)
    return uow.users.get_or_create_by_email(email) if create else uow.users.find_by_email(email)
