"""The house keeps its shape: every rule here is read from the source, not from a review.

- no module in ``vigil/`` over 600 lines (migrations aside: Django writes them);
- a module that reads or writes (``api``, ``services``, ``queries``, ``summary``,
  ``models``) never imports a view module;
- no module takes a private name (``_name``) from another: what is shared is public;
- no import circle between modules, counting the imports placed inside functions
  (an import moved into a function to dodge a circle is still a circle), but not
  those under ``if TYPE_CHECKING:``, which never run;
- every domain app has the same files (docs/architecture.md, "Adding an app"), at its
  root or in its concept sub-packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "vigil"
MAX_LINES = 600
READ_WRITE_MODULES = {"api", "services", "queries", "summary", "models"}
# inbox is a shared mechanism (notify, reminders, escalation) that the domain apps call,
# not a domain app with a home panel of its own.
DOMAIN_APPS = ("org", "work", "controlled", "sites", "situation")
# ``services`` may be a module or a package; the rest are modules.
SKELETON = (
    "apps",
    "models",
    "services",
    "queries",
    "views",
    "api",
    "urls",
    "api_urls",
    "summary",
    "demo",
)


@dataclass
class Module:
    name: str
    path: Path
    # (imported module, names taken from it, line)
    imports: list[tuple[str, tuple[str, ...], int]] = field(default_factory=list)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_runtime(node: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: the bodies of ``if TYPE_CHECKING:`` are skipped."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            yield from (n for stmt in child.orelse for n in [stmt, *_walk_runtime(stmt)])
            continue
        yield child
        yield from _walk_runtime(child)


@cache
def modules() -> dict[str, Module]:
    found = {_module_name(path): Module(_module_name(path), path) for path in _source_files()}
    for module in found.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        package = (
            module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
        )
        for node in _walk_runtime(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module.imports.append((alias.name, (), node.lineno))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                names = tuple(alias.name for alias in node.names)
                module.imports.append((base, names, node.lineno))
    return found


def _targets(imported: str, names: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The project modules an import statement loads, with the names it takes from each."""
    known = modules()
    plain = tuple(n for n in names if f"{imported}.{n}" not in known)
    if imported in known:
        yield imported, plain
    for name in names:
        if f"{imported}.{name}" in known:
            yield f"{imported}.{name}", ()


def _edges() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for module in modules().values():
        for imported, names, _line in module.imports:
            for target, _taken in _targets(imported, names):
                if target != module.name:
                    graph[module.name].add(target)
    return graph


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; the components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _is_kind(name: str, kinds: set[str]) -> bool:
    """Is the module one of ``kinds``, under its plain name or a prefixed one (``registry_api``)?"""
    last = name.rpartition(".")[2]
    return any(
        last == kind or last.endswith(f"_{kind}") or last.startswith(f"{kind}_") for kind in kinds
    )


def test_no_module_is_longer_than_six_hundred_lines() -> None:
    long = {
        module.name: lines
        for module in modules().values()
        if (lines := len(module.path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_read_or_write_module_imports_a_view_module() -> None:
    slips = [
        f"{module.name}:{line} imports {target}"
        for module in modules().values()
        if _is_kind(module.name, READ_WRITE_MODULES)
        for imported, names, line in module.imports
        for target, _taken in _targets(imported, names)
        if _is_kind(target, {"views"})
    ]
    assert slips == []


def test_no_module_takes_a_private_name_from_another() -> None:
    slips = [
        f"{module.name}:{line} takes {target}.{name}"
        for module in modules().values()
        for imported, names, line in module.imports
        for target, taken in _targets(imported, names)
        for name in taken
        if name.startswith("_") and not name.startswith("__")
    ]
    assert slips == []


def test_there_is_no_import_circle() -> None:
    assert _strongly_connected(_edges()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    """The finder itself: a circle hidden two modules deep is found, a chain is not."""
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"]
    ]
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def _has(folder: Path, name: str) -> bool:
    return (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()


def test_every_domain_app_has_the_same_files() -> None:
    missing = {
        app: [
            name
            for name in SKELETON
            if not _has(PACKAGE / app, name)
            and not any(
                _has(concept, name) for concept in (PACKAGE / app).iterdir() if concept.is_dir()
            )
        ]
        for app in DOMAIN_APPS
    }
    assert missing == {app: [] for app in DOMAIN_APPS}
