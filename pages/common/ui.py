"""Small rendering helpers shared by the pages: theme, sidebar, step gating, errors, safe text."""

from __future__ import annotations

import re
from datetime import datetime

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pages.common import state
from segcore.errors import SegcoreError
from segcore.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    _,
    choose_language,
    current_language,
    format_date,
    format_datetime,
    ngettext,
    set_language_resolver,
)

# Step names are marked here and translated where they are shown.
STEP_PAGES = {
    N_("Data"): "pages/data.py",
    N_("Features"): "pages/features.py",
    N_("Segments"): "pages/segments.py",
    N_("Profiles"): "pages/profiles.py",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """User text made inert for st.markdown: markdown and HTML characters are escaped, never interpreted."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def session_language() -> str | None:
    """This session's language: the sidebar pick, else ``?lang=``, else the browser's (``st.context.locale``).

    Installed as segcore.i18n's resolver when this module is imported, so every page, fragment and cached call of
    a session reads its own choice; outside a script run (background threads) it gives None (English).
    """
    if get_script_run_ctx() is None:
        return None
    return choose_language(state.language_wanted(), st.query_params.get(state.LANGUAGE), st.context.locale)


set_language_resolver(session_language)


def language_picker() -> None:
    """The sidebar picker; the choice holds across pages and is written to the URL (``?lang=``) on every run, so
    a copied link carries it (page changes drop query parameters, so a bound widget alone would lose it).

    The session's first language (from ``?lang=`` or the browser) is put in the picker's state before it is drawn.
    """
    if state.language_wanted() is None:
        st.session_state[state.LANGUAGE] = current_language()
    st.sidebar.selectbox(_("Language"), LANGUAGES, key=state.LANGUAGE, format_func=LANGUAGE_NAMES.get)
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        st.query_params.pop(state.LANGUAGE, None)
    elif st.query_params.get(state.LANGUAGE) != language:
        st.query_params[state.LANGUAGE] = language


# Streamlit tops every page with ~6rem of padding under its (here nearly empty) header: a band of white above the
# title. 3.5rem keeps the title clear of the header's sidebar and menu buttons.
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
</style>"""


def apply_theme() -> None:
    from segcore.render import theme

    theme.enable_theme()
    st.html(PAGE_CSS)  # style only: Streamlit puts it in the page's event container, it takes no space


def show_sidebar_navigation() -> None:
    """Let st.navigation draw the sidebar menu. ``client.showSidebarNavigation`` is false in config.toml so the
    legacy pages/ listing Streamlit sends before app.py first runs stays hidden; the option is process-wide."""
    if st.get_option("client.showSidebarNavigation") is False:
        st.set_option("client.showSidebarNavigation", True)


def sidebar_status() -> None:
    data = state.dataset()
    with st.container():
        if data is None:
            st.caption(_("No data loaded yet."))
        else:
            st.markdown(_("**Data set:** {name}", name=md(data.name)))
            st.caption(ngettext("{n} customer", "{n} customers", len(data.df)) + " · "
                       + ngettext("{n} column", "{n} columns", data.df.shape[1]))
        done = state.progress()
        # Material icons ship with Streamlit; emoji need a system emoji font (missing on many Linux machines).
        steps = " → ".join((":material/check_circle: " if ok else ":material/radio_button_unchecked: ") + name
                           for name, ok in ((_(step), ok) for step, ok in done.items()))
        st.caption(steps)
        st.progress(sum(done.values()) / len(done),
                    text=_("{done} of {total} steps done", done=sum(done.values()), total=len(done)))


def require(step: str) -> None:
    """Stop the page with a pointer to the step the user has to finish first."""
    st.info(_("This page needs the **{step}** step first.", step=_(step)), icon=":material/arrow_back:")
    st.page_link(STEP_PAGES[step], label=_("Go to {step}", step=_(step)), icon=":material/arrow_forward:")
    st.stop()


def show_error(error: SegcoreError, *, hint: str | None = None) -> None:
    st.error(md(error), icon=":material/error:")
    if hint:
        st.caption(hint)


GRADES = {"good": N_("good"), "fair": N_("fair"), "poor": N_("poor")}


def when(iso: str, *, length: str = "short") -> str:
    """A stored ISO timestamp (UTC) as the current language writes dates and times."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return format_datetime(moment, length=length) if length != "date" else format_date(moment)


def grade_label(grade: str) -> str:
    """A quality grade (good/fair/poor) in the current language."""
    return _(GRADES[grade]).capitalize() if grade in GRADES else str(grade).title()


def grade_badge(grade: str) -> str:
    colour = {"good": "green", "fair": "orange", "poor": "red"}.get(grade, "gray")
    label = grade_label(grade).upper()
    return f":{colour}-badge[{label}]"
