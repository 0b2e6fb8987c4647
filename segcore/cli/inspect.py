"""``segcore inspect``: how a file is read, what each column looks like, and what ``fit`` would do with it."""

from __future__ import annotations

import json

from segcore.cli.console import one_line
from segcore.cli.inputs import customers_from_log, load_input
from segcore.cli.options import EXIT_OK
from segcore.errors import SegcoreError
from segcore.i18n import _


def run_inspect(args) -> int:
    from segcore.columns.checks import id_warnings
    from segcore.columns.defaults import proposed_defaults
    from segcore.columns.roles import infer_roles
    from segcore.columns.transactions import detect_transactions

    table = load_input(args.data, args.sheet)
    schema = infer_roles(table.df)
    tx = detect_transactions(table.df)
    proposals = proposed_defaults(table.df, schema, transaction_log=tx is not None)
    if args.json:
        payload = {
            "report": table.report.to_dict(),
            "schema": schema.to_dict(),
            "transaction_log": vars(tx) if tx else None,
            **proposals,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print(table.report.summary())
    for note in (*table.report.notes(), *id_warnings(table.df, schema)):
        print("  " + _("note: {message}", message=note))
    frame = schema.to_frame()
    print(frame.to_string(index=False))
    panel = proposals["panel"]
    shown_panel = _("{entity} over {time}", entity=panel["entity"], time=panel["time"]) if panel else "-"
    print(_("Proposed value column: {value}; outcome column: {outcome}; panel: {panel}.",
            value=proposals["value_column"] or "-", outcome=proposals["outcome_column"] or "-", panel=shown_panel))
    if tx:
        print(_("This looks like a transaction log (customer '{customer}', date '{date}', amount '{amount}'). "
                "'segcore fit' will turn it into one row per customer.", customer=tx.customer, date=tx.date,
                amount=tx.amount))
        try:
            customers_from_log(table.df, tx, tell=lambda line: print(f"  {line}"))
        except SegcoreError as error:  # inspect reports what fit will refuse, and still shows the columns
            print("  " + _("note: {message}", message=_("'segcore fit' will stop here: {reason}",
                                                         reason=one_line(str(error)))))
    return EXIT_OK
