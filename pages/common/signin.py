"""The sign-in gate in front of the studio, and who the signed-in viewer is (the owner of the runs they save).

The rules live in ``segcore.store.access`` (tested without Streamlit); this module only reads the request, the
secrets and the session, and draws the login prompt. Share links never pass through here: app.py routes
``?share=`` to the read-only view before the gate.
"""

from __future__ import annotations

import os
import secrets as random

import streamlit as st

from pages.common import state
from segcore.i18n import _
from segcore.model.integrity import SECRET_KEY_ENV
from segcore.store import access
from segcore.store.access import Viewer

# Secrets key holding the model-sealing key (copied to SEGCORE_SECRET_KEY for the engine, which never reads secrets).
SECRET_KEY_SECRET = "secret_key"


def read_secrets() -> dict | None:
    try:
        return dict(st.secrets) if st.secrets else None
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets file: nothing configured
        return None


def gate() -> bool:
    """True when this session may use the studio (its viewer is then in ``state.viewer()``); otherwise draws the
    login prompt, or the set-up explanation for a hosted studio with no sign-in, and returns False."""
    conf = read_secrets()
    if conf and conf.get(SECRET_KEY_SECRET) and not os.environ.get(SECRET_KEY_ENV):
        os.environ[SECRET_KEY_ENV] = str(conf[SECRET_KEY_SECRET])
    local = access.is_local_request(st.context.ip_address, dict(st.context.headers or {}))
    mode = access.sign_in_mode(local=local, secrets=conf)
    if mode == "platform":
        return _platform_login(conf)
    if mode == "password":
        return _password_login(conf)
    if mode == "open":
        if state.viewer() is None:  # each open-demo visitor gets an account of their own for this session
            state.set_viewer(Viewer(access.LOCAL_USER, is_admin=True) if local
                             else Viewer(f"demo-{random.token_hex(8)}"))
        return True
    st.title("segcore")
    st.error(_("This studio is reached over the network and has no sign-in set up, so it stays closed."),
             icon=":material/lock:")
    st.markdown(_("To open it, its administrator sets one of: a platform login (an [auth] section in "
                  ".streamlit/secrets.toml), an app password (SEGCORE_APP_PASSWORD), or SEGCORE_OPEN_DEMO=1 for an "
                  "open demo. Share links keep working without any of these."))
    return False


def _platform_login(conf: dict | None) -> bool:
    if not st.user.get("is_logged_in", False):
        st.title("segcore")
        st.caption(_("This studio is private. Log in with your organisation's account."))
        st.button(_("Log in"), on_click=st.login, type="primary", icon=":material/login:")
        return False
    name = str(st.user.get("email") or st.user.get("sub") or "").strip()
    state.set_viewer(Viewer(name, is_admin=name.lower() in access.admins(secrets=conf)))
    st.sidebar.caption(_("Signed in as {name}", name=name))
    st.sidebar.button(_("Log out"), on_click=st.logout, icon=":material/logout:")
    return True


def _password_login(conf: dict | None) -> bool:
    if state.viewer() is not None:
        return True
    expected = access.app_password(secrets=conf)
    st.title("segcore")
    with st.form("login"):
        given = st.text_input(_("Password"), type="password", help=_("This studio is protected; ask its owner."))
        if st.form_submit_button(_("Open")):
            if access.check_password(given, expected):
                user = access.PASSWORD_USER
                state.set_viewer(Viewer(user, is_admin=user in access.admins(secrets=conf)))
                st.rerun()
            st.error(_("That password is not right. Try again or ask the owner of this studio."))
    return False


def prompt_page() -> None:
    """The only page a visitor who has not signed in can reach: the prompt gate() already drew, nothing more."""


def viewer() -> Viewer:
    """The signed-in viewer; a run without the gate (should not happen) gets an account that owns nothing."""
    return state.viewer() or Viewer(f"anonymous-{random.token_hex(8)}")
