"""Architecture rules that can fail: the engine never imports Streamlit, its import graph has no cycle, no stage
reaches into another stage's private helpers, and public functions take their data first and options by keyword.

The static checks read every module under segcore/ with ``ast`` (function-level imports included), so a lazy
``import streamlit`` inside a function fails them as surely as one at the top.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "segcore"
FORBIDDEN = ("streamlit", "pages", "app")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def _tree(path: Path) -> ast.Module:
    """Each module parsed once for all the static checks of this file (the files do not change during a run)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import statement in the file, at any depth."""
    found = []
    for node in _runtime_nodes(_tree(path)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += _imports_of(node, path)
    return found


def _imports_of(node: ast.Import | ast.ImportFrom, path: Path) -> list[tuple[str, list[str], int]]:
    if isinstance(node, ast.Import):
        return [(alias.name, [], node.lineno) for alias in node.names]
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = node.module or ""
    if node.level:
        anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        base = f"{anchor}.{base}" if base else anchor
    return [(base, [alias.name for alias in node.names], node.lineno)]


def _runtime_nodes(tree: ast.AST):
    """Every node, at any depth, except inside ``if TYPE_CHECKING:`` (annotations only; never run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
            else:
                todo.append(child)


def _targets(imported: str, names: list[str]) -> set[str]:
    """The segcore modules an import loads: ``from segcore.model import persist`` is segcore.model.persist."""
    out = {f"{imported}.{n}" for n in names if f"{imported}.{n}" in MODULES}
    if imported in MODULES and (not names or len(out) < len(names)):
        out.add(imported)
    return out


@functools.cache
def _graph() -> dict[str, frozenset[str]]:
    graph = {}
    for name, path in MODULES.items():
        edges = set()
        for imported, names, _ in _imports(path):
            edges |= _targets(imported, names)
        graph[name] = frozenset(edges - {name})
    return graph


def test_no_engine_module_imports_streamlit_or_the_studio_when_read():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {imported}"
        for path in MODULES.values()
        for imported, _, line in _imports(path)
        if imported.split(".")[0] in FORBIDDEN
    ]
    assert offenders == [], "segcore must not import the studio or streamlit:\n" + "\n".join(offenders)


def test_importing_every_engine_module_leaves_streamlit_unloaded():
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(MODULES)!r}:\n"
        "    if not name.endswith('__main__'):\n"
        "        importlib.import_module(name)\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "assert not loaded, f'imported: {loaded}'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_static_check_sees_a_streamlit_import_hidden_in_a_function(tmp_path):
    """The rule above must be able to fail: a lazy import inside a function is found too."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import streamlit as st\n    return st\n", encoding="utf-8")
    tree = ast.parse(probe.read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Import) and n.names[0].name == "streamlit" for n in ast.walk(tree))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_engine_import_graph_has_no_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def _stage(module: str) -> str:
    """segcore.model.prep -> model; top-level modules (segcore.errors) are their own stage."""
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 else module


# gettext's conventional names look private but are the translation API.
GETTEXT_NAMES = {"_", "_l"}


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in GETTEXT_NAMES


def _private_uses(path: Path, name: str) -> list[str]:
    """``from other_stage import _helper`` and ``other_stage_module._helper`` in one file."""
    found, aliases = [], {}
    tree = _tree(path)
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.ImportFrom | ast.Import):
            for imported, names, line in _imports_of(node, path):
                if imported in MODULES and _stage(imported) != _stage(name):
                    if private := [n for n in names if _is_private(n)]:
                        found.append(f"{path.relative_to(ROOT)}:{line} takes {', '.join(private)} from {imported}")
            for alias in node.names:
                target = f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
                if target in MODULES and _stage(target) != _stage(name):
                    aliases[alias.asname or alias.name.split(".")[-1]] = target
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            if _is_private(node.attr):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_module_takes_a_private_helper_from_another_stage():
    offenders = [hit for name, path in MODULES.items() for hit in _private_uses(path, name)]
    assert offenders == [], "\n".join(offenders)


# --- the data-first, keyword-only shape ---------------------------------------------------------------------------
# Rule for every public module-level function of segcore (name without a leading underscore):
#   1. at most MAX_POSITIONAL parameters can be passed by position: the data, and at most one thing it is read
#      against (a schema, labels, a key);
#   2. every parameter with a default is keyword-only, unless it is the function's only parameter (``open_store(url)``,
#      ``main(argv)``: the data itself may be optional);
#   3. no ``*args``.
MAX_POSITIONAL = 2
# Deliberate exceptions, each with its reason.
SHAPE_EXCEPTIONS = {
    "segcore.i18n.translate.ngettext": "the gettext API: ngettext(singular, plural, n)",
    "segcore.i18n.translate.lazy_ngettext": "the gettext API, lazily",
    "segcore.i18n.translate.render": "render(value, language=None) mirrors gettext's optional language",
    "segcore.columns.rfm_scores.rfm_segment": "the three RFM scores are one datum (an R, F, M triple)",
    "segcore.i18n.language.choose_language": "variadic by design: candidate languages in order of preference",
}


def _shape_problems(source: str, module: str) -> list[str]:
    problems = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
            continue
        if f"{module}.{node.name}" in SHAPE_EXCEPTIONS:
            continue
        a = node.args
        positional = a.posonlyargs + a.args
        defaulted = positional[len(positional) - len(a.defaults) :] if a.defaults else []
        where = f"{module}:{node.lineno} {node.name}"
        if len(positional) > MAX_POSITIONAL:
            problems.append(f"{where}: {len(positional)} positional parameters (make the options keyword-only)")
        if defaulted and len(positional) + len(a.kwonlyargs) > 1:
            problems.append(f"{where}: {', '.join(p.arg for p in defaulted)} has a default but is not keyword-only")
        if a.vararg:
            problems.append(f"{where}: *{a.vararg.arg}")
    return problems


def test_public_functions_take_data_first_and_options_by_keyword():
    problems = [p for name, path in MODULES.items() for p in _shape_problems(path.read_text(encoding="utf-8"), name)]
    assert problems == [], "\n".join(problems)


def test_the_shape_rule_can_fail():
    source = (
        "def three(df, schema, features): ...\n"
        "def option(df, k=3): ...\n"
        "def star(df, *more): ...\n"
        "def fine(df, schema, *, k=3): ...\n"
        "def optional_data(url=None): ...\n"
        "def _private(a, b, c=1): ...\n"
    )
    problems = _shape_problems(source, "probe")
    assert [p.split()[1].rstrip(":") for p in problems] == ["three", "option", "star"]


@pytest.mark.parametrize("name", ["segcore.model.segmentation", "segcore.model.persist", "segcore.model.sweep"])
def test_the_former_cycles_are_gone(name):
    """cluster re-exported sweep (sweep imported cluster inside functions); segmentation and persist imported each other."""
    graph = _graph()
    assert not any(name in graph[other] for other in graph[name]), f"{name} is in a two-module cycle"
