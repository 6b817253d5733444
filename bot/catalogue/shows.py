"""The tracked shows: adding and saving them, and the checks a show must pass (its slug, its
season, and names no other show is found by)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import replace

from bot.catalogue.view import View
from bot.core.errors import InvalidImport, InvalidInput
from bot.core.facts import check_line, check_name, fold, quote
from bot.core.models import Show
from bot.db.connection import Database
from bot.db.rows import json_text

log = logging.getLogger(__name__)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


class Shows:
    """Adding and saving shows."""

    def __init__(self, db: Database, view: View,
                 on_archive: Sequence[Callable[[int], Awaitable[None]]] = ()) -> None:
        self._db = db
        self._view = view
        # What else ends with a show (its open questions), inside the archiving transaction.
        self._on_archive = tuple(on_archive)

    async def add_show(self, slug: str, title: str, season: int, *,
                       original_title: str | None = None, network: str | None = None,
                       aliases: Iterable[str] = ()) -> Show:
        """Add a tracked show; the slug must be new."""
        show = check_show(Show(0, slug, title, original_title, network, season, tuple(aliases), False))
        async with self._db.lock:
            # Checked under the lock: two adds of one slug at once must not both pass.
            await self._view.follow_other_writers()
            if self._view.show_by_slug(show.slug):
                raise InvalidInput("slug", "`{slug}` is taken; pick another slug.", slug=show.slug)
            check_names_free(show, self._view.all_shows())
            show = await self.insert(show)
            self._view.put_show(show)
        return show

    async def update_show(self, show: Show) -> Show:
        """Save a show's title, season, names, aliases and archived flag."""
        show = check_show(show)
        async with self._db.lock:
            check_names_free(show, self._view.all_shows())
            async with self._db.transaction():
                await self.save(show)
            self._view.put_show(show)
        return show

    async def insert(self, show: Show) -> Show:
        """Store a new show (under the caller's lock); the show with its id."""
        show_id = await self._db.insert(
            "INSERT INTO show (slug, title, original_title, network, season, aliases, archived) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (show.slug, show.title, show.original_title, show.network, show.season,
             json_text(show.aliases), int(show.archived)))
        return replace(show, id=show_id)

    async def save(self, show: Show) -> None:
        """Store an existing show's fields, closing its questions if it is archived (inside the
        caller's transaction)."""
        await self._db.execute(
            "UPDATE show SET title = ?, original_title = ?, network = ?, season = ?, "
            "aliases = ?, archived = ? WHERE id = ?",
            (show.title, show.original_title, show.network, show.season, json_text(show.aliases),
             int(show.archived), show.id))
        if show.archived:
            for archived in self._on_archive:
                await archived(show.id)


def check_show(show: Show) -> Show:
    """The show with its names normalised, or InvalidInput naming the field at fault."""
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


def check_names_free(show: Show, others: Iterable[Show]) -> None:
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
                raise InvalidInput(option, "`{name}` already names the show `{slug}`; pick a name no "
                                           "other show uses.", name=quote(name), slug=other.slug)


def check_imported_names(show: Show, others: Iterable[Show]) -> None:
    """`check_names_free`, failing as an InvalidImport that names the show."""
    try:
        check_names_free(show, others)
    except InvalidInput as exc:
        raise InvalidImport(f"show {show.slug!r}: field '{exc.option}': {exc.problem}") from None
