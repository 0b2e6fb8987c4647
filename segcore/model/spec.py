"""What the user asked for: the columns to cluster on, the method, k, the seed and pinned segments.

Kept apart from the fitted result so the app can build, compare and cache specs cheaply, and so a saved model
records exactly the choices that produced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

from segcore.errors import SpecError
from segcore.i18n import _l
from segcore.model.pinned import PinRule

# The one list of clustering methods (the CLI, the studio, the sweep and fit_clusters all read it from here).
Method = Literal["kmeans", "gmm", "agglomerative", "hdbscan"]
METHODS: tuple[str, ...] = get_args(Method)
# The one k range: fewer than 2 segments is no segmentation, more than 12 is too many for a marketer to act on.
MIN_K = 2
MAX_K = 12
DEFAULT_K_VALUES: tuple[int, ...] = tuple(range(MIN_K, MAX_K + 1))


def check_method(method: str) -> None:
    """SpecError naming the valid methods when ``method`` is not one of METHODS."""
    if method not in METHODS:
        raise SpecError(_l(
            "Unknown clustering method {method!r}. Choose one of: {methods}.",
            method=method, methods=', '.join(METHODS),
        ))


def check_k_values(k_values) -> tuple[int, ...]:
    """The segment counts to compare, sorted and unique; SpecError when one is below MIN_K or there are none."""
    ks = tuple(sorted({int(k) for k in k_values}))
    if not ks or ks[0] < MIN_K:
        raise SpecError(
            _l(
                "Segment counts to compare must be {min_k} or more; got {ks}. For example {low} to {high}.",
                min_k=MIN_K, ks=str(list(ks)), low=min(DEFAULT_K_VALUES), high=max(DEFAULT_K_VALUES),
            )
        )
    return ks


def k_range_text(k_values=DEFAULT_K_VALUES) -> str:
    """'2 to 12': the range in words, for help texts and progress messages."""
    return f"{min(k_values)} to {max(k_values)}"


@dataclass(frozen=True)
class FeatureSpec:
    """The segmentation choices. ``k=None`` means: pick k from the sweep."""

    features: tuple[str, ...]
    profile_columns: tuple[str, ...] = ()
    weights: tuple[tuple[str, float], ...] = ()
    method: Method = "kmeans"
    k: int | None = None
    seed: int = 0
    pins: tuple[PinRule, ...] = ()
    include_sensitive: bool = False
    k_values: tuple[int, ...] = field(default=DEFAULT_K_VALUES)
    # segment on the factor scores of the chosen columns (segcore.model.factorspace) instead of the columns
    factors: bool = False

    def __post_init__(self) -> None:
        check_method(self.method)
        check_k_values(self.k_values)
        if not self.features:
            raise SpecError(_l("No columns were chosen to segment on. Pick at least one feature column."))
        if self.k is not None and self.k < MIN_K:
            raise SpecError(_l(
                "k={k} is too small: a segmentation needs at least {min_k} segments.",
                k=self.k, min_k=MIN_K,
            ))
        if len(set(self.features)) != len(self.features):
            raise SpecError(_l("A feature column is listed twice. List each column once."))

    @property
    def weight_map(self) -> dict[str, float]:
        return dict(self.weights)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["pins"] = [pin.to_dict() for pin in self.pins]
        data["weights"] = [list(pair) for pair in self.weights]
        data["features"] = list(self.features)
        data["profile_columns"] = list(self.profile_columns)
        data["k_values"] = list(self.k_values)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FeatureSpec:
        return cls(
            features=tuple(data["features"]),
            profile_columns=tuple(data.get("profile_columns", ())),
            weights=tuple((str(name), float(w)) for name, w in data.get("weights", ())),
            method=data.get("method", "kmeans"),
            k=data.get("k"),
            seed=int(data.get("seed", 0)),
            pins=tuple(PinRule.from_dict(p) for p in data.get("pins", ())),
            include_sensitive=bool(data.get("include_sensitive", False)),
            k_values=tuple(data.get("k_values", DEFAULT_K_VALUES)),
            factors=bool(data.get("factors", False)),
        )
