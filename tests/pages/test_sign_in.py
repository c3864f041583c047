"""Start-up refusals and the Auth0 sign-in gate (the login component and token check are faked)."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP
from vibe8_core.auth import AuthError
from vibe8_core.dashboard import session

TOKEN = "header.payload.signature"


def claims(email: str = "carol@example.com") -> dict:
    return {"sub": f"auth0|{email}", "email": email, "email_verified": True, "exp": time.time() + 3600}


def fresh_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def gate_script() -> None:
    """app.py's preamble alone: AppTest reruns only the page script of a multipage app after its
    first run, so reruns of the gate are tested through this script."""
    import streamlit as st

    from vibe8_core.dashboard import resources, session

    settings = resources.settings()
    user = session.require_user(resources.database(settings), settings)
    st.title("Analyze code")
    st.caption(user.email)


def gate_app() -> AppTest:
    return AppTest.from_function(gate_script, default_timeout=60).run()


def texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


@pytest.mark.parametrize(
    ("url", "expected"),
    [("unmigrated", "migrate"), ("mysql://db/x", "supports sqlite and postgresql")],
)
def test_unusable_database_gives_one_clear_message(page_env, monkeypatch, tmp_path, url, expected):
    if url == "unmigrated":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    at = fresh_app()
    assert not at.exception
    assert texts(at, "title") == ["Vibe8 cannot start"]
    [message] = texts(at, "error")
    assert expected in message


def test_bad_setting_gives_one_clear_message(page_env, monkeypatch):
    monkeypatch.setenv("VIBE8_WORKER_THREADS", "many")
    at = fresh_app()
    assert not at.exception
    assert "VIBE8_WORKER_THREADS must be a whole number" in texts(at, "error")[0]


def test_local_mode_signs_in_the_local_user(page_env):
    at = fresh_app()
    assert not at.exception
    assert any("local@localhost" in text for text in texts(at.sidebar, "caption"))


@pytest.fixture
def auth0(page_env, monkeypatch):
    """Auth0 mode with a fake login button; returns a dict whose 'token' the button yields."""
    monkeypatch.setenv("AUTH0_DOMAIN", "tenant.example.auth0.com")
    monkeypatch.setenv("AUTH0_CLIENT_ID", "client-123")
    state = {"token": TOKEN, "claims": claims(), "error": None, "verified": []}

    def fake_login(domain, client_id):
        return state["token"]

    def fake_verify(token, *, domain, client_id, **_):
        state["verified"].append((token, domain, client_id))
        if state["error"]:
            raise AuthError(state["error"])
        return state["claims"]

    monkeypatch.setattr(session, "_auth0_login", fake_login)
    monkeypatch.setattr(session, "verify_id_token", fake_verify)
    return state


def test_auth0_token_is_verified_and_the_user_signed_in(auth0):
    at = fresh_app()  # the real app.py
    assert not at.exception
    assert auth0["verified"] == [(TOKEN, "tenant.example.auth0.com", "client-123")]
    assert at.session_state["vibe8_user"].email == "carol@example.com"
    assert texts(at, "title") == ["Analyze code"]
    assert any("carol@example.com" in text for text in texts(at.sidebar, "caption"))


def test_the_same_token_is_not_verified_on_every_rerun(auth0):
    at = gate_app()
    at.run()
    assert not at.exception
    assert len(auth0["verified"]) == 1
    auth0["token"] = TOKEN + "2"  # a new token (e.g. after signing in again) is verified
    at.run()
    assert len(auth0["verified"]) == 2


def test_no_token_shows_the_sign_in_page(auth0):
    auth0["token"] = None
    at = gate_app()
    assert not at.exception
    assert texts(at, "title") == ["Sign in to Vibe8"]
    assert "vibe8_user" not in at.session_state


def test_a_refused_token_shows_its_one_sentence(auth0):
    auth0["error"] = "The sign-in token has expired; please sign in again."
    at = gate_app()
    assert not at.exception
    assert texts(at, "title") == ["Sign in to Vibe8"]
    assert texts(at, "error") == ["The sign-in token has expired; please sign in again."]


def test_allowlist_refuses_at_sign_in_and_on_a_later_rerun(auth0, monkeypatch):
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "@other.org")
    at = gate_app()
    assert texts(at, "error") == ["The address carol@example.com is not allowed to use Vibe8."]
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "@example.com")
    at.run()
    assert at.session_state["vibe8_user"].email == "carol@example.com"
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "@other.org")
    at.run()
    assert not at.exception
    assert texts(at, "error") == ["The address carol@example.com is no longer allowed to use Vibe8."]
    assert "vibe8_user" not in at.session_state


def test_sign_out_clears_the_session(auth0):
    at = gate_app()
    at.session_state["vibe8_finished_jobs"] = {"job": ("title", "run")}
    auth0["token"] = None  # the component's Sign Out button
    at.run()
    assert not at.exception
    assert texts(at, "title") == ["Sign in to Vibe8"]
    assert "vibe8_user" not in at.session_state
    assert "vibe8_finished_jobs" not in at.session_state
