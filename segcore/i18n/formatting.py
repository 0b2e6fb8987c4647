"""Numbers, percentages and dates written the way the current language writes them (Babel / CLDR).

1234.5 reads ``1,234.5`` in English and Chinese, ``1 234,5`` in Russian; 0.123 reads ``12.3%`` or ``12,3 %``.
"""

from __future__ import annotations

import datetime as dt
import math

from babel import dates, numbers

from segcore.i18n.language import BABEL_LOCALES, current_language


def _locale() -> str:
    return BABEL_LOCALES[current_language()]


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def format_number(value: float | int, *, digits: int | None = None) -> str:
    """``value`` with the locale's grouping and decimal sign; ``digits`` fixes the decimals (None: as needed, max 3)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if digits is None:
        return numbers.format_decimal(value, locale=_locale())
    return numbers.format_decimal(value, format=_pattern(digits), locale=_locale())


def format_compact(value: float | int) -> str:
    """A short form for KPI tiles: 12K, 1.2M in English; 1.2万 in Chinese; 1,2 млн in Russian."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return numbers.format_compact_decimal(value, fraction_digits=1, locale=_locale())


def format_percent(share: float, *, digits: int = 1) -> str:
    """``share`` (0.123) as a percentage in the locale's style: 12.3% / 12,3 %."""
    if share is None or (isinstance(share, float) and not math.isfinite(share)):
        return "–"
    return numbers.format_percent(share, format=_pattern(digits) + "%", locale=_locale())


def format_date(value: dt.date | dt.datetime, *, length: str = "medium") -> str:
    """A date as the locale writes it (Dec 2, 2026 / 2026年12月2日 / 2026. 12. 2. / 2 дек. 2026 г.)."""
    return dates.format_date(value, format=length, locale=_locale())


def format_datetime(value: dt.datetime, *, length: str = "medium") -> str:
    return dates.format_datetime(value, format=length, locale=_locale())
