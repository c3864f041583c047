"""Users: lookups by email and Auth0 subject, first-sign-in linking, last login."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vibe8_core.store.errors import NotFoundError
from vibe8_core.store.models import User, db_now
from vibe8_core.store.records import UserRecord


def canonical_email(email: str) -> str:
    """Emails are stored and compared case-folded, so lookups are case-insensitive."""
    return email.strip().casefold()


def _record(user: User) -> UserRecord:
    return UserRecord(
        id=user.id,
        email=user.email,
        auth0_sub=user.auth0_sub,
        created_at=user.created_at,
        last_login=user.last_login,
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _by_email(self, email: str) -> User | None:
        return self.session.scalars(select(User).where(User.email == canonical_email(email))).first()

    def get(self, user_id: uuid.UUID) -> UserRecord:
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFoundError("No such user.")
        return _record(user)

    def find_by_email(self, email: str) -> UserRecord | None:
        user = self._by_email(email)
        return _record(user) if user else None

    def get_or_create_by_email(self, email: str) -> UserRecord:
        """The user with this email, created if new (safe against a concurrent create)."""
        existing = self._by_email(email)
        if existing is not None:
            return _record(existing)
        try:
            with self.session.begin_nested():
                user = User(email=canonical_email(email))
                self.session.add(user)
            self.session.refresh(user)
            return _record(user)
        except IntegrityError:
            found = self._by_email(email)
            if found is None:
                raise
            return _record(found)

    def find_by_auth0_sub(self, auth0_sub: str) -> UserRecord | None:
        user = self.session.scalars(select(User).where(User.auth0_sub == auth0_sub)).first()
        return _record(user) if user else None

    def link_auth0_sub(self, user_id: uuid.UUID, auth0_sub: str) -> UserRecord:
        """Attach an Auth0 subject to a user created earlier by email (first OAuth sign-in)."""
        user = self.session.get(User, user_id)
        if user is None:
            raise NotFoundError("No such user.")
        user.auth0_sub = auth0_sub
        self.session.flush()
        return _record(user)

    def touch_last_login(self, user_id: uuid.UUID) -> None:
        self.session.execute(update(User).where(User.id == user_id).values(last_login=db_now()))

    def delete(self, user_id: uuid.UUID) -> None:
        """Delete a user; the database cascades to their runs and jobs."""
        self.session.execute(delete(User).where(User.id == user_id))
