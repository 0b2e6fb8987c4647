"""The report as one self-contained HTML page: CSS inline, charts as inline SVG, no script, nothing remote.

Every piece of user text (titles, segment names, column names inside traits, rules and SQL) is HTML-escaped; chart
text is escaped by vl-convert's SVG writer and the SVG is checked by ``safe_svg`` before it is inlined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from markupsafe import escape

from segcore.errors import SpecError
from segcore.i18n import N_, Message, _, _l, format_number, format_percent
from segcore.render.chartkit import chart_svg
from segcore.render.density import display_name, segment_color
from segcore.render.report_content import (
    CHARTS_AFTER_CARDS,
    GRADE_COLORS,
    GRADE_FALLBACK_COLOR,
    card_facts,
    chart_parts,
    disclosure_note,
    finite,
    format_date,
    grade_label,
    hidden_note,
    html_lang,
    kpi_text,
    lift_text,
    precision_text,
    quality_facts,
)
from segcore.render.theme import GRID_COLOR, MUTED_COLOR, PRIMARY, TEXT_COLOR

# SVG elements that could run code, embed a document or load something; vl-convert never writes them.
UNSAFE_SVG_TAGS = frozenset(
    {"script", "foreignobject", "iframe", "object", "embed", "image", "audio", "video"}
)
# Words the HTML puts inside markup, marked for translation here and translated by _t() when written.
PINNED_RULE = N_('Pinned rule')
MEASURE = N_('Measure')
SEGMENT = N_('Segment')
ALL_CUSTOMERS = N_('All customers')
SUGGESTED_ACTION = N_('Suggested action:')
WHO_IS_IN_IT = N_('Who is in it')
CUSTOMERS_MATCHING_ANY_LINE = N_('(customers matching any line):')
METHOD_AND_QUALITY = N_('Method and quality')
CUSTOMERS = N_('customers')
SEGMENTS = N_('segments')
OF_VALUE_FROM_THE_TOP_20_OF_CUSTOMERS = N_('of value from the top 20% of customers')
SEGMENTS_HEADING = N_('Segments')
NOTES = N_('Notes')
SVG_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')

CSS = f"""
*{{box-sizing:border-box}}
body{{margin:0;background:#f8fafc;color:{TEXT_COLOR};
 font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Noto Sans',
 'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','Noto Sans CJK KR','Apple SD Gothic Neo','Malgun Gothic',
 'Source Han Sans',sans-serif}}
:lang(ko) body{{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK KR','Apple SD Gothic Neo',
 'Malgun Gothic',sans-serif}}
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


def _t(message: str) -> str:
    """A marked constant translated into the current language and HTML-escaped."""
    return _e(_(message))


def _e(value: Any) -> str:
    """HTML-escape any user text (also quotes, so it is safe inside attributes)."""
    return str(escape("" if value is None else str(value)))


def _unsafe_svg_reason(svg: str) -> str | Message:
    """Why this SVG must not be inlined ('' when it is safe): parsed, so escaped user text never trips the check."""
    import xml.etree.ElementTree as ET  # vl-convert output only; expat refuses entity-expansion bombs

    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        return _l("it is not valid SVG ({error})", error=str(error))
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in UNSAFE_SVG_TAGS:
            return _l("it contains a <{tag}> element", tag=tag)
        for name, value in element.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                return _l("it contains an event handler ({attr})", attr=attr)
            if attr in ("href", "src") and not value.strip().startswith("#"):
                return _l("it links to something outside the report")
            if re.search(r"url\(\s*['\"]?\s*(?!#)", value) or "javascript:" in value.lower():
                return _l("it refers to something outside the report")
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
        raise SpecError(_l("A chart was left out of the report because {reason}.", reason=reason))
    svg = SVG_NAMESPACES.sub("", svg)
    # Several charts in one page share the id namespace: "gradient_0" of one chart must not colour another.
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _html_card(profile: Mapping[str, Any], color: str, *, show_sql: bool) -> Iterator[str]:
    pinned = f' <span class="badge pin">{_t(PINNED_RULE)}</span>' if profile.get("pinned") else ""
    yield '<section class="card">'
    yield f'<h3><span class="chip" style="background:{_e(color)}"></span>{_e(display_name(profile))}{pinned}</h3>'
    yield f'<div class="muted small">{_e(card_facts(profile))}</div>'
    traits = [t.get("sentence") for t in profile.get("traits") or [] if t.get("sentence")]
    if traits:
        yield "<ul>" + "".join(f"<li>{_e(t)}</li>" for t in traits) + "</ul>"
    kpis = list(profile.get("kpis") or [])
    if kpis:
        yield (f'<table><tr><th>{_t(MEASURE)}</th><th class="n">{_t(SEGMENT)}</th>'
               f'<th class="n">{_t(ALL_CUSTOMERS)}</th></tr>')
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
        yield f'<div class="action"><b>{_t(SUGGESTED_ACTION)}</b> {_e(profile["action"])}</div>'
    rules = [r for r in profile.get("rules") or [] if r]
    if rules:
        yield (f'<div class="small"><b>{_t(WHO_IS_IN_IT)}</b> '
               f'{_t(CUSTOMERS_MATCHING_ANY_LINE)}</div>')
        yield '<ul class="small">' + "".join(f"<li>{_e(r)}</li>" for r in rules) + "</ul>"
        if precision_text(profile):
            yield f'<div class="small muted">{_e(precision_text(profile))}</div>'
    if show_sql and profile.get("sql"):
        yield f"<pre><code>WHERE {_e(profile['sql'])}</code></pre>"
    yield "</section>"


def _html_quality(headline: Mapping[str, Any]) -> Iterator[str]:
    grade = str(headline.get("grade") or "")
    color = GRADE_COLORS.get(grade, GRADE_FALLBACK_COLOR)
    yield f'<section class="card"><h3>{_t(METHOD_AND_QUALITY)} '
    if grade:
        yield f'<span class="badge" style="background:{color}">{_e(grade_label(grade))}</span>'
    yield "</h3>"
    if headline.get("quality_explanation"):
        yield f"<p>{_e(headline['quality_explanation'])}</p>"
    yield "<table>" + "".join(
        f'<tr><td>{_e(k)}</td><td class="n">{_e(v)}</td></tr>' for k, v in quality_facts(headline)
    )
    yield "</table></section>"


def render_html(summary: Mapping[str, Any], *, title: str, subtitle: str = "", created_at: str | None = None,
                data_summary: str = "", show_sql: bool = True) -> str:
    """The report as ONE self-contained HTML document (str): opens offline, no script, no external resource.

    ``summary`` is ``build_summary()`` or ``for_sharing()`` output; ``show_sql=False`` leaves out the SQL filters
    (for readers outside the data team). All user text is escaped. Public as ``segcore.render.report.html_report``.
    """
    headline = summary.get("headline") or {}
    profiles = list(summary.get("profiles") or [])
    color_of = {int(p["segment"]): segment_color(int(p["segment"])) for p in profiles}
    parts, chart_notes = chart_parts(summary)
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{html_lang()}"><head><meta charset="utf-8">',
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
    out.append(f'<div class="stat"><b>{_e(format_number(customers))}</b>{_t(CUSTOMERS)}</div>')
    out.append(f'<div class="stat"><b>{int(headline.get("segments") or 0)}</b>{_t(SEGMENTS)}</div>')
    conc = summary.get("concentration")
    if conc and finite(conc.get("top20_share")) is not None:
        out.append(
            f'<div class="stat"><b>{_e(format_percent(float(conc["top20_share"]), digits=0))}</b>'
            f'{_t(OF_VALUE_FROM_THE_TOP_20_OF_CUSTOMERS)}</div>'
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
            chart_notes.append(_("The chart '{chart}' is left out: {error}", chart=part.heading, error=error))

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

    out.append(f"<h2>{_t(SEGMENTS_HEADING)}</h2>")
    out.extend(chart_block("sizes", heading=False))
    out.append('<div class="grid">')
    for p in profiles:
        out.extend(_html_card(p, color_of[int(p["segment"])], show_sql=show_sql))
    out.append("</div>")
    for key in CHARTS_AFTER_CARDS:
        out.extend(chart_block(key))
    notes = [*(str(n) for n in summary.get("notes") or []), *chart_notes]
    if notes:
        out.append(f"<h2>{_t(NOTES)}</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    rule = disclosure_note(summary)
    out.append(
        "<footer>" + _e(_("Made with segcore. This report holds aggregate figures only: no customer-level data."))
        + (f"<p>{_e(rule)}</p>" if rule else "")
        + "</footer>"
    )
    out.append("</main></body></html>")
    return "\n".join(out)


__all__ = ["CSS", "render_html", "safe_svg"]
