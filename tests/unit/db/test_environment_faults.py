"""Database and environment faults: each ends in one line naming the path or variable and what
to do, a non-zero exit, and nothing half-written.

The CLI cases run the real `seasonwatch` command as a subprocess. Read-only directories are made
with `chattr +i` (immutable), which refuses file creation to root too; a plain `chmod` would not,
since root ignores permission bits. Where `chattr` is unavailable that test is skipped.
"""

import dataclasses
import errno
import json
import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.core.errors import StoreError, WriteFailed
from bot.core.models import Editor
from bot.db.faults import explain, written_whole
from bot.store import Store
from tests.support.catalogue import cast_fact

pytestmark = pytest.mark.sqlite_only  # SQLite's own faults (a full disk, a locked file) and its trace


def seasonwatch(*args, tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN",)}
    environment.update({"DATABASE_PATH": str(tmp_path / "cli.db"), "LOG_LEVEL": "WARNING", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60,
        env=environment, cwd=tmp_path,
    )


def one_line_error(result, *names):
    """Exit status 1 and exactly one line on stderr, an `error:` naming each of `names`."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def make_database(tmp_path, name="cli.db"):
    result = seasonwatch("db", "upgrade", tmp_path=tmp_path, DATABASE_PATH=str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    return tmp_path / name


@pytest.fixture
def immutable(tmp_path):
    """A directory that nobody, root included, may create files in (chattr +i)."""
    folder = tmp_path / "immutable"
    folder.mkdir()
    made = []

    def make(prepare=lambda folder: None):
        prepare(folder)
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not available here")
        made.append(folder)
        probe = folder / "probe"
        with pytest.raises(OSError):
            probe.touch()
        return folder

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


# -- DATABASE_PATH -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["export", "run"])
def test_a_database_in_a_missing_directory(tmp_path, command):
    path = tmp_path / "missing" / "bot.db"
    result = seasonwatch(command, tmp_path=tmp_path, DATABASE_PATH=str(path), DISCORD_TOKEN="x.y.z",
                         DISCORD_API_BASE=f"http://127.0.0.1:{closed_port()}")
    line = one_line_error(result, f"DATABASE_PATH={path}", "does not exist", "mkdir -p")
    assert "create it" in line
    assert not path.parent.exists()


def test_a_database_under_a_regular_file(tmp_path):
    (tmp_path / "afile").write_text("x")
    path = tmp_path / "afile" / "bot.db"
    one_line_error(seasonwatch("export", tmp_path=tmp_path, DATABASE_PATH=str(path)),
                   f"DATABASE_PATH={path}", f"{tmp_path / 'afile'} is a file, not a directory")
    assert (tmp_path / "afile").read_text() == "x"


def test_a_new_database_in_a_read_only_directory(tmp_path, immutable):
    folder = immutable()
    path = folder / "bot.db"
    one_line_error(seasonwatch("export", tmp_path=tmp_path, DATABASE_PATH=str(path)),
                   f"DATABASE_PATH={path}", f"the directory {folder} is read-only", "make it writable")
    assert listing(folder) == {}


def test_an_existing_database_in_a_read_only_directory(tmp_path, immutable):
    # WAL mode needs to create bot.db-wal and bot.db-shm next to the database.
    def prepare(folder):
        make_database(tmp_path, "immutable/bot.db")

    folder = immutable(prepare)
    before = listing(folder)
    one_line_error(seasonwatch("export", tmp_path=tmp_path, DATABASE_PATH=str(folder / "bot.db")),
                   "DATABASE_PATH=", "is read-only")
    assert listing(folder) == before


def test_a_database_path_that_is_a_directory(tmp_path):
    folder = tmp_path / "adir"
    folder.mkdir()
    one_line_error(seasonwatch("export", tmp_path=tmp_path, DATABASE_PATH=str(folder)),
                   f"DATABASE_PATH={folder}", "is a directory")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("damage", ["random bytes", "garbled pages"])
def test_a_corrupt_database(tmp_path, damage):
    path = tmp_path / "cli.db"
    if damage == "random bytes":
        path.write_bytes(os.urandom(20_000))
    else:  # a real database whose pages after the first are garbage
        make_database(tmp_path)
        data = path.read_bytes()
        path.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    before = listing(tmp_path)
    line = one_line_error(seasonwatch("export", tmp_path=tmp_path), f"DATABASE_PATH={path}",
                          "corrupt", "backup")
    assert "not a database" in line or "malformed" in line
    assert listing(tmp_path) == before


@pytest.mark.parametrize("mode", ["wal", "delete"])
def test_a_database_another_process_holds_a_write_lock_on(tmp_path, mode):
    """WAL (seasonwatch's own mode): readers go on, a write waits 5 s and gives up. A rollback-
    journal database under an exclusive lock cannot even be opened."""
    path = make_database(tmp_path)
    exported = tmp_path / "export.json"
    assert seasonwatch("export", str(exported), tmp_path=tmp_path).returncode == 0
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        if mode == "delete":
            holder.execute("PRAGMA journal_mode=DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE show SET title = title")
        args = ("import", str(exported)) if mode == "wal" else ("export",)
        one_line_error(seasonwatch(*args, tmp_path=tmp_path), f"DATABASE_PATH={path}",
                       "another process holds a write lock", "stop that process")
    finally:
        holder.rollback()
        holder.close()


def test_a_path_that_mentions_full_or_locked_is_not_taken_for_the_fault(tmp_path):
    path = tmp_path / "disk-full-database-locked-corrupt" / "export.json"
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
    assert explain(path, error, where="export", instead="choose another path") == (
        f"export: the directory {path.parent} does not exist; "
        f"create it (mkdir -p {path.parent}) or choose another path")


@pytest.mark.parametrize("fault", ["missing directory", "directory", "random bytes"])
async def test_store_open_raises_a_store_error_naming_database_path(tmp_path, fault):
    path = {"missing directory": tmp_path / "missing" / "bot.db", "directory": tmp_path,
            "random bytes": tmp_path / "bot.db"}[fault]
    if fault == "random bytes":
        path.write_bytes(os.urandom(20_000))
    with pytest.raises(StoreError, match=f"^DATABASE_PATH={re.escape(str(path))}: "):
        await Store.open(path)


# -- backup and export -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["backup", "export"])
def test_backup_and_export_to_a_missing_directory(tmp_path, command):
    make_database(tmp_path)
    target = tmp_path / "missing" / "copy"
    one_line_error(seasonwatch(command, str(target), tmp_path=tmp_path), str(target),
                   f"the directory {target.parent} does not exist")


def test_backup_onto_the_database_itself_is_refused(tmp_path):
    path = make_database(tmp_path)
    before = listing(tmp_path)
    for target in (str(path), "cli.db", f"{tmp_path}/./cli.db"):
        one_line_error(seasonwatch("backup", target, tmp_path=tmp_path), "the database itself")
    assert listing(tmp_path) == before


@pytest.mark.parametrize("command", ["backup", "export"])
def test_backup_and_export_leave_no_partial_file_when_the_target_is_a_directory(tmp_path, command):
    make_database(tmp_path)
    (tmp_path / "adir").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    one_line_error(seasonwatch(command, str(tmp_path / "adir"), tmp_path=tmp_path), "is a directory")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / "adir").iterdir()) == []


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "export.json"
    target.write_text("old")
    with pytest.raises(OSError), written_whole(target) as partial:
        partial.write_text("half of the new")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert listing(tmp_path) == {"export.json": b"old"}


@pytest.mark.parametrize("command", ["backup", "export"])
def test_backup_and_export_through_a_link_write_the_linked_file(tmp_path, command):
    make_database(tmp_path)
    (tmp_path / "real").write_text("old")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = seasonwatch(command, "link", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real").read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.db", "link", "real"]


def test_export_into_a_pipe_writes_into_it(tmp_path):
    make_database(tmp_path)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    read = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_text()), daemon=True)
    reader.start()
    result = seasonwatch("export", str(pipe), tmp_path=tmp_path)
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert json.loads(read[0])["format"] == 1 and stat.S_ISFIFO(pipe.stat().st_mode)


# -- run ---------------------------------------------------------------------------------------


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_run_when_discord_cannot_be_reached(tmp_path):
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    token = "MTAx.not-a-real.token-xyz"
    result = seasonwatch("run", tmp_path=tmp_path, DISCORD_TOKEN=token, DISCORD_API_BASE=base)
    line = one_line_error(result, f"DISCORD_API_BASE={base}", "cannot reach Discord")
    assert token not in line


def test_run_prints_no_voice_warnings(tmp_path):
    base = f"http://127.0.0.1:{closed_port()}/api/v10"
    result = seasonwatch("run", tmp_path=tmp_path, DISCORD_TOKEN="x.y.z", DISCORD_API_BASE=base,
                         LOG_LEVEL="DEBUG")
    assert "discord.client" in result.stderr  # it did log at DEBUG, only not about voice
    assert "PyNaCl" not in result.stderr and "davey" not in result.stderr
    assert "voice" not in result.stderr


# -- the disk filling during a publish ----------------------------------------------------------


async def test_a_publish_that_fills_the_disk_leaves_no_change_without_its_deliveries(store, show):
    """Raise SQLite's page cap step by step until a big change with 300 deliveries fits: every
    attempt before fails (after the entry and the change, on the deliveries), each rolled back whole."""
    channels = 300
    for channel in range(1, channels + 1):
        await store.alerts.subscribe(1, channel, show_id=None, created_by=5)
    db = store.database.conn.raw  # SQLite's own connection: its trace callback and page cap
    statements = []
    await db.set_trace_callback(statements.append)
    [(pages,)] = await db.execute_fetchall("PRAGMA page_count")
    fact = cast_fact(person="Kim Newcomer")
    fact = dataclasses.replace(fact, fields={**fact.fields, "note": "노트" * 400})
    failed_after = set()
    for cap in range(pages, pages + 100):
        await db.execute(f"PRAGMA max_page_count = {cap}")
        statements.clear()
        try:
            change = await store.catalogue.write(show.id, "cast", "kim newcomer", fact, expected_version=0,
                                       editor=Editor(1, "editor"))
        except WriteFailed as exc:
            assert "database or disk is full" in str(exc) and "nothing was saved" in str(exc)
            failed_after.add(next(s.split()[2] for s in reversed(statements) if s.startswith("INSERT")))
            assert store.view.entry(show.id, "cast", "kim newcomer") is None
            await assert_consistent(db, show.id, changes=0, deliveries=0)
            continue
        break
    else:
        pytest.fail("the change never fitted")
    # At least one attempt wrote the entry and the change, then failed on its deliveries.
    assert "delivery" in failed_after, failed_after
    assert store.view.entry(show.id, "cast", "kim newcomer").version == 1
    assert (await db.execute_fetchall("SELECT count(*) FROM delivery WHERE change_id = ?",
                                      (change.id,)))[0][0] == channels
    await assert_consistent(db, show.id, changes=1, deliveries=channels)


async def assert_consistent(db, show_id, *, changes, deliveries):
    assert await db.execute_fetchall("PRAGMA foreign_key_check") == []
    [(check,)] = await db.execute_fetchall("PRAGMA integrity_check")
    assert check == "ok"
    [(count,)] = await db.execute_fetchall(
        "SELECT count(*) FROM change c JOIN entry e ON e.id = c.entry_id WHERE e.show_id = ?", (show_id,))
    assert count == changes
    assert (await db.execute_fetchall("SELECT count(*) FROM delivery"))[0][0] == deliveries
    # Every entry is at the version of its latest change: no entry row without its change.
    assert await db.execute_fetchall(
        "SELECT e.id FROM entry e WHERE e.show_id = ? AND e.version != "
        "(SELECT coalesce(max(version), 0) FROM change WHERE entry_id = e.id)", (show_id,)) == []
