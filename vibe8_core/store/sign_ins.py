"""Accepted sign-ins: each ID token once per deployment, and the clock of the session it opened.

The primary key is a hash of the token, so "accept" is one INSERT: when two front ends (or two
threads) accept the same token at once, the database lets exactly one through. Rows are kept until
`expires_at` (past the token's expiry and the session's lifetime), then forgotten.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vibe8_core.store.models import SignIn, db_now
from vibe8_core.store.records import SignInRecord
from vibe8_core.store.results import rows_affected


class SignInRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def accept(
        self,
        token_hash: str,
        *,
        user_id: uuid.UUID,
        mode: str,
        authenticated_at: datetime,
        expires_at: datetime,
    ) -> bool:
        """Record a first use of this token; False if it was accepted before (by anyone, anywhere)."""
        now = db_now()
        row = SignIn(
            token_hash=token_hash,
            user_id=user_id,
            mode=mode,
            authenticated_at=authenticated_at,
            accepted_at=now,
            last_seen_at=now,
            expires_at=expires_at,
        )
        try:
            with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    def get(self, token_hash: str) -> SignInRecord | None:
        found = self.session.execute(select(SignIn, db_now()).where(SignIn.token_hash == token_hash)).first()
        if found is None:
            return None
        row, now = found
        return SignInRecord(
            token_hash=row.token_hash,
            user_id=row.user_id,
            mode=row.mode,
            authenticated_at=row.authenticated_at,
            accepted_at=row.accepted_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            ended_at=row.ended_at,
            end_reason=row.end_reason,
            now=now,
        )

    def touch(self, token_hash: str) -> None:
        """The session's owner did something: its idle clock starts again."""
        self.session.execute(
            update(SignIn)
            .where(SignIn.token_hash == token_hash, SignIn.ended_at.is_(None))
            .values(last_seen_at=db_now())
        )

    def end(self, token_hash: str, reason: str) -> None:
        """Sign-out or a time limit: the sign-in stays recorded (its token stays used) but opens nothing."""
        self.session.execute(
            update(SignIn)
            .where(SignIn.token_hash == token_hash, SignIn.ended_at.is_(None))
            .values(ended_at=db_now(), end_reason=reason)
        )

    def forget_expired(self) -> int:
        """Delete sign-ins whose token and session can no longer be used; returns how many."""
        result = self.session.execute(delete(SignIn).where(SignIn.expires_at < db_now()))
        return rows_affected(result)
