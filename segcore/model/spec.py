"""What the user asked for: the columns to cluster on, the method, k, the seed and pinned segments.

Kept apart from the fitted result so the app can build, compare and cache specs cheaply, and so a saved model
records exactly the choices that produced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from segcore.errors import SpecError
from segcore.model.pinned import PinRule

Method = Literal["kmeans", "gmm", "agglomerative", "hdbscan"]
METHODS: tuple[str, ...] = ("kmeans", "gmm", "agglomerative", "hdbscan")
# The k sweep the issue asks for by default: 2..12 segments covers what marketers can act on.
DEFAULT_K_VALUES: tuple[int, ...] = tuple(range(2, 13))


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

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise SpecError(f"Unknown clustering method '{self.method}'. Choose one of: {', '.join(METHODS)}.")
        if not self.features:
            raise SpecError("No columns were chosen to segment on. Pick at least one feature column.")
        if self.k is not None and self.k < 2:
            raise SpecError(f"k={self.k} is too small: a segmentation needs at least 2 segments.")
        if len(set(self.features)) != len(self.features):
            raise SpecError("A feature column is listed twice. List each column once.")

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
        )
