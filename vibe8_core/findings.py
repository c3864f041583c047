"""The one normalised finding type every collector returns, its typed per-collector details, and the
helpers that keep its text short.

A finding carries the offending source line so that pages can show it without the source being stored.
Everything here is plain data that round-trips through JSON: `to_dict` writes the stored shape of
docs/METRICS.md (the details under "extra"), `from_dict` reads it back, including runs stored before
the details were typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
MAX_TEXT_CHARS = 300


@dataclass(frozen=True)
class LintDetails:
    collector: ClassVar[str] = "lint"
    end_line: int | None = None
    end_column: int | None = None
    url: str | None = None
    fixable: bool = False


@dataclass(frozen=True)
class SecurityDetails:
    collector: ClassVar[str] = "security"
    test_name: str = ""
    confidence: str = ""
    cwe: int | None = None


@dataclass(frozen=True)
class DeadCodeDetails:
    collector: ClassVar[str] = "dead_code"
    name: str = ""
    kind: str = ""
    confidence: int | None = None
    end_line: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class DupeDetails:
    collector: ClassVar[str] = "dupes"
    end_line: int | None = None
    twin_path: str = ""
    twin_line: int | None = None
    twin_end_line: int | None = None


@dataclass(frozen=True)
class DocsDetails:
    collector: ClassVar[str] = "docs"
    kind: str = ""
    name: str = ""


@dataclass(frozen=True)
class OtherDetails:
    """Details of a collector without a typed class here (or stored in a shape the class does not know)."""

    values: dict[str, Any] = field(default_factory=dict)


TypedDetails = LintDetails | SecurityDetails | DeadCodeDetails | DupeDetails | DocsDetails
Details = TypedDetails | OtherDetails
DETAILS: dict[str, type[TypedDetails]] = {
    kind.collector: kind for kind in (LintDetails, SecurityDetails, DeadCodeDetails, DupeDetails, DocsDetails)
}


DETAIL_FIELDS: dict[type[TypedDetails], tuple[str, ...]] = {
    kind: tuple(item.name for item in fields(kind)) for kind in DETAILS.values()
}
DETAIL_NAMES: dict[type[TypedDetails], frozenset[str]] = {
    kind: frozenset(names) for kind, names in DETAIL_FIELDS.items()
}


def details_to_json(details: Details) -> dict[str, Any]:
    if isinstance(details, OtherDetails):
        return dict(details.values)
    values = details.__dict__  # flat scalars: no deep copy (asdict would make one)
    return {name: values[name] for name in DETAIL_FIELDS[type(details)]}


def details_from_json(collector: str, data: Any) -> Details:
    """The typed details of `collector` from a stored "extra"; anything else is kept as it is."""
    values = data if isinstance(data, dict) else {}
    kind = DETAILS.get(collector)
    if kind is None or not DETAIL_NAMES[kind].issuperset(values):
        return OtherDetails(dict(values))
    return kind(**values)


FINDING_FIELDS = ("collector", "code", "message", "line", "column", "severity", "text", "extra")  # stored order
FINDING_KEYS = frozenset(FINDING_FIELDS)


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
    details: Details = field(default_factory=OtherDetails)
    # What another collector stored beside the finding (authorship's `ai`: is its line AI-written),
    # written after the finding's own keys; absent in runs stored before.
    marks: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stored shape: the details under "extra", as docs/METRICS.md lists them, then the marks."""
        data = {
            "collector": self.collector, "code": self.code, "message": self.message, "line": self.line,
            "column": self.column, "severity": self.severity, "text": self.text,
            "extra": details_to_json(self.details),
        }  # fmt: skip
        data.update((key, value) for key, value in self.marks.items() if key not in data)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """The stored finding; a key it lacks (a hand-made or imported run) reads as empty."""
        collector = str(data.get("collector") or "")
        return cls(
            collector, data.get("code") or "", data.get("message") or "", data.get("line") or 0,
            data.get("column"), data.get("severity") or "info", data.get("text") or "",
            details_from_json(collector, data.get("extra")),
            {key: value for key, value in data.items() if key not in FINDING_KEYS},
        )  # fmt: skip


def line_text(lines: list[str], line: int) -> str:
    """The 1-based `line` of `lines`, stripped and cut to MAX_TEXT_CHARS ('' when out of range)."""
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()[:MAX_TEXT_CHARS]
    return ""
