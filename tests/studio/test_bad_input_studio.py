"""The bad-input corpus through the studio's load and prepare path (the segcore calls the Data and Features pages
make), plus a few real uploads in AppTest showing ``st.error`` or the notes.

Each file either stops with a SegcoreError holding the same phrases the CLI shows, or loads with every skipped or
changed row in a note and gives a finite matrix to cluster.
"""

from __future__ import annotations

import numpy as np
import pytest
from apptest_support import fresh
from bad_input_corpus import CASES, N_ROWS, base, csv_bytes, header_only_parquet

from segcore.columns.checks import feature_warnings, no_features_reason, too_few_customers
from segcore.columns.rfm import to_customers
from segcore.columns.roles import infer_roles
from segcore.columns.transactions import detect_transactions
from segcore.errors import SegcoreError
from segcore.io.load import load_table
from segcore.model.features import prepare_spec
from segcore.model.spec import FeatureSpec

STUDIO_CASES = [c for c in CASES if c.studio and c.argv is None]


def _studio_path(data: bytes, name: str) -> tuple[list[str], np.ndarray | None]:
    """What the pages do with an upload: load, roles, log to customers, default features, prepared matrix."""
    table = load_table(data, name=name)
    df = table.df
    notes = list(table.report.notes())
    tx = detect_transactions(df)
    if tx is not None:
        customers = to_customers(df, columns=tx)
        df = customers.df
        notes += [f"turned into {len(df):,} customers", *customers.notes]
        small = too_few_customers(len(df), customer_column=tx.customer)
        if small:
            raise SegcoreError(small)
    schema = infer_roles(df)
    features = schema.names(use="feature")
    notes += feature_warnings(df, schema, features=features)
    if too_few_customers(len(df)) or not features:
        raise SegcoreError(no_features_reason(df, schema))
    spec = FeatureSpec(features=tuple(features[:20]))
    prepared = prepare_spec(df, spec=spec, schema=schema)
    return notes, prepared.X


def test_most_of_the_corpus_runs_through_the_studio_path():
    assert len(STUDIO_CASES) >= 75


# The quick subset runs every fourth case of the corpus (about 8 s of CPU for all of them); CI runs every case.
# 4,000 columns take about 25 s of CPU through the whole prepare step: always left to CI.
QUICK_CASES = {c.name for c in STUDIO_CASES[::4]} - {"4000_columns_named_a"}


@pytest.mark.parametrize(
    "case",
    [c if c.name in QUICK_CASES else pytest.param(c, marks=pytest.mark.slow) for c in STUDIO_CASES],
    ids=[c.name for c in STUDIO_CASES],
)
def test_studio_load_and_prepare(case):
    files = case.make()
    name, data = next(iter(files.items()))
    expected = case.inspect if case.inspect is not None else case.fit
    try:
        notes, matrix = _studio_path(data, name)
    except SegcoreError as error:
        assert expected is not None, f"{case.name} should load: {error}"
        message = str(error).lower()
        assert "traceback" not in message
        for phrase in expected:
            assert phrase.lower() in message, f"'{phrase}' missing from: {error}"
        return
    assert expected is None, f"{case.name} should have been refused with {expected}"
    shown = "\n".join(map(str, notes)).lower()
    for phrase in case.notes:
        assert phrase.lower() in shown, f"note '{phrase}' missing: {shown[:2000]}"
    assert np.isfinite(matrix).all()


@pytest.mark.slow
def test_uploads_show_a_clear_error_or_the_notes():
    at = fresh()
    with_nul = csv_bytes(base()).replace(b"C0003", b"C\x00\x00\x000003")
    at.file_uploader(key="uploader").set_value(("nul.csv", with_nul, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and "3 NUL bytes" in at.error[0].value and "line 5" in at.error[0].value

    at.file_uploader(key="uploader").set_value(("empty.parquet", header_only_parquet(), "application/octet-stream")).run()
    assert not at.exception
    assert any("no data rows" in e.value for e in at.error)

    money = base()
    money["amount"] = ["$1,234.50", "$12", "$980.00"] * (N_ROWS // 3)
    at.file_uploader(key="uploader").set_value(("money.csv", csv_bytes(money), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # the page escapes Markdown characters
    assert "'$1,234.50', were read as numbers" in shown
