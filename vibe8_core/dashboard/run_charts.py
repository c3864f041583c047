"""The Run dashboard's charts as Vega-Lite (Altair), drawn by Streamlit's own chart element.

Why not plotly here: the Run dashboard is the page a newcomer opens first, and a plotly chart makes
the browser fetch and run Streamlit's 4.7 MB plotly bundle before anything is drawn (docs/PERFORMANCE.md,
"Page to chart"); Vega-Lite's is a sixth of that. A bar that leads to files (a radon rank, a bandit test,
a ruff rule) carries a point selection named CLICK whose field is the bar's category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from vibe8_core.dashboard.charts import GRADE_COLOURS, SEVERITY_COLOURS
from vibe8_core.dashboard.trees import CC_RANKS, SEVERITY_ORDER

CLICK = "click"
RANK_COLOURS = [*GRADE_COLOURS.values(), "#7f1d1d"]  # A … E as grades, F darker still
MI_HARD = 20  # under this maintainability index a file is hard to maintain (docs/METRICS.md)


def _clickable(chart: alt.Chart, field: str) -> alt.Chart:
    """`chart` with a point selection on `field` (one bar at a time), unselected bars faded."""
    pick = alt.selection_point(name=CLICK, fields=[field], on="click")
    return chart.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))


def clicked_value(selection: Mapping[str, Any], field: str) -> str | None:
    """The category of the clicked bar in an `st.altair_chart(..., on_select="rerun")` event's selection."""
    points: Sequence[Mapping[str, Any]] = selection.get(CLICK) or ()
    for point in points:
        if point.get(field) is not None:
            return str(point[field])
    return None


def cc_rank_distribution(blocks: pd.DataFrame) -> alt.Chart:
    """Functions per radon rank, A … F, every rank shown (zero too)."""
    counts = blocks["rank"].value_counts().reindex(list(CC_RANKS), fill_value=0)
    data = pd.DataFrame({"rank": list(CC_RANKS), "functions": counts.to_numpy()})
    chart = (
        alt.Chart(data, height=300)
        .mark_bar()
        .encode(
            x=alt.X("rank:N", sort=list(CC_RANKS), title="radon rank (A simplest … F most complex)"),
            y=alt.Y("functions:Q", title="functions", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("rank:N", scale=alt.Scale(domain=list(CC_RANKS), range=RANK_COLOURS), legend=None),
            tooltip=["rank", "functions"],
        )
    )
    return _clickable(chart, "rank")


def mi_histogram(files: pd.DataFrame) -> alt.LayerChart:
    """Files per maintainability-index band of 5, with the line under which a file is hard to maintain."""
    data = files[["mi"]].dropna()
    bars = (
        alt.Chart(data)
        .mark_bar(color="#4f46e5")
        .encode(
            x=alt.X("mi:Q", bin=alt.Bin(extent=[0, 100], step=5), title="maintainability index per file"),
            y=alt.Y("count():Q", title="files", axis=alt.Axis(tickMinStep=1, format="d")),
        )
    )
    hard = pd.DataFrame({"mi": [MI_HARD], "note": ["hard to maintain"]})
    rule = alt.Chart(hard).mark_rule(color="#dc2626", strokeDash=[4, 4]).encode(x="mi:Q")
    note = (
        alt.Chart(hard)
        .mark_text(color="#dc2626", align="left", baseline="top", dx=4)
        .encode(x="mi:Q", y=alt.value(2), text="note:N")
    )
    return alt.LayerChart(layer=[bars, rule, note]).properties(height=300)


def security_by_test(findings: pd.DataFrame) -> alt.Chart:
    """Bandit findings per test, one segment per severity laid end to end (high first), the test with
    the most findings on top. The segments' ends are computed here (`start`, `end`), not left to
    Vega-Lite's stacking."""
    security = findings[findings["collector"] == "security"]
    levels = [level for level in SEVERITY_ORDER if level in set(security["severity"])]
    counts = security.groupby(["code", "severity"]).size().rename("findings").reset_index()
    counts["rank"] = counts["severity"].map(levels.index)
    data = counts.sort_values(["code", "rank"], ignore_index=True)
    data["end"] = data.groupby("code")["findings"].cumsum()
    data["start"] = data["end"] - data["findings"]
    totals = data.groupby("code")["findings"].sum().sort_values(ascending=False, kind="stable")
    chart = (
        alt.Chart(data.drop(columns="rank"), height=max(220, 36 * len(totals) + 120))  # room for the legend
        .mark_bar()
        .encode(
            x=alt.X("start:Q", title="findings", axis=alt.Axis(tickMinStep=1, format="d")),
            x2="end:Q",
            y=alt.Y("code:N", sort=list(totals.index), title="bandit test"),
            color=alt.Color(
                "severity:N",
                scale=alt.Scale(domain=levels, range=[SEVERITY_COLOURS[level] for level in levels]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["code", "severity", "findings"],
        )
    )
    return _clickable(chart, "code")


def lint_by_rule(findings: pd.DataFrame, top: int = 15) -> alt.Chart:
    """The `top` most frequent ruff rules, with one message of each as the tooltip."""
    lint = findings[findings["collector"] == "lint"]
    counts = lint["code"].value_counts().head(top)
    messages = lint.drop_duplicates("code").set_index("code")["message"]
    data = pd.DataFrame(
        {
            "code": counts.index.astype(str),
            "findings": counts.to_numpy(),
            "message": [str(messages.get(code, ""))[:90] for code in counts.index],
        }
    )
    chart = (
        alt.Chart(data, height=max(220, 30 * len(data) + 60))
        .mark_bar(color="#4f46e5")
        .encode(
            x=alt.X("findings:Q", title="findings", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("code:N", sort="-x", title="ruff rule"),
            tooltip=["code", "findings", "message"],
        )
    )
    return _clickable(chart, "code")


def hotspots(files: pd.DataFrame) -> alt.Chart:
    """Churn × complexity: files top-right change often and are hard to change safely."""
    data = files.dropna(subset=["commits", "max_cc"])[["path", "commits", "max_cc", "sloc", "hotspot"]].copy()
    data["kind"] = data["hotspot"].map({True: "hotspots", False: "other files"})
    data["sloc"] = data["sloc"].fillna(1).clip(lower=1)
    chart: alt.Chart = (
        alt.Chart(data.drop(columns="hotspot"), height=380)
        .mark_circle(opacity=0.7)
        .encode(
            x=alt.X("commits:Q", title="commits touching the file"),
            y=alt.Y("max_cc:Q", title="most complex function (CC)"),
            size=alt.Size("sloc:Q", legend=None, scale=alt.Scale(range=[30, 600])),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["other files", "hotspots"], range=["#94a3b8", "#dc2626"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["path", "commits", "max_cc", "sloc"],
        )
    )
    return chart
