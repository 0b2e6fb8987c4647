"""The yes/no outcome a propensity model predicts: which column, which answer counts as "it happened", and which
other columns would give the answer away.

A marketer's outcome is a column such as ``churn``, ``converted``, ``y``, ``Response`` or a credit ``Status``
(good/bad), in any of the four languages we serve. ``propose_outcome`` picks one only when the name says so AND the
column holds exactly two answers; ``outcome_labels`` turns it into 0/1 with the event (churned, responded, bad
credit) as 1; ``suspect_columns`` lists columns that leak the outcome, so the model is not judged on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segcore.columns.defaults import OUTCOME_KEYWORDS, propose_outcome  # noqa: F401  (re-exported)
from segcore.columns.vocabulary import NO_WORDS, YES_WORDS, best_keyword, normalise_name
from segcore.errors import SpecError
from segcore.i18n import Message, _l

# Answers that name the event being predicted (the "1"); the other answer is the "0".
EVENT_WORDS = frozenset({
    *YES_WORDS, "bad", "churn", "churned", "left", "exited", "lost", "cancelled", "canceled", "default",
    "defaulted", "fraud", "responded", "converted", "bought", "positive", "true.", "流失", "违约", "坏", "이탈",
    "연체", "불량", "ушел", "ушёл", "плохой", "дефолт",
})
NON_EVENT_WORDS = frozenset({*NO_WORDS, "good", "stayed", "active", "retained", "negative", "false.", "好", "정상",
                             "우량", "хороший"})
# Column names that are usually recorded only after the outcome (why they left, when the contract ended, how long
# the sales call lasted): a model using them looks excellent and is useless for deciding whom to contact.
POST_OUTCOME_KEYWORDS: tuple[str, ...] = (
    "reason", "cancel date", "cancellation", "termination", "end date", "exit date", "closed date", "churn date",
    "duration", "原因", "流失原因", "해지", "사유", "причина", "дата ухода",
)
# A single column that separates the outcome this well on held-out customers is almost surely the outcome itself
# in another form (a churn date, a "days since cancellation"), not a predictor.
LEAK_AUC = 0.98


@dataclass(frozen=True)
class Outcome:
    """A yes/no outcome as 0/1 (``y``; -1 where the answer is missing) and what 1 means."""

    column: str
    y: np.ndarray
    positive: str
    negative: str

    @property
    def event(self) -> str:
        return f"{self.column} = {self.positive}"

    @property
    def known(self) -> np.ndarray:
        return self.y >= 0


@dataclass(frozen=True)
class Suspect:
    """A column left out of the propensity model, and why."""

    column: str
    reason: str | Message  # a lazy message: shown (and saved) in the reader's language
    auc: float | None = None


def outcome_labels(column: pd.Series, *, name: str | None = None) -> Outcome:
    """0/1 labels for a two-answer column; the event answer (yes, churned, bad, 1...) becomes 1.

    When neither answer names an event, the rarer answer is the event (a campaign's responders, a bank's defaulters
    are the minority). Raises SpecError for a column without exactly two answers.
    """
    name = name or str(column.name)
    text = column.map(_answer_text)
    answers = text.dropna().unique().tolist()
    if len(answers) != 2:
        shown = ", ".join(map(repr, answers[:5]))
        raise SpecError(
            _l(
                "The outcome '{name}' must have exactly two answers (such as yes/no or churned/stayed); it "
                "has {answers}: {shown}. Choose a yes/no column as the outcome.",
                name=name, answers=len(answers), shown=shown or "–",
            )
        )
    positive = _event_answer(answers, text)
    negative = answers[1] if answers[0] == positive else answers[0]
    y = np.where(text.isna(), -1, (text == positive).astype(np.int64)).astype(np.int64)
    return Outcome(column=name, y=y, positive=positive, negative=negative)


def suspect_columns(
    df: pd.DataFrame, outcome: Outcome, *, columns: list[str], train: np.ndarray, test: np.ndarray
) -> list[Suspect]:
    """Columns that leak the outcome: named like a post-outcome record, or alone separating it almost perfectly.

    The single-column check learns on ``train`` rows and measures on ``test`` rows, so a many-valued category
    cannot look perfect by memorising the training answers.
    """
    from sklearn.metrics import roc_auc_score

    suspects = []
    outcome_words = set(normalise_name(outcome.column)) - {"is", "flag", "y"}
    for name in columns:
        words = normalise_name(name)
        keyword = best_keyword(words, POST_OUTCOME_KEYWORDS)
        if keyword is not None or (outcome_words and outcome_words <= set(words)):
            why = _l("the name ('{word}') suggests it is recorded after the outcome is known",
                     word=keyword or outcome.column)
            suspects.append(Suspect(name, why))
            continue
        score = _held_out_score(df[name], outcome.y, train, test)
        if score is None or len(np.unique(outcome.y[test])) < 2:
            continue
        auc = float(roc_auc_score(outcome.y[test], score))
        auc = max(auc, 1.0 - auc)
        if auc > LEAK_AUC:
            suspects.append(
                Suspect(name, _l("on its own it predicts the outcome almost perfectly (AUC {auc:.3f})", auc=auc), auc)
            )
    return suspects


def _answer_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _event_answer(answers: list[str], text: pd.Series) -> str:
    lowered = [a.lower() for a in answers]
    for wanted, other in ((EVENT_WORDS, NON_EVENT_WORDS), (EVENT_WORDS, ())):
        hits = [a for a, low in zip(answers, lowered, strict=True) if low in wanted]
        misses = [a for a, low in zip(answers, lowered, strict=True) if low in other]
        if len(hits) == 1 and (not other or misses):
            return hits[0]
    counts = text.value_counts()
    return str(counts.index[-1]) if counts.iloc[0] != counts.iloc[-1] else sorted(answers)[-1]


def _held_out_score(values: pd.Series, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray | None:
    """A one-column score for the test rows: the value itself for numbers, the train rate of its level otherwise."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        x = values.to_numpy(dtype=float)[test]
        if np.isnan(x).all():
            return None
        return np.where(np.isnan(x), np.nanmedian(x), x)
    levels = values.astype("string").fillna("(missing)")
    rates = pd.Series(y[train], index=levels.iloc[train].to_numpy()).groupby(level=0).mean()
    base = float(y[train].mean())
    return levels.iloc[test].map(rates).fillna(base).to_numpy(dtype=float)
