"""``segcore report``: the HTML or PDF report of a saved model, for monthly mailing jobs."""

from __future__ import annotations

from pathlib import Path

from segcore.cli.console import say
from segcore.cli.inputs import customers_from_log, load_input
from segcore.cli.options import EXIT_OK
from segcore.errors import SpecError
from segcore.i18n import _, _l, ngettext


def run_report(args) -> int:
    """The report of a saved model, in --lang: HTML or PDF by the --out extension (for monthly mailing jobs)."""
    from dataclasses import replace

    from segcore.columns.transactions import detect_transactions
    from segcore.insight.summary import build_summary, model_summary
    from segcore.model.persist import load_segmentation
    from segcore.render.report import html_report, pdf_report

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise SpecError(_l("--out must end in .pdf or .html, not '{name}'.", name=out.name))
    seg = load_segmentation(args.model)
    if args.data:
        df = load_input(args.data, args.sheet).df
        missing = [c for c in (*seg.numeric, *seg.categorical) if c not in df.columns]
        tx = detect_transactions(df) if missing else None
        if tx is not None:
            df = customers_from_log(df, tx)
        labels = seg.assign(df)["segment"].to_numpy()
        summary = build_summary(replace(seg, labels=labels, n_rows=len(df)), df)
    else:
        summary = model_summary(seg)
    title = args.title or Path(args.model).resolve().parent.name or "segcore"
    subtitle = (ngettext("{n} customer", "{n} customers", int(summary["headline"]["customers"])) + " · "
                + ngettext("{n} segment", "{n} segments", int(summary["headline"]["segments"])))
    if out.suffix.lower() == ".pdf":
        data = pdf_report(summary, title=title, subtitle=subtitle, show_sql=not args.no_sql)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html_report(summary, title=title, subtitle=subtitle, show_sql=not args.no_sql),
                       encoding="utf-8")
    say(_("Wrote the report to {path}.", path=str(out)))
    return EXIT_OK
