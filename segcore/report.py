"""The report of a segmentation: one self-contained HTML file and a PDF with the same content and look.

Both are built from the aggregate-only summary (``segcore.summary.build_summary`` / ``for_sharing``), so a report
never holds a customer row. The HTML opens offline in any browser: CSS inline, charts as inline SVG rendered
locally by vl-convert, no script tag, no web font, no remote image. Every piece of user text (titles, segment names,
column names inside traits, rules and SQL) is HTML-escaped; chart text is escaped by vl-convert's SVG writer and the
SVG is checked before it is inlined. The PDF (fpdf2) uses DejaVu Sans when installed so Cyrillic, Greek and accents
print, a CJK font as fallback when one exists, and otherwise shows "?" for characters no font has, saying so.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
from markupsafe import escape

from segcore.charts import chart_png, chart_svg, effect_heatmap, pareto_chart, size_chart
from segcore.density import density_chart, display_name, segment_color, segment_colors
from segcore.errors import SpecError
from segcore.profile import fmt_number, fmt_percent
from segcore.summary import concentration_frame, effects_frame
from segcore.theme import GRID_COLOR, MUTED_COLOR, PRIMARY, TEXT_COLOR

# Grade badge colours (Tailwind green/amber/red 600): the traffic-light a marketer reads without a legend.
GRADE_COLORS = {"good": "#16a34a", "fair": "#d97706", "poor": "#dc2626"}
GRADE_FALLBACK_COLOR = MUTED_COLOR
# Amber-700 for the "segments hidden" line in the PDF: a caution, not an error.
NOTE_COLOR = "#b45309"
# Where fonts live on Debian/Ubuntu, Fedora, Arch, macOS and Windows; searched in this order.
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".local/share/fonts"),
    str(Path.home() / ".fonts"),
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
# DejaVu covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic letters: every alphabet our users sent.
UNICODE_FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MONO_FONT = "DejaVuSansMono.ttf"
# Chinese, Japanese and Korean need a CJK font; the first one found becomes fpdf2's fallback font.
CJK_FONTS: tuple[str, ...] = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.ttf",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "msyh.ttc",
)
# A4 portrait with 15 mm margins: the printer default in every market we ship to.
PAGE_MARGIN_MM = 15
# vl-convert PNGs are rendered at 2x: 2 image pixels per CSS pixel, and a CSS pixel is 0.2646 mm.
PNG_PIXELS_PER_CSS_PX = 2.0
MM_PER_CSS_PX = 25.4 / 96
# Room for a heading and a one-line caption above a chart, kept on the chart's page.
CHART_HEADING_MM = 22
# Text sizes in pt: body copy readable on paper, headings one clear step up.
PDF_BODY_PT = 9.5
PDF_SMALL_PT = 8
PDF_H2_PT = 14
PDF_TITLE_PT = 20
# What the PDF prints in place of a character no installed font can draw.
MISSING_GLYPH = "?"
# SVG elements that could run code, embed a document or load something; vl-convert never writes them.
UNSAFE_SVG_TAGS = frozenset(
    {"script", "foreignobject", "iframe", "object", "embed", "image", "audio", "video"}
)
SVG_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


# ------------------------------------------------------------------------------------------- shared content
@dataclass(frozen=True)
class ChartPart:
    """One chart of the report: a heading, a sentence under it, and the Altair chart to render."""

    key: str
    heading: str
    caption: str
    chart: alt.TopLevelMixin


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _num(x: Any) -> float | None:
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
    x = _num(value)
    if x is None:
        return "n/a"
    return fmt_percent(x) if fmt == "percent" else fmt_number(x)


def hidden_note(summary: Mapping[str, Any]) -> str:
    """'2 segments with fewer than 10 customers are not shown (13 customers).' or '' when nothing was hidden."""
    hidden = summary.get("hidden_segments") or {}
    count = int(hidden.get("count") or 0)
    if not count:
        return ""
    limit = int(summary.get("min_segment_size") or 0)
    verb = "is" if count == 1 else "are"
    people = int(hidden.get("customers") or 0)
    return (
        f"{_plural(count, 'segment')} with fewer than {limit:,} customers {verb} not shown "
        f"({_plural(people, 'customer')}), so that no small group of people can be singled out."
    )


def quality_facts(headline: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the method-and-quality box, only for the figures the summary has."""
    facts = [("Method", str(headline.get("method") or "n/a"))]
    silhouette = _num(headline.get("silhouette"))
    if silhouette is not None:
        facts.append(("Separation (silhouette, -1 to 1)", f"{silhouette:.2f}"))
    stability = _num(headline.get("stability"))
    if stability is not None:
        facts.append(("Stability on resampled data (0 to 1)", f"{stability:.2f}"))
    fidelity = _num(headline.get("rules_fidelity"))
    if fidelity is not None:
        facts.append(("Customers the rules place correctly", fmt_percent(fidelity)))
    return facts


def card_facts(profile: Mapping[str, Any]) -> str:
    """'1,240 customers · 12% of customers · 34% of value'."""
    parts = [
        _plural(int(profile["size"]), "customer"),
        f"{fmt_percent(float(profile['share']))} of customers",
    ]
    value_share = _num(profile.get("value_share"))
    if value_share is not None:
        parts.append(f"{fmt_percent(value_share)} of value")
    return " · ".join(parts)


def lift_text(profile: Mapping[str, Any]) -> str:
    lift = _num(profile.get("lift"))
    return "" if lift is None else f"Outcome rate: {lift:.2f}x the overall rate"


def precision_text(profile: Mapping[str, Any]) -> str:
    precision = _num(profile.get("rule_precision"))
    if precision is None:
        return ""
    return f"{fmt_percent(precision)} of the customers these rules select are in this segment."


def top20_sentence(summary: Mapping[str, Any]) -> str:
    conc = summary.get("concentration")
    share = _num(conc.get("top20_share")) if conc else None
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
    if curve is not None and _num(summary["concentration"].get("top20_share")) is not None:
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


# ---------------------------------------------------------------------------------------------------- HTML
CSS = f"""
*{{box-sizing:border-box}}
body{{margin:0;background:#f8fafc;color:{TEXT_COLOR};
 font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}}
main{{max-width:1080px;margin:0 auto;padding:32px 24px 48px}}
h1{{font-size:28px;margin:0 0 4px}} h2{{font-size:20px;margin:32px 0 12px}} h3{{font-size:17px;margin:0}}
.muted{{color:{MUTED_COLOR}}} .small{{font-size:13px}}
.card{{background:#fff;border:1px solid {GRID_COLOR};border-radius:12px;padding:16px 20px;margin:0 0 16px;
 break-inside:avoid;page-break-inside:avoid}}
.grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}}
.grid .card{{margin:0}}
.stats{{display:flex;flex-wrap:wrap;gap:16px}}
.stat{{flex:1 1 160px}} .stat b{{display:block;font-size:26px;color:{PRIMARY}}}
.badge{{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff;font-weight:600;font-size:13px}}
.pin{{background:{MUTED_COLOR}}}
.chip{{display:inline-block;width:14px;height:14px;border-radius:4px;margin-right:8px;vertical-align:-1px}}
table{{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}}
th,td{{text-align:left;padding:3px 6px;border-bottom:1px solid {GRID_COLOR}}} td.n,th.n{{text-align:right}}
ul{{margin:6px 0;padding-left:20px}} .action{{background:#eff6ff;border-radius:8px;padding:8px 12px;margin:8px 0}}
pre{{background:#f1f5f9;border-radius:8px;padding:8px 12px;white-space:pre-wrap;word-break:break-word;
 font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}}
.chart{{padding-left:40px}}
.chart svg{{max-width:100%;height:auto;overflow:visible}}
.note{{background:#fffbeb;border:1px solid #fde68a;border-radius:8px;padding:8px 12px;margin:8px 0}}
footer{{margin-top:32px;font-size:12px;color:{MUTED_COLOR}}}
@media print{{body{{background:#fff}} main{{padding:0}} h2{{break-after:avoid}}}}
"""


def _e(value: Any) -> str:
    """HTML-escape any user text (also quotes, so it is safe inside attributes)."""
    return str(escape("" if value is None else str(value)))


def _unsafe_svg_reason(svg: str) -> str:
    """Why this SVG must not be inlined ('' when it is safe): parsed, so escaped user text never trips the check."""
    import xml.etree.ElementTree as ET  # vl-convert output only; expat refuses entity-expansion bombs

    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        return f"it is not valid SVG ({error})"
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in UNSAFE_SVG_TAGS:
            return f"it contains a <{tag}> element"
        for name, value in element.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                return f"it contains an event handler ({attr})"
            if attr in ("href", "src") and not value.strip().startswith("#"):
                return "it links to something outside the report"
            if re.search(r"url\(\s*['\"]?\s*(?!#)", value) or "javascript:" in value.lower():
                return "it refers to something outside the report"
    return ""


def safe_svg(svg: str, *, prefix: str) -> str:
    """vl-convert SVG ready to inline: no XML prolog or namespace URLs, ids unique per chart, nothing executable.

    Raises SpecError if the SVG holds anything that could run code or load a resource (it never should: Vega
    escapes all text, which the parse-based check relies on).
    """
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    reason = _unsafe_svg_reason(svg)
    if reason:
        raise SpecError(f"A chart was left out of the report because {reason}.")
    svg = SVG_NAMESPACES.sub("", svg)
    # Several charts in one page share the id namespace: "gradient_0" of one chart must not colour another.
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _html_card(profile: Mapping[str, Any], color: str, *, show_sql: bool) -> Iterator[str]:
    pinned = ' <span class="badge pin">Pinned rule</span>' if profile.get("pinned") else ""
    yield '<section class="card">'
    yield f'<h3><span class="chip" style="background:{_e(color)}"></span>{_e(display_name(profile))}{pinned}</h3>'
    yield f'<div class="muted small">{_e(card_facts(profile))}</div>'
    traits = [t.get("sentence") for t in profile.get("traits") or [] if t.get("sentence")]
    if traits:
        yield "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in traits) + "</ul>"
    kpis = list(profile.get("kpis") or [])
    if kpis:
        yield '<table><tr><th>Measure</th><th class="n">Segment</th><th class="n">All customers</th></tr>'
        for k in kpis:
            fmt = str(k.get("fmt") or "number")
            yield (
                f'<tr><td>{_e(k.get("label"))}</td><td class="n">{_e(kpi_text(k.get("value"), fmt))}</td>'
                f'<td class="n">{_e(kpi_text(k.get("overall"), fmt))}</td></tr>'
            )
        yield "</table>"
    if lift_text(profile):
        yield f'<div class="small">{_e(lift_text(profile))}</div>'
    if profile.get("action"):
        yield f'<div class="action"><b>Suggested action:</b> {_e(profile["action"])}</div>'
    rules = [r for r in profile.get("rules") or [] if r]
    if rules:
        yield '<div class="small"><b>Who is in it</b> (customers matching any line):</div>'
        yield '<ul class="small">' + "".join(f"<li>{_e(r)}</li>" for r in rules) + "</ul>"
        if precision_text(profile):
            yield f'<div class="small muted">{_e(precision_text(profile))}</div>'
    if show_sql and profile.get("sql"):
        yield f"<pre><code>WHERE {_e(profile['sql'])}</code></pre>"
    yield "</section>"


def _html_quality(headline: Mapping[str, Any]) -> Iterator[str]:
    grade = str(headline.get("grade") or "")
    color = GRADE_COLORS.get(grade, GRADE_FALLBACK_COLOR)
    yield '<section class="card"><h3>Method and quality '
    if grade:
        yield f'<span class="badge" style="background:{color}">{_e(grade.capitalize())}</span>'
    yield "</h3>"
    if headline.get("quality_explanation"):
        yield f"<p>{_e(headline['quality_explanation'])}</p>"
    yield "<table>" + "".join(
        f'<tr><td>{_e(k)}</td><td class="n">{_e(v)}</td></tr>' for k, v in quality_facts(headline)
    )
    yield "</table></section>"


def html_report(
    summary: dict,
    *,
    title: str,
    subtitle: str = "",
    created_at: str | None = None,
    data_summary: str = "",
    show_sql: bool = True,
) -> str:
    """The report as ONE self-contained HTML document (str): opens offline, no script, no external resource.

    ``summary`` is ``build_summary()`` or ``for_sharing()`` output; ``show_sql=False`` leaves out the SQL filters
    (for readers outside the data team). All user text is escaped.
    """
    headline = summary.get("headline") or {}
    profiles = list(summary.get("profiles") or [])
    color_of = {int(p["segment"]): segment_color(int(p["segment"])) for p in profiles}
    parts, chart_notes = chart_parts(summary)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1>",
    ]
    if subtitle:
        out.append(f'<div class="muted">{_e(subtitle)}</div>')
    out.append(f'<div class="muted small">{_e(format_date(created_at))}')
    if data_summary:
        out.append(f" · {_e(data_summary)}")
    out.append("</div></header>")

    customers = int(headline.get("customers") or 0)
    out.append('<section class="card stats">')
    out.append(f'<div class="stat"><b>{customers:,}</b>customers</div>')
    out.append(f'<div class="stat"><b>{int(headline.get("segments") or 0):,}</b>segments</div>')
    conc = summary.get("concentration")
    if conc and _num(conc.get("top20_share")) is not None:
        out.append(
            f'<div class="stat"><b>{_e(fmt_percent(float(conc["top20_share"])))}</b>'
            f"of value from the top 20% of customers</div>"
        )
    out.append("</section>")
    out.extend(_html_quality(headline))
    note = hidden_note(summary)
    if note:
        out.append(f'<div class="note">{_e(note)}</div>')

    rendered: dict[str, str] = {}
    for i, part in enumerate(parts):
        try:
            rendered[part.key] = safe_svg(chart_svg(part.chart), prefix=f"c{i}")
        except SpecError as error:
            chart_notes.append(f"The chart '{part.heading}' is left out: {error}")

    def chart_block(key: str, *, heading: bool = True) -> Iterator[str]:
        part = next((p for p in parts if p.key == key), None)
        if part is None or key not in rendered:
            return
        if heading:
            yield f"<h2>{_e(part.heading)}</h2>"
        yield '<section class="card chart">'
        if part.caption:
            yield f'<p class="muted small">{_e(part.caption)}</p>'
        yield rendered[key] + "</section>"

    out.append("<h2>Segments</h2>")
    out.extend(chart_block("sizes", heading=False))
    out.append('<div class="grid">')
    for p in profiles:
        out.extend(_html_card(p, color_of[int(p["segment"])], show_sql=show_sql))
    out.append("</div>")
    for key in ("effects", "pareto", "map"):
        out.extend(chart_block(key))
    notes = [*(str(n) for n in summary.get("notes") or []), *chart_notes]
    if notes:
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    out.append(
        "<footer>Made with segcore. This report holds aggregate figures only: no customer-level data.</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------------- PDF
@dataclass(frozen=True)
class PdfFonts:
    """The fonts found for the PDF: family names to use and the code points they can draw."""

    body: str
    mono: str
    files: tuple[tuple[str, str, str], ...]  # (family, style, path) to add_font
    fallback: tuple[str, ...]  # fallback family names (CJK)
    covered: frozenset[int]
    unicode: bool


def _find_font(name: str, dirs: Sequence[str]) -> str | None:
    for folder in dirs:
        root = Path(folder)
        if not root.is_dir():
            continue
        direct = root / name
        if direct.is_file():
            return str(direct)
        for path in root.rglob(name):
            return str(path)
    return None


def _cmap(path: str) -> set[int]:
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools; lazy so HTML-only callers skip it

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return set(font.getBestCmap() or {})


@lru_cache(maxsize=4)
def find_fonts(dirs: tuple[str, ...] = FONT_DIRS) -> PdfFonts:
    """DejaVu Sans (+ Bold, Mono) and a CJK fallback when installed; else the core Helvetica (Latin-1 only)."""
    regular = _find_font(UNICODE_FONTS[""], dirs)
    if regular is None:
        return PdfFonts("helvetica", "courier", (), (), frozenset(range(32, 256)), unicode=False)
    files = [("dejavu", "", regular)]
    bold = _find_font(UNICODE_FONTS["B"], dirs)
    files.append(("dejavu", "B", bold or regular))
    covered = _cmap(regular)
    mono_path = _find_font(MONO_FONT, dirs)
    mono = "dejavu"
    if mono_path:
        files.append(("dejavumono", "", mono_path))
        mono = "dejavumono"
    fallback: list[str] = []
    for name in CJK_FONTS:
        path = _find_font(name, dirs)
        if path:
            files.extend([("cjk", "", path), ("cjk", "B", path)])
            covered |= _cmap(path)
            fallback.append("cjk")
            break
    return PdfFonts("dejavu", mono, tuple(files), tuple(fallback), frozenset(covered), unicode=True)


def _strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, Mapping):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from _strings(v)


class _Pdf:
    """Draws the report with fpdf2; ``text()`` replaces characters no font has, so output never fails on them."""

    def __init__(self, fonts: PdfFonts) -> None:
        from fpdf import FPDF  # lazy: fpdf2 is only needed when someone asks for a PDF

        class _Doc(FPDF):
            def footer(doc) -> None:
                doc.set_y(-10)
                doc.set_font(fonts.body, "", PDF_SMALL_PT)
                doc.set_text_color(MUTED_COLOR)
                doc.cell(
                    0, 5, f"Aggregate figures only: no customer-level data.   Page {doc.page_no()}", align="R"
                )

        self.fonts = fonts
        self.doc = _Doc(orientation="portrait", unit="mm", format="A4")
        self.doc.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
        self.doc.set_auto_page_break(True, margin=PAGE_MARGIN_MM)
        for family, style, path in fonts.files:
            self.doc.add_font(family, style, path)
        if fonts.fallback:
            self.doc.set_fallback_fonts(list(fonts.fallback), exact_match=False)
        # Core fonts have no bullet character; a hyphen reads the same on paper.
        self.bullet = "•" if fonts.unicode else "-"
        self.doc.add_page()

    def text(self, value: Any) -> str:
        covered = self.fonts.covered
        return "".join(ch if ch in "\n\t" or ord(ch) in covered else MISSING_GLYPH for ch in str(value))

    def write(
        self,
        pdf,
        value: str,
        *,
        size: float = PDF_BODY_PT,
        bold: bool = False,
        color: str = TEXT_COLOR,
        mono: bool = False,
        height: float | None = None,
        indent: float = 0.0,
    ) -> None:
        pdf.set_font(self.fonts.mono if mono else self.fonts.body, "B" if bold else "", size)
        pdf.set_text_color(color)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            pdf.epw - indent, height or size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT", align="L"
        )

    def heading(self, value: str) -> None:
        doc = self.doc
        if doc.will_page_break(30):  # a heading alone at the foot of a page reads as a mistake
            doc.add_page()
        doc.ln(3)
        self.write(doc, value, size=PDF_H2_PT, bold=True, height=8)
        doc.ln(1)

    def keep_together(self, draw: Callable[[Any], None]) -> None:
        """Draw on a dry run first; start a new page when the block would split (unless it is taller than a page)."""
        doc = self.doc
        with doc.offset_rendering() as dummy:
            draw(dummy)
        at_top = doc.y <= doc.t_margin + 1
        if dummy.page_break_triggered and not at_top:
            doc.add_page()
        draw(doc)

    def image_size(self, png: bytes) -> tuple[float, float]:
        """(width, height) in mm at which a vl-convert PNG prints: its CSS size, shrunk to fit one page."""
        doc = self.doc
        width_px = int.from_bytes(png[16:20], "big") / PNG_PIXELS_PER_CSS_PX  # PNG IHDR: width, height
        height_px = int.from_bytes(png[20:24], "big") / PNG_PIXELS_PER_CSS_PX
        w = min(doc.epw, width_px * MM_PER_CSS_PX)
        h = w * height_px / max(width_px, 1)
        max_h = doc.eph - CHART_HEADING_MM
        if h > max_h:
            w, h = w * max_h / h, max_h
        return w, h

    def image(self, png: bytes, w: float, h: float) -> None:
        doc = self.doc
        if doc.will_page_break(h):
            doc.add_page()
        doc.image(io.BytesIO(png), x=doc.l_margin, y=doc.y, w=w, h=h)
        doc.set_y(doc.y + h + 2)


def _pdf_card(r: _Pdf, profile: Mapping[str, Any], color: str, *, show_sql: bool) -> Callable[[Any], None]:
    def draw(pdf) -> None:
        top = pdf.y
        pdf.set_y(top + 3)
        pdf.set_fill_color(color)
        pdf.rect(pdf.l_margin + 3, pdf.y + 0.8, 4, 4, style="F", round_corners=True, corner_radius=1)
        name = display_name(profile) + ("  (pinned rule)" if profile.get("pinned") else "")
        r.write(pdf, name, size=12, bold=True, height=6, indent=9)
        r.write(pdf, card_facts(profile), size=PDF_SMALL_PT, color=MUTED_COLOR, indent=3)
        pdf.ln(1)
        for t in profile.get("traits") or []:
            if t.get("sentence"):
                r.write(pdf, f"{r.bullet}  {t['sentence']}", indent=5)
        kpis = list(profile.get("kpis") or [])
        if kpis:
            pdf.ln(1)
            pdf.set_font(r.fonts.body, "B", PDF_SMALL_PT)
            pdf.set_text_color(MUTED_COLOR)
            label_w = pdf.epw - 6 - 60
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(label_w, 4.5, "Measure")
            pdf.cell(30, 4.5, "Segment", align="R")
            pdf.cell(30, 4.5, "All customers", align="R", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(r.fonts.body, "", PDF_SMALL_PT)
            pdf.set_text_color(TEXT_COLOR)
            for k in kpis:
                fmt = str(k.get("fmt") or "number")
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(label_w, 4.5, r.text(k.get("label") or ""))
                pdf.cell(30, 4.5, kpi_text(k.get("value"), fmt), align="R")
                pdf.cell(30, 4.5, kpi_text(k.get("overall"), fmt), align="R", new_x="LMARGIN", new_y="NEXT")
        if lift_text(profile):
            r.write(pdf, lift_text(profile), size=PDF_SMALL_PT, indent=3)
        if profile.get("action"):
            pdf.ln(1)
            r.write(pdf, f"Suggested action: {profile['action']}", bold=True, color=PRIMARY, indent=3)
        rules = [x for x in profile.get("rules") or [] if x]
        if rules:
            pdf.ln(1)
            r.write(
                pdf, "Who is in it (customers matching any line):", size=PDF_SMALL_PT, bold=True, indent=3
            )
            for rule in rules:
                r.write(pdf, f"{r.bullet}  {rule}", size=PDF_SMALL_PT, indent=5)
            if precision_text(profile):
                r.write(pdf, precision_text(profile), size=PDF_SMALL_PT, color=MUTED_COLOR, indent=3)
        if show_sql and profile.get("sql"):
            pdf.ln(1)
            r.write(pdf, f"WHERE {profile['sql']}", size=7.5, mono=True, color=MUTED_COLOR, indent=3)
        pdf.ln(2)
        pdf.set_draw_color(GRID_COLOR)
        pdf.set_line_width(0.3)
        pdf.rect(pdf.l_margin, top, pdf.epw, pdf.y - top, style="D", round_corners=True, corner_radius=3)
        pdf.ln(3)

    return draw


def pdf_report(
    summary: dict,
    *,
    title: str,
    subtitle: str = "",
    created_at: str | None = None,
    data_summary: str = "",
    show_sql: bool = True,
) -> bytes:
    """The same report as ``html_report`` as PDF bytes (A4): cards never split across pages unless taller than one.

    Uses DejaVu Sans (and a CJK font as fallback) when installed; otherwise Helvetica with "?" for characters it
    cannot print, and a visible line saying so.
    """
    fonts = find_fonts(tuple(FONT_DIRS))
    r = _Pdf(fonts)
    doc = r.doc
    doc.set_title(r.text(title))
    headline = summary.get("headline") or {}
    profiles = list(summary.get("profiles") or [])
    color_of = {int(p["segment"]): segment_color(int(p["segment"])) for p in profiles}
    parts, chart_notes = chart_parts(summary)

    r.write(doc, title, size=PDF_TITLE_PT, bold=True, height=10)
    if subtitle:
        r.write(doc, subtitle, size=11, color=MUTED_COLOR, height=6)
    r.write(
        doc,
        " · ".join(x for x in (format_date(created_at), data_summary) if x),
        size=PDF_SMALL_PT,
        color=MUTED_COLOR,
    )
    texts = [title, subtitle, data_summary, *_strings(summary)]
    if not fonts.unicode:
        r.write(
            doc,
            "No Unicode font (DejaVu Sans) was found on this computer: letters outside Western European "
            "alphabets are printed as '?'. Install fonts-dejavu for a complete PDF.",
            bold=True,
            color=GRADE_COLORS["poor"],
        )
    elif any(ord(ch) not in fonts.covered for t in texts for ch in t if ch not in "\n\t"):
        r.write(
            doc,
            "Some characters (for example Chinese, Japanese or Korean) have no font on this computer and "
            "are printed as '?'. Install a Noto CJK font for a complete PDF.",
            bold=True,
            color=GRADE_COLORS["poor"],
        )
    doc.ln(3)

    customers = int(headline.get("customers") or 0)
    stats = [f"{customers:,} customers", f"{int(headline.get('segments') or 0):,} segments"]
    r.write(doc, "   ·   ".join(stats), size=13, bold=True, color=PRIMARY, height=7)
    if top20_sentence(summary):
        r.write(doc, top20_sentence(summary))
    doc.ln(2)
    grade = str(headline.get("grade") or "")

    def quality(pdf) -> None:
        r.write(
            pdf,
            "Method and quality" + (f": {grade}" if grade else ""),
            size=11,
            bold=True,
            height=6,
            color=GRADE_COLORS.get(grade, TEXT_COLOR),
        )
        if headline.get("quality_explanation"):
            r.write(pdf, headline["quality_explanation"])
        for label, value in quality_facts(headline):
            r.write(pdf, f"{label}: {value}", size=PDF_SMALL_PT, color=MUTED_COLOR)

    r.keep_together(quality)
    if hidden_note(summary):
        doc.ln(1)
        r.write(doc, hidden_note(summary), bold=True, color=NOTE_COLOR)

    images = {p.key: p for p in parts}

    def chart(key: str, *, heading: bool = True) -> None:
        part = images.get(key)
        if part is None:
            return
        png = chart_png(part.chart)
        w, h = r.image_size(png)
        if doc.will_page_break(h + CHART_HEADING_MM):  # heading, caption and chart stay on one page
            doc.add_page()
        if heading:
            r.heading(part.heading)
        if part.caption:
            r.write(doc, part.caption, color=MUTED_COLOR)
            doc.ln(1)
        r.image(png, w, h)

    r.heading("Segments")
    chart("sizes", heading=False)
    for p in profiles:
        r.keep_together(_pdf_card(r, p, color_of[int(p["segment"])], show_sql=show_sql))
    for key in ("effects", "pareto", "map"):
        chart(key)
    notes = [*(str(n) for n in summary.get("notes") or []), *chart_notes]
    if notes:
        r.heading("Notes")
        for n in notes:
            r.write(doc, f"{r.bullet}  {n}")
    return bytes(doc.output())


__all__ = ["find_fonts", "html_report", "pdf_report", "safe_svg"]
