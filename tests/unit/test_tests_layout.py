"""The tests' own rules: helpers live in tests/support/ (a conftest holds only fixtures and hooks,
and no test imports from one), and a test uses what production code offers, not its private
attributes. The few reaches production has no public way for yet are counted below: that count
may only go down."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from tests.support.paths import REPO

TESTS = REPO / "tests"

# Private attributes tests still reach, with why, at most this many times. Remove an entry when
# its reason goes.
STILL_REACHED = {
    # tests/unit/db/test_postgres.py cuts the listening connection to show the view reloads.
    "_listener": 1,
}
# Public despite the underscore: namedtuple's API.
PUBLIC = {"_replace", "_asdict", "_fields", "_make"}
FIXTURE_DECORATORS = {"fixture"}  # pytest.fixture, pytest_asyncio.fixture


def private_reaches(source: str) -> list[str]:
    """`obj._name` (not self's or cls's), `setattr(obj, "_name", ...)` and the like, and
    `from m import _name`: every private name of something else a module touches."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                found.append(node.attr)
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            named = node.args[1]
            if name in ("getattr", "setattr", "hasattr", "delattr") and isinstance(named, ast.Constant):
                found.append(str(named.value))
        elif isinstance(node, ast.ImportFrom):
            found += [alias.name for alias in node.names]
    return [n for n in found if n.startswith("_") and not n.startswith("__") and n not in PUBLIC]


def conftest_imports(source: str) -> list[str]:
    """The modules named `conftest` that `source` imports from."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "conftest":
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[-1] == "conftest"]
    return found


def non_fixtures(source: str) -> list[str]:
    """What a conftest defines at the top level that is neither a fixture nor a pytest hook."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            found.append(node.name)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            fixture = any(getattr(d, "attr", getattr(d, "id", None)) in FIXTURE_DECORATORS
                          for d in decorators)
            if not fixture and not node.name.startswith("pytest_"):
                found.append(node.name)
    return found


def modules() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


def test_private_reaches_are_found_in_every_form():
    source = """
import os
from bot.x import _hidden, shown
self._own, cls._also, obj.__dict__, parts._replace(a=1)
store._db.execute(); monkeypatch.setattr(Fetcher, "_socket", f); getattr(x, "_y")
"""
    assert sorted(private_reaches(source)) == ["_db", "_hidden", "_socket", "_y"]


def test_conftest_imports_and_helpers_in_a_conftest_are_found():
    assert conftest_imports("from tests.unit.conftest import A\nfrom .conftest import B\n"
                            "import tests.e2e.conftest\nfrom tests.support.x import C") == \
        ["tests.unit.conftest", ".conftest", "tests.e2e.conftest"]
    source = """
@pytest.fixture
def a(): ...
@pytest_asyncio.fixture(scope="session")
async def b(): ...
def pytest_configure(config): ...
def helper(): ...
class Helper: ...
"""
    assert non_fixtures(source) == ["helper", "Helper"]


def test_no_test_imports_from_a_conftest():
    found = {str(p.relative_to(REPO)): conftest_imports(p.read_text("utf-8")) for p in modules()}
    assert {path: names for path, names in found.items() if names} == {}, \
        "import helpers from tests/support/, not from a conftest"


@pytest.mark.parametrize("conftest", sorted(TESTS.rglob("conftest.py")),
                         ids=lambda p: str(p.relative_to(TESTS)))
def test_a_conftest_holds_only_fixtures_and_hooks(conftest):
    assert non_fixtures(conftest.read_text("utf-8")) == [], "move helpers to tests/support/"


def test_tests_reach_no_more_private_attributes_than_listed():
    counts = Counter(name for p in modules() for name in private_reaches(p.read_text("utf-8")))
    over = {name: n for name, n in counts.items() if n > STILL_REACHED.get(name, 0)}
    assert over == {}, "use a public API (see STILL_REACHED for the few not yet replaced)"
