"""docs: docstring coverage of public modules, classes, functions and methods.

Counting rule (docs/METRICS.md): a module counts when it has at least one statement; a class, function
or method counts when its name and the names of every class around it are public (no leading
underscore, so dunders such as `__init__` and private helpers are not counted); functions nested in
functions are not counted. An item is covered when its body starts with a string literal.
"""

from __future__ import annotations

import ast
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
from vibe8_core.findings import DocsDetails, Finding, line_text
from vibe8_core.jsonrecord import JsonRecord, json_field

# pydocstyle's codes for a missing docstring, so the explorer can label findings familiarly.
MISSING_CODES = {"module": "D100", "class": "D101", "method": "D102", "function": "D103"}
DefNode = ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef


def _documentable(tree: ast.Module) -> list[tuple[str, str, int, bool]]:
    """(kind, qualified name, line, documented) for every item the counting rule counts."""
    items: list[tuple[str, str, int, bool]] = []
    if tree.body:
        items.append(("module", "<module>", 1, ast.get_docstring(tree, clean=False) is not None))
    pending: list[tuple[list[ast.stmt], str, bool]] = [(tree.body, "", False)]
    while pending:
        body, prefix, in_class = pending.pop()
        for node in body:
            if not isinstance(node, DefNode) or node.name.startswith("_"):
                continue
            qualname = prefix + node.name
            if isinstance(node, ast.ClassDef):
                kind = "class"
                pending.append((node.body, qualname + ".", True))
            else:
                kind = "method" if in_class else "function"
            items.append((kind, qualname, node.lineno, ast.get_docstring(node, clean=False) is not None))
    return sorted(items, key=lambda item: item[2])


@dataclass(frozen=True)
class DocsMetrics(MetricsSection):
    coverage_pct: int | None = measure("higher", "ratio")
    coverage_pct_exact: float | None = measure("higher", "ratio")
    documented: int | None = measure("higher", "sum")
    documentable: int | None = measure("neither", "sum")


@dataclass(frozen=True)
class DocsFileFields(FileFields):
    doc_covered: int = file_field(0, "Documented")
    doc_total: int = file_field(0, "Documentable")


@dataclass(frozen=True)
class Undocumented(JsonRecord):
    kind: str
    name: str
    line: int
    text: str = ""


@dataclass(frozen=True)
class DocsFileSection(FileSection):
    covered: int = 0
    total: int = 0
    undocumented: tuple[Undocumented, ...] = json_field((), items=Undocumented)


class DocsCollector(Collector):
    spec = CollectorSpec(
        name="docs",
        label="Docstrings",
        order=2,
        metrics=DocsMetrics,
        files=DocsFileFields,
        score=ScoreDecl(
            "Docstrings",
            "Share of modules, classes and functions with a docstring; higher is better.",
            measure="coverage_pct",
            short="Docs",
        ),
        per_file_rank=4,
        finding_label="Docstring",
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> DocsFileSection | None:
        if source.tree is None:
            return None
        items = _documentable(source.tree)
        missing = tuple(
            Undocumented(kind, name, line, line_text(source.lines, line))
            for kind, name, line, documented in items
            if not documented
        )
        return DocsFileSection(len(items) - len(missing), len(items), missing)

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        covered = total = 0
        for record, section in project.sections(self.name, DocsFileSection):
            covered += section.covered
            total += section.total
            result.files[record.path] = DocsFileFields(section.covered, section.total)
            for item in section.undocumented:
                message = f"{item.kind.capitalize()} {item.name} has no docstring"
                if item.kind == "module":
                    message = "Module has no docstring"
                finding = Finding(
                    "docs", MISSING_CODES[item.kind], message, item.line, None, "info", item.text,
                    DocsDetails(item.kind, item.name),
                )  # fmt: skip
                result.add_finding(record.path, finding)
        exact = 100.0 * covered / total if total else 100.0
        result.metrics = DocsMetrics(
            coverage_pct=round(exact), coverage_pct_exact=round(exact, 2), documented=covered, documentable=total
        )
        return result
