"""Sign-in sessions: a verified identity accepted once, kept within its limits, and ended for good.

Both sign-in modes end here. A popup sign-in hands us a raw ID token and an OIDC sign-in hands us
the claims Streamlit verified; either way `accept_sign_in` insists on a fresh authentication and
records the token in `sign_ins`, where a second acceptance of the same token fails on every front
end. `check_sign_in` runs on every rerun and every fragment refresh: the sign-in must still be
open, inside its absolute lifetime and idle timeout, and its user must still exist and be allowed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vibe8_core.auth import LEEWAY_S, AuthError, check_fresh_authentication
from vibe8_core.config import AuthSettings
from vibe8_core.identity import sign_in_with_claims, still_allowed
from vibe8_core.store import Database, NotFoundError, UnitOfWork, UserRecord

logger = logging.getLogger(__name__)

# Why a sign-in ended; the codes travel in the signed-out page's URL, so they are a closed set.
SIGNED_OUT = "signed_out"
IDLE = "idle"
LIFETIME = "lifetime"
REVOKED = "revoked"
END_REASONS = (SIGNED_OUT, IDLE, LIFETIME, REVOKED)


class SessionEnded(AuthError):
    """The session may not go on; `reason` is one of END_REASONS and the message says why in one sentence."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SignedIn:
    """Who a session belongs to and which accepted sign-in opened it."""

    user: UserRecord
    token_hash: str
    mode: str


def token_hash(token: str) -> str:
    """The key a raw ID token is remembered by (the token itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def claims_hash(claims: dict[str, Any]) -> str:
    """The key for an ID token known only by its claims (OIDC mode): issuer, audience, subject,
    issue time and nonce together name one token; the nonce alone is fresh per authorization."""
    identity = [claims.get(name) for name in ("iss", "aud", "sub", "iat", "nonce")]
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def end_message(reason: str, auth: AuthSettings) -> str:
    """The one sentence the signed-out page shows for `reason`."""
    if reason == IDLE:
        return f"You were signed out after {_duration(auth.session_idle_s)} without activity; please sign in again."
    if reason == LIFETIME:
        return f"Your session reached its {_duration(auth.session_lifetime_s)} limit; please sign in again."
    if reason == REVOKED:
        return "Your access to Vibe8 has been withdrawn."
    return "You are signed out."


def accept_sign_in(uow: UnitOfWork, auth: AuthSettings, claims: dict[str, Any], key: str, mode: str) -> UserRecord:
    """Turn verified claims into this deployment's one acceptance of their token; the caller commits.

    Refused (AuthError) when the authentication is not fresh, the email is not allowed, or the
    token was accepted before, here or on another front end.
    """
    authenticated_at = check_fresh_authentication(claims, max_age_s=auth.max_auth_age_s)
    user = sign_in_with_claims(uow, auth, claims)
    exp = claims.get("exp")
    token_end = float(exp) if isinstance(exp, int | float) else authenticated_at
    keep_until = max(token_end, authenticated_at + auth.session_lifetime_s) + 2 * LEEWAY_S
    uow.sign_ins.forget_expired()
    accepted = uow.sign_ins.accept(
        key,
        user_id=user.id,
        mode=mode,
        authenticated_at=datetime.fromtimestamp(authenticated_at, UTC),
        expires_at=datetime.fromtimestamp(keep_until, UTC),
    )
    if not accepted:
        logger.warning("refused a second use of sign-in token %s… for %s", key[:12], user.email)
        raise AuthError("This sign-in token has already been used; please sign in again.")
    return user


def sign_in_once(db: Database, auth: AuthSettings, claims: dict[str, Any], key: str, mode: str) -> SignedIn:
    """`accept_sign_in` in its own unit of work."""
    with db.unit_of_work() as uow:
        user = accept_sign_in(uow, auth, claims, key, mode)
        uow.commit()
    return SignedIn(user=user, token_hash=key, mode=mode)


def resume_sign_in(db: Database, auth: AuthSettings, key: str) -> SignedIn | None:
    """An already accepted sign-in opened again (OIDC: a new tab carrying the same identity cookie):
    None if it was never accepted, SessionEnded if it is over, else its re-checked user."""
    with db.unit_of_work() as uow:
        record = uow.sign_ins.get(key)
    if record is None:
        return None
    user = check_sign_in(db, auth, key, record.user_id, activity=True)
    return SignedIn(user=user, token_hash=key, mode=record.mode)


def check_sign_in(db: Database, auth: AuthSettings, key: str, user_id: uuid.UUID, *, activity: bool) -> UserRecord:
    """The session's user, re-read, if its sign-in may go on; else end the sign-in and raise SessionEnded.

    `activity` (a rerun the person caused) restarts the idle clock; a timer's fragment refresh passes
    False, so a page left open still times out.
    """
    with db.unit_of_work() as uow:
        reason, user = _verdict(uow, auth, key, user_id)
        if reason is not None:
            uow.sign_ins.end(key, reason)
        elif activity:
            uow.sign_ins.touch(key)
        uow.commit()
    if reason is not None or user is None:
        reason = reason or SIGNED_OUT
        raise SessionEnded(reason, end_message(reason, auth))
    return user


def end_sign_in(db: Database, key: str, reason: str = SIGNED_OUT) -> None:
    """Sign-out: the sign-in stays recorded (its token stays used) and opens nothing any more."""
    with db.unit_of_work() as uow:
        uow.sign_ins.end(key, reason)
        uow.commit()


def _verdict(uow: UnitOfWork, auth: AuthSettings, key: str, user_id: uuid.UUID) -> tuple[str | None, UserRecord | None]:
    try:
        user = uow.users.get(user_id)
    except NotFoundError:  # the user was removed (their sign-ins went with them)
        return REVOKED, None
    record = uow.sign_ins.get(key)
    if record is None or record.user_id != user_id or record.ended_at is not None:
        return (record.end_reason if record and record.ended_at else SIGNED_OUT), None
    if record.age_s > auth.session_lifetime_s:
        return LIFETIME, None
    if record.idle_s > auth.session_idle_s:
        return IDLE, None
    try:
        allowed = still_allowed(user, auth)
    except AuthError:
        allowed = False
    return (None, user) if allowed else (REVOKED, None)


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return f"{hours} hour" + ("s" if hours != 1 else "")
    if seconds >= 60:
        minutes = round(seconds / 60)
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{round(seconds)} seconds"
