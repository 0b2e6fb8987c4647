"""Fitted scikit-learn objects as plain JSON plus numpy arrays, rebuilt only from an explicit allow-list.

Why not pickle: loading a pickle runs whatever code the file names. Why not skops: it is safe, but importing it
enumerates every scikit-learn estimator (~0.4 s, a fifth of a whole 200k-row CLI fit), and our models only ever
hold the handful of classes below. Loading here creates objects of allow-listed classes with ``__new__`` and hands
them their saved attributes through scikit-learn's own ``__setstate__``; any other class or type name in a file
is refused before anything is built.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from segcore.errors import ModelError
from segcore.i18n import _l

STATE_VERSION = 1


def _allowed_classes() -> dict[str, type]:
    """Every class a segcore model may contain (the preprocessing steps and the mixture model)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.mixture import GaussianMixture
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from segcore.model import transformers

    own = [transformers.ToFloat, transformers.MedianImputer, transformers.SkewLog, transformers.RareGrouper]
    classes = [ColumnTransformer, Pipeline, StandardScaler, OneHotEncoder, GaussianMixture, *own]
    return {_name(c): c for c in classes}


# Plain types that appear as values (OneHotEncoder(dtype=np.float64)); they are data, not code to run.
ALLOWED_TYPES: dict[str, type] = {
    "numpy.float64": np.float64,
    "numpy.float32": np.float32,
    "numpy.int64": np.int64,
    "builtins.float": float,
    "builtins.int": int,
    "builtins.str": str,
    "builtins.object": object,
}


def dumps(obj: Any) -> tuple[str, dict[str, np.ndarray]]:
    """``obj`` as a JSON text and the arrays it refers to (save them with ``np.savez``)."""
    arrays: dict[str, np.ndarray] = {}
    classes = _allowed_classes()
    state = {"version": STATE_VERSION, "root": _encode(obj, arrays, classes)}
    return json.dumps(state, ensure_ascii=False), arrays


def loads(text: str, arrays: dict[str, np.ndarray], *, what: object = None) -> Any:
    """Rebuild the object; ModelError for a class, type or structure this module did not write."""
    what = what or _l("The model file")
    try:
        state = json.loads(text)
    except ValueError:
        raise ModelError(_l(
            "{what} is damaged (its fitted-state part is not readable). Refit the model.",
            what=what,
        )) from None
    if state.get("version") != STATE_VERSION:
        raise ModelError(_l(
            "{what} stores fitted objects in an unknown layout. Refit with this segcore version.",
            what=what,
        ))
    return _decode(state["root"], arrays, _allowed_classes(), what)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _encode(value: Any, arrays: dict, classes: dict[str, type]) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, list):
        return [_encode(v, arrays, classes) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays, classes) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": [[_encode(k, arrays, classes), _encode(v, arrays, classes)] for k, v in value.items()]}
    if isinstance(value, slice):
        return {"__slice__": [value.start, value.stop, value.step]}
    if isinstance(value, np.generic):
        return {"__scalar__": value.dtype.str, "value": _encode(value.item(), arrays, classes)}
    if isinstance(value, np.ndarray):
        return _encode_array(value, arrays)
    if isinstance(value, type):
        name = _name(value)
        if name not in ALLOWED_TYPES:
            raise TypeError(f"type {name} is not on the allow-list")
        return {"__type__": name}
    name = _name(type(value))
    if name not in classes:
        raise TypeError(f"class {name} is not on the allow-list")
    return {"__object__": name, "state": _encode(value.__getstate__(), arrays, classes)}


def _encode_array(value: np.ndarray, arrays: dict) -> dict:
    key = f"a{len(arrays)}"
    if value.dtype == object:
        if not all(isinstance(v, str) for v in value.ravel()):
            raise TypeError("object arrays may only hold text")
        arrays[key] = value.astype(str)
        return {"__array__": key, "object": True}
    arrays[key] = value
    return {"__array__": key}


def _decode(value: Any, arrays: dict, classes: dict[str, type], what: str) -> Any:
    if isinstance(value, list):
        return [_decode(v, arrays, classes, what) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(v, arrays, classes, what) for v in value["__tuple__"])
    if "__dict__" in value:
        return {_decode(k, arrays, classes, what): _decode(v, arrays, classes, what) for k, v in value["__dict__"]}
    if "__float__" in value:
        return float(value["__float__"])
    if "__slice__" in value:
        return slice(*value["__slice__"])
    if "__scalar__" in value:
        return np.dtype(value["__scalar__"]).type(value["value"])
    if "__array__" in value:
        array = arrays[value["__array__"]]
        return array.astype(object) if value.get("object") else array
    if "__type__" in value:
        if value["__type__"] not in ALLOWED_TYPES:
            raise ModelError(_l(
                "{what} names a type segcore does not trust ({kind}); it was not loaded.",
                what=what, kind=value['__type__'],
            ))
        return ALLOWED_TYPES[value["__type__"]]
    if "__object__" in value:
        cls = classes.get(value["__object__"])
        if cls is None:
            raise ModelError(
                _l(
                    "{what} contains object types segcore does not trust ({kind}), so it was not loaded. "
                    "Only load models written by segcore; refit if in doubt.",
                    what=what, kind=value['__object__'],
                )
            )
        obj = cls.__new__(cls)
        obj.__setstate__(_decode(value["state"], arrays, classes, what))
        return obj
    raise ModelError(_l(
        "{what} has a fitted-state entry segcore does not recognise. Refit the model.",
        what=what,
    ))
