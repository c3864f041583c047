"""A file's source with every finding inline, as HTML: numbered lines, the lines with findings
highlighted in their worst severity's colour, and under each such line its findings (severity,
rule, message). Every piece of the file and of the findings is escaped: it comes from strangers.

Lines AI tools wrote (git attribution, `ai_line_numbers` of the file's ranges) get a marker in their
own column.
"""

from __future__ import annotations

import html
from collections.abc import Collection

import pandas as pd

from vibe8_core.dashboard.charts import SEVERITY_COLOURS
from vibe8_core.dashboard.trees import SEVERITY_ORDER

HIGHLIGHT = {"high": "#fee2e2", "medium": "#fef3c7", "low": "#dbeafe", "info": "#f1f5f9"}
_STYLE = (
    "<style>.v8src{font-family:ui-monospace,monospace;font-size:13px;border-collapse:collapse;width:100%}"
    ".v8src td{padding:0 6px;vertical-align:top;white-space:pre-wrap;word-break:break-all}"
    ".v8src td.n{color:#94a3b8;text-align:right;user-select:none;width:1%}"
    ".v8src td.ai{width:1%;color:#c026d3;font-weight:700}"
    ".v8src tr.f td{font-family:sans-serif;font-size:12px;padding:2px 6px 4px 6px}</style>"
)


def ai_line_numbers(ranges: Collection[tuple[int, int]]) -> set[int]:
    """Every line number inside the [first, last] ranges."""
    return {number for first, last in ranges for number in range(first, last + 1)}


def worst_severity(severities: Collection[str]) -> str:
    return next((level for level in SEVERITY_ORDER if level in severities), "info")


def _finding_row(finding: pd.Series, ai_column: bool) -> str:
    colour = SEVERITY_COLOURS.get(str(finding["severity"]), "#94a3b8")
    badge = (
        f'<span style="background:{colour};color:white;border-radius:4px;padding:0 5px">'
        f"{html.escape(str(finding['severity']))}</span>"
    )
    text = f"{badge} <b>{html.escape(str(finding['code']))}</b> · {html.escape(str(finding['kind']))} · "
    text += html.escape(str(finding["message"]))
    blank = '<td class="ai"></td>' if ai_column else ""
    return f'<tr class="f"><td class="n"></td>{blank}<td>▲ {text}</td></tr>'


def source_html(source: str, findings: pd.DataFrame, ai_lines: Collection[int] = (), focus: int | None = None) -> str:
    """The whole file as one HTML table; `findings` has the explorer's columns (line, kind, code,
    severity, message). Findings on lines past the end (a file changed since?) go after the last line."""
    lines = source.splitlines() or [""]
    by_line: dict[int, list[pd.Series]] = {}
    for _, finding in findings.iterrows():
        line = int(finding["line"]) if pd.notna(finding["line"]) else 1
        by_line.setdefault(min(max(line, 1), len(lines)), []).append(finding)
    ai_column = bool(ai_lines)
    rows = [_STYLE, '<table class="v8src">']
    for number, text in enumerate(lines, start=1):
        found = by_line.get(number, [])
        background = HIGHLIGHT[worst_severity({str(f["severity"]) for f in found})] if found else "none"
        outline = ";outline:2px solid #4f46e5" if number == focus else ""
        shade = f' style="background:{background}{outline}"' if found or outline else ""
        marker = f'<td class="ai" title="written by AI">{"AI" if number in ai_lines else ""}</td>' if ai_column else ""
        rows.append(
            f'<tr id="L{number}"{shade}><td class="n">{number}</td>{marker}<td>{html.escape(text) or " "}</td></tr>'
        )
        rows.extend(_finding_row(finding, ai_column) for finding in found)
    rows.append("</table>")
    return "".join(rows)


def filter_findings(
    findings: pd.DataFrame, kinds: Collection[str], codes: Collection[str], severities: Collection[str]
) -> pd.DataFrame:
    """Findings of the chosen collectors (kinds), rules (codes) and severities; an empty choice is any."""
    mask = pd.Series(True, index=findings.index)
    for column, chosen in (("kind", kinds), ("code", codes), ("severity", severities)):
        if chosen:
            mask &= findings[column].isin(list(chosen))
    return findings[mask]
