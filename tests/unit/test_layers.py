"""The import contract (issue 13): tuinews is layered one way, and no module imports
another that imports it back.

    base      models, sanitise, links, query, resources (plain data and pure helpers)
    formats   bytes to documents
    extract   reader mode, on top of formats
    io        sources, fetch, store, pool (files, network, SQLite, worker processes)
    services  ingest, refresh, search, subscriptions, sync... (what the app and the
              commands do, headless)
    apps      cli, commands and ui

A module may import its own layer and the layers below it, never above, not even inside
a function or under TYPE_CHECKING; imports inside functions are for start-up speed only
(a heavy module loaded when first used), each with its reason in a comment. The graph is
read from the source with ``ast``, so it holds every import, wherever it is written.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
LAYERS = ["base", "formats", "extract", "io", "services", "apps"]
PLACES = {
    # the longest prefix wins
    "tuinews": "base",
    "tuinews.models": "base",
    "tuinews.sanitise": "base",
    "tuinews.links": "base",
    "tuinews.query": "base",
    "tuinews.resources": "base",
    "tuinews.formats": "formats",
    "tuinews.extract": "extract",
    "tuinews.sources": "io",
    "tuinews.fetch": "io",
    "tuinews.store": "io",
    "tuinews.pool": "io",
    "tuinews.cli": "apps",
    "tuinews.arguments": "apps",
    "tuinews.commands": "apps",
    "tuinews.output": "apps",
    "tuinews.account_commands": "apps",
    "tuinews.download_commands": "apps",
    "tuinews.__main__": "apps",
    "tuinews.ui": "apps",
}
# Every other module of tuinews is a service.


def layer(module: str) -> str:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        place = PLACES.get(".".join(parts[:end]))
        if place is not None and (end > 1 or module == "tuinews"):
            return place
    return "services"


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported tuinews module, line) for every import in the file, wherever it is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        for name in names:
            # "from tuinews.store import Store" names the package; "from tuinews import
            # store" the module: both are edges to a module that exists.
            if name in known and name != module:
                yield name, node.lineno


def graph(root: Path) -> dict[str, dict[str, int]]:
    known = modules(root)
    edges: dict[str, dict[str, int]] = {}
    for module, path in known.items():
        edges[module] = {}
        for target, line in imports(module, path, known):
            edges[module].setdefault(target, line)
    return edges


def upward(edges: dict[str, dict[str, int]]) -> list[str]:
    found = []
    for module, targets in sorted(edges.items()):
        for target, line in sorted(targets.items()):
            if LAYERS.index(layer(target)) > LAYERS.index(layer(module)):
                found.append(
                    f"{module} ({layer(module)}) line {line} imports {target} ({layer(target)})"
                )
    return found


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def package_cycle_free(edges: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The graph without the edges from a package's __init__ to its own submodules (a
    package re-exporting what its modules define is not a cycle)."""
    return {
        module: {
            target: line for target, line in targets.items() if not target.startswith(module + ".")
        }
        for module, targets in edges.items()
    }


# What is left of the knots issue 13 untangles: each entry goes when its knot is cut, and
# nothing may be added. Both lists end empty.
KNOWN_UPWARD: list[str] = []
KNOWN_CYCLES: list[list[str]] = []


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward(graph(SRC / "tuinews")) == KNOWN_UPWARD


def test_no_import_cycles() -> None:
    assert cycles(package_cycle_free(graph(SRC / "tuinews"))) == KNOWN_CYCLES


def test_the_contract_fails_on_a_deliberate_cycle_and_an_upward_import(tmp_path: Path) -> None:
    root = tmp_path / "tuinews"
    (root / "store").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "models.py").write_text("def f():\n    from tuinews.store import thing\n")
    (root / "store" / "__init__.py").write_text("from tuinews.models import f\nthing = 1\n")
    edges = graph(root)
    assert upward(edges) == ["tuinews.models (base) line 2 imports tuinews.store (io)"]
    assert cycles(package_cycle_free(edges)) == [["tuinews.models", "tuinews.store"]]


@pytest.mark.parametrize(
    ("module", "place"),
    [
        ("tuinews.formats.feeds", "formats"),
        ("tuinews.store.views", "io"),
        ("tuinews.pool.manager", "io"),
        ("tuinews.ingest", "services"),
        ("tuinews.ui.app", "apps"),
        ("tuinews", "base"),
        ("tuinews.query", "base"),
    ],
)
def test_layers_of_modules(module: str, place: str) -> None:
    assert layer(module) == place


def missing(root: Path) -> list[str]:
    """Imports of tuinews modules that do not exist (a function-level import of a renamed
    module only fails when its function runs: ``tuinews mark`` did, after a rename)."""
    known = modules(root)
    found = []
    for module, path in sorted(known.items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] == "tuinews" and target not in known:
                    found.append(f"{module} line {node.lineno} imports {target}")
    return found


def test_every_import_of_tuinews_names_a_module_that_exists(tmp_path: Path) -> None:
    assert missing(SRC / "tuinews") == []
    package = tmp_path / "tuinews"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text("def main():\n    from tuinews.library import gone\n")
    assert missing(package) == ["tuinews.cli line 2 imports tuinews.library"]


def test_no_module_is_over_500_lines() -> None:
    long = {
        name: lines
        for name, path in modules(SRC / "tuinews").items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def unexplained(root: Path) -> list[str]:
    """Imports inside functions with no reason given: a function-level import defers a
    heavy module (start-up speed) and says so, in a comment on the line right above its
    group (the imports written one after another in the same block, blank lines between
    them allowed) or on its line (which explains the imports after it in the group too).
    Anything else belongs at the top of the module."""
    found: list[tuple[str, int, str]] = []
    for module, path in sorted(modules(root).items()):
        source = path.read_text(encoding="utf-8")
        comments = {
            token.start[0]
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT
        }
        lines = source.splitlines()
        blocks = {
            id(block): block
            for function in ast.walk(ast.parse(source))
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(function)
            for field in ("body", "orelse", "finalbody")
            if isinstance(block := getattr(node, field, None), list)
        }
        for block in blocks.values():
            explained = in_group = False
            for statement in block:
                if not isinstance(statement, ast.Import | ast.ImportFrom):
                    explained = in_group = False
                    continue
                if not in_group:  # the group's first import: a comment right above it?
                    explained, in_group = statement.lineno - 1 in comments, True
                own = range(statement.lineno, (statement.end_lineno or statement.lineno) + 1)
                explained = explained or bool(comments.intersection(own))
                if not explained:
                    found.append((module, statement.lineno, lines[statement.lineno - 1].strip()))
    return [f"{module} line {line}: {text}" for module, line, text in sorted(found)]


def test_every_import_inside_a_function_says_why(tmp_path: Path) -> None:
    assert unexplained(SRC / "tuinews") == []
    package = tmp_path / "tuinews"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text(
        "def explained():\n"
        "    # (lxml, ~30 ms: only for pages)\n"
        "    import asyncio\n"
        "\n"
        "    from lxml import etree\n"
        "    import feedparser  # (~50 ms)\n"
        "\n"
        "\n"
        "def bare(path):\n"
        "    import json\n"
        "\n"
        "    if path:\n"
        "        from tuinews.store import Store\n"
        "    import sys\n"
        "    import difflib  # (a comment on its line: for the rest of its group too)\n"
        "    import heapq\n"
        "    return 1\n"
    )
    assert unexplained(package) == [
        "tuinews.cli line 10: import json",
        "tuinews.cli line 13: from tuinews.store import Store",
        "tuinews.cli line 14: import sys",
    ]
