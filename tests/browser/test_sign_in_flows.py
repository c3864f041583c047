"""Sign-in through a real browser against a local fake Auth0, in both modes (popup and oidc): sign in
and see only your runs, replay a captured credential and be refused, sign out and find the Auth0
session ended, come back after the idle timeout and be asked to sign in, and lose access at the next
refresh once your user record is removed. Screenshots land in artifacts/ (git-ignored)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import text

from tests.browser.conftest import ARTIFACTS, IDLE_TIMEOUT_S, SignInApp
from tests.pages.conftest import make_run

SIDEBAR_FRAME = '[data-testid="stSidebar"] iframe'
WAIT_MS = 60_000


def seed_runs(app: SignInApp) -> None:
    """Alice and Bob each have one run before anyone signs in."""
    for email, project in (("alice@example.com", "alice-project"), ("bob@example.com", "bob-project")):
        with app.db.unit_of_work() as uow:
            user = uow.users.get_or_create_by_email(email)
            uow.runs.create(user.id, make_run(project, files=3))
            uow.commit()


def heading(page: Any, name: str) -> None:
    page.get_by_role("heading", name=name).first.wait_for(timeout=WAIT_MS)


def fill_login_form(page: Any, email: str) -> None:
    """The fake tenant's login form: it is shown only when there is no Auth0 session."""
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()


def sign_in(page: Any, app: SignInApp, email: str) -> None:
    heading(page, "Sign in to Vibe8")
    if app.mode == "popup":
        with page.expect_popup(timeout=WAIT_MS) as opened:
            page.frame_locator(SIDEBAR_FRAME).get_by_role("button", name="Sign In…").click(timeout=WAIT_MS)
        fill_login_form(opened.value, email)
    else:
        page.get_by_role("button", name="Sign in with Auth0").click()
        fill_login_form(page, email)
    heading(page, "Analyze code")
    page.get_by_text(f"Signed in as {email}").wait_for(timeout=WAIT_MS)


def open_page(page: Any, name: str) -> None:
    page.get_by_role("link", name=name).first.click()


def replay_popup_token(app: SignInApp, browser: Any, token: str) -> None:
    """Another person's browser forges the login component's value with the captured ID token."""
    context = browser.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.goto(app.base)
    heading(page, "Sign in to Vibe8")
    frame = page.locator(SIDEBAR_FRAME).first.element_handle().content_frame()
    frame.get_by_role("button", name="Sign In…").wait_for(timeout=WAIT_MS)
    frame.evaluate(
        "t => window.parent.postMessage({isStreamlitMessage: true, type: 'streamlit:setComponentValue',"
        " value: t, dataType: 'json'}, '*')",
        token,
    )
    page.get_by_text("This sign-in token has already been used").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Signed in as").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"signin_{app.mode}_replay_refused.png"))
    context.close()


def replay_oidc_cookies(app: SignInApp, browser: Any, cookies: list[dict[str, Any]]) -> None:
    """Another browser presents the identity cookie copied before its owner signed out."""
    context = browser.new_context(ignore_https_errors=True)
    context.add_cookies([cookie for cookie in cookies if cookie["name"].startswith("_streamlit")])
    page = context.new_page()
    page.goto(app.base)
    heading(page, "Sign in to Vibe8")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Signed in as").count() == 0
    page.screenshot(path=str(ARTIFACTS / f"signin_{app.mode}_replay_refused.png"))
    context.close()


@pytest.mark.browser
def test_sign_in_flow(signin_app: SignInApp, browser: Any) -> None:
    app, tenant = signin_app, signin_app.tenant
    seed_runs(app)
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1200})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"signin_{app.mode}_{name}.png"))  # noqa: E731

    page.goto(app.base)
    sign_in(page, app, "alice@example.com")
    assert len(tenant.sessions) == 1
    open_page(page, "History")
    heading(page, "History")
    page.get_by_text("1 of 1 runs").wait_for()
    grid = page.get_by_test_id("stDataFrame").first
    grid.locator('[role="gridcell"]', has_text="alice-project").first.wait_for(state="attached")
    assert grid.locator('[role="gridcell"]', has_text="bob-project").count() == 0
    shot("1_only_own_runs")

    captured_token, captured_cookies = tenant.issued_id_tokens[-1], context.cookies()

    page.get_by_role("button", name="Sign out").click()
    heading(page, "Sign in to Vibe8")
    assert tenant.sessions == {}, "signing out must end the Auth0 session"
    assert tenant.logouts[-1]["kind"] == ("v2" if app.mode == "popup" else "oidc")
    if app.mode == "popup":
        page.get_by_text("You are signed out.").wait_for()
    shot("2_signed_out")
    # Replays come from another browser, after the sign-out (so no idle clock runs meanwhile).
    if app.mode == "popup":
        replay_popup_token(app, browser, captured_token)
    else:
        replay_oidc_cookies(app, browser, captured_cookies)

    sign_in(page, app, "alice@example.com")  # the login form again: no silent sign-in after sign-out
    open_page(page, "History")  # a page without timers: only the next click can notice the timeout
    heading(page, "History")
    time.sleep(IDLE_TIMEOUT_S + 3)
    open_page(page, "Analyze")
    heading(page, "Sign in to Vibe8")
    if app.mode == "popup":
        page.get_by_text("without activity").wait_for()
    assert tenant.sessions == {}, "an idle timeout ends the Auth0 session too"
    shot("3_idle_timeout")

    sign_in(page, app, "alice@example.com")  # lands on Analyze, whose job list refreshes (10 s when idle)
    with app.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM users WHERE email = 'alice@example.com'"))
    heading(page, "Sign in to Vibe8")  # no click needed: the list's next refresh re-runs the gate
    if app.mode == "popup":
        page.get_by_text("has been withdrawn").wait_for()
    shot("4_access_removed")
    context.close()
