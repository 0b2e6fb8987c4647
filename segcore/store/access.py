"""Who may use the studio and whose saved runs they see: sign-in rules, the app password, the viewer.

Kept out of the app so the rules are testable without Streamlit. The studio needs a sign-in whenever it is reached
from anywhere but this machine: the platform login (an ``[auth]`` secrets section, OIDC) or the app password;
``SEGCORE_OPEN_DEMO=1`` opens it to everyone on purpose. Opened on localhost with nothing configured it just works
(the README's first command). Share links are their own credential and open only the read-only view.
For settings the environment wins over the secrets file (a deployment can override a committed default);
password comparison is constant-time.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

# Environment variable that turns the password prompt on; the usual way to configure a container.
PASSWORD_ENV = "SEGCORE_APP_PASSWORD"
# Key in .streamlit/secrets.toml (or any mapping the app passes) used when the environment variable is not set.
PASSWORD_SECRET_KEY = "app_password"
# "1" opens the studio to anyone who can reach it (a public demo); each visitor then sees only their own saved runs.
OPEN_DEMO_ENV = "SEGCORE_OPEN_DEMO"
# "1" applies the hosted rules on localhost too (e.g. behind a reverse proxy on the same machine).
HOSTED_ENV = "SEGCORE_HOSTED"
# Comma-separated sign-in names (e-mail addresses) who may open, share and delete every saved run.
ADMINS_ENV = "SEGCORE_ADMINS"
ADMINS_SECRET_KEY = "admins"
# The user a password or a local studio signs in as: one shared account, an admin of its own store.
PASSWORD_USER = "password-user"
LOCAL_USER = "local"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says.
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")
SignIn = Literal["platform", "password", "open", "closed"]


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of a studio session; ``user`` is what saved runs record as their owner."""

    user: str
    is_admin: bool = False

    def may_use(self, owner: str | None) -> bool:
        """True for the run's owner and for admins; runs with no recorded owner are the admins' alone."""
        return self.is_admin or (owner is not None and owner == self.user)


def is_local_request(
    ip_address: str | None, headers: Mapping[str, str], *, env: Mapping[str, str] = os.environ
) -> bool:
    """True when the browser runs on this machine: no peer address (Streamlit gives None for loopback), a
    loopback Host and no proxy headers. No headers at all means no browser connection (AppTest, a script): every
    real request carries at least a Host header."""
    if env.get(HOSTED_ENV, "").strip() == "1":
        return False
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    if not lowered:
        return True
    if any(h in lowered for h in FORWARDING_HEADERS) or ip_address is not None:
        return False
    host = urlsplit(f"//{lowered.get('host', '')}").hostname or ""
    return host in LOOPBACK_HOSTS


def sign_in_mode(*, local: bool, env: Mapping[str, str] = os.environ, secrets: Mapping | None = None) -> SignIn:
    """How this session signs in: platform login, app password, open (local or demo) or closed (hosted with
    nothing configured: the studio explains how to set up a sign-in instead of opening)."""
    if secrets is not None and "auth" in secrets:
        return "platform"
    if app_password(env=env, secrets=secrets) is not None:
        return "password"
    if local or env.get(OPEN_DEMO_ENV, "").strip() == "1":
        return "open"
    return "closed"


def admins(*, env: Mapping[str, str] = os.environ, secrets: Mapping | None = None) -> frozenset[str]:
    """Sign-in names (lower case) with admin rights over every saved run."""
    value = env.get(ADMINS_ENV)
    if not value and secrets is not None:
        value = secrets.get(ADMINS_SECRET_KEY)
    names = value.split(",") if isinstance(value, str) else list(value or ())
    return frozenset(str(n).strip().lower() for n in names if str(n).strip())


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
