"""Who is using the app: the one place pages ask for the current user, and the one gate that decides.

Local mode (no Auth0 settings): the one local user, with a note that sign-in is off. With Auth0, one of
two sign-in modes (`VIBE8_AUTH_MODE`, see README "Sign-in with Auth0"): `popup` (streamlit-auth0 hands
us a raw ID token that `verify_id_token` checks) or `oidc` (Streamlit's own `st.login`, a server-side
authorization-code flow). Either way `vibe8_core.signin` accepts each token once, and `_recheck` runs on
every rerun and every fragment refresh: sign-in still open, inside its idle timeout and lifetime, user
still on record and allowed. Sign-out ends the sign-in, clears everything this session cached, and ends
the Auth0 session too. Every refusal is one sentence on a page, never a traceback.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn
from urllib.parse import urlsplit

import streamlit as st

from vibe8_core import signin
from vibe8_core.auth import AuthError
from vibe8_core.config import Settings
from vibe8_core.dashboard import auth0_flows
from vibe8_core.dashboard.escape import md
from vibe8_core.identity import local_user
from vibe8_core.store import Database, UserRecord

USER_KEY = "vibe8_user"
SIGN_IN_KEY = "vibe8_sign_in"  # the accepted sign-in (token hash) this session runs on
ENDED_KEY = "vibe8_ended_sign_in"  # a sign-in this session ended: its token is not offered again
ENTRY_POINT = "app.py"
WANTED_PAGE_KEY = "vibe8_wanted_page"
SIGNED_OUT_PARAM = auth0_flows.SIGNED_OUT_PARAM


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


def fragment_user(db: Database, settings: Settings) -> UserRecord:
    """The gate for a fragment's timed refresh: the same re-check as a rerun, without counting as
    activity (a page left open still times out). If the session may not go on, the whole app reruns
    and its gate shows why."""
    user = _session_user()
    if user is None or not settings.auth.enabled:
        return current_user()
    try:
        return _recheck(db, settings, user, activity=False)
    except signin.SessionEnded:
        st.rerun(scope="app")
        raise  # st.rerun does not return


def _recheck(db: Database, settings: Settings, user: UserRecord, *, activity: bool) -> UserRecord:
    """The one mechanism: `signin.check_sign_in` on this session's sign-in."""
    key = st.session_state.get(SIGN_IN_KEY)
    if not isinstance(key, str):
        raise signin.SessionEnded(signin.SIGNED_OUT, signin.end_message(signin.SIGNED_OUT, settings.auth))
    fresh = signin.check_sign_in(db, settings.auth, key, user.id, activity=activity)
    st.session_state[USER_KEY] = fresh
    return fresh


def _clear_session(*, caches: bool = False) -> None:
    """Forget everything this session knew about its user, and with `caches` (sign-out) every cached
    per-user value: those caches are keyed by user id, so a sign-out leaves none of them behind."""
    for key in list(st.session_state.keys()):
        if not str(key).startswith(auth0_flows.WIDGET_PREFIX):
            del st.session_state[key]
    if caches:
        st.cache_data.clear()


def _start(signed: signin.SignedIn) -> NoReturn:
    _clear_session()
    st.session_state.update({USER_KEY: signed.user, SIGN_IN_KEY: signed.token_hash})
    st.rerun()  # the next run lists the pages


def sign_out(db: Database, settings: Settings, reason: str = signin.SIGNED_OUT) -> NoReturn:
    """End this session's sign-in here and at Auth0, clear the session, show the signed-out page; stops."""
    key = st.session_state.get(SIGN_IN_KEY)
    if isinstance(key, str):
        signin.end_sign_in(db, key, reason)
    _clear_session(caches=True)
    if isinstance(key, str):
        st.session_state[ENDED_KEY] = key
    auth0_flows.end_provider_session(settings.auth, reason)
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


def _popup_gate(db: Database, settings: Settings) -> UserRecord:
    auth = settings.auth
    ready, token = auth0_flows.popup_token(auth)
    user = _session_user()
    if not ready and user is not None:
        return user  # the component is (re)loading; the session's own sign-in still decides
    if token is None:
        if user is not None:  # the component's own Sign Out button
            sign_out(db, settings)
        auth0_flows.sign_in_page(auth, st.query_params.get(SIGNED_OUT_PARAM))
    key = signin.token_hash(token)
    if st.session_state.get(ENDED_KEY) == key:
        auth0_flows.sign_in_page(auth, signin.SIGNED_OUT)
    if user is None or st.session_state.get(SIGN_IN_KEY) != key:
        try:
            claims = auth0_flows.verify_popup_token(token, auth)
            signed = signin.sign_in_once(db, auth, claims, key, "popup")
        except AuthError as exc:
            _clear_session()
            auth0_flows.refused_page(auth, str(exc))
        _start(signed)
    return user


def _oidc_gate(db: Database, settings: Settings) -> UserRecord:
    auth = settings.auth
    claims = auth0_flows.oidc_claims(auth)
    user = _session_user()
    if claims is None:
        auth0_flows.sign_in_page(auth, st.query_params.get(SIGNED_OUT_PARAM))
    key = signin.claims_hash(claims)
    if user is None or st.session_state.get(SIGN_IN_KEY) != key:
        try:
            auth0_flows.check_oidc_claims(claims, auth)
            signed = signin.resume_sign_in(db, auth, key) or signin.sign_in_once(db, auth, claims, key, "oidc")
        except signin.SessionEnded as exc:
            sign_out(db, settings, exc.reason)
        except AuthError as exc:
            _clear_session()
            auth0_flows.refused_page(auth, str(exc))
        _start(signed)
    return user


def require_user(db: Database, settings: Settings) -> UserRecord:
    """Resolve (or re-check) this session's user, or show the sign-in page and stop."""
    if not settings.auth.enabled:
        return _local_gate(db, settings)
    user = _oidc_gate(db, settings) if settings.auth.mode == "oidc" else _popup_gate(db, settings)
    try:
        return _recheck(db, settings, user, activity=True)
    except signin.SessionEnded as exc:
        sign_out(db, settings, exc.reason)
        raise  # sign_out stops the script


def sidebar_identity(db: Database, user: UserRecord, settings: Settings) -> None:
    """Who is signed in, and how to leave."""
    with st.sidebar:
        st.caption(f"Signed in as **{md(user.email)}**")
        if not settings.auth.enabled:
            st.caption("Sign-in is off (local mode): everyone here is this one local user.")
        elif st.button("Sign out", key="vibe8_sign_out", icon=":material/logout:"):
            sign_out(db, settings)


def resume_wanted_page(pages: dict[str, Any]) -> None:
    """After the legacy-mode detour through app.py, switch to the page the URL asked for.
    `pages` maps every name a page's URL may end with (url path, file stem) to its st.Page."""
    wanted = st.session_state.pop(WANTED_PAGE_KEY, None)
    if wanted and wanted in pages:
        st.switch_page(pages[wanted], query_params=dict(st.query_params))
