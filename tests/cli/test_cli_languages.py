"""The command line speaks the user's language: --lang, else $SEGCORE_LANG, else the system locale (LANG)."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import run_cli as run
from helpers import write_customers


@pytest.fixture(scope="module")
def customer_csv(tmp_path_factory):
    return write_customers(tmp_path_factory.mktemp("cli_lang") / "顾客.csv", n=200, seed=5)


def _error_line(result) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_empty_file_is_explained_in_chinese_with_lang_zh(tmp_path):
    empty = tmp_path / "空表.csv"
    empty.write_bytes(b"")
    line = _error_line(run("inspect", str(empty), "--lang", "zh"))
    assert line == "错误：空表.csv 是空文件（0 字节）。请重新导出表格，上传前确认文件中有数据行。"


def test_unknown_feature_columns_are_named_as_written_in_korean(customer_csv, tmp_path):
    line = _error_line(run("fit", str(customer_csv), "--out", str(tmp_path / "o"), "--features", "구매액,nope",
                           "--lang", "ko"))
    assert line.startswith("오류: 데이터에 이 기준 열들이 없습니다: 구매액, nope. 철자를 확인하세요.")


def test_the_system_locale_picks_russian_when_no_language_is_given(customer_csv, tmp_path, monkeypatch):
    monkeypatch.delenv("SEGCORE_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    line = _error_line(run("fit", str(customer_csv), "--out", str(tmp_path / "o"), "--k", "много"))
    assert line == "ошибка: --k должен быть целым числом или 'auto', а не «много»."


@pytest.mark.slow
def test_lang_beats_segcore_lang_and_the_fit_summary_is_translated(customer_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("SEGCORE_LANG", "ko")
    result = run("fit", str(customer_csv), "--out", str(tmp_path / "fit"), "--k", "3", "--lang", "ru",
                 "--features", "total_spend,visits_90d,tenure_months")
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Сегментов: 3, клиентов: 200, качество: "), last
    assert "Записаны assignments.csv, profiles.json, summary.json, model.segcore в " in last
    profiles = pd.read_json(tmp_path / "fit" / "profiles.json")
    assert len(profiles) > 0


def test_a_usage_mistake_is_framed_in_the_chosen_language(customer_csv, tmp_path):
    line = _error_line(run("fit", str(customer_csv), "--out", str(tmp_path / "o"), "--method", "magic", "--lang", "ru"))
    assert line.startswith("ошибка: ") and line.endswith("Справка: 'python -m segcore fit --help'.")


def test_argparse_own_words_are_said_in_the_chosen_language(customer_csv, tmp_path):
    """argparse's shapes (bad choice, missing and unknown arguments, bad number) read natively, values as written."""
    out = str(tmp_path / "o")
    assert _error_line(run("fit", str(customer_csv), "--out", out, "--method", "magic", "--lang", "ru")) == (
        "ошибка: аргумент --method: 'magic' — недопустимое значение (можно: 'kmeans', 'gmm', 'agglomerative', "
        "'hdbscan'). Справка: 'python -m segcore fit --help'.")
    assert _error_line(run("fit", "--lang", "zh")) == (
        "错误：缺少必需的参数：data, --out。用法请运行“python -m segcore fit --help”。")
    assert _error_line(run("fit", str(customer_csv), "--out", out, "--zzz", "--lang", "ko")).startswith(
        "오류: 알 수 없는 인수입니다: --zzz.")
    assert _error_line(run("fit", str(customer_csv), "--out", out, "--seed", "x")) == (
        "error: argument --seed: 'x' is not a whole number. Run 'python -m segcore fit --help' for usage.")
