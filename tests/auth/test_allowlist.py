"""normalize_email, is_email_allowed and check_claims_allowed as tables of addresses."""

from __future__ import annotations

from typing import Any

import pytest

from vibe8_core.auth import AuthError, check_claims_allowed, is_email_allowed, normalize_email


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("dev@example.com", "dev@example.com"),
        ("  Dev@Example.COM \n", "dev@example.com"),
        ("first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
        ("local@localhost", "local@localhost"),
        ("o'brien@example.com", "o'brien@example.com"),
    ],
)
def test_normalize_email_strips_and_casefolds(raw: str, normalised: str) -> None:
    assert normalize_email(raw) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "dev",
        "dev@",
        "@example.com",
        "a@b@example.com",
        "dev @example.com",
        "dev@example.com, boss@example.com",
        "dev@example.com;boss@example.com",
        "<dev@example.com>",
        "Dev <dev@example.com>",
        "dev@example..com",
        "dev@.example.com",
        "dev@example.com.",
        "dev@-example.com",
        "dev@exa_mple.com",
        ".dev@example.com",
        "dev.@example.com",
        "de..v@example.com",
        "dev@example.com\x00",
        "dev\n@example.com",
        "bøb@example.com",
        "dev@straße.de",
        "dev@\u212aontor.de",  # Kelvin sign, which casefolds to "k"
        "x" * 65 + "@example.com",
        "dev@" + "a" * 64 + ".com",
        None,
        42,
    ],
    ids=repr,
)
def test_normalize_email_refuses_anything_but_one_plain_address(raw: Any) -> None:
    with pytest.raises(AuthError):
        normalize_email(raw)


ALLOWLIST_CASES = [
    # (email, allowlist, allowed)
    pytest.param("dev@example.com", [], True, id="empty-list-admits-anyone"),
    pytest.param("dev@example.com", (), True, id="empty-tuple-admits-anyone"),
    pytest.param("not-an-email", [], False, id="empty-list-still-needs-an-address"),
    pytest.param("dev@example.com", ["dev@example.com"], True, id="exact-address"),
    pytest.param("DEV@Example.COM", ["dev@example.com"], True, id="email-case"),
    pytest.param("dev@example.com", ["  Dev@EXAMPLE.com "], True, id="entry-case-and-spaces"),
    pytest.param("boss@example.com", ["dev@example.com"], False, id="other-address-same-domain"),
    pytest.param("xdev@example.com", ["dev@example.com"], False, id="address-prefix"),
    pytest.param("dev@example.com.evil", ["dev@example.com"], False, id="address-suffix-domain"),
    pytest.param("dev@example.co", ["dev@example.com"], False, id="address-truncated-domain"),
    pytest.param("dev@example.com", ["@example.com"], True, id="domain-entry"),
    pytest.param("Dev@EXAMPLE.com", ["@Example.Com"], True, id="domain-entry-case"),
    pytest.param("a@evilexample.com", ["@example.com"], False, id="lookalike-prefix-domain"),
    pytest.param("a@sub.example.com", ["@example.com"], False, id="subdomain"),
    pytest.param("a@example.com.evil.io", ["@example.com"], False, id="domain-as-subdomain-elsewhere"),
    pytest.param("a@example.co", ["@example.com"], False, id="truncated-domain"),
    pytest.param("example.com@evil.io", ["@example.com"], False, id="domain-as-local-part"),
    pytest.param("a@example.com@evil.io", ["@example.com"], False, id="two-at-signs"),
    pytest.param("a@exam\u0440le.com", ["@example.com"], False, id="cyrillic-homoglyph"),
    pytest.param("a@straße.de", ["@strasse.de"], False, id="casefold-collision-domain"),
    pytest.param("boss@corp.io", ["dev@example.com", "@corp.io"], True, id="second-entry"),
    pytest.param("boss@corp.io", ["dev@example.com", "@example.com"], False, id="no-entry"),
]


@pytest.mark.parametrize(("email", "allowlist", "allowed"), ALLOWLIST_CASES)
def test_is_email_allowed(email: str, allowlist: list[str], allowed: bool) -> None:
    assert is_email_allowed(email, allowlist) is allowed


@pytest.mark.parametrize(
    "allowlist",
    [
        ["example.com"],
        [""],
        ["@"],
        ["*@example.com"],
        ["@*.example.com"],
        ["@example..com"],
        ["ß@example.com"],  # would casefold to ss@example.com
        ["@straße.de"],
        ["dev@example.com", "example.com"],
        "dev@example.com",
    ],
    ids=repr,
)
def test_a_malformed_allowlist_refuses_instead_of_admitting(allowlist: Any) -> None:
    with pytest.raises(AuthError, match="allowlist"):
        is_email_allowed("dev@example.com", allowlist)


@pytest.mark.parametrize(
    ("claims", "allowlist", "result"),
    [
        pytest.param({"email": "Dev@Example.com", "email_verified": True}, [], "dev@example.com", id="anyone"),
        pytest.param(
            {"email": "Dev@Example.com", "email_verified": True},
            ["@example.com"],
            "dev@example.com",
            id="domain",
        ),
        pytest.param({"email": "dev@example.com", "email_verified": False}, [], "not been verified", id="unverified"),
        pytest.param({"email": "dev@example.com"}, [], "not been verified", id="email-verified-missing"),
        pytest.param({"email": "dev@example.com", "email_verified": "true"}, [], "not been verified", id="string"),
        pytest.param({"email": "dev@example.com", "email_verified": 1}, [], "not been verified", id="one"),
        pytest.param(
            {"email": "dev@evilexample.com", "email_verified": True},
            ["@example.com"],
            "not allowed",
            id="lookalike",
        ),
        pytest.param({"email_verified": True}, [], "no email", id="no-email"),
        pytest.param({"email": "two@a.com,b@c.com", "email_verified": True}, [], "valid single", id="two-emails"),
    ],
)
def test_check_claims_allowed(claims: dict[str, Any], allowlist: list[str], result: str) -> None:
    if "@" in result:
        assert check_claims_allowed(claims, allowlist) == result
    else:
        with pytest.raises(AuthError, match=result):
            check_claims_allowed(claims, allowlist)
