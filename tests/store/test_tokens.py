"""Share-link tokens (entropy, shape, hashing) and the studio password helpers."""

from __future__ import annotations

import hashlib
import string
from collections import Counter

import pytest

from segcore.store import tokens
from segcore.store.access import app_password, check_password

URLSAFE = set(string.ascii_letters + string.digits + "-_")


def test_tokens_are_long_urlsafe_and_all_distinct():
    batch = [tokens.new_token() for _ in range(1000)]
    assert len(set(batch)) == 1000
    assert {len(t) for t in batch} == {43}
    assert set("".join(batch)) <= URLSAFE
    assert all(tokens.is_well_formed(t) for t in batch)
    # 43,000 characters from a 64-letter alphabet: every letter shows up, none dominates (about 670 each).
    counts = Counter("".join(t[:42] for t in batch))  # the last character carries only 4 random bits
    assert set(counts) == URLSAFE
    assert max(counts.values()) < 2 * min(counts.values())


def test_the_stored_hash_is_sha256_and_never_the_token():
    token = tokens.new_token()
    stored = tokens.hash_token(token)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert len(stored) == 64 and stored != token and token not in stored
    assert tokens.token_matches(token, stored)
    assert not tokens.token_matches(tokens.new_token(), stored)
    assert not tokens.token_matches(token, stored[:-1] + ("0" if stored[-1] != "0" else "1"))


@pytest.mark.parametrize(
    ("token", "ok"),
    [
        ("A" * 43, True),
        ("a-b_" * 10 + "xyz", True),
        ("A" * 42, False),
        ("A" * 44, False),
        ("A" * 42 + "=", False),
        ("A" * 42 + "+", False),
        ("A" * 42 + "/", False),
        ("A" * 42 + "\n", False),
        ("Ä" * 43, False),
        ("", False),
        (None, False),
        (b"A" * 43, False),
    ],
)
def test_well_formed_means_43_base64url_characters(token, ok):
    assert tokens.is_well_formed(token) is ok


def test_the_invalid_link_message_gives_nothing_away():
    assert tokens.INVALID_LINK_MESSAGE == (
        "This link is not valid. It may have expired or been revoked. Ask the sender for a new link."
    )


@pytest.mark.parametrize(
    ("env", "secrets", "expected"),
    [
        ({}, None, None),
        ({"SEGCORE_APP_PASSWORD": "from-env"}, None, "from-env"),
        ({"SEGCORE_APP_PASSWORD": "from-env"}, {"app_password": "from-secrets"}, "from-env"),
        ({}, {"app_password": "from-secrets"}, "from-secrets"),
        ({"SEGCORE_APP_PASSWORD": ""}, {"app_password": "from-secrets"}, "from-secrets"),
        ({"SEGCORE_APP_PASSWORD": "   "}, {}, None),
        ({}, {"app_password": ""}, None),
        ({}, {"other": "x"}, None),
    ],
)
def test_app_password_prefers_the_environment_then_secrets(env, secrets, expected):
    assert app_password(env=env, secrets=secrets) == expected


def test_app_password_reads_the_real_environment_by_default(monkeypatch):
    monkeypatch.setenv("SEGCORE_APP_PASSWORD", "s3cret")
    assert app_password() == "s3cret"
    monkeypatch.delenv("SEGCORE_APP_PASSWORD")
    assert app_password() is None


@pytest.mark.parametrize(
    ("given", "expected", "ok"),
    [
        ("s3cret", "s3cret", True),
        ("s3cret", "s3cret ", False),
        ("S3cret", "s3cret", False),
        ("pässwörd 🔒", "pässwörd 🔒", True),
        ("pässwörd", "passwort", False),
        ("", "", False),
        ("", "s3cret", False),
        (None, "s3cret", False),
        ("s3cret", None, False),
    ],
)
def test_check_password(given, expected, ok):
    assert check_password(given, expected) is ok
