"""Who is asking, for the callers that name a user by email (the command line, scripts)."""

from __future__ import annotations

from vibe8_core.identity import resolve_cli_user
from vibe8_core.service.base import UseCases
from vibe8_core.store import NotFoundError, UserRecord


class UserUseCases(UseCases):
    def by_email(self, email: str, *, create: bool) -> UserRecord | None:
        """The user for `email` under the allowlist (AuthError when refused); created only when asked,
        so reads never add users."""
        with self.db.unit_of_work() as uow:
            user = resolve_cli_user(uow, self.settings.auth, email, create=create)
            if create:
                uow.commit()
        return user

    def ensure(self, email: str) -> UserRecord:
        """The user for `email`, created on first use (submitting makes someone a user)."""
        return self._found(self.by_email(email, create=True))

    def existing(self, email: str) -> UserRecord:
        """The stored user for `email`; someone who never signed in owns nothing, so: not found."""
        return self._found(self.by_email(email, create=False))

    @staticmethod
    def _found(user: UserRecord | None) -> UserRecord:
        if user is None:
            raise NotFoundError()
        return user
