"""Plain-language trait sentences and human number formats ('spends 3.1x the average (€1,240 vs €400)')."""

from __future__ import annotations

import math
import re

from segcore.insight.naming import humanize

# "2.4x the average" reads better than "140% higher" only for big differences; in between we say higher/lower.
RATIO_HIGH = 1.5
RATIO_LOW = 0.67
CURRENCY_TOKENS = {
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
    "gbp": "£",
    "jpy": "¥",
    "yen": "¥",
    "krw": "₩",
    "won": "₩",
    "cny": "¥",
    "rmb": "¥",
    "inr": "₹",
}
SPEND_TOKENS = frozenset(
    {"spend", "spending", "spent", "monetary", "revenue", "sales", "purchase", "purchases"}
)
FREQUENCY_VERBS = {
    "visits": "visits",
    "visit": "visits",
    "orders": "orders",
    "purchases": "buys",
    "transactions": "buys",
    "baskets": "buys",
    "trips": "shops",
    "frequency": "buys",
}


def name_tokens(column: str) -> set[str]:
    return {t.lower() for t in re.split(r"[^0-9a-zA-Z]+", str(column)) if t}


def currency_of(column: str) -> str:
    for token in name_tokens(column):
        if token in CURRENCY_TOKENS:
            return CURRENCY_TOKENS[token]
    return ""


def fmt_number(x: float, *, money: str = "") -> str:
    """Human numbers: '1,240', '400', '14.0', '0.123'; ``money`` is a currency symbol put in front."""
    if x is None or not math.isfinite(x):
        return "n/a"
    sign, a = ("-" if x < 0 else ""), abs(x)
    text = f"{a:,.0f}" if a >= 100 else f"{a:.1f}" if a >= 1 else f"{a:.3g}"
    return f"{sign}{money}{text}"


def fmt_percent(p: float) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return f"{p * 100:.0f}%" if p * 100 >= 1 or p == 0 else f"{p * 100:.1f}%"


# ---------------------------------------------------------------------------------------------------------- sentences
def numeric_sentence(
    column: str, segment_mean: float, overall_mean: float, *, concept: str | None = None, money: str = ""
) -> str:
    """'spends 3.1x the average (€1,240 vs €400)', '42% lower tenure months than average (8.1 vs 14.0)'."""
    h = humanize(column)
    both = f"({fmt_number(segment_mean, money=money)} vs {fmt_number(overall_mean, money=money)})"
    if segment_mean > 0 and overall_mean > 0:
        ratio = segment_mean / overall_mean
        if ratio >= RATIO_HIGH:
            tokens = name_tokens(column)
            if concept == "value" and tokens & SPEND_TOKENS:
                return f"spends {ratio:.1f}x the average {both}"
            verb = next((FREQUENCY_VERBS[t] for t in sorted(tokens) if t in FREQUENCY_VERBS), None)
            if concept == "frequency" and verb:
                return f"{verb} {ratio:.1f}x as often {both}"
            return f"{ratio:.1f}x the average {h} {both}"
        if ratio <= RATIO_LOW:
            return f"{(1 - ratio) * 100:.0f}% lower {h} than average {both}"
    return f"{'higher' if segment_mean > overall_mean else 'lower'} {h} than average {both}"


def _flag_label(column: str) -> str:
    h = humanize(column)
    return re.sub(r"^(is|has|uses|flag)\s+", "", h, flags=re.IGNORECASE) or h


def category_sentence(
    column: str, level: str, p_segment: float, p_overall: float, *, scheme: str | None = None
) -> str:
    """'58% in Seoul vs 21% overall' (geographic) or '58% job: management vs 21% overall'."""
    where = f"in {level}" if scheme == "geographic" else f"{humanize(column)}: {level}"
    return f"{fmt_percent(p_segment)} {where} vs {fmt_percent(p_overall)} overall"


def boolean_sentence(column: str, p_segment: float, p_overall: float) -> str:
    """'71% app user vs 35% overall'."""
    return f"{fmt_percent(p_segment)} {_flag_label(column)} vs {fmt_percent(p_overall)} overall"
