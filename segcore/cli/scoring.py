"""``segcore assign`` and ``segcore sql``: score new customers with a saved model, here or in a warehouse."""

from __future__ import annotations

import dataclasses

from segcore.cli.console import say
from segcore.cli.inputs import customers_from_log, customers_out_of_core, load_input, report_loading
from segcore.cli.options import EXIT_OK, output_file
from segcore.i18n import _


def run_assign(args) -> int:
    from segcore.columns.transactions import detect_transactions
    from segcore.model.persist import load_segmentation
    from segcore.render.export import safe_csv

    out = output_file(args.out, inputs=(args.model, args.data))
    seg = load_segmentation(args.model)
    df = customers_out_of_core(args.data, args.engine)
    if df is None:
        table = load_input(args.data, args.sheet)
        df = table.df
        report_loading(table.report)
    missing = [c for c in (*seg.numeric, *seg.categorical) if c not in df.columns]
    tx = detect_transactions(df) if missing else None
    if tx is not None:  # a model fitted on a transaction log scores next month's log the same way
        df = customers_from_log(df, tx)
    if args.no_propensity and seg.propensity is not None:
        seg = dataclasses.replace(seg, propensity=None)
    result = seg.assign(df)
    out.write_bytes(safe_csv(result.drop(columns=["distance", "far_from_segments"])))
    far = int(result["far_from_segments"].sum())
    say(_("Scored {n:,} customers into {k} segments; {far:,} are far from every segment.", n=len(result),
          k=seg.n_segments, far=far))
    return EXIT_OK


def run_sql(args) -> int:
    from segcore.model.persist import load_segmentation
    from segcore.sql.scoring import scoring_sql

    seg = load_segmentation(args.model)
    if args.from_log:
        from segcore.sql.fromlog import log_query
        from segcore.sql.scoring import render, scoring_query

        log = log_query(seg.log_recipe, table=args.table or "transactions", as_of=args.as_of)
        print(render(scoring_query(seg, table=log), dialect=args.dialect) + ";")
        return EXIT_OK
    print(scoring_sql(seg, dialect=args.dialect, table=args.table or "customers") + ";")
    return EXIT_OK
