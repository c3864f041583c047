"""Accepted sign-ins on SQLite and PostgreSQL: a token once per deployment, even when two front ends
race, and sessions that end by sign-out, idle timeout, absolute lifetime, or loss of access."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from vibe8_core import signin
from vibe8_core.auth import AuthError
from vibe8_core.config import AuthSettings
from vibe8_core.store import Database

AUTH = AuthSettings(auth0_domain="tenant.example.com", auth0_client_id="client", allowed_emails=("@example.com",))


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": "https://tenant.example.com/", "aud": "client", "sub": "auth0|ada", "email": "ada@example.com",
            "email_verified": True, "iat": now, "exp": now + 36000, "nonce": "n1"}  # fmt: skip
    return {**base, **overrides}


def accept(db: Database, key: str, auth: AuthSettings = AUTH, **overrides: Any) -> signin.SignedIn:
    return signin.sign_in_once(db, auth, claims(**overrides), key, "popup")


def test_a_token_is_accepted_once_and_survives_sign_out(db: Database) -> None:
    first = accept(db, "a" * 64)
    assert first.user.email == "ada@example.com"
    with pytest.raises(AuthError, match="already been used"):
        accept(db, "a" * 64)
    signin.end_sign_in(db, "a" * 64)
    with pytest.raises(AuthError, match="already been used"):
        accept(db, "a" * 64)
    with pytest.raises(signin.SessionEnded, match="signed out") as ended:
        signin.check_sign_in(db, AUTH, "a" * 64, first.user.id, activity=True)
    assert ended.value.reason == signin.SIGNED_OUT


def test_a_refused_sign_in_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(AuthError, match="not allowed"):
        accept(db, "b" * 64, email="eve@evil.example")
    with db.unit_of_work() as uow:
        assert uow.sign_ins.get("b" * 64) is None and uow.users.find_by_email("eve@evil.example") is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iat": int(time.time()) - 3600}, "too old"),
        ({"auth_time": int(time.time()) - 3600}, "too old"),
        ({"auth_time": "yesterday"}, "auth_time"),
        ({"iat": int(time.time()) + 3600}, "not valid yet"),
    ],
    ids=["old-iat", "old-auth_time", "bad-auth_time", "future-iat"],
)
def test_only_a_fresh_authentication_is_accepted(db: Database, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(AuthError, match=message):
        accept(db, "c" * 64, **overrides)


def _race(db: Database, key: str) -> list[bool]:
    """Two units of work accept the same token; the first holds its transaction open while the second tries."""
    results: list[bool] = []
    user_id = accept(db, "seed" + "0" * 60).user.id
    kwargs = {"user_id": user_id, "mode": "popup", "authenticated_at": datetime.now(UTC),
              "expires_at": datetime.now(UTC) + timedelta(hours=1)}  # fmt: skip

    def second() -> None:
        with db.unit_of_work() as uow:
            results.append(uow.sign_ins.accept(key, **kwargs))
            uow.commit()

    with db.unit_of_work() as uow:
        results.append(uow.sign_ins.accept(key, **kwargs))
        other = threading.Thread(target=second)
        other.start()
        other.join(timeout=0.3)  # it may or may not be blocked by now; the outcome must not depend on it
        uow.commit()
    other.join(timeout=60)
    return results


def test_two_concurrent_acceptances_let_exactly_one_through(db: Database) -> None:
    assert _race(db, "d" * 64) == [True, False]
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sign_ins WHERE token_hash = :k"), {"k": "d" * 64}).scalar() == 1


def test_many_front_ends_accepting_one_token_at_once(db: Database) -> None:
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def front_end() -> None:
        barrier.wait()
        try:
            accept(db, "e" * 64)
            outcomes.append("accepted")
        except AuthError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=front_end) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 4 and outcomes.count("accepted") == 1
    assert all("already been used" in outcome for outcome in outcomes if outcome != "accepted")


def _age(db: Database, key: str, *, seen_s_ago: float = 0.0, authenticated_s_ago: float = 0.0) -> None:
    """Move a sign-in's clocks into the past (as if time had passed)."""
    with db.unit_of_work() as uow:
        row = uow.sign_ins.get(key)
        assert row is not None
        uow.session.execute(
            text("UPDATE sign_ins SET last_seen_at = :seen, authenticated_at = :auth WHERE token_hash = :k"),
            {"seen": row.now - timedelta(seconds=seen_s_ago), "auth": row.now - timedelta(seconds=authenticated_s_ago),
             "k": key},
        )  # fmt: skip
        uow.commit()


def test_idle_timeout_and_activity(db: Database) -> None:
    user = accept(db, "f" * 64).user
    _age(db, "f" * 64, seen_s_ago=AUTH.session_idle_s - 60)
    signin.check_sign_in(db, AUTH, "f" * 64, user.id, activity=False)  # a timer's refresh keeps the clock
    _age(db, "f" * 64, seen_s_ago=AUTH.session_idle_s - 60)
    signin.check_sign_in(db, AUTH, "f" * 64, user.id, activity=True)  # an interaction restarts it
    with db.unit_of_work() as uow:
        assert uow.sign_ins.get("f" * 64).idle_s < 60  # type: ignore[union-attr]
    _age(db, "f" * 64, seen_s_ago=AUTH.session_idle_s + 1)
    with pytest.raises(signin.SessionEnded, match="30 minutes without activity") as ended:
        signin.check_sign_in(db, AUTH, "f" * 64, user.id, activity=True)
    assert ended.value.reason == signin.IDLE
    _age(db, "f" * 64)  # ended stays ended, even with a fresh clock
    with pytest.raises(signin.SessionEnded) as again:
        signin.check_sign_in(db, AUTH, "f" * 64, user.id, activity=True)
    assert again.value.reason == signin.IDLE


def test_absolute_lifetime_ends_even_an_active_session(db: Database) -> None:
    user = accept(db, "g" * 64).user
    _age(db, "g" * 64, authenticated_s_ago=AUTH.session_lifetime_s + 1)
    with pytest.raises(signin.SessionEnded, match="8 hours limit") as ended:
        signin.check_sign_in(db, AUTH, "g" * 64, user.id, activity=True)
    assert ended.value.reason == signin.LIFETIME


def test_losing_access_ends_the_session_at_the_next_check(db: Database) -> None:
    user = accept(db, "h" * 64).user
    assert signin.check_sign_in(db, AUTH, "h" * 64, user.id, activity=False).email == "ada@example.com"
    narrower = replace(AUTH, allowed_emails=("bob@example.com",))
    with pytest.raises(signin.SessionEnded, match="withdrawn") as ended:
        signin.check_sign_in(db, narrower, "h" * 64, user.id, activity=False)
    assert ended.value.reason == signin.REVOKED
    other = accept(db, "i" * 64, sub="auth0|bob", email="bob@example.com").user
    with db.unit_of_work() as uow:
        uow.users.delete(other.id)
        uow.commit()
    with pytest.raises(signin.SessionEnded):  # the user record is gone (and its sign-ins with it)
        signin.check_sign_in(db, AUTH, "i" * 64, other.id, activity=False)


def test_expired_sign_ins_are_forgotten(db: Database) -> None:
    accept(db, "j" * 64)
    with db.unit_of_work() as uow:
        uow.session.execute(text("UPDATE sign_ins SET expires_at = :t"), {"t": datetime.now(UTC) - timedelta(days=1)})
        uow.commit()
    accept(db, "k" * 64)  # each acceptance sweeps what can no longer be used
    with db.unit_of_work() as uow:
        assert uow.sign_ins.get("j" * 64) is None and uow.sign_ins.get("k" * 64) is not None


def test_claims_hash_names_one_token() -> None:
    assert signin.claims_hash(claims()) == signin.claims_hash(claims())
    assert signin.claims_hash(claims()) != signin.claims_hash(claims(nonce="n2"))
    assert signin.token_hash("abc") != signin.token_hash("abd")
