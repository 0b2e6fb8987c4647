"""Profiles: hand-checkable sizes, KPIs, traits, names and actions, plus the real bank data."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from segcore.errors import DataError, NotEnoughData, SpecError
from segcore.insight.effects import Concentration, effect_table, value_concentration
from segcore.insight.naming import (
    ACTIONS,
    SegmentSignals,
    auto_name,
    concept_of,
    name_segments,
    suggest_action,
)
from segcore.insight.profile import Profile, build_profiles
from segcore.insight.sentences import humanize
from segcore.insight.traits import Trait


@dataclass(frozen=True)
class Col:
    name: str
    role: str
    scheme: str
    use: str


@dataclass(frozen=True)
class StandInSchema:
    """Duck-typed stand-in for segcore.columns.roles.Schema: only the attributes profile.py uses."""

    columns: tuple[Col, ...]
    id_column: str | None = None
    value_column: str | None = None
    target_column: str | None = None

    def __getitem__(self, name: str) -> Col:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def names(self, *, use=None, role=None, scheme=None) -> list[str]:
        return [
            c.name
            for c in self.columns
            if (use is None or c.use == use)
            and (role is None or c.role == role)
            and (scheme is None or c.scheme == scheme)
        ]


@pytest.fixture
def shop() -> tuple[pd.DataFrame, np.ndarray, StandInSchema]:
    df = pd.DataFrame(
        {
            "customer_id": range(8),
            "total_spend_eur": [1000, 1200, 1100, 1300, 100, 120, 80, 100],
            "visits_last_90d": [2, 3, 2, 3, 10, 12, 8, 10],
            "city": ["Seoul", "Seoul", "Seoul", "Busan", "Busan", "Busan", "Busan", "Busan"],
            "app_user": [True, True, True, False, False, False, False, True],
            "churned": ["no", "no", "no", "yes", "yes", "no", "yes", "no"],
            "nps": [10, 9, 9, 8, 3, 5, 7, 10],
        }
    )
    schema = StandInSchema(
        (
            Col("customer_id", "id", "other", "ignore"),
            Col("total_spend_eur", "numeric", "value", "feature"),
            Col("visits_last_90d", "numeric", "behavioral", "feature"),
            Col("city", "categorical", "geographic", "profile"),
            Col("app_user", "boolean", "technographic", "feature"),
            Col("churned", "boolean", "kpi", "profile"),
            Col("nps", "numeric", "kpi", "profile"),
        ),
        id_column="customer_id",
        value_column="total_spend_eur",
        target_column="churned",
    )
    return df, np.array([0, 0, 0, 0, 1, 1, 1, 1]), schema


FEATURES = ["total_spend_eur", "visits_last_90d", "app_user"]


def test_sizes_shares_value_share_and_lift(shop):
    df, labels, schema = shop
    p0, p1 = build_profiles(df, labels, schema=schema, features=FEATURES)
    assert (p0.segment, p0.size, p0.share) == (0, 4, 0.5)
    assert p0.value_share == pytest.approx(4600 / 5000)
    assert p1.value_share == pytest.approx(400 / 5000)
    # churn rate 1/4 vs 3/8 overall; 2/4 vs 3/8
    assert p0.lift == pytest.approx(0.25 / 0.375)
    assert p1.lift == pytest.approx(0.5 / 0.375)


def test_kpis_rates_means_and_nps(shop):
    df, labels, schema = shop
    p0, p1 = build_profiles(df, labels, schema=schema, features=FEATURES)
    k0 = {k.label: k for k in p0.kpis}
    assert k0["avg total spend eur"].value == 1150 and k0["avg total spend eur"].overall == 625
    assert k0["avg total spend eur"].fmt == "money"
    assert (k0["churned rate"].value, k0["churned rate"].overall, k0["churned rate"].fmt) == (
        0.25,
        0.375,
        "percent",
    )
    assert k0["avg nps"].value == 9.0
    # segment 0: 3 promoters of 4 (10, 9, 9), no detractor -> 75; overall 4 promoters, 2 detractors of 8 -> 25
    assert k0["NPS score"].value == 75.0 and k0["NPS score"].overall == 25.0
    assert {k.label: k.value for k in p1.kpis}["NPS score"] == -25.0


def test_traits_sentences_and_ranking(shop):
    df, labels, schema = shop
    p0, p1 = build_profiles(df, labels, schema=schema, features=FEATURES)
    sentences = [t.sentence for t in p0.traits]
    # medians, not means: overall median spend is (560 + 1000) / 2... of the sorted 8 values: (120 + 1000) / 2
    assert sentences[0] == "higher total spend eur: median €1,150 vs €560 overall (100% of the segment above €560)"
    assert "lower visits last 90d: median 2.5 vs 5.5 overall (100% of the segment below 5.5)" in sentences
    assert "75% in Seoul vs 38% overall" in sentences
    assert "75% app user vs 50% overall" in sentences
    effects = [abs(t.effect) for t in p0.traits]
    assert effects == sorted(effects, reverse=True) and len(p0.traits) <= 5
    spend = p0.traits[0]
    assert (spend.kind, spend.direction, spend.unit, spend.share) == ("numeric", 1, "€", 1.0)
    assert (spend.segment_value, spend.overall_value) == (1150.0, 560.0)
    city = next(t for t in p1.traits if t.column == "city")
    assert (city.kind, city.level, city.segment_value, city.overall_value) == ("level", "Busan", 1.0, 0.625)
    # Cohen's h of the segment (4/4 Busan) against the rest (1/4 Busan)
    assert city.effect == pytest.approx(2 * np.arcsin(1.0) - 2 * np.arcsin(np.sqrt(0.25)))
    assert all(t.column != "customer_id" for t in p0.traits)


def test_near_zero_mean_column_never_reads_as_a_ratio():
    """Means near zero made '160.7x the average'; medians with a rank effect give a bounded, honest trait."""
    rng = np.random.default_rng(0)
    x = rng.normal(0.0, 1.0, 2000)
    x -= x.mean() - 0.003  # overall mean ~0.003
    labels = (x > 0.8).astype(int)  # the tail segment has a mean ~1.4
    df = pd.DataFrame({"net_change": x})
    schema = StandInSchema((Col("net_change", "numeric", "behavioral", "feature"),))
    profiles = build_profiles(df, labels, schema=schema, features=["net_change"])
    for p in profiles:
        for t in p.traits:
            assert "x the average" not in t.sentence and "average" not in t.sentence
            assert abs(t.effect) < 5
    tail = next(t for t in profiles[1].traits if t.column == "net_change")
    assert tail.sentence.startswith("higher net change: median 1.")
    assert tail.share == 1.0 and tail.overall_share == pytest.approx(0.5, abs=0.01)


def test_zero_inflated_counts_compare_shares_when_medians_tie():
    df = pd.DataFrame({"complaints": [0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 1]})
    schema = StandInSchema((Col("complaints", "numeric", "behavioral", "feature"),))
    labels = [0] * 5 + [1] * 7
    p0, _ = build_profiles(df, labels, schema=schema, features=["complaints"])
    (t,) = p0.traits
    assert t.segment_value == t.overall_value == 0.0
    assert t.sentence == "higher complaints: 40% of the segment above 0 vs 25% overall"


def test_negligible_traits_are_skipped():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.1], "b": [1, 1, 1, 1, 5, 5, 5, 5]})
    schema = StandInSchema(
        (Col("a", "numeric", "behavioral", "feature"), Col("b", "numeric", "behavioral", "feature"))
    )
    p0, _ = build_profiles(df, [0, 0, 0, 0, 1, 1, 1, 1], schema=schema, features=["a", "b"])
    assert [t.column for t in p0.traits] == ["b"]  # a: AUC 0.47, d = -0.11, negligible
    assert p0.value_share is None and p0.lift is None


@pytest.mark.parametrize(
    ("trait", "expected"),
    [
        (
            Trait("days_since_order", "numeric", -1, -0.9, 12.0, 40.0, "days", 0.81, 0.49),
            "lower days since order: median 12.0 days vs 40.0 days overall (81% of the segment below 40.0 days)",
        ),
        (
            Trait("나이", "numeric", 1, 0.6, 45.0, 41.0, "", 0.7, 0.5),
            "higher 나이: median 45.0 vs 41.0 overall (70% of the segment above 41.0)",
        ),
        (Trait("city", "level", 1, 0.8, 0.58, 0.21, "%", 0.58, 0.21, "Seoul", True), "58% in Seoul vs 21% overall"),
        (Trait("job", "level", 1, 0.8, 0.58, 0.21, "%", 0.58, 0.21, "management"), "58% job: management vs 21% overall"),
        (Trait("is_app_user", "flag", 1, 0.7, 0.71, 0.35, "%", 0.71, 0.35, "yes"), "71% app user vs 35% overall"),
    ],
)
def test_render_trait(trait, expected):
    assert trait.sentence == expected
    assert Trait.from_dict(trait.to_dict()) == trait


def test_old_saved_traits_still_load():
    old = {"column": "age", "sentence": "higher age", "effect": -0.4, "segment_value": 30.0,
           "overall_value": 41.0, "kind": "category", "level": "yes"}
    t = Trait.from_dict(old)
    assert (t.kind, t.direction, t.effect) == ("flag", -1, -0.4)


@pytest.mark.parametrize(
    ("raw", "human"),
    [("total_spend_12m", "total spend 12m"), ("Город_клиента", "Город клиента"), ("客户 等级", "客户 等级")],
)
def test_humanize_never_translates(raw, human):
    assert humanize(raw) == human


def _num(column: str, effect: float) -> Trait:
    return Trait(column, "numeric", 1 if effect > 0 else -1, effect, 1.0, 0.0, "", 0.7, 0.5)


def _sig(seg=0, value=None, traits=(), concepts=None, **kw) -> SegmentSignals:
    concepts = concepts or {}
    tops = tuple(t if isinstance(t, Trait) else _num(*t) for t in traits)
    effects = {concepts[t.column]: t.effect for t in tops if t.column in concepts}
    return SegmentSignals(
        seg, value_effect=value, top_traits=tops, trait_concepts=concepts, concept_effects=effects, **kw
    )


HORECA = Trait("Channel", "level", 1, 1.2, 0.9, 0.68, "%", 0.9, 0.68, "Horeca")


@pytest.mark.parametrize(
    ("value", "traits", "concepts", "expected"),
    [
        (1.2, [("orders", 0.9)], {"orders": "frequency"}, "High-value regulars"),
        (0.0, [("days_since_last", 1.1)], {"days_since_last": "recency"}, "Lapsed customers"),
        (
            None,
            [("csat", -1.0), ("orders", -0.9)],
            {"csat": "satisfaction", "orders": "frequency"},
            "Dissatisfied occasionals",
        ),
        (None, [("grösse", 0.9)], {}, "High grösse"),
        (None, [HORECA], {}, "Mostly Horeca Channel"),
        (None, [Trait("Region", "level", 1, 0.9, 0.8, 0.7, "%", 0.8, 0.7, "3")], {}, "Mostly Region 3"),
        (None, [Trait("客户等级", "level", 1, 0.9, 0.8, 0.3, "%", 0.8, 0.3, "金卡")], {}, "Mostly 金卡 客户等级"),
        (None, [], {}, "Segment 0"),
    ],
)
def test_auto_names(value, traits, concepts, expected):
    assert auto_name(_sig(value=value, traits=traits, concepts=concepts)) == expected


@pytest.mark.parametrize(
    ("column", "role", "scheme", "concept"),
    [
        ("sales_channel", "categorical", "value", None),  # a channel is not money, whatever its name says
        ("Channel", "categorical", "other", None),
        ("seniority", "numeric", "lifecycle", None),  # seniority is not loyalty
        ("tenure_months", "numeric", "lifecycle", None),
        ("total_spend", "numeric", "value", "value"),
        ("days_since_last_order", "numeric", "behavioral", "recency"),
        ("NumWebPurchases", "numeric", "behavioral", "frequency"),
        ("购买次数", "numeric", "behavioral", "frequency"),
        ("최근구매경과일", "numeric", "behavioral", "recency"),
        ("удовлетворенность", "numeric", "kpi", "satisfaction"),
        ("Fresh", "numeric", "other", None),
    ],
)
def test_only_role_and_vocabulary_lend_a_meaning(column, role, scheme, concept):
    assert concept_of(column, role=role, scheme=scheme) == concept


def test_channel_and_seniority_never_borrow_value_or_loyalty():
    """A sales-channel column never yields 'low-value'; seniority never yields 'loyalists' (real profiles)."""
    rng = np.random.default_rng(1)
    n = 400
    labels = np.repeat([0, 1], n // 2)
    df = pd.DataFrame(
        {
            "sales_channel": np.where(labels == 0, "Horeca", rng.choice(["Retail", "Horeca"], n, p=[0.9, 0.1])),
            "seniority": np.where(labels == 0, rng.normal(30, 5, n), rng.normal(5, 2, n)),
        }
    )
    schema = StandInSchema(
        (Col("sales_channel", "categorical", "value", "feature"), Col("seniority", "numeric", "lifecycle", "feature"))
    )
    profiles = build_profiles(df, labels, schema=schema, features=["sales_channel", "seniority"])
    names = [p.name for p in profiles]
    assert not any("value" in n.lower() or "loyal" in n.lower() for n in names), names
    assert names == ["High seniority", "Low seniority"] or any("Horeca" in n or "Retail" in n for n in names)


def test_names_are_unique_with_a_qualifier():
    concepts = {"orders": "frequency"}
    a = _sig(0, value=1.0, traits=[("orders", 0.9), ("age", 0.5)], concepts=concepts)
    b = _sig(1, value=1.0, traits=[("orders", 0.8), ("age", -0.5)], concepts=concepts)
    c = _sig(2, value=1.0, traits=[("orders", 0.7)], concepts=concepts)
    names = name_segments([a, b, c])
    assert names == {
        0: "High-value regulars (high age)",
        1: "High-value regulars (low age)",
        2: "High-value regulars (high orders)",
    }
    # a user-given name is kept; an automatic name colliding with it gets a qualifier
    assert name_segments([a, c], fixed={0: "High-value regulars"})[2] == "High-value regulars (high orders)"
    # still colliding after the qualifier -> a number
    assert name_segments(
        [a, b, c], fixed={0: "high-value REGULARS (high orders)", 1: "High-value regulars"}
    )[2] == ("High-value regulars (high orders) 2")


@pytest.mark.parametrize(
    ("signals", "action"),
    [
        (dict(seg=-1, value=2.0), "unassigned"),
        (dict(value=1.0, pinned=True, pin_name="Top 10"), "key_account"),
        (dict(value=1.0, churn_lift=0.6), "retain"),
        (dict(value=1.0, churn_lift=1.5), "win_back"),
        (dict(value=1.0, traits=[("recency_days", 0.8)], concepts={"recency_days": "recency"}), "win_back"),
        (dict(value=-0.8, traits=[("orders", 0.9)], concepts={"orders": "frequency"}), "grow_basket"),
        (dict(value=-0.8), "self_service"),
        (dict(value=-0.8, pinned=True, pin_name="Staff"), "self_service"),
        (dict(value=0.1), "nurture"),
    ],
)
def test_action_rules(signals, action):
    assert suggest_action(_sig(**signals)) == ACTIONS[action]


def test_pinned_unassigned_and_user_names(shop):
    df, _, schema = shop
    labels = np.array([5, 5, 0, 0, 1, 1, -1, -1])
    profiles = build_profiles(
        df,
        labels,
        schema=schema,
        features=FEATURES,
        pinned={5: "Top accounts"},
        segment_names={1: "Busan crowd"},
    )
    by = {p.segment: p for p in profiles}
    assert [p.segment for p in profiles] == [0, 1, 5, -1]
    assert by[5].name == "Top accounts" and by[5].pinned and by[5].action == ACTIONS["key_account"]
    assert by[-1].name == "Unassigned" and by[-1].action == ACTIONS["unassigned"]
    assert by[1].name == "Busan crowd" and not by[1].pinned
    assert sum(p.size for p in profiles) == 8
    assert len({p.name for p in profiles}) == 4


def test_json_round_trip(shop):
    df, labels, schema = shop
    for p in build_profiles(df, labels, schema=schema, features=FEATURES):
        text = json.dumps(p.to_dict())
        assert Profile.from_dict(json.loads(text)) == p
        assert all(type(t["effect"]) is float for t in json.loads(text)["traits"])


def test_nan_kpi_round_trips_as_none():
    df = pd.DataFrame({"spend": [1.0, 2.0, np.nan, np.nan]})
    schema = StandInSchema((Col("spend", "numeric", "value", "feature"),), value_column="spend")
    profiles = build_profiles(df, [0, 0, 1, 1], schema=schema, features=["spend"])
    d = json.loads(json.dumps(profiles[1].to_dict(), allow_nan=False))
    assert d["kpis"][0]["value"] is None
    assert np.isnan(Profile.from_dict(d).kpis[0].value)


@pytest.mark.parametrize(
    ("labels", "features", "error", "match"),
    [
        ([0, 1], ["total_spend_eur"], SpecError, "2 segment labels for 8 rows"),
        ([0, 0, 0, 0, 1, 1, 1, 1], ["total_spnd"], SpecError, "'total_spnd' is not in the table"),
        ([0.5] * 8, ["total_spend_eur"], SpecError, "whole numbers"),
    ],
)
def test_errors(shop, labels, features, error, match):
    df, _, schema = shop
    with pytest.raises(error, match=match):
        build_profiles(df, labels, schema=schema, features=features)


def test_empty_table_is_not_enough_data(shop):
    _, _, schema = shop
    with pytest.raises(NotEnoughData, match="no rows"):
        build_profiles(pd.DataFrame({"total_spend_eur": []}), [], schema=schema, features=["total_spend_eur"])


def test_effect_table_values_and_order(shop):
    df, labels, _ = shop
    table = effect_table(df, labels, columns=["app_user", "city", "total_spend_eur"])
    assert list(table.columns) == ["total_spend_eur", "city", "app_user"]
    assert list(table.index) == [0, 1]
    # complete separation: AUC 1, clipped at 0.999 -> sqrt(2) * Phi^-1(0.999)
    assert table.loc[0, "total_spend_eur"] == pytest.approx(np.sqrt(2) * 3.090232, abs=1e-5)
    # two-level column: signed by the over-represented level (Seoul 3/4 vs 0/4, Busan 4/4 vs 1/4) -> both positive
    assert table.loc[0, "city"] == pytest.approx(2 * np.arcsin(np.sqrt(0.75)))
    assert table.loc[1, "city"] == pytest.approx(np.pi - np.pi / 3)
    # app users 1/4 against 3/4 in the rest: Cohen's h
    assert table.loc[1, "app_user"] == pytest.approx(np.pi / 3 - 2 * np.pi / 3)


def test_value_concentration_pareto():
    c = value_concentration([1, 1, 1, 1, 6])
    assert c.top20_share == pytest.approx(0.6)
    assert c.gini == pytest.approx(0.4)
    assert len(c.curve) == 101
    assert c.curve["value_share"].iloc[0] == 0 and c.curve["value_share"].iloc[-1] == pytest.approx(1.0)
    assert c.curve["value_share"].is_monotonic_increasing
    assert Concentration.from_dict(json.loads(json.dumps(c.to_dict()))).top20_share == pytest.approx(0.6)


def test_value_concentration_equal_and_negative_values():
    assert value_concentration([5, 5, 5, 5]).gini == pytest.approx(0.0)
    c = value_concentration([-3, 1, 1, 1, 1, 6, None])
    assert c.note == "1 missing value left out. 1 negative value counted as 0."
    assert c.n == 6 and c.top20_share == pytest.approx((6 + 0.2 * 1) / 10)


@pytest.mark.parametrize(("values", "error"), [([0, 0, -1], DataError), ([None, "x"], NotEnoughData)])
def test_value_concentration_errors(values, error):
    with pytest.raises(error):
        value_concentration(values)


def test_inputs_not_mutated(shop):
    df, labels, schema = shop
    before, lab = df.copy(), labels.copy()
    build_profiles(df, labels, schema=schema, features=FEATURES)
    effect_table(df, labels, columns=FEATURES)
    pd.testing.assert_frame_equal(df, before)
    np.testing.assert_array_equal(labels, lab)


@pytest.mark.slow
def test_a_million_rows_profile_completely():
    rng = np.random.default_rng(0)
    n = 1_000_000
    df = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(20)})
    for i in range(5):
        df[f"c{i}"] = pd.Series(rng.choice(np.array(["a", "b", "c", "d", "e"]), n), dtype="str")
    schema = StandInSchema(
        tuple(
            Col(c, "numeric" if c.startswith("x") else "categorical", "behavioral", "feature")
            for c in df.columns
        )
    )
    labels = rng.integers(0, 8, n)
    # speed is measured in benchmarks/, not here: this checks a million rows profile completely and exactly
    profiles = build_profiles(df, labels, schema=schema, features=list(df.columns))
    assert sum(p.size for p in profiles) == n and len(profiles) == 8


def test_bank_kmeans_profiles(real_data):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    df = pd.read_csv(real_data / "bank.csv", sep=";")
    numeric = list(df.select_dtypes("number").columns)
    labels = KMeans(4, n_init=1, random_state=0).fit_predict(StandardScaler().fit_transform(df[numeric]))
    cats = [c for c in df.columns if c not in numeric and c != "y"]
    schema = StandInSchema(
        (
            *(Col(c, "numeric", "value" if c == "balance" else "behavioral", "feature") for c in numeric),
            *(Col(c, "categorical", "demographic", "profile") for c in cats),
            Col("y", "boolean", "kpi", "profile"),
        ),
        value_column="balance",
        target_column="y",
    )
    profiles = build_profiles(df, labels, schema=schema, features=numeric)
    assert sum(p.size for p in profiles) == 4521
    assert sum(p.share for p in profiles) == pytest.approx(1.0)
    assert sum(p.value_share for p in profiles) == pytest.approx(1.0)
    overall = (df["y"] == "yes").mean()
    assert overall == pytest.approx(0.1152, abs=1e-4)
    for p in profiles:
        rate = (df.loc[labels == p.segment, "y"] == "yes").mean()
        assert p.lift == pytest.approx(rate / overall)
        y_kpi = next(k for k in p.kpis if k.column == "y")
        assert (y_kpi.value, y_kpi.overall) == (pytest.approx(rate), pytest.approx(overall))
        assert 1 <= len(p.traits) <= 5 and p.action
    assert len({p.name for p in profiles}) == 4
    json.dumps([p.to_dict() for p in profiles])


def test_value_scheme_column_stands_in_for_a_missing_value_column():
    sig = SegmentSignals(0, value_effect=None, concept_effects={"value": 0.8})
    assert auto_name(sig) == "High-value customers"
    assert suggest_action(sig) == ACTIONS["retain"]


def test_bank_with_inferred_roles(real_data):
    """The real Schema from segcore.columns.roles drives the same code (duck typing is only for the unit fixtures)."""
    from segcore.columns.roles import infer_roles

    df = pd.read_csv(real_data / "bank.csv", sep=";")
    inferred = infer_roles(df)
    schema = type(inferred).from_frame(inferred.to_frame(), target_column="y", value_column="balance")
    labels = np.repeat(np.arange(4), [1200, 1200, 1200, 921])
    profiles = build_profiles(df, labels, schema=schema, features=schema.names(use="feature"))
    assert [p.size for p in profiles] == [1200, 1200, 1200, 921]
    rates = [(df["y"].iloc[labels == s] == "yes").mean() for s in range(4)]
    assert [p.lift for p in profiles] == pytest.approx([r / (df["y"] == "yes").mean() for r in rates])
    shares = [df["balance"].iloc[labels == s].sum() / df["balance"].sum() for s in range(4)]
    assert [p.value_share for p in profiles] == pytest.approx(shares)
    assert len({p.name for p in profiles}) == 4
