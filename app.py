"""Vibe8's Streamlit entry point: shared resources, who is signed in, and the navigation."""

import streamlit as st

from vibe8_core.dashboard import resources, session

st.set_page_config(page_title="Vibe8", page_icon=":material/insights:", layout="wide")

try:
    settings = resources.settings()
    db = resources.database(settings)
except resources.StartupError as exc:
    st.title("Vibe8 cannot start")
    st.error(str(exc))
    st.stop()

resources.ensure_runner(settings)
user = session.require_user(db, settings)

pages = {
    "Analyse": [
        st.Page(
            "pages/analyze.py", title="Analyze", icon=":material/upload:", url_path="analyze", default=True
        ),
        st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
    ],
    "Results": [
        st.Page("pages/run.py", title="Run dashboard", icon=":material/dashboard:", url_path="run"),
        st.Page(
            "pages/explorer.py", title="File explorer", icon=":material/account_tree:", url_path="explorer"
        ),
    ],
    "Insights": [
        st.Page(
            "pages/human_vs_ai.py", title="Human vs AI", icon=":material/compare:", url_path="human-vs-ai"
        ),
        st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
    ],
}
navigation = st.navigation(pages)
session.sidebar_identity(user, settings)
navigation.run()
