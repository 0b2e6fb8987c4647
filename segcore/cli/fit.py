"""``segcore fit``: segment customers and write assignments, profiles, a summary, the model and propensity."""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading
from pathlib import Path

from segcore.cli.console import note, progress_bar, say, warn
from segcore.cli.inputs import customers_from_log, customers_out_of_core, load_input, report_loading
from segcore.cli.options import EXIT_OK, output_folder, positive_int
from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import N_, _, _l

# The clusterability verdict in words (segcore.model.structure), for the closing lines of fit.
STRUCTURE_VERDICTS = {"none": N_("no natural segments"), "weak": N_("weak groups"), "clear": N_("clear groups")}


# The engine's modules (scikit-learn and scipy behind them: about a second) are imported in a second thread while
# the main thread reads the file: pyarrow's parser and numpy release the interpreter lock, so the two overlap.
ENGINE_MODULES = ("segcore.model.segmentation", "segcore.model.persist", "segcore.render.export",
                  "segcore.model.results", "segcore.columns.roles")


def run_fit(args) -> int:
    importing = import_beside(ENGINE_MODULES)
    try:
        return _fit(args)
    finally:
        importing.join()


def import_beside(names: tuple[str, ...]) -> threading.Thread:
    """Import ``names`` in a daemon thread; an import that fails there is left for the main thread to report."""
    import pyarrow.compute  # noqa: F401  (the reader's modules are imported here first: no two threads race on them)
    import pyarrow.csv  # noqa: F401

    def work() -> None:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # the main thread's own import raises it where it is handled
                return

    thread = threading.Thread(target=work, name="segcore-imports", daemon=True)
    thread.start()
    return thread


def _fit(args) -> int:
    from segcore.columns.checks import id_warnings, too_few_customers
    from segcore.columns.roles import infer_roles
    from segcore.columns.transactions import detect_transactions
    from segcore.model.spec import FeatureSpec

    k = None if str(args.k).lower() == "auto" else positive_int(args.k, "--k")  # options before any work
    out = output_folder(args.out, inputs=(args.data, args.previous))
    df = customers_out_of_core(args.data, args.engine) if args.transactions != "no" else None
    if df is None:
        table = load_input(args.data, args.sheet)
        df = table.df
        report_loading(table.report)
    elif args.transactions == "yes" and not df.attrs.get("segcore_log"):
        raise SpecError(
            _l(
                "The file does not look like a transaction log (repeated customer ids with a date and an "
                "amount).",
            )
        )
    if args.transactions != "no" and not df.attrs.get("segcore_log"):
        tx = detect_transactions(df)
        if tx is None and args.transactions == "yes":
            raise SpecError(
                _l(
                    "The file does not look like a transaction log (repeated customer ids with a date and "
                    "an amount).",
                )
            )
        if tx is not None:
            df = customers_from_log(df, tx)
            small = too_few_customers(len(df), customer_column=tx.customer)
            if small:
                raise NotEnoughData(small)
    schema = infer_roles(df)
    for warning in id_warnings(df, schema):
        note(warning)
    features = chosen_features(df, schema=schema, option=args.features)
    # imported beside the reading and the roles (import_beside)
    from segcore.model.persist import load_segmentation, save_segmentation
    from segcore.model.results import result_summary
    from segcore.model.segmentation import segment
    from segcore.render.export import profiles_json, safe_csv

    previous = load_segmentation(args.previous) if args.previous else None
    spec = FeatureSpec(
        features=tuple(features),
        profile_columns=tuple(schema.names(use="profile")),
        method=args.method,
        k=k,
        seed=args.seed,
        include_sensitive=args.include_sensitive,
        factors=args.factors,
    )
    outcome = outcome_column(df, schema=schema, option=args.outcome)
    with progress_bar() as progress:
        seg = segment(df, spec=spec, schema=schema, previous=previous, progress=progress)
    if outcome:
        with progress_bar() as progress:
            seg = seg.with_propensity(df, outcome=outcome, keep=tuple(args.keep_column), progress=progress)
    if df.attrs.get("segcore_log_recipe"):  # so 'segcore sql --from-log' can rebuild the customers in a warehouse
        seg = dataclasses.replace(seg, log_recipe=df.attrs["segcore_log_recipe"])
    (out / "assignments.csv").write_bytes(safe_csv(seg.assignments()))
    (out / "profiles.json").write_text(profiles_json(seg.profiles), encoding="utf-8")
    save_segmentation(seg, out / "model.segcore")
    files = ["assignments.csv", "profiles.json", "summary.json", "model.segcore"]
    if seg.propensity is not None:
        write_propensity(seg, out)
        files[3:3] = ["propensity.json", "contact_first.csv"]
    summary = result_summary(seg)
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for line in seg.notes:
        note(line)
    if seg.structure:
        verdict = STRUCTURE_VERDICTS.get(seg.structure.verdict, seg.structure.verdict)
        say(_("Structure: {verdict}. {reason}", verdict=_(verdict), reason=seg.structure.reason))
    sampled = sampled_figures(summary)
    if sampled:
        note(sampled)
    say(fit_summary(seg, files=files, out=out))
    return EXIT_OK


def sampled_figures(summary: dict) -> str | None:
    """Which quality figures were estimated on a sample of the customers and on how many (None: on all of them)."""
    rows = summary["quality"]["estimated_on"]
    if any(v is None for v in rows.values()) or all(v >= summary["n_rows"] for v in rows.values()):
        return None
    return _("quality figures estimated on seeded random samples of the customers: silhouette on {silhouette:,}, "
             "stability on {stability:,}, structure check on {structure:,}.", **rows)


def outcome_column(df, *, schema, option: str | None) -> str | None:
    """The outcome column to predict: the one named, the proposed one for 'auto', or none."""
    if not option:
        return None
    if option.lower() != "auto":
        if option not in df.columns:
            raise SpecError(_l(
                "--outcome: there is no column '{option}'. Columns are: {columns}.",
                option=option, columns=', '.join(map(str, df.columns[:20])),
            ))
        return option
    from segcore.insight.outcome import propose_outcome

    chosen = propose_outcome(df, schema)
    if chosen is None:
        raise SpecError(_l(
            "--outcome auto: no yes/no column named like an outcome (churn, converted, response, status). "
            "Name the column with --outcome COL.",
        ))
    note(_("predicting '{column}' (proposed outcome column).", column=chosen))
    return chosen


def write_propensity(seg, out: Path) -> None:
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
    say(_("Propensity to {event}: held-out AUC {auc:.2f} (95% interval {low:.2f}-{high:.2f}) on {n:,} customers, "
          "{kind} model, {calibration} calibration.", event=model.event, auc=ev.auc, low=ev.auc_low, high=ev.auc_high,
          n=ev.n_test, kind=model.scorer.kind, calibration=model.scorer.calibration))
    for warning in model.warnings:
        warn(warning)


def chosen_features(df, *, schema, option: str | None) -> list[str]:
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
        raise SpecError(_l("--features is empty. List the columns to segment on, separated by commas."))
    return chosen


def fit_summary(seg, *, files: list[str], out: Path) -> str:
    """The closing line of ``fit``: how many segments (or value tiers) for how many customers, quality, files."""
    written = ", ".join(files)
    if seg.tiers:
        text = _("{k} value tiers (cuts of one continuous population) for {n:,} customers", k=seg.n_segments,
                 n=seg.n_rows)
    else:
        text = _("{k} segments for {n:,} customers", k=seg.n_segments, n=seg.n_rows)
    q = seg.quality
    if q and q.stability_low is not None:
        text = _("{text}, quality {grade} (stability {stability:.2f}, {low:.2f}-{high:.2f})", text=text,
                 grade=_(q.grade), stability=q.stability, low=q.stability_low,
                 high=q.stability_high)
    elif q:
        text = _("{text}, quality {grade}", text=text, grade=_(q.grade))
    return _("{text}. Wrote {files} to {out}.", text=text, files=written, out=str(out))
