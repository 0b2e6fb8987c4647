"""Generate the two stand-in files whose originals may not be redistributed (see SOURCES.md).

Usage: python tests/data/make_standins.py   (writes into this folder; the same bytes every time)

Kaggle's "Customer Personality Analysis" (marketing_campaign.csv) and the Analytics Vidhya customer-segmentation
files have no licence of their own, so the repository keeps generated files with the same layout and the same quirks
instead: the same header, a TAB-delimited ".csv", DD-MM-YYYY dates, two constant columns, odd categories (YOLO,
Absurd) and a campaign response; mixed categorical/numeric customers with gaps in five columns, LF line endings in
train and CRLF in test. The values are random: no row of the originals is in them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
MARKETING_ROWS = 800
AV_TRAIN_ROWS, AV_TEST_ROWS = 1_500, 500


def _with_gaps(rng: np.random.Generator, values: pd.Series, share: float) -> pd.Series:
    return values.mask(rng.random(len(values)) < share)


def marketing_campaign(rng: np.random.Generator, n: int = MARKETING_ROWS) -> pd.DataFrame:
    income = rng.lognormal(np.log(52_000), 0.4, n).round()
    wealth = income / income.mean()
    spend = {
        "MntWines": 300,
        "MntFruits": 26,
        "MntMeatProducts": 160,
        "MntFishProducts": 37,
        "MntSweetProducts": 27,
        "MntGoldProds": 44,
    }
    joined = pd.Timestamp("2012-07-30") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    df = pd.DataFrame(
        {
            "ID": rng.choice(11_200, size=n, replace=False),
            "Year_Birth": rng.integers(1940, 1997, n),
            "Education": rng.choice(["Graduation", "PhD", "Master", "2n Cycle", "Basic"], n, p=[0.5, 0.22, 0.16, 0.09, 0.03]),
            "Marital_Status": rng.choice(
                ["Married", "Together", "Single", "Divorced", "Widow", "Alone", "Absurd", "YOLO"],
                n,
                p=[0.385, 0.26, 0.215, 0.1, 0.034, 0.002, 0.002, 0.002],
            ),
            "Income": _with_gaps(rng, pd.Series(income.astype(int), dtype="Int64"), 0.01),
            "Kidhome": rng.choice([0, 1, 2], n, p=[0.58, 0.4, 0.02]),
            "Teenhome": rng.choice([0, 1, 2], n, p=[0.52, 0.46, 0.02]),
            "Dt_Customer": joined.strftime("%d-%m-%Y"),
            "Recency": rng.integers(0, 100, n),
        }
    )
    for column, mean in spend.items():
        df[column] = np.floor(rng.gamma(0.8, mean * wealth**2 / 0.8)).astype(int)
    for column, mean in {"NumDealsPurchases": 2.3, "NumWebPurchases": 4.1, "NumCatalogPurchases": 2.7}.items():
        df[column] = rng.poisson(mean * wealth)
    df["NumStorePurchases"] = rng.poisson(5.8 * np.sqrt(wealth)).clip(0, 13)
    df["NumWebVisitsMonth"] = rng.poisson(5.3 / np.sqrt(wealth)).clip(0, 20)
    for column in ("AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5", "AcceptedCmp1", "AcceptedCmp2"):
        df[column] = (rng.random(n) < 0.07 * wealth).astype(int)
    df["Complain"] = (rng.random(n) < 0.01).astype(int)
    df["Z_CostContact"], df["Z_Revenue"] = 3, 11
    df["Response"] = (rng.random(n) < 0.15 * wealth / (1 + df["Recency"] / 50)).astype(int)
    return df


def av_customers(rng: np.random.Generator, ids: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    age = rng.integers(18, 90, n)
    segment = rng.choice(list("ABCD"), n, p=[0.24, 0.23, 0.25, 0.28])
    score = np.where(age > 50, rng.choice(["Average", "High"], n), rng.choice(["Low", "Average"], n, p=[0.8, 0.2]))
    professions = ["Artist", "Healthcare", "Entertainment", "Engineer", "Doctor", "Lawyer", "Executive", "Marketing", "Homemaker"]
    df = pd.DataFrame(
        {
            "ID": ids,
            "Gender": rng.choice(["Male", "Female"], n, p=[0.55, 0.45]),
            "Ever_Married": pd.Series(np.where(age > 30, "Yes", rng.choice(["Yes", "No"], n, p=[0.2, 0.8]))),
            "Age": age,
            "Graduated": pd.Series(rng.choice(["Yes", "No"], n, p=[0.62, 0.38])),
            "Profession": pd.Series(rng.choice(professions, n, p=[0.31, 0.17, 0.12, 0.09, 0.08, 0.07, 0.07, 0.05, 0.04])),
            "Work_Experience": pd.Series(rng.poisson(2.6, n).clip(0, 14).astype(float)),
            "Spending_Score": score,
            "Family_Size": pd.Series(rng.poisson(1.9, n).clip(0, 8) + 1.0),
            "Var_1": pd.Series(rng.choice([f"Cat_{i}" for i in range(1, 8)], n, p=[0.02, 0.05, 0.1, 0.13, 0.01, 0.65, 0.04])),
            "Segmentation": segment,
        }
    )
    for column, share in {"Ever_Married": 0.017, "Graduated": 0.01, "Profession": 0.015, "Work_Experience": 0.1,
                          "Family_Size": 0.04, "Var_1": 0.01}.items():
        df[column] = _with_gaps(rng, df[column], share)
    return df


def main() -> None:
    rng = np.random.default_rng(2024)
    marketing_campaign(rng).to_csv(HERE / "marketing_campaign_standin.csv", sep="\t", index=False, lineterminator="\n")
    ids = 458_982 + rng.choice(9_000, size=AV_TRAIN_ROWS + AV_TEST_ROWS, replace=False)
    train, test = av_customers(rng, ids[:AV_TRAIN_ROWS]), av_customers(rng, ids[AV_TRAIN_ROWS:])
    train.to_csv(HERE / "customer_segmentation_av_standin_train.csv", index=False, lineterminator="\n")
    test.to_csv(HERE / "customer_segmentation_av_standin_test.csv", index=False, lineterminator="\r\n")


if __name__ == "__main__":
    main()
