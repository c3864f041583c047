"""Quality gates for CI: thresholds on the overall grade, on any of the ten scores, on security
severity and on new findings, from the command line or a TOML file (`--gate FILE`).

A gate file holds the same four settings as the flags; a flag given on the command line wins over
the file (scores merge key by key):

    fail-under = "B"            # overall grade B or better
    fail-on-severity = "medium" # no security finding of medium severity or above
    fail-on-new = true          # no finding that the baseline does not have
    [fail-under-score]
    security = 90
    lint = 70
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from vibe8_core.collectors.security import SecurityMetrics
from vibe8_core.run_data import RunMetrics
from vibe8_core.scoring import GRADE_THRESHOLDS, grade_for_score, run_overall, score_specs, scores_of

GRADES = tuple(grade for _, grade in GRADE_THRESHOLDS) + ("E",)
SEVERITY_LEVELS = ("high", "medium", "low")
FILE_KEYS = ("fail-under", "fail-under-score", "fail-on-severity", "fail-on-new")
MAX_GATE_FILE_BYTES = 64 * 1024


class GateError(ValueError):
    """A gate that cannot be understood: a usage error, one sentence."""


@dataclass(frozen=True)
class GateSpec:
    fail_under: str | None = None
    fail_under_scores: tuple[tuple[str, float], ...] = ()
    fail_on_severity: str | None = None
    fail_on_new: bool = False

    @property
    def empty(self) -> bool:
        return self == GateSpec()


def check_grade(raw: Any) -> str:
    grade = str(raw).strip().upper()
    if grade not in GRADES:
        raise GateError(f"{raw!r} is not a grade; use one of {', '.join(GRADES)}.")
    return grade


def check_severity(raw: Any) -> str:
    level = str(raw).strip().lower()
    if level not in SEVERITY_LEVELS:
        raise GateError(f"{raw!r} is not a severity; use one of {', '.join(SEVERITY_LEVELS)}.")
    return level


def score_keys() -> tuple[str, ...]:
    """The keys of the run's scores (one per collector that declares a score, in the registry's order)."""
    return tuple(spec.key for spec in score_specs())


def check_score(key: Any, value: Any) -> tuple[str, float]:
    keys = score_keys()
    if key not in keys:
        raise GateError(f"{key!r} is not one of the scores ({', '.join(keys)}).")
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise GateError(f"the threshold for {key} must be a number from 0 to 100, not {value!r}.")
    return key, float(value)


def parse_score_threshold(raw: str) -> tuple[str, float]:
    """`KEY=N` from `--fail-under-score`."""
    key, sep, value = raw.partition("=")
    if not sep:
        raise GateError(f"--fail-under-score takes KEY=N (for example security=80), not {raw!r}.")
    try:
        number = float(value)
    except ValueError:
        raise GateError(f"the threshold for {key.strip()} must be a number from 0 to 100, not {value!r}.") from None
    return check_score(key.strip(), number)


def load_gate_file(path: Path) -> GateSpec:
    """The gates a TOML file sets; GateError names the file and the first problem."""
    try:
        if path.stat().st_size > MAX_GATE_FILE_BYTES:
            raise GateError(f"{path}: a gate file is at most {MAX_GATE_FILE_BYTES // 1024} KiB.")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise GateError(f"{path}: cannot read the gate file ({exc.strerror or exc}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GateError(f"{path}: not valid TOML ({exc}).") from None
    try:
        return _spec_from_mapping(data)
    except GateError as exc:
        raise GateError(f"{path}: {exc}") from None


def _spec_from_mapping(data: Mapping[str, Any]) -> GateSpec:
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise GateError(f"unknown setting {unknown[0]!r} (the settings are {', '.join(FILE_KEYS)}).")
    scores = data.get("fail-under-score", {})
    if not isinstance(scores, dict):
        raise GateError("fail-under-score must be a table of score = threshold.")
    fail_on_new = data.get("fail-on-new", False)
    if not isinstance(fail_on_new, bool):
        raise GateError("fail-on-new must be true or false.")
    return GateSpec(
        fail_under=check_grade(data["fail-under"]) if "fail-under" in data else None,
        fail_under_scores=tuple(check_score(key, value) for key, value in scores.items()),
        fail_on_severity=check_severity(data["fail-on-severity"]) if "fail-on-severity" in data else None,
        fail_on_new=fail_on_new,
    )


def merged(from_file: GateSpec, from_flags: GateSpec) -> GateSpec:
    """The file's gates with every flag given on the command line taking precedence."""
    scores = dict(from_file.fail_under_scores) | dict(from_flags.fail_under_scores)
    return replace(
        from_file,
        fail_under=from_flags.fail_under or from_file.fail_under,
        fail_under_scores=tuple(scores.items()),
        fail_on_severity=from_flags.fail_on_severity or from_file.fail_on_severity,
        fail_on_new=from_flags.fail_on_new or from_file.fail_on_new,
    )


def _security_counts(metrics: Mapping[str, Any]) -> dict[str, int]:
    section = RunMetrics.from_json(metrics).of(SecurityMetrics)
    return {"high": int(section.high or 0), "medium": int(section.medium or 0), "low": int(section.low or 0)}


def broken_gates(spec: GateSpec, metrics: Mapping[str, Any], new_findings: int | None = None) -> list[str]:
    """One line per gate the run does not pass (empty: every gate passes)."""
    broken = []
    scores = scores_of(metrics)
    if spec.fail_under:
        overall = run_overall(metrics)
        grade = grade_for_score(overall)
        if overall is None or GRADES.index(grade) > GRADES.index(spec.fail_under):
            shown = "no overall score" if overall is None else f"grade {grade} (score {overall:g})"
            broken.append(f"overall: {shown}, below the required {spec.fail_under}.")
    for key, threshold in spec.fail_under_scores:
        value = scores.get(key)
        if value is None:
            broken.append(f"{key}: this run has no {key} score, so it cannot reach {threshold:g}.")
        elif value < threshold:
            broken.append(f"{key}: score {value:g}, below the required {threshold:g}.")
    if spec.fail_on_severity:
        counts = _security_counts(metrics)
        levels = SEVERITY_LEVELS[: SEVERITY_LEVELS.index(spec.fail_on_severity) + 1]
        total = sum(counts[level] for level in levels)
        if total:
            detail = ", ".join(f"{counts[level]} {level}" for level in levels if counts[level])
            broken.append(f"security: {total} finding(s) of {spec.fail_on_severity} severity or above ({detail}).")
    if spec.fail_on_new and new_findings:
        broken.append(f"new findings: {new_findings} finding(s) that the baseline does not have.")
    return broken
