"""Command line: ``python -m segcore inspect|fit|assign|sql``, for automation and monthly re-segmentation.

Exit codes: 0 success; 2 bad input or bad options, with one line on stderr starting with ``error:`` and no
traceback; 1 when the reader of our output went away (``inspect ... | head -1``) or for a fault of segcore itself
(one line asking for a report, still no traceback). Progress goes to stderr as a bar when stderr is a terminal.
Options and output paths are checked before any work starts, so a mistake in ``--out`` never costs a whole fit.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

from segcore.cli_args import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_STOPPED,
    LARGE_CSV_BYTES,
    build_parser,
    output_file,
    output_folder,
    positive_int,
    sheet_number,
)
from segcore.errors import NotEnoughData, SegcoreError, SpecError
from segcore.i18n import _, _l, ngettext, set_language


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    set_language(getattr(args, "lang", None) or os.environ.get("SEGCORE_LANG"))
    try:
        if args.command == "inspect":
            return _inspect(args)
        if args.command == "fit":
            return _fit(args)
        if args.command == "report":
            return _report(args)
        if args.command == "waves":
            return _waves(args)
        if args.command == "sql":
            return _sql(args)
        return _assign(args)
    except SegcoreError as error:
        sys.stderr.write(f"error: {_one_line(str(error))}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return _reader_went_away()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        sys.stderr.write(f"error: cannot open '{error.filename}': {error.strerror}. Check the path.\n")
        return EXIT_BAD_INPUT
    except OSError as error:  # disk full, read-only file system, name too long, ...
        where = f" '{error.filename}'" if error.filename else ""
        sys.stderr.write(f"error: cannot write or read{where}: {error.strerror or error}. Check the disk and the path.\n")
        return EXIT_BAD_INPUT
    except MemoryError:
        sys.stderr.write("error: the file is too large for this machine's memory. Split it into smaller files or "
                         "keep only the columns you need, then run again.\n")
        return EXIT_BAD_INPUT
    except Exception as error:  # a fault of segcore, not of the input: one line, no traceback
        sys.stderr.write(f"error: segcore failed unexpectedly ({type(error).__name__}: {_one_line(str(error))[:300]}). "
                         "This is a bug in segcore; please report it with the command you ran.\n")
        return EXIT_STOPPED


def _reader_went_away() -> int:
    """``inspect x.csv | head -1``: the reader closed the pipe. Stop quietly (Python's documented recipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    return EXIT_STOPPED


def _load(path: str, sheet: str | None):
    from segcore.io.load import load_table

    if not Path(path).exists():
        raise FileNotFoundError(2, "no such file", path)
    table = load_table(path, sheet=sheet_number(sheet))
    if sheet is not None and table.report.file_format != "excel":
        raise SpecError(f"--sheet only applies to Excel workbooks, and {table.report.source} is a "
                        f"{table.report.file_format.upper()} file. Leave --sheet out.")
    return table


def _inspect(args) -> int:
    from segcore.columns.checks import id_warnings
    from segcore.columns.defaults import proposed_defaults
    from segcore.columns.roles import infer_roles
    from segcore.columns.transactions import detect_transactions

    table = _load(args.data, args.sheet)
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
        print(f"  note: {note}")
    frame = schema.to_frame()
    print(frame.to_string(index=False))
    panel = proposals["panel"]
    shown_panel = f"{panel['entity']} over {panel['time']}" if panel else "-"
    print(f"Proposed value column: {proposals['value_column'] or '-'}; outcome column: "
          f"{proposals['outcome_column'] or '-'}; panel: {shown_panel}.")
    if tx:
        print(f"This looks like a transaction log (customer '{tx.customer}', date '{tx.date}', amount '{tx.amount}'). "
              "'segcore fit' will turn it into one row per customer.")
        try:
            _customers_from_log(table.df, tx, say=lambda line: print(f"  {line}"))
        except SegcoreError as error:  # inspect reports what fit will refuse, and still shows the columns
            print(f"  note: 'segcore fit' will stop here: {_one_line(str(error))}")
    return EXIT_OK


def _fit(args) -> int:
    from segcore.columns.checks import id_warnings, too_few_customers
    from segcore.columns.roles import infer_roles
    from segcore.columns.transactions import detect_transactions
    from segcore.model.persist import load_segmentation, save_segmentation
    from segcore.model.results import result_summary
    from segcore.model.segmentation import segment
    from segcore.model.spec import FeatureSpec
    from segcore.render.export import profiles_json, safe_csv

    k = None if str(args.k).lower() == "auto" else positive_int(args.k, "--k")  # options before any work
    out = output_folder(args.out, inputs=(args.data, args.previous))
    df = _customers_out_of_core(args.data, args.engine) if args.transactions != "no" else None
    if df is None:
        table = _load(args.data, args.sheet)
        df = table.df
        _report_loading(table.report)
    elif args.transactions == "yes" and not df.attrs.get("segcore_log"):
        raise SpecError(
            "The file does not look like a transaction log (repeated customer ids with a date and an amount)."
        )
    if args.transactions != "no" and not df.attrs.get("segcore_log"):
        tx = detect_transactions(df)
        if tx is None and args.transactions == "yes":
            raise SpecError(
                "The file does not look like a transaction log (repeated customer ids with a date and an amount)."
            )
        if tx is not None:
            df = _customers_from_log(df, tx)
            small = too_few_customers(len(df), what=f"the transaction log (customer ids in '{tx.customer}')")
            if small:
                raise NotEnoughData(small)
    schema = infer_roles(df)
    for warning in id_warnings(df, schema):
        _say(f"note: {warning}")
    features = _features(args.features, schema, df)
    previous = load_segmentation(args.previous) if args.previous else None
    spec = FeatureSpec(
        features=tuple(features),
        profile_columns=tuple(schema.names(use="profile")),
        method=args.method,
        k=k,
        seed=args.seed,
        include_sensitive=args.include_sensitive,
    )
    outcome = _outcome(args.outcome, df, schema)
    with _progress_bar() as progress:
        seg = segment(df, spec=spec, schema=schema, previous=previous, progress=progress)
    if outcome:
        with _progress_bar() as progress:
            seg = seg.with_propensity(df, outcome=outcome, keep=tuple(args.keep_column), progress=progress)
    if df.attrs.get("segcore_log_recipe"):  # so 'segcore sql --from-log' can rebuild the customers in a warehouse
        seg = dataclasses.replace(seg, log_recipe=df.attrs["segcore_log_recipe"])
    (out / "assignments.csv").write_bytes(safe_csv(seg.assignments()))
    (out / "profiles.json").write_text(profiles_json(seg.profiles), encoding="utf-8")
    save_segmentation(seg, out / "model.segcore")
    written = "assignments.csv, profiles.json, summary.json and model.segcore"
    if seg.propensity is not None:
        _write_propensity(seg, out)
        written = "assignments.csv, profiles.json, summary.json, propensity.json, contact_first.csv and model.segcore"
    summary = result_summary(seg)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for note in seg.notes:
        _say(f"note: {note}")
    grade = f", quality {seg.quality.grade}" if seg.quality else ""
    if seg.quality and seg.quality.stability_low is not None:
        q = seg.quality
        grade += f" (stability {q.stability:.2f}, {q.stability_low:.2f}-{q.stability_high:.2f})"
    structure = f"Structure: {seg.structure.verdict}. {seg.structure.reason}\n" if seg.structure else ""
    kind = "value tiers (cuts of one continuous population)" if seg.tiers else "segments"
    _say(f"{structure}{seg.n_segments} {kind} for {seg.n_rows:,} customers{grade}. Wrote {written} to {out}.")
    return EXIT_OK


def _outcome(option: str | None, df, schema) -> str | None:
    """The outcome column to predict: the one named, the proposed one for 'auto', or none."""
    if not option:
        return None
    if option.lower() != "auto":
        if option not in df.columns:
            raise SpecError(f"--outcome: there is no column '{option}'. Columns are: {', '.join(map(str, df.columns[:20]))}.")
        return option
    from segcore.insight.outcome import propose_outcome

    chosen = propose_outcome(df, schema)
    if chosen is None:
        raise SpecError("--outcome auto: no yes/no column named like an outcome (churn, converted, response, status). "
                        "Name the column with --outcome COL.")
    _say(f"note: predicting '{chosen}' (proposed outcome column).")
    return chosen


def _write_propensity(seg, out: Path) -> None:
    """propensity.json (held-out evaluation, drivers, per-segment spread) and contact_first.csv (top per segment)."""
    from segcore.insight.propensity import contact_first, segment_propensity
    from segcore.jsonsafe import plain
    from segcore.render.export import safe_csv

    model = seg.propensity
    table = segment_propensity(seg.labels, model.scores, names=seg.segment_names)
    payload = {**model.to_dict(), "segments": table.to_dict(orient="records")}
    (out / "propensity.json").write_text(json.dumps(plain(payload), ensure_ascii=False, indent=1), encoding="utf-8")
    first = contact_first(seg.labels, model.scores, ids=seg.ids)
    first.insert(2, "segment_name", [seg.segment_names.get(int(s), "") for s in first["segment"]])
    (out / "contact_first.csv").write_bytes(safe_csv(first))
    ev = model.evaluation
    _say(f"Propensity to {model.event}: held-out AUC {ev.auc:.2f} (95% interval {ev.auc_low:.2f}-{ev.auc_high:.2f}) "
         f"on {ev.n_test:,} customers, {model.scorer.kind} model, {model.scorer.calibration} calibration.")
    for warning in model.warnings:
        _say(f"warning: {warning}")


def _report(args) -> int:
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
        df = _load(args.data, args.sheet).df
        missing = [c for c in (*seg.numeric, *seg.categorical) if c not in df.columns]
        tx = detect_transactions(df) if missing else None
        if tx is not None:
            df = _customers_from_log(df, tx)
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
    _say(_("Wrote the report to {path}.", path=str(out)))
    return EXIT_OK


def _assign(args) -> int:
    from segcore.columns.transactions import detect_transactions
    from segcore.model.persist import load_segmentation
    from segcore.render.export import safe_csv

    out = output_file(args.out, inputs=(args.model, args.data))
    seg = load_segmentation(args.model)
    df = _customers_out_of_core(args.data, args.engine)
    if df is None:
        table = _load(args.data, args.sheet)
        df = table.df
        _report_loading(table.report)
    missing = [c for c in (*seg.numeric, *seg.categorical) if c not in df.columns]
    tx = detect_transactions(df) if missing else None
    if tx is not None:  # a model fitted on a transaction log scores next month's log the same way
        df = _customers_from_log(df, tx)
    if args.no_propensity and seg.propensity is not None:
        seg = dataclasses.replace(seg, propensity=None)
    result = seg.assign(df)
    out.write_bytes(safe_csv(result.drop(columns=["distance", "far_from_segments"])))
    far = int(result["far_from_segments"].sum())
    _say(f"Scored {len(result):,} customers into {seg.n_segments} segments; {far:,} are far from every segment.")
    return EXIT_OK


def _waves(args) -> int:
    """The from/to table of two waves (e.g. last month's and this month's assignments.csv) and the headline."""
    from segcore.insight.waves import wave_changes
    from segcore.render.export import safe_csv

    earlier, later = _load(args.earlier, None).df, _load(args.later, None).df
    change = wave_changes(earlier, later, id_column=args.id_column, value_column=args.value)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(safe_csv(change.moves.reset_index()))
    _say(change.headline())
    return EXIT_OK


def _sql(args) -> int:
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


def _customers_out_of_core(path: str, engine: str):
    """Customers from a log DuckDB reads without loading it (see ``ENGINE_HELP``), or None to load with pandas.

    A Parquet folder or glob that is not a log is read as a customer table (pandas cannot open those)."""
    from segcore.sql.logsource import CSV_SUFFIXES, is_out_of_core_source

    p = Path(path)
    large_csv = p.suffix.lower() in CSV_SUFFIXES and p.is_file() and p.stat().st_size > LARGE_CSV_BYTES
    many_files = any(ch in path for ch in "*?[") or p.is_dir()
    if engine == "pandas" or not (engine == "duckdb" or large_csv or is_out_of_core_source(path)):
        return None
    from segcore.sql.logs import customers_from_log, detect_columns
    from segcore.sql.logsource import open_log

    src = open_log(path)
    try:
        columns = detect_columns(src)
        if columns is None:
            return src.connection.execute(f"SELECT * FROM {src.relation}").df() if many_files else None
        with _progress_bar() as progress:
            customers = customers_from_log(src, columns=columns, progress=progress)
    finally:
        src.close()
    _say(f"note: transaction log '{src.name}' turned into {len(customers.df):,} customers by DuckDB "
         f"({customers.rows_dropped:,} rows left out).")  # fmt: skip
    for note in customers.notes:
        _say(f"note: {note}")
    df = customers.df
    df.attrs["segcore_log"] = True
    return df


def _report_loading(report) -> None:
    """The same notes ``inspect`` prints: every row skipped, value changed, column renamed or dropped."""
    for note in report.notes():
        _say(f"note: {note}")


def _customers_from_log(df, tx, *, say=None):
    """One row per customer from a transaction log, saying how many rows became how many customers and why any
    rows were left out (``inspect`` prints the same notes to stdout)."""
    from segcore.columns.rfm import to_customers

    say = say or _say
    customers = to_customers(df, columns=tx)
    from segcore.sql.fromlog import recipe_from_frames

    customers.df.attrs["segcore_log_recipe"] = recipe_from_frames(df, customers)
    say(f"note: transaction log with {len(df):,} rows turned into {len(customers.df):,} customers.")
    for note in customers.notes:
        say(f"note: {note}")
    return customers.df


def _features(option: str | None, schema, df) -> list[str]:
    from segcore.columns.checks import no_features_reason, too_few_customers

    small = too_few_customers(len(df))
    if small:
        raise NotEnoughData(small)
    if not option:
        chosen = schema.names(use="feature")
        if not chosen:
            raise SpecError(no_features_reason(df, schema))
        return chosen
    chosen = [name.strip() for name in option.split(",") if name.strip()]
    if not chosen:
        raise SpecError("--features is empty. List the columns to segment on, separated by commas.")
    return chosen


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


class _progress_bar:
    """A tqdm bar on a terminal; silent otherwise (logs and CI stay clean)."""

    def __enter__(self):
        from tqdm import tqdm

        self._bar = tqdm(total=100, disable=not sys.stderr.isatty(), file=sys.stderr, bar_format="{l_bar}{bar}")

        def update(fraction: float, message: str) -> None:
            self._bar.set_description_str(message)
            self._bar.update(max(0, int(fraction * 100) - self._bar.n))

        return update

    def __exit__(self, *exc) -> None:
        self._bar.close()
