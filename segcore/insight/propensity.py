"""Each customer's likelihood to do the thing the marketer cares about (churn, convert, respond), calibrated and
honestly measured.

``fit_propensity`` holds out a quarter of the customers (stratified), checks every other column for leaks of the
outcome (``segcore.insight.outcome``), chooses logistic regression or gradient boosting by 5-fold cross-validated
AUC on the rest (boosting must win by ``BOOSTING_MARGIN`` to be worth its opacity), calibrates the winner
(isotonic with enough positives, Platt scaling otherwise) and measures it on the held-out quarter only. The model that
is measured is the model that scores: there is no refit after the evaluation. The main drivers are permutation
importances on the held-out quarter, said in words ("higher balance: more likely").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segcore.columns.roles import Schema
from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import Message, _l, format_percent, gettext  # not `_`: a throwaway name in this module
from segcore.insight.outcome import Outcome, Suspect, outcome_labels, suspect_columns
from segcore.insight.propensity_eval import Evaluation, evaluate
from segcore.insight.propensity_scorer import Scorer, from_calibrated

TEST_SHARE = 0.25
CV_FOLDS = 5
# Boosting is chosen only when its cross-validated AUC beats logistic regression's by this much: a linear model is
# easier to explain and calibrates as well when the gain is within noise.
BOOSTING_MARGIN = 0.005
# Isotonic calibration needs many positives to be smooth; below this Platt scaling (two numbers) is steadier.
ISOTONIC_MIN_POSITIVES = 200
MIN_PER_CLASS = 20
# Model choice runs on at most this many training customers: the choice does not change with more, the time does.
CHOICE_MAX_ROWS = 20_000
DRIVER_REPEATS = 5
MAX_DRIVERS = 6
FEATURE_ROLES = ("numeric", "boolean", "categorical")

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Driver:
    column: str
    importance: float
    sentence: str


@dataclass(frozen=True)
class Propensity:
    """A fitted outcome model: how to score, how well it did on held-out customers, and what drives it."""

    outcome: str
    positive: str
    negative: str
    scorer: Scorer
    evaluation: Evaluation
    cv_auc: dict
    drivers: tuple[Driver, ...]
    left_out: tuple[Suspect, ...]
    warnings: tuple[str, ...] = ()
    scores: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def event(self) -> str:
        return f"{self.outcome} = {self.positive}"

    def score(self, df: pd.DataFrame) -> np.ndarray:
        return self.scorer.predict(df)

    def to_dict(self) -> dict:
        """Everything but the scorer's arrays, as plain data (the model file stores the arrays beside it)."""
        return {
            "outcome": self.outcome,
            "positive": self.positive,
            "negative": self.negative,
            "scorer": self.scorer.meta(),
            "evaluation": self.evaluation.to_dict(),
            "cv_auc": dict(self.cv_auc),
            "drivers": [vars(d) for d in self.drivers],
            "left_out": [{**vars(s), "reason": str(s.reason)} for s in self.left_out],
            "warnings": [str(w) for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, d: dict, scorer: Scorer) -> Propensity:
        return cls(
            outcome=str(d["outcome"]),
            positive=str(d["positive"]),
            negative=str(d["negative"]),
            scorer=scorer,
            evaluation=Evaluation.from_dict(d["evaluation"]),
            cv_auc={str(k): float(v) for k, v in d.get("cv_auc", {}).items()},
            drivers=tuple(Driver(str(x["column"]), float(x["importance"]), str(x["sentence"])) for x in d["drivers"]),
            left_out=tuple(Suspect(str(x["column"]), str(x["reason"]), x.get("auc")) for x in d["left_out"]),
            warnings=tuple(str(w) for w in d.get("warnings", ())),
        )


def fit_propensity(
    df: pd.DataFrame,
    *,
    outcome: str,
    schema: Schema,
    columns: Sequence[str] | None = None,
    keep: Sequence[str] = (),
    seed: int = 0,
    progress: Progress | None = None,
) -> Propensity:
    """Fit, calibrate and evaluate a propensity model for ``outcome`` (a two-answer column of ``df``).

    ``columns`` defaults to every number, yes/no and category column that is not an id, the outcome or a sensitive
    attribute; suspected leaks are left out unless named in ``keep``. Rows with no answer are scored but not
    learned from. Raises SpecError / NotEnoughData with what to change.
    """
    import sklearn.ensemble  # noqa: F401  (loads OpenMP first: threadpoolctl limits only loaded libraries)
    from threadpoolctl import threadpool_limits

    # One thread: on a shared machine OpenMP's spinning threads made one boosting fit 20x slower, never faster.
    with threadpool_limits(limits=1):
        return _fit(df, outcome=outcome, schema=schema, columns=columns, keep=keep, seed=seed, progress=progress)


def held_out_split(target: Outcome, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Row positions to learn from and to measure on (a stratified quarter), among customers with an answer."""
    from sklearn.model_selection import train_test_split

    known = np.flatnonzero(target.known)
    return tuple(train_test_split(known, test_size=TEST_SHARE, stratify=target.y[known], random_state=seed))


def _fit(df, *, outcome, schema, columns, keep, seed, progress) -> Propensity:
    report = progress or (lambda fraction, message: None)
    if outcome not in df.columns:
        raise SpecError(_l(
            "There is no column '{outcome}' to predict. Choose one of the table's yes/no columns.",
            outcome=outcome,
        ))
    target = outcome_labels(df[outcome], name=outcome)
    known = np.flatnonzero(target.known)
    counts = np.bincount(target.y[known], minlength=2)
    if counts.min() < MIN_PER_CLASS:
        raise NotEnoughData(
            _l(
                "The outcome '{outcome}' has {n_positive:,} customers with '{positive}' and {n_negative:,} with "
                "'{negative}'; at least {min_per_class} of each are needed to learn and test a propensity "
                "model.",
                outcome=outcome, n_positive=counts[1], positive=target.positive, n_negative=counts[0],
                negative=target.negative, min_per_class=MIN_PER_CLASS,
            )
        )
    candidates = _candidate_columns(df, schema, outcome, columns)
    train, test = held_out_split(target, seed=seed)
    report(0.1, gettext("Checking columns for leaks of the outcome"))
    suspects = [s for s in suspect_columns(df, target, columns=candidates, train=train, test=test) if s.column not in keep]
    used = [c for c in candidates if c not in {s.column for s in suspects}]
    if not used:
        raise SpecError(
            _l(
                "No column is left to predict '{outcome}' from after leaving out suspected leaks "
                "({suspects}). Keep one explicitly if it is known before the outcome.",
                outcome=outcome, suspects=', '.join(s.column for s in suspects),
            )
        )
    report(0.25, gettext("Choosing between logistic regression and gradient boosting"))
    preprocessor, numeric_used = _preprocessor(df.iloc[train], schema, used)
    X_train = np.asarray(preprocessor.fit_transform(df.iloc[train][used]), dtype=np.float64)
    y_train = target.y[train]
    cv_auc = _choose(X_train, y_train, seed=seed)
    kind = "boosting" if cv_auc["boosting"] > cv_auc["logistic"] + BOOSTING_MARGIN else "logistic"
    report(0.55, gettext("Calibrating the gradient boosting model") if kind == "boosting"
           else gettext("Calibrating the logistic model"))
    scorer = _fit_calibrated(kind, X_train, y_train, used, preprocessor, seed=seed)
    report(0.75, gettext("Measuring it on held-out customers"))
    p_test = scorer.predict(df.iloc[test])
    evaluation = evaluate(target.y[test], p_test, seed=seed)
    report(0.85, gettext("Finding the main drivers"))
    drivers = _drivers(scorer, df.iloc[test], target.y[test], p_test, used, numeric_used, seed=seed)
    scores = scorer.predict(df)
    report(1.0, gettext("Done"))
    return Propensity(
        outcome=outcome,
        positive=target.positive,
        negative=target.negative,
        scorer=scorer,
        evaluation=evaluation,
        cv_auc=cv_auc,
        drivers=tuple(drivers),
        left_out=tuple(suspects),
        warnings=tuple(_warnings(target, evaluation, suspects, n_unknown=int((~target.known).sum()))),
        scores=scores,
    )


def _candidate_columns(df, schema: Schema, outcome: str, columns) -> list[str]:
    if columns is not None:
        unknown = [c for c in columns if c not in df.columns]
        if unknown:
            raise SpecError(_l(
                "These columns are not in the data: {unknown}. Check the spelling.",
                unknown=', '.join(unknown),
            ))
        return [c for c in columns if c != outcome]
    return [
        c.name
        for c in schema.columns
        if c.name != outcome and c.role in FEATURE_ROLES and not c.sensitive and c.use != "ignore"
        and c.name in df.columns
    ]


def _preprocessor(df: pd.DataFrame, schema: Schema, used: list[str]):
    from segcore.model.prep import make_preprocessor

    numeric = [c for c in used if schema[c].role in ("numeric", "boolean") and _number_like(df[c])]
    categorical = [c for c in used if c not in numeric]
    return make_preprocessor(df, numeric=numeric, categorical=categorical), numeric


def _number_like(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)


def _models(seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    return {
        "logistic": LogisticRegression(max_iter=2000),
        "boosting": HistGradientBoostingClassifier(
            max_iter=100, learning_rate=0.1, max_leaf_nodes=15, l2_regularization=1.0, random_state=seed
        ),
    }


def _choose(X: np.ndarray, y: np.ndarray, *, seed: int) -> dict:
    """Cross-validated AUC of each candidate on (at most CHOICE_MAX_ROWS of) the training customers."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    if len(y) > CHOICE_MAX_ROWS:
        pick = np.random.default_rng(seed).choice(len(y), CHOICE_MAX_ROWS, replace=False)
        X, y = X[pick], y[pick]
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    return {
        name: float(np.mean(cross_val_score(model, X, y, cv=folds, scoring="roc_auc")))
        for name, model in _models(seed).items()
    }


def _fit_calibrated(kind, X, y, used, preprocessor, *, seed: int) -> Scorer:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    method = "isotonic" if int(y.sum()) >= ISOTONIC_MIN_POSITIVES else "sigmoid"
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    model = CalibratedClassifierCV(_models(seed)[kind], method=method, cv=folds, ensemble=False)
    model.fit(X, y)
    return from_calibrated(model, columns=used, preprocessor=preprocessor)


def _drivers(scorer, test_df, y, p, used, numeric, *, seed: int) -> list[Driver]:
    """Permutation importance (drop in held-out AUC when a column is shuffled), largest first, in words.

    Every preprocessing step works row by row, so shuffling a column's block of the prepared matrix is the same as
    shuffling the column itself, and the test customers are prepared once.
    """
    from segcore.insight.propensity_eval import fast_auc

    rng = np.random.default_rng(seed)
    X = np.asarray(scorer.preprocessor.transform(test_df[list(scorer.columns)]), dtype=np.float64)
    base = fast_auc(y, p)
    drops = {}
    for name, block in _column_blocks(scorer.preprocessor).items():
        losses = []
        for _ in range(DRIVER_REPEATS):
            shuffled = X.copy()
            shuffled[:, block] = X[rng.permutation(len(X))][:, block]
            losses.append(base - fast_auc(y, scorer.calibrate(scorer.decision(shuffled))))
        drops[name] = float(np.mean(losses))
    ranked = sorted((d, n) for n, d in drops.items() if d > 0.001)[::-1][:MAX_DRIVERS]
    return [Driver(n, d, _driver_sentence(test_df[n], p, n, numeric=n in numeric)) for d, n in ranked]


def _column_blocks(preprocessor) -> dict[str, slice]:
    """Which prepared columns come from each original column (one transformer per column, see model.prep)."""
    return {
        columns[0]: preprocessor.output_indices_[name]
        for name, _, columns in preprocessor.transformers_
        if name != "remainder" and len(columns) == 1
    }


def _driver_sentence(values: pd.Series, p: np.ndarray, name: str, *, numeric: bool) -> str:
    if numeric:
        x = pd.to_numeric(values, errors="coerce").astype(float)
        rho = pd.Series(p, index=values.index).corr(x, method="spearman")
        if pd.isna(rho) or abs(rho) < 0.05:
            return gettext("{name}: matters, but not in one direction (high and low values both count).", name=name)
        if rho > 0:
            return gettext("{name}: the higher it is, the more likely.", name=name)
        return gettext("{name}: the lower it is, the more likely.", name=name)
    rates = pd.Series(p, index=values.index).groupby(values.astype("string").fillna("(missing)")).mean()
    rates = rates.sort_values()
    return gettext("{name}: '{top}' most likely ({top_rate} on average), '{bottom}' least ({bottom_rate}).",
                   name=name, top=rates.index[-1], top_rate=format_percent(rates.iloc[-1], digits=0),
                   bottom=rates.index[0], bottom_rate=format_percent(rates.iloc[0], digits=0))


def _warnings(target: Outcome, ev: Evaluation, suspects: list[Suspect], *, n_unknown: int) -> list[Message]:
    out = []
    if not ev.better_than_chance:
        out.append(_l(
            "No better than chance: on held-out customers the AUC is {auc:.2f} and its 95% interval ({low:.2f}-"
            "{high:.2f}) includes 0.5. Do not rank customers by this propensity.",
            auc=ev.auc, low=ev.auc_low, high=ev.auc_high,
        ))
    for s in suspects:
        out.append(_l("'{column}' was left out of the propensity model: {reason}.", column=s.column, reason=s.reason))
    if n_unknown:
        out.append(_l("{n:,} customers have no '{column}' answer: they are scored but not learned from.",
                      n=n_unknown, column=target.column))
    return out


# --- using the scores ------------------------------------------------------------------------------------------


def segment_propensity(labels: np.ndarray, scores: np.ndarray, *, names: dict[int, str] | None = None) -> pd.DataFrame:
    """Per segment: customers, mean propensity, its spread (standard deviation, quartiles) and expected count."""
    frame = pd.DataFrame({"segment": np.asarray(labels, dtype=np.int64), "p": np.asarray(scores, dtype=float)})
    grouped = frame.groupby("segment")["p"]
    table = pd.DataFrame({
        "customers": grouped.size(),
        "mean": grouped.mean(),
        "std": grouped.std(ddof=0),
        "p25": grouped.quantile(0.25),
        "median": grouped.median(),
        "p75": grouped.quantile(0.75),
        "expected": grouped.sum(),
    }).reset_index()
    if names:
        table.insert(1, "segment_name", [names.get(int(s), str(s)) for s in table["segment"]])
    return table.sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)


def contact_first(
    labels: np.ndarray, scores: np.ndarray, *, ids: Sequence | None = None, per_segment: int = 20
) -> pd.DataFrame:
    """The ``per_segment`` customers with the highest propensity in each segment (row number when no id)."""
    frame = pd.DataFrame({
        "customer": list(ids) if ids is not None else np.arange(1, len(labels) + 1),
        "segment": np.asarray(labels, dtype=np.int64),
        "propensity": np.round(np.asarray(scores, dtype=float), 4),
    })
    frame = frame.sort_values(["segment", "propensity"], ascending=[True, False], kind="stable")
    frame["rank_in_segment"] = frame.groupby("segment").cumcount() + 1
    return frame[frame["rank_in_segment"] <= per_segment].reset_index(drop=True)
