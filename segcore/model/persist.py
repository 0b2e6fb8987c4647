"""Save and load a Segmentation as a versioned file that loads without executing code.

A ``.segcore`` file is a zip archive holding
- ``manifest.json``: format name and version, the spec, schema, profiles, rules, sweep and quality (plain JSON),
- ``arrays.npz``: segment centres and their ids (numpy, read with ``allow_pickle=False``),
- ``preprocessor.json`` + ``preprocessor.npz`` (and ``estimator.*`` for Gaussian mixtures): the fitted
  scikit-learn objects as plain data, rebuilt only from an explicit allow-list of classes (``segcore.model.statefile``;
  no pickle, nothing in the file is run).
Customer ids and per-row labels are not stored: the file carries the model and aggregates only.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from segcore.columns.schema import Schema
from segcore.errors import ModelError
from segcore.insight.explain import RuleSet, SegmentRules
from segcore.insight.profile import Profile
from segcore.jsonsafe import plain
from segcore.model import statefile
from segcore.model.pinned import PinRule
from segcore.model.quality import Quality
from segcore.model.segmentation import Segmentation
from segcore.model.spec import FeatureSpec
from segcore.model.sweep import SweepResult

FORMAT_NAME = "segcore-model"
# 2: fitted objects as allow-listed JSON + arrays (1 used skops); 3: transformers under segcore.model.transformers.
FORMAT_VERSION = 3
# Versions this segcore still reads (2 differs only in where the transformer classes live, see statefile).
READABLE_VERSIONS = (2, 3)


def dumps(seg: Segmentation) -> bytes:
    """The model file's bytes (for downloads and the run store)."""
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": seg.created_at,
        "spec": seg.spec.to_dict(),
        "schema": seg.schema.to_dict(),
        "numeric": list(seg.numeric),
        "categorical": list(seg.categorical),
        "pins": [p.to_dict() for p in seg.pins],
        "profiles": [p.to_dict() for p in seg.profiles],
        "rules": _rules_to_dict(seg.rules),
        "sweep": _sweep_to_dict(seg.sweep),
        "quality": plain(vars(seg.quality)) if seg.quality is not None else None,
        "far_threshold": float(seg.far_threshold),
        "method": seg.method,
        "k": int(seg.k),
        "n_rows": int(seg.n_rows),
        "notes": list(seg.notes),
        "fingerprint": seg.fingerprint,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        arrays = io.BytesIO()
        np.savez(arrays, centers=np.asarray(seg.centers, dtype=np.float64), center_ids=seg.center_ids)
        zf.writestr("arrays.npz", arrays.getvalue())
        _write_state(zf, "preprocessor", seg.preprocessor)
        if seg.estimator is not None:
            _write_state(zf, "estimator", seg.estimator)
    return buffer.getvalue()


def save_segmentation(seg: Segmentation, path: str | Path) -> None:
    Path(path).write_bytes(dumps(seg))


def load_segmentation(source: str | Path | bytes) -> Segmentation:
    """Read a model file; raises ModelError for anything that is not a segcore model of a known version."""
    name = "the model file" if isinstance(source, bytes) else f"'{Path(source).name}'"
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except FileNotFoundError:
        raise ModelError(f"The model file {source} does not exist. Check the path.") from None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        manifest = json.loads(zf.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ModelError(
            f"{name} is not a segcore model file. Use the model.segcore file written by 'segcore fit' or the studio."
        ) from None
    if manifest.get("format") != FORMAT_NAME:
        raise ModelError(f"{name} is not a segcore model file (unknown format). Refit the segmentation.")
    version = manifest.get("version")
    if version not in READABLE_VERSIONS:
        raise ModelError(
            f"{name} uses model format version {version}, but this segcore reads version {FORMAT_VERSION}. "
            "Open it with the segcore version that wrote it, or refit the segmentation."
        )
    with zf:
        arrays = np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False)
        preprocessor = _read_state(zf, "preprocessor", name)
        estimator = _read_state(zf, "estimator", name) if "estimator.json" in zf.namelist() else None
    quality = manifest.get("quality")
    return Segmentation(
        spec=FeatureSpec.from_dict(manifest["spec"]),
        schema=Schema.from_dict(manifest["schema"]),
        numeric=tuple(manifest["numeric"]),
        categorical=tuple(manifest["categorical"]),
        preprocessor=preprocessor,
        centers=arrays["centers"],
        center_ids=arrays["center_ids"].astype(np.int64),
        pins=tuple(PinRule.from_dict(p) for p in manifest["pins"]),
        labels=np.empty(0, dtype=np.int64),
        profiles=tuple(Profile.from_dict(p) for p in manifest["profiles"]),
        rules=_rules_from_dict(manifest.get("rules")),
        sweep=_sweep_from_dict(manifest.get("sweep")),
        quality=Quality(**quality) if quality else None,
        far_threshold=float(manifest["far_threshold"]),
        method=manifest["method"],
        k=int(manifest["k"]),
        n_rows=int(manifest["n_rows"]),
        notes=tuple(manifest.get("notes", ())),
        fingerprint=manifest.get("fingerprint"),
        created_at=manifest.get("created_at", ""),
        estimator=estimator,
    )


def _write_state(zf: zipfile.ZipFile, stem: str, obj) -> None:
    text, arrays = statefile.dumps(obj)
    zf.writestr(f"{stem}.json", text)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    zf.writestr(f"{stem}.npz", buffer.getvalue())


def _read_state(zf: zipfile.ZipFile, stem: str, name: str):
    try:
        text = zf.read(f"{stem}.json").decode("utf-8")
        arrays = dict(np.load(io.BytesIO(zf.read(f"{stem}.npz")), allow_pickle=False))
    except (KeyError, ValueError, UnicodeDecodeError):
        raise ModelError(
            f"{name} is incomplete or damaged ({stem} missing). Refit the segmentation."
        ) from None
    return statefile.loads(text, arrays, what=name)


def _rules_to_dict(rules: RuleSet | None) -> dict | None:
    if rules is None:
        return None
    return plain(
        {"segments": [vars(s) for s in rules.segments], "fidelity": rules.fidelity, "depth": rules.depth}
    )


def _rules_from_dict(data: dict | None) -> RuleSet | None:
    if not data:
        return None
    segments = tuple(
        SegmentRules(**{**s, "conditions": tuple(s.get("conditions", ()))}) for s in data["segments"]
    )
    return RuleSet(segments=segments, fidelity=float(data["fidelity"]), depth=int(data["depth"]))


def _sweep_to_dict(sweep: SweepResult | None) -> dict | None:
    if sweep is None:
        return None
    table = sweep.table.astype(object).where(sweep.table.notna(), None)
    return plain(
        {"table": table.to_dict(orient="list"), "recommended_k": sweep.recommended_k, "reason": sweep.reason}
    )


def _sweep_from_dict(data: dict | None) -> SweepResult | None:
    if not data:
        return None
    return SweepResult(
        table=pd.DataFrame(data["table"]), recommended_k=int(data["recommended_k"]), reason=data["reason"]
    )
