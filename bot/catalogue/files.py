"""The catalogue as a file: export, import (all or nothing), the packaged seed, and backups of
the whole database."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from bot.catalogue.shows import Shows, check_imported_names, check_show
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.errors import InvalidImport, InvalidInput, StoreError
from bot.core.facts import check_fact, check_key, fold
from bot.core.models import KINDS, Change, Editor, Fact, Show
from bot.db.connection import Database
from bot.db.faults import check_backup_target, explain

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1
SEED_FILE = "all-of-us-are-dead.json"
IMPORTER = Editor(0, "import")
_SHOW_KEYS = ("slug", "title", "original_title", "network", "season", "aliases", "archived")
_ENTRY_KEYS = ("kind", "key", "fields", "confidence", "source_name", "source_url", "as_of")
_BASIS_KEYS = {"confidence", "source_name", "source_url", "as_of", "note"}

Parsed = list[tuple[Show, list[tuple[str, str, Fact]]]]


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    shows_added: int
    entries_changed: int


class Files:
    """Export, import, seed and backup."""

    def __init__(self, db: Database, view: View, shows: Shows, catalogue: Catalogue) -> None:
        self._db = db
        self._view = view
        self._shows = shows
        self._catalogue = catalogue

    def export(self) -> dict[str, Any]:
        """The whole catalogue (current entries) as JSON data that `import_data` takes back."""
        shows = []
        for show in sorted(self._view.all_shows(), key=lambda s: s.slug):
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
                    for e in self._view.entries(show.id)
                ],
            })
        return {"format": EXPORT_FORMAT, "shows": shows}

    async def import_data(self, data: Any, editor: Editor = IMPORTER) -> ImportReport:
        """Merge a catalogue file in one transaction: all of it or, if anything is wrong, none."""
        parsed = parse_catalogue(data)
        async with self._db.lock:
            try:
                # SQLite's own error, for `seasonwatch import` to explain naming DATABASE_PATH.
                async with self._db.transaction(tell_user=False):
                    report, written = await self._import(parsed, editor)
            except BaseException:
                await self._view.load()  # the import's shows were put in the view as it went
                raise
            for change in written:
                self._view.remember_change(change)
        return report

    async def _import(self, parsed: Parsed, editor: Editor) -> tuple[ImportReport, list[Change]]:
        added, written = 0, []
        for show, entries in parsed:
            existing = self._view.show_by_slug(show.slug)
            if existing is None:
                show, added = await self._shows.insert(show), added + 1
            else:
                show = replace(show, id=existing.id)
                await self._shows.save(show)
            check_imported_names(show, self._view.all_shows())
            self._view.put_show(show)
            for kind, key, fact in entries:
                if kind == "cast":  # the file may spell a listed person another way
                    key = self._view.person_key(show.id, str(fact.fields["person"])) or key
                current = self._view.entry(show.id, kind, key)
                if current is not None and current.fact == fact:
                    continue
                written.append(await self._catalogue.write_in_transaction(
                    show.id, kind, key, fact, self._view.entry_version(show.id, kind, key), editor,
                    "import", True, None))
        return ImportReport(added, len(written)), written

    async def seed_if_empty(self) -> bool:
        """Fill an empty catalogue with the packaged first show; True if it did."""
        if self._view.all_shows():
            return False
        text = resources.files("bot.catalogue.data").joinpath(SEED_FILE).read_text("utf-8")
        await self.import_data(json.loads(text), Editor(0, "seed"))
        log.info("seeded the catalogue from %s", SEED_FILE)
        return True

    async def backup(self, target: Path | str) -> None:
        """Copy the database to `target`, consistent while in use.

        Refuses the database itself; a copy that fails leaves no partial file at `target`."""
        target, source = Path(target), self._db.path
        if source is None:
            raise StoreError("seasonwatch backup copies a SQLite file; with DATABASE_URL set, "
                             "back PostgreSQL up with pg_dump")
        check_backup_target(source, target)
        # A connection of its own, so the copy neither waits for nor blocks the store's writes.
        try:
            await asyncio.to_thread(self._db.dialect.backup, source, target)
        except (sqlite3.Error, OSError) as exc:  # only SQLite is backed up here
            raise StoreError(explain(target, exc, where=f"backup target {target}",
                                     instead="choose another path")) from exc


def parse_catalogue(data: Any) -> Parsed:
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
        return check_show(Show(0, str(raw["slug"]), str(raw["title"]), raw.get("original_title"),
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
                raise InvalidInput("kind", "must be one of {kinds}", kinds=", ".join(KINDS))
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


def _bases_shaped(bases: Any) -> bool:
    """Whether an imported `bases` has the shape `Basis.from_json` reads."""
    return isinstance(bases, Mapping) and all(
        isinstance(b, Mapping) and {"confidence", "source_url", "as_of"} <= set(b) <= _BASIS_KEYS
        and all(isinstance(v, str) or v is None for v in b.values()) for b in bases.values())
