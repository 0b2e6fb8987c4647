"""Small rendering helpers shared by the pages: theme, sidebar, step gating, errors, safe text."""

from __future__ import annotations

import re

import streamlit as st

from pages.common import state
from segcore.errors import SegcoreError
from segcore.i18n import LANGUAGE_NAMES, LANGUAGES, _, choose_language, set_language

STEP_PAGES = {
    "Data": "pages/data.py",
    "Features": "pages/features.py",
    "Segments": "pages/segments.py",
    "Profiles": "pages/profiles.py",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """User text made inert for st.markdown: markdown and HTML characters are escaped, never interpreted."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def apply_language() -> str:
    """Make this run's language current before anything is drawn: the sidebar pick, else ``?lang=``, else the
    browser's language (``st.context.locale``), else English. The picker is bound to the URL, so a copied link
    carries the language and it holds across pages and reruns."""
    language = choose_language(state.language_wanted(), st.query_params.get(state.LANGUAGE), st.context.locale)
    set_language(language)
    return language


def language_picker(language: str) -> None:
    st.sidebar.selectbox(_("Language"), LANGUAGES, index=LANGUAGES.index(language), key=state.LANGUAGE,
                         format_func=LANGUAGE_NAMES.get, bind="query-params")


def apply_theme() -> None:
    from segcore.render import theme

    theme.enable_theme()


def _secrets() -> dict | None:
    try:
        return dict(st.secrets) if st.secrets else None
    except (FileNotFoundError, KeyError, AttributeError):  # no secrets file: nothing configured
        return None


def password_gate() -> bool:
    """Optional protection of the whole app, set in configuration (never in code).

    - Platform login: an ``[auth]`` section in secrets (OIDC, see PLATFORM.md §7) makes every visitor log in.
    - Password: SEGCORE_APP_PASSWORD or secrets ``app_password``.
    Share links bypass both: they are their own, revocable, read-only credential.
    """
    from segcore.store.access import app_password, check_password

    secrets = _secrets()
    if secrets and "auth" in secrets and not st.user.get("is_logged_in", False):
        st.title("segcore")
        st.caption("This studio is private. Log in with your organisation's account.")
        st.button("Log in", on_click=st.login, type="primary", icon=":material/login:")
        return False
    expected = app_password(secrets=secrets)
    if not expected or state.authenticated():
        return True
    st.title("segcore")
    with st.form("login"):
        given = st.text_input("Password", type="password", help="This studio is protected; ask its owner.")
        if st.form_submit_button("Open"):
            if check_password(given, expected):
                state.set_authenticated()
                st.rerun()
            st.error("That password is not right. Try again or ask the owner of this studio.")
    return False


def sidebar_status() -> None:
    data = state.dataset()
    with st.container():
        if data is None:
            st.caption("No data loaded yet.")
        else:
            st.markdown(f"**Data set:** {md(data.name)}")
            st.caption(f"{len(data.df):,} customers · {data.df.shape[1]} columns")
        done = state.progress()
        # Material icons ship with Streamlit; emoji need a system emoji font (missing on many Linux machines).
        steps = " → ".join((":material/check_circle: " if ok else ":material/radio_button_unchecked: ") + name
                           for name, ok in done.items())
        st.caption(steps)
        st.progress(sum(done.values()) / len(done), text=f"{sum(done.values())} of {len(done)} steps done")


def require(step: str) -> None:
    """Stop the page with a pointer to the step the user has to finish first."""
    st.info(f"This page needs the **{step}** step first.", icon=":material/arrow_back:")
    st.page_link(STEP_PAGES[step], label=f"Go to {step}", icon=":material/arrow_forward:")
    st.stop()


def show_error(error: SegcoreError, *, hint: str | None = None) -> None:
    st.error(md(error), icon=":material/error:")
    if hint:
        st.caption(hint)


def grade_badge(grade: str) -> str:
    colour = {"good": "green", "fair": "orange", "poor": "red"}.get(grade, "gray")
    return f":{colour}-badge[{grade.upper()}]"
