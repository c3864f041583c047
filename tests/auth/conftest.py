"""Fixtures for the auth tests: local RSA keys, a JWKS served on 127.0.0.1, and a token factory."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from vibe8_core import auth

DOMAIN = "tenant.example.com"
ISSUER = "https://tenant.example.com/"
CLIENT_ID = "vibe8-client-id"
PRIMARY_KID = "primary"
ROTATED_KID = "rotated"
MISSING = object()  # a claim or header value that must be left out of the token


@dataclass
class JwksServer:
    """What the local JWKS endpoint serves, and how often it was asked."""

    base_url: str
    keys: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    body: bytes | None = None  # served verbatim instead of the key list when set
    delay_s: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)

    @property
    def url(self) -> str:
        return f"{self.base_url}/.well-known/jwks.json"

    @property
    def request_count(self) -> int:
        return self.requests["/.well-known/jwks.json"]

    def reset(self) -> None:
        self.keys, self.status, self.body, self.delay_s = [], 200, None, 0.0
        self.requests.clear()


def _public_jwk(private_key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="session")
def rsa_keys() -> dict[str, rsa.RSAPrivateKey]:
    """The tenant's current key, a key an attacker holds, and a key the tenant rotates to later."""
    return {
        name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
        for name in ("tenant", "attacker", "rotated")
    }


@pytest.fixture(scope="session")
def _jwks_http_server() -> Iterator[JwksServer]:
    state_holder: list[JwksServer] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            state = state_holder[0]
            with lock:
                state.requests[self.path] += 1
            time.sleep(state.delay_s)
            body = state.body if state.body is not None else json.dumps({"keys": state.keys}).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            """Keep the test output clean."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state_holder.append(JwksServer(base_url=f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state_holder[0]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def jwks(_jwks_http_server: JwksServer, rsa_keys: dict[str, rsa.RSAPrivateKey]) -> Iterator[JwksServer]:
    """The local JWKS endpoint publishing the tenant key, with a cold verifier cache and zeroed counts."""
    _jwks_http_server.reset()
    _jwks_http_server.keys = [_public_jwk(rsa_keys["tenant"], PRIMARY_KID)]
    auth.clear_jwks_cache()
    yield _jwks_http_server
    auth.clear_jwks_cache()
    _jwks_http_server.reset()


@pytest.fixture
def publish_key(rsa_keys: dict[str, rsa.RSAPrivateKey], jwks: JwksServer) -> Callable[[str, str], None]:
    """Add `rsa_keys[name]` to the served JWKS under `kid` (a key rotation at the tenant)."""

    def publish(name: str, kid: str) -> None:
        jwks.keys = [*jwks.keys, _public_jwk(rsa_keys[name], kid)]

    return publish


class TokenFactory:
    """Builds ID tokens that pass every check unless told otherwise, and hand-made ones PyJWT won't sign."""

    def __init__(self, keys: dict[str, rsa.RSAPrivateKey]) -> None:
        self.keys = keys
        self.now = now = int(time.time())
        self.claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "auth0|12345",
            "email": "Dev@Example.com",
            "email_verified": True,
            "iat": now,
            "exp": now + 600,
        }

    def signed(self, *, key: str = "tenant", header: dict[str, Any] | None = None, **claims: Any) -> str:
        """An RS256 token signed with `keys[key]`; keyword claims override the defaults, MISSING drops one."""
        payload = _present({**self.claims, **claims})
        headers = _present({"kid": PRIMARY_KID, **(header or {})})
        return jwt.encode(payload, self.keys[key], algorithm="RS256", headers=headers)

    def raw(self, header: dict[str, Any], sign: Callable[[bytes], bytes], **claims: Any) -> str:
        """A token assembled by hand: `sign` gets the signing input and returns the signature bytes."""
        payload = _present({**self.claims, **claims})
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
        return f"{signing_input}.{_b64(sign(signing_input.encode()))}"

    def public_pem(self, key: str = "tenant") -> bytes:
        return self.keys[key].public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture
def tokens(rsa_keys: dict[str, rsa.RSAPrivateKey]) -> TokenFactory:
    return TokenFactory(rsa_keys)


@pytest.fixture
def unused_local_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens, so connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/.well-known/jwks.json"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not MISSING}
