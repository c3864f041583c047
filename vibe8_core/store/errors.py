"""Errors raised by the store. Messages are one sentence a user can read."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for the store's errors."""


class DatabaseUnavailableError(StoreError):
    """DATABASE_URL is malformed, names an unsupported backend, or cannot be reached."""


class DatabaseFailedError(StoreError):
    """The database refused or dropped a statement mid-operation (the connection closed, a lock timed out).

    `reason` is the driver's first line; nothing was committed by the unit of work that failed.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"The database failed: {reason}")
        self.reason = reason


class AccessError(StoreError):
    """The record cannot be shown to this user.

    Callers show `public_message` for both subclasses, so a refusal never tells a user whether
    somebody else's record exists.
    """

    public_message = "Not found (it does not exist or is not yours)."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.public_message)


class NotFoundError(AccessError):
    """No record with that id."""


class ForbiddenError(AccessError):
    """The record exists but belongs to another user."""


class RetryError(StoreError):
    """The job cannot be retried (it has not failed, or its upload is gone); the message says why."""
