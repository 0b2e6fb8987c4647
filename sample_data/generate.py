"""Deterministic generator of segcore's demo files (numpy for randomness, the standard library for writing).

Run ``python sample_data/generate.py`` to rewrite the files beside this script. The same seed always gives the
same bytes (a test regenerates them and compares). The hidden persona of each retail customer is not written to
any file; ``persona_labels()`` returns it so tests can check that clustering recovers the built-in structure.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SEED = 20261031  # fixed: the committed files are exactly what this seed produces
AS_OF = date(2026, 10, 31)  # the "today" of every file: last transaction day, base of tenure and recency
N_CUSTOMERS = 5_000  # retail_customers.csv: big enough for stable segments, small enough for a fast demo
N_ACCOUNTS = 1_500  # b2b_accounts.csv
N_KEY_ACCOUNTS = 12  # obvious outliers (very large ARR) that a pinned "key accounts" segment should catch
N_MULTILINGUAL = 400  # rows in each of the two encoding demos
TX_DAYS = 730  # transactions span two years ending AS_OF
# transactions per customer ~ orders_12m x this: two years, and the log also holds small add-on purchases that the
# CRM's order count leaves out; gives ~100k rows, a realistic demo size that still loads in a second
TX_PER_ORDER_YEAR = 3.0
TX_CUSTOMER_SHARE = 0.8  # only a subset of customers appears in the transaction log (as in real CRMs)
RETURN_SHARE = 0.015  # share of transactions that are returns (negative amounts)
MISSING_ID_SHARE = 0.003  # transactions with a blank customer id (guest checkouts)

# Personas: (name, share, behaviour means). Each drives behaviour, value, NPS and churn; the label never leaves here.
PERSONAS = (
    # name               share  visits orders basket days_since open  disc  app  nps  churn tenure age
    ("vip_loyalist", 0.08, 26.0, 30.0, 130.0, 6.0, 0.60, 0.05, 0.65, 9.0, 0.03, 70.0, 46.0),
    ("bargain_hunter", 0.25, 12.0, 14.0, 32.0, 18.0, 0.45, 0.55, 0.55, 6.5, 0.15, 30.0, 38.0),
    ("lapsed_at_risk", 0.20, 1.0, 2.0, 55.0, 210.0, 0.07, 0.20, 0.20, 4.0, 0.55, 42.0, 44.0),
    ("new_app_first", 0.17, 20.0, 4.0, 45.0, 9.0, 0.30, 0.25, 0.95, 8.0, 0.10, 3.0, 27.0),
    ("occasional_gift", 0.30, 3.0, 3.0, 150.0, 95.0, 0.20, 0.10, 0.25, 7.0, 0.20, 36.0, 52.0),
)
PERSONA_CHANNELS = (  # web, app, store, phone preference weights per persona
    (0.30, 0.35, 0.30, 0.05),
    (0.50, 0.35, 0.15, 0.00),
    (0.40, 0.10, 0.35, 0.15),
    (0.10, 0.85, 0.05, 0.00),
    (0.45, 0.10, 0.35, 0.10),
)
CHANNELS = ("web", "app", "store", "phone")
CATEGORIES = ("apparel", "beauty", "electronics", "home", "grocery", "toys", "gifts")
PERSONA_CATEGORIES = (  # spend weights over CATEGORIES per persona
    (0.25, 0.15, 0.25, 0.20, 0.05, 0.02, 0.08),
    (0.20, 0.15, 0.05, 0.10, 0.45, 0.03, 0.02),
    (0.20, 0.10, 0.20, 0.25, 0.15, 0.05, 0.05),
    (0.30, 0.25, 0.20, 0.05, 0.10, 0.05, 0.05),
    (0.05, 0.15, 0.10, 0.10, 0.00, 0.25, 0.35),
)
CITIES = (  # (canonical name, region, weight, messy variants a real export contains)
    ("New York", "Northeast", 0.20, ("new york", "New York ", "NYC")),
    ("Boston", "Northeast", 0.08, ("boston",)),
    ("Chicago", "Midwest", 0.14, ("chicago", "Chicago ")),
    ("Minneapolis", "Midwest", 0.05, ()),
    ("Houston", "South", 0.12, ("houston",)),
    ("Miami", "South", 0.08, ()),
    ("Atlanta", "South", 0.08, ("atlanta ",)),
    ("Los Angeles", "West", 0.13, ("LA", "los angeles")),
    ("Seattle", "West", 0.07, ()),
    ("Denver", "West", 0.05, ()),
)
MESSY_CITY_SHARE = 0.06  # share of rows whose city is written as a variant
MISSING_SHARES = {"age": 0.03, "email_open_rate": 0.02, "nps": 0.04, "csat": 0.03, "city": 0.02}
BIG_SPENDER_SHARE = 0.01  # whales: spend multiplied 5-20x

RETAIL_COLUMNS = (
    "customer_id", "age", "gender", "city", "region", "signup_date", "tenure_months", "channel_preference",
    "visits_last_90d", "orders_12m", "avg_basket", "total_spend_12m", "days_since_last_order", "email_open_rate",
    "app_user", "discount_share", "nps", "csat", "churned", "loyalty_tier",
)  # fmt: skip
B2B_COLUMNS = (
    "account_id", "company_name", "industry", "country", "region", "employees", "annual_revenue_musd", "arr_usd",
    "seats", "product_usage_hours_month", "active_users_share", "support_tickets_90d", "nps", "renewal_risk",
    "contract_months", "plan", "days_to_renewal",
)  # fmt: skip
TX_COLUMNS = ("transaction_id", "customer_id", "order_date", "amount", "channel", "product_category")

# B2B groups: (name, share, employees, arr_usd, seats, usage hours, active share, tickets, nps, plan weights S/G/E)
B2B_GROUPS = (
    ("smb_self_serve", 0.40, 25, 6_000, 8, 40, 0.70, 2, 7.5, (0.85, 0.15, 0.0)),
    ("mid_market_growth", 0.30, 300, 60_000, 60, 600, 0.75, 6, 8.0, (0.10, 0.80, 0.10)),
    ("enterprise", 0.12, 5_000, 400_000, 600, 5_000, 0.65, 25, 7.0, (0.0, 0.20, 0.80)),
    ("struggling", 0.18, 120, 25_000, 40, 30, 0.20, 18, 3.5, (0.40, 0.55, 0.05)),
)
PLANS = ("Starter", "Growth", "Enterprise")
INDUSTRIES = (
    ("Logistics", ("logistics", "LOGISTICS")),
    ("Software", ("software", "Software ", "SaaS/Software")),
    ("Manufacturing", ("manufacturing", "MANUFACTURING ")),
    ("Retail", ("retail",)),
    ("Healthcare", ("healthcare", "Health care")),
    ("Financial Services", ("financial services", "Finance")),
    ("Education", ("education",)),
)
COUNTRIES = (  # (country, region, legal suffix)
    ("Germany", "EMEA", "GmbH"),
    ("United Kingdom", "EMEA", "Ltd"),
    ("France", "EMEA", "SAS"),
    ("Netherlands", "EMEA", "B.V."),
    ("Sweden", "EMEA", "AB"),
    ("United States", "North America", "Inc."),
    ("Canada", "North America", "Inc."),
    ("Japan", "APAC", "K.K."),
    ("Australia", "APAC", "Pty Ltd"),
    ("Singapore", "APAC", "Pte Ltd"),
)
NAME_STARTS = ("Nor", "Ast", "Bel", "Cor", "Dal", "Ev", "Fal", "Gra", "Hel", "Lum", "Mar", "Ost", "Pal", "Quin",
               "Ros", "Sol", "Tal", "Ver", "Wes", "Zen")  # fmt: skip
NAME_ENDS = ("der", "ex", "ia", "on", "ara", "is", "ent", "ford", "ica", "ova", "wick", "ton")
NAME_TRADES = (
    "Logistics",
    "Systems",
    "Labs",
    "Group",
    "Works",
    "Partners",
    "Solutions",
    "Industries",
    "Digital",
)

RU_CITIES = ("Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Нижний Новгород")
ZH_CITIES = ("北京", "上海", "广州", "深圳", "成都", "杭州")
KO_CITIES = ("서울", "부산", "인천", "대구", "대전", "광주")
RU_CHANNELS = ("Магазин", "Сайт", "Приложение")
RU_CATEGORIES = ("Продукты", "Одежда", "Электроника", "Дом", "Красота")
N_RU_LOG_CUSTOMERS = 300  # customers in the Russian transaction log (a few thousand rows)


def _rngs(seed: int) -> dict[str, np.random.Generator]:
    """One independent stream per file, so changing one file's logic never changes another's bytes."""
    names = ("retail", "transactions", "b2b", "ru", "zh", "ko", "ru_log")  # new streams go last
    return {
        n: np.random.default_rng(s)
        for n, s in zip(names, np.random.SeedSequence(seed).spawn(len(names)), strict=True)
    }


def _fmt(value: float, digits: int) -> str:
    return "" if value != value else f"{value:.{digits}f}"


def _pick(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: weights is (n, k), rows summing to 1."""
    cum = np.cumsum(weights, axis=1)
    return (rng.random((len(weights), 1)) > cum).sum(axis=1).clip(0, weights.shape[1] - 1)


def _retail(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Retail customers as columns, and the hidden persona index of each."""
    n = N_CUSTOMERS
    p = np.array([row[1] for row in PERSONAS])
    persona = rng.choice(len(PERSONAS), size=n, p=p / p.sum())
    m = np.array([row[2:] for row in PERSONAS])[persona]
    visits_m, orders_m, basket_m, since_m, open_m, disc_m, app_m, nps_m, churn_m, tenure_m, age_m = m.T

    visits = rng.poisson(visits_m * rng.lognormal(0, 0.25, n))
    orders = np.maximum(rng.poisson(orders_m * rng.lognormal(0, 0.25, n)), 1)
    basket = basket_m * rng.lognormal(0, 0.3, n)
    spend = orders * basket * rng.lognormal(0, 0.15, n)
    whales = rng.random(n) < BIG_SPENDER_SHARE
    spend = np.where(whales, spend * rng.uniform(5, 20, n), spend)
    basket = spend / orders
    # gamma(2) rather than lognormal so active personas include customers who bought today (day 0)
    since = np.clip(np.round(since_m * rng.gamma(2.0, 0.5, n)), 0, 364)
    open_rate = np.clip(rng.normal(open_m, 0.07), 0, 1)
    discount = np.clip(rng.normal(disc_m, 0.06), 0, 1)
    app_user = rng.random(n) < app_m
    tenure = np.maximum(np.round(tenure_m * rng.lognormal(0, 0.35, n)), np.where(persona == 3, 0, 6))
    tenure = np.where(persona == 3, np.minimum(tenure, 8), tenure)
    age = np.clip(np.round(rng.normal(age_m, 9)), 18, 90)
    nps = np.clip(np.round(rng.normal(nps_m, 1.6)), 0, 10)
    csat = np.clip(np.round(1 + nps / 2.5 + rng.normal(0, 0.6, n)), 1, 5)
    churned = rng.random(n) < churn_m

    pref = _pick(rng, np.array(PERSONA_CHANNELS)[persona])
    w = np.array([c[2] for c in CITIES])
    city_idx = rng.choice(len(CITIES), size=n, p=w / w.sum())
    messy = rng.random(n) < MESSY_CITY_SHARE
    city = []
    for i, c in enumerate(city_idx):
        variants = CITIES[c][3]
        city.append(variants[rng.integers(len(variants))] if messy[i] and variants else CITIES[c][0])
    gender = rng.choice(np.array(["F", "M", "X"]), size=n, p=[0.52, 0.46, 0.02])
    signup = [
        AS_OF - timedelta(days=int(t * 30.44) + int(d))
        for t, d in zip(tenure, rng.integers(0, 28, n), strict=True)
    ]
    tiers = np.searchsorted(np.quantile(spend, [0.5, 0.8, 0.95]), spend, side="right")

    cols: dict[str, np.ndarray] = {
        "customer_id": np.array([f"C{i + 1:05d}" for i in range(n)]),
        "age": age.astype(float),
        "gender": gender,
        "city": np.array(city, dtype=object),
        "region": np.array([CITIES[c][1] for c in city_idx]),
        "signup_date": np.array([d.isoformat() for d in signup]),
        "tenure_months": tenure.astype(int),
        "channel_preference": np.array(CHANNELS)[pref],
        "visits_last_90d": visits,
        "orders_12m": orders,
        "avg_basket": np.round(basket, 2),
        "total_spend_12m": np.round(spend, 2),
        "days_since_last_order": since.astype(int),
        "email_open_rate": np.round(open_rate, 3),
        "app_user": np.where(app_user, "yes", "no"),
        "discount_share": np.round(discount, 3),
        "nps": nps,
        "csat": csat,
        "churned": churned.astype(int),
        "loyalty_tier": np.array(["Bronze", "Silver", "Gold", "Platinum"])[tiers],
    }
    for name, share in MISSING_SHARES.items():
        hole = rng.random(n) < share
        if cols[name].dtype == object:
            cols[name] = np.where(hole, None, cols[name])
        else:
            cols[name] = np.where(hole, np.nan, cols[name].astype(float))
    return cols, persona


def persona_labels(seed: int = SEED) -> np.ndarray:
    """The hidden persona index (0..len(PERSONAS)-1) of each row of retail_customers.csv for this seed."""
    return _retail(_rngs(seed)["retail"])[1]


def _retail_rows(cols: dict[str, np.ndarray]) -> list[list[str]]:
    digits = {"avg_basket": 2, "total_spend_12m": 2, "email_open_rate": 3, "discount_share": 3}
    out = []
    for i in range(N_CUSTOMERS):
        row = []
        for name in RETAIL_COLUMNS:
            v = cols[name][i]
            if v is None:
                row.append("")
            elif isinstance(v, float | np.floating):
                row.append(_fmt(float(v), digits.get(name, 0)))
            else:
                row.append(str(v))
        out.append(row)
    return out


def _transactions(
    rng: np.random.Generator, cols: dict[str, np.ndarray], persona: np.ndarray
) -> list[list[str]]:
    """A two-year log for a subset of the retail customers, consistent with their persona and recency."""
    n = N_CUSTOMERS
    chosen = np.flatnonzero(rng.random(n) < TX_CUSTOMER_SHARE)
    orders = cols["orders_12m"][chosen]
    count = np.maximum(rng.poisson(orders * TX_PER_ORDER_YEAR), 1)
    cust = np.repeat(chosen, count)
    total = len(cust)
    last = cols["days_since_last_order"][chosen]
    tenure_days = np.minimum(cols["tenure_months"][chosen] * 30 + 15, TX_DAYS - 1)
    first = np.maximum(tenure_days, last)  # days before AS_OF of the first transaction
    start = np.repeat(first, count)
    end = np.repeat(last, count)
    days_ago = np.round(end + rng.random(total) * (start - end)).astype(int)
    is_last = np.r_[True, cust[1:] != cust[:-1]]  # one transaction exactly on the last order day
    days_ago = np.where(is_last, end, days_ago)
    basket = np.repeat(cols["avg_basket"][chosen], count)
    amount = np.round(basket * rng.lognormal(-0.05, 0.35, total), 2)
    returns = rng.random(total) < RETURN_SHARE
    amount = np.where(returns, -np.round(amount * rng.uniform(0.2, 1.0, total), 2), amount)
    p = persona[cust]
    pref = np.array([CHANNELS.index(c) for c in cols["channel_preference"]])[cust]
    # most purchases go through the stated preference, the rest follow the persona's channel mix
    channel = _pick(rng, 0.6 * np.eye(len(CHANNELS))[pref] + 0.4 * np.array(PERSONA_CHANNELS)[p])
    category = _pick(rng, np.array(PERSONA_CATEGORIES)[p])
    no_id = rng.random(total) < MISSING_ID_SHARE

    order = np.lexsort((cust, -days_ago))  # by date, then customer
    rows = []
    for k, j in enumerate(order):
        day = AS_OF - timedelta(days=int(days_ago[j]))
        rows.append([
            f"T{k + 1:07d}",
            "" if no_id[j] else cols["customer_id"][cust[j]],
            day.isoformat(),
            f"{amount[j]:.2f}",
            CHANNELS[channel[j]],
            CATEGORIES[category[j]],
        ])  # fmt: skip
    return rows


def _b2b(rng: np.random.Generator) -> list[list[str]]:
    n = N_ACCOUNTS
    shares = np.array([g[1] for g in B2B_GROUPS])
    group = rng.choice(len(B2B_GROUPS), size=n, p=shares / shares.sum())
    key = np.zeros(n, dtype=bool)
    key[rng.choice(np.flatnonzero(group == 2), size=N_KEY_ACCOUNTS, replace=False)] = True
    g = np.array([g[2:9] for g in B2B_GROUPS], dtype=float)[group]
    emp_m, arr_m, seats_m, usage_m, active_m, tickets_m, nps_m = g.T
    employees = np.maximum(np.round(emp_m * rng.lognormal(0, 0.5, n)), 2)
    employees = np.where(key, np.round(rng.uniform(40_000, 250_000, n)), employees)
    revenue = employees * rng.lognormal(np.log(0.2), 0.4, n)  # ~0.2 M USD revenue per employee
    arr = arr_m * rng.lognormal(0, 0.45, n)
    arr = np.where(key, rng.uniform(3e6, 12e6, n), arr)
    seats = np.maximum(np.round(seats_m * rng.lognormal(0, 0.4, n)), 1)
    seats = np.where(key, np.round(rng.uniform(5_000, 30_000, n)), seats)
    usage = usage_m * rng.lognormal(0, 0.4, n) * np.where(key, 8, 1)
    active = np.clip(rng.normal(active_m, 0.1), 0.02, 1)
    tickets = rng.poisson(tickets_m * np.where(key, 3, 1))
    nps = np.clip(np.round(rng.normal(nps_m, 1.5)), 0, 10)
    risk_score = (1 - active) * 2 + tickets / 20 - nps / 10 + rng.normal(0, 0.3, n)
    risk = np.array(["low", "medium", "high"])[
        np.searchsorted(np.quantile(risk_score, [0.55, 0.85]), risk_score)
    ]
    plan_w = np.array([g[9] for g in B2B_GROUPS])[group]
    plan = np.where(key, 2, _pick(rng, plan_w))
    contract = rng.choice(np.array([12, 24, 36]), size=n, p=[0.6, 0.25, 0.15])
    contract = np.where(plan == 2, np.maximum(contract, 24), contract)
    to_renewal = rng.integers(1, 366, n)
    country = rng.choice(
        len(COUNTRIES), size=n, p=[0.14, 0.12, 0.08, 0.06, 0.05, 0.28, 0.07, 0.08, 0.07, 0.05]
    )
    industry = rng.choice(len(INDUSTRIES), size=n)
    messy = rng.random(n) < 0.15
    rows = []
    for i in range(n):
        variants = INDUSTRIES[industry[i]][1]
        ind = variants[rng.integers(len(variants))] if messy[i] else INDUSTRIES[industry[i]][0]
        name = (
            f"{NAME_STARTS[rng.integers(len(NAME_STARTS))]}{NAME_ENDS[rng.integers(len(NAME_ENDS))]} "
            f"{NAME_TRADES[rng.integers(len(NAME_TRADES))]} {COUNTRIES[country[i]][2]}"
        )
        rows.append([
            f"A{i + 1:04d}", name, ind, COUNTRIES[country[i]][0], COUNTRIES[country[i]][1], str(int(employees[i])),
            _fmt(revenue[i], 1), _fmt(arr[i], 0), str(int(seats[i])), _fmt(usage[i], 1), _fmt(active[i], 2),
            str(int(tickets[i])), str(int(nps[i])), risk[i], str(int(contract[i])), PLANS[plan[i]],
            str(int(to_renewal[i])),
        ])  # fmt: skip
    return rows


def _multilingual(
    rng: np.random.Generator, cities: tuple[str, ...], yes_no: tuple[str, str]
) -> list[list[str]]:
    """Small customer table from the same personas: id, age, city, yearly spend, visits, churned."""
    n = N_MULTILINGUAL
    p = np.array([row[1] for row in PERSONAS])
    persona = rng.choice(len(PERSONAS), size=n, p=p / p.sum())
    m = np.array([row[2:] for row in PERSONAS])[persona]
    spend = m[:, 1] * m[:, 2] * rng.lognormal(0, 0.35, n)
    visits = rng.poisson(m[:, 0])
    age = np.clip(np.round(rng.normal(m[:, 10], 9)), 18, 90).astype(int)
    churn = rng.random(n) < m[:, 8]
    city = rng.choice(len(cities), size=n)
    return [
        [
            f"{i + 1:04d}",
            str(age[i]),
            cities[city[i]],
            f"{spend[i]:.2f}",
            str(visits[i]),
            yes_no[int(churn[i])],
        ]
        for i in range(n)
    ]


def _russian_log(rng: np.random.Generator) -> list[list[str]]:
    """A year of purchases by the same personas, written as a Russian till export: DD.MM.YYYY, decimal commas."""
    n = N_RU_LOG_CUSTOMERS
    p = np.array([row[1] for row in PERSONAS])
    persona = rng.choice(len(PERSONAS), size=n, p=p / p.sum())
    m = np.array([row[2:] for row in PERSONAS])[persona]
    count = np.maximum(rng.poisson(m[:, 0]), 1)
    basket = m[:, 1] * m[:, 2] / np.maximum(m[:, 0], 1)
    cust = np.repeat(np.arange(n), count)
    days_ago = rng.integers(0, 365, len(cust))
    amount = np.round(np.repeat(basket, count) * rng.lognormal(0, 0.4, len(cust)), 2)
    channel = rng.choice(len(RU_CHANNELS), size=len(cust))
    category = rng.choice(len(RU_CATEGORIES), size=len(cust))
    order = np.lexsort((cust, -days_ago))
    return [
        [
            f"{k + 1:06d}",
            f"К{cust[j] + 1:04d}",
            (AS_OF - timedelta(days=int(days_ago[j]))).strftime("%d.%m.%Y"),
            f"{amount[j]:.2f}",
            RU_CHANNELS[channel[j]],
            RU_CATEGORIES[category[j]],
        ]
        for k, j in enumerate(order)
    ]


def _csv_bytes(
    header, rows, *, encoding: str = "utf-8", delimiter: str = ",", decimal_comma: bool = False
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [v.replace(".", ",") if decimal_comma and v.replace(".", "", 1).isdigit() else v for v in row]
        )
    return buf.getvalue().encode(encoding)


def generate(out_dir: str | Path, *, seed: int = SEED) -> dict[str, Path]:
    """Write every demo file into ``out_dir`` and return their paths by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rngs = _rngs(seed)
    cols, persona = _retail(rngs["retail"])
    files = {
        "retail_customers.csv": _csv_bytes(RETAIL_COLUMNS, _retail_rows(cols)),
        "transactions.csv": _csv_bytes(TX_COLUMNS, _transactions(rngs["transactions"], cols, persona)),
        "b2b_accounts.csv": _csv_bytes(B2B_COLUMNS, _b2b(rngs["b2b"])),
        "klienty_cp1251.csv": _csv_bytes(
            ("ID клиента", "Возраст", "Город", "Годовые расходы, руб", "Число визитов", "Отток"),
            _multilingual(rngs["ru"], RU_CITIES, ("нет", "да")),
            encoding="cp1251",
            delimiter=";",
            decimal_comma=True,
        ),
        "kehu_gbk.csv": _csv_bytes(
            ("客户编号", "年龄", "城市", "年消费额", "访问次数", "是否流失"),
            _multilingual(rngs["zh"], ZH_CITIES, ("否", "是")),
            encoding="gbk",
        ),
        "gogaek_euckr.csv": _csv_bytes(
            ("고객번호", "나이", "도시", "연간 구매액", "방문 횟수", "이탈 여부"),
            _multilingual(rngs["ko"], KO_CITIES, ("아니요", "예")),
            encoding="euc-kr",
        ),
        "tranzakcii_cp1251.csv": _csv_bytes(
            ("Номер чека", "ID клиента", "Дата", "Сумма, руб", "Канал", "Категория"),
            _russian_log(rngs["ru_log"]),
            encoding="cp1251",
            delimiter=";",
            decimal_comma=True,
        ),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = out / name
        paths[name].write_bytes(data)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for name, path in generate(target).items():
        print(f"{name}: {path.stat().st_size:,} bytes")
