"""The transaction-log aggregation as one portable SQL query, for a monthly job that re-scores every customer in the
warehouse: ``segcore sql MODEL --from-log`` puts it under the scoring query.

It rebuilds the customer table ``to_customers`` makes (recency, frequency, monetary, tenure, average order, units,
channel/category shares and top level, RFM quintile scores and segment) from the log's own columns, using the
*recipe* saved with the model when it was fitted on a log: which log column is the customer, date, amount, order,
quantity, channel and category, and which raw channel/category values make each share column. Values the fit never
saw count as "other" (or in no share column when the fit had no "other"), so the columns the model reads keep
their meaning month after month.

Portable on purpose: aggregates use CASE instead of FILTER, dates are CAST to DATE (the warehouse column should be
a DATE or TIMESTAMP), day counts use DATEDIFF as each dialect spells it (sqlglot), and ids are trimmed text. RFM
scores are quintiles of ranks exactly as pandas' ``qcut`` of ``rank(method="first")``: customer i of n gets score
1 + #{j in 1..4 : (rank_i - 1) * 5 > j * (n - 1)}, ties broken by customer id (numerically when every id is a
whole number, as the pandas path sorts them).
"""

from __future__ import annotations

from sqlglot import exp

from segcore.columns import lognotes
from segcore.columns.rfm_scores import N_SCORES, RFM_GRID
from segcore.errors import ModelError
from segcore.i18n import _l
from segcore.sql.features import DOUBLE, TEXT, column

RECIPE_VERSION = 1


def log_recipe(columns, levels: dict[str, list[tuple[str, list]]], *, cancellations: bool) -> dict:
    """What the warehouse query needs to rebuild the customers of a log (plain JSON, saved with the model)."""
    return {
        "version": RECIPE_VERSION,
        "columns": columns.to_dict(),
        "levels": {kind: [[key, list(raws)] for key, raws in top] for kind, top in levels.items()},
        "cancellations": bool(cancellations),
    }


def recipe_from_frames(log, customers) -> dict:
    """The recipe of a log turned into customers by the pandas path (``to_customers``): the share columns of the
    customer table, read back to the raw channel/category values that make them."""
    import pandas as pd

    from segcore.columns.rfm import level_key

    columns = customers.columns
    names = [c for c in customers.df.columns if c.startswith("share_")]
    levels, at = {}, 0
    for kind, col in (("channel", columns.channel), ("category", columns.category)):
        if col is None:
            continue
        raws = pd.Series([*log[col].dropna().unique().tolist(), None], dtype=object)
        keys = level_key(raws).tolist()
        known = {*keys, "other"}
        top = []
        while at < len(names):
            key = names[at].removeprefix(f"share_{kind}_") if names[at].startswith(f"share_{kind}_") else names[at][6:]
            if key not in known or key in [k for k, _ in top]:
                break
            top.append((key, [r for r, k in zip(raws, keys, strict=True) if k == key]))
            at += 1
        levels[kind] = top
    cancelled = any(lognotes.is_cancelled_note(n) for n in customers.notes)
    return log_recipe(columns, levels, cancellations=cancelled)


def log_query(recipe: dict, *, table: str = "transactions", as_of: str | None = None) -> exp.Select:
    """One SELECT over the log ``table`` returning one row per customer with the columns the model was fitted on."""
    if not recipe or int(recipe.get("version", 0)) != RECIPE_VERSION:
        raise ModelError(
            _l(
                "This model was not fitted on a transaction log by this segcore version, so it does not "
                "know how to turn a log into customers. Use 'segcore sql' without --from-log on a customer "
                "table, or refit on the log.",
            )
        )
    cols = recipe["columns"]
    source = exp.to_table(table) if "." in table else exp.to_table(exp.to_identifier(table, quoted=True))

    amount = exp.cast(column(cols["amount"]), DOUBLE)
    if cols.get("price"):
        amount = exp.Mul(this=exp.cast(column(cols["quantity"]), DOUBLE), expression=exp.cast(column(cols["price"]), DOUBLE))
    text_id = exp.Trim(this=exp.cast(column(cols["customer"]), TEXT))
    typed = [
        exp.Nullif(this=text_id, expression=exp.Literal.string("")).as_("customer"),
        exp.cast(column(cols["date"]), "DATE").as_("day"),
        amount.as_("amount"),
        (exp.cast(column(cols["order"]), TEXT) if cols.get("order") else exp.cast(exp.Null(), TEXT)).as_("order_id"),
        (exp.cast(column(cols["quantity"]), DOUBLE) if cols.get("quantity") else exp.cast(exp.Null(), DOUBLE)).as_(
            "quantity"
        ),
    ]
    for kind in recipe["levels"]:
        typed.append(exp.cast(column(cols[kind]), TEXT).as_(kind))
    log = exp.select(*typed).from_(source)
    kept = exp.select("*").from_(log.subquery("log")).where(
        "customer IS NOT NULL AND day IS NOT NULL AND amount IS NOT NULL"
    )
    if as_of:
        kept = kept.where(exp.LT(this=exp.column("day"), expression=exp.cast(exp.Literal.string(as_of), "DATE")))
    if recipe.get("cancellations") and cols.get("order"):
        cancel = exp.and_(
            exp.RegexpLike(this=exp.Trim(this=exp.column("order_id")), expression=exp.Literal.string("^[Cc][0-9]")),
            exp.GT(this=exp.column("amount"), expression=_i(0)),
        )
        netted = exp.Case().when(cancel, exp.Neg(this=exp.column("amount"))).else_(exp.column("amount"))
        kept = exp.select(
            "customer", "day", netted.as_("amount"), "order_id", "quantity", *recipe["levels"]
        ).from_(kept.subquery("kept_rows"))

    per = _per_customer(kept, recipe, as_of)
    return _finish(per, recipe)


def _i(value: int) -> exp.Literal:
    return exp.Literal.number(int(value))


def _when(condition: exp.Expression, value: exp.Expression) -> exp.Expression:
    return exp.Case().when(condition, value)


def _per_customer(kept: exp.Select, recipe: dict, as_of: str | None) -> exp.Select:
    buy = exp.GT(this=exp.column("amount"), expression=_i(0))
    day = exp.column("day")
    if recipe["columns"].get("order"):
        key = exp.Coalesce(
            this=exp.DPipe(this=exp.Literal.string("o"), expression=exp.column("order_id")),
            expressions=[exp.DPipe(this=exp.Literal.string("d"), expression=exp.cast(day.copy(), TEXT))],
        )
    else:
        key = day.copy()
    spend = exp.Greatest(this=exp.column("amount"), expressions=[_i(0)])
    parts = [
        exp.column("customer"),
        exp.Sum(this=exp.column("amount")).as_("monetary"),
        exp.Coalesce(this=exp.Max(this=_when(buy, day.copy())), expressions=[exp.Max(this=day.copy())]).as_("last_day"),
        exp.Coalesce(this=exp.Min(this=_when(buy, day.copy())), expressions=[exp.Min(this=day.copy())]).as_(
            "first_day"
        ),
        exp.Count(this=exp.Distinct(expressions=[_when(buy.copy(), key)])).as_("frequency"),
        exp.Sum(this=exp.Coalesce(this=exp.column("quantity"), expressions=[_i(0)])).as_("units"),
    ]
    for kind, top in recipe["levels"].items():
        tests = {key: _raw_test(kind, raws) for key, raws in top}
        for j, (key, _) in enumerate(top):
            test = tests[key]
            if key == "other":  # values outside the fitted top levels, and a level really called "other"
                others = [t for k, t in tests.items() if k != "other"]
                inside = exp.or_(*others) if others else exp.false()
                test = exp.or_(exp.Not(this=exp.Coalesce(this=exp.paren(inside), expressions=[exp.false()])), test)
            parts.append(exp.Sum(this=exp.Case().when(test, spend.copy()).else_(_i(0))).as_(f"{kind}_{j}"))
    as_of_value = (
        exp.cast(exp.Literal.string(as_of), "DATE")
        if as_of
        else exp.DateAdd(this=exp.Max(this=exp.column("day")), expression=exp.Literal.number(1), unit=exp.var("DAY"))
    )
    per = exp.select(*parts).from_(kept.subquery("kept")).group_by("customer")
    snapshot = exp.select(as_of_value.as_("as_of")).from_(kept.copy().subquery("all_kept"))
    return exp.select("per.*", "snapshot.as_of").from_(per.subquery("per")).join(snapshot.subquery("snapshot"), join_type="CROSS")


def _raw_test(kind: str, raws: list) -> exp.Expression:
    values = [r for r in raws if r is not None]
    tests: list[exp.Expression] = []
    if values:
        tests.append(exp.In(this=exp.column(kind), expressions=[exp.Literal.string(str(v)) for v in values]))
    if len(values) < len(raws):
        tests.append(exp.Is(this=exp.column(kind), expression=exp.Null()))
    return exp.paren(exp.or_(*tests)) if tests else exp.false()


def _round(value: exp.Expression, digits: int) -> exp.Expression:
    """ROUND through DECIMAL: PostgreSQL has no ROUND(double precision, integer)."""
    exact = exp.cast(value, exp.DataType.build("DECIMAL(38, 9)"))
    return exp.cast(exp.Round(this=exact, decimals=_i(digits)), DOUBLE)


def _days(later: exp.Expression, earlier: exp.Expression) -> exp.Expression:
    return exp.DateDiff(this=later, expression=earlier, unit=exp.var("DAY"))


def _finish(per: exp.Select, recipe: dict) -> exp.Select:
    cols = recipe["columns"]
    frequency = exp.column("frequency")
    monetary = exp.column("monetary")
    fields: list[exp.Expression] = [
        exp.column("customer").as_(exp.to_identifier(cols["customer"], quoted=True)),
        _days(exp.column("as_of"), exp.column("last_day")).as_("recency_days"),
        frequency.copy().as_("frequency"),
        _round(monetary.copy(), 2).as_("monetary"),
        _days(exp.column("as_of"), exp.column("first_day")).as_("tenure_days"),
        _round(exp.Div(this=monetary.copy(), expression=exp.Greatest(this=frequency.copy(), expressions=[_i(1)])), 2).as_(
            "avg_order_value"
        ),
    ]
    if cols.get("quantity") and not cols.get("price"):
        fields.append(exp.column("units").as_("units"))
    existing = {"recency_days", "frequency", "monetary", "tenure_days", "avg_order_value", "units"}
    tops = []
    for kind, top in recipe["levels"].items():
        sums = [exp.column(f"{kind}_{j}") for j in range(len(top))]
        total = sums[0].copy()
        for s in sums[1:]:
            total = exp.Add(this=total, expression=s.copy())
        positive = exp.GT(this=exp.paren(total), expression=_i(0))
        for j, (key, _) in enumerate(top):
            name = f"share_{key}" if f"share_{key}" not in existing else f"share_{kind}_{key}"
            existing.add(name)
            share = _round(exp.Div(this=sums[j].copy(), expression=exp.paren(total.copy())), 4)
            fields.append(exp.Case().when(positive.copy(), share).else_(_i(0)).as_(name))
        best = exp.Case()
        for j, (key, _) in enumerate(top[:-1]):
            later = [exp.GTE(this=sums[j].copy(), expression=s.copy()) for s in sums[j + 1 :]]
            best = best.when(exp.and_(*later), exp.Literal.string(key))
        best = best.else_(exp.Literal.string(top[-1][0])) if len(top) > 1 else exp.Literal.string(top[0][0])
        tops.append(exp.Case().when(positive.copy(), best).as_(f"top_{kind}"))
    fields.extend(tops)
    table = exp.select(*fields).from_(per.subquery("customers_raw"))
    return _scores(table, cols["customer"], [f.alias_or_name for f in fields])


def _scores(table: exp.Select, id_name: str, names: list[str]) -> exp.Select:
    """RFM quintile scores and segment on top of the customer table (see the module docstring)."""
    ident = exp.column(exp.to_identifier(id_name, quoted=True))
    numeric_id = exp.RegexpLike(this=ident.copy(), expression=exp.Literal.string("^-?[0-9]{1,18}$"))
    all_numeric = exp.Window(
        this=exp.Min(this=exp.Case().when(numeric_id, _i(1)).else_(_i(0))), partition_by=[]
    )
    natural = exp.Case().when(exp.EQ(this=exp.column("all_numeric_ids"), expression=_i(1)),
                              exp.cast(ident.copy(), "BIGINT"))  # fmt: skip
    n = exp.Window(this=exp.Count(this=exp.Star()))

    def score(name: str, descending: bool) -> exp.Expression:
        order = exp.Order(
            expressions=[
                exp.Ordered(this=exp.column(name), desc=descending, nulls_first=not descending),
                exp.Ordered(this=natural.copy(), nulls_first=False),
                exp.Ordered(this=ident.copy(), nulls_first=False),
            ]
        )
        rank = exp.Window(this=exp.RowNumber(), order=order)
        total: exp.Expression = _i(1)
        for j in range(1, N_SCORES):
            above = exp.GT(
                this=exp.Mul(this=exp.paren(exp.Sub(this=rank.copy(), expression=_i(1))), expression=_i(N_SCORES)),
                expression=exp.Mul(this=_i(j), expression=exp.paren(exp.Sub(this=n.copy(), expression=_i(1)))),
            )
            total = exp.Add(this=total, expression=exp.Case().when(above, _i(1)).else_(_i(0)))
        return total

    with_flag = exp.select("*", all_numeric.as_("all_numeric_ids")).from_(table.subquery("customers_table"))
    scored = exp.select(
        "*",
        score("recency_days", True).as_("r_score"),
        score("frequency", False).as_("f_score"),
        score("monetary", False).as_("m_score"),
    ).from_(with_flag.subquery("flagged"))
    r, f, m = exp.column("r_score"), exp.column("f_score"), exp.column("m_score")
    fm = exp.IntDiv(this=exp.paren(exp.Add(this=exp.Add(this=f.copy(), expression=m.copy()), expression=_i(1))),
                    expression=_i(2))  # fmt: skip
    segment = exp.Case()
    for ri, row in enumerate(RFM_GRID, start=1):
        for fi, name in enumerate(row, start=1):
            cond = exp.and_(exp.EQ(this=r.copy(), expression=_i(ri)), exp.EQ(this=fm.copy(), expression=_i(fi)))
            segment = segment.when(cond, exp.Literal.string(name))
    rfm_score = exp.cast(
        exp.Add(this=exp.Add(this=exp.Mul(this=r.copy(), expression=_i(100)),
                             expression=exp.Mul(this=f.copy(), expression=_i(10))), expression=m.copy()),
        TEXT,
    )  # fmt: skip
    return exp.select(
        *(exp.column(exp.to_identifier(name, quoted=True)) for name in names),
        r.copy(),
        f.copy(),
        m.copy(),
        rfm_score.as_("rfm_score"),
        segment.as_("rfm_segment"),
    ).from_(scored.subquery("scored"))
