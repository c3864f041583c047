"""Run dashboard: one run's grade, its ten scores against the project's previous run, and a panel
per collector with the chart worth looking at."""

import streamlit as st

from vibe8_core.collectors.authorship import AuthorshipMetrics
from vibe8_core.collectors.deps import DepsMetrics
from vibe8_core.collectors.lint import LintMetrics
from vibe8_core.collectors.security import SecurityMetrics
from vibe8_core.collectors.size import SizeMetrics
from vibe8_core.dashboard import loaders, run_actions, run_charts, widgets
from vibe8_core.dashboard.authorship_views import run_authorship_panel
from vibe8_core.dashboard.drilldown import files_with_rule, functions_of_rank
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.findings_panel import files_behind
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.trees import dead_code_list, duplicate_blocks, package_health_frame
from vibe8_core.reports.badge import badge_svg
from vibe8_core.run_data import RunMetrics
from vibe8_core.scoring import grade_for_score, run_overall, scores_of
from vibe8_core.store import AccessError

user = current_user()
st.title("Run dashboard")
runs = widgets.runs_or_demo(user.id, key="run_demo", allow_query=True, headers_only=True)

run_id = widgets.run_from_query(runs)
try:
    run, previous = loaders.run_with_previous(user.id, run_id)
except AccessError:
    widgets.refusal()
    st.stop()

metrics = RunMetrics.from_json(run.metrics)
scores = scores_of(metrics)
overall = run_overall(metrics)
model = f" · {md(run.author_model)}" if run.author_model else ""
badge, about = st.columns([1, 6], vertical_alignment="center")
badge.markdown(widgets.grade_tile(grade_for_score(overall), overall), unsafe_allow_html=True)
about.markdown(f"### {md(run.project_name or 'Unnamed project')}")
about.markdown(
    f"Source: {md(run.source_label)} · written by **{md(run.author_type or 'unknown')}{model}** · "
    f"analyzed {run.created_at:%Y-%m-%d %H:%M} UTC"
)
about.download_button(
    "Badge (SVG)", badge_svg(metrics), f"vibe8-badge-{run.run_id}.svg", "image/svg+xml",
    icon=":material/verified:", help="A status badge with this run's grade and score, for a README.",
)  # fmt: skip
widgets.measured_notice(metrics)
if previous:
    st.caption(f"Changes are against the previous run of this project ({previous.created_at:%Y-%m-%d %H:%M}).")
widgets.score_cards(scores, scores_of(previous.metrics) if previous else None)
run_authorship_panel(user.id, run.run_id, metrics.of(AuthorshipMetrics))
explore, again, relabel = st.columns([2, 1, 1])
explore.page_link(
    widgets.EXPLORER_PAGE,
    label="Explore the files",
    icon=":material/account_tree:",
    query_params={"run": str(run.run_id)},
)
with again:
    run_actions.reanalyse_button(user.id, run)
with relabel:
    run_actions.relabel_popover(user.id, run)

tree = loaders.run_tree(user.id, run.run_id)
files, blocks, findings = tree.files, tree.blocks, tree.findings
has = set(findings["collector"].unique())

left, right = st.columns(2)
with left:
    with widgets.panel("Complexity", "Functions per radon rank (A, B easy to follow; E, F not); click a bar."):
        if blocks.empty:
            st.info("No functions or classes found.")
        else:
            clicked = st.altair_chart(run_charts.cc_rank_distribution(blocks), key="cc", on_select="rerun")
            if rank := run_charts.clicked_value(clicked.selection, "rank"):
                files_behind(functions_of_rank(tree, rank), str(run.run_id), f"rank {rank}", key="cc_files")
    sec = metrics.of(SecurityMetrics)
    counts = f"{sec.high or 0} high, {sec.medium or 0} medium, {sec.low or 0} low"
    with widgets.panel("Security", f"Bandit findings by test and severity: {counts}; click a bar."):
        if "security" in has:
            clicked = st.altair_chart(run_charts.security_by_test(findings), key="security", on_select="rerun")
            if test := run_charts.clicked_value(clicked.selection, "code"):
                files_behind(files_with_rule(tree, "security", test), str(run.run_id), test, key="security_files")
        else:
            st.success("No security findings.")
    with widgets.panel("Duplication", "The biggest blocks of code that repeat elsewhere in the project."):
        if "dupes" in has:
            st.dataframe(duplicate_blocks(tree), hide_index=True, placeholder=widgets.MISSING)
        else:
            st.success("No duplicated blocks.")
    health = package_health_frame(metrics)
    deps = metrics.of(DepsMetrics)
    modules = deps.total_modules or 0
    with widgets.panel("Dependencies", f"{modules:,} imported modules; the health of the packages declared."):
        if not health.empty:
            st.dataframe(health, hide_index=True, placeholder=widgets.MISSING)
        else:
            st.info("No requirements file or pyproject dependencies were found.")
        if deps.undeclared:
            st.caption("Imported but not declared: " + ", ".join(md(name) for name in deps.undeclared))
with right:
    with widgets.panel("Maintainability", "Maintainability index per file (0-100); under 20 is hard to maintain."):
        if files["mi"].isna().all():
            st.info("No maintainability figures.")
        else:
            st.altair_chart(run_charts.mi_histogram(files), key="mi")
    total = metrics.of(LintMetrics).total or 0
    lint_caption = (
        f"The most frequent ruff rules among {total:,} findings; click a bar." if total else "What ruff reports."
    )
    with widgets.panel("Linting", lint_caption):
        if "lint" in has:
            clicked = st.altair_chart(run_charts.lint_by_rule(findings), key="lint", on_select="rerun")
            if rule := run_charts.clicked_value(clicked.selection, "code"):
                files_behind(files_with_rule(tree, "lint", rule), str(run.run_id), rule, key="lint_files")
        else:
            st.success("No lint findings.")
    with widgets.panel("Dead code", "Symbols vulture believes are never used; check before deleting."):
        if "dead_code" in has:
            st.dataframe(dead_code_list(tree), hide_index=True, placeholder=widgets.MISSING, height=300)
        else:
            st.success("No dead code found.")
    with widgets.panel("Churn × complexity", "Files that change often (right) and are complex (up) are hotspots."):
        if files["commits"].isna().all():
            st.info("No git history: churn is measured for GitHub repositories.")
        else:
            st.altair_chart(run_charts.hotspots(files), key="churn")

size = metrics.of(SizeMetrics)
st.caption(
    f"{size.files or 0:,} files · {size.sloc or 0:,} source lines · "
    f"{size.comments or 0:,} comment lines · {size.avg_file_sloc or 0:,.0f} SLOC per file"
)
if run.errors:
    with widgets.panel("Problems during the analysis", "Parts of the analysis that could not be completed."):
        for error in run.errors:
            st.markdown(f"- {md(error)}")
