"""SARIF 2.1.0 (the OASIS standard GitHub code scanning reads) from a run's file tree.

One SARIF run per tool that produced findings (ruff, bandit, vulture, and Vibe8 for its own docs,
duplication and complexity rules); Vibe8's run also carries the analysis's error entries as tool
notifications, so it is present whenever something went wrong. Paths are relative to the analysed
folder (`%SRCROOT%`), levels follow Vibe8's severities, and every result has a partial fingerprint
that survives unrelated edits above it (see fingerprints.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from vibe8_core.reports.fingerprints import FINGERPRINT_VERSION, ReportedFinding
from vibe8_core.reports.rules import TOOL_HOMES, rule_info, tool_version

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
FINGERPRINT_KEY = f"vibe8FindingHash/{FINGERPRINT_VERSION}"
SRCROOT = "%SRCROOT%"
TOOL_ORDER = ("ruff", "bandit", "vulture", "vibe8")
# SARIF's baselineState for the marks a baseline comparison gives.
BASELINE_STATES = {"new": "new", "existing": "unchanged"}


def _region(finding: ReportedFinding) -> dict[str, int]:
    region = {"startLine": max(finding.line, 1)}
    if finding.column is not None:
        region["startColumn"] = finding.column
    if finding.end_line is not None:
        region["endLine"] = finding.end_line
    return region


def _result(finding: ReportedFinding, rule_index: int, state: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": finding.message or finding.rule},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.path, safe="/"), "uriBaseId": SRCROOT},
                    "region": _region(finding),
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity},
    }
    if state is not None:
        result["baselineState"] = BASELINE_STATES[state]
    return result


def _driver(tool: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": tool, "rules": rules}
    version = tool_version(tool)
    if version:
        driver["version"] = version
    if TOOL_HOMES.get(tool):
        driver["informationUri"] = TOOL_HOMES[tool]
    return driver


def _rule(tool: str, finding: ReportedFinding) -> dict[str, Any]:
    info = rule_info(tool, finding.rule, dict(finding.extra))
    rule: dict[str, Any] = {"id": info.id, "name": info.name, "shortDescription": {"text": info.description}}
    if info.help_uri:
        rule["helpUri"] = info.help_uri
    return rule


def _tool_run(
    tool: str, findings: Sequence[ReportedFinding], marks: Mapping[str, str] | None, errors: Sequence[str]
) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    for finding in findings:
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(_rule(tool, finding))
        state = marks.get(finding.fingerprint) if marks is not None else None
        results.append(_result(finding, index[finding.rule], state))
    run: dict[str, Any] = {
        "tool": {"driver": _driver(tool, rules)},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The analysed folder."}}},
    }
    if tool == "vibe8":
        notes = [{"level": "warning", "message": {"text": error}} for error in errors]
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notes}]
    return run


def sarif_log(
    findings: Iterable[ReportedFinding], errors: Sequence[str] = (), marks: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The SARIF log of these findings. `marks` (fingerprint -> new/existing, from a baseline) sets
    each result's baselineState. With no finding and no error, Vibe8's run stands alone and empty, so
    that an upload still tells code scanning that everything it knew of is fixed."""
    by_tool: dict[str, list[ReportedFinding]] = {tool: [] for tool in TOOL_ORDER}
    for finding in findings:
        by_tool.setdefault(finding.tool, []).append(finding)
    runs = [
        _tool_run(tool, found, marks, errors)
        for tool, found in by_tool.items()
        if found or (tool == "vibe8" and (errors or not any(by_tool.values())))
    ]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": runs}
