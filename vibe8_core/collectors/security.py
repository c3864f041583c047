"""security: bandit with every plugin and its default settings, per file inside the worker.

Vibe8 builds its own default `BanditConfig`, so a `.bandit` or `[tool.bandit]` in the analysed tree is
never read. `# nosec` is honoured, as `bandit -r` does (the counts match the CLI), but every `# nosec`
comment is counted and shown beside the figures so that silencing is visible.
"""

from __future__ import annotations

import ast
import io
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

from vibe8_core.collectors.bandit_check import FALLBACK_ERROR, visitor_failure
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
from vibe8_core.findings import Finding, SecurityDetails, Severity, line_text
from vibe8_core.jsonrecord import JsonRecord, json_field

with warnings.catch_warnings():
    # bandit's extension loader passes stevedore an argument stevedore deprecates, at import time.
    warnings.filterwarnings("ignore", "The verify_requirements argument", DeprecationWarning)
    from bandit.core.config import BanditConfig
    from bandit.core.manager import BanditManager
    from bandit.core.test_set import BanditTestSet

    try:  # bandit internals (not its public API): without them, bandit_check sends every file to the manager
        from bandit.core.meta_ast import BanditMetaAst
        from bandit.core.metrics import Metrics
        from bandit.core.node_visitor import BanditNodeVisitor
    except ImportError as exc:
        VISITOR_IMPORT_ERROR: ImportError | None = exc
        BanditNodeVisitor = object  # never instantiated: scan_tree raises first
    else:
        VISITOR_IMPORT_ERROR = None

log = logging.getLogger(__name__)
NOSEC = re.compile(r"#\s*nosec\b", re.IGNORECASE)
NOSEC_ANYWHERE = re.compile("nosec", re.IGNORECASE)
LEVELS = ("high", "medium", "low")


@cache
def _bandit_config() -> BanditConfig:
    # bandit logs a traceback hint at ERROR for files it cannot scan; the skip is reported as an error entry.
    logging.getLogger("bandit").setLevel(logging.CRITICAL)
    return BanditConfig()


def _level(severity: str) -> str:
    """bandit's HIGH/MEDIUM/LOW as Vibe8 severities; bandit's UNDEFINED becomes "info"."""
    level = severity.lower()
    return level if level in LEVELS else "info"


@cache
def _bandit_tests() -> BanditTestSet:
    """bandit's default test set (every plugin), built once per worker process; its tests keep no state."""
    return BanditTestSet(_bandit_config(), {})


def _issue_dict(issue: Any, lines: list[str]) -> dict[str, Any]:
    return {
        "test_id": issue.test_id,
        "test_name": issue.test,
        "severity": _level(issue.severity),
        "confidence": issue.confidence.lower(),
        "line": issue.lineno,
        "column": issue.col_offset,
        "message": issue.text,
        "cwe": issue.cwe.id if issue.cwe else None,
        "text": line_text(lines, issue.lineno),
    }


class _TestedNodesVisitor(BanditNodeVisitor):  # type: ignore[misc]  # bandit ships no type hints
    """bandit's visitor, without its bookkeeping on kinds of node that no test and no visit method reads.

    For such a node (a Name, an Assign, a BinOp: most of a tree) bandit builds a context and runs an
    empty list of tests, which adds nothing; it still walks into the node's children, and so do we.
    Skipping that saves a third of bandit's time and changes no result (the tests compare with
    bandit's own manager and with the `bandit` command).
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._inert: dict[type, bool] = {}

    def _is_inert(self, node: ast.AST) -> bool:
        kind = type(node)
        inert = self._inert.get(kind)
        if inert is None:
            name = kind.__name__
            inert = self._inert[kind] = not hasattr(self, f"visit_{name}") and not self.testset.get_tests(name)
        return inert

    def pre_visit(self, node: ast.AST) -> bool:
        if self._is_inert(node):
            self.depth += 1  # post_visit still runs and counts it back
            return True
        return bool(super().pre_visit(node))

    def visit(self, node: ast.AST) -> None:
        if not self._is_inert(node):
            super().visit(node)


def scan_tree(source: ParsedSource) -> dict[str, Any]:
    """What `bandit` reports for a file that parses and has no `# nosec`, visiting the tree parsed already.

    BanditManager would read, tokenize and parse the file again (a third of its time); its node
    visitor is the same one, handed our tree (`ast.parse` returns an AST it is given unchanged). The
    visitor annotates the nodes it passes, so security runs after every other per-file collector.
    Raises whatever bandit raises (scan_file then asks bandit's manager, which decides as the CLI does).
    """
    if VISITOR_IMPORT_ERROR is not None:
        raise VISITOR_IMPORT_ERROR
    visitor = _TestedNodesVisitor(
        str(source.abs_path), io.BytesIO(source.data), BanditMetaAst(), _bandit_tests(),
        False, {}, Metrics(),
    )  # fmt: skip
    visitor.process(source.tree)
    return {"issues": [_issue_dict(issue, source.lines) for issue in visitor.tester.results], "skipped": None}


def scan_with_manager(source: ParsedSource) -> dict[str, Any]:
    """What `bandit` reports for one file, through bandit's own manager (it reads and parses the file)."""
    manager = BanditManager(_bandit_config(), "file", quiet=True)
    manager.discover_files([str(source.abs_path)])
    manager.run_tests()
    skipped = "; ".join(reason for _, reason in manager.get_skipped()) or None
    return {"issues": [_issue_dict(issue, source.lines) for issue in manager.get_issue_list()], "skipped": skipped}


def scan_file(source: ParsedSource) -> dict[str, Any]:
    """bandit's issues for one file, as plain dicts, and why bandit skipped it (None when it did not).

    The visitor over the shared tree serves only while it passed its start-up check (bandit_check);
    `# nosec` comments (bandit's tokenizer finds them), a file that does not parse, or a file the
    visitor fails on go through bandit's manager, whose own handling is the CLI's."""
    if source.tree is not None and not NOSEC_ANYWHERE.search(source.text) and _visitor_trusted():
        try:
            return scan_tree(source)
        except Exception as exc:  # noqa: BLE001 - never "no issues": bandit's manager scans the file instead
            log.debug("bandit's visitor failed on %s (%s); scanning it with the manager", source.path, exc)
    return scan_with_manager(source)


def _visitor_trusted() -> bool:
    return visitor_failure(scan_tree, scan_with_manager) is None


@dataclass(frozen=True)
class SecurityMetrics(MetricsSection):
    high: int | None = measure("lower", "sum")
    medium: int | None = measure("lower", "sum")
    low: int | None = measure("lower", "sum")
    security_score: float | None = measure("higher", "score")
    nosec_comments: int | None = measure("lower", "sum")


@dataclass(frozen=True)
class SecurityFileFields(FileFields):
    security_count: int = file_field(0, "Security")
    nosec_comments: int = file_field(0)


@dataclass(frozen=True)
class BanditIssue(JsonRecord):
    """One issue bandit reported in a file (`_issue_dict`'s keys)."""

    test_id: str
    test_name: str
    severity: Severity
    confidence: str
    line: int
    column: int | None
    message: str
    cwe: int | None = None
    text: str = ""


@dataclass(frozen=True)
class SecurityFileSection(FileSection):
    issues: tuple[BanditIssue, ...] = json_field((), items=BanditIssue)
    skipped: str | None = None  # why bandit skipped the file
    nosec: int = 0  # nosec comments in the file


class SecurityCollector(Collector):
    spec = CollectorSpec(
        name="security",
        label="Security",
        order=8,
        metrics=SecurityMetrics,
        files=SecurityFileFields,
        score=ScoreDecl(
            "Security",
            "Bandit findings weighted by severity per 1,000 lines, as a score; higher is better.",
            short="Security",
        ),
        per_file_rank=7,
        tools=("bandit",),
        finding_label="Security",
        needs_parse=True,
    )

    def analyse_file(self, source: ParsedSource) -> SecurityFileSection:
        nosec = sum(1 for line in source.lines if "#" in line and NOSEC.search(line))
        return SecurityFileSection.from_json({**scan_file(source), "nosec": nosec})

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult()
        failure = visitor_failure(scan_tree, scan_with_manager)
        if failure is not None:
            result.errors.append(FALLBACK_ERROR.format(reason=failure))
        counts = dict.fromkeys(LEVELS, 0)
        nosec = 0
        for record, section in project.sections(self.name, SecurityFileSection):
            nosec += section.nosec
            if section.skipped and not record.parse_error:
                result.errors.append(f"security: {record.path}: bandit skipped it ({section.skipped}).")
            for issue in section.issues:
                if issue.severity in counts:
                    counts[issue.severity] += 1
                details = SecurityDetails(issue.test_name, issue.confidence, issue.cwe)
                result.add_finding(
                    record.path,
                    Finding(
                        "security", issue.test_id, issue.message, issue.line, issue.column, issue.severity,
                        issue.text, details,
                    ),
                )  # fmt: skip
            result.files[record.path] = SecurityFileFields(len(section.issues), section.nosec)
        result.metrics = SecurityMetrics(counts["high"], counts["medium"], counts["low"], nosec_comments=nosec)
        return result
