"""Every finding of a run's file tree as one flat, fingerprinted record.

A fingerprint names a finding independently of where its line stands: the file, the rule, the
offending line's text with whitespace normalised, and how many identical (file, rule, text) findings
come before it in the file. Adding or removing unrelated lines above a finding therefore leaves its
fingerprint unchanged, which is what baselines, run diffs and SARIF's `partialFingerprints` need.

Besides the collectors' findings, Vibe8 reports one rule of its own read from the cyclomatic blocks:
`CC`, a function, method or class whose complexity reaches radon's rank C (11) or worse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Which tool produced a collector's findings (one SARIF run each).
TOOL_OF_COLLECTOR = {
    "lint": "ruff",
    "security": "bandit",
    "dead_code": "vulture",
    "docs": "vibe8",
    "dupes": "vibe8",
    "cyclomatic": "vibe8",
}
COMPLEXITY_RULE = "CC"
COMPLEXITY_MIN = 11  # radon's rank C starts here
_COMPLEXITY_SEVERITY = ((31, "high"), (21, "medium"), (COMPLEXITY_MIN, "low"))  # ranks E-F, D, C
FINGERPRINT_VERSION = "v1"


@dataclass(frozen=True)
class ReportedFinding:
    """One finding at one place, with everything a report, a baseline or a diff shows of it."""

    path: str
    collector: str
    rule: str
    message: str
    line: int
    column: int | None  # 1-based, None when the tool gives none
    end_line: int | None
    severity: str  # high / medium / low / info
    text: str  # the offending line (for CC: the block's kind and name)
    fingerprint: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def tool(self) -> str:
        return TOOL_OF_COLLECTOR.get(self.collector, "vibe8")

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path, "tool": self.tool, "collector": self.collector, "rule": self.rule,
            "message": self.message, "line": self.line, "column": self.column, "severity": self.severity,
            "text": self.text, "fingerprint": self.fingerprint,
        }  # fmt: skip


def normalised(text: str) -> str:
    """The line's text with every run of whitespace made one space (re-indenting changes nothing)."""
    return " ".join(text.split())


def fingerprint(path: str, collector: str, rule: str, text: str, occurrence: int) -> str:
    key = "\x1f".join((FINGERPRINT_VERSION, path, collector, rule, normalised(text), str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _column(collector: str, value: Any) -> int | None:
    column = _int_or_none(value)
    if column is None:
        return None
    return column + 1 if collector == "security" else max(column, 1)  # bandit counts from 0, ruff from 1


def _complexity_severity(complexity: int) -> str:
    return next(severity for floor, severity in _COMPLEXITY_SEVERITY if complexity >= floor)


def _raw_findings(
    entry: Mapping[str, Any],
) -> Iterable[tuple[str, str, str, int, Any, Any, str, str, Mapping[str, Any]]]:
    """(collector, rule, message, line, column, end line, severity, text, extra) of one file entry."""
    for item in entry.get("findings") or ():
        extra = item.get("extra") if isinstance(item.get("extra"), Mapping) else {}
        yield (
            str(item.get("collector", "")), str(item.get("code", "")), str(item.get("message", "")),
            _int_or_none(item.get("line")) or 1, item.get("column"), extra.get("end_line"),
            str(item.get("severity", "info")), str(item.get("text") or ""), extra,
        )  # fmt: skip
    for block in entry.get("blocks") or ():
        complexity = _int_or_none(block.get("complexity")) or 0
        if complexity < COMPLEXITY_MIN:
            continue
        name, kind = str(block.get("name", "")), str(block.get("kind", "function"))
        message = f"{kind.capitalize()} {name} has cyclomatic complexity {complexity} (rank {block.get('rank')})"
        yield (
            "cyclomatic", COMPLEXITY_RULE, message, _int_or_none(block.get("line")) or 1, None,
            block.get("end_line"), _complexity_severity(complexity), f"{kind} {name}", {"complexity": complexity},
        )  # fmt: skip


def file_findings(entry: Mapping[str, Any]) -> list[ReportedFinding]:
    """The findings of one file_tree entry, fingerprinted, in line order."""
    path = str(entry.get("path", ""))
    raw = sorted(_raw_findings(entry), key=lambda item: (item[3], item[0], item[1]))
    seen: dict[tuple[str, str, str], int] = {}
    found = []
    for collector, rule, message, line, column, end_line, severity, text, extra in raw:
        key = (collector, rule, normalised(text or message))
        occurrence = seen[key] = seen.get(key, -1) + 1
        end = _int_or_none(end_line)
        found.append(
            ReportedFinding(
                path, collector, rule, message, line, _column(collector, column),
                end if end is not None and end >= line else None, severity, text,
                fingerprint(path, collector, rule, key[2], occurrence), extra,
            )
        )  # fmt: skip
    return found


def findings_of(file_tree: Mapping[str, Any] | None) -> list[ReportedFinding]:
    """Every finding of a run, file by file in the tree's order."""
    found: list[ReportedFinding] = []
    for entry in (file_tree or {}).get("files") or ():
        if isinstance(entry, Mapping):
            found += file_findings(entry)
    return found
