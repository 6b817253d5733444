"""What several benchmarks share: a PostgreSQL database to run on, and a table of figures."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence


@contextlib.asynccontextmanager
async def postgres_database(url: str | None) -> AsyncIterator[str]:
    """`url` (an empty database the caller named), or a database on a throw-away server from
    the `pgserver` test dependency, the one the tests use, dropped and stopped afterwards."""
    if url is not None:
        yield url
        return
    from tests.pg import Server

    server = Server()
    made = await server.create()
    try:
        yield made
    finally:
        await server.drop(made)
        server.stop()


def aligned(rows: Sequence[Sequence[str]], *, first_left: bool = True) -> str:
    """Rows of cells as text columns, the first row a header underlined with dashes; numbers
    right-aligned, the first column left-aligned unless `first_left` is False."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.rjust(w) for c, w in zip(row, widths, strict=True)]
        if first_left:
            cells[0] = row[0].ljust(widths[0])
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
