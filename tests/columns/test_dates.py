"""One date reader for column roles and transaction logs: a layout that works in one works in the other."""

from __future__ import annotations

import pandas as pd
import pytest

from segcore.columns.dates import date_share, detect_date_format, parse_dates
from segcore.columns.rfm import to_customers
from segcore.columns.roles import infer_roles
from segcore.columns.transactions import detect_transactions

CJK = [f"2024年{m}月{d}日" for m in (1, 2, 3) for d in range(1, 11)]
KOREAN = [f"2024. {m}. {d}." for m in (1, 2, 3) for d in range(1, 11)]


@pytest.mark.parametrize(("values", "layout"), [(CJK, "%Y年%m月%d日"), (KOREAN, "%Y. %m. %d.")])
def test_east_asian_dates_are_a_date_column_with_their_layout(values, layout):
    assert detect_date_format(pd.Series(values)) == layout
    roles = infer_roles(pd.DataFrame({"customer_id": range(len(values)), "下单日期": values}))
    assert roles["下单日期"].role == "datetime"
    first = parse_dates(pd.Series(values)).iloc[0]
    assert (first.year, first.month, first.day) == (2024, 1, 1)


def test_east_asian_dates_work_in_a_transaction_log_too():
    log = pd.DataFrame(
        {
            "客户编号": ["a", "a", "b", "b", "c", "c"] * 5,
            "日期": CJK,
            "金额": [10.0, 20.0, 5.0, 5.0, 100.0, 1.0] * 5,
        }
    )
    columns = detect_transactions(log)
    assert columns is not None and (columns.customer, columns.date, columns.amount) == ("客户编号", "日期", "金额")
    table = to_customers(log, columns=columns)
    assert table.rows_dropped == 0
    assert table.as_of == pd.Timestamp("2024-03-11")  # the day after the last purchase (2024年3月10日)


def test_undecided_day_month_order_follows_the_separator():
    assert parse_dates(pd.Series(["04.09.2012"])).iloc[0] == pd.Timestamp("2012-09-04")  # dotted: day first
    assert parse_dates(pd.Series(["04-09-2012"])).iloc[0] == pd.Timestamp("2012-09-04")
    assert parse_dates(pd.Series(["04/09/2012"])).iloc[0] == pd.Timestamp("2012-04-09")  # slash: US month first
    assert parse_dates(pd.Series(["04/09/2012", "25/12/2012"])).iloc[0] == pd.Timestamp("2012-09-04")  # data decides


def test_unreadable_and_implausible_values_are_missing_and_ids_are_not_dates():
    parsed = parse_dates(pd.Series(["2024-01-05", "not a date", None, "0011-01-01"]))
    assert parsed.notna().tolist() == [True, False, False, False]
    assert detect_date_format(pd.Series(["1200", "1300", "1400"] * 10)) is None
    assert date_share(pd.Series([20240101, 20240102, 99999999])) == pytest.approx(2 / 3)


def test_month_names_and_mixed_layouts():
    assert parse_dates(pd.Series(["5 Jan 2024", "Feb 7, 2024"])).dt.month.tolist() == [1, 2]
    mixed = [f"2024-01-{d:02d}" for d in range(1, 16)] + [f"{d:02d}/02/2024" for d in range(13, 28)]
    assert detect_date_format(pd.Series(mixed)) == "mixed"
