"""Profiles: hand-checkable sizes, KPIs, traits, names and actions, plus the real bank data."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from segcore.errors import DataError, NotEnoughData, SpecError
from segcore.insight.effects import Concentration, effect_table, value_concentration
from segcore.insight.naming import ACTIONS, SegmentSignals, auto_name, humanize, name_segments, suggest_action
from segcore.insight.profile import Profile, build_profiles
from segcore.insight.sentences import boolean_sentence, category_sentence, numeric_sentence


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
    assert sentences[0] == "spends 1.8x the average (€1,150 vs €625)"
    assert "60% lower visits last 90d than average (2.5 vs 6.2)" in sentences
    assert "75% in Seoul vs 38% overall" in sentences
    assert "75% app user vs 50% overall" in sentences
    effects = [abs(t.effect) for t in p0.traits]
    assert effects == sorted(effects, reverse=True) and len(p0.traits) <= 5
    city = next(t for t in p1.traits if t.column == "city")
    assert (city.level, city.segment_value, city.overall_value) == ("Busan", 1.0, 0.625)
    # (1 - 0.625) / sqrt(0.625 * 0.375)
    assert city.effect == pytest.approx(0.375 / np.sqrt(0.625 * 0.375))
    assert all(t.column != "customer_id" for t in p0.traits)


def test_negligible_traits_are_skipped():
    df = pd.DataFrame({"a": [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.1], "b": [1, 1, 1, 1, 5, 5, 5, 5]})
    schema = StandInSchema(
        (Col("a", "numeric", "behavioral", "feature"), Col("b", "numeric", "behavioral", "feature"))
    )
    p0, _ = build_profiles(df, [0, 0, 0, 0, 1, 1, 1, 1], schema=schema, features=["a", "b"])
    assert [t.column for t in p0.traits] == ["b"]  # a differs by ~0.05 sd
    assert p0.value_share is None and p0.lift is None


@pytest.mark.parametrize(
    ("column", "seg", "overall", "concept", "money", "expected"),
    [
        ("total_spend", 1240, 400, "value", "€", "spends 3.1x the average (€1,240 vs €400)"),
        ("visits", 12, 5, "frequency", "", "visits 2.4x as often (12.0 vs 5.0)"),
        ("tenure_months", 8.1, 14.0, "tenure", "", "42% lower tenure months than average (8.1 vs 14.0)"),
        ("age", 45.2, 41.0, None, "", "higher age than average (45.2 vs 41.0)"),
        ("balance", -50, 20, None, "", "lower balance than average (-50.0 vs 20.0)"),
        ("account_balance", 3000, 1000, "value", "", "3.0x the average account balance (3,000 vs 1,000)"),
        ("나이", 30.0, 40.0, None, "", "lower 나이 than average (30.0 vs 40.0)"),
    ],
)
def test_numeric_sentence(column, seg, overall, concept, money, expected):
    assert numeric_sentence(column, seg, overall, concept=concept, money=money) == expected


def test_category_and_boolean_sentences():
    assert (
        category_sentence("city", "Seoul", 0.58, 0.21, scheme="geographic") == "58% in Seoul vs 21% overall"
    )
    assert category_sentence("job", "management", 0.58, 0.21) == "58% job: management vs 21% overall"
    assert boolean_sentence("is_app_user", 0.71, 0.35) == "71% app user vs 35% overall"


@pytest.mark.parametrize(
    ("raw", "human"),
    [("total_spend_12m", "total spend 12m"), ("Город_клиента", "Город клиента"), ("客户 等级", "客户 等级")],
)
def test_humanize_never_translates(raw, human):
    assert humanize(raw) == human


def _sig(seg=0, value=None, traits=(), concepts=None, **kw) -> SegmentSignals:
    concepts = concepts or {}
    tops = tuple((c, e, None) for c, e in traits)
    effects = {concepts[c]: e for c, e in traits if c in concepts}
    return SegmentSignals(
        seg, value_effect=value, top_traits=tops, trait_concepts=concepts, concept_effects=effects, **kw
    )


@pytest.mark.parametrize(
    ("value", "traits", "concepts", "expected"),
    [
        (1.2, [("tenure_months", 0.9)], {"tenure_months": "tenure"}, "High-value loyalists"),
        (
            0.0,
            [("days_since_last", 1.1), ("coupon_use", 0.8)],
            {"days_since_last": "recency", "coupon_use": "discount"},
            "Lapsed bargain hunters",
        ),
        (
            None,
            [("tenure_months", -1.0), ("app_sessions", 0.9)],
            {"tenure_months": "tenure", "app_sessions": "digital"},
            "New app-first customers",
        ),
        (
            None,
            [("email_opens", -0.9), ("orders", -0.7)],
            {"email_opens": "engagement", "orders": "frequency"},
            "Low-engagement occasionals",
        ),
        (None, [("grösse", 0.9)], {}, "Segment 0: grösse high"),
    ],
)
def test_auto_names(value, traits, concepts, expected):
    assert auto_name(_sig(value=value, traits=traits, concepts=concepts)) == expected


def test_names_are_unique_with_a_qualifier():
    concepts = {"tenure": "tenure"}
    a = _sig(0, value=1.0, traits=[("tenure", 0.9), ("age", 0.5)], concepts=concepts)
    b = _sig(1, value=1.0, traits=[("tenure", 0.8), ("age", -0.5)], concepts=concepts)
    c = _sig(2, value=1.0, traits=[("tenure", 0.7)], concepts=concepts)
    names = name_segments([a, b, c])
    assert names == {
        0: "High-value loyalists (age high)",
        1: "High-value loyalists (age low)",
        2: "High-value loyalists (tenure high)",
    }
    assert len(set(names.values())) == 3
    # a user-given name is kept; an automatic name colliding with it gets a qualifier
    assert name_segments([a, c], fixed={0: "High-value loyalists"})[2] == "High-value loyalists (tenure high)"
    # still colliding after the qualifier -> a number
    assert name_segments(
        [a, b, c], fixed={0: "high-value LOYALISTS (tenure high)", 1: "High-value loyalists"}
    )[2] == ("High-value loyalists (tenure high) 2")


@pytest.mark.parametrize(
    ("signals", "action"),
    [
        (dict(seg=-1, value=2.0), "unassigned"),
        (dict(value=1.0, pinned=True, pin_name="Top 10"), "key_account"),
        (dict(value=1.0, churn_lift=0.6), "retain"),
        (dict(value=1.0, churn_lift=1.5), "win_back"),
        (dict(value=1.0, traits=[("recency_days", 0.8)], concepts={"recency_days": "recency"}), "win_back"),
        (dict(value=0.0, traits=[("tenure", -0.9)], concepts={"tenure": "tenure"}), "onboard"),
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
    sd = np.std([1000, 1200, 1100, 1300, 100, 120, 80, 100])
    assert table.loc[0, "total_spend_eur"] == pytest.approx((1150 - 625) / sd)
    # two-level column: signed by the over-represented level (Seoul for 0, Busan for 1) -> both positive
    assert table.loc[0, "city"] == pytest.approx(0.375 / np.sqrt(0.375 * 0.625))
    assert table.loc[1, "city"] == pytest.approx(0.375 / np.sqrt(0.375 * 0.625))
    assert table.loc[1, "app_user"] == pytest.approx(-0.5)


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


def test_million_rows_is_fast():
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
    start = time.perf_counter()
    profiles = build_profiles(df, labels, schema=schema, features=list(df.columns))
    assert time.perf_counter() - start < 8  # ~0.5 s alone; generous for a shared 2-core machine
    assert sum(p.size for p in profiles) == n and len(profiles) == 8


def test_bank_kmeans_profiles(shared_data):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    df = pd.read_csv(shared_data / "bank.csv", sep=";")
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


def test_bank_with_inferred_roles(shared_data):
    """The real Schema from segcore.columns.roles drives the same code (duck typing is only for the unit fixtures)."""
    from segcore.columns.roles import infer_roles

    df = pd.read_csv(shared_data / "bank.csv", sep=";")
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
