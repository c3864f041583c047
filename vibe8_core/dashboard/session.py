"""Who is using the app: the one place pages ask for the current user.

Local mode (no Auth0 settings): the one local user, with a note that sign-in is off. Auth0 mode: the
streamlit-auth0 login button hands us the raw ID token, `verify_id_token` checks it, the claims are
turned into a user by `identity.sign_in_with_claims`, and every rerun re-checks `still_allowed`.
Any refusal is one sentence on a sign-in page, never a traceback. Sign-out clears the session.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import streamlit as st
import streamlit.components.v1 as components

from vibe8_core.auth import AuthError, verify_id_token
from vibe8_core.config import Settings
from vibe8_core.identity import local_user, sign_in_with_claims, still_allowed
from vibe8_core.store import Database, UserRecord

USER_KEY = "vibe8_user"
TOKEN_KEY = "vibe8_token_digest"
EXPIRY_KEY = "vibe8_token_exp"
LOGIN_WIDGET_KEY = "vibe8_auth0_login"
ENTRY_POINT = "app.py"
WANTED_PAGE_KEY = "vibe8_wanted_page"
NOT_READY = 0  # the component's value before its frame has reported anything

_login_component: Any = None


def _auth0_login(domain: str, client_id: str) -> Any:
    """The streamlit-auth0 login button, returning the raw ID token (or None when signed out).

    `streamlit_auth0.login_button` verifies the token with its own verifier and returns only the
    decoded claims, so the raw token never reaches us. We mount the same frontend build and keep the
    raw token, so that Vibe8's own `verify_id_token` decides.
    """
    global _login_component
    if _login_component is None:
        build = files("streamlit_auth0") / "frontend" / "build"
        _login_component = components.declare_component("vibe8_auth0_login", path=str(build))
    return _login_component(
        auth_setup={"clientId": client_id, "domain": domain}, key=LOGIN_WIDGET_KEY, default=NOT_READY
    )


def _session_user() -> UserRecord | None:
    """The user in this session, if any. Checked by shape, not class: Streamlit's file watcher may
    re-import vibe8_core while a session holds a record of the previous class object."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(getattr(user, "id", None), uuid.UUID) and hasattr(user, "email") else None


def signed_in() -> bool:
    return _session_user() is not None


def current_user() -> UserRecord:
    """The signed-in user; app.py's gate has put it in the session (or the page stops)."""
    user = _session_user()
    if user is None:
        # Only when Streamlit ran this page without app.py: a server's very first request for a page
        # URL uses the legacy pages/ folder mode. Going through app.py switches to st.navigation,
        # and app.py then comes back to the page that was asked for (see `resume_wanted_page`).
        st.session_state[WANTED_PAGE_KEY] = urlsplit(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
        st.switch_page(ENTRY_POINT, query_params=dict(st.query_params))
    return user


def sign_out() -> None:
    """Forget everything this session knew about its user."""
    for key in list(st.session_state.keys()):
        if key != LOGIN_WIDGET_KEY:
            del st.session_state[key]


def _refuse(message: str) -> None:
    sign_out()
    st.title("Sign in to Vibe8")
    st.error(message)
    st.caption("Use the sign-in button in the sidebar.")
    st.stop()


def _local_gate(db: Database, settings: Settings) -> UserRecord:
    user = _session_user()
    if user is not None:
        return user
    try:
        with db.unit_of_work() as uow:
            user = local_user(uow, settings.auth)
            uow.commit()
    except AuthError as exc:
        st.error(str(exc))
        st.stop()
    st.session_state[USER_KEY] = user
    st.rerun()  # once per session, so the page list (hidden while signed out) appears


def _auth0_gate(db: Database, settings: Settings) -> UserRecord:
    auth = settings.auth
    with st.sidebar:
        token = _auth0_login(auth.auth0_domain, auth.auth0_client_id)
    user = _session_user()
    if token is None or token == NOT_READY:
        if token is None and user is not None:
            sign_out()
            st.rerun()  # the next run hides the page list
        st.title("Sign in to Vibe8")
        st.write("Vibe8 keeps each person's analyses private. Sign in with the button in the sidebar.")
        st.stop()
    digest = hashlib.sha256(str(token).encode()).hexdigest()
    expired = time.time() > float(st.session_state.get(EXPIRY_KEY, 0))
    if user is None or st.session_state.get(TOKEN_KEY) != digest or expired:
        try:
            claims = verify_id_token(str(token), domain=auth.auth0_domain, client_id=auth.auth0_client_id)
            with db.unit_of_work() as uow:
                user = sign_in_with_claims(uow, auth, claims)
                uow.commit()
        except AuthError as exc:
            _refuse(str(exc))
        fresh = _session_user() is None
        st.session_state.update({USER_KEY: user, TOKEN_KEY: digest, EXPIRY_KEY: claims["exp"]})
        if fresh:
            st.rerun()
    try:
        allowed = still_allowed(user, auth)
    except AuthError as exc:
        _refuse(str(exc))
    if not allowed:
        _refuse(f"The address {user.email} is no longer allowed to use Vibe8.")
    return user


def require_user(db: Database, settings: Settings) -> UserRecord:
    """Resolve (or re-check) this session's user, or show the sign-in page and stop."""
    if settings.auth.enabled:
        return _auth0_gate(db, settings)
    return _local_gate(db, settings)


def sidebar_identity(user: UserRecord, settings: Settings) -> None:
    """Who is signed in, and how to leave."""
    with st.sidebar:
        st.caption(f"Signed in as **{user.email}**")
        if settings.auth.enabled:
            st.caption("Use *Sign Out* above to end the session.")
        else:
            st.caption("Sign-in is off (local mode): everyone here is this one local user.")


def resume_wanted_page(pages: dict[str, Any]) -> None:
    """After the legacy-mode detour through app.py, switch to the page the URL asked for.
    `pages` maps every name a page's URL may end with (url path, file stem) to its st.Page."""
    wanted = st.session_state.pop(WANTED_PAGE_KEY, None)
    if wanted and wanted in pages:
        st.switch_page(pages[wanted], query_params=dict(st.query_params))
