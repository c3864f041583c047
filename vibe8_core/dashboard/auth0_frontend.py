"""Start-up self-check of the one third-party internal the sign-in leans on: streamlit-auth0's built
frontend, which Vibe8 mounts itself (popup mode) instead of calling `streamlit_auth0.login_button`.

That folder is not a public API: a release that moves or drops it would leave a sign-in button that
never appears. So, when popup sign-in is configured, the app proves at start-up that the folder exists
and answers (index.html is there, every script and stylesheet it loads is there, Streamlit accepts it
as a component), and refuses to start with one sentence otherwise. Without Auth0 (local mode) or in
oidc mode the folder is never used and never checked.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from vibe8_core.config import AuthSettings

COMPONENT_NAME = "vibe8_auth0_login"
_ASSET = re.compile(r"""(?:src|href)=["']?(?:\./)?([^"'\s>]+\.(?:js|css))["'\s>]""")


class FrontendUnavailable(Exception):
    """streamlit-auth0's frontend build cannot be mounted; the message is one sentence for the operator."""


def build_folder() -> Path:
    """Where the installed streamlit-auth0 keeps its built frontend (whether or not it is there)."""
    spec = importlib.util.find_spec("streamlit_auth0")
    if spec is None or spec.origin is None:
        raise FrontendUnavailable("streamlit-auth0 is not installed: run `make install` (popup sign-in needs it).")
    return Path(spec.origin).parent / "frontend" / "build"


def check_build(build: Path) -> None:
    """Refuse (FrontendUnavailable) unless `build` holds an index.html whose scripts and styles all exist."""
    index = build / "index.html"
    try:
        html = index.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise FrontendUnavailable(
            f"streamlit-auth0's sign-in frontend cannot be read at {index} ({reason}): reinstall streamlit-auth0."
        ) from None
    assets = _ASSET.findall(html)
    if "<script" not in html or not assets:
        raise FrontendUnavailable(f"streamlit-auth0's sign-in frontend at {index} loads no scripts: reinstall it.")
    missing = [asset for asset in assets if not (build / asset).is_file()]
    if missing:
        raise FrontendUnavailable(
            f"streamlit-auth0's sign-in frontend at {build} lacks {', '.join(missing)}: reinstall streamlit-auth0."
        )


def login_component(build: Path | None = None) -> Any:
    """The checked build declared as a Streamlit component (FrontendUnavailable if it does not answer)."""
    folder = build or build_folder()
    check_build(folder)
    component = components.declare_component(COMPONENT_NAME, path=str(folder))
    served = Path(getattr(component, "path", None) or "")
    if served.resolve() != folder.resolve():
        raise FrontendUnavailable(f"Streamlit did not mount streamlit-auth0's sign-in frontend from {folder}.")
    return component


def needs_frontend(auth: AuthSettings) -> bool:
    """Only popup sign-in mounts the build."""
    return auth.enabled and auth.mode == "popup"
