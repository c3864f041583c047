"""dupes: blocks of at least MIN_LINES code lines that stand again elsewhere, in the same or another file.

Each file is reduced, in its worker, to a list of (line number, hash of the normalised line): blank
lines, comment lines and import statements are dropped and all whitespace is removed. The project step
indexes every window of MIN_LINES consecutive hashes in one dict, so the matching is linear in the
number of lines, never quadratic in files.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileFields,
    FileSection,
    MetricsSection,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
    file_field,
    measure,
)
from vibe8_core.findings import DupeDetails, Finding

MIN_LINES = 6
MIN_WINDOW_CHARS = 40  # a window thinner than this (runs of brackets, `else:`, `pass`) is not a duplicate
IMPORT_LINE = re.compile(r"^(import|from)\s+[\w.]+")


def _import_lines(source: ParsedSource) -> set[int]:
    if source.tree is None:
        return {number for number, line in enumerate(source.lines, 1) if IMPORT_LINE.match(line.strip())}
    lines: set[int] = set()
    for node in source.imports:
        lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


@dataclass(frozen=True)
class NormalisedLines(FileSection):
    """dupes' per-file section: the lines that take part in duplicate detection, as columns — each
    line's number, the hash of its whitespace-free text and that text's length."""

    numbers: tuple[int, ...] = ()
    hashes: tuple[int, ...] = ()
    lengths: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass(frozen=True)
class DupesMetrics(MetricsSection):
    duplicate_lines: int | None = measure("lower", "sum")
    duplicate_pct: float | None = measure("lower", "ratio")
    duplication_score: float | None = measure("higher", "score")
    blocks: int | None = measure("lower", "count")
    lines_considered: int | None = measure("neither", "sum")
    min_lines: int | None = measure("neither", "count")


@dataclass(frozen=True)
class DupesFileFields(FileFields):
    duplicate_lines: int = file_field(0, "Dup. lines")


def normalised_lines(source: ParsedSource) -> NormalisedLines:
    """Every line that takes part in duplicate detection."""
    imports = _import_lines(source)
    numbers, hashes, lengths = [], [], []
    for number, line in enumerate(source.lines, 1):
        text = "".join(line.split())  # every whitespace character removed (str.isspace, as regex \s)
        if not text or text.startswith("#") or number in imports:
            continue
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).digest()
        numbers.append(number)
        hashes.append(int.from_bytes(digest, "big"))
        lengths.append(len(text))
    return NormalisedLines(tuple(numbers), tuple(hashes), tuple(lengths))


def _twins(files: list[NormalisedLines]) -> dict[int, dict[int, tuple[int, int]]]:
    """For each file index, window start -> (twin file index, twin window start)."""
    index: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
    for file_index, rows in enumerate(files):
        hashes, lengths = rows.hashes, rows.lengths
        for start in range(len(rows) - MIN_LINES + 1):
            if sum(lengths[start : start + MIN_LINES]) >= MIN_WINDOW_CHARS:
                index[tuple(hashes[start : start + MIN_LINES])].append((file_index, start))
    twins: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for places in index.values():
        if len(places) < 2:
            continue
        for file_index, start in places:
            for other in places:
                if other[0] != file_index or abs(other[1] - start) >= MIN_LINES:
                    twins[file_index][start] = other
                    break
    return twins


def _blocks(starts: dict[int, tuple[int, int]]) -> list[tuple[int, int, tuple[int, int]]]:
    """Merge overlapping duplicated windows into (first index, last index, twin of first window)."""
    blocks: list[tuple[int, int, tuple[int, int]]] = []
    for start in sorted(starts):
        end = start + MIN_LINES - 1
        if blocks and start <= blocks[-1][1] + 1:
            first, _, twin = blocks[-1]
            blocks[-1] = (first, end, twin)
        else:
            blocks.append((start, end, starts[start]))
    return blocks


def _block_finding(first_line: int, last_line: int, twin_path: str, twin_lines: tuple[int, int]) -> Finding:
    """One finding for a duplicated block; its `text` is filled in by the analysis from the file."""
    message = f"Lines {first_line}-{last_line} also stand at {twin_path}:{twin_lines[0]}-{twin_lines[1]}"
    details = DupeDetails(last_line, twin_path, twin_lines[0], twin_lines[1])
    return Finding("dupes", "DUP", message, first_line, None, "info", "", details)


class DupesCollector(Collector):
    spec = CollectorSpec(
        name="dupes",
        label="Duplication",
        order=7,
        metrics=DupesMetrics,
        files=DupesFileFields,
        score=ScoreDecl(
            "Duplication", "Share of lines that repeat elsewhere, as a score; higher is better.", short="Dupes"
        ),
        per_file_rank=2,
        project_cacheable=True,
        finding_label="Duplicate",
    )

    def analyse_file(self, source: ParsedSource) -> NormalisedLines:
        return normalised_lines(source)

    def collect(self, project: ProjectContext) -> CollectorResult:
        records = list(project.sections(self.name, NormalisedLines))
        rows = [lines for _, lines in records]
        twins = _twins(rows)
        result = CollectorResult()
        duplicate_lines = block_count = 0
        for file_index, (record, _) in enumerate(records):
            starts = twins.get(file_index, {})
            covered = {i for start in starts for i in range(start, start + MIN_LINES)}
            duplicate_lines += len(covered)
            result.files[record.path] = DupesFileFields(len(covered))
            for first, last, (twin_index, twin_start) in _blocks(starts):
                block_count += 1
                twin_rows = rows[twin_index]
                twin_last = min(twin_start + last - first, len(twin_rows) - 1)
                finding = _block_finding(
                    rows[file_index].numbers[first],
                    rows[file_index].numbers[last],
                    records[twin_index][0].path,
                    (twin_rows.numbers[twin_start], twin_rows.numbers[twin_last]),
                )
                result.add_finding(record.path, finding)
        considered = sum(len(lines) for lines in rows)
        pct = 100.0 * duplicate_lines / considered if considered else 0.0
        result.metrics = DupesMetrics(
            duplicate_lines=duplicate_lines,
            duplicate_pct=round(pct, 2),
            blocks=block_count,
            lines_considered=considered,
            min_lines=MIN_LINES,
        )
        return result
