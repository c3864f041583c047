"""cyclomatic: radon's cyclomatic complexity of every block, plus complexipy's cognitive complexity.

`avg_cc` is the mean over every block radon reports (classes, functions, methods; closures are part of
their function), which is the figure `radon cc -a` prints.
"""

from __future__ import annotations

import logging
from typing import Any

import complexipy
from radon.complexity import cc_rank

from vibe8_core.collectors.base import (
    Collector,
    CollectorResult,
    CollectorSpec,
    FileField,
    Measure,
    ParsedSource,
    ProjectContext,
    ScoreDecl,
)

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


class CyclomaticCollector(Collector):
    spec = CollectorSpec(
        name="cyclomatic",
        label="Complexity",
        order=1,
        measures=(
            Measure("avg_cc", "lower", "mean"),
            Measure("complexity_score", "higher", "score"),
            Measure("blocks", "neither", "count"),
            Measure("max_cc", "lower", "count"),
            Measure("ranks", "neither", "count"),
        ),
        file_fields=(
            FileField("avg_cc", None, "Avg CC", "%.1f"),
            FileField("max_cc", None, "Max CC", "%.0f"),
            FileField("blocks", (), kind="list"),
        ),
        score=ScoreDecl(
            "Complexity",
            "Average cyclomatic complexity of functions, as a score; higher is better (simpler code).",
            short="Complexity",
        ),
        per_file_rank=5,
        tools=("radon", "complexipy"),
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> dict[str, Any] | None:
        if source.tree is None:
            return None
        cognitive = cognitive_by_name(source.text)
        blocks = []
        for block in source.complexity.blocks:
            name = block.fullname
            blocks.append(
                {
                    "name": name,
                    "kind": KINDS.get(block.letter, "function"),
                    "line": block.lineno,
                    "end_line": block.endline,
                    "complexity": block.complexity,
                    "rank": cc_rank(block.complexity),
                    "cognitive": cognitive.get(name),
                }
            )
        return {"blocks": blocks}

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult(metrics={})
        all_cc: list[int] = []
        for record, section in project.sections(self.name):
            values = [block["complexity"] for block in section["blocks"]]
            all_cc.extend(values)
            result.files[record.path] = {
                "blocks": section["blocks"],
                "avg_cc": round(sum(values) / len(values), 2) if values else None,
                "max_cc": max(values) if values else None,
            }
        avg_cc = sum(all_cc) / len(all_cc) if all_cc else 0.0
        ranks = [cc_rank(value) for value in all_cc]
        result.metrics = {
            "avg_cc": round(avg_cc, 4),
            "blocks": len(all_cc),
            "max_cc": max(all_cc) if all_cc else 0,
            "ranks": {rank: ranks.count(rank) for rank in "ABCDEF"},
        }
        return result
