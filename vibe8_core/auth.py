"""Who is signed in: verifying Auth0 ID tokens and applying the email allowlist.

Every token the browser hands us is untrusted until `verify_id_token` has checked it against the
tenant's published keys; only then does `check_claims_allowed` decide whether its email may use Vibe8.
Every refusal is one `AuthError` whose message is a single sentence fit to show the user.
"""

from __future__ import annotations

import hmac
import http.client
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
LEEWAY_S = 60
JWKS_TIMEOUT_S = 5.0
JWKS_MAX_BYTES = 512 * 1024
# Keys are re-read after this long so a key the tenant revoked stops being trusted.
JWKS_MAX_AGE_S = 3600.0
# An unknown `kid` triggers at most one refetch per this interval, so forged tokens cannot
# turn us into a request amplifier against the tenant.
JWKS_REFETCH_INTERVAL_S = 30.0
MAX_TOKEN_CHARS = 16 * 1024

# A bare host name, optionally with a port (a tenant behind a custom domain, or a local test tenant).
_DOMAIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?")
_LOCAL_PART_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_DOMAIN_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


class AuthError(Exception):
    """Sign-in was refused; the message is one sentence that is safe to show the user."""


# --- ID tokens -------------------------------------------------------------------------------------


def issuer_for(domain: str) -> str:
    """The exact `iss` an Auth0 tenant puts in its tokens: `https://DOMAIN/`."""
    return f"https://{_checked_domain(domain)}/"


def jwks_url_for(domain: str) -> str:
    """Where an Auth0 tenant publishes its signing keys."""
    return f"https://{_checked_domain(domain)}/.well-known/jwks.json"


def logout_url(domain: str, client_id: str, return_to: str) -> str:
    """Auth0's logout endpoint: ends the Auth0 session, then sends the browser to `return_to`
    (which must be listed in the application's Allowed Logout URLs; its query string is not compared)."""
    return f"https://{_checked_domain(domain)}/v2/logout?" + urlencode({"client_id": client_id, "returnTo": return_to})


def verify_id_token(
    token: str,
    *,
    domain: str,
    client_id: str,
    jwks_url: str | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """Return the claims of an Auth0 ID token after checking everything that makes it trustworthy.

    RS256 only, signed by a key from the tenant's JWKS, issued by `https://DOMAIN/` for `client_id`,
    inside its `iat`..`exp` window (60 s leeway), carrying `sub` and `email`, and `nonce` when given.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise AuthError("The sign-in token is missing or malformed.")
    if not isinstance(client_id, str) or not client_id:
        raise AuthError("The Auth0 client id is not configured.")
    issuer = issuer_for(domain)
    key_url = jwks_url or jwks_url_for(domain)

    try:
        header = jwt.get_unverified_header(token)
    except (jwt.PyJWTError, ValueError, TypeError):
        raise AuthError("The sign-in token is malformed.") from None
    # The algorithm is fixed here, never taken from the token; this check only refuses early.
    if header.get("alg") != ALGORITHM:
        raise AuthError("The sign-in token is not signed with RS256.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("The sign-in token does not name its signing key.")

    signing_key = _JWKS_CACHE.get_key(key_url, kid)
    claims = _decode(token, signing_key, issuer=issuer, client_id=client_id)

    if nonce is not None:
        token_nonce = claims.get("nonce")
        if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce.encode(), nonce.encode()):
            raise AuthError("The sign-in token does not belong to this sign-in attempt.")
    for claim in ("sub", "email"):
        value = claims.get(claim)
        if not isinstance(value, str) or not value.strip():
            raise AuthError(f"The sign-in token has no usable '{claim}' claim.")
    return claims


def check_fresh_authentication(claims: dict[str, Any], *, max_age_s: float, now: float | None = None) -> float:
    """Return when the person authenticated (`auth_time`, else `iat`), refusing anything older than `max_age_s`.

    A token is only good for the sign-in it was issued for: a captured token (or one minted by a
    silent re-authentication on an old provider session) is refused once that moment has passed.
    """
    now = time.time() if now is None else now
    moments = {"iat": claims.get("iat")}
    if "auth_time" in claims:
        moments["auth_time"] = claims["auth_time"]
    for name, value in moments.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise AuthError(f"The sign-in token has no usable '{name}' claim.")
        if now - value > max_age_s + LEEWAY_S:
            raise AuthError("This sign-in is too old to be accepted; please sign in again.")
        if value - now > LEEWAY_S:
            raise AuthError("The sign-in token is not valid yet; check the server clock.")
    return float(moments.get("auth_time", moments["iat"]))  # type: ignore[arg-type]


_DECODE_ERRORS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "The sign-in token has expired; please sign in again."),
    (jwt.ImmatureSignatureError, "The sign-in token is not valid yet; check the server clock."),
    (jwt.InvalidIssuerError, "The sign-in token was issued by an unexpected Auth0 tenant."),
    (jwt.InvalidAudienceError, "The sign-in token was issued for a different application."),
    (jwt.InvalidSignatureError, "The sign-in token's signature is not valid."),
)


def _decode(token: str, signing_key: jwt.PyJWK, *, issuer: str, client_id: str) -> dict[str, Any]:
    """Run PyJWT's checks and turn each of its failures into one AuthError sentence."""
    try:
        return jwt.decode(
            token,
            signing_key,
            algorithms=[ALGORITHM],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_S,
            options={
                "require": ["exp", "iat", "iss", "aud", "sub"],
                "strict_aud": True,
                "enforce_minimum_key_length": True,
            },
        )
    except jwt.MissingRequiredClaimError as exc:
        raise AuthError(f"The sign-in token lacks the required '{exc.claim}' claim.") from None
    except jwt.PyJWTError as exc:
        logger.info("ID token refused: %s: %s", type(exc).__name__, exc)
        for error_type, message in _DECODE_ERRORS:
            if isinstance(exc, error_type):
                raise AuthError(message) from None
        raise AuthError("The sign-in token is not valid.") from None
    except (ValueError, TypeError) as exc:
        logger.info("ID token refused: %s: %s", type(exc).__name__, exc)
        raise AuthError("The sign-in token is not valid.") from None


def _checked_domain(domain: str) -> str:
    if not isinstance(domain, str) or not _DOMAIN_RE.fullmatch(domain.strip()):
        raise AuthError("The Auth0 domain must be a bare host name such as tenant.eu.auth0.com.")
    return domain.strip()


# --- The tenant's signing keys ---------------------------------------------------------------------


@dataclass
class _JwksEntry:
    keys: dict[str, jwt.PyJWK]
    fetched_at: float
    unknown_kid_refetch_at: float | None = None


class _JwksCache:
    """Signing keys per JWKS URL: fetched once, refetched once on an unknown `kid`.

    Shared by every Streamlit session in the process; one lock per URL means concurrent first
    sign-ins make a single request.
    """

    def __init__(self) -> None:
        self._entries: dict[str, _JwksEntry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get_key(self, url: str, kid: str) -> jwt.PyJWK:
        with self._lock_for(url):
            now = time.monotonic()
            entry = self._entries.get(url)
            if entry is None or now - entry.fetched_at >= JWKS_MAX_AGE_S:
                entry = self._refresh(url, entry, now)
            elif kid not in entry.keys and _may_refetch_for_unknown_kid(entry, now):
                entry.unknown_kid_refetch_at = now
                entry = self._refresh(url, entry, now)
            key = entry.keys.get(kid)
        if key is None:
            raise AuthError("The sign-in token was signed with a key the Auth0 tenant does not publish.")
        return key

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self._locks.clear()

    def _lock_for(self, url: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(url, threading.Lock())

    def _refresh(self, url: str, previous: _JwksEntry | None, now: float) -> _JwksEntry:
        last_refetch = previous.unknown_kid_refetch_at if previous else None
        fresh = _JwksEntry(keys=_fetch_jwks(url), fetched_at=now, unknown_kid_refetch_at=last_refetch)
        self._entries[url] = fresh
        return fresh


def _may_refetch_for_unknown_kid(entry: _JwksEntry, now: float) -> bool:
    last = entry.unknown_kid_refetch_at
    return last is None or now - last >= JWKS_REFETCH_INTERVAL_S


_JWKS_CACHE = _JwksCache()


def clear_jwks_cache() -> None:
    """Forget every cached key set (tests; or after changing tenants in a running process)."""
    _JWKS_CACHE.clear()


def _fetch_jwks(url: str) -> dict[str, jwt.PyJWK]:
    """Download a JWKS and keep its RS256 signing keys by `kid`."""
    if urlsplit(url).scheme not in {"https", "http"}:
        raise AuthError("The JWKS address must be an http(s) URL.")
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "vibe8"})
    try:
        with urllib.request.urlopen(request, timeout=JWKS_TIMEOUT_S) as response:
            body = response.read(JWKS_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        logger.warning("JWKS fetch from %s failed with HTTP %s", url, exc.code)
        raise AuthError("The Auth0 signing keys could not be fetched; try again shortly.") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        logger.warning("JWKS fetch from %s failed: %s: %s", url, type(exc).__name__, exc)
        raise AuthError("The Auth0 signing keys could not be fetched; try again shortly.") from None
    if len(body) > JWKS_MAX_BYTES:
        raise AuthError("The Auth0 signing keys document is too large.")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise AuthError("The Auth0 signing keys document is not valid JSON.") from None
    raw_keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw_keys, list):
        raise AuthError("The Auth0 signing keys document has no key list.")

    keys: dict[str, jwt.PyJWK] = {}
    for raw in raw_keys:
        if not _is_rs256_signing_key(raw):
            continue
        try:
            keys[raw["kid"]] = jwt.PyJWK(raw, algorithm=ALGORITHM)
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            logger.warning("Skipping unusable key %r in %s", raw.get("kid"), url)
    if not keys:
        raise AuthError("The Auth0 signing keys document has no usable RS256 key.")
    return keys


def _is_rs256_signing_key(raw: object) -> bool:
    return (
        isinstance(raw, dict)
        and raw.get("kty") == "RSA"
        and isinstance(raw.get("kid"), str)
        and raw.get("use", "sig") == "sig"
        and raw.get("alg", ALGORITHM) == ALGORITHM
    )


# --- Emails and the allowlist ----------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Strip and case-fold an address, refusing anything that is not one plausible ASCII address.

    Non-ASCII is refused on purpose: case-folding maps e.g. "ß" to "ss", which would let a
    different domain or mailbox compare equal to an allowlisted one.
    """
    if not isinstance(email, str):
        raise AuthError("The email address is missing.")
    address = email.strip()
    if not address.isascii():
        raise AuthError("Only plain ASCII email addresses can sign in.")
    address = address.casefold()
    if not _is_address(address):
        raise AuthError("The email address is not a valid single address.")
    return address


def is_email_allowed(email: str, allowlist: Sequence[str]) -> bool:
    """Whether `email` matches an allowlist entry: a full address, or `@domain` for exactly that domain.

    An empty allowlist admits any valid address. An implausible email is never allowed. A malformed
    entry raises AuthError, so a typo in the setting refuses everyone instead of admitting anyone.
    """
    addresses, domains = _parse_allowlist(allowlist)
    try:
        address = normalize_email(email)
    except AuthError:
        return False
    if not addresses and not domains:
        return True
    return address in addresses or address.rpartition("@")[2] in domains


def check_claims_allowed(claims: dict[str, Any], allowlist: Sequence[str]) -> str:
    """Return the normalised email of verified claims, or raise AuthError if it may not sign in.

    `email_verified` must be exactly true: a missing claim counts as unverified and is refused,
    because an unverified address says nothing about who holds the account.
    """
    if claims.get("email_verified") is not True:
        raise AuthError("Your email address has not been verified with the identity provider.")
    email = claims.get("email")
    if not isinstance(email, str):
        raise AuthError("The sign-in token carries no email address.")
    address = normalize_email(email)
    if not is_email_allowed(address, allowlist):
        raise AuthError(f"The address {address} is not allowed to use Vibe8.")
    return address


def _parse_allowlist(allowlist: Sequence[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Split the entries into normalised full addresses and bare domains (from `@domain`)."""
    if isinstance(allowlist, str):
        raise AuthError("The email allowlist must be a list of entries, not one string.")
    addresses: set[str] = set()
    domains: set[str] = set()
    for entry in allowlist:
        text = entry.strip().casefold() if isinstance(entry, str) and entry.isascii() else ""
        if text.startswith("@") and _is_domain(text[1:]):
            domains.add(text[1:])
        elif "*" not in text and _is_address(text):
            addresses.add(text)
        else:
            raise AuthError(f"The allowlist entry {entry!r} is neither an email address nor an @domain.")
    return frozenset(addresses), frozenset(domains)


def _is_address(text: str) -> bool:
    """One `local@domain` in already case-folded ASCII, with no display name, list or comment."""
    local, at, domain = text.rpartition("@")
    return bool(at) and len(text) <= 254 and _is_local_part(local) and _is_domain(domain)


def _is_local_part(local: str) -> bool:
    return (
        0 < len(local) <= 64
        and _LOCAL_PART_RE.fullmatch(local) is not None
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def _is_domain(domain: str) -> bool:
    labels = domain.split(".")
    return 0 < len(domain) <= 253 and all(len(label) <= 63 and _DOMAIN_LABEL_RE.fullmatch(label) for label in labels)
