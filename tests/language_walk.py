"""Shared by the per-language AppTest walk: every text an AppTest page shows, and the English words left in it."""

from __future__ import annotations

import os
import re

from apptest_support import APP, TIMEOUT, AppTest

PAGES = ("pages/data.py", "pages/features.py", "pages/segments.py", "pages/profiles.py", "pages/share.py")
# Words that stay as they are in every language: method and format names, acronyms, units and product names.
ALLOWED = {
    "umap", "pca", "k-means", "kmeans", "hdbscan", "gmm", "ward", "rfm", "crm", "kpi", "kpis", "nps", "csat", "arr",
    "csv", "tsv", "txt", "json", "jsonl", "xlsx", "excel", "parquet", "png", "pdf", "html", "sql", "utf", "gbk",
    "euc-kr", "euc", "cp1251", "cp949", "b2b", "b2c", "id", "ids", "segcore", "python", "assign", "windows", "auto", "seed", "gini",
    "segcore_database_url", "where", "and", "or", "in", "not", "null", "is",  # SQL keywords in the CRM filter
    "auc", "logistic", "sigmoid", "isotonic", "platt",  # propensity model and calibration names
    "bic",  # the likelihood criterion named in the k reason (Bayesian information criterion)
    "duckdb", "postgresql", "bigquery", "snowflake", "spark",  # engines and warehouses
    "customers",  # the scoring SQL's default table name (segcore.sql), shown as written
    "utc",  # saved runs' times are given in UTC, the standard abbreviation in every language
}
WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{2,}")


def texts(at: AppTest) -> list[str]:
    """Every text a person reads on the page: headings, markdown, captions, alerts, metrics, widget labels/help."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "exception"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("button", "selectbox", "multiselect", "text_input", "number_input", "toggle", "checkbox",
                 "text_area", "radio", "slider"):
        for widget in getattr(at, kind):
            out.append(str(widget.label))
            if getattr(widget, "help", None):
                out.append(str(widget.help))
    out += [str(e.label) for e in at.expander] if hasattr(at, "expander") else []
    return out


def english_words(shown: list[str], *, allowed: set[str]) -> set[str]:
    words = set()
    for text in shown:
        text = re.sub(r"`[^`]*`|:material/[a-z_]+:|:[a-z]+-badge\[|https?://\S+|\S*/\S+", " ", text)  # code, paths
        words |= {w.strip("-") for w in WORD.findall(text) if w.strip("-").lower() not in allowed}
    return words


def data_words(at: AppTest) -> set[str]:
    """The user's own words (column names, file name, category values): shown as written, never translated."""
    data = at.session_state["dataset"]
    names = f"{data.name} {data.report.source}".replace("_", " ")
    words = {str(c).lower() for c in data.df.columns} | {w.lower() for w in WORD.findall(names)}
    for column in data.df.columns:
        if data.df[column].dtype == object or str(data.df[column].dtype).startswith("str"):
            words |= {w.lower() for v in data.df[column].dropna().astype(str).unique()[:50] for w in WORD.findall(v)}
    return words | saved_run_words()


def saved_run_words() -> set[str]:
    """Short texts kept in the studio's store (run titles, notes, series, owners, grants saved by earlier tests in
    the same session): the users' own words, listed on the Share page as written."""
    import sqlite3

    words: set[str] = set()
    with sqlite3.connect(f"{os.environ['SEGCORE_DATA_DIR']}/segcore.sqlite3") as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in db.execute(f'SELECT * FROM "{table}"'):
                words |= {w.lower() for value in row if isinstance(value, str) and len(value) < 200
                          for w in WORD.findall(value)}
    return words


def walk(language: str) -> tuple[AppTest, dict[str, list[str]]]:
    """A fresh session with ?lang=, opened on its native demo file, through every page; texts per page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = language
    at.run()
    shown = {"pages/data.py": texts(at)}
    for page in PAGES[1:]:
        at.switch_page(page).run()
        shown[page] = texts(at)
    return at, shown
