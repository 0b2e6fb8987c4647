"""Descriptive segment names and suggested actions, from a segment's strongest traits.

A marketer reads "Lapsed bargain hunters" faster than "Segment 3". Names come from a small vocabulary keyed on
what a column measures (its *concept*: value, recency, frequency, tenure, discount, digital, engagement, churn) and
the direction of the segment's standardised effect on it. Concepts are found from the column's scheme and English
keywords in its name; columns we cannot interpret (including non-English names) fall back to
"Segment N: <column> high".

Action rules (first match wins; "high"/"low" means a standardised effect beyond ``STRONG_EFFECT``):

=====================================================  ==============================================================
Condition                                              Action
=====================================================  ==============================================================
segment is -1 (unassigned)                             Review individually; they fit no segment well.
pinned, and value not low                              Key account: named owner, quarterly business review.
high value and (recency high or churn high)            Win back now: personal outreach and a tailored offer ...
high value                                             Retain with high-touch service: dedicated account manager ...
tenure low (new customers)                             Onboard: welcome journey and a second-purchase incentive.
low value and frequency high                           Grow basket size: bundles and cross-sell.
low value                                              Serve through low-cost self-service channels and automated ...
anything else                                          Nurture: relevant offers, and test which ones move them.
=====================================================  ==============================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# |standardised effect| above which a segment is clearly "high" or "low" on a concept: half a standard deviation is
# the conventional "medium" effect size, so weaker differences never drive a name or an action.
STRONG_EFFECT = 0.5
# Value decides the headline ("High-value ..."), so a slightly lower bar: a third of a standard deviation.
VALUE_EFFECT = 0.3
# Churn-like target: a segment is "high churn" when its rate is at least 25% above the overall rate.
HIGH_CHURN_LIFT = 1.25
# At most this many adjectives before the noun keeps names at 2-4 words.
MAX_ADJECTIVES = 2

UNASSIGNED_NAME = "Unassigned"

ACTIONS: dict[str, str] = {
    "unassigned": "Review individually; they fit no segment well.",
    "key_account": "Key account: named owner, quarterly business review.",
    "win_back": "Win back now: personal outreach and a tailored offer before they lapse.",
    "retain": "Retain with high-touch service: dedicated account manager, early access, loyalty rewards.",
    "onboard": "Onboard: welcome journey and a second-purchase incentive.",
    "grow_basket": "Grow basket size: bundles and cross-sell.",
    "self_service": "Serve through low-cost self-service channels and automated nurture.",
    "nurture": "Nurture: relevant offers, and test which ones move them.",
}

# Concept -> name tokens that reveal it (matched on whole tokens of the column name, in this order of precedence,
# so "web_visits" is digital rather than frequency and "visits_last_90d" is frequency rather than recency).
CONCEPT_TOKENS: tuple[tuple[str, frozenset[str]], ...] = (
    ("recency", frozenset({"recency", "since", "inactive", "dormant", "lapsed", "recent"})),
    ("churn", frozenset({"churn", "churned", "attrition", "cancelled", "canceled", "cancel"})),
    ("tenure", frozenset({"tenure", "seniority", "membership", "member", "loyalty"})),
    (
        "discount",
        frozenset(
            {
                "discount",
                "discounts",
                "coupon",
                "coupons",
                "promo",
                "promos",
                "deal",
                "deals",
                "voucher",
                "vouchers",
                "markdown",
                "sale",
            }
        ),
    ),
    ("digital", frozenset({"app", "online", "digital", "web", "mobile", "ecommerce", "internet"})),
    (
        "engagement",
        frozenset(
            {"engagement", "engaged", "sessions", "opens", "clicks", "logins", "activity", "usage", "active"}
        ),
    ),
    ("satisfaction", frozenset({"nps", "csat", "satisfaction", "satisfied", "promoter", "promoters"})),
    ("support", frozenset({"tickets", "ticket", "complaints", "complaint", "support", "escalations"})),
    (
        "frequency",
        frozenset(
            {
                "frequency",
                "freq",
                "visits",
                "orders",
                "purchases",
                "transactions",
                "trips",
                "baskets",
                "count",
                "num",
            }
        ),
    ),
    (
        "value",
        frozenset(
            {
                "spend",
                "spending",
                "spent",
                "revenue",
                "monetary",
                "sales",
                "arr",
                "mrr",
                "ltv",
                "clv",
                "value",
                "amount",
                "balance",
                "profit",
                "margin",
            }
        ),
    ),
)

# (concept, direction) -> (adjective, noun). Either may be None. Adjectives are ordered lifecycle first, then value,
# then behaviour, which reads naturally: "Lapsed high-value customers", "New app-first shoppers".
VOCABULARY: dict[tuple[str, int], tuple[str | None, str | None]] = {
    ("recency", 1): ("Lapsed", None),
    ("recency", -1): ("Recently active", None),
    ("churn", 1): ("At-risk", None),
    ("tenure", -1): ("New", None),
    ("tenure", 1): (None, "loyalists"),
    ("value", 1): ("High-value", None),
    ("value", -1): ("Low-value", None),
    ("discount", 1): (None, "bargain hunters"),
    ("discount", -1): ("Full-price", None),
    ("digital", 1): ("App-first", None),
    ("digital", -1): ("Offline", None),
    ("engagement", 1): ("Engaged", None),
    ("engagement", -1): ("Low-engagement", None),
    ("frequency", 1): ("Frequent", "regulars"),
    ("frequency", -1): (None, "occasionals"),
    ("satisfaction", 1): ("Happy", "promoters"),
    ("satisfaction", -1): ("Unhappy", None),
    ("support", 1): ("High-touch", None),
    ("support", -1): ("Self-sufficient", None),
}
ADJECTIVE_ORDER = (
    "recency",
    "churn",
    "tenure",
    "value",
    "satisfaction",
    "digital",
    "engagement",
    "support",
    "discount",
    "frequency",
)
DEFAULT_NOUN = "customers"


@dataclass(frozen=True)
class SegmentSignals:
    """What naming and actions need to know about one segment (computed by ``segcore.insight.profile``).

    ``concept_effects`` maps a concept to the segment's standardised effect on the strongest column measuring it;
    ``top_traits`` are (column, effect, level-or-None) of the traits shown on the card, strongest first.
    """

    segment: int
    pinned: bool = False
    pin_name: str | None = None
    value_effect: float | None = None
    churn_lift: float | None = None
    concept_effects: Mapping[str, float] = field(default_factory=dict)
    top_traits: tuple[tuple[str, float, str | None], ...] = ()
    trait_concepts: Mapping[str, str] = field(default_factory=dict)


def _tokens(column: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-zA-Z]+|(?<=[a-z])(?=[A-Z])", column) if t]


def concept_of(column: str, *, scheme: str | None = None, is_value_column: bool = False) -> str | None:
    """The concept a column measures, or None when its name and scheme say nothing we can use."""
    if is_value_column:
        return "value"
    tokens = {t.lower() for t in _tokens(column)}
    if "days" in tokens and "last" in tokens:
        return "recency"
    for concept, words in CONCEPT_TOKENS:
        if tokens & words:
            return concept
    if scheme == "value":
        return "value"
    return None


def _direction(effect: float | None, threshold: float) -> int:
    if effect is None or effect != effect:
        return 0
    return 1 if effect >= threshold else -1 if effect <= -threshold else 0


def _value_direction(sig: SegmentSignals) -> int:
    # without a designated value column, the strongest value-scheme column (balance, ARR...) stands in
    effect = sig.value_effect if sig.value_effect is not None else sig.concept_effects.get("value")
    return _direction(effect, VALUE_EFFECT)


def _concept_direction(sig: SegmentSignals, concept: str) -> int:
    return _direction(sig.concept_effects.get(concept), STRONG_EFFECT)


def humanize(column: str) -> str:
    """'total_spend_12m' -> 'total spend 12m'. Only separators change; words are never translated."""
    text = re.sub(r"[_\s]+", " ", str(column)).strip()
    return text or str(column)


def auto_name(sig: SegmentSignals) -> str:
    """A short descriptive name from value and the strongest interpretable traits (deterministic)."""
    if sig.segment == -1:
        return UNASSIGNED_NAME
    directions: dict[str, int] = {}
    value_dir = _value_direction(sig)
    if value_dir:
        directions["value"] = value_dir
    for column, effect, level in sig.top_traits:
        concept = sig.trait_concepts.get(column)
        if concept is None or concept in directions or level is not None:
            continue
        d = _direction(effect, STRONG_EFFECT)
        if d:
            directions[concept] = d
    adjectives: list[str] = []
    noun: str | None = None
    noun_concept: str | None = None
    # The noun comes from the strongest trait that has one; adjectives from the rest, in a fixed reading order.
    for column, _effect, _level in sig.top_traits:
        concept = sig.trait_concepts.get(column)
        if concept in directions and noun is None:
            candidate = VOCABULARY.get((concept, directions[concept]), (None, None))[1]
            if candidate:
                noun, noun_concept = candidate, concept
    for concept in ADJECTIVE_ORDER:
        if concept not in directions or len(adjectives) >= MAX_ADJECTIVES:
            continue
        adjective, _ = VOCABULARY.get((concept, directions[concept]), (None, None))
        if noun is not None and concept == noun_concept:
            continue
        if adjective:
            adjectives.append(adjective)
    if not adjectives and noun is None:
        return _fallback_name(sig)
    text = " ".join(
        [adjectives[0] if adjectives else "", *(a.lower() for a in adjectives[1:]), noun or DEFAULT_NOUN]
    )
    text = text.strip()
    return text[0].upper() + text[1:]


def _fallback_name(sig: SegmentSignals) -> str:
    label = f"Segment {sig.segment}"
    if not sig.top_traits:
        return label
    column, effect, level = sig.top_traits[0]
    if level is not None:
        return f"{label}: mostly {level}"
    return f"{label}: {humanize(column)} {'high' if effect > 0 else 'low'}"


def _qualifier(sig: SegmentSignals) -> str | None:
    """The segment's strongest trait that did not already shape its name (columns without a concept first)."""
    plain = [t for t in sig.top_traits if t[0] not in sig.trait_concepts]
    named = [t for t in sig.top_traits if t[0] in sig.trait_concepts]
    for column, effect, level in [*plain, *named]:
        return (
            f"mostly {level}"
            if level is not None
            else f"{humanize(column)} {'high' if effect > 0 else 'low'}"
        )
    return None


def name_segments(
    signals: Sequence[SegmentSignals], *, fixed: Mapping[int, str] | None = None
) -> dict[int, str]:
    """Names for every segment, unique across segments (case-insensitive).

    ``fixed`` names (user-given) and pin names are kept as they are; automatic names that collide with each other or
    with a kept name get a qualifier from their strongest other trait, then a number if that still collides.
    """
    fixed = {int(k): v for k, v in (fixed or {}).items()}
    for s in signals:
        if s.segment not in fixed and s.pinned and s.pin_name:
            fixed[s.segment] = s.pin_name
    base = {s.segment: fixed.get(s.segment) or auto_name(s) for s in signals}
    counts: dict[str, int] = {}
    for name in base.values():
        counts[name.lower()] = counts.get(name.lower(), 0) + 1
    names = dict(base)
    for s in signals:
        if s.segment not in fixed and counts[base[s.segment].lower()] > 1:
            qualifier = _qualifier(s)
            if qualifier:
                names[s.segment] = f"{base[s.segment]} ({qualifier})"
    taken = {name.lower() for seg, name in names.items() if seg in fixed}
    for seg in sorted((s.segment for s in signals if s.segment not in fixed), key=lambda g: (g == -1, g)):
        name, n = names[seg], 2
        while name.lower() in taken:
            name, n = f"{names[seg]} {n}", n + 1
        names[seg] = name
        taken.add(name.lower())
    return names


def suggest_action(sig: SegmentSignals) -> str:
    """The first matching rule of the table in this module's docstring."""
    value = _value_direction(sig)
    lapsing = (
        _concept_direction(sig, "recency") > 0
        or (sig.churn_lift is not None and sig.churn_lift >= HIGH_CHURN_LIFT)
        or _concept_direction(sig, "churn") > 0
    )
    if sig.segment == -1:
        return ACTIONS["unassigned"]
    if sig.pinned and value >= 0:
        return ACTIONS["key_account"]
    if value > 0:
        return ACTIONS["win_back"] if lapsing else ACTIONS["retain"]
    if _concept_direction(sig, "tenure") < 0:
        return ACTIONS["onboard"]
    if value < 0:
        return ACTIONS["grow_basket"] if _concept_direction(sig, "frequency") > 0 else ACTIONS["self_service"]
    return ACTIONS["nurture"]
