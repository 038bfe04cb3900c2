"""The layers of DESIGN.md as a contract: imports point down, never up and never in a circle.

Read from the source with ``ast`` (nothing is imported), so a new upward or circular import
fails here before anyone sees it in a picture. Imports under ``if TYPE_CHECKING:`` count for
the layers (a type is a dependency too) but not for circles (they do not run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import asmr_desktop

PACKAGE = Path(asmr_desktop.__file__).parent

#: Floors from the ground up. A package may import its own floor's packages only where
#: SIDEWAYS allows it, and any lower floor freely.
FLOORS: list[set[str]] = [
    {"core"},
    {"dsp"},
    {"audio", "visual"},
    {"soundscapes", "analysis"},
    {"library"},
    {"diary"},
    {"insights"},
    {"services"},
    {"cli", "ui"},
    {"app"},
    {"__main__"},
]
#: Imports within one floor that are part of the design (none today: each floor is one step).
SIDEWAYS: set[tuple[str, str]] = set()
#: The only places that may import Qt.
QT_ALLOWED = {"ui", "app"}


def floor_of(unit: str) -> int:
    for index, floor in enumerate(FLOORS):
        if unit in floor:
            return index
    raise AssertionError(f"asmr_desktop/{unit} is on no floor: add it to FLOORS in this test")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(tree: ast.AST, module: str) -> Iterator[tuple[str, bool]]:
    """(imported module, only for type checking) for every import in ``tree``."""

    def visit(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.body:
                    yield from visit_one(sub, True)
                for sub in child.orelse:
                    yield from visit_one(sub, typing_only)
            else:
                yield from visit_one(child, typing_only)

    def visit_one(node: ast.AST, typing_only: bool) -> Iterator[tuple[str, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, typing_only
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")[: -node.level]
                base = ".".join([*parts, base] if base else parts)
            # "from pkg import module" is an import of the module; "from pkg import name"
            # one of pkg. Both are offered; module_graph keeps the ones that exist.
            for alias in node.names:
                yield f"{base}.{alias.name}", typing_only
            yield f"{base}|from", typing_only
        yield from visit(node, typing_only)

    yield from visit(tree, False)


def module_graph(root: Path) -> dict[str, set[tuple[str, bool]]]:
    """module -> {(imported project module, typing only)} for the package at ``root``."""
    name = root.name
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root.parent).with_suffix("")
        dotted = ".".join(p for p in rel.parts if p != "__init__") if rel.parts else name
        modules[dotted] = path
    graph: dict[str, set[tuple[str, bool]]] = {}
    for dotted, path in modules.items():
        found: set[tuple[str, bool]] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        listed = list(imports(tree, dotted))
        for target, typing_only in listed:
            if target.endswith("|from"):
                base = target.removesuffix("|from")
                names = [t for t, _ in listed if t.rpartition(".")[0] == base]
                if any(n in modules for n in names):
                    continue  # the modules themselves were named
                target = base
            if target in modules and target != dotted:
                found.add((target, typing_only))
            elif target.split(".")[0] in {"PySide6", "shiboken6"}:
                found.add((target.split(".")[0], typing_only))
        graph[dotted] = found
    return graph


def unit_of(module: str) -> str | None:
    """The floor unit of a module: its sub-package, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(root: Path) -> list[str]:
    graph = module_graph(root)
    problems: list[str] = []
    for module, targets in sorted(graph.items()):
        unit = unit_of(module)
        for target, _typing_only in sorted(targets):
            if target in {"PySide6", "shiboken6"}:
                if unit not in QT_ALLOWED:
                    problems.append(f"{module} imports Qt ({target})")
                continue
            other = unit_of(target)
            if unit is None or other is None or other == unit:
                continue
            if floor_of(other) > floor_of(unit):
                problems.append(f"{module} imports {target}: {other}/ stands above {unit}/")
            elif floor_of(other) == floor_of(unit) and (unit, other) not in SIDEWAYS:
                problems.append(f"{module} imports {target}: {unit}/ and {other}/ share a floor")
    problems.extend(f"circular imports: {' -> '.join(c)}" for c in cycles(graph))
    return problems


def cycles(graph: dict[str, set[tuple[str, bool]]]) -> list[list[str]]:
    """Every strongly connected group of modules (imports that run, not type-only ones)."""
    edges = {
        m: sorted(t for t, typing_only in ts if not typing_only and t in graph)
        for m, ts in graph.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strongconnect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            strongconnect(node)
    return found


def test_the_app_keeps_its_layers() -> None:
    assert violations(PACKAGE) == []


def test_every_package_stands_on_a_floor() -> None:
    units = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    units |= {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    for unit in units:
        floor_of(unit)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "asmr_desktop"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "core/__init__.py": "",
                "core/a.py": "from asmr_desktop.audio import b\n",
                "audio/__init__.py": "",
                "audio/b.py": "",
            },
            "stands above core/",
        ),
        (
            {
                "audio/__init__.py": "",
                "audio/b.py": "from asmr_desktop.visual.c import x\n",
                "visual/__init__.py": "",
                "visual/c.py": "x = 1\n",
            },
            "share a floor",
        ),
        (
            {
                "diary/__init__.py": "",
                "diary/a.py": "from . import b\n",
                "diary/b.py": "from asmr_desktop.diary import a\n",
            },
            "circular imports",
        ),
        (
            {"diary/__init__.py": "", "diary/a.py": "def f():\n    import PySide6\n"},
            "imports Qt",
        ),
    ],
)
def test_the_check_catches_what_it_forbids(tmp_path: Path, files, expected) -> None:
    problems = violations(_tree(tmp_path, files))
    assert any(expected in p for p in problems), problems


def test_type_only_imports_make_no_circle(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "ui/__init__.py": "",
            "ui/a.py": "from asmr_desktop.ui import b\n",
            "ui/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from asmr_desktop.ui import a\n",
        },
    )
    assert violations(root) == []
