"""Every session-state key the studio uses, behind typed accessors; pages never invent keys.

State holds inputs and results (the loaded data set, the user's choices, the fitted segmentation), never widget
objects. Widget keys are listed here too, so a page and a test refer to the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from segcore.io import LoadReport
from segcore.pinned import PinRule
from segcore.roles import Schema

# Widget keys shared with tests.
UPLOADER = "uploader"
SAMPLE_PICK = "sample_pick"
ROLE_EDITOR = "role_editor"
PRESET = "preset"
FEATURES = "features_pick"
PROFILE_COLUMNS = "profile_pick"
METHOD = "method"
K_CHOICE = "k_choice"
SEED = "seed"
MAP_CHART = "segment_map"
SEGMENT_FILTER = "segment_filter"
MAP_COLOR = "map_color"

_DATASET = "dataset"
_SPEC = "spec_choices"
_NAMES = "segment_names"
_PINS = "pins"


@dataclass(frozen=True)
class Dataset:
    """The customers being segmented, one row each (a transaction log is converted before it gets here)."""

    name: str
    df: pd.DataFrame
    report: LoadReport
    fingerprint: str
    schema: Schema
    transactions: pd.DataFrame | None = None  # the raw log, when the customers were built from one
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choices:
    """What the user picked on the Features and Segments pages."""

    features: tuple[str, ...] = ()
    profile_columns: tuple[str, ...] = ()
    method: str = "kmeans"
    k: int | None = None
    seed: int = 0
    include_sensitive: bool = False
    preset: str = "everything"


def init() -> None:
    st.session_state.setdefault(_DATASET, None)
    st.session_state.setdefault(_SPEC, None)
    st.session_state.setdefault(_NAMES, {})
    st.session_state.setdefault(_PINS, ())


def dataset() -> Dataset | None:
    return st.session_state.get(_DATASET)


def set_dataset(value: Dataset) -> None:
    """A new data set resets every later step: old choices do not fit new columns."""
    st.session_state[_DATASET] = value
    st.session_state[_SPEC] = None
    st.session_state[_NAMES] = {}
    st.session_state[_PINS] = ()
    for key in (FEATURES, PROFILE_COLUMNS, PRESET, K_CHOICE, METHOD, SEGMENT_FILTER):
        st.session_state.pop(key, None)


def set_schema(schema: Schema) -> None:
    current = dataset()
    if current is not None and current.schema != schema:
        st.session_state[_DATASET] = replace(current, schema=schema)
        st.session_state[_SPEC] = None


def choices() -> Choices | None:
    return st.session_state.get(_SPEC)


def set_choices(value: Choices) -> None:
    st.session_state[_SPEC] = value


def pins() -> tuple[PinRule, ...]:
    return tuple(st.session_state.get(_PINS, ()))


def set_pins(value: tuple[PinRule, ...]) -> None:
    st.session_state[_PINS] = tuple(value)


def segment_names() -> dict[int, str]:
    return dict(st.session_state.get(_NAMES, {}))


def set_segment_name(segment: int, name: str) -> None:
    names = segment_names()
    names[segment] = name
    st.session_state[_NAMES] = names


def progress() -> dict[str, bool]:
    """Which of the four steps are done, for the sidebar."""
    data = dataset()
    spec = choices()
    return {
        "Data": data is not None,
        "Features": spec is not None and bool(spec.features),
        "Segments": spec is not None and bool(spec.features) and st.session_state.get("segments_seen", False),
        "Profiles": st.session_state.get("profiles_seen", False),
    }


def mark_seen(step: str) -> None:
    st.session_state[f"{step}_seen"] = True
