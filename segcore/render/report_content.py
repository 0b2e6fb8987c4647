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
from segcore.insight.sentences import fmt_number, fmt_percent
from segcore.insight.summary import concentration_frame, effects_frame
from segcore.render.charts import pareto_chart
from segcore.render.density import density_chart, display_name, segment_colors
from segcore.render.segment_charts import effect_heatmap, size_chart
from segcore.render.theme import MUTED_COLOR

# Grade badge colours (Tailwind green/amber/red 600): the traffic-light a marketer reads without a legend.
GRADE_COLORS = {"good": "#16a34a", "fair": "#d97706", "poor": "#dc2626"}
GRADE_FALLBACK_COLOR = MUTED_COLOR
# The charts shown after the segment cards, in this order ("sizes" sits above the cards, without a heading).
CHARTS_AFTER_CARDS: tuple[str, ...] = ("effects", "pareto", "map")


@dataclass(frozen=True)
class ChartPart:
    """One chart of the report: a heading, a sentence under it, and the Altair chart to render."""

    key: str
    heading: str
    caption: str
    chart: alt.TopLevelMixin


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


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
    """'5 November 2026' from an ISO date/time; today when None; the text itself when it is not ISO."""
    if created_at is None:
        d = date.today()
    else:
        try:
            d = datetime.fromisoformat(str(created_at)).date()
        except ValueError:
            return str(created_at)
    return f"{d.day} {d:%B %Y}"


def kpi_text(value: Any, fmt: str) -> str:
    x = finite(value)
    if x is None:
        return "n/a"
    return fmt_percent(x) if fmt == "percent" else fmt_number(x)


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
    verb = "is" if count == 1 else "are"
    people = int(hidden.get("customers") or 0)
    about = "about " if summary.get("disclosure") else ""
    return (
        f"{_plural(count, 'segment')} {verb} not shown ({about}{_plural(people, 'customer')}): "
        f"segments with fewer than {limit:,} customers are hidden, so that no small group of people can be "
        "singled out."
    )


def disclosure_note(summary: Mapping[str, Any]) -> str:
    """The disclosure-control rule a shared summary was made with ('' for the owner's own, unrounded report)."""
    return str((summary.get("disclosure") or {}).get("rule") or "")


def quality_facts(headline: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the method-and-quality box, only for the figures the summary has."""
    facts = [("Method", str(headline.get("method") or "n/a"))]
    silhouette = finite(headline.get("silhouette"))
    if silhouette is not None:
        facts.append(("Separation (silhouette, -1 to 1)", f"{silhouette:.2f}"))
    stability = finite(headline.get("stability"))
    if stability is not None:
        facts.append(("Stability on resampled data (0 to 1)", f"{stability:.2f}"))
    fidelity = finite(headline.get("rules_fidelity"))
    if fidelity is not None:
        facts.append(("Customers the rules place correctly", fmt_percent(fidelity)))
    return facts


def card_facts(profile: Mapping[str, Any]) -> str:
    """'1,240 customers · 12% of customers · 34% of value'."""
    parts = [
        _plural(int(profile["size"]), "customer"),
        f"{fmt_percent(float(profile['share']))} of customers",
    ]
    value_share = finite(profile.get("value_share"))
    if value_share is not None:
        parts.append(f"{fmt_percent(value_share)} of value")
    return " · ".join(parts)


def lift_text(profile: Mapping[str, Any]) -> str:
    lift = finite(profile.get("lift"))
    return "" if lift is None else f"Outcome rate: {lift:.2f}x the overall rate"


def precision_text(profile: Mapping[str, Any]) -> str:
    precision = finite(profile.get("rule_precision"))
    if precision is None:
        return ""
    return f"{fmt_percent(precision)} of the customers these rules select are in this segment."


def top20_sentence(summary: Mapping[str, Any]) -> str:
    conc = summary.get("concentration")
    share = finite(conc.get("top20_share")) if conc else None
    if share is None:
        return ""
    return f"The top 20% of customers bring {fmt_percent(share)} of the total {conc.get('value_column', 'value')}."


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
        builders.append(("sizes", "Segment sizes", "", lambda: size_chart(sizes, palette=palette)))
    effects = summary.get("effects") or {}
    if effects.get("segments") and effects.get("columns"):
        builders.append(
            (
                "effects",
                "How the segments compare",
                "Orange: above the average customer; blue: below. Numbers are standard deviations.",
                lambda: effect_heatmap(effects_frame(summary), names),
            )
        )
    curve = concentration_frame(summary)
    if curve is not None and finite(summary["concentration"].get("top20_share")) is not None:
        top20 = float(summary["concentration"]["top20_share"])
        builders.append(
            ("pareto", "Value concentration", top20_sentence(summary), lambda: pareto_chart(curve, top20))
        )
    density = summary.get("density")
    if density and density.get("cells"):
        builders.append(
            (
                "map",
                "Segment map",
                "Customers placed so that similar ones are close; each square shows its most common segment.",
                lambda: density_chart(density, names, palette=palette),
            )
        )
    for key, heading, caption, build in builders:
        try:
            parts.append(ChartPart(key, heading, caption, build()))
        except SpecError as error:  # an empty or inconsistent part of the summary: say so, keep the rest
            notes.append(f"The chart '{heading}' is left out: {error}")
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
    "hidden_note",
    "disclosure_note",
    "kpi_text",
    "lift_text",
    "precision_text",
    "quality_facts",
    "top20_sentence",
]
