"""Why a database, backup or export file cannot be used: one line that names it and says what to do.

SQLite reports most file-system faults as "unable to open database file"; the file system says
which one it is (a missing or read-only directory, a directory, a file where a directory should be).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.core.errors import StoreError, WriteFailed

log = logging.getLogger(__name__)

ELSEWHERE = "point DATABASE_PATH elsewhere"


def explain(path: Path, error: BaseException, *, where: str | None = None,
            instead: str = ELSEWHERE) -> str:
    """`where` (by default `DATABASE_PATH=path`), what is wrong and what to do, on one line."""
    problem = _error_problem(error, instead) or _file_problem(path, instead)
    if problem is None:
        problem = f"cannot use it ({_one_line(error)}); check the path and its permissions, or {instead}"
    return f"{where or f'DATABASE_PATH={path}'}: {problem}"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _kind(error: BaseException) -> str | None:
    """"locked", "full" or "corrupt" by the error's code (never by its text, which may hold a path)."""
    if isinstance(error, sqlite3.Error):
        code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF  # the primary result code
        return {sqlite3.SQLITE_BUSY: "locked", sqlite3.SQLITE_LOCKED: "locked",
                sqlite3.SQLITE_FULL: "full", sqlite3.SQLITE_NOTADB: "corrupt",
                sqlite3.SQLITE_CORRUPT: "corrupt"}.get(code)
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    return None


def _error_problem(error: BaseException, instead: str) -> str | None:
    """What the error itself says, when that is enough."""
    text, kind = _one_line(error), _kind(error)
    if kind == "locked":
        return (f"another process holds a write lock on it ({text}); stop that process (another "
                "seasonwatch, an import, a sqlite3 shell) and try again")
    if kind == "full":
        return (f"the disk is full or the database reached its size limit ({text}); nothing was "
                "written: free some disk space and try again")
    if kind == "corrupt":
        return (f"not a SQLite database, or a corrupt one ({text}); restore it from a backup "
                f"(seasonwatch backup makes them) or {instead}")
    return None


def _file_problem(path: Path, instead: str) -> str | None:
    """What the file system says about `path` and its directory."""
    path = path.absolute()
    if path.is_dir():
        return (f"is a directory, not a file; use a file in it (such as {path / 'seasonwatch.db'}) "
                f"or {instead}")
    parent = path.parent
    existing = next(folder for folder in (parent, *parent.parents) if folder.exists())
    if not existing.is_dir():
        return f"{existing} is a file, not a directory; {instead}"
    if existing != parent:
        return f"the directory {parent} does not exist; create it (mkdir -p {parent}) or {instead}"
    if not os.access(parent, os.W_OK | os.X_OK):
        return (f"the directory {parent} is read-only, and SQLite must be able to create files "
                f"there ({path.name} and its -wal and -shm files); make it writable or {instead}")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"the file cannot be read and written by this user; fix its permissions or {instead}"
    return None


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """The file to write instead of `path`: a partial one beside it, renamed over it if the block
    succeeds and removed if not, so `path` is written whole or not at all. A device, pipe or
    directory is given as is (a rename would replace it); a symbolic link is followed."""
    final = path.resolve()
    if final.exists() and not final.is_file():
        yield path
        return
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        yield partial
        partial.replace(final)
    finally:
        partial.unlink(missing_ok=True)


def probe(path: Path) -> None:
    """Open and close `path` with plain sqlite3: raises what opening it raises.

    aiosqlite leaves its worker thread behind when connecting fails, and that thread then fails
    with "Event loop is closed"; failing here first keeps that from happening.
    """
    sqlite3.connect(path).close()


@contextlib.contextmanager
def failed_writes(path: Path) -> Iterator[None]:
    """Turn SQLite refusing a write (disk full, locked) into a WriteFailed for the user,
    and log for the operator which database and what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _kind(exc) not in ("full", "locked"):
            raise
        log.error("a write failed and was rolled back: %s", explain(path, exc))
        raise WriteFailed(
            "The database could not be written ({why}), so nothing was saved or announced. "
            "The bot's operator can see why in its log; try again later.", why=_one_line(exc)
        ) from exc


def check_backup_target(database: Path, target: Path) -> None:
    """Refuse to back the database up onto itself (the copy would wipe it)."""
    try:
        same = target.resolve() == database.resolve() or os.path.samefile(target, database)
    except OSError:  # either one missing: not the same file
        same = False
    if same:
        raise StoreError(f"backup target {target}: that is the database itself (DATABASE_PATH); "
                         "back it up to another file")
