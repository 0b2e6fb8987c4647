"""Descriptive segment names and suggested actions, from a segment's strongest traits.

A marketer reads "Lapsed high-value customers" faster than "Segment 3", but a name must not borrow a meaning the
data does not carry: a sales-channel column is not "value", seniority is not "loyalty". So a column lends its
*meaning* to a name only when its role and the vocabulary say what it measures, and only for four meanings:
value (the value column, or a numeric column whose scheme is "value"), recency, frequency and satisfaction (numeric
columns whose name matches ``segcore.columns.vocabulary.CONCEPT_KEYWORDS``, in any of our languages). Every other
column names a segment by its own words, in the data's language: "Mostly Horeca Channel", "High seniority".

Action rules (first match wins; "high"/"low" means a standardised effect beyond ``STRONG_EFFECT``):

=====================================================  ==============================================================
Condition                                              Action
=====================================================  ==============================================================
segment is -1 (unassigned)                             Review individually; they fit no segment well.
pinned, and value not low                              Key account: named owner, quarterly business review.
high value and (recency high or churn high)            Win back now: personal outreach and a tailored offer ...
high value                                             Retain with high-touch service: dedicated account manager ...
low value and frequency high                           Grow basket size: bundles and cross-sell.
low value                                              Serve through low-cost self-service channels and automated ...
anything else                                          Nurture: relevant offers, and test which ones move them.
=====================================================  ==============================================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from segcore.columns.vocabulary import CONCEPT_KEYWORDS, SCHEME_KEYWORDS, best_keyword, normalise_name
from segcore.i18n import N_, current_language, gettext, pgettext
from segcore.insight.sentences import flag_label, humanize
from segcore.insight.traits import Trait
from segcore.labels import UNASSIGNED, unassigned_name

__all__ = ["humanize"]  # re-exported: older callers read it from here

# |standardised effect| above which a segment is clearly "high" or "low" on a concept: half a standard deviation is
# the conventional "medium" effect size, so weaker differences never drive a name or an action.
STRONG_EFFECT = 0.5
# Value decides the headline ("High-value ..."), so a slightly lower bar: a third of a standard deviation.
VALUE_EFFECT = 0.3
# Churn-like target: a segment is "high churn" when its rate is at least 25% above the overall rate.
HIGH_CHURN_LIFT = 1.25
# At most this many adjectives before the noun keeps names at 2-4 words.
MAX_ADJECTIVES = 2

# Marked for translation; suggest_action returns them in the current language (gettext, since `_` is a throwaway here).
ACTIONS: dict[str, str] = {
    "unassigned": N_("Review individually; they fit no segment well."),
    "key_account": N_("Key account: named owner, quarterly business review."),
    "win_back": N_("Win back now: personal outreach and a tailored offer before they lapse."),
    "retain": N_("Retain with high-touch service: dedicated account manager, early access, loyalty rewards."),
    "grow_basket": N_("Grow basket size: bundles and cross-sell."),
    "self_service": N_("Serve through low-cost self-service channels and automated nurture."),
    "nurture": N_("Nurture: relevant offers, and test which ones move them."),
}

# The only meanings a column may lend to a name.
CONCEPTS = ("value", "recency", "frequency", "satisfaction")

# (concept, direction) -> (adjective, noun). Either may be None. Adjectives are ordered lifecycle first, then value,
# then behaviour, which reads naturally: "Lapsed high-value customers", "Frequent regulars".
VOCABULARY: dict[tuple[str, int], tuple[str | None, str | None]] = {
    ("recency", 1): ("Lapsed", None),
    ("recency", -1): ("Recently active", None),
    ("value", 1): ("High-value", None),
    ("value", -1): ("Low-value", None),
    ("frequency", 1): ("Frequent", "regulars"),
    ("frequency", -1): (None, "occasionals"),
    ("satisfaction", 1): ("Satisfied", None),
    ("satisfaction", -1): ("Dissatisfied", None),
}
ADJECTIVE_ORDER = ("recency", "value", "satisfaction", "frequency")
DEFAULT_NOUN = "customers"
# Every word above as the current language says it in a segment name (a Chinese marketer's 沉睡高价值客户, a
# Korean 휴면 고가치 고객, a Russian «Ушедшие ценные клиенты»: plural forms agree with the plural nouns).
NAME_WORDS = {
    "Lapsed": lambda: pgettext("segment name", "Lapsed"),
    "Recently active": lambda: pgettext("segment name", "Recently active"),
    "High-value": lambda: pgettext("segment name", "High-value"),
    "Low-value": lambda: pgettext("segment name", "Low-value"),
    "Frequent": lambda: pgettext("segment name", "Frequent"),
    "Satisfied": lambda: pgettext("segment name", "Satisfied"),
    "Dissatisfied": lambda: pgettext("segment name", "Dissatisfied"),
    "regulars": lambda: pgettext("segment name", "regulars"),
    "occasionals": lambda: pgettext("segment name", "occasionals"),
    "customers": lambda: pgettext("segment name", "customers"),
}
# Chinese writes a name's words without spaces (高价值常客); the other languages separate them.
UNSPACED_LANGUAGES = ("zh",)


@dataclass(frozen=True)
class SegmentSignals:
    """What naming and actions need to know about one segment (computed by ``segcore.insight.profile``).

    ``concept_effects`` maps a concept (one of ``CONCEPTS``) to the segment's standardised effect on the strongest
    column measuring it; ``top_traits`` are the traits shown on the card, strongest first; ``trait_concepts`` maps a
    column to its concept when it has one.
    """

    segment: int
    pinned: bool = False
    pin_name: str | None = None
    value_effect: float | None = None
    churn_lift: float | None = None
    concept_effects: Mapping[str, float] = field(default_factory=dict)
    top_traits: tuple[Trait, ...] = ()
    trait_concepts: Mapping[str, str] = field(default_factory=dict)


def concept_of(
    column: str, *, role: str | None = "numeric", scheme: str | None = None, is_value_column: bool = False
) -> str | None:
    """The meaning a column lends to names (one of ``CONCEPTS``), or None: it then names by its own words.

    Only numeric columns carry a direction a name can use; value comes from the value column or a "value" scheme
    (when the scheme is unknown, from the value vocabulary), the others from ``CONCEPT_KEYWORDS``.
    """
    if is_value_column:
        return "value"
    if role != "numeric":
        return None
    words = normalise_name(column)
    for concept, keywords in CONCEPT_KEYWORDS.items():
        if best_keyword(words, keywords) is not None:
            return concept
    if scheme == "value" or (scheme is None and best_keyword(words, SCHEME_KEYWORDS["value"]) is not None):
        return "value"
    return None


# A target named like this is a churn flag: its per-segment rate lifts "win back" actions.
CHURN_KEYWORDS = ("churn", "churned", "attrition", "cancelled", "canceled", "流失", "이탈", "отток*")


def is_churn_target(column: str | None) -> bool:
    return bool(column) and best_keyword(normalise_name(column), CHURN_KEYWORDS) is not None


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


_NUMBER_LIKE = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")


def own_words(t: Trait) -> str:
    """A trait in the column's own words, for names: 'mostly Horeca Channel', 'mostly Region 3', 'high seniority'."""
    label = humanize(t.column)
    if t.kind == "level":
        level = str(t.level)
        if _NUMBER_LIKE.match(level):
            return gettext("mostly {column} {level}", column=label, level=level)
        return gettext("mostly {level} {column}", column=label, level=level)
    if t.kind == "flag":
        flag = flag_label(t.column)
        if t.direction <= 0:
            return gettext("rarely {flag}", flag=flag)
        return gettext("mostly {flag}", flag=flag) if t.segment_value >= 0.5 else gettext("often {flag}", flag=flag)
    return gettext("high {column}", column=label) if t.direction > 0 else gettext("low {column}", column=label)


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def auto_name(sig: SegmentSignals) -> str:
    """A short descriptive name from value and the strongest interpretable traits (deterministic)."""
    if sig.segment == UNASSIGNED:
        return unassigned_name()
    directions: dict[str, int] = {}
    value_dir = _value_direction(sig)
    if value_dir:
        directions["value"] = value_dir
    for t in sig.top_traits:
        concept = sig.trait_concepts.get(t.column)
        if concept is None or concept in directions or t.kind != "numeric":
            continue
        d = _direction(t.effect, STRONG_EFFECT)
        if d:
            directions[concept] = d
    adjectives: list[str] = []
    noun: str | None = None
    noun_concept: str | None = None
    # The noun comes from the strongest trait that has one; adjectives from the rest, in a fixed reading order.
    for t in sig.top_traits:
        concept = sig.trait_concepts.get(t.column)
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
    words = [NAME_WORDS[a]() for a in adjectives] + [NAME_WORDS[noun or DEFAULT_NOUN]()]
    words = [words[0], *(w.lower() for w in words[1:])]
    separator = "" if current_language() in UNSPACED_LANGUAGES else " "
    return _capital(separator.join(w for w in words if w).strip())


def _fallback_name(sig: SegmentSignals) -> str:
    """No meaning to borrow: the strongest trait in its own words ('Mostly Horeca Channel'), else 'Segment N'."""
    if not sig.top_traits:
        return gettext("Segment {n}", n=sig.segment)
    return _capital(own_words(sig.top_traits[0]))


def _qualifier(sig: SegmentSignals) -> str | None:
    """The segment's strongest trait that did not already shape its name (columns without a concept first)."""
    plain = [t for t in sig.top_traits if t.column not in sig.trait_concepts]
    named = [t for t in sig.top_traits if t.column in sig.trait_concepts]
    for t in [*plain, *named]:
        return own_words(t)
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
    for seg in sorted((s.segment for s in signals if s.segment not in fixed), key=lambda g: (g == UNASSIGNED, g)):
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
    )
    if sig.segment == UNASSIGNED:
        key = "unassigned"
    elif sig.pinned and value >= 0:
        key = "key_account"
    elif value > 0:
        key = "win_back" if lapsing else "retain"
    elif value < 0:
        key = "grow_basket" if _concept_direction(sig, "frequency") > 0 else "self_service"
    else:
        key = "nurture"
    return gettext(ACTIONS[key])
