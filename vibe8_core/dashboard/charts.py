"""Plotly figures for the pages: one builder per chart, each taking an already-shaped frame."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from vibe8_core.dashboard.escape import label, labels
from vibe8_core.dashboard.trees import treemap_nodes

GRADE_COLOURS = {"A": "#16a34a", "B": "#65a30d", "C": "#ca8a04", "D": "#ea580c", "E": "#dc2626"}
SEVERITY_COLOURS = {"high": "#dc2626", "medium": "#f59e0b", "low": "#3b82f6", "info": "#94a3b8"}
# Human groups in cool colours, AI groups in warm ones, so the two never look alike on a chart.
HUMAN_COLOURS = ("#4f46e5", "#0ea5e9", "#0891b2", "#6366f1", "#1e40af", "#14b8a6")
AI_COLOURS = ("#f97316", "#db2777", "#a16207", "#dc2626", "#c026d3", "#ea580c", "#e11d48", "#b45309")
UNKNOWN_COLOUR = "#64748b"
STRIP_MAX_POINTS = 400  # above this many runs a box plot shows its outliers, not every run
SEVERITY_SCALE = [[0.0, "#16a34a"], [0.35, "#facc15"], [0.7, "#f97316"], [1.0, "#dc2626"]]


def _tidy(fig: go.Figure, height: int = 320) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        font={"size": 13},
    )
    return fig


AI_SHARE_SCALE = [[0.0, "#e5e7eb"], [1.0, "#ea580c"]]
TREEMAP_COLOURS = {"severity": ("severity", SEVERITY_SCALE), "ai_share": ("AI-written %", AI_SHARE_SCALE)}


def treemap(files: pd.DataFrame, max_depth: int = 4, colour: str = "severity") -> go.Figure:
    """Files sized by SLOC, coloured by severity or by the share of their lines AI tools wrote."""
    title, scale = TREEMAP_COLOURS[colour]
    nodes = treemap_nodes(files, colour)
    fig = go.Figure(
        go.Treemap(
            ids=labels(nodes["id"]),
            parents=labels(nodes["parent"]),
            labels=labels(nodes["label"]),
            values=nodes["sloc"],
            branchvalues="total",
            marker={
                "colors": nodes["severity"],
                "colorscale": scale,
                "cmin": 0,
                "cmax": 100,
                "colorbar": {"title": title},
            },
            customdata=nodes[["severity"]].round(1),
            hovertemplate=f"<b>%{{id}}</b><br>%{{value:,.0f}} SLOC<br>{title} %{{customdata[0]}}<extra></extra>",
            maxdepth=max_depth,
        )
    )
    fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 10, "b": 0})
    return fig


def group_colours(groups: list[str]) -> dict[str, str]:
    """A colour per group label: "Human" and "AI" first in their families, then each named human
    ("… (human)") and AI model ("… (AI)") in sorted order; pass every label the user's runs can
    produce, so that a group's colour does not depend on which others are shown."""
    colours = {"Human": HUMAN_COLOURS[0], "AI": AI_COLOURS[0], "Unknown": UNKNOWN_COLOUR}
    humans = sorted(group for group in groups if group.endswith("(human)"))
    models = sorted(group for group in groups if group.endswith("(AI)"))
    for family, palette in ((humans, HUMAN_COLOURS[1:]), (models, AI_COLOURS[1:])):
        for index, group in enumerate(family):
            colours[group] = palette[index % len(palette)]
    for group in groups:
        colours.setdefault(group, UNKNOWN_COLOUR)
    return colours


def group_box(
    frame: pd.DataFrame, column: str, group: str, title: str, colours: Mapping[str, str], *, score: bool = False
) -> go.Figure:
    """One box per group with every run as a point; beyond STRIP_MAX_POINTS runs, boxes computed here
    from the quartiles and only the outliers drawn as points (20,000 runs would otherwise mean 20,000
    values and labels per chart, in the page and in the browser)."""
    data = frame[[group, column, "project"]].dropna(subset=[column])
    fig = go.Figure()
    for name, rows in data.groupby(group, sort=True):
        if len(data) > STRIP_MAX_POINTS:
            fig.add_traces(_summarised_box(rows, column, label(name), colours.get(str(name), UNKNOWN_COLOUR)))
            continue
        fig.add_trace(
            go.Box(
                y=rows[column].to_numpy(),
                name=label(name),
                text=labels(rows["project"]),
                boxpoints="all",
                jitter=0.35,
                pointpos=-1.6,
                marker_color=colours.get(str(name), UNKNOWN_COLOUR),
                hovertemplate="%{text}: %{y:.1f}<extra></extra>",
            )
        )
    fig.update_layout(showlegend=False, yaxis_title=title)
    if score:
        fig.update_yaxes(range=[0, 105])
    return _tidy(fig, height=300)


def _summarised_box(rows: pd.DataFrame, column: str, name: str, colour: str) -> list[go.BaseTraceType]:
    """A box from its quartiles (linear interpolation, as plotly's own) with whiskers at the furthest runs
    within 1.5 IQR, and the runs beyond them as points."""
    values = rows[column].to_numpy(dtype=float)
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    reach = 1.5 * (q3 - q1)
    inside = (values >= q1 - reach) & (values <= q3 + reach)
    outliers = rows[~inside]
    box = go.Box(x=[name], q1=[q1], median=[median], q3=[q3], lowerfence=[values[inside].min()],
                 upperfence=[values[inside].max()], name=name, marker_color=colour, boxpoints=False)  # fmt: skip
    points = go.Scatter(
        x=[name] * len(outliers),
        y=outliers[column].to_numpy(),
        text=labels(outliers["project"]),
        mode="markers",
        marker={"color": colour, "size": 4},
        hovertemplate="%{text}: %{y:.1f}<extra></extra>",
    )
    return [box, points]


def radar(means: pd.DataFrame, colours: Mapping[str, str]) -> go.Figure:
    """`means`: index = group, columns = score labels (0-100)."""
    fig = go.Figure()
    axes = list(means.columns)
    for group, row in means.iterrows():
        values = [float(v) if pd.notna(v) else 0.0 for v in row.to_list()]
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*axes, axes[0]],
                name=label(group),
                fill="toself",
                opacity=0.55,
                line_color=colours.get(str(group), UNKNOWN_COLOUR),
            )
        )
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}})
    return _tidy(fig, height=420)


def group_counts(frame: pd.DataFrame, group: str, colours: Mapping[str, str]) -> go.Figure:
    counts = frame[group].value_counts().sort_index()
    fig = go.Figure(
        go.Bar(
            x=labels(counts.index),
            y=counts.to_numpy(),
            text=counts.to_numpy(),
            marker_color=[colours.get(str(name), UNKNOWN_COLOUR) for name in counts.index],
        )
    )
    fig.update_layout(yaxis_title="runs")
    return _tidy(fig, height=260)


def score_trend(runs: pd.DataFrame, columns: dict[str, str]) -> go.Figure:
    """`columns`: frame column → label; one line per score over time (runs without it left out)."""
    data = runs.sort_values("created_at")
    fig = go.Figure()
    for column, title in columns.items():
        points = data.dropna(subset=[column])
        fig.add_trace(go.Scatter(x=points["created_at"], y=points[column].to_numpy(), mode="lines+markers", name=title))
    fig.update_layout(
        yaxis={"range": [0, 105], "title": "score (higher is better)"}, xaxis_title="", legend_title_text="score"
    )
    return _tidy(fig, height=420)


def delta_bars(deltas: pd.DataFrame) -> go.Figure:
    data = deltas.dropna(subset=["change"])
    colours = ["#16a34a" if value >= 0 else "#dc2626" for value in data["change"]]
    fig = go.Figure(go.Bar(x=data["change"], y=data["score"], orientation="h", marker_color=colours))
    fig.update_layout(xaxis_title="change in score (right = better)", yaxis={"autorange": "reversed"})
    return _tidy(fig, height=360)
