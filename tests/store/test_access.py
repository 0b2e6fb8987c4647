"""The sign-in rules without Streamlit: what counts as this machine, which sign-in applies, who is an admin."""

from __future__ import annotations

import pytest

from segcore.store import access
from segcore.store.access import Viewer

BROWSER_HEADERS = {"Host": "localhost:8501", "User-Agent": "Mozilla/5.0"}


@pytest.mark.parametrize(
    ("ip", "headers", "env", "local"),
    [
        (None, BROWSER_HEADERS, {}, True),  # the README's first command, opened on the same machine
        (None, {"Host": "127.0.0.1:8501"}, {}, True),
        (None, {"Host": "[::1]:8501"}, {}, True),
        (None, {}, {}, True),  # no browser at all (AppTest, scripts)
        ("mock-peer", {}, {}, True),  # AppTest's stand-in client: still no request
        ("192.0.2.7", {"Host": "192.0.2.2:8501"}, {}, False),  # another machine on the network
        (None, {"Host": "segments.example.com"}, {}, False),  # a public name routed to a local socket
        (None, {**BROWSER_HEADERS, "X-Forwarded-For": "203.0.113.9"}, {}, False),  # a reverse proxy on this host
        (None, {**BROWSER_HEADERS, "Forwarded": "for=203.0.113.9"}, {}, False),
        (None, BROWSER_HEADERS, {"SEGCORE_HOSTED": "1"}, False),  # the deployment says it is hosted
    ],
)
def test_what_counts_as_this_machine(ip, headers, env, local):
    assert access.is_local_request(ip, headers, env=env) is local


@pytest.mark.parametrize(
    ("local", "env", "secrets", "mode"),
    [
        (True, {}, None, "open"),
        (False, {}, None, "closed"),  # hosted and nothing configured: closed, never open by accident
        (False, {"SEGCORE_OPEN_DEMO": "1"}, None, "open"),
        (False, {"SEGCORE_OPEN_DEMO": "yes please"}, None, "closed"),  # only the exact switch opens it
        (False, {"SEGCORE_APP_PASSWORD": "pw-pw-pw"}, None, "password"),
        (True, {"SEGCORE_APP_PASSWORD": "pw-pw-pw"}, None, "password"),  # a password applies locally too
        (False, {}, {"app_password": "pw-pw-pw"}, "password"),
        (False, {"SEGCORE_APP_PASSWORD": "pw"}, {"auth": {"client_id": "x"}}, "platform"),
    ],
)
def test_which_sign_in_applies(local, env, secrets, mode):
    assert access.sign_in_mode(local=local, env=env, secrets=secrets) == mode


def test_admins_and_what_a_viewer_may_use():
    assert access.admins(env={"SEGCORE_ADMINS": " Boss@Example.com, ,cfo@example.com"}) == {"boss@example.com",
                                                                                       "cfo@example.com"}
    assert access.admins(env={}, secrets={"admins": ["Boss@Example.com"]}) == {"boss@example.com"}
    ana, admin = Viewer("ana@example.com"), Viewer("boss@example.com", is_admin=True)
    assert ana.may_use("ana@example.com") and not ana.may_use("ben@example.com") and not ana.may_use(None)
    assert admin.may_use("ana@example.com") and admin.may_use(None)
