"""The report as an A4 PDF drawn with fpdf2: the same content and look as the HTML, cards never split across pages.

Fonts come from ``segcore.render.pdf_fonts`` (DejaVu Sans and Noto Sans CJK, chosen for the report's language);
without them it shows "?" for characters no font has and says what to install. fpdf2 and fontTools are imported
lazily, so HTML-only callers never load them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from segcore.i18n import _, current_language, ngettext
from segcore.render.chartkit import chart_png
from segcore.render.density import display_name, segment_color
from segcore.render.pdf_fonts import FONT_DIRS, FONT_HELP, PdfFonts, find_fonts
from segcore.render.report_content import (
    CHARTS_AFTER_CARDS,
    GRADE_COLORS,
    card_facts,
    chart_parts,
    disclosure_note,
    format_date,
    grade_label,
    hidden_note,
    kpi_text,
    lift_text,
    precision_text,
    quality_facts,
    top20_sentence,
)
from segcore.render.theme import GRID_COLOR, MUTED_COLOR, PRIMARY, TEXT_COLOR

# Amber-700 for the "segments hidden" line in the PDF: a caution, not an error.
NOTE_COLOR = "#b45309"
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
                doc.cell(0, 5, footer_text.format(page=doc.page_no()), align="R")

        # Translated once here (the footer runs inside fpdf2's page break); {page} is filled per page.
        footer_text = _("Aggregate figures only: no customer-level data.") + "   " + _("Page {page}", page="{page}")
        self.fonts = fonts
        self.doc = _Doc(orientation="portrait", unit="mm", format="A4")
        self.doc.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
        self.doc.set_auto_page_break(True, margin=PAGE_MARGIN_MM)
        for family, style, path, face in fonts.files:
            self.doc.add_font(family, style, path, collection_font_number=face)
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
        name = display_name(profile) + ("  (" + _("pinned rule") + ")" if profile.get("pinned") else "")
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
            pdf.cell(label_w, 4.5, r.text(_("Measure")))
            pdf.cell(30, 4.5, r.text(_("Segment")), align="R")
            pdf.cell(30, 4.5, r.text(_("All customers")), align="R", new_x="LMARGIN", new_y="NEXT")
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
            r.write(pdf, _("Suggested action:") + f" {profile['action']}", bold=True, color=PRIMARY, indent=3)
        rules = [x for x in profile.get("rules") or [] if x]
        if rules:
            pdf.ln(1)
            r.write(pdf, _("Who is in it") + " " + _("(customers matching any line):"), size=PDF_SMALL_PT,
                    bold=True, indent=3)
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


def render_pdf(summary: Mapping[str, Any], *, title: str, subtitle: str = "", created_at: str | None = None,
               data_summary: str = "", show_sql: bool = True, fonts: PdfFonts | None = None) -> bytes:
    """The same report as ``html_report`` as PDF bytes (A4): cards never split across pages unless taller than one.

    Uses DejaVu Sans and Noto Sans CJK (system fonts or the PyPI package in requirements.txt); otherwise Helvetica
    with "?" for characters it cannot print, and a visible line saying what to install. ``fonts`` defaults to the
    ones found in ``FONT_DIRS`` (read at call time) for the current language. Public as
    ``segcore.render.report.pdf_report``.
    """
    fonts = fonts or find_fonts(dirs=tuple(FONT_DIRS), language=current_language())
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
        r.write(doc, _("No Unicode font was found on this computer: letters outside Western European alphabets "
                       "are printed as '?'.") + " " + FONT_HELP, bold=True, color=GRADE_COLORS["poor"])
    elif any(ord(ch) not in fonts.covered for t in texts for ch in t if ch not in "\n\t"):
        r.write(doc, _("Some characters (for example Chinese, Japanese or Korean) have no font on this computer "
                       "and are printed as '?'.") + " " + FONT_HELP, bold=True, color=GRADE_COLORS["poor"])
    doc.ln(3)

    customers = int(headline.get("customers") or 0)
    stats = [ngettext("{n} customer", "{n} customers", customers),
             ngettext("{n} segment", "{n} segments", int(headline.get("segments") or 0))]
    r.write(doc, "   ·   ".join(stats), size=13, bold=True, color=PRIMARY, height=7)
    if top20_sentence(summary):
        r.write(doc, top20_sentence(summary))
    doc.ln(2)
    grade = str(headline.get("grade") or "")

    def quality(pdf) -> None:
        r.write(
            pdf,
            _("Method and quality") + (f": {grade_label(grade)}" if grade else ""),
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
    if disclosure_note(summary):
        r.write(doc, disclosure_note(summary), size=PDF_SMALL_PT, color=MUTED_COLOR)

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

    r.heading(_("Segments"))
    chart("sizes", heading=False)
    for p in profiles:
        r.keep_together(_pdf_card(r, p, color_of[int(p["segment"])], show_sql=show_sql))
    for key in CHARTS_AFTER_CARDS:
        chart(key)
    notes = [*(str(n) for n in summary.get("notes") or []), *chart_notes]
    if notes:
        r.heading(_("Notes"))
        for n in notes:
            r.write(doc, f"{r.bullet}  {n}")
    return bytes(doc.output())


__all__ = ["FONT_DIRS", "PdfFonts", "find_fonts", "render_pdf"]
