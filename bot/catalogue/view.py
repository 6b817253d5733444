"""The catalogue in memory: the current shows and entries, kept for reads that must not wait.

Reads are hot and writes rare, so the parts that write update this view after each commit; the
database stays the truth, and the view is reloaded whole when another process commits (an
import, say). History is not kept here: it is paged and rarely asked for.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Collection

from bot.core.facts import person_names, same_name
from bot.core.models import KINDS, Change, Entry, Fact, Show
from bot.db.connection import Database
from bot.db.rows import read_fact, read_show

log = logging.getLogger(__name__)


class View:
    """Shows and live entries by id and by (kind, key), and per-show counters for caches."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Called after another process's commit was noticed (and the view reloaded).
        self.on_others_commit: Callable[[], None] = lambda: None
        self._shows: dict[int, Show] = {}
        # show id -> (kind, key) -> entry; removed entries are kept with their version only.
        self._entries: dict[int, dict[tuple[str, str], Entry]] = {}
        self._versions: dict[tuple[int, str, str], int] = {}
        self._by_id: dict[int, Entry] = {}
        # Per show: a revision bumped by every write (callers key their caches on it), the
        # number of changes, and sorted entry lists built on demand.
        self._revision: dict[int, int] = {}
        self._revisions = itertools.count(1)  # never reset, so a reload cannot repeat a revision
        self._change_counts: dict[int, int] = {}
        self._sorted: dict[tuple[int, str | None], tuple[Entry, ...]] = {}
        self._latest: dict[int, str | None] = {}  # the newest as-of date, built on demand

    # -- filling and following the database --------------------------------------------------

    async def load(self) -> None:
        """Read the whole catalogue again (the caller holds the lock, or nothing else runs)."""
        for cache in (self._shows, self._entries, self._versions, self._by_id, self._revision,
                      self._change_counts, self._sorted, self._latest):
            cache.clear()
        for row in await self._db.fetchall("SELECT * FROM show"):
            show = read_show(row)
            self._shows[show.id] = show
            self._entries[show.id] = {}
        for row in await self._db.fetchall("SELECT * FROM entry"):
            self._remember(row["id"], row["show_id"], row["kind"], row["key"], row["version"],
                           read_fact(row["data"]), row["updated_at"])
        sql = ("SELECT e.show_id, COUNT(*) FROM change c "
               "JOIN entry e ON e.id = c.entry_id GROUP BY e.show_id")
        for show_id, count in await self._db.fetchall(sql):
            self._change_counts[show_id] = count

    async def follow_other_writers(self) -> bool:
        """Reload if another process committed since we last looked (the caller holds the lock)."""
        if not await self._db.others_committed():
            return False
        log.info("another process changed %s: reloading the catalogue", self._db.name)
        await self.load()
        self.on_others_commit()
        return True

    async def refresh_if_changed(self) -> bool:
        """Reload the in-memory view if another process (an import, say) committed meanwhile."""
        async with self._db.lock:
            return await self.follow_other_writers()

    # -- what the writers tell it, after they commit --------------------------------------------

    def put_show(self, show: Show) -> None:
        """A show added or saved."""
        self._shows[show.id] = show
        self._entries.setdefault(show.id, {})

    def remember_change(self, change: Change) -> None:
        """A committed change: its entry's new fact and version, and the show's counters."""
        self._remember(change.entry_id, change.show_id, change.kind, change.key, change.version,
                       change.after, change.created_at)
        self._change_counts[change.show_id] = self._change_counts.get(change.show_id, 0) + 1

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
        self._latest.pop(show_id, None)

    # -- reading (no awaits) ---------------------------------------------------------------------

    def all_shows(self) -> Collection[Show]:
        """Every show, archived ones too, in no particular order."""
        return self._shows.values()

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

    def latest_as_of(self, show_id: int) -> str | None:
        """The newest as-of date among the show's live facts and their values' own sources: when
        what is known was last true, not when it was written (a fresh database loads the bundled
        catalogue in one go, today)."""
        if show_id not in self._latest:  # every fact of a big show: once per write, not per /status
            facts = [e.fact for e in self.entries(show_id)]
            dates = [f.as_of for f in facts] + [b.as_of for f in facts for b in f.bases.values()]
            self._latest[show_id] = max(dates, default=None)
        return self._latest[show_id]

    def entry(self, show_id: int, kind: str, key: str) -> Entry | None:
        """One live entry, or None if it does not exist or was removed."""
        return self._entries.get(show_id, {}).get((kind, key))

    def person_key(self, show_id: int, person: str) -> str | None:
        """The key of the show's cast entry for this person, if any (see `person_entry`)."""
        entry = self.person_entry(show_id, person)
        return entry.key if entry else None

    def person_entry(self, show_id: int, person: str) -> Entry | None:
        """The show's cast entry for this person, by either of the names search finds them by
        (romanised or Hangul), compared folded: `노윤서` is Roh Yoon-seo, not someone new."""
        cast = self.entries(show_id, "cast")
        return next((e for e in cast if any(same_name(n, person) for n in person_names(e))), None)

    def entry_version(self, show_id: int, kind: str, key: str) -> int:
        """The current version of an entry: 0 if it never existed (removed ones keep theirs)."""
        return self._versions.get((show_id, kind, key), 0)
