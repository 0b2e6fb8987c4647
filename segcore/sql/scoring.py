"""Score a warehouse table into a saved model's segments with one SQL query (no data leaves the warehouse).

``scoring_query`` builds ONE sqlglot expression tree from a Segmentation; ``render`` prints it for a dialect. The
query reads the model's input columns (same names as when it was fitted) and returns the id column (when the model
has one), ``segment`` and ``segment_name``, in three nested steps:

1. prepared: the pinned-segment rule that matches (earlier rules win), each input column cleaned once, category
   levels grouped once, then every prepared column (``segcore.sql.features``: three SELECTs, so no expression is
   repeated per one-hot column); a segmentation on factor scores adds a step turning them into its factor scores
   (``segcore.model.factorspace``: centred columns times fixed weights);
2. distances: the squared Euclidean distance to every segment centre;
3. segment: the pinned segment when one matched, else the nearest centre. Ties at exactly equal distance go to the
   centre listed first in the model, as numpy's ``argmin`` does in ``Segmentation.assign``: centre i wins when it is
   no farther than every later centre (``d_i <= d_j`` for all j > i), checked in order.

HDBSCAN models leave customers farther than the model's noise threshold unassigned (-1), as ``assign`` does.
Gaussian mixtures assign by probability, not by nearest centre, and are refused with a clear message.
"""

from __future__ import annotations

from sqlglot import exp

from segcore.errors import ModelError
from segcore.i18n import _l
from segcore.labels import UNASSIGNED, unassigned_name
from segcore.sql.dialects import DIALECTS
from segcore.sql.features import DOUBLE, PREFIX, TEXT, column, number, preparation


def scoring_query(seg, *, table: str | exp.Expression = "customers") -> exp.Select:
    """The SELECT that scores every row of ``table`` (a table name, or any sqlglot query such as a log aggregation)."""
    if seg.method == "gmm":
        raise ModelError(
            _l(
                "This model is a Gaussian mixture, which places customers by probability rather than by the "
                "nearest segment centre, so it cannot be written as SQL. Refit with k-means to score in the "
                "warehouse.",
            )
        )
    steps = preparation(seg.preprocessor)
    features = steps.prepared
    centers = seg.centers
    projection = seg.projection
    n_space = projection.n_inputs if projection is not None else centers.shape[1]
    if len(features) != n_space or (projection is not None and len(projection.names) != centers.shape[1]):
        raise ModelError(
            _l(
                "The saved model prepares {n_features} columns but its centres have {centres}; the file is "
                "inconsistent. Refit the segmentation.",
                n_features=len(features), centres=centers.shape[1],
            )
        )
    id_col = seg.schema.id_column
    keep = [column(id_col).as_(exp.to_identifier(id_col, quoted=True))] if id_col else []
    carried = [column(id_col)] if id_col else []

    pin = _pin_expression(seg.pins)
    cleaned = exp.select(
        exp.Star(), pin.as_(f"{PREFIX}pin"), *(c.expression.as_(c.name) for c in steps.cleaned)
    ).from_(_source(table))
    if steps.grouped:
        cleaned = exp.select(exp.Star(), *(g.expression.as_(g.name) for g in steps.grouped)).from_(
            cleaned.subquery("cleaned")
        )
    prepared = exp.select(
        *keep,
        exp.column(f"{PREFIX}pin"),
        # DOUBLE, so (f - c) * (f - c) is float arithmetic (an integer 0/1 minus a literal is a DECIMAL that overflows)
        *(exp.cast(f.expression, DOUBLE).as_(f"{PREFIX}f{j}") for j, f in enumerate(features)),
    ).from_(cleaned.subquery("grouped" if steps.grouped else "cleaned"))

    space, axis = prepared.subquery("prepared"), "f"
    if projection is not None:
        space, axis = exp.select(
            *[c.copy() for c in carried],
            exp.column(f"{PREFIX}pin"),
            *(_factor_score(projection, j).as_(f"{PREFIX}g{j}") for j in range(len(projection.names))),
        ).from_(space).subquery("factors"), "g"
    distance_names = [f"{PREFIX}d{i}" for i in range(len(centers))]
    distances = exp.select(
        *[c.copy() for c in carried],
        exp.column(f"{PREFIX}pin"),
        *(_squared_distance(center, axis=axis).as_(name) for center, name in zip(centers, distance_names, strict=True)),
    ).from_(space)

    nearest = exp.Case()
    for i, name in enumerate(distance_names[:-1]):
        later = [exp.LTE(this=exp.column(name), expression=exp.column(o)) for o in distance_names[i + 1 :]]
        nearest = nearest.when(exp.and_(*later), _int(seg.center_ids[i]))
    nearest = nearest.else_(_int(seg.center_ids[-1])) if len(distance_names) > 1 else _int(seg.center_ids[0])
    if seg.method == "hdbscan":
        least = exp.Least(this=exp.column(distance_names[0]), expressions=[exp.column(n) for n in distance_names[1:]])
        too_far = exp.GT(this=least, expression=number(float(seg.far_threshold) ** 2))
        nearest = exp.Case().when(too_far, _int(UNASSIGNED)).else_(nearest)
    pinned = exp.Not(this=exp.Is(this=exp.column(f"{PREFIX}pin"), expression=exp.Null()))
    segment = exp.Case().when(pinned, exp.column(f"{PREFIX}pin")).else_(nearest)
    assigned = exp.select(*[c.copy() for c in carried], segment.as_("segment")).from_(
        distances.subquery("distances")
    )

    names = exp.Case(this=exp.column("segment"))
    for segment_id, name in sorted(seg.segment_names.items()):
        names = names.when(_int(segment_id), exp.Literal.string(str(name)))
    names = names.else_(exp.Literal.string(unassigned_name()))
    return exp.select(*[c.copy() for c in carried], exp.column("segment"), names.as_("segment_name")).from_(
        assigned.subquery("assigned")
    )


def render(query: exp.Expression, *, dialect: str, pretty: bool = True) -> str:
    """The query as text for one warehouse."""
    if dialect not in DIALECTS:
        raise ModelError(_l(
            "Unknown SQL dialect {dialect!r}. Choose one of: {dialects}.",
            dialect=dialect, dialects=', '.join(DIALECTS),
        ))
    return query.sql(dialect=dialect, pretty=pretty)


def scoring_sql(seg, *, dialect: str, table: str = "customers", pretty: bool = True) -> str:
    """``scoring_query`` rendered for ``dialect``: what ``python -m segcore sql`` prints."""
    return render(scoring_query(seg, table=table), dialect=dialect, pretty=pretty)


def _source(table: str | exp.Expression) -> exp.Expression:
    if isinstance(table, exp.Query):
        return table.subquery("customers")
    if isinstance(table, exp.Expression):
        return table
    return exp.to_table(table) if "." in table else exp.to_table(exp.to_identifier(table, quoted=True))


def _factor_score(projection, j: int) -> exp.Expression:
    """Factor ``j`` of a segmentation on factor scores: sum over prepared columns of (column - centre) * weight."""
    total: exp.Expression | None = None
    for i, weight in enumerate(projection.matrix[:, j]):
        if weight == 0.0:  # reference levels and constant columns take no part
            continue
        centred = _minus(exp.column(f"{PREFIX}f{i}"), projection.center[i])
        term = exp.Mul(this=exp.paren(centred), expression=exp.paren(number(weight)) if weight < 0 else number(weight))
        total = term if total is None else exp.Add(this=total, expression=term)
    return total if total is not None else number(0)


def _minus(feature: exp.Expression, value: float) -> exp.Expression:
    return exp.Sub(this=feature, expression=number(value)) if value >= 0 else exp.Add(this=feature, expression=number(-value))


def _squared_distance(center, *, axis: str = "f") -> exp.Expression:
    total: exp.Expression | None = None
    for j, c in enumerate(center):
        feature = exp.column(f"{PREFIX}{axis}{j}")
        diff = _minus(feature, c)
        term = exp.Mul(this=exp.paren(diff), expression=exp.paren(diff.copy()))  # x * x: no POWER call per term
        total = term if total is None else exp.Add(this=total, expression=term)
    return total


def _pin_expression(pins) -> exp.Expression:
    """The index of the first pinned-segment rule a row matches (earlier rules win), else NULL."""
    if not pins:
        return exp.cast(exp.Null(), "INT")
    case = exp.Case()
    for i, pin in enumerate(pins):
        case = case.when(_pin_condition(pin), _int(i))
    return case.else_(exp.cast(exp.Null(), "INT"))


def _pin_condition(pin) -> exp.Expression:
    """SQL for one resolved rule (top/bottom N were turned into fixed thresholds at fit). NULL never matches."""
    col = column(pin.column)
    if pin.op in (">", ">=", "<", "<="):
        op = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}[pin.op]
        return op(this=exp.cast(col, DOUBLE), expression=number(pin.value))
    if pin.op == "contains":
        text = exp.Lower(this=exp.cast(col, TEXT))
        found = exp.StrPosition(this=text, substr=exp.Literal.string(str(pin.value).lower()))
        return exp.GT(this=found, expression=number(0))
    values = list(pin.value) if pin.op == "in" else [pin.value]
    if all(_is_number(v) for v in values):
        target, literals = exp.cast(col, DOUBLE), [number(v) for v in values]
    else:
        target, literals = exp.cast(col, TEXT), [exp.Literal.string(str(v)) for v in values]
    hit = exp.In(this=target, expressions=literals) if len(literals) > 1 else exp.EQ(this=target, expression=literals[0])
    if pin.op == "!=":
        return exp.and_(exp.Not(this=exp.Is(this=col.copy(), expression=exp.Null())), exp.Not(this=exp.paren(hit)))
    return hit


def _int(value) -> exp.Expression:
    value = int(value)
    return exp.Neg(this=exp.Literal.number(-value)) if value < 0 else exp.Literal.number(value)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
