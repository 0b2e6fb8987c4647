"""Which chosen columns the clustering sees, and how: numeric or one-hot, sensitive ones left out, pins resolved.

``prepare_spec`` is the one place a FeatureSpec becomes the prepared matrix; ``segment()`` and the studio both call
it (and may pass its result on), so feature splitting and pins run once per spec.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from segcore.columns.schema import Schema
from segcore.errors import NotEnoughData, SpecError
from segcore.i18n import _, _l, ngettext
from segcore.model.factorspace import FactorProjection, fit_projection
from segcore.model.pinned import PinRule, apply_pins
from segcore.model.prep import Prepared, prepare
from segcore.model.spec import FeatureSpec

NUMERIC_ROLES = ("numeric", "boolean")
CATEGORICAL_ROLES = ("categorical",)


# Fewer customers than this left after pinning cannot be segmented.
MIN_CLUSTERED = 3


@dataclass(frozen=True)
class PreparedSpec:
    """A FeatureSpec applied to a table once: which columns are clustered and how, pins resolved, the matrix.

    ``pinned`` is the pin index of every row (-1: clustered); ``prepared.X`` holds only the clustered rows.
    ``notes`` say which chosen columns were left out, how many customers each pin took, and what preparation did.
    With ``projection`` (a spec with ``factors=True``) ``prepared.X`` holds the factor scores of the prepared
    columns and ``prepared.feature_names`` the factors' names.
    """

    prepared: Prepared
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    pins: tuple[PinRule, ...]
    pinned: np.ndarray
    notes: tuple[str, ...] = field(default_factory=tuple)
    projection: FactorProjection | None = None

    @property
    def X(self) -> np.ndarray:
        return self.prepared.X

    @property
    def rest(self) -> np.ndarray:
        """True for the rows that are clustered (not pinned)."""
        return self.pinned < 0

    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """Rows of ``df`` (pinned ones too) in the same prepared space, with the same fitted preprocessor."""
        X = np.asarray(self.prepared.preprocessor.transform(df), dtype=np.float32)
        return self.projection.transform(X) if self.projection is not None else X


def prepare_spec(df: pd.DataFrame, *, spec: FeatureSpec, schema: Schema) -> PreparedSpec:
    """Split the chosen columns, resolve and apply the pins, and prepare the matrix of the customers left.

    The one place this happens: ``segment()`` takes the result (and the studio caches it), since it depends on the
    columns, weights and pins, not on k, method or seed. NotEnoughData when pins leave fewer than 3 customers.
    """
    numeric, categorical, notes = split_features(df, schema, spec=spec)
    pins = resolve_pins(df, spec.pins)
    pinned = apply_pins(df, pins) if pins else np.full(len(df), -1, dtype=np.int64)
    rest = pinned < 0
    n_rest = int(rest.sum())
    if n_rest < MIN_CLUSTERED and not pins:
        raise NotEnoughData(
            _l(
                "The data has only {n} customers; at least {min_clustered} are needed to find segments, and "
                "a useful segmentation needs hundreds. Upload the file with all your customers.",
                n=n_rest, min_clustered=MIN_CLUSTERED,
            )
        )
    if n_rest < MIN_CLUSTERED:
        raise NotEnoughData(
            _l(
                "Only {n_rest} customers are left after taking out pinned segments; at least "
                "{min_clustered} are needed to find segments. Loosen the pinned-segment rules or add data.",
                n_rest=n_rest, min_clustered=MIN_CLUSTERED,
            )
        )
    for i, pin in enumerate(pins):
        notes.append(_("Pinned segment '{name}' ({rule}): {n} customers.", name=pin.name, rule=pin.describe(),
                       n=int((pinned == i).sum())))
    prepared = prepare(df.loc[rest], numeric=numeric, categorical=categorical, weights=spec.weight_map)
    projection = None
    if spec.factors:
        prepared, projection = project_on_factors(prepared, seed=spec.seed)
        notes.append(factors_note(projection))
    return PreparedSpec(
        prepared=prepared,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
        pins=pins,
        pinned=np.asarray(pinned, dtype=np.int64),
        notes=(*notes, *prepared.notes),
        projection=projection,
    )


def project_on_factors(prepared: Prepared, *, seed: int = 0) -> tuple[Prepared, FactorProjection]:
    """``prepared`` with its matrix replaced by the factor scores of its columns, and the projection used."""
    projection = fit_projection(prepared, seed=seed)
    scores = projection.transform(prepared.X)
    return dataclasses.replace(prepared, X=scores, feature_names=list(projection.names)), projection


def factors_note(projection: FactorProjection) -> str:
    return ngettext("Segmented on {n} factor score instead of the columns: {names}.",
                    "Segmented on {n} factor scores instead of the columns: {names}.",
                    len(projection.names), names="; ".join(projection.names))


def split_features(
    df: pd.DataFrame, schema: Schema, *, spec: FeatureSpec
) -> tuple[list[str], list[str], list[str]]:
    """Numeric and categorical feature lists from the schema roles, with notes on what was left out and why.

    Yes/no columns stored as numbers or booleans are used as 0/1; stored as words ("yes", "是", "да") they are
    one-hot encoded, which clusters the same way and scores new files with the same words.
    """
    numeric: list[str] = []
    categorical: list[str] = []
    notes: list[str] = []
    names = set(schema.names())
    unknown = [c for c in spec.features if c not in names]
    if unknown:
        raise SpecError(
            _l(
                "These feature columns are not in the data: {unknown}. Check the spelling; the data has: "
                "{names}.",
                unknown=', '.join(unknown), names=', '.join(list(names)[:20]),
            )
        )
    for name in spec.features:
        col = schema[name]
        if col.sensitive and not spec.include_sensitive:
            notes.append(
                _("'{name}' is a sensitive attribute and was left out of clustering (it still appears on the "
                  "profile cards). Opt in explicitly to cluster on it.", name=name)
            )
        elif col.role == "boolean" and not _is_number_like(df[name]):
            categorical.append(name)
        elif col.role in NUMERIC_ROLES:
            numeric.append(name)
        elif col.role in CATEGORICAL_ROLES:
            categorical.append(name)
        else:
            notes.append(_("'{name}' is a {role} column and cannot be clustered on; left out.", name=name,
                           role=_(col.role.replace("_", " "))))
    if not numeric and not categorical:
        raise SpecError(
            _l(
                "None of the chosen columns can be used to segment on (they are IDs, dates, free text, "
                "constant, mostly missing or sensitive). Choose numeric or category columns such as spend, "
                "visits or region.",
            )
        )
    return numeric, categorical, notes


def resolve_pins(df: pd.DataFrame, pins: tuple[PinRule, ...]) -> tuple[PinRule, ...]:
    """Turn "top N" / "bottom N" rules into fixed thresholds so new customers are judged by the same bar."""
    resolved = []
    for pin in pins:
        if pin.op in ("top", "bottom"):
            mask = pin.mask(df)
            if not mask.any():
                raise SpecError(_l(
                    "The pinned segment '{name}' ({rule}) matches no customers.",
                    name=pin.name, rule=pin.describe(),
                ))
            values = pd.to_numeric(df.loc[mask, pin.column], errors="coerce")
            if pin.op == "top":
                resolved.append(PinRule(pin.name, pin.column, ">=", float(values.min())))
            else:
                resolved.append(PinRule(pin.name, pin.column, "<=", float(values.max())))
        else:
            resolved.append(pin)
    return tuple(resolved)


def _is_number_like(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
