"""A season page's content, worded as the bot's replies word it: the production path, release,
cast, episodes, news and latest changes, every fact with its badge, source and as-of date.

Only words are made here (by the renderers the replies use: bot/catalogue/render.py and
diff.py); the template lays them out and escapes them. A link is kept only when it is http(s).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.catalogue.diff import change_diff, main_text, source_name, stage_label
from bot.catalogue.render import (
    EPISODE_FIELDS,
    badge,
    cast_list,
    current_stage,
    news_list,
    person_name,
    show_title,
)
from bot.catalogue.view import View
from bot.core.models import STAGES, Basis, Change, Entry, Fact, Show
from bot.i18n import t, term
from bot.i18n.dates import date_text, window_text

log = logging.getLogger(__name__)

# A page shows the first of each long list (a big show has thousands): the bot pages the rest.
CAST_SHOWN, NEWS_SHOWN, CHANGES_SHOWN = 100, 30, 20


# Whitespace and control characters have no place in a working address (and some, such as
# \x01, none in an XML attribute either): such a stored URL is shown as text, not linked.
_UNLINKABLE = re.compile("[\x00-\x20\x7f\ufffe\uffff]")


def safe_url(url: str | None) -> str | None:
    """The URL if it may be a link (http or https with a host), else None: shown as text."""
    if not url or _UNLINKABLE.search(url.strip()):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


@dataclass(frozen=True)
class Sourced:
    """A fact's confidence badge, its source (a link only when safe) and its as-of date."""

    confidence: str
    badge: str
    source: str
    url: str | None
    as_of: str
    note: str | None = None


def sourced(basis: Fact | Basis, lang: str) -> Sourced:
    note = basis.note if isinstance(basis, Basis) else basis.fields.get("note")
    return Sourced(basis.confidence, badge(basis.confidence, lang), source_name(basis),
                   safe_url(basis.source_url), t(lang, "as of {date}", date=date_text(basis.as_of, lang)),
                   str(note) if note else None)


@dataclass(frozen=True)
class Step:
    """One stage of the production path: how far it is (reached, current, rumored, ahead)."""

    label: str
    state: str
    when: str | None
    fact: Sourced | None


@dataclass(frozen=True)
class Row:
    """A labelled value with its source: the release, an episodes value, a cast member."""

    label: str
    value: str
    extras: tuple[str, ...]
    fact: Sourced | None


@dataclass(frozen=True)
class News:
    date: str
    headline: str
    url: str | None
    fact: Sourced


@dataclass(frozen=True)
class ChangeItem:
    id: int
    date: str
    editor: str
    lines: tuple[str, ...]
    fact: Sourced | None


@dataclass(frozen=True)
class Season:
    """Everything one season page shows, in one language."""

    lang: str
    slug: str
    title: str
    heading: str
    original_title: str | None
    network: str | None
    archived: bool
    steps: tuple[Step, ...]
    now: str | None
    release: Row | None
    cast: tuple[Row, ...]
    cast_more: str | None
    episodes: tuple[Row, ...]
    news: tuple[News, ...]
    news_more: str | None
    changes: tuple[ChangeItem, ...]
    latest: str | None

    @property
    def summary(self) -> str:
        """One line for link previews: the current stage and the release."""
        parts = [self.now or ""] + ([f"{self.release.label}: {self.release.value}"] if self.release else [])
        return " · ".join(p for p in parts if p)


def heading(show: Show, lang: str) -> str:
    """`Title season 2` as the replies' titles read, unescaped (the template escapes)."""
    return t(lang, "{title} season {season}", title=show_title(show, lang), season=show.season)


def steps(show: Show, statuses: Sequence[Entry], lang: str) -> tuple[tuple[Step, ...], str | None]:
    """The production path as /status shows it: stages up to the current one reached, rumored
    ones beyond it marked rumored; a cancellation is its own last step when known."""
    by_stage = {e.key: e for e in statuses}
    now = current_stage(statuses)
    reached = STAGES.index(now.key) if now and now.key != "cancelled" else -1
    shown = [s for s in STAGES if s != "cancelled" or s in by_stage]
    out = []
    for i, stage in enumerate(shown):
        entry = by_stage.get(stage)
        if now is not None and stage == now.key:
            state = "current"
        elif i <= reached:
            state = "reached"
        elif entry and entry.fact.confidence in ("rumored", "speculation"):
            state = "rumored"
        else:
            state = "ahead"
        when = main_text("status", entry.fact.fields, lang) if entry else None
        out.append(Step(stage_label(stage, show, lang), state, when,
                        sourced(entry.fact, lang) if entry else None))
    current = (t(lang, "Now: {stage}", stage=stage_label(now.key, show, lang)) if now else None)
    return tuple(out), current


def cast_row(entry: Entry, lang: str) -> Row:
    """`Park Ji-hu` · `as Nam On-jo` · main · returning, with the badge and source."""
    fields = entry.fact.fields
    character = t(lang, "as {character}", character=fields["character"]) if fields.get("character") else ""
    extras = tuple(term(lang, str(fields[k])) for k in ("billing", "state") if fields.get(k))
    return Row(person_name(fields, lang), character, extras, sourced(entry.fact, lang))


def episode_rows(entry: Entry | None, lang: str) -> tuple[Row, ...]:
    """Each known episodes value with its own basis, as /episodes shows them."""
    if entry is None:
        return ()
    rows = []
    for name, label in EPISODE_FIELDS.items():
        value = entry.fact.fields.get(name)
        if value is None:
            continue
        text = t(lang, "{count} minutes", count=value) if name == "runtime" else str(value)
        rows.append(Row(t(lang, label), text, (), sourced(entry.fact.basis(name), lang)))
    return tuple(rows)


def news_item(entry: Entry, lang: str) -> News:
    fields = entry.fact.fields
    return News(main_text("news", fields, lang), str(fields["headline"]), safe_url(fields.get("url")),
                sourced(entry.fact, lang))


def change_item(change: Change, show: Show, lang: str) -> ChangeItem:
    """A change as /history words it: each row old → new, with the new value's source."""
    fact = change.after or change.before
    return ChangeItem(change.id, date_text(change.created_at[:10], lang), change.editor.name,
                      tuple(change_diff(change, show, lang).lines()),
                      sourced(fact, lang) if fact else None)


def _more(count: int, command: str, lang: str) -> str | None:
    """What a long list left out, and where the rest is."""
    if count <= 0:
        return None
    return t(lang, "{count} more: ask {command} in Discord.", count=count, command=command)


def season(view: View, show: Show, changes: Sequence[Change], lang: str) -> Season:
    """The page for one show's tracked season, from the in-memory view and its latest changes."""
    statuses = view.entries(show.id, "status")
    path, now = steps(show, statuses, lang)
    release = view.entry(show.id, "release", "release")
    release_row = None
    if release is not None:
        release_row = Row(t(lang, "Release"), window_text(str(release.fact.fields["when"]), lang), (),
                          sourced(release.fact, lang))
    cast = cast_list(view.entries(show.id, "cast"), "all")
    news = news_list(view.entries(show.id, "news"), None)
    episodes = view.entries(show.id, "episodes")
    latest = view.latest_as_of(show.id)
    return Season(
        lang=lang, slug=show.slug, title=show_title(show, lang), heading=heading(show, lang),
        original_title=show.original_title if show.original_title != show_title(show, lang) else None,
        network=show.network, archived=show.archived, steps=path, now=now, release=release_row,
        cast=tuple(cast_row(e, lang) for e in cast[:CAST_SHOWN]),
        cast_more=_more(len(cast) - CAST_SHOWN, "/cast", lang),
        episodes=episode_rows(episodes[0] if episodes else None, lang),
        news=tuple(news_item(e, lang) for e in news[:NEWS_SHOWN]),
        news_more=_more(len(news) - NEWS_SHOWN, "/news", lang),
        changes=tuple(change_item(c, show, lang) for c in changes[:CHANGES_SHOWN]),
        latest=t(lang, "Last change {when}", when=date_text(latest, lang)) if latest else None,
    )
