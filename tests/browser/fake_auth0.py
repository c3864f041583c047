"""A small Auth0 stand-in for the browser tests: HTTPS on 127.0.0.1 with a throwaway certificate.

It serves what both sign-in modes use: discovery, JWKS, `/authorize` (a login form, then a code by
`web_message` for the popup or by redirect for the server flow, and `prompt=none` for silent checks),
`/oauth/token` (PKCE, and the client secret for the confidential client), `/v2/logout` and the OIDC
`end_session_endpoint`. It keeps its own sessions (a cookie), so a test can see them end.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import ipaddress
import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

KID = "fake-auth0-key"
SESSION_COOKIE = "fake_auth0_session"


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), as PEM files (cert, key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-auth0.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fake-auth0.pem", folder / "fake-auth0.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]
    logout_urls: tuple[str, ...]
    secret: str | None = None  # None: a public client (the SPA), which must use PKCE


@dataclass
class FakeAuth0:
    """The tenant's state; tests read `sessions`, `issued_id_tokens` and `logouts`."""

    base_url: str = ""
    clients: dict[str, Client] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # sid -> email, auth_time
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    issued_id_tokens: list[str] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).netloc

    @property
    def issuer(self) -> str:
        return self.base_url + "/"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/oauth/token",
            "jwks_uri": f"{self.base_url}/.well-known/jwks.json",
            "end_session_endpoint": f"{self.base_url}/oidc/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, client_id: str, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": client_id, "sub": "auth0|" + hashlib.sha1(grant["email"].encode()).hexdigest(),
            "email": grant["email"], "email_verified": True, "name": grant["email"], "iat": now, "exp": now + 36000,
            "auth_time": grant["auth_time"], "sid": grant["sid"], "nonce": grant["nonce"],
        }  # fmt: skip
        token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})
        self.issued_id_tokens.append(token)
        return token

    def end_sessions(self, sid: str | None, kind: str, target: str) -> None:
        with self.lock:
            if sid:
                self.sessions.pop(sid, None)
            self.logouts.append({"kind": kind, "target": target})


def _b64url_sha256(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


class _Handler(BaseHTTPRequestHandler):
    tenant: FakeAuth0

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        """Quiet."""

    # --- plumbing ---------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", self._cors())

    def _cors(self) -> dict[str, str]:
        origin = self.headers.get("Origin")
        if not origin:
            return {}
        return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": "Content-Type, Auth0-Client",
                "Access-Control-Allow-Methods": "POST, OPTIONS", "Vary": "Origin"}  # fmt: skip

    def _redirect(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._send(302, b"", "text/plain", {"Location": url, **(headers or {})})

    def _sid(self) -> str | None:
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and value in self.tenant.sessions:
                return value
        return None

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            return {k: str(v) for k, v in json.loads(raw).items()}
        return {k: v[0] for k, v in parse_qs(raw).items()}

    # --- routes -----------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(204, b"", "text/plain", self._cors())

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        routes = {
            "/.well-known/openid-configuration": lambda: self._json(200, self.tenant.discovery()),
            "/.well-known/jwks.json": lambda: self._json(200, self.tenant.jwks()),
            "/authorize": lambda: self._authorize(self._query()),
            "/v2/logout": self._v2_logout,
            "/oidc/logout": self._oidc_logout,
        }
        route = routes.get(path)
        if route is None:
            self._send(404, b"not found", "text/plain")
        else:
            route()

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/login":
            self._login(self._form())
        elif path == "/oauth/token":
            self._token(self._form())
        else:
            self._send(404, b"not found", "text/plain")

    def _authorize(self, params: dict[str, str], sid: str | None = None, headers: dict[str, str] | None = None) -> None:
        client = self.tenant.clients.get(params.get("client_id", ""))
        redirect_uri = params.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            self._send(400, b"unknown client or callback URL", "text/plain")
            return
        sid = sid or self._sid()
        if sid is None and params.get("prompt") == "none":
            self._respond(params, {"error": "login_required", "error_description": "Login required"})
        elif sid is None:
            hidden = f'<input type="hidden" name="q" value="{html.escape(urlencode(params))}">'
            form = (f'<form method="post" action="/login">{hidden}<label>Email <input name="email" type="email">'
                    '</label><button type="submit">Continue</button></form>')  # fmt: skip
            self._send(200, f"<html><body><h1>Fake Auth0</h1>{form}</body></html>".encode(), "text/html")
        else:
            code = secrets.token_urlsafe(24)
            session = self.tenant.sessions[sid]
            self.tenant.codes[code] = {**session, "sid": sid, "client_id": client.client_id,
                                       "redirect_uri": redirect_uri, "nonce": params.get("nonce"),
                                       "challenge": params.get("code_challenge")}  # fmt: skip
            self._respond(params, {"code": code}, headers)

    def _respond(self, params: dict[str, str], result: dict[str, str], headers: dict[str, str] | None = None) -> None:
        """Deliver an authorization result the way the request asked: web_message or a redirect."""
        result = {**result, "state": params.get("state", "")}
        redirect_uri = params["redirect_uri"]
        if params.get("response_mode") == "web_message":
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(redirect_uri))
            message = json.dumps({"type": "authorization_response", "response": result})
            script = f"(window.opener || window.parent).postMessage({message}, {json.dumps(origin)});"
            self._send(200, f"<html><body><script>{script}</script></body></html>".encode(), "text/html", headers)
        else:
            self._redirect(f"{redirect_uri}?{urlencode(result)}", headers)

    def _login(self, form: dict[str, str]) -> None:
        sid = secrets.token_urlsafe(16)
        with self.tenant.lock:
            self.tenant.sessions[sid] = {"email": form.get("email", ""), "auth_time": int(time.time())}
        cookie = f"{SESSION_COOKIE}={sid}; Path=/; Secure; HttpOnly; SameSite=None"
        self._authorize({k: v[0] for k, v in parse_qs(form.get("q", "")).items()}, sid, {"Set-Cookie": cookie})

    def _token(self, form: dict[str, str]) -> None:
        grant = self.tenant.codes.pop(form.get("code", ""), None)  # a code is good once
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if auth := self.headers.get("Authorization", ""):
            client_id, _, secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        client = self.tenant.clients.get(client_id)
        if grant is None or client is None or grant["client_id"] != client_id:
            self._json(403, {"error": "invalid_grant", "error_description": "Invalid authorization code"})
            return
        verifier = form.get("code_verifier")
        challenge = grant["challenge"]
        pkce_ok = challenge is None or (verifier is not None and _b64url_sha256(verifier) == challenge)
        secret_ok = client.secret is None or secret == client.secret
        if not pkce_ok or not secret_ok or form.get("redirect_uri", grant["redirect_uri"]) != grant["redirect_uri"]:
            self._json(403, {"error": "invalid_grant", "error_description": "Failed verification"})
            return
        token = self.tenant.id_token(client_id, grant)
        self._json(200, {"access_token": secrets.token_urlsafe(16), "id_token": token, "token_type": "Bearer",
                         "expires_in": 86400, "scope": "openid profile email"})  # fmt: skip

    def _logout_to(self, target: str, allowed: bool, kind: str) -> None:
        if not allowed:
            self._send(400, f"{kind}: {target} is not an allowed logout URL".encode(), "text/plain")
            return
        self.tenant.end_sessions(self._sid(), kind, target)
        expired = f"{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0"
        self._redirect(target, {"Set-Cookie": expired})

    def _v2_logout(self) -> None:
        params = self._query()
        client = self.tenant.clients.get(params.get("client_id", ""))
        target = params.get("returnTo", "")
        bare = target.split("?", 1)[0]  # Auth0 does not compare /v2/logout's returnTo query string
        self._logout_to(target, client is not None and bare in client.logout_urls, "v2")

    def _oidc_logout(self) -> None:
        params = self._query()
        target = params.get("post_logout_redirect_uri", "")
        client = self.tenant.clients.get(params.get("client_id", ""))
        self._logout_to(target, client is not None and target in client.logout_urls, "oidc")


class FakeAuth0Server:
    """Runs a FakeAuth0 over HTTPS on 127.0.0.1 in a thread; use as a context manager."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.tenant = FakeAuth0()
        handler = type("Handler", (_Handler,), {"tenant": self.tenant})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        # The handshake happens in the handler's thread, so a stalled client cannot block accept().
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
        self.tenant.base_url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> FakeAuth0:
        self._thread.start()
        return self.tenant

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
