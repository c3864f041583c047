"""A status badge for a README: "vibe8 | B 72" as a small SVG, readable by screen readers.

The SVG names itself for assistive technology (`role="img"`, `aria-label` and a `<title>`), and its
colour follows the grade. Text widths are estimated from per-character widths of Verdana 11px (what
shields-style badges are drawn in), so no font has to be installed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from vibe8_core.scoring import Metrics, grade_for_score, run_overall

GRADE_COLOURS = {"A": "#2e7d32", "B": "#558b2f", "C": "#b58900", "D": "#d84315", "E": "#c62828"}
NO_GRADE_COLOUR = "#6e6e6e"
LABEL = "vibe8"
_NARROW, _WIDE, _DEFAULT = set("ijlI.,:;|!'() "), set("mwMW@%"), 7.0


def _text_width(text: str) -> float:
    return sum(4.0 if char in _NARROW else 10.0 if char in _WIDE else _DEFAULT for char in text)


def badge_text(metrics: Metrics) -> tuple[str, str]:
    """(value shown on the badge, sentence for screen readers) for a run's metrics."""
    overall = run_overall(metrics)
    grade = grade_for_score(overall)
    if overall is None:
        return "no score", "Vibe8 code quality: no score"
    return f"{grade} {overall:.0f}", f"Vibe8 code quality: grade {grade}, score {overall:.0f} out of 100"


def badge_svg(metrics: Metrics) -> str:
    """The badge of a run, as SVG text."""
    value, spoken = badge_text(metrics)
    colour = GRADE_COLOURS.get(value.split()[0], NO_GRADE_COLOUR)
    left = round(_text_width(LABEL) + 12)
    right = round(_text_width(value) + 12)
    width = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f"aria-label={quoteattr(spoken)}>"
        f"<title>{escape(spoken)}</title>"
        f'<rect width="{left}" height="20" rx="3" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="{colour}"/>'
        f'<rect x="{left}" width="4" height="20" fill="{colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" aria-hidden="true">'
        f'<text x="{left / 2:g}" y="14" text-anchor="middle">{LABEL}</text>'
        f'<text x="{left + right / 2:g}" y="14" text-anchor="middle">{escape(value)}</text>'
        "</g></svg>\n"
    )
