"""The defaults a marketer should not have to pick by hand: the money column, the yes/no outcome, and whether the
table is a panel (an entity repeated over periods), reported beside the schema by ``segcore inspect --json`` and
the Data page.

Names count in English, Chinese, Korean and Russian alike; a name proposes, the values decide (an outcome needs
exactly two answers; a value column is numeric money, see ``roles._pick_value``).
"""

from __future__ import annotations

import pandas as pd

from segcore.columns.schema import Schema
from segcore.columns.vocabulary import TARGET_KEYWORDS, best_keyword, normalise_name

# Outcome names beyond the schema's TARGET_KEYWORDS: status-like and result-like columns, in en/zh/ko/ru.
OUTCOME_KEYWORDS: tuple[str, ...] = (
    *TARGET_KEYWORDS,
    "churn flag", "attrition", "exited", "left", "responded", "accepted", "purchased", "subscribed", "default",
    "status", "outcome", "label", "class", "result", "risk",
    "是否", "状态", "结果", "违约", "购买", "상태", "결과", "구매여부", "연체", "статус", "результат", "дефолт",
)


def propose_outcome(df: pd.DataFrame, schema: Schema) -> str | None:
    """The outcome column a marketer most likely means, or None.

    The schema's own target comes first; otherwise a column named like an outcome (churn, converted, response, y,
    Status, 流失, 이탈, отток...) that holds exactly two answers, the better-named one first, then the leftmost.
    """
    if schema.target_column and schema.target_column in df.columns:
        return schema.target_column
    ranked = []
    for position, col in enumerate(schema.columns):
        # a sensitive attribute (marital status, gender) is a trait of the person, never the outcome to predict
        if col.role in ("id", "datetime", "text", "constant") or col.sensitive or col.name not in df.columns:
            continue
        words = normalise_name(col.name)
        keyword = "y" if words == ("y",) else best_keyword(words, tuple(k for k in OUTCOME_KEYWORDS if k != "y"))
        if keyword is None or df[col.name].dropna().nunique() != 2:
            continue
        ranked.append((OUTCOME_KEYWORDS.index(keyword), position, col.name))
    return min(ranked)[2] if ranked else None


def proposed_defaults(df: pd.DataFrame, schema: Schema, *, transaction_log: bool = False) -> dict:
    """``{"value_column", "outcome_column", "panel"}`` for a customer table (panel is ``{"entity", "time", ...}``
    or None; a transaction log is never a panel)."""
    from segcore.columns.panel import detect_panel

    panel = None if transaction_log else detect_panel(df, schema)
    return {
        "value_column": schema.value_column,
        "outcome_column": propose_outcome(df, schema),
        "panel": panel.to_dict() if panel else None,
    }
