"""The format-independent content of a report: the sentences, facts and charts both the HTML and the PDF show.

Everything here is built from the aggregate-only summary (``segcore.insight.summary.build_summary`` / ``for_sharing``) and is
plain text, not yet escaped: ``segcore.render.report_html`` escapes it for HTML and ``segcore.render.report_pdf`` replaces the
characters no font can draw. Keeping the wording in one place is what makes the two formats say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import altair as alt
import pandas as pd

from segcore.errors import SpecError
from segcore.i18n import N_, _, current_language, format_number, format_percent, ngettext
from segcore.i18n import format_date as locale_date
from segcore.insight.summary import concentration_frame, effects_frame
from segcore.model.stability import stability_band
from segcore.render.chartkit import untitled
from segcore.render.charts import pareto_chart
from segcore.render.density import density_chart, display_name, segment_colors
from segcore.render.segment_charts import effect_heatmap, size_chart
from segcore.render.theme import MUTED_COLOR

# Grade badge colours (Tailwind green/amber/red 600): the traffic-light a marketer reads without a legend.
GRADE_COLORS = {"good": "#16a34a", "fair": "#d97706", "poor": "#dc2626"}
GRADE_FALLBACK_COLOR = MUTED_COLOR
GRADE_LABELS = {"good": N_("good"), "fair": N_("fair"), "poor": N_("poor")}
# The HTML lang attribute per language (Simplified Chinese script for zh).
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ko": "ko", "ru": "ru"}
# The charts shown after the segment cards, in this order ("sizes" sits above the cards, without a heading).
CHARTS_AFTER_CARDS: tuple[str, ...] = ("effects", "pareto", "map")


@dataclass(frozen=True)
class ChartPart:
    """One chart of the report: a heading, a sentence under it, and the Altair chart to render."""

    key: str
    heading: str
    caption: str
    chart: alt.TopLevelMixin


def finite(x: Any) -> float | None:
    """``x`` as a float, or None when it is missing, not a number, NaN or infinite (shown as "n/a")."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def format_date(created_at: str | None) -> str:
    """'November 5, 2026' / '2026年11月5日' from an ISO date/time; today when None; the text itself when not ISO."""
    if created_at is None:
        d = date.today()
    else:
        try:
            d = datetime.fromisoformat(str(created_at)).date()
        except ValueError:
            return str(created_at)
    return locale_date(d, length="long")


def grade_label(grade: str) -> str:
    """A quality grade (good/fair/poor) in the current language, capitalised where the script has case."""
    return _(GRADE_LABELS[grade]).capitalize() if grade in GRADE_LABELS else str(grade).capitalize()


def html_lang() -> str:
    return HTML_LANG[current_language()]


def kpi_text(value: Any, fmt: str) -> str:
    x = finite(value)
    if x is None:
        return _("n/a")
    return format_percent(x, digits=0) if fmt == "percent" else format_number(x, digits=2 if abs(x) < 10 else 0)


def hidden_note(summary: Mapping[str, Any]) -> str:
    """'2 segments with fewer than 10 customers are not shown (about 15 customers).' or '' when nothing was hidden.

    In a shared summary a hidden segment can be a bigger one hidden with a small one (complementary suppression),
    so the note says "hidden" and gives the rounded total.
    """
    hidden = summary.get("hidden_segments") or {}
    count = int(hidden.get("count") or 0)
    if not count:
        return ""
    limit = int(summary.get("min_segment_size") or 0)
    people = int(hidden.get("customers") or 0)
    if summary.get("disclosure"):
        return ngettext(
            "{n} segment is not shown (about {people} customers): segments with fewer than {limit} customers are "
            "hidden, so that no small group of people can be singled out.",
            "{n} segments are not shown (about {people} customers): segments with fewer than {limit} customers "
            "are hidden, so that no small group of people can be singled out.",
            count, people=people, limit=limit,
        )
    return ngettext(
        "{n} segment is not shown ({people} customers): segments with fewer than {limit} customers are hidden, "
        "so that no small group of people can be singled out.",
        "{n} segments are not shown ({people} customers): segments with fewer than {limit} customers are hidden, "
        "so that no small group of people can be singled out.",
        count, people=people, limit=limit,
    )


def disclosure_note(summary: Mapping[str, Any]) -> str:
    """The disclosure-control rule a shared summary was made with ('' for the owner's own, unrounded report)."""
    return str((summary.get("disclosure") or {}).get("rule") or "")


STRUCTURE_WORDS = {
    "clear": N_("clear: distinct segments"),
    "weak": N_("weak: the segments overlap"),
    "none": N_("none: one continuous population (segments are cuts of a continuum)"),
}
STABILITY_WORDS = {
    "stable": N_("stable"),
    "unclear": N_("borders shift"),
    "dissolves": N_("dissolves: do not act on it alone"),
}


def quality_facts(headline: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the method-and-quality box, only for the figures the summary has."""
    facts = [(_("Method"), str(headline.get("method") or _("n/a")))]
    verdict = STRUCTURE_WORDS.get(str(headline.get("structure")))
    if verdict:
        facts.append((_("Natural groups"), _(verdict)))
    silhouette = finite(headline.get("silhouette"))
    if silhouette is not None:
        facts.append((_("Separation (silhouette, -1 to 1)"), format_number(silhouette, digits=2)))
    stability = finite(headline.get("stability"))
    if stability is not None:
        value = format_number(stability, digits=2)
        low, high = finite(headline.get("stability_low")), finite(headline.get("stability_high"))
        if low is not None and high is not None:
            value = _("{value} ({low} to {high} in 9 resamples of 10)", value=value,
                      low=format_number(low, digits=2), high=format_number(high, digits=2))
        facts.append((_("Stability on resampled data (0 to 1)"), value))
    fidelity = finite(headline.get("rules_fidelity"))
    if fidelity is not None:
        facts.append((_("Customers the rules place correctly"), format_percent(fidelity, digits=0)))
    return facts


def card_facts(profile: Mapping[str, Any]) -> str:
    """'1,240 customers · 12% of customers · 34% of value'."""
    parts = [
        ngettext("{n} customer", "{n} customers", int(profile["size"])),
        _("{share} of customers", share=format_percent(float(profile["share"]), digits=0)),
    ]
    value_share = finite(profile.get("value_share"))
    if value_share is not None:
        parts.append(_("{share} of value", share=format_percent(value_share, digits=0)))
    stability = finite(profile.get("stability"))
    if stability is not None:
        parts.append(_("stability {value} ({band})", value=format_number(stability, digits=2),
                       band=_(STABILITY_WORDS[stability_band(stability)])))
    return " · ".join(parts)


def lift_text(profile: Mapping[str, Any]) -> str:
    lift = finite(profile.get("lift"))
    return "" if lift is None else _("Outcome rate: {lift}× the overall rate", lift=format_number(lift, digits=2))


def precision_text(profile: Mapping[str, Any]) -> str:
    precision = finite(profile.get("rule_precision"))
    if precision is None:
        return ""
    return _("{share} of the customers these rules select are in this segment.",
             share=format_percent(precision, digits=0))


def top20_sentence(summary: Mapping[str, Any]) -> str:
    conc = summary.get("concentration")
    share = finite(conc.get("top20_share")) if conc else None
    if share is None:
        return ""
    return _("The top 20% of customers bring {share} of the total {column}.", share=format_percent(share, digits=0),
             column=conc.get("value_column") or _("value"))


# Charts the reports draw without a heading of their own (under "Segments"): they keep their chart title.
TITLED_BY_CHART = frozenset({"sizes"})


def chart_parts(summary: Mapping[str, Any]) -> tuple[list[ChartPart], list[str]]:
    """The report's charts (sizes, comparison heat map, Pareto, map) and notes for any left out."""
    profiles = list(summary.get("profiles") or [])
    names = {int(p["segment"]): display_name(p) for p in profiles}
    palette = segment_colors(profiles)
    parts: list[ChartPart] = []
    notes: list[str] = []
    builders: list[tuple[str, str, str, Callable[[], alt.TopLevelMixin]]] = []
    if profiles:
        sizes = pd.DataFrame(
            {
                "segment": [int(p["segment"]) for p in profiles],
                "segment_name": [display_name(p) for p in profiles],
                "size": [int(p["size"]) for p in profiles],
                "share": [float(p["share"]) for p in profiles],
            }
        )
        builders.append(("sizes", _("Segment sizes"), "", lambda: size_chart(sizes, palette=palette)))
    effects = summary.get("effects") or {}
    if effects.get("segments") and effects.get("columns"):
        builders.append(
            (
                "effects",
                _("How the segments compare"),
                _("Orange: above the average customer; blue: below. Numbers are standard deviations."),
                lambda: effect_heatmap(effects_frame(summary), segment_names=names),
            )
        )
    curve = concentration_frame(summary)
    if curve is not None and finite(summary["concentration"].get("top20_share")) is not None:
        top20 = float(summary["concentration"]["top20_share"])
        builders.append(
            ("pareto", _("Value concentration"), top20_sentence(summary), lambda: pareto_chart(curve, top20))
        )
    density = summary.get("density")
    if density and density.get("cells"):
        builders.append(
            (
                "map",
                _("Segment map"),
                _("Customers placed so that similar ones are close; each square shows its most common segment."),
                lambda: density_chart(density, names, palette=palette),
            )
        )
    for key, heading, caption, build in builders:
        try:
            chart = build() if key in TITLED_BY_CHART else untitled(build())  # one title: the heading, or its own
            parts.append(ChartPart(key, heading, caption, chart))
        except SpecError as error:  # an empty or inconsistent part of the summary: say so, keep the rest
            notes.append(_("The chart '{chart}' is left out: {error}", chart=heading, error=error))
    return parts, notes


__all__ = [
    "CHARTS_AFTER_CARDS",
    "GRADE_COLORS",
    "GRADE_FALLBACK_COLOR",
    "ChartPart",
    "card_facts",
    "chart_parts",
    "finite",
    "format_date",
    "grade_label",
    "html_lang",
    "hidden_note",
    "disclosure_note",
    "kpi_text",
    "lift_text",
    "precision_text",
    "quality_facts",
    "top20_sentence",
]
