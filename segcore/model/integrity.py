"""The seal on a model file and the limits checked before anything in it is decompressed.

Seal: ``integrity.json`` inside the zip holds a SHA-256 of every other member (names, lengths and bytes, in name
order) and an HMAC-SHA256 of the same content with the deployment's secret key. On load the hash is always checked
(an edited file is refused even when no key is shared) and, when this deployment has a key, the HMAC too: without
the key nobody can re-seal an edited file (new centres or ids would otherwise re-label every customer silently).

The key: ``SEGCORE_SECRET_KEY`` (environment; the studio copies secrets ``secret_key`` there), else a random key
created once in ``$SEGCORE_DATA_DIR/secret.key`` (mode 600). A file sealed with another installation's key is
refused with a message saying so; share the key (or refit) to move models between installations.

Limits: the compressed file, the number of members, each member's declared size and compression ratio are checked
from the zip directory before a byte is inflated, and reads never go past the declared size, so a zip bomb fails
at once with little memory.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import math
import os
import secrets
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from segcore.errors import ModelError
from segcore.i18n import _l

SECRET_KEY_ENV = "SEGCORE_SECRET_KEY"
KEY_FILE_NAME = "secret.key"
# 16 characters is the shortest key worth calling secret (96+ bits when random); shorter ones are refused.
MIN_KEY_CHARS = 16
SEAL_NAME = "integrity.json"
SEAL_VERSION = 1
# A real model file is a few MB at most (centres, encoder categories, profiles); these leave wide room.
MAX_FILE_BYTES = 64 * 2**20
MAX_MEMBERS = 16
# Arrays in one .npz part: a fitted preprocessor keeps a few per column (scales, categories), so thousands at most.
MAX_ARRAYS = 50_000
MAX_MEMBER_BYTES = 256 * 2**20
MAX_TOTAL_BYTES = 512 * 2**20
# JSON and npz members compress 2-20x; deflate bombs reach 1000x. Small members may compress better than this.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 2**20


def deployment_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The key model files are sealed with: the environment's, else one kept in the data folder (created once).

    None when there is none and the data folder cannot be written: files are then sealed and checked with the
    content hash only.
    """
    env = os.environ if env is None else env
    value = env.get(SECRET_KEY_ENV)
    if value:
        if len(value) < MIN_KEY_CHARS:
            raise ModelError(
                _l(
                    "{secret_key_env} is too short ({n_value} characters). Use at least {min_key_chars} "
                    "random characters, for example the output of: python -c \"import secrets; "
                    "print(secrets.token_hex(32))\".",
                    secret_key_env=SECRET_KEY_ENV, n_value=len(value), min_key_chars=MIN_KEY_CHARS,
                )
            )
        return value.encode("utf-8")
    from segcore.store.backend import DATA_DIR_ENV, DEFAULT_DATA_DIR

    path = Path(env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR) / KEY_FILE_NAME
    try:
        return _read_or_create_key(path)
    except OSError:
        return None


def _read_or_create_key(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_KEY_CHARS:
        raise OSError(f"{path} holds no usable key")
    return text.encode("ascii")


def key_id(key: bytes) -> str:
    """A short public name for a key (not the key): tells which installation sealed a file."""
    return hashlib.sha256(b"segcore-key-id\0" + key).hexdigest()[:16]


def _digest_input(members: Mapping[str, bytes]) -> bytes:
    parts = []
    for name in sorted(members):
        raw = name.encode("utf-8")
        parts += [len(raw).to_bytes(4, "big"), raw, len(members[name]).to_bytes(8, "big"), members[name]]
    return b"".join(parts)


def seal(members: Mapping[str, bytes], key: bytes | None) -> bytes:
    """The ``integrity.json`` member for ``members`` (every other member of the file)."""
    content = _digest_input(members)
    record = {
        "version": SEAL_VERSION,
        "sha256": hashlib.sha256(content).hexdigest(),
        "hmac_sha256": hmac.new(key, content, hashlib.sha256).hexdigest() if key else None,
        "key_id": key_id(key) if key else None,
    }
    return json.dumps(record).encode("utf-8")


def verify(members: Mapping[str, bytes], sealed: bytes | None, *, key: bytes | None, what: str) -> None:
    """Raise ModelError unless ``sealed`` matches ``members`` (hash always; HMAC when this deployment has a key)."""
    if sealed is None:
        raise ModelError(
            _l(
                "{what} has no integrity seal: it was written by an older segcore or assembled by hand, so "
                "segcore cannot tell whether it was changed. Refit the segmentation and save it again.",
                what=what,
            )
        )
    try:
        record = json.loads(sealed)
        expected_hash, expected_mac = str(record["sha256"]), record.get("hmac_sha256")
        sealed_by = record.get("key_id")
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise ModelError(_l(
            "{what} has a damaged integrity seal. Use the original file or refit.",
            what=what,
        )) from None
    content = _digest_input(members)
    edited = ModelError(
        _l(
            "{what} was changed after segcore wrote it (its content no longer matches its seal), so it was "
            "not loaded: an edited model could put customers in the wrong segments. Use the original file "
            "or refit.",
            what=what,
        )
    )
    if not hmac.compare_digest(hashlib.sha256(content).hexdigest(), expected_hash):
        raise edited
    if key is None:
        return
    if sealed_by != key_id(key) or not isinstance(expected_mac, str):
        raise ModelError(
            _l(
                "{what} was sealed by another segcore installation (a different secret key), so this one "
                "cannot confirm it is unchanged. Set {secret_key_env} to the key of the installation that "
                "wrote it, or refit the segmentation here.",
                what=what, secret_key_env=SECRET_KEY_ENV,
            )
        )
    if not hmac.compare_digest(hmac.new(key, content, hashlib.sha256).hexdigest(), expected_mac):
        raise edited


def check_file_size(n_bytes: int, *, what: str) -> None:
    """Refuse a file too big to be a model before reading it."""
    if n_bytes > MAX_FILE_BYTES:
        raise ModelError(
            _l(
                "{what} is {size:,.0f} MB; segcore model files are at most {limit} MB. Use the model file "
                "written by 'segcore fit' or the studio.",
                what=what, size=n_bytes / 2**20, limit=MAX_FILE_BYTES // 2**20,
            )
        )


def read_members(
    data: bytes, *, allowed: Callable[[str], bool], what: str, max_members: int = MAX_MEMBERS
) -> dict[str, bytes]:
    """Every member of a zip, after checking sizes and ratios from its directory; ModelError for anything odd."""
    check_file_size(len(data), what=what)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_directory(infos, allowed=allowed, what=what, max_members=max_members)
            return {info.filename: _read_bounded(zf, info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError):
        raise ModelError(
            _l(
                "{what} is not a segcore model file, or it is damaged. Use the model.segcore file written "
                "by 'segcore fit' or the studio.",
                what=what,
            )
        ) from None


def _check_directory(
    infos: list[zipfile.ZipInfo], *, allowed: Callable[[str], bool], what: str, max_members: int
) -> None:
    names = [i.filename for i in infos]
    if len(infos) > max_members or len(set(names)) != len(names) or not all(map(allowed, names)):
        raise ModelError(
            _l(
                "{what} holds parts a segcore model file does not have, so it was not loaded. Use the file "
                "written by 'segcore fit' or the studio.",
                what=what,
            )
        )
    total = sum(i.file_size for i in infos)
    for info in sorted(infos, key=lambda i: -i.file_size):  # the biggest part first: the one the message names
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or (
            info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO
        ):
            raise ModelError(
                _l(
                    "{what} would unpack to {size:,.0f} MB ('{filename}' alone {member:,.0f} MB, "
                    "{ratio:,.0f}x its packed size), far more than any segcore model; it was refused before "
                    "unpacking. Use the file written by 'segcore fit' or the studio.",
                    what=what, size=total / 2**20, filename=info.filename, member=info.file_size / 2**20,
                    ratio=ratio,
                )
            )


def read_npz(data: bytes, *, what: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` (itself a zip) under the same limits; each header's shape must match its bytes,
    so no array is allocated from a size the file only claims. Object arrays (pickles) are refused."""
    members = read_members(data, allowed=lambda n: n.endswith(".npy"), what=what, max_members=MAX_ARRAYS)
    arrays = {}
    for name, raw in members.items():
        stream = io.BytesIO(raw)
        try:
            version = np.lib.format.read_magic(stream)
            header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = header(stream)
            body = raw[stream.tell():]
            if dtype.hasobject or dtype.itemsize == 0 or math.prod(shape) * dtype.itemsize != len(body):
                raise ValueError("array data does not match its header")
            array = np.frombuffer(body, dtype=dtype).copy()
            arrays[name[: -len(".npy")]] = array.reshape(shape[::-1]).T if fortran else array.reshape(shape)
        except (ValueError, TypeError, SyntaxError, OverflowError, MemoryError):
            raise ModelError(_l(
                "{what} holds a damaged array ({name}). Refit the segmentation.",
                what=what, name=name,
            )) from None
    return arrays


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as f:  # zipfile stops at the declared size and checks the CRC
        data = f.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: size differs from the zip directory")
    return data
