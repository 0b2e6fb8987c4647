"""The fitted segmentation: everything needed to reproduce, explain and reuse a result.

``segment()`` runs the whole engine (prepare -> sweep/choose k -> cluster -> order/align ids -> profiles -> rules) and
returns a frozen ``Segmentation``. ``Segmentation.assign()`` scores new customers into the same segments;
``segcore.model.persist`` saves and loads it as a versioned file that loads without executing code.

Segment ids are stable and documented: pinned segments come first, in the order their rules are listed; clustered
segments follow, ordered by mean value (highest first; by size when there is no value column); -1 is "Unassigned"
(customers HDBSCAN places in no segment). With ``previous=``, clustered segments that match a previous model's
centroids keep that model's ids, so "segment 3" keeps meaning the same group month after month.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from segcore.columns.roles import infer_roles
from segcore.columns.schema import Schema, validate_roles
from segcore.errors import ModelError, NotEnoughData
from segcore.i18n import _, _l
from segcore.insight.explain import RuleSet, attach_rules, explain_rules
from segcore.insight.profile import Profile, build_profiles
from segcore.labels import UNASSIGNED, unassigned_name
from segcore.model.alignment import align_by_centers, align_by_customers
from segcore.model.cluster import ClusterResult, assign_to_centers, fit_clusters, order_labels
from segcore.model.features import PreparedSpec, prepare_spec, project_on_factors
from segcore.model.pinned import PinRule, apply_pins
from segcore.model.prep import prepare
from segcore.model.quality import Quality, quality
from segcore.model.spec import FeatureSpec
from segcore.model.stability import Stability, bootstrap_stability
from segcore.model.structure import Structure, clusterability
from segcore.model.sweep import SweepResult, recommend, sweep
from segcore.model.tiers import TIERS_NOTE, value_tier_rules

Progress = Callable[[float, str], None]
# A new customer farther from every segment centre than 99% of the fitted customers were from theirs is flagged:
# they are scored, but marketing should look at them before trusting the label.
FAR_QUANTILE = 0.99


@dataclass(frozen=True)
class Segmentation:
    """A fitted segmentation. ``labels`` is one segment id per input row, in input order."""

    spec: FeatureSpec
    schema: Schema
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    preprocessor: object
    centers: np.ndarray
    center_ids: np.ndarray
    pins: tuple[PinRule, ...]
    labels: np.ndarray
    profiles: tuple[Profile, ...]
    rules: RuleSet | None
    sweep: SweepResult | None
    quality: Quality | None
    far_threshold: float
    method: str
    k: int
    n_rows: int
    notes: tuple[str, ...] = ()
    ids: tuple | None = None
    fingerprint: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    # how the customers were built from a transaction log (segcore.sql.fromlog), so the warehouse can redo it
    log_recipe: dict | None = None
    estimator: object | None = None
    propensity: object | None = None  # a segcore.insight.propensity.Propensity when an outcome was chosen
    structure: Structure | None = None
    stability: Stability | None = None
    tiers: bool = False
    # segments found on factor scores: the prepared columns' projection (segcore.model.factorspace)
    projection: object | None = None

    @property
    def segment_names(self) -> dict[int, str]:
        return {p.segment: p.name for p in self.profiles}

    @property
    def n_segments(self) -> int:
        return sum(1 for p in self.profiles if p.segment != UNASSIGNED)

    def rename(self, names: dict[int, str]) -> Segmentation:
        """Return a copy with user-chosen segment names (blank names keep the automatic one)."""
        profiles = tuple(
            dataclasses.replace(p, name=str(names[p.segment]).strip())
            if str(names.get(p.segment, "")).strip()
            else p
            for p in self.profiles
        )
        return dataclasses.replace(self, profiles=profiles)

    def assignments(self) -> pd.DataFrame:
        """The fitted customers with their segment, in input order (id column first when there is one)."""
        if self.labels is None or len(self.labels) == 0:
            raise ModelError(_l(
                "This saved model holds no customer rows. Use assign() on your data to score it.",
            ))
        frame = self._frame(self.labels, ids=self.ids)
        scores = getattr(self.propensity, "scores", None)
        if scores is not None and len(scores) == len(frame):
            frame["propensity"] = np.round(scores, 4)
        return frame

    def with_propensity(self, df: pd.DataFrame, *, outcome: str, keep=(), progress=None) -> Segmentation:
        """A copy that also predicts ``outcome`` (churn, converted...) for every customer; ``df`` is the fitted table."""
        from segcore.insight.propensity import fit_propensity

        model = fit_propensity(df, outcome=outcome, schema=self.schema, keep=keep, seed=self.spec.seed,
                               progress=progress)
        return dataclasses.replace(self, propensity=model)

    def assign(self, new_df: pd.DataFrame) -> pd.DataFrame:
        """Place new customers into the same segments.

        Returns one row per input row: the id column (when the model has one and the data too), ``segment``,
        ``segment_name``, ``distance`` (to the nearest segment centre, in prepared units) and ``far_from_segments``.
        Raises ModelError when columns the model needs are missing.
        """
        needed = list(dict.fromkeys([*self.numeric, *self.categorical, *(p.column for p in self.pins)]))
        missing = [c for c in needed if c not in new_df.columns]
        if missing:
            raise ModelError(
                _l(
                    "The new data is missing {n_missing} column(s) this model segments on: {missing}. Add "
                    "them (same names as when the model was built) and try again.",
                    n_missing=len(missing), missing=', '.join(missing),
                )
            )
        if len(new_df) == 0:
            raise ModelError(_l("The new data has no rows to score."))
        labels = np.full(len(new_df), UNASSIGNED, dtype=np.int64)
        distances = np.zeros(len(new_df), dtype=np.float64)
        pinned = apply_pins(new_df, self.pins) if self.pins else np.full(len(new_df), -1)
        rest = pinned < 0
        labels[~rest] = pinned[~rest]
        if rest.any():
            X = _transform(self.preprocessor, new_df.loc[rest, [*self.numeric, *self.categorical]], self.projection)
            raw, dist = assign_to_centers(X, self.centers)
            seg = self.center_ids[raw]
            if self.method == "gmm" and self.estimator is not None:
                seg = self.center_ids[np.asarray(self.estimator.predict(X))]
            if self.method == "hdbscan":
                seg = np.where(dist > self.far_threshold, UNASSIGNED, seg)
            labels[rest] = seg
            distances[rest] = dist
        ids = None
        id_col = self.schema.id_column
        if id_col and id_col in new_df.columns:
            ids = tuple(new_df[id_col].tolist())
        frame = self._frame(labels, ids=ids)
        frame["distance"] = np.round(distances, 4)
        frame["far_from_segments"] = rest & (distances > self.far_threshold)
        if self.propensity is not None:
            frame["propensity"] = np.round(self.propensity.score(new_df), 4)
        return frame

    def _frame(self, labels: np.ndarray, *, ids: tuple | None) -> pd.DataFrame:
        names = self.segment_names
        out = {}
        if ids is not None and self.schema.id_column:
            out[self.schema.id_column] = list(ids)
        out["segment"] = np.asarray(labels, dtype=np.int64)
        unassigned = unassigned_name()
        ids_seen, position = np.unique(np.asarray(labels, dtype=np.int64), return_inverse=True)
        named = np.array([names.get(int(s), unassigned) for s in ids_seen], dtype=object)
        out["segment_name"] = named[position]  # one lookup per segment, not per customer
        return pd.DataFrame(out)


def segment(
    df: pd.DataFrame,
    *,
    spec: FeatureSpec,
    schema: Schema | None = None,
    previous: Segmentation | None = None,
    prepared: PreparedSpec | None = None,
    sweep_result: SweepResult | None = None,
    progress: Progress | None = None,
) -> Segmentation:
    """Run the whole engine on one table of customers (one row each) and return the fitted segmentation.

    ``prepared`` (``prepare_spec(df, spec=spec, schema=schema)``) and ``sweep_result`` let a caller (the studio's
    cache) reuse work that does not depend on k or the method; given, the columns and pins are not worked out again.
    Raises SpecError / NotEnoughData with a message that names the column or number at fault.
    """
    report = progress or (lambda fraction, message: None)
    schema = validate_roles(df, schema or infer_roles(df))
    report(0.05, _("Preparing the data"))
    if prepared is None:
        prepared = prepare_spec(df, spec=spec, schema=schema)
    numeric, categorical = list(prepared.numeric), list(prepared.categorical)
    pins, pinned = prepared.pins, prepared.pinned
    rest = prepared.rest
    n_rest = int(rest.sum())
    notes = list(prepared.notes)
    rest_df = df.loc[rest]
    X = prepared.X

    k = spec.k
    if k is not None and k >= n_rest:
        raise NotEnoughData(
            _l(
                "The data has {n_rest} customers to cluster but you asked for {k} segments. Choose {most} "
                "or fewer, or add data.",
                n_rest=n_rest, k=k, most=max(2, n_rest - 1),
            )
        )
    if spec.method != "hdbscan" and sweep_result is None and k is None:
        k_values = tuple(v for v in spec.k_values if v < n_rest)
        if not k_values:
            raise NotEnoughData(
                _l(
                    "The data has {n_rest} customers to cluster: too few to try {fewest} or more segments.",
                    n_rest=n_rest, fewest=min(spec.k_values),
                )
            )

        def sweep_progress(fraction: float, message: str) -> None:
            report(0.1 + 0.5 * fraction, message)

        sweep_result = sweep(
            X, k_values=k_values, method=spec.method, random_state=spec.seed, progress=sweep_progress
        )
    structure = sweep_result.structure if sweep_result is not None else None
    # Work beside the main line on the second core (numpy releases the interpreter lock in its kernels): the verdict
    # for a fixed k while the segments are fitted, the stability bootstrap while the profiles and rules are written.
    beside = ThreadPoolExecutor(max_workers=1)
    pending_structure = None
    if structure is None and spec.method != "hdbscan":
        report(0.3, _("Checking whether these customers form groups at all"))
        if k is None:  # the verdict decides between segments and value tiers
            structure = clusterability(X, random_state=spec.seed)
        else:  # a fixed k needs it only to word and grade the result
            pending_structure = beside.submit(clusterability, X, random_state=spec.seed)
    tier_names: dict[int, str] = {}
    if k is None and structure is not None and structure.verdict == "none" and not pins and schema.value_column:
        tiers = value_tier_rules(df, schema.value_column)
        if tiers is not None:  # no groups to find: value tiers, said to be cuts of a continuum
            pins, lower = tiers
            pinned = apply_pins(df, pins)
            rest = pinned < 0
            tier_names = {**{i: p.name for i, p in enumerate(pins)}, len(pins): lower}
            notes.append(_(TIERS_NOTE, column=schema.value_column))
            tier_matrix = prepare(df.loc[rest], numeric=numeric, categorical=categorical, weights=spec.weight_map)
            projection = None
            if prepared.projection is not None:
                tier_matrix, projection = project_on_factors(tier_matrix, seed=spec.seed)
            prepared = dataclasses.replace(prepared, prepared=tier_matrix, pins=pins, pinned=pinned,
                                           projection=projection)
            X, rest_df, k = prepared.X, df.loc[rest], 1
    if k is None and sweep_result is not None:
        k = int(sweep_result.recommended_k)
        # worded from the table in the current language (a cached sweep may come from another session)
        reason = recommend(sweep_result.table, structure=sweep_result.structure)[1]
        notes.append(_("Chosen automatically — {reason}", reason=reason))  # the reason starts "{k} segments: "
    if tier_names:
        report(0.65, _("Cutting value tiers"))
        result = ClusterResult(
            np.zeros(X.shape[0], dtype=np.int64), X.mean(axis=0, keepdims=True), "kmeans", 1, X.shape[0]
        )
    else:
        report(0.65, _("Fitting {method} with {k} segments", method=spec.method, k=k))
        result = fit_clusters(X, method=spec.method, k=k or 2, random_state=spec.seed)
        if pending_structure is not None:
            structure = pending_structure.result()
        if structure is not None:
            structure = structure.for_k(result.k)  # the verdict's words name the k fitted (when it beats the null)
    notes.extend(result.notes)

    value = _value_array(rest_df, schema)
    ordered = order_labels(result.labels, value=value)
    raw_to_final = _raw_to_final(result.labels, ordered, n_centers=len(result.centers))
    offset = len(pins)
    final = np.where(ordered >= 0, ordered + offset, UNASSIGNED)
    center_ids = np.array([raw_to_final.get(i, -1) + offset for i in range(len(result.centers))], dtype=np.int64)
    if previous is not None and (previous.projection is not None or prepared.projection is not None):
        final, center_ids = align_by_customers(final, center_ids, rows=rest_df, previous=previous,
                                                       offset=offset, notes=notes)
    elif previous is not None:
        final, center_ids = align_by_centers(final, center_ids, result=result, previous=previous,
                                                     offset=offset, notes=notes)

    labels = np.full(len(df), UNASSIGNED, dtype=np.int64)
    labels[~rest] = pinned[~rest]
    labels[rest] = final
    report(0.7, _("Checking that the segments come back on resampled data"))
    n_found = len(set(final[final >= 0]))
    features = [*numeric, *categorical]
    with beside:  # the figures are the same as run one after the other
        resampled = (beside.submit(bootstrap_stability, X, final, k=n_found, random_state=spec.seed)
                     if n_found > 1 else None)
        report(0.75, _("Writing segment profiles"))
        profile_cols = [c for c in spec.profile_columns if c in df.columns and c not in features]
        pin_names = {i: pin.name for i, pin in enumerate(pins)}
        if tier_names:  # tiers are named cuts, not pinned accounts: their actions follow their value
            profiles = build_profiles(df, labels, schema=schema, features=features + profile_cols,
                                      segment_names=tier_names)
        else:
            profiles = build_profiles(df, labels, schema=schema, features=features + profile_cols, pinned=pin_names)
        report(0.85, _("Finding rules that describe each segment"))
        rules = explain_rules(df, labels, columns=features, random_state=spec.seed)
        stable = resampled.result() if resampled is not None else None
    report(0.95, _("Grading the segments"))
    grade = (
        quality(X, final, stability=stable, structure=structure, random_state=spec.seed)
        if len(set(final)) > 1
        else None
    )
    profiles = attach_rules(_with_stability(profiles, final, stable), rules)

    distances = assign_to_centers(X, np.asarray(result.centers, dtype=np.float32))[1]
    far = float(np.quantile(distances, FAR_QUANTILE)) if len(distances) else 0.0
    ids = tuple(df[schema.id_column].tolist()) if schema.id_column and schema.id_column in df.columns else None
    report(1.0, _("Done"))
    return Segmentation(
        spec=spec,
        schema=schema,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        preprocessor=prepared.prepared.preprocessor,
        centers=np.asarray(result.centers, dtype=np.float64),
        center_ids=center_ids,
        pins=pins,
        labels=labels,
        profiles=profiles,
        rules=rules,
        sweep=sweep_result,
        quality=grade,
        far_threshold=far,
        method=spec.method,
        k=int(len(set(final[final >= 0]))),
        n_rows=len(df),
        notes=tuple(notes),
        ids=ids,
        estimator=result.estimator if spec.method == "gmm" else None,
        structure=structure,
        stability=stable,
        tiers=bool(tier_names),
        projection=prepared.projection,
    )


def _with_stability(profiles: tuple[Profile, ...], final: np.ndarray, stable: Stability | None):
    """Each clustered segment's bootstrap stability on its profile (pinned segments and tiers have none)."""
    if stable is None:
        return profiles
    ids = np.unique(final[final >= 0])
    per = {int(i): v for i, v in zip(ids, stable.per_segment, strict=False)}
    return tuple(dataclasses.replace(p, stability=per.get(p.segment)) for p in profiles)


def _transform(preprocessor, frame: pd.DataFrame, projection=None) -> np.ndarray:
    X = np.asarray(preprocessor.transform(frame), dtype=np.float32)
    return projection.transform(X) if projection is not None else X


def _value_array(df: pd.DataFrame, schema: Schema) -> np.ndarray | None:
    if schema.value_column and schema.value_column in df.columns:
        return pd.to_numeric(df[schema.value_column], errors="coerce").to_numpy(dtype=float)
    return None


def _raw_to_final(raw: np.ndarray, ordered: np.ndarray, *, n_centers: int) -> dict[int, int]:
    mapping: dict[int, int] = {}
    for r in range(n_centers):
        hits = ordered[raw == r]
        if len(hits):
            mapping[r] = int(hits[0])
    return mapping
