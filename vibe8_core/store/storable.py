"""The one boundary where everything written to the database is made storable on both databases.

PostgreSQL refuses what SQLite takes: NUL (U+0000) in a VARCHAR or in JSONB text, lone surrogates
(file names that were not UTF-8 arrive as U+DC80..U+DCFF through `surrogateescape`, and nothing can
encode them), and NaN or infinite numbers in JSON. Every String, Text and JSON column of the models
binds through `StorableString` / `StorableText` / `StorableJSON`, so no code path can write such a value: NUL becomes
NUL_MARKER, a lone surrogate becomes BAD_CHAR_MARKER, a non-finite number becomes null. The markers
are visible in every page and in the command line, and a test throws generated hostile strings at
every stored field on both databases.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from sqlalchemy import JSON, String, Text, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

NUL_MARKER = "\u2400"  # ␀ SYMBOL FOR NULL
BAD_CHAR_MARKER = "\ufffd"  # � REPLACEMENT CHARACTER: a byte that was not UTF-8, or a lone surrogate
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable_text(text: str) -> str:
    """`text` with NUL and lone surrogates replaced by their visible markers (unchanged when clean)."""
    if "\x00" in text:
        text = text.replace("\x00", NUL_MARKER)
    if not text.isascii():
        text = _SURROGATE.sub(BAD_CHAR_MARKER, text)
    return text


def is_storable_text(text: str) -> bool:
    return storable_text(text) == text


def _walk(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {(storable_text(key) if isinstance(key, str) else key): _walk(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(item) for item in value]
    return value


def _clean_already(value: Any) -> bool:
    """A fast check in C (json) of the common case: nothing to replace anywhere in `value`."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (ValueError, TypeError):  # NaN/inf, an unencodable surrogate, or a type json does not know
        return False
    return "\\u0000" not in text


def storable(value: Any) -> Any:
    """A JSON-able value with every string made storable and every non-finite number null."""
    if value is None or _clean_already(value):
        return value
    return _walk(value)


class StorableString(TypeDecorator[str]):
    """VARCHAR whose bound values pass through `storable_text` (queries compare the same way)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return storable_text(value) if isinstance(value, str) else value


class StorableText(StorableString):
    """TEXT (a file's content) whose bound values pass through `storable_text`."""

    impl = Text
    cache_ok = True


class StorableJSON(TypeDecorator[Any]):
    """JSON (JSONB on PostgreSQL) whose bound documents pass through `storable`."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return storable(value)

    @property
    def comparator_factory(self) -> Any:  # type: ignore[override]
        return JSON.Comparator
