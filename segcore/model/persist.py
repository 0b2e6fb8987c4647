"""Save and load a Segmentation as a versioned file that loads without executing code.

A ``.segcore`` file is a zip archive holding
- ``manifest.json``: format name and version, the spec, schema, profiles, rules, sweep and quality (plain JSON),
- ``arrays.npz``: segment centres and their ids (numpy, read with ``allow_pickle=False``), and for a segmentation
  on factor scores the projection from prepared columns to factors (two float arrays),
- ``preprocessor.json`` + ``preprocessor.npz`` (and ``estimator.*`` for Gaussian mixtures): the fitted
  scikit-learn objects as plain data, rebuilt only from an explicit allow-list of classes (``segcore.model.statefile``;
  no pickle, nothing in the file is run),
- ``integrity.json``: the seal (SHA-256 and HMAC-SHA256 with the deployment's key, ``segcore.model.integrity``).
Customer ids and per-row labels are not stored: the file carries the model and aggregates only.
Loading checks sizes before unpacking, then the seal, then rebuilds and test-scores one made-up row, so an edited,
crafted or damaged file fails with a ModelError at load time, never later and never with another exception.
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
from segcore.i18n import _l
from segcore.insight.explain import RuleSet, SegmentRules
from segcore.insight.profile import Profile
from segcore.jsonsafe import plain
from segcore.model import integrity, statefile
from segcore.model.factorspace import FactorProjection
from segcore.model.pinned import PinRule
from segcore.model.quality import Quality
from segcore.model.results import result_summary
from segcore.model.segmentation import Segmentation
from segcore.model.spec import FeatureSpec
from segcore.model.stability import Stability
from segcore.model.structure import Structure
from segcore.model.sweep import SweepResult

FORMAT_NAME = "segcore-model"
# 2: fitted objects as allow-listed JSON + arrays (1 used skops); 3: transformers under segcore.model.transformers;
# 4: sealed (integrity.json). Unsealed files (3 and older) are refused: nothing shows they were not edited.
FORMAT_VERSION = 4
READABLE_VERSIONS = (4,)
MEMBERS = frozenset({"manifest.json", "arrays.npz", "preprocessor.json", "preprocessor.npz", "estimator.json",
                     "estimator.npz", "propensity.json", "propensity.npz", "propensity_arrays.npz",
                     integrity.SEAL_NAME})
# Sealing/checking with the deployment's key (integrity.deployment_key); pass key=None for the content hash only.
DEPLOYMENT = "deployment"


def dumps(seg: Segmentation, *, key: bytes | str | None = DEPLOYMENT, profiles: bool = True) -> bytes:
    """The model file's bytes (for downloads and the run store), sealed with ``key`` (the deployment's by default).

    ``profiles=False`` leaves the segment profiles out, for the run store, which keeps them once in the run's summary
    and hands them back to ``load_segmentation``.
    """
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": seg.created_at,
        "spec": seg.spec.to_dict(),
        "schema": seg.schema.to_dict(),
        "numeric": list(seg.numeric),
        "categorical": list(seg.categorical),
        "pins": [p.to_dict() for p in seg.pins],
        "profiles": [p.to_dict() for p in seg.profiles] if profiles else None,
        "rules": _rules_to_dict(seg.rules),
        "sweep": _sweep_to_dict(seg.sweep),
        "quality": plain(vars(seg.quality)) if seg.quality is not None else None,
        "structure": seg.structure.to_dict() if seg.structure is not None else None,
        "stability": plain(seg.stability.to_dict()) if seg.stability is not None else None,
        "tiers": bool(seg.tiers),
        "summary": result_summary(seg),
        "far_threshold": float(seg.far_threshold),
        "method": seg.method,
        "k": int(seg.k),
        "n_rows": int(seg.n_rows),
        "notes": [str(n) for n in seg.notes],
        "fingerprint": seg.fingerprint,
        "propensity": plain(seg.propensity.to_dict()) if seg.propensity is not None else None,
        "log_recipe": seg.log_recipe,
        "factors": list(seg.projection.names) if seg.projection is not None else None,
    }
    arrays = io.BytesIO()
    np.savez(arrays, centers=np.asarray(seg.centers, dtype=np.float64), center_ids=seg.center_ids,
             **(seg.projection.arrays() if seg.projection is not None else {}))
    members = {
        "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"),
        "arrays.npz": arrays.getvalue(),
        **_state_members("preprocessor", seg.preprocessor),
        **(_state_members("estimator", seg.estimator) if seg.estimator is not None else {}),
        **(_propensity_members(seg.propensity) if seg.propensity is not None else {}),
    }
    return write_archive(members, key=key)


def write_archive(members: dict[str, bytes], *, key: bytes | str | None = DEPLOYMENT) -> bytes:
    """A zip of ``members`` plus their seal. (Tests use it to build crafted files that pass the seal.)"""
    key = integrity.deployment_key() if key == DEPLOYMENT else key
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr(integrity.SEAL_NAME, integrity.seal(members, key))
    return buffer.getvalue()


def save_segmentation(seg: Segmentation, path: str | Path) -> None:
    Path(path).write_bytes(dumps(seg))


def load_segmentation(
    source: str | Path | bytes, *, key: bytes | str | None = DEPLOYMENT, profiles: list[dict] | None = None
) -> Segmentation:
    """Read a model file; ModelError for anything that is not an unchanged segcore model of a known version.

    ``profiles`` (plain dicts, as a saved run's summary holds them) stand in for the file's own; a file saved
    without profiles (the run store's) needs them.
    """
    name = "the model file" if isinstance(source, bytes) else f"'{Path(source).name}'"
    data = source if isinstance(source, bytes) else _read_file(Path(source), name)
    members = integrity.read_members(data, allowed=MEMBERS.__contains__, what=name)
    sealed = members.pop(integrity.SEAL_NAME, None)
    manifest = _manifest(members, name)  # format and version first: an old file gets "refit", not "edited"
    integrity.verify(members, sealed, key=integrity.deployment_key() if key == DEPLOYMENT else key, what=name)
    try:
        seg = _build(manifest, members, name, _profiles(manifest, profiles, name))
        _check_consistency(seg)
    except ModelError:
        raise
    except Exception:  # noqa: BLE001 - the file is untrusted input: any failure to rebuild it means it is damaged
        raise ModelError(
            _l(
                "{name} is damaged or was not written by segcore (its content does not fit together), so it "
                "was not loaded. Use the model.segcore file written by 'segcore fit' or the studio, or "
                "refit.",
                name=name,
            )
        ) from None
    return seg


def _read_file(path: Path, name: str) -> bytes:
    try:
        integrity.check_file_size(path.stat().st_size, what=name)
        return path.read_bytes()
    except FileNotFoundError:
        raise ModelError(_l("The model file {path} does not exist. Check the path.", path=path)) from None
    except IsADirectoryError:
        raise ModelError(_l(
            "{path} is a folder, not a model file. Give the path of the .segcore file.",
            path=path,
        )) from None
    except PermissionError:
        raise ModelError(_l(
            "segcore may not read {path}. Check the file's permissions.",
            path=path,
        )) from None


def _manifest(members: dict[str, bytes], name: str) -> dict:
    try:
        manifest = json.loads(members["manifest.json"])
    except (KeyError, ValueError, RecursionError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelError(
            _l(
                "{name} is not a segcore model file. Use the model.segcore file written by 'segcore fit' or "
                "the studio.",
                name=name,
            )
        )
    version = manifest.get("version")
    if version not in READABLE_VERSIONS:
        raise ModelError(
            _l(
                "{name} uses model format version {version}, but this segcore reads version "
                "{format_version}. Open it with the segcore version that wrote it, or refit the "
                "segmentation.",
                name=name, version=version, format_version=FORMAT_VERSION,
            )
        )
    return manifest


def _profiles(manifest: dict, given: list[dict] | None, name: str) -> list[dict]:
    if given is not None:
        return given
    if manifest.get("profiles") is None:
        raise ModelError(
            _l(
                "{name} was saved without its segment profiles (they live in the saved run). Open it from "
                "the saved run.",
                name=name,
            )
        )
    return manifest["profiles"]


def _build(manifest: dict, members: dict[str, bytes], name: str, profiles: list[dict]) -> Segmentation:
    arrays = integrity.read_npz(members["arrays.npz"], what=name)
    preprocessor = _read_state(members, "preprocessor", name)
    estimator = _read_state(members, "estimator", name) if "estimator.json" in members else None
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
        profiles=tuple(Profile.from_dict(p) for p in profiles),
        rules=_rules_from_dict(manifest.get("rules")),
        sweep=_sweep_from_dict(manifest.get("sweep")),
        quality=Quality(**quality) if quality else None,
        far_threshold=float(manifest["far_threshold"]),
        method=manifest["method"],
        k=int(manifest["k"]),
        n_rows=int(manifest["n_rows"]),
        notes=tuple(manifest.get("notes", ())),
        fingerprint=manifest.get("fingerprint"),
        log_recipe=manifest.get("log_recipe"),
        created_at=manifest.get("created_at", ""),
        estimator=estimator,
        propensity=_read_propensity(manifest, members, name),
        structure=Structure.from_dict(manifest["structure"]) if manifest.get("structure") else None,
        stability=Stability.from_dict(manifest["stability"]) if manifest.get("stability") else None,
        tiers=bool(manifest.get("tiers", False)),
        projection=FactorProjection.from_arrays(arrays, manifest["factors"]) if manifest.get("factors") else None,
    )


def _propensity_members(model) -> dict[str, bytes]:
    """The propensity scorer: its preprocessor as allow-listed state, its model and calibration as plain arrays."""
    buffer = io.BytesIO()
    np.savez(buffer, **model.scorer.arrays)
    return {**_state_members("propensity", model.scorer.preprocessor), "propensity_arrays.npz": buffer.getvalue()}


def _read_propensity(manifest: dict, members: dict[str, bytes], name: str):
    data = manifest.get("propensity")
    if not data:
        return None
    from segcore.insight.propensity import Propensity
    from segcore.insight.propensity_scorer import from_saved

    preprocessor = _read_state(members, "propensity", name)
    arrays = integrity.read_npz(members["propensity_arrays.npz"], what=name)
    return Propensity.from_dict(data, from_saved(data["scorer"], preprocessor, arrays=dict(arrays)))


def _check_consistency(seg: Segmentation) -> None:
    """Shapes that must agree, then one made-up customer scored end to end: a file that cannot score fails now."""
    centers, ids = seg.centers, seg.center_ids
    if (
        centers.ndim != 2 or len(centers) == 0 or ids.shape != (len(centers),) or len(set(ids.tolist())) != len(ids)
        or not np.isfinite(centers).all() or not all(isinstance(c, str) for c in (*seg.numeric, *seg.categorical))
    ):
        raise ValueError("centres and their ids do not fit together")
    probe = pd.DataFrame({**{c: [0.0] for c in seg.numeric}, **{c: ["x"] for c in seg.categorical}})
    for pin in seg.pins:
        if pin.column not in probe:
            probe[pin.column] = [0.0]
    if seg.propensity is not None:
        for column in seg.propensity.scorer.columns:
            if column not in probe:
                probe[column] = [0.0]
    scored = seg.assign(probe)
    if scored.shape[0] != 1:
        raise ValueError("scoring one customer did not give one row")


def _state_members(stem: str, obj) -> dict[str, bytes]:
    text, arrays = statefile.dumps(obj)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return {f"{stem}.json": text.encode("utf-8"), f"{stem}.npz": buffer.getvalue()}


def _read_state(members: dict[str, bytes], stem: str, name: str):
    try:
        text = members[f"{stem}.json"].decode("utf-8")
        npz = members[f"{stem}.npz"]
    except (KeyError, UnicodeDecodeError):
        raise ModelError(_l(
            "{name} is incomplete or damaged ({stem} missing). Refit the segmentation.",
            name=name, stem=stem,
        )) from None
    return statefile.loads(text, integrity.read_npz(npz, what=name), what=name)


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
