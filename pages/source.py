"""Source view: one file of a run with every finding inline (highlighted lines, severity, rule)."""

import streamlit as st

from vibe8_core.dashboard import loaders, widgets
from vibe8_core.dashboard.findings_panel import findings_filters
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.source_view import ai_line_numbers, source_html
from vibe8_core.dashboard.trees import file_findings

user = current_user()
st.title("Source view")
run, tree = widgets.run_with_tree(user.id, key="source")

paths = tree.files.sort_values("severity", ascending=False)["path"].tolist()
path = widgets.file_picker(paths, key="source_file")
found = file_findings(tree, path)
st.page_link(widgets.EXPLORER_PAGE, label="Back to the file explorer", icon=":material/account_tree:",
             query_params={"run": str(run.run_id), "file": path})  # fmt: skip
shown = findings_filters(found, key="source") if not found.empty else found
st.caption(f"{len(shown):,} of {len(found):,} findings shown inline; the outlined line is the one you clicked.")
source = loaders.run_source(user.id, run.run_id, path)
if source is None:
    st.info("The text of this file was not kept with the run (an older run, or a very large file).")
    st.dataframe(shown, hide_index=True, placeholder=widgets.MISSING, key="source_findings")
else:
    line = st.query_params.get("line")
    ai_lines = ai_line_numbers(tree.ai_ranges.get(path, ()))
    if ai_lines:
        st.caption(f"{len(ai_lines):,} lines marked AI: AI tools wrote them, as git history declares.")
    st.html(source_html(source, shown, ai_lines=ai_lines, focus=int(line) if line and line.isdigit() else None))
