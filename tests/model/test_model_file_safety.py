"""Model files as untrusted input: the seal refuses edits, crafted files give ModelError, bombs fail before unpacking."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from helpers import ROOT, customers, rewrite_model

from segcore.cli import main
from segcore.errors import ModelError
from segcore.model import integrity
from segcore.model.persist import dumps, load_segmentation, write_archive
from segcore.model.segmentation import segment
from segcore.model.spec import FeatureSpec

FEATURES = ("total_spend", "visits_90d", "tenure_months")


@pytest.fixture(scope="module")
def model_and_data():
    df, _ = customers(300, seed=4)
    seg = segment(df, spec=FeatureSpec(features=(*FEATURES, "region"), k=3))
    return dumps(seg), df


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _arrays(blob: bytes) -> dict[str, np.ndarray]:
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        return dict(np.load(io.BytesIO(zf.read("arrays.npz"))))


def _hand_edited(blob: bytes, *, replace: dict[str, bytes] | None = None, drop: str | None = None) -> bytes:
    """The archive with members replaced or one dropped, written back as a plain zip: the seal is NOT renewed,
    as when someone edits the file by hand."""
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != drop}
    members.update(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _json_edit(change):
    def edit(data: bytes) -> bytes:
        value = json.loads(data)
        return json.dumps(change(value)).encode()

    return edit


def _set(key, value):
    return _json_edit(lambda m: {**m, key: value})


def _huge_npy_header() -> bytes:
    """An .npy that claims 10^12 float64 values but holds none."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("centers.npy", header.getvalue())
        zf.writestr("center_ids.npy", header.getvalue())
    return buffer.getvalue()


def _state_edit(change):
    return _json_edit(lambda s: {**s, "root": change(s["root"])})


# Each crafted file is sealed again with the test key, so it passes the seal and reaches the parser. The comment
# says what the file made `assign` raise before every failure was turned into a ModelError.
CRAFTED = {
    "manifest is a list": ("manifest.json", lambda d: b"[1, 2, 3]"),  # AttributeError
    "manifest without spec": ("manifest.json", _json_edit(lambda m: {k: v for k, v in m.items() if k != "spec"})),  # KeyError
    "k is text": ("manifest.json", _set("k", "many")),  # ValueError
    "profiles is a number": ("manifest.json", _set("profiles", 5)),  # TypeError
    "profile with an unknown field": ("manifest.json", _json_edit(
        lambda m: {**m, "profiles": [{**m["profiles"][0], "evil": 1}]})),  # TypeError
    "unknown clustering method": ("manifest.json", _json_edit(
        lambda m: {**m, "spec": {**m["spec"], "method": "bogus"}})),  # SpecError
    "feature names are numbers": ("manifest.json", _set("numeric", [1, 2])),  # KeyError at assign
    "state nested 100,000 deep": ("preprocessor.json",
                                  lambda d: b'{"version": 1, "root": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),  # RecursionError
    "state names a missing array": ("preprocessor.json", _state_edit(
        lambda r: {"__array__": "nope"})),  # KeyError
    "state with a bogus scalar type": ("preprocessor.json", _state_edit(
        lambda r: {"__scalar__": "not-a-dtype", "value": 1})),  # TypeError
    "state of an allowed class emptied": ("preprocessor.json", _state_edit(
        lambda r: {**r, "state": {"__dict__": []}})),  # AttributeError at assign
    "centres missing": ("arrays.npz", lambda d: _npz(center_ids=np.arange(3))),  # KeyError
    "centres of the wrong width": ("arrays.npz", lambda d: _npz(centers=np.ones((3, 40)), center_ids=np.arange(3))),  # ValueError at assign
    "fewer ids than centres": ("arrays.npz", lambda d: _npz(centers=np.ones((3, 6)), center_ids=np.arange(1))),  # IndexError at assign
    "centres holding NaN": ("arrays.npz", lambda d: _npz(centers=np.full((3, 6), np.nan), center_ids=np.arange(3))),
    "array header claims 8 TB": ("arrays.npz", lambda d: _huge_npy_header()),  # MemoryError
    "arrays part is not a zip": ("arrays.npz", lambda d: b"not an npz"),  # BadZipFile
    "pickled object array": ("arrays.npz", lambda d: _npz(centers=np.array([{"a": 1}], dtype=object),
                                                            center_ids=np.arange(1))),  # ValueError (allow_pickle)
}


@pytest.mark.parametrize("kind", list(CRAFTED))
def test_every_crafted_file_gives_a_model_error(model_and_data, kind, tmp_path, capsys):
    blob, df = model_and_data
    member, change = CRAFTED[kind]
    crafted = rewrite_model(blob, member, change)
    with pytest.raises(ModelError):
        load_segmentation(crafted)
    # the CLI: exit 2 and one line starting with "error:", no traceback
    (tmp_path / "m.segcore").write_bytes(crafted)
    df.to_csv(tmp_path / "new.csv", index=False)
    code = main(["assign", str(tmp_path / "m.segcore"), str(tmp_path / "new.csv"), "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert not (tmp_path / "o.csv").exists()


def test_the_crafted_set_covers_the_kinds_the_issue_lists():
    assert len(CRAFTED) >= 8


def test_a_model_with_edited_centres_is_refused(model_and_data, tmp_path, capsys):
    blob, df = model_and_data
    arrays = _arrays(blob)
    moved = {**arrays, "centers": arrays["centers"][::-1].copy()}  # swap centres: every customer re-labelled
    edited = _hand_edited(blob, replace={"arrays.npz": _npz(**moved)})
    with pytest.raises(ModelError, match="was changed after segcore wrote it"):
        load_segmentation(edited)

    # an attacker who recomputes the content hash but does not have the key is still refused
    with zipfile.ZipFile(io.BytesIO(edited)) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n != integrity.SEAL_NAME}
    forged = write_archive(parts, key=b"attacker-guess-of-the-key-000000")
    with pytest.raises(ModelError, match="sealed by another segcore installation"):
        load_segmentation(forged)
    forged_hash_only = write_archive(parts, key=None)
    with pytest.raises(ModelError, match="sealed by another segcore installation"):
        load_segmentation(forged_hash_only)

    (tmp_path / "m.segcore").write_bytes(edited)
    df.to_csv(tmp_path / "new.csv", index=False)
    assert main(["assign", str(tmp_path / "m.segcore"), str(tmp_path / "new.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "was changed after segcore wrote it" in err and err.count("\n") == 1


def test_edited_ids_are_refused_and_the_original_still_loads(model_and_data):
    blob, df = model_and_data
    arrays = _arrays(blob)
    edited = _hand_edited(blob, replace={"arrays.npz": _npz(centers=arrays["centers"],
                                                           center_ids=arrays["center_ids"][::-1].copy())})
    with pytest.raises(ModelError, match="changed after segcore wrote it"):
        load_segmentation(edited)
    assert len(load_segmentation(blob).assign(df)) == len(df)


def test_without_a_shared_key_the_content_hash_is_still_checked(model_and_data):
    blob, _ = model_and_data
    hash_only = rewrite_model(blob, "manifest.json", lambda d: d)  # same content
    assert load_segmentation(hash_only, key=None).k == 3
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        manifest = zf.read("manifest.json").replace(b'"k": 3', b'"k": 4')
    with pytest.raises(ModelError, match="changed after segcore wrote it"):
        load_segmentation(_hand_edited(blob, replace={"manifest.json": manifest}), key=None)


def test_an_unsealed_file_is_refused_with_a_reason(model_and_data):
    blob, _ = model_and_data
    with pytest.raises(ModelError, match="has no integrity seal"):
        load_segmentation(_hand_edited(blob, drop=integrity.SEAL_NAME))


def test_extra_parts_and_oversized_files_are_refused_up_front(model_and_data, tmp_path):
    blob, _ = model_and_data
    with pytest.raises(ModelError, match="holds parts a segcore model file does not have"):
        load_segmentation(rewrite_model(blob, "payload.exe", lambda d: b"MZ"))
    big = tmp_path / "big.segcore"
    with big.open("wb") as f:
        f.truncate(integrity.MAX_FILE_BYTES + 1)  # sparse: no disk or memory used
    with pytest.raises(ModelError, match="segcore model files are at most 64 MB"):
        load_segmentation(big)


def test_the_key_is_created_once_in_the_data_folder_and_kept(tmp_path):
    env = {"SEGCORE_DATA_DIR": str(tmp_path / "d")}
    first = integrity.deployment_key(env)
    assert first and integrity.deployment_key(env) == first
    key_file = tmp_path / "d" / integrity.KEY_FILE_NAME
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert integrity.deployment_key({"SEGCORE_SECRET_KEY": "x" * 20}) == b"x" * 20
    with pytest.raises(ModelError, match="too short"):
        integrity.deployment_key({"SEGCORE_SECRET_KEY": "short"})


BOMB_CHILD = """
import sys, time
from segcore.errors import ModelError
from segcore.model.persist import load_segmentation
t = time.perf_counter()
try:
    load_segmentation(sys.argv[1])
except ModelError as e:
    # VmHWM is this process's own peak (ru_maxrss would also count the forking pytest parent's pages)
    peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print("refused", round(time.perf_counter() - t, 3), peak_kb, str(e))
"""


@pytest.mark.slow
def test_a_zip_bomb_fails_fast_with_little_memory(tmp_path):
    """1.5 GB of zeros packed into ~1.5 MB as the arrays part: refused from the zip directory, nothing inflated."""
    bomb = tmp_path / "bomb.segcore"
    zeros = bytes(2**20)
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "segcore-model", "version": 4}))
        with zf.open("arrays.npz", "w", force_zip64=True) as f:
            for _ in range(1536):
                f.write(zeros)
    assert bomb.stat().st_size < 16 * 2**20
    out = subprocess.run([sys.executable, "-c", BOMB_CHILD, str(bomb)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    word, seconds, max_rss_kb, message = out.stdout.split(" ", 3)
    assert word == "refused" and "refused before unpacking" in message
    assert float(seconds) < 1.0
    assert int(max_rss_kb) < 400 * 1024  # the interpreter and numpy/pandas/sklearn imports; no 1.5 GB buffer
