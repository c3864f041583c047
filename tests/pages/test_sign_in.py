"""Start-up refusals and the Auth0 sign-in gate with AppTest (the login component and the token's
signature check are faked here; tests/browser drives the real component against a fake Auth0)."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP
from vibe8_core.auth import AuthError
from vibe8_core.dashboard import auth0_flows
from vibe8_core.dashboard.escape import md

TOKEN = "header.payload.signature"


def claims(email: str = "carol@example.com") -> dict:
    now = int(time.time())
    return {"sub": f"auth0|{email}", "email": email, "email_verified": True, "iat": now, "exp": now + 3600}


def fresh_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def gate_script() -> None:
    """app.py's preamble alone: AppTest reruns only the page script of a multipage app after its
    first run, so reruns of the gate are tested through this script."""
    import streamlit as st

    from vibe8_core.dashboard import resources, session

    settings = resources.settings()
    db = resources.database(settings)
    user = session.require_user(db, settings)
    session.sidebar_identity(db, user, settings)
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
    assert any(md("local@localhost") in text for text in texts(at.sidebar, "caption"))


@pytest.fixture
def auth0(page_env, monkeypatch):
    """Popup mode with a fake login button; returns a dict whose 'token' the button yields."""
    monkeypatch.setenv("AUTH0_DOMAIN", "tenant.example.auth0.com")
    monkeypatch.setenv("AUTH0_CLIENT_ID", "client-123")
    state = {"token": TOKEN, "claims": claims(), "error": None, "verified": []}

    def fake_token(auth):
        return True, state["token"]

    def fake_verify(token, auth):
        state["verified"].append((token, auth.auth0_domain, auth.auth0_client_id))
        if state["error"]:
            raise AuthError(state["error"])
        return state["claims"]

    monkeypatch.setattr(auth0_flows, "popup_token", fake_token)
    monkeypatch.setattr(auth0_flows, "verify_popup_token", fake_verify)
    return state


def test_auth0_token_is_verified_and_the_user_signed_in(auth0):
    at = fresh_app()  # the real app.py
    assert not at.exception
    assert auth0["verified"] == [(TOKEN, "tenant.example.auth0.com", "client-123")]
    assert at.session_state["vibe8_user"].email == "carol@example.com"
    assert texts(at, "title") == ["Analyze code"]
    assert any(md("carol@example.com") in text for text in texts(at.sidebar, "caption"))


def test_the_same_token_is_not_verified_on_every_rerun(auth0):
    at = gate_app()
    at.run()
    assert not at.exception
    assert len(auth0["verified"]) == 1
    auth0["token"] = TOKEN + "2"  # a new token (e.g. after signing in again) is verified
    at.run()
    assert len(auth0["verified"]) == 2
    assert texts(at, "title") == ["Analyze code"]


def test_a_token_used_in_one_session_is_refused_in_another(auth0):
    first = gate_app()
    assert texts(first, "title") == ["Analyze code"]
    replay = gate_app()  # a fresh session handed the same token
    assert not replay.exception
    assert texts(replay, "error") == ["This sign-in token has already been used; please sign in again."]
    assert "vibe8_user" not in replay.session_state


def test_a_stale_authentication_is_refused(auth0):
    auth0["claims"] = {**claims(), "iat": int(time.time()) - 3600}
    at = gate_app()
    assert texts(at, "error") == ["This sign-in is too old to be accepted; please sign in again."]


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
    auth0["token"] = TOKEN + "-again"
    at.run()
    assert at.session_state["vibe8_user"].email == "carol@example.com"
    monkeypatch.setenv("VIBE8_ALLOWED_EMAILS", "@other.org")
    at.run()
    assert not at.exception
    assert texts(at, "title") == ["Signed out of Vibe8"]
    assert texts(at, "info") == ["Your access to Vibe8 has been withdrawn."]
    assert "vibe8_user" not in at.session_state


def test_idle_session_is_signed_out_at_the_next_interaction(auth0, page_env):
    at = gate_app()
    assert texts(at, "title") == ["Analyze code"]
    with page_env.engine.begin() as conn:
        conn.execute(text("UPDATE sign_ins SET last_seen_at = '2000-01-01 00:00:00'"))
    at.run()
    assert texts(at, "title") == ["Signed out of Vibe8"]
    assert "without activity" in texts(at, "info")[0]
    at.run()  # the component still holds the ended token: it is not accepted again
    assert texts(at, "title") == ["Sign in to Vibe8"] and "vibe8_user" not in at.session_state


CACHE_CALLS: list[str] = []


@st.cache_data
def cached_for(user_id: str) -> str:
    CACHE_CALLS.append(user_id)
    return user_id


def test_sign_out_clears_the_session_and_ends_the_sign_in(auth0, page_env):
    at = gate_app()
    cached_for("carol")
    cached_for("carol")
    assert CACHE_CALLS == ["carol"]
    at.session_state["vibe8_finished_jobs"] = {"job": ("title", "run")}
    auth0["token"] = None  # the component's Sign Out button
    at.run()
    assert not at.exception
    assert texts(at, "title") == ["Signed out of Vibe8"]
    assert "vibe8_user" not in at.session_state
    assert "vibe8_finished_jobs" not in at.session_state
    cached_for("carol")
    assert CACHE_CALLS == ["carol", "carol"]  # per-user caches were cleared
    with page_env.engine.connect() as conn:
        assert conn.execute(text("SELECT end_reason FROM sign_ins")).scalars().all() == ["signed_out"]


@pytest.fixture
def oidc(page_env, monkeypatch):
    """OIDC mode with the claims Streamlit would have verified at its callback (None: nobody signed in)."""
    monkeypatch.setenv("AUTH0_DOMAIN", "tenant.example.auth0.com")
    monkeypatch.setenv("AUTH0_CLIENT_ID", "client-123")
    monkeypatch.setenv("VIBE8_AUTH_MODE", "oidc")
    logouts: list[str] = []
    state = {"claims": {**claims(), "iss": "https://tenant.example.auth0.com/", "aud": "client-123", "nonce": "n"},
             "logouts": logouts}  # fmt: skip
    monkeypatch.setattr(auth0_flows, "oidc_claims", lambda auth: state["claims"])
    monkeypatch.setattr(auth0_flows.st, "logout", lambda: logouts.append("logout"))
    return state


def test_oidc_a_second_tab_resumes_the_sign_in_until_it_is_signed_out(oidc):
    first = gate_app()
    assert texts(first, "title") == ["Analyze code"]
    second = gate_app()  # a new tab: the same identity cookie, hence the same claims
    assert texts(second, "title") == ["Analyze code"]
    first.sidebar.button(key="vibe8_sign_out").click().run()
    assert oidc["logouts"] == ["logout"] and "vibe8_user" not in first.session_state
    copied = gate_app()  # the cookie presented again after sign-out
    assert "vibe8_user" not in copied.session_state and oidc["logouts"] == ["logout", "logout"]


def test_oidc_claims_from_another_tenant_are_refused(oidc):
    oidc["claims"] = {**oidc["claims"], "iss": "https://elsewhere.example.com/"}
    at = gate_app()
    assert texts(at, "error") == ["The sign-in came from a different Auth0 tenant than AUTH0_DOMAIN."]


def test_a_database_failure_while_checking_the_sign_in_is_one_sentence(auth0, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from vibe8_core import signin

    def unavailable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    # inside check_sign_in's unit of work: the store turns the driver's error into DatabaseFailedError
    monkeypatch.setattr(signin, "_verdict", unavailable)
    at = fresh_app()
    assert not at.exception
    assert texts(at, "error") == ["The database did not answer; please try again in a moment."]


def test_a_session_past_its_lifetime_ends_even_while_active(auth0, page_env, monkeypatch):
    monkeypatch.setenv("VIBE8_SESSION_LIFETIME", "3600")
    at = gate_app()
    assert texts(at, "title") == ["Analyze code"]
    with page_env.engine.begin() as conn:
        conn.execute(text("UPDATE sign_ins SET authenticated_at = '2000-01-01 00:00:00'"))
    at.run()  # an interaction, not idle at all
    assert texts(at, "title") == ["Signed out of Vibe8"]
    assert texts(at, "info") == ["Your session reached its 1 hour limit; please sign in again."]
