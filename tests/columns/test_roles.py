"""Column roles: hand-made frames in four languages, overrides, presets, validation, and the real public datasets."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from segcore.columns.dates import detect_date_format, parse_dates
from segcore.columns.roles import infer_roles
from segcore.columns.schema import (
    PRESETS,
    SENSITIVE_NOTE,
    ColumnRole,
    Schema,
    preset_features,
    validate_roles,
)
from segcore.columns.vocabulary import normalise_name, scheme_from_name
from segcore.errors import DataError, SpecError

N = 30  # rows in the hand-made frames: enough distinct values for uniqueness rules, small enough to check by hand


# --- names ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("MntWines", ("mnt", "wines")),
        ("NumWebPurchases", ("num", "web", "purchases")),
        ("customer_ID", ("customer", "id")),
        ("CustomerID", ("customer", "id")),
        ("AcceptedCmp3", ("accepted", "cmp", "3")),
        ("客户ID", ("客户", "id")),
        ("Дата регистрации", ("дата", "регистрации")),
    ],
)
def test_normalise_name_splits_camel_snake_digits_and_scripts(name, words):
    assert normalise_name(name) == words


@pytest.mark.parametrize(
    ("name", "scheme"),
    [
        ("MntWines", "value"),  # the Mnt prefix rule
        ("NumWebPurchases", "behavioral"),
        ("Fresh", None),  # no keyword hides inside ordinary words
        ("Milk", None),
        ("Frozen", None),
        ("annual_revenue", "firmographic"),  # the longer phrase beats "revenue"
        ("revenue", "value"),
        ("收入", "demographic"),
        ("收入金额", "value"),  # the longer CJK keyword beats 收入 (income)
        ("Пол", "demographic"),
        ("Полный адрес", "geographic"),  # "пол" only matches the whole word
        ("first_purchase_date", "lifecycle"),  # "first purchase" beats "purchase"
        ("days_since_signup", "lifecycle"),
        ("renewal_risk", "kpi"),
        ("company size", "firmographic"),
        ("tech_stack", "technographic"),
        ("OS", "technographic"),
        ("Lifestyle", "needs"),
        ("구매횟수", "behavioral"),
        ("сумма_покупок", "value"),
    ],
)
def test_scheme_from_name(name, scheme):
    found = scheme_from_name(normalise_name(name))
    assert (found[0] if found else None) == scheme


# --- a hand-made customer table in four languages ----------------------------------------------------------------

HEADERS = {
    "en": ["customer_id", "age", "gender", "city", "visits", "total_spend", "churn", "signup_date", "device",
           "interest", "industry"],
    "zh": ["客户编号", "年龄", "性别", "城市", "访问次数", "消费金额", "是否流失", "注册日期", "设备", "兴趣", "行业"],
    "ko": ["고객번호", "나이", "성별", "도시", "방문횟수", "지출", "이탈", "가입일", "기기", "관심분야", "업종"],
    "ru": ["номер_клиента", "возраст", "пол", "город", "визиты", "сумма_покупок", "отток", "дата_регистрации",
           "устройство", "интерес", "отрасль"],
}  # fmt: skip

# (role, scheme, use, sensitive) for each column position above.
EXPECTED = [
    ("id", "other", "ignore", False),
    ("numeric", "demographic", "feature", False),
    ("categorical", "demographic", "profile", True),
    ("categorical", "geographic", "feature", False),
    ("numeric", "behavioral", "feature", False),
    ("numeric", "value", "feature", False),
    ("boolean", "kpi", "profile", False),
    ("datetime", "lifecycle", "profile", False),
    ("categorical", "technographic", "feature", False),
    ("categorical", "needs", "feature", False),
    ("categorical", "firmographic", "feature", False),
]


def customers(headers: list[str]) -> pd.DataFrame:
    rows = np.arange(N)
    values = [
        rows + 1001,
        20 + rows,
        np.where(rows % 2 == 0, "Male", "Female"),
        np.array(["Paris", "Lyon", "Nice"])[rows % 3],
        rows % 7,
        (rows * 12.5).round(2),
        np.where(rows % 4 == 0, "yes", "no"),
        [f"{1 + r % 28:02d}-{1 + r % 12:02d}-2023" for r in rows],
        np.array(["ios", "android", "web"])[rows % 3],
        np.array(["sport", "travel", "food", "music"])[rows % 4],
        np.array(["retail", "banking"])[rows % 2],
    ]
    return pd.DataFrame(dict(zip(headers, values, strict=True)))


@pytest.mark.parametrize("language", list(HEADERS))
def test_roles_and_schemes_in_four_languages(language):
    headers = HEADERS[language]
    schema = infer_roles(customers(headers))
    got = [(schema[h].role, schema[h].scheme, schema[h].use, schema[h].sensitive) for h in headers]
    assert got == EXPECTED
    assert schema.id_column == headers[0]
    assert schema.value_column == headers[5]
    assert schema.target_column == headers[6]
    assert SENSITIVE_NOTE in schema[headers[2]].reason


def test_infer_roles_does_not_modify_the_table():
    df = customers(HEADERS["en"])
    before = df.copy()
    infer_roles(df)
    pd.testing.assert_frame_equal(df, before)


# --- one column at a time -----------------------------------------------------------------------------------------


def role_of(name: str, values) -> ColumnRole:
    return infer_roles(pd.DataFrame({name: values}))[name]


@pytest.mark.parametrize(
    "pair",
    [("yes", "no"), ("Yes", "No"), ("Y", "N"), ("true", "false"), ("是", "否"), ("예", "아니오"), ("да", "нет"), (0, 1),
     (True, False)],
)  # fmt: skip
def test_two_valued_answers_are_boolean(pair):
    assert role_of("flag", [pair[i % 2] for i in range(N)]).role == "boolean"


def test_two_values_that_are_not_yes_no_stay_categorical():
    assert role_of("plan", ["basic", "pro"] * 15).role == "categorical"


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        ([f"{d:02d}-03-2021" for d in range(1, N + 1)], "%d-%m-%Y"),
        ([f"03/{d:02d}/2021" for d in range(1, N + 1)], "%m/%d/%Y"),
        ([f"2021-03-{d:02d}" for d in range(1, N + 1)], "ISO8601"),
        ([f"{d:02d}.03.2021" for d in range(1, N + 1)], "%d.%m.%Y"),
    ],
)
def test_date_strings_are_datetime_with_their_format(values, fmt):
    assert detect_date_format(pd.Series(values)) == fmt
    assert role_of("when", values).role == "datetime"
    first = parse_dates(pd.Series(values)).iloc[0]
    assert (first.year, first.month, first.day) == (2021, 3, 1)


def test_day_first_dates_parse_to_the_right_month():
    parsed = parse_dates(pd.Series(["04-09-2012", "31-12-2013"]))
    assert (parsed.dt.month.tolist(), parsed.dt.day.tolist()) == ([9, 12], [4, 31])


def test_month_names_are_not_dates():
    assert role_of("month", ["may", "jun", "jul"] * 10).role == "categorical"


def test_yyyymmdd_integers_named_like_a_date_are_datetime():
    col = role_of("order_date", [20230101 + d for d in range(N)])
    assert col.role == "datetime"
    assert "20230101" in col.reason


def test_yyyymmdd_integers_without_a_date_name_stay_numbers():
    assert role_of("amount_x", [20230101 + d for d in range(N)]).role == "numeric"


def test_constant_and_mostly_missing():
    assert role_of("c", ["same"] * N).role == "constant"
    col = role_of("sparse", [1.0] * 9 + [np.nan] * 21)
    assert (col.role, col.use) == ("mostly_missing", "ignore")
    assert "70%" in col.reason


def test_exactly_sixty_percent_missing_is_still_usable():
    assert role_of("score", [float(i) for i in range(12)] + [np.nan] * 18).role == "numeric"


@pytest.mark.parametrize(
    ("name", "values", "role"),
    [
        ("customer_id", list(range(100, 100 + N)), "id"),  # unique int named like an id
        ("score", list(range(100, 100 + N)), "numeric"),  # unique int with another name
        ("customer_id", [i + 0.5 for i in range(N)], "numeric"),  # a unique float is never an id
        ("ref", [f"K{i:05d}X" for i in range(N)], "id"),  # unique codes without spaces
        ("row", list(range(1, N + 1)), "id"),  # 1..n is a row number
        ("Region", [1, 2, 3] * 10, "categorical"),  # small codes named like a category
        ("Kidhome", [0, 1, 2] * 10, "numeric"),  # small counts are still numbers
        ("price", [f"{i}.5" for i in range(N)], "numeric"),  # numbers stored as text
        ("ID", [str(i) for i in range(N)], "id"),  # numeric text named like an id
    ],
)
def test_ids_numbers_and_codes(name, values, role):
    assert role_of(name, values).role == role


def test_long_unique_sentences_are_text():
    notes = [f"Customer {i} called about the late delivery of order number {i * 7}" for i in range(N)]
    col = role_of("notes", notes)
    assert (col.role, col.use) == ("text", "ignore")


def test_many_categories_are_shown_not_clustered():
    col = role_of("shop", [f"shop {i % 40}" for i in range(200)])
    assert (col.role, col.use) == ("categorical", "profile")
    assert "40" in col.reason


def test_place_names_read_as_geographic_without_a_name_hint():
    col = role_of("col_7", ["London", "Paris", "Berlin", "Madrid"] * 8)
    assert (col.role, col.scheme) == ("categorical", "geographic")


def test_gender_values_are_sensitive_without_a_name_hint():
    col = role_of("q3", ["F", "M"] * 15)
    assert (col.scheme, col.sensitive, col.use) == ("demographic", True, "profile")


@pytest.mark.parametrize(
    "name",
    [
        "Religion",
        "Marital_Status",
        "ethnicity",
        "民族",
        "宗教",
        "종교",
        "건강상태",
        "здоровье",
        "семейное положение",
    ],
)
def test_sensitive_attributes_are_profile_only(name):
    col = role_of(name, ["a", "b", "c"] * 10)
    assert (col.sensitive, col.use) == (True, "profile")
    assert "sensitive attribute, left out of clustering by default; you can opt in" in col.reason


@pytest.mark.parametrize("name", ["polish_level", "Полный_тариф", "price"])
def test_look_alike_names_are_not_sensitive(name):
    assert role_of(name, ["a", "b", "c"] * 10).sensitive is False


def test_existing_segment_labels_are_profile_only():
    col = role_of("Segmentation", ["A", "B", "C", "D"] * 8)
    assert (col.role, col.use) == ("categorical", "profile")


def test_money_looking_numbers_without_a_name_are_value():
    col = role_of("Fresh", [100, 120, 150, 200, 3000] * 6 + list(range(200, 230)))
    assert (col.role, col.scheme) == ("numeric", "value")
    assert "name says nothing" in col.reason


@pytest.mark.parametrize(
    ("df", "match"),
    [
        (pd.DataFrame(), "empty"),
        (pd.DataFrame({"a": []}), "empty"),
        (pd.DataFrame([[1, 2]], columns=["a", "a"]), "duplicate column names: a"),
        (pd.DataFrame([[1, 2]]), "must be text"),
    ],
)
def test_unusable_tables_raise_data_error(df, match):
    with pytest.raises(DataError, match=match):
        infer_roles(df)


# --- Schema -------------------------------------------------------------------------------------------------------


@pytest.fixture()
def schema() -> Schema:
    return infer_roles(customers(HEADERS["en"]))


def test_getitem_and_names(schema):
    assert schema["age"].scheme == "demographic"
    assert "age" in schema and "nope" not in schema
    assert schema.names(use="feature", role="numeric") == ["age", "visits", "total_spend"]
    assert schema.names(use=("profile", "ignore")) == ["customer_id", "gender", "churn", "signup_date"]
    assert schema.names(scheme="kpi") == ["churn"]
    with pytest.raises(SpecError, match="no column named 'nope'"):
        schema["nope"]


def test_with_column_returns_a_new_schema_and_recomputes_use(schema):
    changed = schema.with_column("gender", sensitive=False)
    assert (changed["gender"].use, changed["gender"].reason) == ("feature", "You set sensitive to no.")
    assert schema["gender"].use == "profile"  # the original is untouched
    assert schema.with_column("gender", use="feature")["gender"].sensitive is True  # opt in, still flagged
    assert schema.with_column("churn", scheme="behavioral")["churn"].use == "feature"


def test_with_column_clears_special_columns_that_no_longer_fit(schema):
    changed = schema.with_column("customer_id", role="categorical")
    assert changed.id_column is None and changed["customer_id"].use == "feature"
    assert schema.with_column("total_spend", role="categorical").value_column is None
    assert schema.with_column("age", role="categorical").id_column == "customer_id"


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"role": "number"}, "'number' is not a valid role. Choose one of: id, numeric"),
        ({"scheme": "psychographic"}, "not a valid scheme"),
        ({"use": "maybe"}, "not a valid use"),
        ({"name": "x"}, "Cannot change name"),
    ],
)
def test_with_column_rejects_bad_overrides(schema, changes, match):
    with pytest.raises(SpecError, match=match):
        schema.with_column("age", **changes)


def test_frame_round_trip_and_edits(schema):
    frame = schema.to_frame()
    assert list(frame.columns) == ["name", "role", "scheme", "use", "sensitive", "reason"]
    assert frame["sensitive"].dtype == bool
    back = Schema.from_frame(
        frame, id_column="customer_id", value_column="total_spend", target_column="churn"
    )
    assert back == schema
    edited = frame.copy()
    edited.loc[edited["name"] == "city", "use"] = "ignore"
    assert Schema.from_frame(edited)["city"].use == "ignore"


def test_from_frame_fills_blank_cells_and_rejects_bad_ones():
    minimal = pd.DataFrame({"name": ["a", "b"], "role": ["numeric", "id"]})
    got = Schema.from_frame(minimal)
    assert [(c.scheme, c.use, c.sensitive) for c in got] == [
        ("other", "feature", False),
        ("other", "ignore", False),
    ]
    with pytest.raises(SpecError, match="needs the columns role"):
        Schema.from_frame(pd.DataFrame({"name": ["a"]}))
    with pytest.raises(SpecError, match="Column 'a': 'number' is not a valid role"):
        Schema.from_frame(pd.DataFrame({"name": ["a"], "role": ["number"]}))
    with pytest.raises(SpecError, match="Row 2 of the roles table has no column name"):
        Schema.from_frame(pd.DataFrame({"name": ["a", None], "role": ["numeric", "numeric"]}))
    with pytest.raises(SpecError, match="id column 'zz' is not one of the table's columns"):
        Schema.from_frame(minimal, id_column="zz")


def test_dict_round_trip_through_json(schema):
    assert Schema.from_dict(json.loads(json.dumps(schema.to_dict()))) == schema
    newer = {**schema.to_dict(), "format_version": 99}
    with pytest.raises(SpecError, match="newer segcore"):
        Schema.from_dict(newer)


def test_duplicate_columns_in_a_schema_are_refused():
    col = ColumnRole("a", "numeric", "other", "feature", False, "")
    with pytest.raises(SpecError, match="more than once"):
        Schema((col, col))


# --- presets --------------------------------------------------------------------------------------------------------


def test_presets(schema):
    assert preset_features(schema, "behavioral") == ["visits"]
    assert preset_features(schema, "value") == ["visits", "total_spend"]
    assert preset_features(schema, "demographic") == ["age"]  # gender is sensitive
    assert preset_features(schema, "geographic") == ["city"]
    assert preset_features(schema, "lifecycle") == []  # signup_date is a date: profile only
    assert preset_features(schema, "everything") == ["age", "city", "visits", "total_spend", "device", "interest",
                                                     "industry"]  # fmt: skip
    assert "kpi" not in PRESETS["everything"]


def test_presets_follow_user_overrides(schema):
    assert "age" not in preset_features(schema.with_column("age", use="ignore"), "everything")
    assert "gender" not in preset_features(schema.with_column("gender", use="feature"), "demographic")


def test_unknown_preset_lists_the_valid_ones(schema):
    with pytest.raises(
        SpecError, match="Unknown preset 'rfm'. Choose one of: behavioral, value, demographic"
    ):
        preset_features(schema, "rfm")


# --- validate_roles -------------------------------------------------------------------------------------------------


def test_validate_roles_accepts_a_matching_table(schema):
    df = customers(HEADERS["en"])
    assert validate_roles(df, schema) is schema


def test_validate_roles_names_missing_columns(schema):
    df = customers(HEADERS["en"]).drop(columns=["age", "city"])
    with pytest.raises(SpecError, match="no column 'age', 'city'"):
        validate_roles(df, schema)


def test_validate_roles_names_a_bad_number():
    df = pd.DataFrame({"spend": ["10", "12.5", "n/a", "7"]})
    schema = Schema((ColumnRole("spend", "numeric", "value", "feature", False, ""),))
    with pytest.raises(
        SpecError, match=r"'spend' is set to numeric, but 1 values are not numbers \(for example 'n/a'\)"
    ):
        validate_roles(df, schema)


def test_validate_roles_refuses_a_three_valued_boolean():
    df = pd.DataFrame({"flag": ["yes", "no", "maybe"]})
    schema = Schema((ColumnRole("flag", "boolean", "other", "feature", False, ""),))
    with pytest.raises(SpecError, match="'flag' is set to yes/no, but it has 3 different values"):
        validate_roles(df, schema)


# --- real public datasets -------------------------------------------------------------------------------------------


def test_bank(real_data):
    schema = infer_roles(pd.read_csv(real_data / "bank.csv", sep=";"))
    assert (schema["y"].role, schema["y"].scheme, schema.target_column) == ("boolean", "kpi", "y")
    assert schema["marital"].sensitive and schema["marital"].use == "profile"
    assert (schema["age"].role, schema["age"].scheme) == ("numeric", "demographic")
    assert schema["job"].role == "categorical"
    # a bank balance is its money measure, though some accounts are overdrawn (issue 12)
    assert schema["balance"].scheme == "value" and schema.value_column == "balance"
    assert schema.id_column is None


def test_marketing_campaign(real_data):
    schema = infer_roles(pd.read_csv(real_data / "marketing_campaign_standin.csv", sep="\t"))
    assert schema.id_column == "ID" and schema["ID"].role == "id"
    assert schema["Z_CostContact"].role == schema["Z_Revenue"].role == "constant"
    assert schema["Dt_Customer"].role == "datetime" and "day-month-year" in schema["Dt_Customer"].reason
    assert schema["Marital_Status"].sensitive
    assert (schema["MntWines"].role, schema["MntWines"].scheme) == ("numeric", "value")
    assert schema["NumWebPurchases"].scheme == "behavioral"
    assert schema.target_column == "Response"
    assert schema.value_column is None  # spend split into Mnt* parts with no total: the user picks
    value = preset_features(schema, "value")
    assert {"MntWines", "NumWebPurchases", "Recency"} <= set(value)
    assert not {"ID", "Response", "Marital_Status", "Z_Revenue"} & set(value)


def test_customer_segmentation_av(real_data):
    schema = infer_roles(pd.read_csv(real_data / "customer_segmentation_av_standin_train.csv"))
    assert schema.id_column == "ID"
    assert schema["Gender"].sensitive and schema["Gender"].use == "profile"
    assert schema["Ever_Married"].sensitive
    assert schema["Segmentation"].use == "profile"
    assert schema["Profession"].role == "categorical"


def test_wholesale(real_data):
    schema = infer_roles(pd.read_csv(real_data / "wholesale_customers.csv"))
    assert schema["Channel"].role == schema["Region"].role == "categorical"
    spends = ["Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"]
    assert [(schema[c].role, schema[c].scheme) for c in spends] == [("numeric", "value")] * 6
    assert preset_features(schema, "value") == spends


def test_keys_that_repeat_are_ids_but_not_the_id_column(real_data):
    df = pd.read_csv(real_data / "completejourney_transactions_households_ending_3.csv")
    schema = infer_roles(df)
    assert schema["household_id"].role == schema["product_id"].role == "id"
    assert schema.id_column is None and schema.value_column == "sales_value"


@pytest.mark.slow  # building the million-row frame takes a few seconds
def test_a_million_rows_get_their_roles():
    rng = np.random.default_rng(0)
    n = 1_000_000
    cols: dict[str, object] = {f"spend_{i}": rng.gamma(2.0, 100.0, n) for i in range(10)}
    cols |= {f"count_{i}": rng.integers(0, 50, n) for i in range(6)}
    cols |= {f"segment_{i}": pd.array(rng.choice(["a", "b", "c", "d"], n), dtype="str") for i in range(4)}
    cols["customer_id"] = np.arange(n)
    cols["joined"] = pd.array(
        np.array(["01-02-2020", "15-07-2021", "30-11-2022"])[rng.integers(0, 3, n)], dtype="str"
    )
    cols["churn"] = rng.integers(0, 2, n)
    cols["flag"] = pd.array(rng.choice(["yes", "no"], n), dtype="str")
    cols["sparse"] = np.where(rng.random(n) < 0.7, np.nan, 1.0)
    df = pd.DataFrame(cols)
    assert df.shape == (n, 25)
    schema = infer_roles(df)  # its speed is measured in benchmarks/, not by a clock here
    assert schema["joined"].role == "datetime" and schema.id_column == "customer_id"


def test_default_preset_prefers_value_when_the_data_has_it():
    from segcore.columns.schema import default_preset

    rich = pd.DataFrame({"total_spend": [10.0, 250.0, 40.0, 90.0] * 5, "orders": [1, 9, 2, 4] * 5,
                         "visits": [3, 20, 4, 8] * 5})
    assert default_preset(infer_roles(rich)) == "value"
    plain = pd.DataFrame({"age": [20, 30, 40, 50] * 5, "region": ["a", "b", "a", "c"] * 5})
    assert default_preset(infer_roles(plain)) == "everything"


def test_numbers_stored_as_text_are_numeric_and_can_read_as_money():
    df = pd.DataFrame({"amount_paid": [str(v) for v in [120.5, 80.0, 990.0, 60.25, 75.0, 300.0] * 5]})
    schema = infer_roles(df)
    assert schema["amount_paid"].role == "numeric"


def test_every_yes_no_pair_has_one_yes_word_and_one_no_word():
    from segcore.columns.vocabulary import BOOLEAN_PAIRS, NO_WORDS, YES_WORDS

    assert not YES_WORDS & NO_WORDS
    for pair in BOOLEAN_PAIRS:
        if pair == {"0.0", "1.0"}:
            continue  # numbers written as text: profiles read them as numbers
        assert len(pair & YES_WORDS) == 1 and len(pair & NO_WORDS) == 1, pair
