"""Stage 5, output: the theme, Altair charts, HTML/PDF reports and safe exports.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from importlib import import_module

_LAZY = {
    "html_report": "report",
    "pdf_report": "report",
    "safe_csv": "export",
    "to_excel": "export",
    "profiles_json": "export",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
