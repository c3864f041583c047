"""Vibe8's Streamlit entry point: shared resources, who is signed in, and the navigation."""

import logging
from pathlib import Path
from typing import NoReturn

import streamlit as st

from vibe8_core.dashboard import resources, session
from vibe8_core.store import DatabaseFailedError

SECTIONS = {
    "Code": (
        ("pages/analyze.py", "Analyze", ":material/upload:", "analyze"),
        ("pages/history.py", "History", ":material/history:", "history"),
    ),
    "Results": (
        ("pages/run.py", "Run dashboard", ":material/dashboard:", "run"),
        ("pages/explorer.py", "File explorer", ":material/account_tree:", "explorer"),
        ("pages/source.py", "Source view", ":material/code:", "source"),
    ),
    "Insights": (
        ("pages/human_vs_ai.py", "Human vs AI", ":material/compare:", "human-vs-ai"),
        ("pages/trends.py", "Trends", ":material/trending_up:", "trends"),
    ),
}


def main() -> None:
    # An emoji favicon is drawn in the browser; a :material: one is fetched from fonts.gstatic.com.
    st.set_page_config(page_title="Vibe8", page_icon="📊", layout="wide")
    try:
        settings = resources.settings()
        db = resources.database(settings)
        resources.check_sign_in_frontend(settings)
    except resources.StartupError as exc:
        st.title("Vibe8 cannot start")
        st.error(str(exc))
        st.stop()

    resources.warm_imports()
    resources.ensure_runner(settings)
    pages, by_name = {}, {}
    for section, entries in SECTIONS.items():
        pages[section] = []
        for index, (path, title, icon, url_path) in enumerate(entries):
            page = st.Page(path, title=title, icon=icon, url_path=url_path, default=section == "Code" and not index)
            pages[section].append(page)
            by_name.update({url_path: page, Path(path).stem: page})
    # Navigation first (pages are listed only to a signed-in session), then the gate, which shows the
    # sign-in page and stops, or reruns once after a fresh sign-in so the page list appears.
    navigation = st.navigation(pages, position="sidebar" if session.signed_in() else "hidden")
    try:
        user = session.require_user(db, settings)  # every rerun re-checks the sign-in in the database
    except DatabaseFailedError:
        database_hiccup("checking the sign-in")
    session.resume_wanted_page(by_name)
    session.sidebar_identity(db, user, settings)
    try:
        navigation.run()
    except DatabaseFailedError:
        database_hiccup("drawing a page")


def database_hiccup(doing: str) -> NoReturn:
    """One sentence instead of a traceback; the next rerun tries again."""
    logging.getLogger("vibe8.app").exception("database error while %s", doing)
    st.error("The database did not answer; please try again in a moment.")
    st.stop()


# The analysis engine's worker processes (spawn / forkserver) re-import this file as `__mp_main__`;
# there it must not start a second app, database handle or job runner.
if __name__ == "__main__":
    main()
