"""Plain-language wording of trait facts and human number formats: the only place a trait becomes words.

``render_trait`` turns a ``segcore.insight.traits.Trait`` into the sentence on a card ('higher total spend: median
€1,150 vs €625 overall (78% of the segment above €625)'); a translation renders the same facts in its language.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from segcore.columns.vocabulary import normalise_name
from segcore.i18n import _, format_number, format_percent, pgettext

if TYPE_CHECKING:
    from segcore.insight.traits import Trait

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
    "rub": "₽",
    "руб": "₽",
    "元": "¥",
    "원": "₩",
}
# Units a column name states in words; shown after the number ("12 days").
WORD_UNITS = {
    "days": "days",
    "day": "days",
    "weeks": "weeks",
    "months": "months",
    "month": "months",
    "years": "years",
    "year": "years",
    "hours": "hours",
    "minutes": "minutes",
    "mins": "minutes",
    "km": "km",
    "kg": "kg",
    "pct": "%",
    "percent": "%",
    "天": "天",
    "月": "月",
    "年": "年",
    "일": "일",
    "дней": "дней",
    "дни": "дней",
}


def humanize(column: str) -> str:
    """'total_spend_12m' -> 'total spend 12m'. Only separators change; words are never translated."""
    text = re.sub(r"[_\s]+", " ", str(column)).strip()
    return text or str(column)


def unit_of(column: str, *, money: bool) -> str:
    """The unit a column's name states: a currency symbol for money columns, else a time/size word, else ''."""
    words = normalise_name(column)  # the one column-name splitter (segcore.columns.vocabulary)
    if money:
        for w in words:
            if w in CURRENCY_TOKENS:
                return CURRENCY_TOKENS[w]
    for w in words:
        if w in WORD_UNITS:
            return WORD_UNITS[w]
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


def fmt_quantity(x: float, unit: str) -> str:
    """A number with its unit: '€1,240', '12.0 days', '35%' (a '%' unit means the number already is a percent)."""
    if unit in set(CURRENCY_TOKENS.values()):
        return fmt_number(x, money=unit)
    if unit == "%":
        return f"{fmt_number(x)}%"
    return f"{fmt_number(x)} {unit}" if unit else fmt_number(x)


def _local_number(x: float, money: str = "") -> str:
    """fmt_number's digits, written the current language's way (1,240 / 1 240; 14.0 / 14,0)."""
    if x is None or not math.isfinite(x):
        return _("n/a")
    a = abs(x)
    text = format_number(a, digits=0 if a >= 100 else 1 if a >= 1 else None)
    return ("-" if x < 0 else "") + money + text


def _local_percent(p: float) -> str:
    if p is None or not math.isfinite(p):
        return _("n/a")
    return format_percent(p, digits=0 if p * 100 >= 1 or p == 0 else 1)


# Unit words in column names, shown in the reader's language after a number.
UNIT_WORDS = {"days": "days", "weeks": "weeks", "months": "months", "years": "years", "hours": "hours",
              "minutes": "minutes"}


def _local_quantity(x: float, unit: str) -> str:
    if unit in set(CURRENCY_TOKENS.values()):
        return _local_number(x, unit)
    if unit == "%":
        return _local_number(x) + "%"
    if unit in UNIT_WORDS:
        unit = {
            "days": pgettext("unit", "days"), "weeks": pgettext("unit", "weeks"),
            "months": pgettext("unit", "months"), "years": pgettext("unit", "years"),
            "hours": pgettext("unit", "hours"), "minutes": pgettext("unit", "minutes"),
        }[unit]
    return f"{_local_number(x)} {unit}" if unit else _local_number(x)


def flag_label(column: str) -> str:
    h = humanize(column)
    return re.sub(r"^(is|has|uses|flag)\s+", "", h, flags=re.IGNORECASE) or h


def render_trait(t: Trait) -> str:
    """The sentence on a card for one trait fact (the only place a trait becomes words).

    numeric: 'higher total spend: median €1,150 vs €625 overall (78% of the segment above €625)'; when both medians
    are equal (counts that are mostly 0): 'higher complaints: 41% of the segment above 0 vs 12% overall'.
    flag: '71% app user vs 35% overall'. level: '58% in Seoul vs 21% overall', '58% job: management vs 21% overall'.

    Each shape is one whole sentence in the catalogs, so a translation can order it the way its language does
    ('年消费额偏高：中位数 ¥4,118，整体为 ¥655（本群体 91% 高于 ¥655）'); column names and levels stay as written.
    """
    share, overall_share = _local_percent(t.segment_value), _local_percent(t.overall_value)
    if t.kind == "flag":
        return _("{share} {label} vs {overall} overall", share=share, label=flag_label(t.column), overall=overall_share)
    if t.kind == "level":
        if t.geographic:
            return _("{share} in {level} vs {overall} overall", share=share, level=t.level, overall=overall_share)
        return _("{share} {column}: {level} vs {overall} overall", share=share, column=humanize(t.column),
                 level=t.level, overall=overall_share)
    higher = t.direction > 0
    values = {
        "column": humanize(t.column),
        "median": _local_quantity(t.segment_value, t.unit),
        "overall": _local_quantity(t.overall_value, t.unit),
        "share": _local_percent(t.share),
        "overall_share": _local_percent(t.overall_share),
    }
    if t.segment_value == t.overall_value or not math.isfinite(t.share):
        if higher:
            return _("higher {column}: {share} of the segment above {overall} vs {overall_share} overall", **values)
        return _("lower {column}: {share} of the segment below {overall} vs {overall_share} overall", **values)
    if higher:
        return _("higher {column}: median {median} vs {overall} overall ({share} of the segment above {overall})",
                 **values)
    return _("lower {column}: median {median} vs {overall} overall ({share} of the segment below {overall})",
             **values)


