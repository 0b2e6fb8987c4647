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

from segcore.i18n import current_language
from segcore.render.report_html import render_html, safe_svg
from segcore.render.report_pdf import FONT_DIRS, find_fonts, render_pdf


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
    return render_html(
        summary,
        title=title,
        subtitle=subtitle,
        created_at=created_at,
        data_summary=data_summary,
        show_sql=show_sql,
    )


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

    Uses DejaVu Sans and Noto Sans CJK (system fonts or the PyPI package in requirements.txt); otherwise Helvetica
    with "?" for characters it cannot print, and a visible line saying what to install.
    """
    # FONT_DIRS is read from this module at call time, so setting ``segcore.render.report.FONT_DIRS`` redirects the search.
    return render_pdf(
        summary,
        fonts=find_fonts(dirs=tuple(FONT_DIRS), language=current_language()),
        title=title,
        subtitle=subtitle,
        created_at=created_at,
        data_summary=data_summary,
        show_sql=show_sql,
    )


__all__ = ["find_fonts", "html_report", "pdf_report", "safe_svg"]
