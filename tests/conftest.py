"""Fixtures every test directory shares: the database backends, a local feed server, and the
TVmaze stand-in (`tvmaze`: standin/tvmaze.py, its data and faults changeable by the test).

A test (or fixture) that asks for `backend` runs once per backend, "sqlite" and "postgresql";
`sqlite_only` keeps one to SQLite (it reads the SQLite file itself, or is too slow for twice),
`postgresql_only` to PostgreSQL (what only it does: LISTEN/NOTIFY, `db copy`'s target).
`new_database()` gives a fresh empty database of the test's backend: a file path, or a
postgresql:// URL on the test server (tests/pg.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from standin.tvmaze import TVmazeStandIn
from tests.feeds import FeedServer
from tests.pg import Server

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: run against SQLite only")
    config.addinivalue_line("markers", "postgresql_only: run against PostgreSQL only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        only = [b for b in BACKENDS if marked(f"{b}_only")]
        metafunc.parametrize("backend", only or BACKENDS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "backend" in callspec.params:
            item.user_properties.append(("backend", callspec.params["backend"]))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Per backend, how many tests ran through it and passed: PostgreSQL's are never skipped.
    counts: dict[str, dict[str, int]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if not isinstance(report, pytest.TestReport):
                continue  # warnings and the like
            backend = dict(getattr(report, "user_properties", [])).get("backend")
            if backend and (report.when == "call" or report.outcome != "passed"):
                per = counts.setdefault(backend, {})
                per[report.outcome] = per.get(report.outcome, 0) + 1
    for backend, per in sorted(counts.items()):
        terminalreporter.write_line(
            f"backend {backend}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(per.items())))


@pytest_asyncio.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    """A local feed server (tests/feeds.py) serving what each test gives it."""
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def tvmaze() -> AsyncIterator[TVmazeStandIn]:
    """The TVmaze stand-in on 127.0.0.1, serving its demo shows; `tvmaze.base` is its URL."""
    server = TVmazeStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    server = Server()
    yield server
    server.stop()


@pytest_asyncio.fixture
async def new_database(backend: str, tmp_path: Path,
                       request: pytest.FixtureRequest) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    made: list[str] = []
    # Only a PostgreSQL test starts the server: a SQLite-only run needs none.
    server: Server | None = request.getfixturevalue("pg_server") if backend == "postgresql" else None

    async def new() -> Path | str:
        if server is None:
            made.append(str(tmp_path / f"db{len(made)}.sqlite"))
            return Path(made[-1])
        made.append(await server.create())
        return made[-1]

    yield new
    if server is not None:
        for url in made:
            await server.drop(url)
