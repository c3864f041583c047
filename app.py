"""Vibe8's Streamlit entry point: shared resources, who is signed in, and the navigation."""

import streamlit as st

from vibe8_core.dashboard import resources, session


def main() -> None:
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

    page = st.Page
    navigation = st.navigation(
        {
            "Analyse": [
                page("pages/analyze.py", title="Analyze", icon=":material/upload:", url_path="analyze", default=True),
                page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
            ],
            "Results": [
                page("pages/run.py", title="Run dashboard", icon=":material/dashboard:", url_path="run"),
                page("pages/explorer.py", title="File explorer", icon=":material/account_tree:", url_path="explorer"),
            ],
            "Insights": [
                page("pages/human_vs_ai.py", title="Human vs AI", icon=":material/compare:", url_path="human-vs-ai"),
                page("pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="trends"),
            ],
        }
    )
    session.sidebar_identity(user, settings)
    navigation.run()


# The analysis engine's worker processes (spawn / forkserver) re-import this file as `__mp_main__`;
# there it must not start a second app, database handle or job runner.
if __name__ == "__main__":
    main()
