"""The clusterability verdict is told in the reader's language: one cached verdict, rendered when it is shown."""

from __future__ import annotations

import json

import numpy as np

from segcore.i18n import use_language
from segcore.model.structure import Structure, clusterability


def _blobs() -> np.ndarray:
    rng = np.random.default_rng(3)
    centres = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    return np.vstack([c + rng.normal(scale=0.5, size=(150, 2)) for c in centres])


def _cloud() -> np.ndarray:
    return np.random.default_rng(4).uniform(size=(400, 2))


def test_one_verdict_reads_in_each_language_with_local_numbers():
    s = clusterability(_blobs(), random_state=0)
    assert s.verdict == "clear"
    with use_language("en"):
        en = str(s.reason)
    with use_language("zh"):
        zh = str(s.reason)
    with use_language("ru"):
        ru = str(s.reason)
    with use_language("ko"):
        ko = str(s.reason)
    assert en.startswith("Clear groups: 3 segments fit far better")
    assert zh.startswith("清晰的群体：3 个群体") and "轮廓系数" in zh
    assert ko.startswith("뚜렷한 그룹: 세그먼트 3개") and "실루엣" in ko
    assert ru.startswith("Чёткие группы: при 3 сегментах") and "силуэт" in ru
    sil = en.split("silhouette ")[1].split(" ")[0]  # "0.87"
    assert sil.replace(".", ",") in ru and "." not in sil.replace(".", ",")  # Russian writes the decimal comma


def test_no_structure_is_said_plainly_and_saved_as_text():
    s = clusterability(_cloud(), random_state=0)
    assert s.verdict == "none"
    with use_language("ru"):
        assert str(s.reason).startswith("Ни одно число сегментов не описывает этих клиентов лучше")
        saved = s.to_dict()
    assert isinstance(saved["reason"], str) and saved["reason"].endswith("одну непрерывную совокупность.")
    back = Structure.from_dict(json.loads(json.dumps(saved)))
    assert back.verdict == "none" and back.reason == saved["reason"]


def test_the_verdict_is_worded_for_the_k_the_sweep_chose():
    s = clusterability(_blobs(), random_state=0)
    four = s.for_k(4)  # four segments of three blobs still beat one population
    with use_language("en"):
        assert str(four.reason).startswith("Clear groups: 4 segments fit far better")
    assert four.best_k == 4 and four.verdict == s.verdict and four.gap == s.gap
    assert s.for_k(99) is s  # a k the verdict did not judge keeps its own wording
    back = Structure.from_dict(json.loads(json.dumps(s.to_dict())))
    assert back.silhouette == s.silhouette and back.silhouette_k == s.silhouette_k
    with use_language("en"):
        assert str(back.for_k(4).reason) == str(four.reason)
    old = {k: v for k, v in s.to_dict().items() if k not in ("silhouette", "silhouette_k")}  # saved before
    assert Structure.from_dict(old).for_k(4).reason == s.reason  # no silhouette stored: the saved words stay
