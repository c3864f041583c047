"""security: bandit with every plugin and its default settings, per file inside the worker.

Vibe8 builds its own default `BanditConfig`, so a `.bandit` or `[tool.bandit]` in the analysed tree is
never read. `# nosec` is honoured, as `bandit -r` does (the counts match the CLI), but every `# nosec`
comment is counted and shown beside the figures so that silencing is visible.
"""

from __future__ import annotations

import logging
import re
import warnings
from functools import cache
from typing import Any

from vibe8_core.collectors.base import Collector, CollectorResult, Measure, ParsedSource, ProjectContext
from vibe8_core.findings import Finding, line_text
from vibe8_core.scoring import security_score

with warnings.catch_warnings():
    # bandit's extension loader passes stevedore an argument stevedore deprecates, at import time.
    warnings.filterwarnings("ignore", "The verify_requirements argument", DeprecationWarning)
    from bandit.core.config import BanditConfig
    from bandit.core.manager import BanditManager

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


def scan_file(source: ParsedSource) -> dict[str, Any]:
    """bandit's issues for one file, as plain dicts, and why bandit skipped it (None when it did not)."""
    # bandit tokenizes every file to find `# nosec` comments (a tenth of its time); in a file that parses
    # and holds no "nosec" at all there is nothing to find, and ignore_nosec gives the same issues.
    nothing_to_ignore = source.tree is not None and not NOSEC_ANYWHERE.search(source.text)
    manager = BanditManager(_bandit_config(), "file", quiet=True, ignore_nosec=nothing_to_ignore)
    manager.discover_files([str(source.abs_path)])
    manager.run_tests()
    issues = []
    for issue in manager.get_issue_list():
        issues.append(
            {
                "test_id": issue.test_id,
                "test_name": issue.test,
                "severity": _level(issue.severity),
                "confidence": issue.confidence.lower(),
                "line": issue.lineno,
                "column": issue.col_offset,
                "message": issue.text,
                "cwe": issue.cwe.id if issue.cwe else None,
                "text": line_text(source.lines, issue.lineno),
            }
        )
    skipped = "; ".join(reason for _, reason in manager.get_skipped()) or None
    return {"issues": issues, "skipped": skipped}


class SecurityCollector(Collector):
    name = "security"
    per_file = True
    measures = (
        Measure("high", "lower", "sum"),
        Measure("medium", "lower", "sum"),
        Measure("low", "lower", "sum"),
        Measure("security_score", "higher", "score"),
        Measure("nosec_comments", "lower", "sum"),
    )

    def analyse_file(self, source: ParsedSource) -> dict[str, Any]:
        section = scan_file(source)
        section["nosec"] = sum(1 for line in source.lines if "#" in line and NOSEC.search(line))
        return section

    def collect(self, project: ProjectContext) -> CollectorResult:
        result = CollectorResult(metrics={})
        counts = dict.fromkeys(LEVELS, 0)
        nosec = 0
        for record, section in project.sections(self.name):
            nosec += section["nosec"]
            if section["skipped"] and not record.parse_error:
                result.errors.append(f"security: {record.path}: bandit skipped it ({section['skipped']}).")
            for issue in section["issues"]:
                if issue["severity"] in counts:
                    counts[issue["severity"]] += 1
                extra = {key: issue[key] for key in ("test_name", "confidence", "cwe")}
                result.add_finding(
                    record.path,
                    Finding(
                        "security", issue["test_id"], issue["message"], issue["line"], issue["column"],
                        issue["severity"], issue["text"], extra,
                    ),
                )  # fmt: skip
            result.files[record.path] = {
                "security_count": len(section["issues"]),
                "nosec_comments": section["nosec"],
            }
        result.metrics = {
            **counts,
            "security_score": security_score(counts, project.total_sloc),
            "nosec_comments": nosec,
        }
        return result
