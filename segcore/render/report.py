"""The report of a segmentation: one self-contained HTML file and a PDF with the same content and look.

Both are built from the aggregate-only summary (``segcore.insight.summary.build_summary`` / ``for_sharing``), so a report
never holds a customer row. The HTML opens offline in any browser: CSS inline, charts as inline SVG rendered
locally by vl-convert, no script tag, no web font, no remote image. Every piece of user text (titles, segment names,
column names inside traits, rules and SQL) is HTML-escaped; chart text is escaped by vl-convert's SVG writer and the
SVG is checked before it is inlined. Both are written in the current language (``segcore.i18n``); the HTML sets
``lang`` and a font stack that shows Chinese and Korean; the PDF embeds DejaVu Sans and Noto Sans CJK (the face for
the language) found at run time (``segcore.render.pdf_fonts``), and without them says what to install.

This module is the public entry point; the work is done by ``segcore.render.report_content`` (what both formats say),
``segcore.render.report_html`` (HTML and inline SVG) and ``segcore.render.report_pdf`` (fpdf2 and fonts).
"""

from __future__ import annotations

from segcore.render.report_html import render_html, safe_svg
from segcore.render.report_pdf import find_fonts, render_pdf

html_report = render_html
pdf_report = render_pdf

__all__ = ["find_fonts", "html_report", "pdf_report", "safe_svg"]
