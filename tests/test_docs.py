"""The documents name what exists: every file, module and function that
docs/architecture.md, docs/scope-cases.md and the README cite is in the tree.

A move that forgets the map fails here, not in a newcomer's first hour."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("docs/architecture.md", "docs/scope-cases.md", "README.md")
# `vigil/work/obligations/services.py` or `vigil/work/apps.py:WorkConfig.ready`
CITED_FILE = re.compile(r"\b((?:vigil|tests|bench|scripts)/[\w/]+\.py)(?::([A-Za-z_][\w.]*))?")
# `vigil.core.pages.submit(` or `vigil.org.scope` (a dotted module, maybe a name in it)
CITED_MODULE = re.compile(r"\bvigil(?:\.[a-z_]\w*)+(?:\.[A-Z]\w*)?")


@cache
def _defined(path: Path) -> frozenset[str]:
    """Top-level names of a module, and Class.method for its classes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if isinstance(node, ast.ClassDef):
                names.update(
                    f"{node.name}.{item.name}"
                    for item in node.body
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                )
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return frozenset(names)


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _resolves(dotted: str) -> bool:
    """``vigil.a.b`` is a module, or a name (or Class.name) defined in one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 1, -1):
        module = _module_file(".".join(parts[:cut]))
        if module is not None:
            rest = parts[cut:]
            if not rest:
                return True
            return ".".join(rest[:2]) in _defined(module) or rest[0] in _defined(module)
    return False


def _citations(document: str) -> list[str]:
    text = (ROOT / document).read_text(encoding="utf-8")
    slips = []
    for match in CITED_FILE.finditer(text):
        path, name = match.group(1), match.group(2)
        if not (ROOT / path).is_file():
            slips.append(path)
        elif name and name.split(".")[0] not in _defined(ROOT / path):
            slips.append(f"{path}:{name}")
    for match in CITED_MODULE.finditer(text):
        dotted = match.group(0).rstrip(".")
        if not _resolves(dotted):
            slips.append(dotted)
    return slips


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_cited_file_module_and_function_exists(document: str) -> None:
    assert _citations(document) == []


def test_a_moved_module_would_be_caught(tmp_path: Path) -> None:
    """The checker itself: a module and a function that do not exist are reported."""
    assert not _resolves("vigil.org.numbering")
    assert not _resolves("vigil.core.pages.no_such_helper")
    assert _resolves("vigil.core.pages.submit")
    assert _resolves("vigil.org.scope")
