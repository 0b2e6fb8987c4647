"""Tests for segcore.columns.transactions: detection, RFM aggregation on hand-checked logs, messy rows, real logs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import ten_category_log

from segcore.columns.rfm import CustomerTable, to_customers
from segcore.columns.rfm_scores import RFM_SEGMENTS, rfm_segment
from segcore.columns.transactions import TransactionColumns, detect_transactions
from segcore.errors import DataError, SpecError


@pytest.fixture
def tiny_log() -> pd.DataFrame:
    """3 customers. Last date 2024-01-20, so as_of = 2024-01-21.

    A: 100 on 01-01, 50 on 01-10            -> recency 11, tenure 20, frequency 2, monetary 150
    B: 30 on 01-05                           -> recency 16, tenure 16, frequency 1, monetary 30
    C: 200 on 01-02, return -50 on 01-15, 300 on 01-20 -> recency 1, tenure 19, frequency 2, monetary 450
    """
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "C", "C", "C"],
            "order_date": [
                "2024-01-01",
                "2024-01-10",
                "2024-01-05",
                "2024-01-02",
                "2024-01-15",
                "2024-01-20",
            ],
            "amount": [100.0, 50.0, 30.0, 200.0, -50.0, 300.0],
            "channel": ["Web", "web ", "Store", "Web", "Web", "App"],
        }
    )


def test_detects_the_tiny_log(tiny_log):
    cols = detect_transactions(tiny_log)
    assert cols == TransactionColumns(
        customer="customer_id", date="order_date", amount="amount", channel="channel"
    )


def test_tiny_log_rfm_values(tiny_log):
    before = tiny_log.copy()
    result = to_customers(tiny_log)
    pd.testing.assert_frame_equal(tiny_log, before)  # input not mutated
    df = result.df.set_index("customer_id")
    assert result.as_of == pd.Timestamp("2024-01-21")
    assert result.rows_dropped == 0
    assert df["recency_days"].to_dict() == {"A": 11, "B": 16, "C": 1}
    assert df["tenure_days"].to_dict() == {"A": 20, "B": 16, "C": 19}
    assert df["frequency"].to_dict() == {"A": 2, "B": 1, "C": 2}
    assert df["monetary"].to_dict() == {"A": 150.0, "B": 30.0, "C": 450.0}
    assert df["avg_order_value"].to_dict() == {"A": 75.0, "B": 30.0, "C": 225.0}
    # 3 customers over 5 quintiles: ranks 1, 2, 3 fall in quintiles 1, 3, 5; the frequency tie A=C goes to A first
    assert df["r_score"].to_dict() == {"A": 3, "B": 1, "C": 5}
    assert df["f_score"].to_dict() == {"A": 3, "B": 1, "C": 5}
    assert df["m_score"].to_dict() == {"A": 3, "B": 1, "C": 5}
    assert df["rfm_score"].to_dict() == {"A": "333", "B": "111", "C": "555"}
    assert df["rfm_segment"].to_dict() == {"A": "Need attention", "B": "Lost", "C": "Champions"}
    assert any("1 row is a return" in n for n in result.notes)


def test_tiny_log_channel_shares(tiny_log):
    df = to_customers(tiny_log).df.set_index("customer_id")
    # "Web" and "web " are one level; C spent 200 web + 300 app (the return is not a purchase share)
    assert {"share_web", "share_store", "share_app"} <= set(df.columns)
    assert df.loc["C", "share_web"] == pytest.approx(0.4)
    assert df.loc["C", "share_app"] == pytest.approx(0.6)
    assert df.loc["A", "share_web"] == 1.0
    assert df["top_channel"].to_dict() == {"A": "web", "B": "store", "C": "app"}
    shares = df.filter(like="share_")
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_column_order_matches_contract(tiny_log):
    cols = list(to_customers(tiny_log).df.columns)
    assert cols[:6] == [
        "customer_id",
        "recency_days",
        "frequency",
        "monetary",
        "tenure_days",
        "avg_order_value",
    ]
    assert cols[-5:] == ["r_score", "f_score", "m_score", "rfm_score", "rfm_segment"]


def test_ten_customers_get_two_per_quintile():
    log = pd.DataFrame(
        {
            "customer": [f"c{i}" for i in range(10)],
            "date": pd.date_range("2024-01-01", periods=10, freq="D"),
            "sales": np.arange(1.0, 11.0),
        }
    )
    df = to_customers(log, columns=TransactionColumns("customer", "date", "sales")).df
    assert df["m_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert df["r_score"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # later purchase = more recent = better
    assert df["f_score"].value_counts().sort_index().tolist() == [2, 2, 2, 2, 2]  # all tied, still 5 bins


def test_single_customer_works():
    log = pd.DataFrame({"cust_id": ["x", "x"], "date": ["2024-05-01", "2024-05-03"], "amount": [5.0, 7.0]})
    df = to_customers(log, columns=TransactionColumns("cust_id", "date", "amount")).df
    assert df[["recency_days", "frequency", "monetary", "tenure_days"]].iloc[0].tolist() == [1, 2, 12.0, 3]
    assert df["rfm_score"].iloc[0] == "555"


@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        (5, 5, 5, "Champions"),
        (5, 1, 1, "New customers"),
        (4, 1, 1, "Promising"),
        (4, 4, 5, "Loyal"),
        (5, 2, 3, "Potential loyalist"),
        (3, 3, 3, "Need attention"),
        (3, 1, 2, "About to sleep"),
        (2, 3, 4, "At risk"),
        (1, 5, 5, "Cannot lose them"),
        (2, 1, 1, "Hibernating"),
        (1, 1, 1, "Lost"),
    ],
)
def test_rfm_segment_map(r, f, m, segment):
    assert rfm_segment(r, f, m) == segment


def test_segment_map_has_the_eleven_classic_names():
    assert len(RFM_SEGMENTS) == 11
    with pytest.raises(SpecError, match="r_score must be a whole number from 1 to 5"):
        rfm_segment(6, 1, 1)


@pytest.mark.slow
def test_messy_rows_are_counted_not_lost():
    log = pd.DataFrame(
        {
            "CustomerID": [12345.0, 12345.0, np.nan, 777.0, 777.0, 777.0, 12345.0],
            "InvoiceDate": [
                "2024-03-01",
                "2024-03-05",
                "2024-03-05",
                "not a date",
                None,
                "2024-03-02",
                "2024-03-06",
            ],
            "Sales": [10.0, 20.0, 5.0, 1.0, 1.0, 4.0, np.nan],
        }
    )
    result = to_customers(log)
    assert result.columns.customer == "CustomerID"
    assert result.rows_dropped == 4
    notes = " | ".join(map(str, result.notes))
    assert "1 row had no customer id and was left out" in notes
    assert "2 rows had no usable date in 'InvoiceDate'" in notes
    assert "1 unreadable (for example 'not a date'), 1 blank" in notes
    assert "1 row had no amount and was left out" in notes
    df = result.df.set_index("CustomerID")
    assert df.index.tolist() == ["777", "12345"]  # float ids normalised, natural order
    assert df.loc["12345", "monetary"] == 30.0
    assert df.loc["777", "monetary"] == 4.0


def test_price_times_quantity_and_cancelled_invoices():
    log = pd.DataFrame(
        {
            "InvoiceNo": ["1001", "1001", "1002", "C1003", "1004"],
            "CustomerID": [1.0, 1.0, 2.0, 1.0, 2.0],
            "InvoiceDate": pd.to_datetime(
                ["2011-01-01", "2011-01-01", "2011-01-02", "2011-01-03", "2011-01-04"]
            ),
            "Quantity": [
                2,
                1,
                5,
                1,
                1,
            ],  # the cancellation has a positive quantity: it must still be subtracted
            "UnitPrice": [2.5, 10.0, 1.0, 10.0, 3.0],
        }
    )
    cols = detect_transactions(log)
    assert (cols.amount, cols.price, cols.quantity, cols.order) == (
        "amount",
        "UnitPrice",
        "Quantity",
        "InvoiceNo",
    )
    result = to_customers(log, columns=cols)
    df = result.df.set_index("CustomerID")
    assert df.loc["1", "monetary"] == 5.0  # 2 x 2.5 + 10 - 10
    assert df.loc["1", "frequency"] == 1  # invoice 1001 only; the cancellation is not an order
    assert df.loc["2", "frequency"] == 2
    assert df.loc["2", "monetary"] == 8.0
    notes = " | ".join(map(str, result.notes))
    assert "Quantity x UnitPrice" in notes
    assert "1 cancelled line had a positive amount" in notes


def test_yyyymmdd_integers_and_explicit_as_of():
    log = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2],
            "date": [19970101, 19970115, 19970110, 19970301],
            "dollar_value": [10.0] * 4,
        }
    )
    result = to_customers(log, as_of="1997-02-01")
    df = result.df.set_index("customer_id")
    assert result.as_of == pd.Timestamp("1997-02-01")
    assert df["recency_days"].to_dict() == {"1": 17, "2": 22}
    assert df["monetary"].to_dict() == {"1": 20.0, "2": 10.0}
    assert result.rows_dropped == 1
    assert any("on or after the as-of date 1997-02-01" in n for n in result.notes)


def test_mixed_date_formats_parse():
    log = pd.DataFrame(
        {
            "client_no": ["a", "a", "b", "b"],
            "date": ["12/06/2010 10:08", "2/20/11 11:39", "02/08/2011 09:00", "1/5/11 8:00"],
            "amount": [1.0, 2.0, 3.0, 4.0],
        }
    )
    result = to_customers(log)
    assert result.rows_dropped == 0
    assert result.as_of == pd.Timestamp("2011-02-21")
    assert result.df.set_index("client_no")["tenure_days"].to_dict() == {"a": 77, "b": 47}


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (("客户编号", "日期", "金额"), ("客户编号", "日期", "金额")),
        (("고객ID", "날짜", "금액"), ("고객ID", "날짜", "금액")),
        (("id_клиента", "дата", "сумма"), ("id_клиента", "дата", "сумма")),
        (
            ("household_id", "transaction_timestamp", "sales_value"),
            ("household_id", "transaction_timestamp", "sales_value"),
        ),
    ],
)
def test_detects_multilingual_names(names, expected):
    log = pd.DataFrame(
        {
            names[0]: ["a", "a", "b", "b"],
            names[1]: ["2024-01-01", "2024-02-01", "2024-01-03", "2024-01-05"],
            names[2]: [1.0, 2.0, 3.0, 4.0],
        }
    )
    cols = detect_transactions(log)
    assert (cols.customer, cols.date, cols.amount) == expected


@pytest.mark.parametrize(
    "frame",
    [
        # a customer table: every id once
        pd.DataFrame(
            {"customer_id": ["a", "b", "c"], "signup_date": ["2024-01-01"] * 3, "amount": [1.0, 2.0, 3.0]}
        ),
        # no date
        pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [1.0, 2.0, 3.0]}),
        # no amount
        pd.DataFrame({"customer_id": ["a", "a", "b"], "date": ["2024-01-01"] * 3, "city": ["x", "y", "z"]}),
        pd.DataFrame(),
    ],
)
def test_not_a_log_returns_none(frame):
    assert detect_transactions(frame) is None


def test_not_a_log_raises_data_error():
    with pytest.raises(DataError, match="does not look like a transaction log"):
        to_customers(pd.DataFrame({"a": [1, 2], "b": [3, 4]}))


def test_missing_named_column_raises_spec_error(tiny_log):
    with pytest.raises(SpecError, match="'spend' are not in the table"):
        to_customers(tiny_log, columns=TransactionColumns("customer_id", "order_date", "spend"))


def test_no_usable_rows_raises_data_error():
    log = pd.DataFrame({"customer_id": [None, None], "date": ["2024-01-01", "x"], "amount": [1.0, 2.0]})
    with pytest.raises(DataError, match="None of the 2 rows"):
        to_customers(log, columns=TransactionColumns("customer_id", "date", "amount"))


def test_bad_as_of_raises_spec_error(tiny_log):
    with pytest.raises(SpecError, match="as-of date 'soon' is not a date"):
        to_customers(tiny_log, as_of="soon")


def test_top_levels_pool_into_other():
    log = ten_category_log()
    df = to_customers(log).df
    share_cols = [c for c in df.columns if c.startswith("share_")]
    assert len(share_cols) == 9  # top 8 + other
    assert "share_other" in share_cols and "share_cat_9" in share_cols and "share_cat_0" not in share_cols
    np.testing.assert_allclose(df[share_cols].sum(axis=1), 1.0)


def test_round_trip_to_dict(tiny_log):
    result = to_customers(tiny_log)
    back = CustomerTable.from_dict(result.to_dict())
    assert back.as_of == result.as_of and back.notes == result.notes and back.columns == result.columns
    assert back.df["rfm_segment"].tolist() == result.df["rfm_segment"].tolist()
    assert back.df["monetary"].tolist() == result.df["monetary"].tolist()


@pytest.mark.slow
def test_a_large_log_keeps_every_customer_and_euro():
    rng = np.random.default_rng(0)
    n = 300_000
    log = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 20_000, n),
            "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "amount": rng.lognormal(3, 1, n).round(2),
            "channel": rng.choice(["web", "app", "store"], n),
        }
    )
    result = to_customers(log)  # its speed is measured in benchmarks/, not by a wall clock here
    assert len(result.df) == log["customer_id"].nunique()
    assert result.df["monetary"].sum() == pytest.approx(log["amount"].sum(), rel=1e-9)


# ------------------------------------------------------------------------------------------------ real logs


def test_cdnow(real_data):
    log = pd.read_csv(real_data / "CDNOW_master_first2500.txt", sep=r"\s+")
    result = to_customers(log)
    assert result.columns.date == "date" and result.columns.amount == "dollar_value"
    df = result.df
    assert len(df) == log["customer_id"].nunique()
    assert result.rows_dropped == 0
    as_of = pd.to_datetime(log["date"].astype(str)).max() + pd.Timedelta(days=1)  # the day after the last purchase
    assert result.as_of == as_of
    assert df["monetary"].sum() == pytest.approx(log["dollar_value"].sum(), abs=0.5)
    buys = log[log["dollar_value"] > 0]
    assert df["frequency"].sum() == len(buys.drop_duplicates(["customer_id", "date"]))
    first = df.set_index("customer_id").loc["1"]
    # customer 00001 bought once, on 1997-01-01, for $11.77 (the first line of the file)
    assert log.iloc[0].tolist() == [1, 19970101, 1, 11.77] and (log["customer_id"] == 1).sum() == 1
    recency = (as_of - pd.Timestamp("1997-01-01")).days
    assert (first["recency_days"], first["frequency"], first["monetary"]) == (recency, 1, 11.77)
    assert set(df["rfm_segment"]) <= set(RFM_SEGMENTS)


@pytest.mark.slow
def test_online_retail_excel(real_data):
    log = pd.read_excel(real_data / "online_retail_sample4k.xlsx")
    result = to_customers(log)
    assert (result.columns.customer, result.columns.price) == ("CustomerID", "UnitPrice")
    kept = log[log["CustomerID"].notna()]
    assert result.rows_dropped == len(log) - len(kept) > 0
    assert len(result.df) == kept["CustomerID"].nunique()
    assert result.df["monetary"].sum() == pytest.approx((kept["Quantity"] * kept["UnitPrice"]).sum(), abs=1.0)
    n_cancel = kept["InvoiceNo"].astype(str).str.startswith("C").sum()
    assert any(f"{n_cancel:,} rows belong to cancelled invoices" in n for n in result.notes)
    assert result.df["CustomerID"].str.fullmatch(r"\d+").all()


def test_complete_journey(real_data):
    log = pd.read_csv(real_data / "completejourney_transactions_households_ending_3.csv")
    result = to_customers(log)
    assert result.columns.order == "basket_id"
    df = result.df
    assert len(df) == log["household_id"].nunique()
    assert df["monetary"].sum() == pytest.approx(log["sales_value"].sum(), abs=1.0)
    baskets = log[log["sales_value"] > 0].drop_duplicates(["household_id", "basket_id"])
    assert df["frequency"].sum() == len(baskets)


def test_semicolon_export_with_two_date_formats(real_data):
    log = pd.read_csv(real_data / "online_retail_sample5k_semicolon.csv", sep=";")
    result = to_customers(log)
    # independent parse: the two formats in the file, each tried strictly
    text = log["InvoiceDate"]
    parsed = pd.to_datetime(text, format="%m/%d/%Y %H:%M", errors="coerce").fillna(
        pd.to_datetime(text, format="%m/%d/%y %H:%M", errors="coerce")
    )
    assert parsed.notna().all()
    assert result.as_of == parsed.max().normalize() + pd.Timedelta(days=1)
    assert not any("usable date" in n for n in result.notes)
    kept = log[log["CustomerID"].notna()]
    assert result.rows_dropped == len(log) - len(kept)
    assert len(result.df) == kept["CustomerID"].nunique()
    assert result.df["monetary"].sum() == pytest.approx((kept["Quantity"] * kept["UnitPrice"]).sum(), abs=0.5)


def test_a_customer_table_with_dates_and_money_is_not_a_log(sample_data):
    """The retail sample has signup dates, spend and yes/no flags but one row per customer: not a log."""
    customers = pd.read_csv(sample_data / "retail_customers.csv")
    assert detect_transactions(customers) is None
    flags = pd.DataFrame({
        "app_user": ["yes", "no"] * 10,
        "signup_date": pd.date_range("2025-01-01", periods=20).strftime("%Y-%m-%d"),
        "total_spend": range(20),
    })
    assert detect_transactions(flags) is None
