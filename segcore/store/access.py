"""The studio's optional password: where it is configured and how a typed password is checked.

Kept out of the app so the rule is testable without Streamlit: the environment wins over the secrets file (a
deployment can override a committed default), and comparison is constant-time.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

# Environment variable that turns the password prompt on; the usual way to configure a container.
PASSWORD_ENV = "SEGCORE_APP_PASSWORD"
# Key in .streamlit/secrets.toml (or any mapping the app passes) used when the environment variable is not set.
PASSWORD_SECRET_KEY = "app_password"


def app_password(*, env: Mapping[str, str] = os.environ, secrets: Mapping | None = None) -> str | None:
    """The configured password, or None when the studio is open to anyone who can reach it.

    A blank value counts as not set: an empty password would lock nobody out and only give a false sense of safety.
    """
    value = env.get(PASSWORD_ENV)
    if not value and secrets is not None and PASSWORD_SECRET_KEY in secrets:
        value = secrets[PASSWORD_SECRET_KEY]
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def check_password(given: str | None, expected: str | None) -> bool:
    """True when ``given`` equals ``expected``; constant-time, and False when either is missing or empty."""
    if not given or not expected:
        return False
    # compare_digest on str only accepts ASCII, so compare the UTF-8 bytes (passwords may contain any character).
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
