"""verify_id_token against a JWKS served on 127.0.0.1: what it accepts, what it refuses, how it caches."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from vibe8_core import auth
from vibe8_core.auth import AuthError, verify_id_token

from .conftest import CLIENT_ID, DOMAIN, MISSING, ROTATED_KID, JwksServer, TokenFactory


def verify(token: Any, jwks: JwksServer, **kwargs: Any) -> dict[str, Any]:
    return verify_id_token(token, domain=DOMAIN, client_id=CLIENT_ID, jwks_url=jwks.url, **kwargs)


def assert_refused(token: Any, jwks: JwksServer, match: str | None = None, **kwargs: Any) -> AuthError:
    """The refusal is one AuthError carrying one sentence, with no chained PyJWT/network exception."""
    with pytest.raises(AuthError, match=match) as caught:
        verify(token, jwks, **kwargs)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__
    return caught.value


def rs_sign(tokens: TokenFactory, key: str, digest: hashes.HashAlgorithm) -> Callable[[bytes], bytes]:
    return lambda data: tokens.keys[key].sign(data, padding.PKCS1v15(), digest)


def test_a_valid_token_is_accepted(tokens: TokenFactory, jwks: JwksServer) -> None:
    claims = verify(tokens.signed(), jwks)
    assert claims["sub"] == "auth0|12345"
    assert claims["email"] == "Dev@Example.com"
    assert claims["aud"] == CLIENT_ID


@pytest.mark.parametrize(
    "seconds_from_now",
    [
        pytest.param({"exp": -30, "iat": -3600}, id="expired-30s-ago"),
        pytest.param({"iat": 30}, id="iat-30s-ahead"),
        pytest.param({"nbf": 30}, id="nbf-30s-ahead"),
    ],
)
def test_clock_skew_within_the_leeway_is_accepted(
    tokens: TokenFactory, jwks: JwksServer, seconds_from_now: dict[str, int]
) -> None:
    claims = {name: tokens.now + offset for name, offset in seconds_from_now.items()}
    assert verify(tokens.signed(**claims), jwks)["sub"] == "auth0|12345"


# Each row: how to forge the token from the factory, and a word the refusal must contain.
REFUSED_TOKENS: list[Any] = [
    pytest.param(lambda t: t.signed(key="attacker"), "signature", id="other-key-same-kid"),
    pytest.param(lambda t: t.signed(iss="https://evil.example.com/"), "tenant", id="other-issuer"),
    pytest.param(lambda t: t.signed(iss="https://tenant.example.com"), "tenant", id="issuer-no-slash"),
    pytest.param(lambda t: t.signed(iss="http://tenant.example.com/"), "tenant", id="issuer-http"),
    pytest.param(lambda t: t.signed(iss="https://TENANT.example.com/"), "tenant", id="issuer-case"),
    pytest.param(lambda t: t.signed(aud="other-client"), "application", id="other-audience"),
    pytest.param(lambda t: t.signed(aud=[CLIENT_ID, "api"]), "application", id="audience-list"),
    pytest.param(lambda t: t.signed(exp=t.now - 61, iat=t.now - 3600), "expired", id="expired-61s-ago"),
    pytest.param(lambda t: t.signed(exp=t.now - 3600, iat=t.now - 7200), "expired", id="expired-an-hour-ago"),
    pytest.param(lambda t: t.signed(iat=t.now + 120), "not valid yet", id="iat-120s-ahead"),
    pytest.param(lambda t: t.signed(nbf=t.now + 120), "not valid yet", id="nbf-120s-ahead"),
    pytest.param(lambda t: t.signed(exp=MISSING), "'exp'", id="no-exp"),
    pytest.param(lambda t: t.signed(iat=MISSING), "'iat'", id="no-iat"),
    pytest.param(lambda t: t.signed(iss=MISSING), "'iss'", id="no-iss"),
    pytest.param(lambda t: t.signed(aud=MISSING), "'aud'", id="no-aud"),
    pytest.param(lambda t: t.signed(sub=MISSING), "'sub'", id="no-sub"),
    pytest.param(lambda t: t.signed(sub=""), "'sub'", id="empty-sub"),
    pytest.param(lambda t: t.signed(email=MISSING), "'email'", id="no-email"),
    pytest.param(lambda t: t.signed(email=""), "'email'", id="empty-email"),
    pytest.param(lambda t: t.signed(exp="tomorrow"), "not valid", id="exp-not-a-number"),
    pytest.param(lambda t: t.signed(header={"kid": MISSING}), "signing key", id="no-kid"),
    pytest.param(
        lambda t: t.raw({"alg": "RS256", "kid": 7}, rs_sign(t, "tenant", hashes.SHA256())),
        "malformed|signing key",
        id="kid-not-a-string",
    ),
    pytest.param(
        lambda t: t.raw({"alg": "none", "typ": "JWT", "kid": "primary"}, lambda _: b""),
        "RS256",
        id="alg-none",
    ),
    pytest.param(lambda t: t.raw({"alg": "None", "kid": "primary"}, lambda _: b""), "RS256", id="alg-None-capitalised"),
    pytest.param(
        lambda t: t.raw(
            {"alg": "HS256", "typ": "JWT", "kid": "primary"},
            lambda data: hmac.new(t.public_pem(), data, hashlib.sha256).digest(),
        ),
        "RS256",
        id="hs256-with-public-pem-as-secret",
    ),
    pytest.param(
        lambda t: t.raw({"alg": "RS512", "kid": "primary"}, rs_sign(t, "tenant", hashes.SHA512())),
        "RS256",
        id="rs512-by-the-right-key",
    ),
    pytest.param(lambda t: t.raw({"kid": "primary"}, rs_sign(t, "tenant", hashes.SHA256())), "RS256", id="no-alg"),
    pytest.param(
        lambda t: t.raw({"alg": "RS256", "kid": "primary"}, rs_sign(t, "attacker", hashes.SHA256())),
        "signature",
        id="hand-made-rs256-by-attacker",
    ),
]


@pytest.mark.parametrize(("forge", "match"), REFUSED_TOKENS)
def test_forged_or_unfit_tokens_are_refused(
    tokens: TokenFactory, jwks: JwksServer, forge: Callable[[TokenFactory], str], match: str
) -> None:
    assert_refused(forge(tokens), jwks, match=match)


def test_a_valid_signature_in_a_tampered_token_is_refused(tokens: TokenFactory, jwks: JwksServer) -> None:
    header, _, signature = tokens.signed().split(".")
    other_payload = tokens.signed(email="boss@example.com").split(".")[1]
    assert_refused(f"{header}.{other_payload}.{signature}", jwks, match="signature")


@pytest.mark.parametrize(
    ("claims", "expected", "match"),
    [
        pytest.param({"nonce": "n-123"}, "n-123", None, id="matching-nonce"),
        pytest.param({"nonce": "n-123"}, None, None, id="nonce-present-but-not-expected"),
        pytest.param({"nonce": "n-999"}, "n-123", "sign-in attempt", id="wrong-nonce"),
        pytest.param({}, "n-123", "sign-in attempt", id="missing-nonce"),
        pytest.param({"nonce": ["n-123"]}, "n-123", "sign-in attempt", id="nonce-not-a-string"),
    ],
)
def test_nonce_is_checked_when_expected(
    tokens: TokenFactory, jwks: JwksServer, claims: dict[str, Any], expected: str | None, match: str | None
) -> None:
    token = tokens.signed(**claims)
    if match is None:
        assert verify(token, jwks, nonce=expected)["nonce"] == "n-123"
    else:
        assert_refused(token, jwks, match=match, nonce=expected)


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param("", id="empty"),
        pytest.param("garbage", id="word"),
        pytest.param("a.b.c", id="three-dots"),
        pytest.param("..", id="only-dots"),
        pytest.param("eyJhbGciOiJSUzI1NiJ9.e30.", id="header-only-no-kid"),
        pytest.param("eyJhbGciOiJSUzI1NiIsImtpZCI6InByaW1hcnkifQ.bm90IGpzb24.c2ln", id="payload-not-json"),
        pytest.param("W10.e30.c2ln", id="header-is-a-list"),
        pytest.param("x" * 20_000, id="oversized"),
        pytest.param(None, id="none"),
        pytest.param(b"a.b.c", id="bytes"),
    ],
)
def test_garbage_is_refused(jwks: JwksServer, garbage: Any) -> None:
    assert_refused(garbage, jwks)


def test_keys_are_fetched_once_and_cached(tokens: TokenFactory, jwks: JwksServer) -> None:
    for _ in range(5):
        verify(tokens.signed(), jwks)
    assert jwks.request_count == 1


def test_an_unknown_kid_refetches_once_then_refuses(tokens: TokenFactory, jwks: JwksServer) -> None:
    verify(tokens.signed(), jwks)
    assert jwks.request_count == 1

    assert_refused(tokens.signed(header={"kid": "never-published"}), jwks, match="does not publish")
    assert jwks.request_count == 2
    # Another unknown kid right away does not hit the tenant again.
    assert_refused(tokens.signed(header={"kid": "also-unknown"}), jwks, match="does not publish")
    assert jwks.request_count == 2
    # The known key still works from the cache.
    verify(tokens.signed(), jwks)
    assert jwks.request_count == 2


def test_an_unknown_kid_on_a_cold_cache_fetches_only_once(tokens: TokenFactory, jwks: JwksServer) -> None:
    assert_refused(tokens.signed(header={"kid": "never-published"}), jwks, match="does not publish")
    assert jwks.request_count == 1


def test_a_rotated_key_is_picked_up_by_the_refetch(
    tokens: TokenFactory, jwks: JwksServer, publish_key: Callable[[str, str], None]
) -> None:
    verify(tokens.signed(), jwks)
    publish_key("rotated", ROTATED_KID)
    assert verify(tokens.signed(key="rotated", header={"kid": ROTATED_KID}), jwks)["sub"]
    assert jwks.request_count == 2


def test_keys_older_than_the_max_age_are_refetched(
    tokens: TokenFactory, jwks: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "JWKS_MAX_AGE_S", 0.0)
    verify(tokens.signed(), jwks)
    verify(tokens.signed(), jwks)
    assert jwks.request_count == 2


def test_concurrent_first_sign_ins_fetch_the_keys_once(tokens: TokenFactory, jwks: JwksServer) -> None:
    jwks.delay_s = 0.2
    token = tokens.signed()
    start = threading.Barrier(8)

    def sign_in() -> str:
        start.wait()
        return verify(token, jwks)["sub"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        subjects = list(pool.map(lambda _: sign_in(), range(8)))
    assert subjects == ["auth0|12345"] * 8
    assert jwks.request_count == 1


@pytest.mark.parametrize(
    ("status", "body", "match"),
    [
        pytest.param(500, None, "could not be fetched", id="http-500"),
        pytest.param(404, None, "could not be fetched", id="http-404"),
        pytest.param(200, b"<html>not json</html>", "not valid JSON", id="not-json"),
        pytest.param(200, b"[]", "no key list", id="json-list"),
        pytest.param(200, b'{"keys": []}', "no usable RS256 key", id="empty-key-list"),
        pytest.param(200, b'{"keys": [{"kty": "oct", "kid": "primary", "k": "c2VjcmV0"}]}', "no usable", id="hmac-key"),
        pytest.param(
            200,
            b'{"keys": [{"kty": "RSA", "kid": "primary", "n": "!", "e": "AQAB"}]}',
            "no usable",
            id="bad-rsa",
        ),
    ],
)
def test_a_broken_jwks_endpoint_refuses_sign_in(
    tokens: TokenFactory, jwks: JwksServer, status: int, body: bytes | None, match: str
) -> None:
    jwks.status, jwks.body = status, body
    assert_refused(tokens.signed(), jwks, match=match)


def test_a_failed_fetch_is_not_cached(tokens: TokenFactory, jwks: JwksServer) -> None:
    jwks.status = 503
    assert_refused(tokens.signed(), jwks, match="could not be fetched")
    jwks.status = 200
    assert verify(tokens.signed(), jwks)["sub"]
    assert jwks.request_count == 2


def test_an_unreachable_jwks_url_is_refused(tokens: TokenFactory, jwks: JwksServer, unused_local_url: str) -> None:
    with pytest.raises(AuthError, match="could not be fetched"):
        verify_id_token(tokens.signed(), domain=DOMAIN, client_id=CLIENT_ID, jwks_url=unused_local_url)


def test_a_slow_jwks_endpoint_times_out(
    tokens: TokenFactory, jwks: JwksServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "JWKS_TIMEOUT_S", 0.2)
    jwks.delay_s = 1.0
    started = time.monotonic()
    assert_refused(tokens.signed(), jwks, match="could not be fetched")
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("jwks_url", ["file:///etc/passwd", "ftp://tenant.example.com/jwks.json", "not a url"], ids=str)
def test_only_http_jwks_urls_are_fetched(tokens: TokenFactory, jwks_url: str) -> None:
    auth.clear_jwks_cache()
    with pytest.raises(AuthError, match="http"):
        verify_id_token(tokens.signed(), domain=DOMAIN, client_id=CLIENT_ID, jwks_url=jwks_url)


@pytest.mark.parametrize(
    "domain",
    ["https://tenant.example.com", "tenant.example.com/", "", "tenant example.com", "a@b.com"],
    ids=repr,
)
def test_the_domain_must_be_a_bare_host(tokens: TokenFactory, jwks: JwksServer, domain: str) -> None:
    with pytest.raises(AuthError, match="bare host name"):
        verify_id_token(tokens.signed(), domain=domain, client_id=CLIENT_ID, jwks_url=jwks.url)


def test_an_empty_client_id_is_refused(tokens: TokenFactory, jwks: JwksServer) -> None:
    with pytest.raises(AuthError, match="client id"):
        verify_id_token(tokens.signed(aud=""), domain=DOMAIN, client_id="", jwks_url=jwks.url)


def test_the_default_jwks_url_and_issuer_follow_the_domain() -> None:
    assert auth.jwks_url_for(DOMAIN) == "https://tenant.example.com/.well-known/jwks.json"
    assert auth.issuer_for(DOMAIN) == "https://tenant.example.com/"


def test_a_domain_may_carry_a_port() -> None:
    assert auth.issuer_for("127.0.0.1:8443") == "https://127.0.0.1:8443/"
    with pytest.raises(AuthError, match="bare host name"):
        auth.issuer_for("tenant.example.com:port")


def test_the_logout_url_names_the_client_and_where_to_return() -> None:
    url = auth.logout_url(DOMAIN, CLIENT_ID, "https://vibe8.example.com/?signed_out=idle")
    assert url == (
        "https://tenant.example.com/v2/logout?client_id=vibe8-client-id"
        "&returnTo=https%3A%2F%2Fvibe8.example.com%2F%3Fsigned_out%3Didle"
    )
