"""docs/METRICS.md's tables of what each collector stores, written from the registry's declarations (the
fields of each collector's `MetricsSection` and `FileFields` records), so the document cannot drift from
the code. `python -m vibe8_core metrics-doc` rewrites them; tests/engine/test_metrics_doc.py fails while
the file holds other tables.
"""

from __future__ import annotations

import re
from dataclasses import Field
from typing import Any

from vibe8_core.collectors import registry
from vibe8_core.collectors.base import CollectorSpec
from vibe8_core.config import PROJECT_ROOT

METRICS_DOC = PROJECT_ROOT / "docs" / "METRICS.md"
BEGIN = "<!-- tables generated from the registry by `python -m vibe8_core metrics-doc`; do not edit -->"
END = "<!-- end of the generated tables -->"


def _type(spec: Field[Any]) -> str:
    """The field's type as JSON holds it (a tuple is a list, a mapping an object, None is null)."""
    kind = spec.type if isinstance(spec.type, str) else "any"
    kind = re.sub(r"tuple\[(.+), \.\.\.\]", r"list[\1]", kind)
    kind = re.sub(r"Mapping\[str, (\w+)\]", r"{str: \1}", kind).replace("None", "null")
    return "`" + kind.replace("|", "\\|") + "`"


def _metrics_rows(spec: CollectorSpec) -> list[str]:
    rows = ["| `metrics` key | type | better | aggregate |", "|---|---|---|---|"]
    for (key, declared), measure in zip(spec.section_type.json_fields(), spec.measures, strict=True):
        aggregate = "written by scoring.py" if measure.aggregate == "score" else measure.aggregate
        rows.append(f"| `{key}` | {_type(declared)} | {measure.better} | {aggregate} |")
    return rows


def _file_rows(spec: CollectorSpec) -> list[str]:
    rows = ["| file-tree key | type | empty | explorer column |", "|---|---|---|---|"]
    for (key, declared), item in zip(spec.files_type.json_fields(), spec.file_fields, strict=True):
        empty = "`[]`" if item.empty == () else f"`{'null' if item.empty is None else item.empty}`"
        rows.append(f"| `{key}` | {_type(declared)} | {empty} | {item.label or '—'} |")
    return rows


def collector_tables() -> str:
    """One block per registered collector: its `metrics` keys in stored order and its file-tree keys."""
    parts: list[str] = []
    for spec in registry.specs():
        score = f"score: {spec.score.label}" if spec.score else "no score"
        parts += ["", f"#### {spec.name} — {spec.label} ({score})", "", *_metrics_rows(spec)]
        if spec.file_fields:
            parts += ["", *_file_rows(spec)]
    return "\n".join(parts)


def refreshed(text: str) -> str:
    """`text` (docs/METRICS.md) with the tables between its markers written afresh."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{METRICS_DOC.name} lacks the markers of the generated tables")
    return text[: start + len(BEGIN)] + "\n" + collector_tables() + "\n\n" + text[end:]
