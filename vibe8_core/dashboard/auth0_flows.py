"""The browser side of the two Auth0 sign-in modes: what is drawn, and where the browser is sent.

popup: streamlit-auth0's frontend build, mounted by us so that the raw ID token reaches Vibe8's own
verifier. Its frontend calls auth0-spa-js's `loginWithPopup({})` with no options, and the SDK sets
`nonce` itself (and checks it in the browser), so no server-issued nonce can be bound to the sign-in:
freshness and one-time acceptance (`vibe8_core.signin`) are what stop a replayed token.
oidc: Streamlit's `st.login("auth0")`: the server runs the authorization-code flow with a client
secret, checks state and nonce, and keeps the identity in a signed, HttpOnly cookie.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn
from urllib.parse import urlsplit

import streamlit as st

from vibe8_core import signin
from vibe8_core.auth import AuthError, issuer_for, logout_url, verify_id_token
from vibe8_core.config import AuthSettings
from vibe8_core.dashboard import auth0_frontend

WIDGET_PREFIX = "vibe8_auth0"  # session-state keys of the login component survive a sign-out
LOGIN_WIDGET_KEY = "vibe8_auth0_login"
OIDC_PROVIDER = "auth0"  # the [auth.auth0] section of .streamlit/secrets.toml
SIGNED_OUT_PARAM = "signed_out"
NOT_READY = 0  # the component's value before its frame has reported anything

_login_component: Any = None


def popup_token(auth: AuthSettings) -> tuple[bool, str | None]:
    """(ready, raw ID token or None) from the streamlit-auth0 login button in the sidebar.

    `streamlit_auth0.login_button` verifies the token with its own verifier and returns only the
    decoded claims, so the raw token never reaches us. We mount the same frontend build and keep the
    raw token, so that Vibe8's own `verify_id_token` decides.
    """
    global _login_component
    if _login_component is None:
        _login_component = auth0_frontend.login_component()  # checked at start-up by app.py too
    with st.sidebar:
        value = _login_component(
            auth_setup={"clientId": auth.auth0_client_id, "domain": auth.auth0_domain},
            key=LOGIN_WIDGET_KEY,
            default=NOT_READY,
        )
    if value is None or value == NOT_READY:
        return value is None, None
    return True, str(value)


def verify_popup_token(token: str, auth: AuthSettings) -> dict[str, Any]:
    return verify_id_token(token, domain=auth.auth0_domain, client_id=auth.auth0_client_id)


def oidc_claims(auth: AuthSettings) -> dict[str, Any] | None:
    """The claims Streamlit verified at its OIDC callback, or None while nobody is signed in."""
    try:
        section = st.secrets.get("auth")
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file at all
        section = None
    if not section or OIDC_PROVIDER not in section:
        st.title("Vibe8 cannot start")
        st.error("VIBE8_AUTH_MODE=oidc needs [auth] and [auth.auth0] in .streamlit/secrets.toml (see README).")
        st.stop()
    user = st.user.to_dict()
    return dict(user) if user.get("is_logged_in") is True else None


def check_oidc_claims(claims: dict[str, Any], auth: AuthSettings) -> None:
    """The OIDC provider in secrets.toml must be the tenant and application Vibe8 is configured for."""
    if claims.get("iss") != issuer_for(auth.auth0_domain):
        raise AuthError("The sign-in came from a different Auth0 tenant than AUTH0_DOMAIN.")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if auth.auth0_client_id not in audiences:
        raise AuthError("The sign-in was issued for a different application than AUTH0_CLIENT_ID.")


def sign_in_page(auth: AuthSettings, reason: str | None) -> NoReturn:
    """The signed-out page: why the last session ended (if the URL says), and how to sign in."""
    st.title("Sign in to Vibe8")
    if reason in signin.END_REASONS:
        st.info(signin.end_message(str(reason), auth))
    st.write("Vibe8 keeps each person's analyses private.")
    if auth.mode == "oidc":
        st.button("Sign in with Auth0", key="vibe8_oidc_login", on_click=st.login, args=(OIDC_PROVIDER,))
    else:
        st.write("Sign in with the button in the sidebar.")
    st.stop()


def refused_page(auth: AuthSettings, message: str) -> NoReturn:
    """A sign-in was refused; offer a clean start (which also ends the Auth0 session behind it)."""
    st.title("Sign in to Vibe8")
    st.error(message)
    if st.button("Sign in again", key="vibe8_sign_in_again"):
        end_provider_session(auth, None)
    st.stop()


def end_provider_session(auth: AuthSettings, reason: str | None) -> None:
    """Send the browser through Auth0's logout, back to the signed-out page (the caller stops)."""
    if auth.mode == "oidc":
        st.logout()  # Streamlit clears its cookie and follows the provider's end_session_endpoint
        return
    parts = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return_to = f"{parts.scheme}://{parts.netloc}/" + (f"{base}/" if base else "")
    if reason in signin.END_REASONS:
        return_to += f"?{SIGNED_OUT_PARAM}={reason}"
    target = logout_url(auth.auth0_domain, auth.auth0_client_id, return_to)
    st.title("Signed out of Vibe8")
    st.info(signin.end_message(reason or signin.SIGNED_OUT, auth))
    st.markdown(f"Ending your Auth0 session… [continue]({target})")
    st.html(f"<script>window.location.replace({json.dumps(target)});</script>", unsafe_allow_javascript=True)
