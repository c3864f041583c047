"""New code only: which findings a run adds to a baseline run, which it keeps and which it fixes,
and how each function's complexity moved. `analyze --baseline`, `diff RUN_A RUN_B` and the Trends
page's "Two runs side by side" all use this one comparison.

Findings are matched by fingerprint (file, rule, normalised line text, occurrence), so a finding
that only moved because lines were added above it is `existing`, not new and fixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vibe8_core.collectors.cyclomatic import CyclomaticFileFields
from vibe8_core.reports.fingerprints import ReportedFinding, findings_of
from vibe8_core.reports.runs_io import EXPORT_FORMAT, RunFileError
from vibe8_core.run_data import stored_entries


@dataclass(frozen=True)
class Comparison:
    """The findings of `after` marked against `before`, and the ones `before` had that are gone."""

    new: tuple[ReportedFinding, ...]
    existing: tuple[ReportedFinding, ...]
    fixed: tuple[ReportedFinding, ...]

    def marks(self) -> dict[str, str]:
        """fingerprint -> "new" / "existing" for every finding of the later run."""
        return {f.fingerprint: "new" for f in self.new} | {f.fingerprint: "existing" for f in self.existing}


@dataclass(frozen=True)
class ComplexityChange:
    """One function, method or class whose cyclomatic complexity differs (None: not in that run)."""

    path: str
    name: str
    kind: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int:
        return (self.after or 0) - (self.before or 0)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "name": self.name, "kind": self.kind, "before": self.before,
                "after": self.after, "change": self.change}  # fmt: skip


@dataclass(frozen=True)
class RunDiff:
    comparison: Comparison
    complexity: tuple[ComplexityChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "new": [finding.to_json() for finding in self.comparison.new],
            "fixed": [finding.to_json() for finding in self.comparison.fixed],
            "existing": len(self.comparison.existing),
            "complexity": [change.to_json() for change in self.complexity],
        }


def compare_findings(before: Iterable[ReportedFinding], after: Iterable[ReportedFinding]) -> Comparison:
    before_list, after_list = list(before), list(after)
    known = {finding.fingerprint for finding in before_list}
    current = {finding.fingerprint for finding in after_list}
    return Comparison(
        new=tuple(finding for finding in after_list if finding.fingerprint not in known),
        existing=tuple(finding for finding in after_list if finding.fingerprint in known),
        fixed=tuple(finding for finding in before_list if finding.fingerprint not in current),
    )


def _blocks(file_tree: Mapping[str, Any] | None) -> dict[tuple[str, str, int], tuple[str, int]]:
    """(path, qualified name, occurrence) -> (kind, complexity) of every block radon measured."""
    found: dict[tuple[str, str, int], tuple[str, int]] = {}
    for entry in stored_entries(file_tree):
        seen: dict[str, int] = {}
        for block in CyclomaticFileFields.pick(entry).blocks:
            seen[block.name] = seen.get(block.name, -1) + 1
            if isinstance(block.complexity, int):
                found[(str(entry.get("path", "")), block.name, seen[block.name])] = (block.kind, block.complexity)
    return found


def complexity_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[ComplexityChange]:
    """Every block whose complexity changed, appeared or disappeared; biggest rise first."""
    old, new = _blocks(before), _blocks(after)
    changes = []
    for key in old.keys() | new.keys():
        was, now = old.get(key), new.get(key)
        if was is not None and now is not None and was[1] == now[1]:
            continue
        kind = (now or was or ("", 0))[0]
        changes.append(ComplexityChange(key[0], key[1], kind, was[1] if was else None, now[1] if now else None))
    return sorted(changes, key=lambda change: (-change.change, change.path, change.name))


def diff_trees(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> RunDiff:
    comparison = compare_findings(findings_of(before), findings_of(after))
    return RunDiff(comparison, tuple(complexity_changes(before, after)))


def tree_of_document(document: Any, name: str) -> Mapping[str, Any]:
    """The file tree of a baseline file: a run export, or `analyze --format json` output."""
    if isinstance(document, dict) and document.get("format") == EXPORT_FORMAT:
        document = document.get("run")
    tree = document.get("file_tree") if isinstance(document, dict) else None
    if not isinstance(tree, dict) or not isinstance(tree.get("files"), list):
        raise RunFileError(
            f"{name} has no file tree; give a run id, a run export or the output of `analyze --format json`."
        )
    return tree


def finding_lines(
    findings: Sequence[ReportedFinding], limit: int | None = None, *, with_text: bool = False
) -> list[str]:
    """`path:line: rule [tool] message` lines (and the line's text under each) for a terminal; the
    caller escapes them."""
    shown = findings if limit is None else findings[:limit]
    lines = []
    for f in shown:
        lines.append(f"{f.path}:{f.line}: {f.rule} [{f.tool}] {f.message}")
        if with_text and f.text:
            lines.append(f"    | {f.text}")
    if limit is not None and len(findings) > limit:
        lines.append(f"... and {len(findings) - limit} more")
    return lines
