"""cyclomatic: radon's cyclomatic complexity of every block, plus complexipy's cognitive complexity.

`avg_cc` is the mean over every block radon reports (classes, functions, methods; closures are part of
their function), which is the figure `radon cc -a` prints.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import complexipy
from radon.complexity import cc_rank

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
from vibe8_core.jsonrecord import JsonRecord, json_field

log = logging.getLogger(__name__)
KINDS = {"F": "function", "M": "method", "C": "class"}


def cognitive_by_name(text: str) -> dict[str, int]:
    """complexipy's cognitive complexity per function, keyed by dotted qualified name ({} if it fails)."""
    try:
        report = complexipy.code_complexity(text, with_plans=False)
    except ValueError as exc:  # complexipy cannot parse what Python can (rare); cognitive is then absent
        log.debug("complexipy failed: %s", exc)
        return {}
    return {function.name.replace("::", "."): function.complexity for function in report.functions}


@dataclass(frozen=True)
class Block(JsonRecord):
    """One class, function or method radon measured, as a file-tree entry lists it (a key a stored or
    imported block lacks reads as its default)."""

    name: str = ""
    kind: str = "function"
    line: int = 0
    end_line: int = 0
    complexity: int | None = None
    rank: str = ""
    cognitive: int | None = None


@dataclass(frozen=True)
class CyclomaticMetrics(MetricsSection):
    avg_cc: float | None = measure("lower", "mean")
    complexity_score: float | None = measure("higher", "score")
    blocks: int | None = measure("neither", "count")
    max_cc: int | None = measure("lower", "count")
    ranks: Mapping[str, int] | None = measure("neither", "count")  # blocks per radon rank A..F


@dataclass(frozen=True)
class CyclomaticFileFields(FileFields):
    avg_cc: float | None = file_field(None, "Avg CC", "%.1f")
    max_cc: int | None = file_field(None, "Max CC", "%.0f")
    blocks: tuple[Block, ...] = file_field((), kind="list", items=Block)


@dataclass(frozen=True)
class CyclomaticFileSection(FileSection):
    blocks: tuple[Block, ...] = json_field((), items=Block)


class CyclomaticCollector(Collector):
    spec = CollectorSpec(
        name="cyclomatic",
        label="Complexity",
        order=1,
        metrics=CyclomaticMetrics,
        files=CyclomaticFileFields,
        score=ScoreDecl(
            "Complexity",
            "Average cyclomatic complexity of functions, as a score; higher is better (simpler code).",
            short="Complexity",
        ),
        per_file_rank=5,
        tools=("radon", "complexipy"),
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> CyclomaticFileSection | None:
        if source.tree is None:
            return None
        cognitive = cognitive_by_name(source.text)
        blocks = tuple(
            Block(
                block.fullname,
                KINDS.get(block.letter, "function"),
                block.lineno,
                block.endline,
                block.complexity,
                cc_rank(block.complexity),
                cognitive.get(block.fullname),
            )  # fmt: skip
            for block in source.complexity.blocks
        )
        return CyclomaticFileSection(blocks)

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        all_cc: list[int] = []
        for record, section in project.sections(self.name, CyclomaticFileSection):
            values = [block.complexity for block in section.blocks if block.complexity is not None]
            all_cc.extend(values)
            result.files[record.path] = CyclomaticFileFields(
                avg_cc=round(sum(values) / len(values), 2) if values else None,
                max_cc=max(values) if values else None,
                blocks=section.blocks,
            )
        avg_cc = sum(all_cc) / len(all_cc) if all_cc else 0.0
        ranks = [cc_rank(value) for value in all_cc]
        result.metrics = CyclomaticMetrics(
            avg_cc=round(avg_cc, 4),
            blocks=len(all_cc),
            max_cc=max(all_cc) if all_cc else 0,
            ranks={rank: ranks.count(rank) for rank in "ABCDEF"},
        )
        return result
