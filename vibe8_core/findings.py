"""The one normalised finding type every collector returns, and the helpers that keep its text short.

A finding carries the offending source line so that pages can show it without the source being stored.
Everything here is plain data that round-trips through JSON (per-file results are cached as JSON later).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
MAX_TEXT_CHARS = 300


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one file, from one collector."""

    collector: str
    code: str
    message: str
    line: int
    column: int | None
    severity: Severity
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """What dataclasses.asdict gives (`extra` holds only JSON scalars), without its deep copies."""
        return {
            "collector": self.collector, "code": self.code, "message": self.message, "line": self.line,
            "column": self.column, "severity": self.severity, "text": self.text, "extra": dict(self.extra),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**data)


def line_text(lines: list[str], line: int) -> str:
    """The 1-based `line` of `lines`, stripped and cut to MAX_TEXT_CHARS ('' when out of range)."""
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()[:MAX_TEXT_CHARS]
    return ""
