"""A saved segmentation drawn from its aggregate summary: the shared view and "Open" on the Share page."""

from __future__ import annotations

import streamlit as st

from pages.common import cards, ui
from segcore.i18n import _, format_number, format_percent, ngettext
from segcore.insight import summary
from segcore.insight.profile import Profile
from segcore.render import chartkit, charts, density, report, report_content, segment_charts


def render(view: dict, *, title: str, created_at: str, key: str) -> None:
    """Headline, cards, comparison, value concentration, density map and report downloads of one summary.

    ``view`` is ``build_summary`` output, or ``for_sharing`` of it for a read-only link. ``key`` keeps the
    download buttons of several rendered runs apart.
    """
    headline = view["headline"]
    cols = st.columns(4)
    cols[0].metric(_("Customers"), format_number(headline["customers"]))
    cols[1].metric(_("Segments"), headline["segments"])
    if headline.get("grade"):
        cols[2].metric(_("Quality"), ui.grade_label(headline["grade"]), help=headline.get("quality_explanation") or None)
    if headline.get("rules_fidelity") is not None:
        cols[3].metric(_("Rules match"), format_percent(headline["rules_fidelity"], digits=0),
                       help=_("Share of customers the simple CRM rules place in the same segment as the model."))
    cards.verdict(headline.get("structure"), headline.get("structure_reason"), tiers=bool(headline.get("value_tiers")),
                  stability=headline.get("stability"), low=headline.get("stability_low"),
                  high=headline.get("stability_high"))
    hidden = report_content.hidden_note(view)
    if hidden:
        st.caption(hidden)

    profiles = [Profile.from_dict(p) for p in view["profiles"]]
    st.subheader(_("Segments"))
    cards.card_grid(profiles, show_sql=True)

    names = {p.segment: p.name for p in profiles}
    effects = summary.effects_frame(view)
    if not effects.empty:
        st.subheader(_("Side by side"))
        st.altair_chart(chartkit.untitled(segment_charts.effect_heatmap(effects, segment_names=names)),
                        width="stretch")
    curve = summary.concentration_frame(view)
    if curve is not None:
        conc = view["concentration"]
        st.subheader(_("Where the value is"))
        st.caption(_("The top 20% of customers bring {share} of {column}.",
                     share=format_percent(conc["top20_share"], digits=0), column=ui.md(conc["value_column"])))
        st.altair_chart(chartkit.untitled(charts.pareto_chart(curve, conc["top20_share"])), width="stretch")
    if view.get("density") and view["density"]["cells"]:
        st.subheader(_("Customer map"))
        st.caption(_("Where segments sit relative to each other: each square counts customers, coloured by the "
                     "segment most of them belong to. No individual customer is shown."))
        # At its own square size: stretched to the column, the grid's squares would turn into wide rectangles.
        st.altair_chart(chartkit.untitled(density.density_chart(view["density"], names)), width="content")

    st.subheader(_("Take it with you"))
    subtitle = (ngettext("{n} customer", "{n} customers", headline["customers"]) + " · "
                + ngettext("{n} segment", "{n} segments", headline["segments"]))
    args = {"title": title, "subtitle": subtitle,
            "created_at": created_at}
    left, right = st.columns(2)
    left.download_button(_("Report (HTML, opens offline)"), lambda: report.html_report(view, **args),
                         "segment_report.html", "text/html", on_click="ignore", icon=":material/description:",
                         width="stretch", key=f"html_{key}")
    right.download_button(_("Report (PDF)"), lambda: report.pdf_report(view, **args), "segment_report.pdf",
                          "application/pdf", on_click="ignore", icon=":material/picture_as_pdf:", width="stretch",
                          key=f"pdf_{key}")
    rule = report_content.disclosure_note(view)
    if rule:
        st.caption(ui.md(rule), help="How this shared view keeps small groups of customers from being singled out.")
