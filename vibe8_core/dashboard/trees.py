"""File trees shaped with pandas: one run's files, function blocks and findings, and what the pages
draw from them (treemap nodes, one file's findings, duplicate blocks, dead code, file changes).

The frames are built column by column from the stored JSON (a 10,000-file tree in a fraction of a
second), with the columns the records declare: each collector's `FileFields`, `Block`, `Finding`; a
missing key is a missing value, because old runs and newer engines differ. Where one finding or file is
looked at, it is read into its record (`details_from_json`, `AuthorshipFileFields.pick`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from vibe8_core.collectors import registry
from vibe8_core.collectors.authorship import BLOCK_MARK, FINDING_MARK, AuthorshipFileFields
from vibe8_core.collectors.base import FileField
from vibe8_core.collectors.cyclomatic import Block
from vibe8_core.collectors.deps import DepsMetrics
from vibe8_core.findings import FINDING_FIELDS, DeadCodeDetails, DupeDetails, details_from_json
from vibe8_core.run_data import stored_entries
from vibe8_core.scoring import HOTSPOT_MIN_CC, HOTSPOT_MIN_COMMITS, Metrics, package_status, typed


def _file_fields(kind: str) -> tuple[str, ...]:
    return tuple(field.key for spec in registry.specs() for field in spec.file_fields if field.kind == kind)


def file_number_columns() -> tuple[str, ...]:
    """Every numeric per-file field the registry's collectors declare, then scoring's severity and the
    file's issues (findings above "info": docstring and duplicate notes are not issues)."""
    return (*_file_fields("number"), "severity", "issues", "findings_not_stored")


def file_text_columns() -> tuple[str, ...]:
    return (*_file_fields("text"), "grade", "parse_error")


def explorer_columns() -> list[FileField]:
    """The per-file fields the explorer shows as columns, in the registry's order."""
    return [field for spec in registry.specs() for field in spec.file_fields if field.label]


# A finding's and a block's stored keys (their records' fields), then authorship's mark on each.
FINDING_COLUMNS = ("path", *FINDING_FIELDS, FINDING_MARK)
BLOCK_COLUMNS = ("path", *Block.stored_keys(), BLOCK_MARK)
FINDING_TEXT_COLUMNS = ("collector", "code", "message", "severity", "text")
BLOCK_NUMBER_COLUMNS = ("line", "end_line", "complexity", "cognitive", BLOCK_MARK)
BLOCK_TEXT_COLUMNS = ("name", "kind", "rank")
SEVERITY_ORDER = ("high", "medium", "low", "info")
CC_RANKS = ("A", "B", "C", "D", "E", "F")


def _columns(
    items: Sequence[Mapping[str, Any]], columns: Sequence[str], numbers: Sequence[str], texts: Sequence[str]
) -> dict[str, pd.Series]:
    """Columns read straight from the stored dicts (a missing key is a missing value): numbers as
    numbers (anything else NaN); text as str or None, never NaN, which is truthy (a missing
    parse_error would show); other columns as pandas infers them."""
    data = {}
    for column in columns:
        values = [item.get(column) for item in items]
        if column in numbers:
            data[column] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        else:
            data[column] = pd.Series(values, dtype=object if column in texts else None)
    return data


def _issues(entry: Mapping[str, Any]) -> int:
    found = entry.get("findings")
    return sum(1 for item in found if isinstance(item, dict) and item.get("severity") != "info") if found else 0


def _files_frame(entries: list[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per file with every per-file metric (no blocks or findings)."""
    paths = [str(entry["path"]) for entry in entries]
    numbers, texts = file_number_columns(), file_text_columns()
    counted = [{**entry, "issues": _issues(entry)} for entry in entries]
    data = _columns(counted, numbers + texts, numbers, texts)
    frame = pd.DataFrame({"path": pd.Series(paths, dtype=str), **data})
    frame[list(numbers)] = frame[list(numbers)].astype("float64")
    frame["folder"] = [posixpath.dirname(path) or "." for path in paths]
    authorship = [AuthorshipFileFields.pick(entry) for entry in entries]
    frame["ai_share"] = pd.Series([fields.ai_share for fields in authorship], dtype="float64")
    frame["ai_tools"] = [", ".join(fields.ai_tools or ()) for fields in authorship]
    frame["hotspot"] = (frame["commits"].fillna(0) >= HOTSPOT_MIN_COMMITS) & (
        frame["max_cc"].fillna(0) >= HOTSPOT_MIN_CC
    )
    return frame


def _nested_frame(
    entries: list[Mapping[str, Any]], key: str, columns: tuple[str, ...], numbers: Sequence[str], texts: Sequence[str]
) -> pd.DataFrame:
    """One row per item of every file's `key` list (blocks or findings), with the file's path."""
    paths, items = [], []
    for entry in entries:
        for item in entry.get(key) or ():
            if isinstance(item, dict):
                paths.append(entry["path"])
                items.append(item)
    return pd.DataFrame({"path": pd.Series(paths), **_columns(items, columns[1:], numbers, texts)})


def _blocks_frame(entries: list[Mapping[str, Any]]) -> pd.DataFrame:
    return _nested_frame(entries, "blocks", BLOCK_COLUMNS, BLOCK_NUMBER_COLUMNS, BLOCK_TEXT_COLUMNS)


def _findings_frame(entries: list[Mapping[str, Any]]) -> pd.DataFrame:
    frame = _nested_frame(entries, "findings", FINDING_COLUMNS, ("line",), FINDING_TEXT_COLUMNS)
    frame["extra"] = frame["extra"].map(lambda value: value if isinstance(value, dict) else {})
    return frame


@dataclass(frozen=True)
class TreeFrames:
    """A run's file tree, shaped once: files, function blocks and findings, and per file with git
    history the AI-written line ranges ([first, last], for the source view's marker)."""

    files: pd.DataFrame
    blocks: pd.DataFrame
    findings: pd.DataFrame
    ai_ranges: Mapping[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return bool(self.files.empty)


def tree_frames(file_tree: Mapping[str, Any] | None) -> TreeFrames:
    entries = [entry for entry in stored_entries(file_tree) if entry.get("path")]
    ranges = {str(entry["path"]): AuthorshipFileFields.pick(entry).ai_ranges for entry in entries}
    ai_ranges = {path: tuple((int(span[0]), int(span[1])) for span in spans) for path, spans in ranges.items() if spans}
    return TreeFrames(_files_frame(entries), _blocks_frame(entries), _findings_frame(entries), ai_ranges)


def treemap_nodes(files: pd.DataFrame, colour: str = "severity") -> pd.DataFrame:
    """Folders and files as treemap nodes: id, parent, label, SLOC (folders sum their files) and
    `severity`, the figure the boxes are coloured by (files' `colour` column, e.g. ai_share; folders:
    the SLOC-weighted mean of their files)."""
    if files.empty:
        return pd.DataFrame(columns=["id", "parent", "label", "sloc", "severity", "kind"])
    leaves = pd.DataFrame(
        {
            "id": files["path"],
            "parent": files["folder"].where(files["folder"] != ".", ""),
            "label": files["path"].map(posixpath.basename),
            "sloc": files["sloc"].fillna(0).clip(lower=1),
            "severity": files[colour].fillna(0),
            "kind": "file",
        }
    )
    weighted = leaves.assign(weight=leaves["sloc"] * leaves["severity"])
    folders: dict[str, list[float]] = {}
    for parent, sloc, weight in zip(weighted["parent"], weighted["sloc"], weighted["weight"], strict=True):
        folder = parent
        while folder:
            totals = folders.setdefault(folder, [0.0, 0.0])
            totals[0] += sloc
            totals[1] += weight
            folder = posixpath.dirname(folder)
    folder_rows = pd.DataFrame(
        {
            "id": list(folders),
            "parent": [posixpath.dirname(folder) for folder in folders],
            "label": [posixpath.basename(folder) + "/" for folder in folders],
            "sloc": [totals[0] for totals in folders.values()],
            "severity": [totals[1] / totals[0] if totals[0] else 0.0 for totals in folders.values()],
            "kind": "folder",
        }
    )
    return pd.concat([folder_rows, leaves], ignore_index=True)


def file_findings(tree: TreeFrames, path: str, *, min_block_cc: int = HOTSPOT_MIN_CC) -> pd.DataFrame:
    """Everything wrong with one file, by line: findings plus its complex functions."""
    found = tree.findings[tree.findings["path"] == path]
    rows = [
        {
            "line": row.line,
            "kind": _finding_label(row.collector),
            "code": row.code,
            "severity": row.severity,
            "message": _finding_message(row.collector, row.message, row.extra),
            "source line": row.text or "",
            "AI-written": _written_by_ai(getattr(row, FINDING_MARK)),
        }
        for row in found.itertuples(index=False)
    ]
    blocks = tree.blocks[(tree.blocks["path"] == path) & (tree.blocks["complexity"] >= min_block_cc)]
    rows += [
        {
            "line": row.line,
            "kind": "Complexity",
            "code": f"CC {row.rank}",
            "severity": "medium" if row.complexity < 21 else "high",
            "message": f"{row.kind or 'block'} {row.name} has cyclomatic complexity {row.complexity:.0f}"
            + (f" (cognitive {row.cognitive:.0f})" if pd.notna(row.cognitive) else ""),
            "source line": "",
            "AI-written": _written_by_ai(
                None
                if pd.isna(getattr(row, BLOCK_MARK))
                else 2 * getattr(row, BLOCK_MARK) > row.end_line - row.line + 1
            ),
        }
        for row in blocks.itertuples(index=False)
    ]
    columns = ["line", "kind", "code", "severity", "message", "source line", "AI-written"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.sort_values(["line", "kind"], kind="stable", ignore_index=True)


def _written_by_ai(flag: Any) -> str:
    """yes / no from a finding's `ai` (or a function's majority); blank without history."""
    return "" if flag is None or (isinstance(flag, float) and pd.isna(flag)) else ("yes" if flag else "no")


def file_functions(tree: TreeFrames, path: str) -> pd.DataFrame:
    """One file's functions, methods and classes with how many of their lines AI tools wrote."""
    blocks = tree.blocks[tree.blocks["path"] == path]
    frame = blocks[["name", "kind", "line", "end_line", "complexity", "cognitive", BLOCK_MARK]].copy()
    size = frame["end_line"] - frame["line"] + 1
    frame["AI-written %"] = (100.0 * frame[BLOCK_MARK] / size.where(size > 0)).round(0)
    return frame.reset_index(drop=True)


def _finding_label(collector: str) -> str:
    spec = registry.spec_of(collector)
    return (spec.finding_label or spec.label) if spec else collector


def _finding_message(collector: str, message: Any, extra: Mapping[str, Any]) -> str:
    text = str(message or "")
    details = details_from_json(collector, extra)
    if isinstance(details, DupeDetails) and details.twin_path and not text:
        return f"Also at {details.twin_path}:{details.twin_line}"
    return text


def duplicate_blocks(tree: TreeFrames, limit: int = 15) -> pd.DataFrame:
    """The biggest duplicated blocks (each pair shown once)."""
    dupes = tree.findings[tree.findings["collector"] == "dupes"]
    rows = []
    seen: set[tuple[str, int, str, int]] = set()
    for row in dupes.itertuples(index=False):
        details = details_from_json("dupes", row.extra)
        if not isinstance(details, DupeDetails):
            details = DupeDetails()  # a shape this engine does not know: only the finding's own line
        start = int(row.line or 0)
        end = int(details.end_line or start)
        twin, twin_start = details.twin_path, int(details.twin_line or 0)
        key = min((row.path, start, twin, twin_start), (twin, twin_start, row.path, start))
        if key in seen:
            continue
        seen.add(key)
        twin_end = details.twin_end_line or twin_start
        rows.append(
            {
                "lines": end - start + 1,
                "file": f"{row.path}:{start}-{end}",
                "also at": f"{twin}:{twin_start}-{twin_end}" if twin else "",
                "first line": row.text or "",
            }
        )
    frame = pd.DataFrame.from_records(rows, columns=["lines", "file", "also at", "first line"])
    return frame.sort_values("lines", ascending=False, kind="stable").head(limit).reset_index(drop=True)


def _dead_code_details(extra: Any) -> DeadCodeDetails:
    details = details_from_json("dead_code", extra)
    return details if isinstance(details, DeadCodeDetails) else DeadCodeDetails()


def dead_code_list(tree: TreeFrames) -> pd.DataFrame:
    dead = tree.findings[tree.findings["collector"] == "dead_code"]
    details = [_dead_code_details(extra) for extra in dead["extra"]]
    frame = pd.DataFrame(
        {
            "file": dead["path"],
            "line": dead["line"],
            "kind": pd.Series([item.kind for item in details], index=dead.index, dtype=object),
            "name": pd.Series([item.name for item in details], index=dead.index, dtype=object),
            "confidence %": pd.Series([item.confidence for item in details], index=dead.index, dtype=object),
            "message": dead["message"],
        }
    )
    return frame.sort_values(["file", "line"], ignore_index=True)


def package_health_frame(metrics: Metrics) -> pd.DataFrame:
    rows = [
        {
            "package": item.name,
            "specifier": item.specifier or "",
            "pinned": bool(item.pinned),
            "imported": item.imported,
            "latest": item.latest if item.latest not in (None, "unknown") else "unknown",
            "status": package_status(item),
        }
        for item in typed(metrics).of(DepsMetrics).package_health or ()
    ]
    return pd.DataFrame.from_records(rows, columns=["package", "specifier", "pinned", "imported", "latest", "status"])


@dataclass(frozen=True)
class FileChanges:
    added: list[str]
    removed: list[str]
    better: pd.DataFrame  # path, severity before/after, change
    worse: pd.DataFrame


def file_changes(before: pd.DataFrame, after: pd.DataFrame, *, tolerance: float = 0.5) -> FileChanges:
    """Files added / removed between two runs, and common files whose severity moved."""
    old = before.set_index("path")["severity"]
    new = after.set_index("path")["severity"]
    added = sorted(set(new.index) - set(old.index))
    removed = sorted(set(old.index) - set(new.index))
    common = new.index.intersection(old.index)
    moved = pd.DataFrame({"before": old[common], "after": new[common]})
    moved["change"] = (moved["after"] - moved["before"]).round(1)
    moved = moved.reset_index(names="path")
    better = moved[moved["change"] < -tolerance].sort_values("change", ignore_index=True)
    worse = moved[moved["change"] > tolerance].sort_values("change", ascending=False, ignore_index=True)
    return FileChanges(added, removed, better, worse)
