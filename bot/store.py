"""The only place SQL lives: SQLite through aiosqlite, plus an in-memory view of the catalogue.

Reads are hot and writes rare, so the current shows and entries are kept in memory and
refreshed by the write path after each commit; SQLite stays the truth. History is read from
the database since it is paged and rarely asked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import logging
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aiosqlite

from bot.dbfaults import check_backup_target, explain, failed_writes, probe, written_whole
from bot.errors import ConflictError, InvalidImport, InvalidInput, StoreError, UserError
from bot.facts import check_fact, check_key, check_line, check_name, fold, quote, same_name
from bot.models import (
    ANSWER_FIELD,
    CONFIDENCE_RANK,
    KINDS,
    MIN_CONFIDENCES,
    TOPICS,
    Change,
    Delivery,
    Editor,
    Entry,
    Fact,
    Guess,
    Prediction,
    PredictionEvent,
    Show,
    Standing,
    Subscription,
)
from bot.predictions import PREDICTION_KINDS, check_choices, parse_answer, score

log = logging.getLogger(__name__)
T = TypeVar("T")

EXPORT_FORMAT = 1
SEED_FILE = "all-of-us-are-dead.json"
IMPORTER = Editor(0, "import")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SHOW_KEYS = ("slug", "title", "original_title", "network", "season", "aliases", "archived")
_ENTRY_KEYS = ("kind", "key", "fields", "confidence", "source_name", "source_url", "as_of")
_BASIS_KEYS = {"confidence", "source_name", "source_url", "as_of", "note"}


def _bases_shaped(bases: Any) -> bool:
    """Whether an imported `bases` has the shape `Basis.from_json` reads."""
    return isinstance(bases, Mapping) and all(
        isinstance(b, Mapping) and {"confidence", "source_url", "as_of"} <= set(b) <= _BASIS_KEYS
        and all(isinstance(v, str) or v is None for v in b.values()) for b in bases.values())


@dataclass(frozen=True)
class Migration:
    """One numbered schema script."""

    version: int
    name: str
    script: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    shows_added: int
    entries_changed: int


def migrations() -> list[Migration]:
    """The packaged migrations, in order."""
    found = []
    for item in resources.files("bot.migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append(Migration(int(match.group(1)), item.name, item.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise StoreError("migrations must be numbered 0001, 0002, … without gaps")
    return found


def now_iso() -> str:
    """The current UTC time as stored in the database."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _fact_json(fact: Fact | None) -> str | None:
    return None if fact is None else json.dumps(fact.to_json(), ensure_ascii=False, sort_keys=True)


def _fact(text: str | None) -> Fact | None:
    return None if text is None else Fact.from_json(json.loads(text))


def _show(row: sqlite3.Row) -> Show:
    return Show(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        original_title=row["original_title"],
        network=row["network"],
        season=row["season"],
        aliases=tuple(json.loads(row["aliases"])),
        archived=bool(row["archived"]),
    )


def _change(row: sqlite3.Row) -> Change:
    return Change(
        id=row["id"],
        entry_id=row["entry_id"],
        show_id=row["show_id"],
        kind=row["kind"],
        key=row["key"],
        version=row["version"],
        before=_fact(row["before"]),
        after=_fact(row["after"]),
        editor=Editor(row["editor_id"], row["editor_name"]),
        created_at=row["created_at"],
        reason=row["reason"],
        silent=bool(row["silent"]),
        correction_of=row["correction_of"],
    )


def _prediction(row: sqlite3.Row) -> Prediction:
    return Prediction(
        id=row["id"], show_id=row["show_id"], question=row["question"], kind=row["kind"],
        choices=tuple(json.loads(row["choices"])), closes_at=row["closes_at"],
        entry_id=row["entry_id"], state=row["state"], closed_at=row["closed_at"],
        answer=row["answer"], opened_by=Editor(row["opened_by"], row["opened_by_name"]),
        resolved_by=row["resolved_by"], resolved_at=row["resolved_at"], created_at=row["created_at"],
    )


def _guess(row: sqlite3.Row) -> Guess:
    return Guess(
        id=row["id"], prediction_id=row["prediction_id"], user_id=row["user_id"],
        user_name=row["user_name"], guild_id=row["guild_id"], answer=row["answer"],
        guessed_at=row["guessed_at"], points=row["points"],
    )


_CHANGE_SELECT = (
    "SELECT c.*, e.show_id, e.kind, e.key FROM change c JOIN entry e ON e.id = c.entry_id"
)
# CROSS JOIN keeps `change` the outer loop, so "newest first" walks its primary key.
_CHANGE_SELECT_NEWEST = (
    "SELECT c.*, e.show_id, e.kind, e.key FROM change c CROSS JOIN entry e ON e.id = c.entry_id"
)


class Store:
    """The catalogue's database and its in-memory view. Open with `await Store.open(path)`."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        self._shows: dict[int, Show] = {}
        # show id -> (kind, key) -> entry; removed entries are kept with their version only.
        self._entries: dict[int, dict[tuple[str, str], Entry]] = {}
        self._versions: dict[tuple[int, str, str], int] = {}
        self._by_id: dict[int, Entry] = {}
        # Per show: a revision bumped by every write (callers key their caches on it), the
        # number of changes, the time of the latest one, and sorted entry lists built on demand.
        self._revision: dict[int, int] = {}
        self._revisions = itertools.count(1)  # never reset, so a reload cannot repeat a revision
        self._data_version: int | None = None  # to notice commits by other processes
        self._change_counts: dict[int, int] = {}
        self._last_change: dict[int, str] = {}
        self._sorted: dict[tuple[int, str | None], tuple[Entry, ...]] = {}
        # Set after a commit that may have queued deliveries; the announcer waits on it.
        self.deliveries_queued = asyncio.Event()
        # What time it is for predictions' closing times (tests move it forward).
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    # -- opening, closing, migrating -------------------------------------------------------

    @classmethod
    async def open(cls, path: Path | str, *, upgrade: bool = True) -> Store:
        """Open (creating if needed) the database, migrate it and load the catalogue.

        What SQLite cannot open or read is a StoreError naming DATABASE_PATH and what to do."""
        path = Path(path)
        try:
            return await cls._open(path, upgrade)
        except sqlite3.Error as exc:
            raise StoreError(explain(path, exc)) from exc

    @classmethod
    async def _open(cls, path: Path, upgrade: bool) -> Store:
        await asyncio.to_thread(probe, path)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = sqlite3.Row
        store = cls(db, path)
        try:
            # busy_timeout first: another process's short write must not fail the journal_mode.
            for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=FULL",
                           "foreign_keys=ON"):
                await db.execute(f"PRAGMA {pragma}")
            # Resolving scores every guess in one UPDATE, by the rules in bot.predictions.
            await db.create_function("prediction_score", 3, score, deterministic=True)
            await store._check_version()
            if upgrade:
                await store.upgrade()
            elif await store.schema_version() == len(migrations()):
                await store._load()
            await store._follow_other_writers()  # the baseline for noticing other writers
        except BaseException:
            await db.close()
            raise
        return store

    async def close(self) -> None:
        """Close the database connection."""
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def schema_version(self) -> int:
        """The database's `PRAGMA user_version`."""
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _check_version(self) -> None:
        current, latest = await self.schema_version(), len(migrations())
        if current > latest:
            raise StoreError(
                f"{self.path} is at schema version {current}, newer than this seasonwatch "
                f"(knows up to {latest}); upgrade seasonwatch or use another DATABASE_PATH"
            )

    async def upgrade(self) -> tuple[int, int]:
        """Apply pending migrations, each atomically; return (version before, version after)."""
        await self._check_version()
        start = await self.schema_version()
        async with self._write_lock:
            for migration in migrations():
                if migration.version <= await self.schema_version():
                    continue
                await self._apply(migration)
            await self._load()
        return start, await self.schema_version()

    async def _apply(self, migration: Migration) -> None:
        try:
            await self._db.executescript(migration.script)
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                await self._db.rollback()
            raise StoreError(f"migration {migration.name} failed: {exc}") from exc
        if await self.schema_version() != migration.version:
            raise StoreError(f"migration {migration.name} did not set user_version")
        log.info("applied migration %s", migration.name)

    async def _load(self) -> None:
        for cache in (self._shows, self._entries, self._versions, self._by_id, self._revision,
                      self._change_counts, self._last_change, self._sorted):
            cache.clear()
        async with self._db.execute("SELECT * FROM show") as cursor:
            for row in await cursor.fetchall():
                show = _show(row)
                self._shows[show.id] = show
                self._entries[show.id] = {}
        async with self._db.execute("SELECT * FROM entry") as cursor:
            for row in await cursor.fetchall():
                self._remember(row["id"], row["show_id"], row["kind"], row["key"],
                               row["version"], _fact(row["data"]), row["updated_at"])
        sql = ("SELECT e.show_id, COUNT(*), MAX(c.created_at) FROM change c "
               "JOIN entry e ON e.id = c.entry_id GROUP BY e.show_id")
        async with self._db.execute(sql) as cursor:
            for show_id, count, latest in await cursor.fetchall():
                self._change_counts[show_id] = count
                self._last_change[show_id] = latest

    def _remember(self, entry_id: int, show_id: int, kind: str, key: str, version: int,
                  fact: Fact | None, updated_at: str) -> None:
        self._versions[(show_id, kind, key)] = version
        entries = self._entries.setdefault(show_id, {})
        if fact is None:
            entries.pop((kind, key), None)
            self._by_id.pop(entry_id, None)
        else:
            entry = Entry(entry_id, show_id, kind, key, version, fact, updated_at)
            entries[(kind, key)] = self._by_id[entry_id] = entry
        self._revision[show_id] = next(self._revisions)
        for cached in [k for k in self._sorted if k[0] == show_id]:
            del self._sorted[cached]

    async def refresh_if_changed(self) -> bool:
        """Reload the in-memory view if another process (an import, say) committed meanwhile."""
        async with self._write_lock:
            return await self._follow_other_writers()

    async def setting(self, key: str) -> str | None:
        """A value kept with `set_setting` (the synced commands' hash), or None."""
        async with self._db.execute("SELECT value FROM setting WHERE key = ?", (key,)) as cursor:
            row = await cursor.fetchone()
        return None if row is None else str(row[0])

    async def set_setting(self, key: str, value: str) -> None:
        """Keep a value under a key, replacing the one before."""
        async with self._write_lock:
            await self._db.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                   "DO UPDATE SET value = excluded.value", (key, value))

    async def _follow_other_writers(self) -> bool:
        # data_version changes only when another connection commits; our own commits keep it.
        async with self._db.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        if changed:
            log.info("another process changed %s: reloading the catalogue", self.path)
            await self._load()
        return changed

    def _count_change(self, change: Change) -> None:
        self._change_counts[change.show_id] = self._change_counts.get(change.show_id, 0) + 1
        self._last_change[change.show_id] = change.created_at

    # -- reading the catalogue (in memory, no awaits) ------------------------------------

    def shows(self, *, include_archived: bool = False) -> list[Show]:
        """Every show, by title; archived ones only when asked."""
        shows = [s for s in self._shows.values() if include_archived or not s.archived]
        return sorted(shows, key=lambda s: s.title.casefold())

    def show_by_slug(self, slug: str) -> Show | None:
        """The show with this slug, archived or not."""
        return next((s for s in self._shows.values() if s.slug == slug), None)

    def show(self, show_id: int) -> Show | None:
        """The show with this id."""
        return self._shows.get(show_id)

    def entries(self, show_id: int, kind: str | None = None) -> tuple[Entry, ...]:
        """A show's live entries, optionally of one kind, in a stable order."""
        cached = self._sorted.get((show_id, kind))
        if cached is None:
            entries = self._entries.get(show_id, {}).values()
            chosen = [e for e in entries if kind is None or e.kind == kind]
            cached = tuple(sorted(chosen, key=lambda e: (KINDS.index(e.kind), e.key)))
            self._sorted[(show_id, kind)] = cached
        return cached

    def entry_by_id(self, entry_id: int) -> Entry | None:
        """A live entry by its id."""
        return self._by_id.get(entry_id)

    def revision(self, show_id: int) -> int:
        """A number that changes whenever any of the show's entries does (for caches)."""
        return self._revision.get(show_id, 0)

    def change_count(self, show_id: int) -> int:
        """How many changes the show has had."""
        return self._change_counts.get(show_id, 0)

    def last_change(self, show_id: int) -> str | None:
        """When the show last changed (ISO time), if ever."""
        return self._last_change.get(show_id)

    def entry(self, show_id: int, kind: str, key: str) -> Entry | None:
        """One live entry, or None if it does not exist or was removed."""
        return self._entries.get(show_id, {}).get((kind, key))

    def person_key(self, show_id: int, person: str) -> str | None:
        """The key of the show's cast entry for this person (names compared folded), if any."""
        cast = self.entries(show_id, "cast")
        return next((e.key for e in cast if same_name(str(e.fact.fields["person"]), person)), None)

    def entry_version(self, show_id: int, kind: str, key: str) -> int:
        """The current version of an entry: 0 if it never existed (removed ones keep theirs)."""
        return self._versions.get((show_id, kind, key), 0)

    # -- history -------------------------------------------------------------------------

    async def change(self, change_id: int) -> Change | None:
        """One change by its number."""
        async with self._write_lock, self._db.execute(
                f"{_CHANGE_SELECT} WHERE c.id = ?", (change_id,)) as cur:
            row = await cur.fetchone()
        return _change(row) if row else None

    async def changes(self, show_id: int, *, entry_id: int | None = None, offset: int = 0,
                      limit: int = 10) -> list[Change]:
        """A show's changes newest first (optionally of one entry), skipping `offset`."""
        if entry_id is not None:  # the (entry_id, id) index gives them in order
            sql = f"{_CHANGE_SELECT} WHERE c.entry_id = ? AND e.show_id = ?"
            params: list[Any] = [entry_id, show_id]
        else:  # walking changes newest first beats sorting every change of a big show
            sql = f"{_CHANGE_SELECT_NEWEST} WHERE e.show_id = ?"
            params = [show_id]
        sql += " ORDER BY c.id DESC LIMIT ? OFFSET ?"
        # Under the lock: the connection is shared, and a write in progress is not history yet.
        async with self._write_lock, self._db.execute(sql, [*params, limit, offset]) as cursor:
            return [_change(row) for row in await cursor.fetchall()]

    async def count_changes(self, show_id: int) -> int:
        """How many changes the database holds for a show."""
        sql = "SELECT COUNT(*) FROM change c JOIN entry e ON e.id = c.entry_id WHERE e.show_id = ?"
        async with self._db.execute(sql, (show_id,)) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def recent_changes(self, limit: int = 100) -> list[Change]:
        """The latest changes across every show, newest first."""
        sql = f"{_CHANGE_SELECT} ORDER BY c.id DESC LIMIT ?"
        async with self._write_lock, self._db.execute(sql, (limit,)) as cursor:
            return [_change(row) for row in await cursor.fetchall()]

    # -- the single write path ---------------------------------------------------------------

    async def write(self, show_id: int, kind: str, key: str, fact: Fact | None, *,
                    expected_version: int, editor: Editor, reason: str | None = None,
                    silent: bool = False, correction_of: int | None = None) -> Change:
        """Write an entry's new fact (None removes it) as one change, if still at `expected_version`."""
        if fact is not None:
            fact = check_fact(kind, fact)
        async with self._write_lock:
            with failed_writes(self.path):  # disk full, locked: rolled back, told to the editor
                await self._follow_other_writers()  # so a conflict reports what is really there
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    change = await self._write_in_tx(show_id, kind, key, fact, expected_version,
                                                     editor, reason, silent, correction_of)
                    await self._db.commit()
                except BaseException:
                    await self._db.rollback()
                    raise
            self._remember(change.entry_id, show_id, kind, key, change.version, fact,
                           change.created_at)
            self._count_change(change)
        if not silent:
            self.deliveries_queued.set()  # after the commit: wake the announcer
        return change

    async def _write_in_tx(self, show_id: int, kind: str, key: str, fact: Fact | None,
                           expected_version: int, editor: Editor, reason: str | None,
                           silent: bool, correction_of: int | None) -> Change:
        if kind == "cast" and fact is not None:
            # One entry per person: `José Kim` typed another way must not start a second one.
            same = self.person_key(show_id, str(fact.fields["person"]))
            if same is not None and same != key:
                raise InvalidInput("person", f"`{quote(str(fact.fields['person']))}` is already "
                                             f"listed (as `{quote(same)}`); edit that entry.")
        sql = "SELECT id, version, data FROM entry WHERE show_id = ? AND kind = ? AND key = ?"
        async with self._db.execute(sql, (show_id, kind, key)) as cursor:
            row = await cursor.fetchone()
        current_version = row["version"] if row else 0
        if current_version != expected_version:
            raise ConflictError(self.entry(show_id, kind, key))
        before = _fact(row["data"]) if row else None
        if before is None and fact is None:
            raise UserError("That entry does not exist (it may have been removed already).")
        created_at = now_iso()
        version = current_version + 1
        if row is None:
            cursor = await self._db.execute(
                "INSERT INTO entry (show_id, kind, key, version, data, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (show_id, kind, key, version, _fact_json(fact), created_at),
            )
            entry_id = cursor.lastrowid
            assert entry_id is not None
        else:
            entry_id = row["id"]
            await self._db.execute(
                "UPDATE entry SET version = ?, data = ?, updated_at = ? WHERE id = ?",
                (version, _fact_json(fact), created_at, entry_id),
            )
        cursor = await self._db.execute(
            "INSERT INTO change (entry_id, version, before, after, editor_id, editor_name, "
            "created_at, reason, silent, correction_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, version, _fact_json(before), _fact_json(fact), editor.id, editor.name,
             created_at, reason, int(silent), correction_of),
        )
        assert cursor.lastrowid is not None
        change = Change(cursor.lastrowid, entry_id, show_id, kind, key, version, before, fact,
                        editor, created_at, reason, silent, correction_of)
        if not silent:
            await self._queue_deliveries(change)  # the outbox: same transaction as the change
        if fact is not None and fact.basis(ANSWER_FIELD.get(kind, "")).confidence == "confirmed":
            # Questions tied to this entry close the moment the value answering them is confirmed.
            await self._db.execute(
                "UPDATE prediction SET state = 'closed', closed_at = ? "
                "WHERE entry_id = ? AND state = 'open'", (created_at, entry_id))
        return change

    async def undo(self, change_id: int, *, expected_version: int, editor: Editor,
                   reason: str | None = None, silent: bool = False) -> Change:
        """Restore what a change replaced, as a new change marked as its correction."""
        target = await self.change(change_id)
        if target is None:
            raise UserError(f"There is no change #{change_id}; pick one from /history.")
        return await self.write(
            target.show_id, target.kind, target.key, target.before,
            expected_version=expected_version, editor=editor,
            reason=reason or f"undo of #{change_id}", silent=silent, correction_of=change_id,
        )

    # -- shows ---------------------------------------------------------------------------------

    async def add_show(self, slug: str, title: str, season: int, *,
                       original_title: str | None = None, network: str | None = None,
                       aliases: Iterable[str] = ()) -> Show:
        """Add a tracked show; the slug must be new."""
        show = _check_show(Show(0, slug, title, original_title, network, season,
                                tuple(aliases), False))
        async with self._write_lock:
            # Checked under the lock: two adds of one slug at once must not both pass.
            await self._follow_other_writers()
            if self.show_by_slug(show.slug):
                raise InvalidInput("slug", f"`{show.slug}` is taken; pick another slug.")
            _check_names_free(show, self._shows.values())
            cursor = await self._db.execute(
                "INSERT INTO show (slug, title, original_title, network, season, aliases) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (show.slug, show.title, show.original_title, show.network, show.season,
                 json.dumps(list(show.aliases), ensure_ascii=False)),
            )
            assert cursor.lastrowid is not None
            show = replace(show, id=cursor.lastrowid)
            self._shows[show.id] = show
            self._entries.setdefault(show.id, {})
        return show

    async def update_show(self, show: Show) -> Show:
        """Save a show's title, season, names, aliases and archived flag."""
        show = _check_show(show)
        async with self._write_lock:
            _check_names_free(show, self._shows.values())
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                await self._db.execute(
                    "UPDATE show SET title = ?, original_title = ?, network = ?, season = ?, "
                    "aliases = ?, archived = ? WHERE id = ?",
                    (show.title, show.original_title, show.network, show.season,
                     json.dumps(list(show.aliases), ensure_ascii=False), int(show.archived),
                     show.id),
                )
                if show.archived:
                    await self._close_show_predictions(show.id)
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise
            self._shows[show.id] = show
        return show

    # -- import, export, backup --------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """The whole catalogue (current entries) as JSON data that `import_data` takes back."""
        shows = []
        for show in sorted(self._shows.values(), key=lambda s: s.slug):
            shows.append({
                "slug": show.slug,
                "title": show.title,
                "original_title": show.original_title,
                "network": show.network,
                "season": show.season,
                "aliases": list(show.aliases),
                "archived": show.archived,
                "entries": [
                    {"kind": e.kind, "key": e.key, **e.fact.to_json()}
                    for e in self.entries(show.id)
                ],
            })
        return {"format": EXPORT_FORMAT, "shows": shows}

    async def import_data(self, data: Any, editor: Editor = IMPORTER) -> ImportReport:
        """Merge a catalogue file in one transaction: all of it or, if anything is wrong, none."""
        parsed = parse_catalogue(data)
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                report, written = await self._import_in_tx(parsed, editor)
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                await self._load()
                raise
            for change in written:
                self._remember(change.entry_id, change.show_id, change.kind, change.key,
                               change.version, change.after, change.created_at)
                self._count_change(change)
        return report

    async def _import_in_tx(self, parsed: list[tuple[Show, list[tuple[str, str, Fact]]]],
                            editor: Editor) -> tuple[ImportReport, list[Change]]:
        added, written = 0, []
        for show, entries in parsed:
            existing = self.show_by_slug(show.slug)
            aliases = json.dumps(list(show.aliases), ensure_ascii=False)
            if existing is None:
                cursor = await self._db.execute(
                    "INSERT INTO show (slug, title, original_title, network, season, aliases, "
                    "archived) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (show.slug, show.title, show.original_title, show.network, show.season,
                     aliases, int(show.archived)),
                )
                assert cursor.lastrowid is not None
                show, added = replace(show, id=cursor.lastrowid), added + 1
            else:
                show = replace(show, id=existing.id)
                await self._db.execute(
                    "UPDATE show SET title = ?, original_title = ?, network = ?, season = ?, "
                    "aliases = ?, archived = ? WHERE id = ?",
                    (show.title, show.original_title, show.network, show.season, aliases,
                     int(show.archived), show.id),
                )
                if show.archived:
                    await self._close_show_predictions(show.id)
            _check_imported_names(show, self._shows.values())
            self._shows[show.id] = show
            for kind, key, fact in entries:
                if kind == "cast":  # the file may spell a listed person another way
                    key = self.person_key(show.id, str(fact.fields["person"])) or key
                current = self.entry(show.id, kind, key)
                if current is not None and current.fact == fact:
                    continue
                written.append(await self._write_in_tx(
                    show.id, kind, key, fact, self.entry_version(show.id, kind, key), editor,
                    "import", True, None))
        return ImportReport(added, len(written)), written

    async def seed_if_empty(self) -> bool:
        """Fill an empty catalogue with the packaged first show; True if it did."""
        if self._shows:
            return False
        text = resources.files("bot.data").joinpath(SEED_FILE).read_text("utf-8")
        await self.import_data(json.loads(text), Editor(0, "seed"))
        log.info("seeded the catalogue from %s", SEED_FILE)
        return True

    async def backup(self, target: Path | str) -> None:
        """Copy the database to `target` with SQLite's online backup (consistent while in use).

        Refuses the database itself; a copy that fails leaves no partial file at `target`."""
        target = Path(target)
        check_backup_target(self.path, target)
        # A connection of its own, so the copy neither waits for nor blocks the store's writes.
        try:
            await asyncio.to_thread(_backup, self.path, target)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(explain(target, exc, where=f"backup target {target}",
                                     instead="choose another path")) from exc

    # -- alerts: subscriptions and deliveries --------------------------------------------------
    # Every method takes the write lock, reads included: the connection is shared, so a read
    # made while a write transaction is open would see its uncommitted deliveries.

    _SUBSCRIPTION_MATCH = (
        "s.state = 'active' AND (s.show_id = ? OR s.show_id IS NULL)"
        " AND instr(',' || s.topics || ',', ',' || ? || ',') > 0"
        " AND (CASE s.min_confidence WHEN 'speculation' THEN 0 WHEN 'rumored' THEN 1"
        " WHEN 'reported' THEN 2 ELSE 3 END) <= ?"
    )

    async def _queue_deliveries(self, change: Change) -> None:
        """Queue one delivery per channel whose active subscriptions match a change (in its tx)."""
        show = self._shows.get(change.show_id)
        fact = change.after or change.before
        if fact is None or (show is not None and show.archived):
            return
        await self._queue("change_id", change.id, change.created_at, change.show_id, change.kind,
                          fact.confidence)

    async def _queue(self, column: str, ref: int, created_at: str, show_id: int, topic: str,
                     confidence: str) -> None:
        """One delivery row per matching channel, for a change or a prediction event."""
        assert column in ("change_id", "event_id")  # a column name, never user text
        # Per channel one row, from its show subscription if that matches, else its all-shows one.
        await self._db.execute(
            f"INSERT INTO delivery ({column}, subscription_id, channel_id, next_attempt_at, "
            "created_at) SELECT ?, id, channel_id, ?, ? FROM (SELECT s.id, s.channel_id, "
            "max(s.show_id IS NOT NULL) FROM subscription s WHERE "
            f"{self._SUBSCRIPTION_MATCH} GROUP BY s.channel_id)",
            (ref, time.time(), created_at, show_id, topic, CONFIDENCE_RANK[confidence]),
        )

    @staticmethod
    def _subscription(row: sqlite3.Row) -> Subscription:
        return Subscription(
            id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"],
            show_id=row["show_id"], topics=tuple(t for t in row["topics"].split(",") if t),
            min_confidence=row["min_confidence"], role_id=row["role_id"],
            publish=bool(row["publish"]), state=row["state"], paused_reason=row["paused_reason"],
            warning=row["warning"], created_by=row["created_by"], created_at=row["created_at"],
            updated_at=row["updated_at"],
        )

    @staticmethod
    def _delivery(row: sqlite3.Row) -> Delivery:
        return Delivery(
            id=row["id"], change_id=row["change_id"], subscription_id=row["subscription_id"],
            channel_id=row["channel_id"], state=row["state"], batch=row["batch"],
            attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
            last_attempt_at=row["last_attempt_at"], message_id=row["message_id"],
            last_error=row["last_error"], created_at=row["created_at"], event_id=row["event_id"],
        )

    async def subscribe(self, guild_id: int, channel_id: int, *, show_id: int | None,
                        topics: Iterable[str] = TOPICS, min_confidence: str = "speculation",
                        role_id: int | None = None, publish: bool = False,
                        created_by: int) -> tuple[Subscription, bool]:
        """Create, or update and resume, a channel's subscription; True if it is new."""
        given = set(topics)
        chosen = tuple(t for t in TOPICS if t in given)
        unknown = given - set(TOPICS)
        if unknown or not chosen:
            raise InvalidInput("topics", f"pick one or more of {', '.join(TOPICS)}.")
        if min_confidence not in MIN_CONFIDENCES:
            raise InvalidInput("min_confidence", f"one of {', '.join(MIN_CONFIDENCES)}.")
        if show_id is not None and show_id not in self._shows:
            raise InvalidInput("show", "no such show.")
        stamp = now_iso()
        values = (guild_id, ",".join(chosen), min_confidence, role_id, int(publish), stamp)
        async with self._write_lock:
            async with self._db.execute(
                "SELECT id FROM subscription WHERE channel_id = ? AND coalesce(show_id, 0) = ?",
                (channel_id, show_id or 0),
            ) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                await self._db.execute(
                    "UPDATE subscription SET guild_id = ?, topics = ?, min_confidence = ?, "
                    "role_id = ?, publish = ?, updated_at = ?, state = 'active', "
                    "paused_reason = NULL, warning = NULL WHERE id = ?",
                    (*values, row["id"]),
                )
                sub_id = int(row["id"])
            else:
                cursor = await self._db.execute(
                    "INSERT INTO subscription (guild_id, topics, min_confidence, role_id, "
                    "publish, updated_at, channel_id, show_id, created_by, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, channel_id, show_id, created_by, stamp),
                )
                assert cursor.lastrowid is not None
                sub_id = cursor.lastrowid
            async with self._db.execute("SELECT * FROM subscription WHERE id = ?",
                                        (sub_id,)) as cursor:
                found = await cursor.fetchone()
        assert found is not None
        return self._subscription(found), row is None

    async def unsubscribe(self, guild_id: int, channel_id: int, show_id: int | None = None) -> int:
        """Remove a channel's subscription to one show (None: all of them); how many went."""
        sql = "DELETE FROM subscription WHERE guild_id = ? AND channel_id = ?"
        params: list[Any] = [guild_id, channel_id]
        if show_id is not None:
            sql += " AND show_id = ?"
            params.append(show_id)
        async with self._write_lock:
            cursor = await self._db.execute(sql, params)  # its deliveries go with it (cascade)
        return cursor.rowcount

    async def subscriptions(self, guild_id: int) -> list[Subscription]:
        """Every subscription of a server, by channel then show."""
        sql = "SELECT * FROM subscription WHERE guild_id = ? ORDER BY channel_id, coalesce(show_id, 0)"
        async with self._write_lock, self._db.execute(sql, (guild_id,)) as cursor:
            return [self._subscription(row) for row in await cursor.fetchall()]

    async def subscriptions_by_id(self, ids: Iterable[int]) -> dict[int, Subscription]:
        """Some subscriptions by id (missing ones were removed)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        sql = f"SELECT * FROM subscription WHERE id IN ({', '.join('?' * len(wanted))})"
        async with self._write_lock, self._db.execute(sql, wanted) as cursor:
            return {row["id"]: self._subscription(row) for row in await cursor.fetchall()}

    async def pause_subscriptions(self, ids: Iterable[int], reason: str) -> int:
        """Pause active subscriptions with a reason and skip their pending deliveries."""
        return await self._pause("id IN ({})", list(ids), reason)

    async def pause_channel(self, channel_id: int, reason: str) -> int:
        """Pause every active subscription of a channel (deleted, or permissions gone)."""
        return await self._pause("channel_id = {}", [channel_id], reason)

    async def remove_channel(self, channel_id: int) -> int:
        """Remove every subscription of a deleted channel, unsent deliveries too; how many."""
        return await self._remove("channel_id", channel_id)

    async def remove_guild(self, guild_id: int) -> int:
        """Remove every subscription of a server the bot was removed from; how many."""
        return await self._remove("guild_id", guild_id)

    async def _remove(self, column: str, value: int) -> int:
        assert column in ("channel_id", "guild_id")  # a column name, never user text
        async with self._write_lock:
            # Deliveries go with their subscription (ON DELETE CASCADE): none is ever sent.
            cursor = await self._db.execute(f"DELETE FROM subscription WHERE {column} = ?",
                                            (value,))
        return cursor.rowcount

    async def _pause(self, where: str, params: list[int], reason: str) -> int:
        if not params:
            return 0
        condition = where.format(", ".join("?" * len(params)))
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                await self._db.execute(
                    "UPDATE delivery SET state = 'skipped', last_error = ? WHERE state = 'pending' "
                    f"AND subscription_id IN (SELECT id FROM subscription WHERE {condition} "
                    "AND state = 'active')",
                    [f"not sent: {reason}", *params],
                )
                cursor = await self._db.execute(
                    "UPDATE subscription SET state = 'paused', paused_reason = ?, updated_at = ? "
                    f"WHERE {condition} AND state = 'active'",
                    [reason, now_iso(), *params],
                )
                await self._db.commit()
            except BaseException:
                await self._db.rollback()
                raise
        return cursor.rowcount

    async def set_subscription_warning(self, subscription_id: int, warning: str | None) -> None:
        """Record (or clear) a warning shown in /alerts list, such as a failed crosspost."""
        async with self._write_lock:
            await self._db.execute("UPDATE subscription SET warning = ? WHERE id = ?",
                                   (warning, subscription_id))

    async def due_deliveries(self, now: float, limit: int = 500) -> list[Delivery]:
        """Pending deliveries of active subscriptions that are due, oldest first."""
        sql = ("SELECT d.* FROM delivery d JOIN subscription s ON s.id = d.subscription_id "
               "WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.state = 'active' "
               "ORDER BY d.next_attempt_at, d.id LIMIT ?")
        async with self._write_lock, self._db.execute(sql, (now, limit)) as cursor:
            return [self._delivery(row) for row in await cursor.fetchall()]

    async def next_delivery_time(self) -> float | None:
        """When the earliest pending delivery of an active subscription is due, if any."""
        sql = ("SELECT min(d.next_attempt_at) FROM delivery d JOIN subscription s "
               "ON s.id = d.subscription_id WHERE d.state = 'pending' AND s.state = 'active'")
        async with self._write_lock, self._db.execute(sql) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def batch_deliveries(self, batch: int) -> list[Delivery]:
        """The unsent deliveries of a batch (those once sent together as one message)."""
        sql = "SELECT * FROM delivery WHERE batch = ? AND state IN ('pending', 'sending') ORDER BY id"
        async with self._write_lock, self._db.execute(sql, (batch,)) as cursor:
            return [self._delivery(row) for row in await cursor.fetchall()]

    async def deliveries(self, *, change_id: int | None = None, state: str | None = None,
                         event_id: int | None = None, limit: int = 100) -> list[Delivery]:
        """Deliveries of one change (or prediction event) and/or in one state, by id."""
        sql = ("SELECT * FROM delivery WHERE (? IS NULL OR change_id = ?) "
               "AND (? IS NULL OR event_id = ?) AND (? IS NULL OR state = ?) ORDER BY id LIMIT ?")
        params = (change_id, change_id, event_id, event_id, state, state, limit)
        async with self._write_lock, self._db.execute(sql, params) as cursor:
            return [self._delivery(row) for row in await cursor.fetchall()]

    async def start_attempt(self, ids: Sequence[int], now: float) -> list[int]:
        """Claim pending deliveries as one batch in flight, before the request; the ids claimed."""
        if not ids:
            return []
        sql = ("UPDATE delivery SET state = 'sending', batch = ?, attempts = attempts + 1, "
               f"last_attempt_at = ? WHERE id IN ({', '.join('?' * len(ids))}) "
               "AND state = 'pending' RETURNING id")
        async with self._write_lock, self._db.execute(sql, [min(ids), now, *ids]) as cursor:
            return sorted(row[0] for row in await cursor.fetchall())

    async def mark_delivered(self, ids: Sequence[int], message_id: int) -> None:
        """Deliveries that are in the channel, in this message."""
        await self._update_deliveries(
            ids, "state = 'delivered', message_id = ?, last_error = NULL", [message_id])

    async def retry_later(self, ids: Sequence[int], at: float, error: str) -> None:
        """Deliveries to try again at `at` (Unix time) after a transient error."""
        await self._update_deliveries(
            ids, "state = 'pending', next_attempt_at = ?, last_error = ?", [at, error])

    async def skip_deliveries(self, ids: Sequence[int], reason: str) -> None:
        """Deliveries that will not be sent (their subscription was paused)."""
        await self._update_deliveries(ids, "state = 'skipped', last_error = ?", [f"not sent: {reason}"])

    async def mark_failed(self, ids: Sequence[int], error: str) -> None:
        """Deliveries given up on (listed in /alerts list)."""
        await self._update_deliveries(ids, "state = 'failed', last_error = ?", [error])

    async def _update_deliveries(self, ids: Sequence[int], assignments: str,
                                 params: list[Any]) -> None:
        if not ids:
            return
        sql = (f"UPDATE delivery SET {assignments} WHERE id IN ({', '.join('?' * len(ids))}) "
               "AND state IN ('pending', 'sending')")
        async with self._write_lock:
            await self._db.execute(sql, [*params, *ids])

    async def resume_in_flight(self, now: float) -> int:
        """At start: deliveries left in flight by a stop or crash become due again."""
        async with self._write_lock:
            cursor = await self._db.execute(
                "UPDATE delivery SET state = 'pending', next_attempt_at = ? WHERE state = 'sending'",
                (now,))
        return cursor.rowcount

    async def delivery_counts(self, guild_id: int) -> dict[int, dict[str, int]]:
        """Per subscription of a server: how many deliveries are in each state."""
        sql = ("SELECT d.subscription_id, d.state, count(*) FROM delivery d JOIN subscription s "
               "ON s.id = d.subscription_id WHERE s.guild_id = ? GROUP BY 1, 2")
        counts: dict[int, dict[str, int]] = {}
        async with self._write_lock, self._db.execute(sql, (guild_id,)) as cursor:
            for sub_id, state, count in await cursor.fetchall():
                counts.setdefault(sub_id, {})[state] = count
        return counts

    # -- predictions ---------------------------------------------------------------------------
    # Like alerts, every method takes the write lock, reads included (one shared connection).

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="seconds")

    async def _close_due(self) -> None:
        """Questions whose closing time has passed stop taking guesses (checked before use)."""
        await self._db.execute(
            "UPDATE prediction SET state = 'closed', closed_at = closes_at "
            "WHERE state = 'open' AND closes_at <= ?", (self._now(),))

    async def _close_show_predictions(self, show_id: int) -> None:
        """An archived show's open questions close (inside the caller's transaction)."""
        await self._db.execute(
            "UPDATE prediction SET state = 'closed', closed_at = ? WHERE show_id = ? AND state = 'open'",
            (self._now(), show_id))

    async def _in_tx(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work()` (a coroutine function) in one immediate transaction under the lock."""
        async with self._write_lock:
            with failed_writes(self.path):
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = await work()
                    await self._db.commit()
                except BaseException:
                    await self._db.rollback()
                    raise
        return result

    async def open_prediction(self, show_id: int, question: str, kind: str, *,
                              choices: Sequence[str] = (), closes_at: str | None = None,
                              entry_id: int | None = None, editor: Editor) -> Prediction:
        """Open a question; its opening is announced under `predictions` (same transaction)."""
        question = check_line(question, "question", limit=200)
        if kind not in PREDICTION_KINDS:
            raise InvalidInput("kind", f"one of {', '.join(PREDICTION_KINDS)}.")
        if (kind == "choice") != bool(choices):
            raise InvalidInput("choices", "give 2 to 10 choices for kind `choice`, and none otherwise.")
        choices = check_choices(choices) if choices else ()
        show = self._shows.get(show_id)
        if show is None or show.archived:
            raise InvalidInput("show", "pick a tracked show (archived shows take no new questions).")
        if closes_at is not None and closes_at <= self._now():
            raise InvalidInput("closes", "that time has passed; pick one in the future.")
        if entry_id is not None and not any(e.id == entry_id for e in self.entries(show_id)):
            raise InvalidInput("entry", "pick an entry of this show from the list.")
        stamp = now_iso()

        async def work() -> int:
            cursor = await self._db.execute(
                "INSERT INTO prediction (show_id, question, kind, choices, closes_at, entry_id, "
                "opened_by, opened_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (show_id, question, kind, json.dumps(list(choices), ensure_ascii=False), closes_at,
                 entry_id, editor.id, editor.name, stamp))
            assert cursor.lastrowid is not None
            await self._add_event(cursor.lastrowid, show_id, "opened", None, [], 0, False, editor,
                                  stamp)
            return cursor.lastrowid

        prediction_id = await self._in_tx(work)
        self.deliveries_queued.set()
        found = await self.prediction(prediction_id)
        assert found is not None
        return found

    async def _add_event(self, prediction_id: int, show_id: int, kind: str, answer: str | None,
                         top: list[list[Any]], guesses: int, correction: bool, editor: Editor,
                         stamp: str) -> int:
        """Write a prediction event and queue its deliveries, in the caller's transaction."""
        cursor = await self._db.execute(
            "INSERT INTO prediction_event (prediction_id, kind, answer, top, guesses, correction, "
            "editor_id, editor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (prediction_id, kind, answer, json.dumps(top, ensure_ascii=False), guesses,
             int(correction), editor.id, editor.name, stamp))
        event_id = cursor.lastrowid
        assert event_id is not None
        show = self._shows.get(show_id)
        if show is not None and not show.archived:
            await self._queue("event_id", event_id, stamp, show_id, "predictions", "confirmed")
        return event_id

    async def prediction(self, prediction_id: int) -> Prediction | None:
        """One question by its number (a passed closing time shows it closed)."""
        async with self._write_lock:
            await self._close_due()
            return await self._fetch_prediction(prediction_id)

    async def _fetch_prediction(self, prediction_id: int) -> Prediction | None:
        async with self._db.execute("SELECT * FROM prediction WHERE id = ?", (prediction_id,)) as cursor:
            row = await cursor.fetchone()
        return _prediction(row) if row else None

    async def predictions(self, *, show_id: int | None = None, states: Sequence[str] = ("open",),
                          limit: int = 25) -> list[Prediction]:
        """Questions in some states, of one show or all, newest first (resolved: last resolved)."""
        marks = ", ".join("?" * len(states))
        sql = (f"SELECT * FROM prediction WHERE state IN ({marks}) AND (? IS NULL OR show_id = ?) "
               "ORDER BY coalesce(resolved_at, created_at) DESC, id DESC LIMIT ?")
        async with self._write_lock:
            await self._close_due()
            async with self._db.execute(sql, (*states, show_id, show_id, limit)) as cursor:
                return [_prediction(row) for row in await cursor.fetchall()]

    async def guess(self, prediction_id: int, *, user_id: int, user_name: str,
                    guild_id: int | None, answer: str) -> tuple[Prediction, Guess, Guess | None]:
        """Make or replace a guess on an open question: (question, the guess, the one replaced)."""

        async def work() -> tuple[Prediction, Guess, Guess | None]:
            await self._close_due()
            prediction = await self._fetch_prediction(prediction_id)
            if prediction is None:
                raise InvalidInput("question", "no such question; pick an open one from the list.")
            if not prediction.open:
                raise UserError(f"Question #{prediction.id} is closed: guesses are no longer taken. "
                                "`/predict list` shows the open ones.")
            value = parse_answer(prediction.kind, answer, prediction.choices)
            async with self._db.execute("SELECT * FROM guess WHERE prediction_id = ? AND user_id = ?",
                                        (prediction_id, user_id)) as cursor:
                old = await cursor.fetchone()
            async with self._db.execute(
                "INSERT INTO guess (prediction_id, user_id, user_name, guild_id, answer, guessed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (prediction_id, user_id) DO UPDATE SET "
                "user_name = excluded.user_name, guild_id = excluded.guild_id, "
                "answer = excluded.answer, guessed_at = excluded.guessed_at RETURNING *",
                (prediction_id, user_id, user_name[:100], guild_id, value,
                 dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"))) as cursor:
                new = await cursor.fetchone()
            assert new is not None
            return prediction, _guess(new), _guess(old) if old else None

        return await self._in_tx(work)

    async def answer_counts(self, prediction_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        """Per question: each answer given and how many gave it."""
        if not prediction_ids:
            return {}
        sql = ("SELECT prediction_id, answer, count(*) FROM guess WHERE prediction_id IN "
               f"({', '.join('?' * len(prediction_ids))}) GROUP BY 1, 2")
        counts: dict[int, list[tuple[str, int]]] = {p: [] for p in prediction_ids}
        async with self._write_lock, self._db.execute(sql, list(prediction_ids)) as cursor:
            for prediction_id, answer, count in await cursor.fetchall():
                counts[prediction_id].append((answer, count))
        return counts

    async def user_guesses(self, user_id: int, limit: int = 20) -> tuple[list[tuple[Prediction, Guess]], int]:
        """A person's guesses, newest question first, and how many they have in all."""
        sql = ("SELECT p.*, g.id AS g_id, g.user_id, g.user_name, g.guild_id, g.answer AS g_answer, "
               "g.guessed_at, g.points, count(*) OVER () AS total FROM guess g "
               "JOIN prediction p ON p.id = g.prediction_id WHERE g.user_id = ? "
               "ORDER BY p.id DESC LIMIT ?")
        async with self._write_lock:
            await self._close_due()
            async with self._db.execute(sql, (user_id, limit)) as cursor:
                rows = list(await cursor.fetchall())
        found = [(_prediction(r), Guess(r["g_id"], r["id"], r["user_id"], r["user_name"],
                                        r["guild_id"], r["g_answer"], r["guessed_at"], r["points"]))
                 for r in rows]
        return found, int(rows[0]["total"]) if rows else 0

    async def ranking(self, prediction_id: int, limit: int = 3) -> tuple[list[Guess], int]:
        """A question's best guesses (points, then the earlier guess) and how many there are."""
        async with self._write_lock:
            return await self._ranking(prediction_id, limit)

    async def _ranking(self, prediction_id: int, limit: int) -> tuple[list[Guess], int]:
        async with self._db.execute(
            "SELECT *, count(*) OVER () AS total FROM guess WHERE prediction_id = ? "
            "ORDER BY points DESC, guessed_at, id LIMIT ?", (prediction_id, limit)) as cursor:
            rows = list(await cursor.fetchall())
        return [_guess(r) for r in rows], int(rows[0]["total"]) if rows else 0

    async def resolve_prediction(self, prediction_id: int, answer: str, *,
                                 editor: Editor) -> PredictionEvent:
        """Set the answer and score every guess in one transaction; again to correct it."""

        async def work() -> int:
            await self._close_due()
            prediction = await self._fetch_prediction(prediction_id)
            if prediction is None:
                raise InvalidInput("question", "no such question; pick one from the list.")
            value = parse_answer(prediction.kind, answer, prediction.choices)
            if prediction.answer == value:
                raise UserError(f"Question #{prediction.id} is already resolved as `{value}`.")
            await self._db.execute(
                "UPDATE guess SET points = prediction_score(?, answer, ?) WHERE prediction_id = ?",
                (prediction.kind, value, prediction_id))
            stamp = now_iso()
            await self._db.execute(
                "UPDATE prediction SET state = 'resolved', answer = ?, resolved_by = ?, "
                "resolved_at = ?, closed_at = coalesce(closed_at, ?) WHERE id = ?",
                (value, editor.id, stamp, stamp, prediction_id))
            best, total = await self._ranking(prediction_id, 3)
            top = [[g.user_name, g.answer, g.points] for g in best]
            return await self._add_event(prediction_id, prediction.show_id, "resolved", value, top,
                                         total, prediction.state == "resolved", editor, stamp)

        event_id = await self._in_tx(work)
        self.deliveries_queued.set()
        event = await self.prediction_event(event_id)
        assert event is not None
        return event

    async def prediction_event(self, event_id: int) -> PredictionEvent | None:
        """One prediction event (what its announcement shows)."""
        sql = ("SELECT p.*, e.id AS e_id, e.kind AS e_kind, e.answer AS e_answer, e.top, e.guesses, "
               "e.correction, e.editor_id, e.editor_name, e.created_at AS e_created_at "
               "FROM prediction_event e JOIN prediction p ON p.id = e.prediction_id WHERE e.id = ?")
        async with self._write_lock, self._db.execute(sql, (event_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        top = tuple((str(name), str(answer), int(points)) for name, answer, points in json.loads(row["top"]))
        return PredictionEvent(row["e_id"], _prediction(row), row["e_kind"], row["e_answer"], top,
                               row["guesses"], bool(row["correction"]),
                               Editor(row["editor_id"], row["editor_name"]), row["e_created_at"])

    async def last_resolved(self, show_id: int, limit: int = 5) -> list[tuple[Prediction, Guess | None, int]]:
        """The last resolved questions of a show, each with who was closest and how many guessed."""
        sql = ("SELECT p.*, g.id AS g_id, g.user_id, g.user_name, g.guild_id, g.answer AS g_answer, "
               "g.guessed_at, g.points, (SELECT count(*) FROM guess WHERE prediction_id = p.id) AS n "
               "FROM prediction p LEFT JOIN guess g ON g.id = (SELECT id FROM guess "
               "WHERE prediction_id = p.id ORDER BY points DESC, guessed_at, id LIMIT 1) "
               "WHERE p.show_id = ? AND p.state = 'resolved' ORDER BY p.resolved_at DESC, p.id DESC "
               "LIMIT ?")
        async with self._write_lock, self._db.execute(sql, (show_id, limit)) as cursor:
            rows = list(await cursor.fetchall())
        return [(_prediction(r),
                 Guess(r["g_id"], r["id"], r["user_id"], r["user_name"], r["guild_id"], r["g_answer"],
                       r["guessed_at"], r["points"]) if r["g_id"] is not None else None,
                 int(r["n"]))
                for r in rows]

    async def leaderboard(self, show_id: int, *, guild_id: int | None = None, offset: int = 0,
                          limit: int = 20, user_id: int | None = None) -> tuple[list[Standing], int]:
        """Points per person over resolved questions: ranks after `offset` + `user_id`; how many."""
        sql = ("WITH totals AS (SELECT g.user_id, max(g.user_name) AS user_name, "
               "sum(g.points) AS points, count(*) AS questions, min(g.guessed_at) AS first "
               "FROM guess g JOIN prediction p ON p.id = g.prediction_id "
               "WHERE p.show_id = ? AND p.state = 'resolved' AND (? IS NULL OR g.guild_id = ?) "
               "GROUP BY g.user_id), ranked AS (SELECT *, row_number() OVER "
               "(ORDER BY points DESC, first, user_id) AS rank, count(*) OVER () AS total FROM totals) "
               "SELECT * FROM ranked WHERE (rank > ? AND rank <= ?) OR user_id = ? ORDER BY rank")
        async with self._write_lock, self._db.execute(
                sql, (show_id, guild_id, guild_id, offset, offset + limit, user_id)) as cursor:
            rows = list(await cursor.fetchall())
        standings = [Standing(r["rank"], r["user_id"], r["user_name"], r["points"], r["questions"])
                     for r in rows]
        return standings, int(rows[0]["total"]) if rows else 0

    async def add_guesses(self, prediction_id: int,
                          guesses: Iterable[tuple[int, str, int | None, str]]) -> None:
        """Insert many guesses at once, unchecked: (user id, name, guild id, answer). For benchmarks."""
        stamp = dt.datetime.now(dt.UTC)
        rows = [(prediction_id, user_id, name, guild_id, answer,
                 (stamp + dt.timedelta(microseconds=i)).isoformat(timespec="microseconds"))
                for i, (user_id, name, guild_id, answer) in enumerate(guesses)]

        async def work() -> None:
            await self._db.executemany(
                "INSERT INTO guess (prediction_id, user_id, user_name, guild_id, answer, guessed_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)

        await self._in_tx(work)


def _backup(source: Path, target: Path) -> None:
    with written_whole(target) as partial:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: a single consistent snapshot
        finally:
            dst.close()
            src.close()


def _check_show(show: Show) -> Show:
    if not _SLUG.match(show.slug):
        raise InvalidInput("slug", "use 1-40 lowercase letters, digits and hyphens.")
    if isinstance(show.season, bool) or not isinstance(show.season, int) or not 1 <= show.season <= 100:
        raise InvalidInput("season", "must be a whole number from 1 to 100.")
    aliases = tuple(check_name(str(a), "aliases") for a in show.aliases)
    if len(aliases) > 20:
        raise InvalidInput("aliases", "at most 20 aliases.")
    return replace(
        show,
        title=check_name(show.title, "title"),
        original_title=check_line(show.original_title or "", "original_title", limit=100,
                                  required=False) or None,
        network=check_line(show.network or "", "network", limit=100, required=False) or None,
        aliases=aliases,
    )


def _check_names_free(show: Show, others: Iterable[Show]) -> None:
    """Refuse a show found by a name (title, slug, alias) another show is already found by.

    Such a name would take over the other show's `/status`: search goes by the folded name.
    """
    for other in others:
        if other.id == show.id or other.slug == show.slug:
            continue
        theirs = {fold(n) for n in (other.title, other.slug, other.original_title or "", *other.aliases)}
        named = [("slug", show.slug), ("title", show.title), ("original_title", show.original_title or ""),
                 *(("aliases", a) for a in show.aliases)]
        for option, name in named:
            if fold(name) and fold(name) in theirs:
                raise InvalidInput(option, f"`{quote(name)}` already names the show "
                                           f"`{other.slug}`; pick a name no other show uses.")


def _check_imported_names(show: Show, others: Iterable[Show]) -> None:
    try:
        _check_names_free(show, others)
    except InvalidInput as exc:
        raise InvalidImport(f"show {show.slug!r}: field '{exc.option}': {exc.problem}") from None


def parse_catalogue(data: Any) -> list[tuple[Show, list[tuple[str, str, Fact]]]]:
    """Validate a whole catalogue file; raise InvalidImport naming the show, entry and field."""
    if not isinstance(data, Mapping) or data.get("format") != EXPORT_FORMAT:
        raise InvalidImport(f"not a seasonwatch catalogue: expected \"format\": {EXPORT_FORMAT}")
    shows = data.get("shows")
    if not isinstance(shows, list):
        raise InvalidImport("\"shows\" must be a list")
    parsed, slugs = [], set()
    for i, raw in enumerate(shows):
        where = f"shows[{i}]"
        show = _parse_show(raw, where)
        if show.slug in slugs:
            raise InvalidImport(f"{where}: slug {show.slug!r} appears twice")
        slugs.add(show.slug)
        parsed.append((show, _parse_entries(raw.get("entries", []), f"{where} ({show.slug})")))
    return parsed


def _parse_show(raw: Any, where: str) -> Show:
    if not isinstance(raw, Mapping):
        raise InvalidImport(f"{where}: must be an object")
    missing = [k for k in ("slug", "title", "season") if k not in raw]
    unknown = set(raw) - {*_SHOW_KEYS, "entries"}
    if missing or unknown:
        raise InvalidImport(f"{where}: missing {missing} / unknown {sorted(unknown)} fields")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        raise InvalidImport(f"{where}: field 'aliases' must be a list of names")
    try:
        return _check_show(Show(0, str(raw["slug"]), str(raw["title"]), raw.get("original_title"),
                                raw.get("network"), raw["season"], tuple(aliases),
                                bool(raw.get("archived", False))))
    except InvalidInput as exc:
        raise InvalidImport(f"{where}: field '{exc.option}': {exc.problem}") from None


def _parse_entries(raw: Any, where: str) -> list[tuple[str, str, Fact]]:
    if not isinstance(raw, list):
        raise InvalidImport(f"{where}: 'entries' must be a list")
    out, seen = [], set()
    for j, item in enumerate(raw):
        here = f"{where} entries[{j}]"
        if not isinstance(item, Mapping) or not set(_ENTRY_KEYS) <= set(item) <= {*_ENTRY_KEYS, "bases"}:
            raise InvalidImport(f"{here}: an entry has exactly the fields {', '.join(_ENTRY_KEYS)} "
                                "(and, for episodes, `bases`)")
        kind, key = item["kind"], str(item["key"])
        here = f"{here} ({kind} {key!r})"
        try:
            if kind not in KINDS:
                raise InvalidInput("kind", f"must be one of {', '.join(KINDS)}")
            if not isinstance(item["fields"], Mapping):
                raise InvalidInput("fields", "must be an object")
            if not _bases_shaped(item.get("bases", {})):
                raise InvalidInput("bases", "must map count, runtime or rating to an object with "
                                            "confidence, source_url and as_of")
            fact = check_fact(kind, Fact.from_json(item))
            check_key(kind, key, fact.fields)
        except InvalidInput as exc:
            raise InvalidImport(f"{here}: field '{exc.option}': {exc.problem}") from None
        identity = (kind, fold(str(fact.fields["person"])) if kind == "cast" else key)
        if identity in seen:
            raise InvalidImport(f"{here}: this kind and key appear twice"
                                + (" (the same person, spelled another way)" if kind == "cast" else ""))
        seen.add(identity)
        out.append((kind, key, fact))
    return out
