"""Stage 5, output: the theme, Altair charts, HTML/PDF reports and safe exports.

Public names load on first use, so importing one module of this stage does not import the others.
"""

from __future__ import annotations

from segcore.lazy import lazy_exports

_LAZY = {
    "report": ("html_report", "pdf_report"),
    "export": ("safe_csv", "to_excel", "profiles_json"),
}

__getattr__, __all__ = lazy_exports(__name__, _LAZY)
