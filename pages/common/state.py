"""Every session-state key the studio uses, behind typed accessors; pages never invent keys.

State holds inputs and results (the loaded data set, the user's choices, the fitted segmentation), never widget
objects. Widget keys are listed here too, so a page and a test refer to the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from segcore.columns.schema import Schema
from segcore.io.load import LoadReport
from segcore.model.pinned import PinRule
from segcore.model.spec import FeatureSpec
from segcore.store.access import Viewer

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
DISK_PATH = "disk_path"
WAREHOUSE_DIALECT = "warehouse_dialect"
LANGUAGE = "lang"  # also the URL parameter: ?lang=zh|ko|ru|en
SAVE_FORM = "save_run"
CLOSE_RUN = "close_run"
COMPARE_A = "cmp_a"
COMPARE_B = "cmp_b"
# Keys made per preset, segment, pin, run or share link: built only by the functions below.
_FEATURES_OF = FEATURES + "_{preset}"
_SEGMENT_NAME = "name_{segment}"
_UNPIN = "unpin_{index}"
_RUN_WIDGET = "{action}_{run_id}"
_REVOKE = "rev_{share_id}"
RUN_ACTIONS = ("del", "open", "title", "ren", "exp", "share")
OUTCOME = "outcome_pick"  # the yes/no column the Profiles page predicts ("" = none)
CONTACT_SEGMENT = "contact_segment"
FACTOR_VIEW = "factor_view"
ON_FACTORS = "on_factors"  # segment on the factor scores of the chosen columns
PREVIOUS_RUN = "previous_run"  # a saved run whose segment numbers a new wave keeps ("" = none)
# Share page: score the loaded customers with a saved model (a saved run or an uploaded model file)
SCORE_SOURCE = "score_source"
SCORE_RUN = "score_run"
SCORE_FILE = "score_file"
SCORE_FORM = "score_save"
SCORE_ROWS = "score_rows"

_DATASET = "dataset"
_LANGUAGE_KEPT = "_language"
_SPEC = "spec_choices"
_NAMES = "segment_names"
_PINS = "pins"
_UPLOAD_ID = "_upload_id"
_MAP_POLLING = "_map_polling"
_OPEN_RUN = "_open_run"
_VIEWER = "_viewer"
_SHARE_LINK = "_link_{run_id}"
_SEEN = "{step}_seen"
_SERIES = "_series"
_PREVIOUS_KEPT = "_previous_run"


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
    factors: bool = False


def init() -> None:
    st.session_state.setdefault(_DATASET, None)
    st.session_state.setdefault(_SPEC, None)
    st.session_state.setdefault(_NAMES, {})
    st.session_state.setdefault(_PINS, ())


def dataset() -> Dataset | None:
    return st.session_state.get(_DATASET)


def language_wanted() -> str | None:
    """The language picked in the sidebar this session, if any (the URL and the browser decide otherwise).

    The pick is also kept under a plain key: a widget's value is dropped in any run that does not draw it.
    """
    picked = st.session_state.get(LANGUAGE)
    if picked is not None:
        if st.session_state.get(_LANGUAGE_KEPT) != picked:
            st.session_state[_LANGUAGE_KEPT] = picked
        return picked
    return st.session_state.get(_LANGUAGE_KEPT)


def set_dataset(value: Dataset) -> None:
    """A new data set resets every later step: old choices do not fit new columns."""
    st.session_state[_DATASET] = value
    st.session_state[_SPEC] = None
    st.session_state[_NAMES] = {}
    st.session_state[_PINS] = ()
    for key in (PROFILE_COLUMNS, PRESET, K_CHOICE, METHOD, SEGMENT_FILTER, PREVIOUS_RUN, _PREVIOUS_KEPT):
        st.session_state.pop(key, None)
    per_dataset = (_FEATURES_OF.format(preset=""), _SEGMENT_NAME.format(segment=""), _UNPIN.format(index=""))
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(per_dataset)]:
        st.session_state.pop(key, None)  # the column pickers of every preset and the segment-name boxes


def features_key(preset: str) -> str:
    """The column picker's widget key: one per preset, so switching presets shows that preset's columns."""
    return _FEATURES_OF.format(preset=preset)


def segment_name_key(segment: int) -> str:
    """The rename box of a segment card."""
    return _SEGMENT_NAME.format(segment=segment)


def typed_segment_name(segment: int) -> str:
    """What the user typed in a segment's rename box."""
    return str(st.session_state.get(segment_name_key(segment), ""))


def unpin_key(index: int) -> str:
    return _UNPIN.format(index=index)


def run_widget_key(action: str, run_id: str) -> str:
    """Keys of the per-run controls on the Share page (delete, open, rename, link expiry, create link)."""
    if action not in RUN_ACTIONS:
        raise ValueError(f"unknown run action {action!r}; known: {', '.join(RUN_ACTIONS)}")
    return _RUN_WIDGET.format(action=action, run_id=run_id)


def revoke_key(share_id: str) -> str:
    return _REVOKE.format(share_id=share_id)


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


def feature_spec() -> FeatureSpec:
    """The engine's spec from the user's choices and pinned segments (SpecError when no column is chosen)."""
    spec = choices() or Choices()
    return FeatureSpec(
        features=spec.features,
        profile_columns=spec.profile_columns,
        method=spec.method,
        k=spec.k,
        seed=spec.seed,
        pins=pins(),
        include_sensitive=spec.include_sensitive,
        factors=spec.factors,
    )


def segments_done() -> bool:
    """Columns are chosen and the Segments page has run with them: later pages can fit and show segments."""
    spec = choices()
    return spec is not None and bool(spec.features) and seen("segments")


def progress() -> dict[str, bool]:
    """Which of the four steps are done, for the sidebar."""
    spec = choices()
    return {
        "Data": dataset() is not None,
        "Features": spec is not None and bool(spec.features),
        "Segments": segments_done(),
        "Profiles": seen("profiles"),
    }


def mark_seen(step: str) -> None:
    st.session_state[_SEEN.format(step=step)] = True


def seen(step: str) -> bool:
    return bool(st.session_state.get(_SEEN.format(step=step), False))


def upload_id() -> str | None:
    """The uploader's file id of the file loaded last, so a rerun does not load it again."""
    return st.session_state.get(_UPLOAD_ID)


def set_upload_id(value: str) -> None:
    st.session_state[_UPLOAD_ID] = value


def map_polling() -> bool:
    """The map fragment is polling a running UMAP job (a full rerun is due when it finishes)."""
    return bool(st.session_state.get(_MAP_POLLING, False))


def set_map_polling(value: bool) -> None:
    st.session_state[_MAP_POLLING] = value


def open_run() -> str | None:
    return st.session_state.get(_OPEN_RUN)


def set_open_run(run_id: str | None) -> None:
    if run_id is None:
        st.session_state.pop(_OPEN_RUN, None)
    else:
        st.session_state[_OPEN_RUN] = run_id


def share_link(run_id: str) -> str | None:
    """The share link made for a run in this session (its token is shown once, never stored in clear)."""
    return st.session_state.get(_SHARE_LINK.format(run_id=run_id))


def set_share_link(run_id: str, url: str) -> None:
    st.session_state[_SHARE_LINK.format(run_id=run_id)] = url


def viewer() -> Viewer | None:
    """Who signed in to this session (None until the sign-in gate let them in)."""
    return st.session_state.get(_VIEWER)


def set_viewer(value: Viewer) -> None:
    st.session_state[_VIEWER] = value


def outcome(default: str | None = None) -> str | None:
    """The outcome column chosen on the Profiles page; ``default`` (the proposed one) until the user picks."""
    value = st.session_state.get(OUTCOME, default or "")
    return value or None


def series() -> str:
    """The series of waves the last run saved in this session belongs to ("" before any)."""
    return st.session_state.get(_SERIES, "")


def set_series(value: str) -> None:
    st.session_state[_SERIES] = str(value or "")


def reset_compare() -> None:
    """Forget the Compare pickers' pair (after a save, the newest run and the wave before it are shown)."""
    for key in (COMPARE_A, COMPARE_B):
        st.session_state.pop(key, None)


def previous_run() -> str | None:
    """The saved run whose segment numbers this fit keeps (None: numbered afresh).

    The Segments page's picker sets it; it is also kept under a plain key, because Streamlit drops a widget's value
    in any run that does not draw it, and the Profiles and Share pages must fit the same segmentation.
    """
    if PREVIOUS_RUN in st.session_state:
        picked = st.session_state[PREVIOUS_RUN] or ""
        if st.session_state.get(_PREVIOUS_KEPT) != picked:
            st.session_state[_PREVIOUS_KEPT] = picked
        return picked or None
    return st.session_state.get(_PREVIOUS_KEPT) or None


def forget_previous_run() -> None:
    """The kept run is gone (deleted) or not offered any more: number the segments afresh."""
    for key in (PREVIOUS_RUN, _PREVIOUS_KEPT):
        st.session_state.pop(key, None)
