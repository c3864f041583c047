"""What a data-changing statement reports back."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched. `Session.execute` is typed as returning a plain Result;
    for these statements it is a CursorResult, which carries the driver's count."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)
