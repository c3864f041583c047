"""The start-up self-check of streamlit-auth0's frontend build, which popup sign-in mounts itself: the
installed build passes; a missing, unreadable or incomplete one refuses start with one sentence when
popup sign-in is configured, and is never looked at in local mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP
from vibe8_core.dashboard import auth0_frontend, resources
from vibe8_core.dashboard.auth0_frontend import FrontendUnavailable, build_folder, check_build, login_component

INDEX = (
    '<html><head><link href="./static/css/main.css" rel="stylesheet"></head>'
    '<body><script src="./static/js/main.js"></script></body></html>'
)


def _build(tmp_path: Path, *, index: str | bytes | None = INDEX, assets: tuple[str, ...] = ()) -> Path:
    build = tmp_path / "build"
    build.mkdir()
    if index is not None:
        (build / "index.html").write_bytes(index.encode() if isinstance(index, str) else index)
    for asset in assets:
        (build / asset).parent.mkdir(parents=True, exist_ok=True)
        (build / asset).write_text("/* built */", encoding="utf-8")
    return build


def test_the_installed_build_answers_and_is_mounted_from_where_it_lies() -> None:
    component = login_component()
    assert Path(component.path).resolve() == build_folder().resolve()
    assert (build_folder() / "index.html").is_file()


def test_a_complete_build_passes(tmp_path: Path) -> None:
    check_build(_build(tmp_path, assets=("static/css/main.css", "static/js/main.js")))


@pytest.mark.parametrize(
    ("index", "assets", "fragment"),
    [
        (None, (), "cannot be read"),  # the folder moved or lost its entry page
        ("<html><body>Nothing here</body></html>", (), "loads no scripts"),
        (INDEX, ("static/css/main.css",), "lacks static/js/main.js"),
        (b"\xff\xfe<script src=x.js>", (), "(UnicodeDecodeError)"),
    ],
)
def test_a_build_that_does_not_answer_is_refused_in_one_sentence(tmp_path, index, assets, fragment) -> None:
    with pytest.raises(FrontendUnavailable) as refused:
        check_build(_build(tmp_path, index=index, assets=assets))
    message = str(refused.value)
    assert fragment in message and "\n" not in message and message.endswith(".")


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FrontendUnavailable, match="cannot be read"):
        login_component(tmp_path / "gone")


@pytest.fixture
def broken_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    resources._sign_in_frontend.clear()
    monkeypatch.setattr(auth0_frontend, "build_folder", lambda: tmp_path / "no-such-build")
    yield tmp_path / "no-such-build"
    resources._sign_in_frontend.clear()


def test_popup_sign_in_refuses_to_start_without_the_build(page_env, monkeypatch, broken_build) -> None:
    monkeypatch.setenv("AUTH0_DOMAIN", "tenant.example.auth0.com")
    monkeypatch.setenv("AUTH0_CLIENT_ID", "client-123")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Vibe8 cannot start"]
    [error] = [e.value for e in at.error]
    assert error.startswith("Sign-in cannot work: streamlit-auth0's sign-in frontend cannot be read")
    assert str(broken_build) in error


def test_local_mode_never_mounts_the_build(page_env, broken_build) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Analyze code"]
