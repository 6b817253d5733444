"""The layout is the architecture: no import cycles anywhere, the stand-in only in the sandbox, and
dependencies pointing one way (core <- i18n <- db <- outbox <- interactions <- features <- the
composition root and app <- cli <- sandbox). Imports are read from the source, deferred and
type-only ones included: a cycle hidden behind TYPE_CHECKING is still one to a reader."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs", "standin")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module an import-from names, relative imports resolved against the file's package."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a file imports (a name imported from a package counts as the package,
    or as its submodule when it is one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node, path)
            # `from package import submodule` runs the package's __init__ first: both count.
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) - {name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(graph()) == []


def test_only_the_sandbox_imports_the_stand_in() -> None:
    offenders = {
        name: sorted(t for t in targets if t.split(".")[0] == "standin")
        for name, targets in graph().items()
        if name.startswith(("bot", "cogs")) and not name.startswith("bot.sandbox.")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_interactions_import_neither_the_app_nor_its_configuration() -> None:
    # Access gets who the owners and editors are through its constructor; buttons reach the
    # tree's shutdown gate through a protocol (bot.interactions.buttons.Gate).
    above = ("bot.app", "bot.config", "bot.cli", "bot.services", "cogs")
    offenders = {
        name: sorted(t for t in targets if t == "cogs" or t.startswith(above))
        for name, targets in graph().items()
        if name.startswith("bot.interactions")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_web_imports_neither_the_composition_root_nor_the_app() -> None:
    # The server gets its pages and the operators' routes from bot/services.py, not the reverse.
    above = ("bot.app", "bot.cli", "bot.services", "bot.sandbox", "cogs")
    offenders = {
        name: sorted(t for t in targets if t == "cogs" or t.startswith(above))
        for name, targets in graph().items()
        if name.startswith("bot.web")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


# Lower layers never import higher ones; the features (one layer) may use each other.
LAYERS = {
    "bot": 0, "bot.logs": 0, "bot.metrics": 0, "bot.core": 0, "bot.i18n": 1, "bot.db": 2, "bot.outbox": 3,
    "bot.interactions": 4, "bot.catalogue": 5, "bot.alerts": 6, "bot.reminders": 6,
    "bot.predictions": 6, "bot.news": 6, "bot.listings": 6,
    "bot.store": 7, "bot.services": 7, "bot.config": 7, "bot.web": 7,
    "bot.app": 8, "bot.sandbox": 9, "bot.cli": 10, "bot.__main__": 11,  # cli starts the sandbox
}
# A stored notice's type, named in a record: the record is the domain's, its wording is i18n's.
TYPE_ONLY = {("bot.core.models", "bot.i18n.notices")}


def layer(module: str) -> int | None:
    parts = module.split(".")
    for size in (2, 1):
        found = LAYERS.get(".".join(parts[:size]))
        if found is not None:
            return found
    return None


def upward(edges: dict[str, set[str]]) -> set[tuple[str, str]]:
    found = set()
    for name, targets in edges.items():
        here = layer(name)
        for target in targets:
            there = layer(target)
            if here is not None and there is not None and there > here:
                found.add((name, target))
    return found


def test_dependencies_point_one_way() -> None:
    assert upward(graph()) - TYPE_ONLY == set()


def test_the_layer_check_finds_an_import_that_points_up() -> None:
    edges = {"bot.core.facts": {"bot.catalogue.store"}, "bot.alerts.store": {"bot.news.store"}}
    assert upward(edges) == {("bot.core.facts", "bot.catalogue.store")}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
