"""Share-link tokens: long random secrets of which the database keeps only a SHA-256 hash.

A leaked database therefore holds no working link: the hash cannot be turned back into the token, and guessing a
256-bit token is out of reach. Tokens with the wrong length or characters are rejected before any database lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from segcore.i18n import N_

# 32 random bytes = 256 bits of entropy, the strength of the SHA-256 hash we store; far beyond online guessing.
TOKEN_BYTES = 32
# token_urlsafe(32) is base64url without padding: ceil(32 * 4 / 3) = 43 characters.
TOKEN_LENGTH = 43
# The base64url alphabet, exactly TOKEN_LENGTH characters: anything else cannot be one of our tokens.
TOKEN_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")
# One message for wrong, revoked, expired and malformed tokens, so nobody can tell which tokens ever existed.
INVALID_LINK_MESSAGE = N_(
    "This link is not valid. It may have expired or been revoked. Ask the sender for a new link."
)


def new_token() -> str:
    """A fresh URL-safe token (43 characters, 256 bits) to put in a share link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_well_formed(token: object) -> bool:
    """True when ``token`` has the shape of one of our tokens (length and alphabet); says nothing about validity."""
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def hash_token(token: str) -> str:
    """The hex SHA-256 digest of a token: the only form in which a token is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time check that ``token`` hashes to ``stored_hash`` (no timing hint about how much matched)."""
    return hmac.compare_digest(hash_token(token).encode("ascii"), stored_hash.encode("ascii"))
