"""segcore studio: the router and the frame (navigation, sidebar, state). No computation here."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
# Served by this server (Streamlit's media files): a ":material/...:" page icon would be fetched from
# fonts.gstatic.com by every browser that opens the studio, and nothing may leave the machine.
PAGE_ICON = ROOT / "assets" / "page_icon.png"
if str(ROOT) not in sys.path:  # pages import their helpers as `pages.common.*`, wherever streamlit is started
    sys.path.insert(0, str(ROOT))

from pages.common import jobs, signin, state, ui  # noqa: E402
from segcore.i18n import _  # noqa: E402

state.init()
st.set_page_config(page_title=_("segcore · customer segments"), page_icon=str(PAGE_ICON), layout="wide")
ui.apply_theme()
ui.language_picker()

share_token = st.query_params.get("share")
if share_token:
    shared = st.Page("pages/shared_view.py", title=_("Shared segmentation"), url_path="shared", default=True)
    st.navigation([shared], position="hidden").run()
    st.stop()

if not signin.gate():  # sign-in on anything but localhost (or an explicit open demo): segcore.store.access
    # Register a navigation holding only the prompt: with none, Streamlit would fall back to serving pages/*.py
    # by URL (its legacy multipage mode), and /share would run without this gate.
    st.navigation([st.Page(signin.prompt_page, title="segcore", url_path="signin", default=True)],
                  position="hidden").run()
    st.stop()

jobs.warm_up()
# Titles are translated on every run; url_path stays fixed so links work in every language.
PAGES = {
    _("Segment your customers"): [
        st.Page("pages/data.py", title=_("1 · Data"), icon=":material/upload_file:", url_path="data", default=True),
        st.Page("pages/features.py", title=_("2 · Features"), icon=":material/tune:", url_path="features"),
        st.Page("pages/segments.py", title=_("3 · Segments"), icon=":material/scatter_plot:", url_path="segments"),
        st.Page("pages/profiles.py", title=_("4 · Profiles"), icon=":material/badge:", url_path="profiles"),
    ],
    _("Share"): [st.Page("pages/share.py", title=_("Saved & shared"), icon=":material/share:", url_path="share")],
}
ui.show_sidebar_navigation()  # off in config.toml, so the raw pages/ file list never shows before this point
navigation = st.navigation(PAGES, position="sidebar")
status = st.sidebar.container()  # filled after the page ran, so the step it just completed counts
try:
    navigation.run()
finally:
    with status:
        ui.sidebar_status()
