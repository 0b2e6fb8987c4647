"""Lazy re-exports for the stage packages: a public name is imported from its module the first time it is used,
so importing one module of a stage does not import the others (and ``import segcore`` stays cheap)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, modules: Mapping[str, tuple[str, ...]]) -> tuple[Callable[[str], Any], list[str]]:
    """``(__getattr__, __all__)`` for ``package``, whose ``modules`` each define the public names listed with them."""
    if any(isinstance(names, str) for names in modules.values()):  # the former name -> module form
        raise TypeError(f"{package}._LAZY maps each module to a tuple of its public names: 'module': ('name',)")
    home = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name in home:
            return getattr(import_module(f"{package}.{home[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__, list(home)
