"""Statistical disclosure control for what a share link shows: no small group can be seen or worked out.

The rule is the one statistical offices publish tables with (e.g. Eurostat/ONS practice for business statistics):
- threshold rule: a segment, category level or map square is shown only when it counts at least ``MIN_GROUP`` (10)
  customers; a category level held by fewer customers overall (or by 1-9 customers of a segment) is left out of
  traits, rules and names;
- complementary (secondary) suppression: when segments are hidden, more segments (the smallest shown) are hidden
  with them until the hidden ones together count at least ``MIN_GROUP`` and are at least two, so "all customers
  minus the segments shown" only ever gives the total of a group that passes the threshold, never one segment;
- rounding: counts to the nearest ``ROUNDING_BASE`` (5), shares and rates to whole percents, means to three
  significant figures and rule thresholds to two, so no exact figure is left to subtract.
Everything here works on the plain summary dict (``segcore.insight.summary.build_summary``); nothing is recomputed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from segcore.i18n import _
from segcore.insight.traits import Trait

MIN_GROUP = 10
ROUNDING_BASE = 5
# Significant figures kept for means and KPI values, and for the cut-offs in shared CRM rules.
VALUE_DIGITS = 3
THRESHOLD_DIGITS = 2
# A categorical column with more rare levels than this is recorded as "all levels rare" (id-like: emails, postcodes).
MAX_RARE_LEVELS = 1000


def rule_text(min_size: int = MIN_GROUP) -> str:
    """The disclosure-control rule in one paragraph, for the shared view's footnote and the reports."""
    return _(
        "Disclosure control: every group shown counts at least {min_size:,} customers (threshold rule); hidden "
        "segments are hidden together with others until they count at least {min_size:,} (complementary "
        "suppression); counts are rounded to the nearest {base}, shares to whole percents, averages to {digits} "
        "significant figures and rule thresholds to {threshold_digits}, so totals cannot be subtracted to single out "
        "a small group.",
        min_size=min_size, base=ROUNDING_BASE, digits=VALUE_DIGITS, threshold_digits=THRESHOLD_DIGITS,
    )

# A comparison followed by a number: "> 1,234.5" in rule text, "<= 1234.5" in SQL.
_THRESHOLD = re.compile(r"(?P<op>>=|<=|<>|>|<|=)(?P<space>\s*)(?P<num>-?\d[\d,]*(?:\.\d+)?(?:[eE][+-]?\d+)?)")
# Quoted SQL identifiers and strings, which must never be rewritten.
_QUOTED = re.compile(r"(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*')")


def round_count(n: float, *, base: int = ROUNDING_BASE) -> int:
    """``n`` to the nearest multiple of ``base`` (halves go up, as published tables do)."""
    return int(base * math.floor(float(n) / base + 0.5))


def round_sig(x: float | None, digits: int) -> float | None:
    """``x`` to ``digits`` significant figures; None and non-finite values become None."""
    if x is None or not math.isfinite(float(x)):
        return None
    x = float(x)
    if x == 0:
        return 0.0
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def round_share(p: float | None) -> float | None:
    """A share or rate (0-1) to whole percents."""
    return None if p is None or not math.isfinite(float(p)) else round(float(p), 2)


def suppressed_segments(sizes: Mapping[int, int], *, min_size: int = MIN_GROUP) -> set[int]:
    """Segments to hide: under ``min_size`` (primary), plus the smallest others until the hidden ones together are
    at least two and count at least ``min_size`` (complementary), so no hidden segment follows from the totals."""
    hidden = {s for s, n in sizes.items() if n < min_size}
    if not hidden:
        return hidden
    shown = sorted((s for s in sizes if s not in hidden), key=lambda s: (sizes[s], s))
    while shown and (len(hidden) < 2 or sum(sizes[s] for s in hidden) < min_size):
        hidden.add(shown.pop(0))
    return hidden


def rare_levels(df: pd.DataFrame, columns: Iterable[str], *, min_size: int = MIN_GROUP) -> dict[str, list | None]:
    """Per text/category column, the levels fewer than ``min_size`` customers hold (None: too many to list, so
    every level of the column counts as rare). Stored with the private summary; never shared."""
    out: dict[str, list | None] = {}
    for col in columns:
        s = df[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            continue
        counts = s.astype("string").value_counts(dropna=True)
        rare = [str(v) for v in counts.index[counts < min_size]]
        if rare:
            out[str(col)] = rare if len(rare) <= MAX_RARE_LEVELS else None
    return out


def share_profile(
    profile: Mapping[str, Any], *, total: int, rare: Mapping[str, list | None], min_size: int = MIN_GROUP
) -> dict[str, Any]:
    """One visible segment's profile with rounded figures and without traits or rules that name a rare level."""
    size = int(profile["size"])
    traits = [_share_trait(t, size=size, total=total, min_size=min_size) for t in profile.get("traits") or ()]
    traits = [t for t in traits if t is not None and not _names_rare(t, rare)]
    rules, sql = list(profile.get("rules") or ()), str(profile.get("sql") or "")
    if _sql_mentions_rare(sql, rare):
        rules, sql = [], ""
    name = str(profile["name"])
    if _text_mentions(name, rare):
        name = f"Segment {profile['segment']}"
    action = str(profile.get("action") or "")
    if _text_mentions(action, rare):
        action = ""
    return {
        **profile,
        "name": name,
        "action": action,
        "size": round_count(size),
        "share": round_share(profile.get("share")),
        "value_share": round_share(profile.get("value_share")),
        "traits": traits,
        "kpis": [_share_kpi(k) for k in profile.get("kpis") or ()],
        "lift": None if profile.get("lift") is None else round(float(profile["lift"]), 1),
        "rules": [round_thresholds(r) for r in rules],
        "sql": round_thresholds(sql, sql=True),
        "rule_precision": round_share(profile.get("rule_precision")),
    }


def round_thresholds(text: str, *, sql: bool = False) -> str:
    """Numbers after a comparison rounded to ``THRESHOLD_DIGITS`` significant figures (quoted SQL left alone)."""
    if not sql:
        return _THRESHOLD.sub(_rounded_match, text)
    parts = _QUOTED.split(text)  # odd items are quoted identifiers or strings
    return "".join(p if i % 2 else _THRESHOLD.sub(_rounded_match, p) for i, p in enumerate(parts))


def _rounded_match(m: re.Match) -> str:
    value = float(m.group("num").replace(",", ""))
    rounded = round_sig(value, THRESHOLD_DIGITS) or 0.0
    text = f"{int(rounded):,}" if float(rounded).is_integer() else f"{rounded:g}"
    if "," not in m.group("num"):
        text = text.replace(",", "")
    return f"{m.group('op')}{m.group('space')}{text}"


SHARE_KINDS = ("category", "level", "flag")  # "category": traits saved before format 2


def _share_trait(t: Mapping[str, Any], *, size: int, total: int, min_size: int) -> dict[str, Any] | None:
    if t.get("kind") in SHARE_KINDS:
        in_segment = float(t.get("segment_value") or 0) * size
        overall = float(t.get("overall_value") or 0) * total
        if round(overall) < min_size or 0 < round(in_segment) < min_size:
            return None
        keys = ("segment_value", "overall_value", "share", "overall_share")
        values = {k: round_share(t[k]) for k in keys if k in t}
    else:
        values = {k: round_sig(t.get(k), VALUE_DIGITS) for k in ("segment_value", "overall_value")}
        values.update({k: round_share(t[k]) for k in ("share", "overall_share") if k in t})
    shared = {**t, **values, "effect": round(float(t.get("effect") or 0), 2)}
    if "direction" in t:  # a fact (format 2): the sentence is worded again from the rounded figures
        shared["sentence"] = Trait.from_dict(shared).sentence
    return shared


def _share_kpi(k: Mapping[str, Any]) -> dict[str, Any]:
    rounder = round_share if k.get("fmt") == "percent" else (lambda v: round_sig(v, VALUE_DIGITS))
    return {**k, "value": rounder(k.get("value")), "overall": rounder(k.get("overall"))}


def _names_rare(trait: Mapping[str, Any], rare: Mapping[str, list | None]) -> bool:
    column = str(trait.get("column"))
    if trait.get("kind") not in ("category", "level") or column not in rare:
        return False
    levels = rare[column]
    return levels is None or str(trait.get("level")) in levels


def _sql_mentions_rare(sql: str, rare: Mapping[str, list | None]) -> bool:
    for column, levels in rare.items():
        if '"' + column.replace('"', '""') + '"' not in sql:
            continue
        if levels is None or any("'" + str(v).replace("'", "''") + "'" in sql for v in levels):
            return True
    return False


def _text_mentions(text: str, rare: Mapping[str, list | None]) -> bool:
    for levels in rare.values():
        for level in levels or ():
            if len(level) > 1 and level in text:
                return True
            if len(level) == 1 and re.search(rf"(?<!\w){re.escape(level)}(?!\w)", text):
                return True
    return False
