"""Turning catalogue records into Discord embeds that always fit Discord's limits."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.diff import change_diff, source_name, stage_label
from bot.diff import entry_label as entry_label  # named here too: cogs and search read it from render
from bot.facts import render_window
from bot.models import STAGES, Basis, Change, Entry, Fact, Show
from bot.predictions import SCORING_RULES

T = TypeVar("T")

BADGES = {
    "confirmed": "✅ confirmed",
    "reported": "📰 reported",
    "rumored": "💬 rumored",
    "speculation": "🔮 speculation",
    "denied": "❌ denied",
}
LEGEND = " · ".join(BADGES.values())
COLOUR = discord.Colour(0x8B1E3F)
# A page holds a fixed number of items and each line is capped, so a page never passes the
# description's 4,096 characters and only the page shown is rendered.
CAST_PAGE, CAST_LINE = 10, 390
NEWS_PAGE, NEWS_LINE = 8, 490
HISTORY_PAGE, HISTORY_LINE = 8, 490
EMBED_TOTAL = 6000
_MARKDOWN = re.compile(r"([\\*_~`|>\[\]<])")
_HEADING = re.compile(r"^(-?#)", re.MULTILINE)  # headings and subtext only start a line
_LINK = re.compile(r"\[([^\]]*)\]\(<[^>]*>\)")


@functools.lru_cache(maxsize=65536)
def escape(text: str) -> str:
    """User text made inert: no markdown, no links, no mentions."""
    text = _HEADING.sub(r"\\\1", _MARKDOWN.sub(r"\\\1", text)).replace("://", ":\u200b//")
    return discord.utils.escape_mentions(text)


def link(text: str, url: str) -> str:
    """A markdown link whose text is escaped and whose URL cannot break out."""
    safe = url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{escape(text)}](<{safe}>)"


def heading(show: Show) -> str:
    """`Title season 2`, the title escaped: an owner's title never becomes a link or markdown."""
    return f"{escape(show.title)} season {show.season}"


def source(fact: Fact | Basis, *, with_link: bool = True) -> str:
    """`📰 reported · [Outlet](url)`."""
    name = source_name(fact)
    return f"{BADGES[fact.confidence]} · {link(name, fact.source_url) if with_link else escape(name)}"


def timestamp(iso: str, style: Any = "R") -> str:
    """A Discord timestamp (`<t:…:R>`) for a stored ISO time."""
    return discord.utils.format_dt(dt.datetime.fromisoformat(iso), style)


def date_text(iso_date: str) -> str:
    """`2024-01-17` reads `17 January 2024`."""
    return render_window(iso_date)


def fit(embed: discord.Embed) -> discord.Embed:
    """Make sure an embed fits 6,000 characters: long source links give way to their names."""
    if embed.description and len(embed.description) > 4096:
        embed.description = embed.description[:4095] + "…"
    if len(embed) <= EMBED_TOTAL:
        return embed
    if embed.description:
        embed.description = _LINK.sub(r"\1", embed.description)
    for i, f in enumerate(embed.fields):
        embed.set_field_at(i, name=f.name or "", value=_LINK.sub(r"\1", f.value or ""),
                           inline=bool(f.inline))
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(-1)
    return embed


def base_embed(title: str, show: Show) -> discord.Embed:
    """An embed with the house colour, a title and the confidence legend in the footer."""
    embed = discord.Embed(title=title[:256], colour=COLOUR)
    embed.set_footer(text=f"{show.title} season {show.season} · {LEGEND}"[:2048])
    return embed


# -- paging ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """One page of a long list: its lines, its number and how many pages there are."""

    lines: tuple[str, ...]
    number: int
    count: int


def paginate(items: Sequence[T], number: int, per_page: int) -> tuple[Sequence[T], int, int]:
    """The items of page `number` (clamped), that page's number, and how many pages there are."""
    count = max(1, -(-len(items) // per_page))
    number = max(0, min(number, count - 1))
    return items[number * per_page:(number + 1) * per_page], number, count


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def capped(full: str, short: Callable[[], str], limit: int) -> str:
    """`full` if it fits in `limit` characters, else `short()` (without links), cut to fit."""
    if len(full) <= limit:
        return full
    return _clip(short(), limit)


def paged_embed(title: str, show: Show, page: Page, empty: str) -> discord.Embed:
    """An embed showing one page of lines, with `page N of M` in the footer."""
    embed = base_embed(title, show)
    embed.description = "\n".join(page.lines) or empty
    if page.count > 1:
        embed.set_footer(text=f"Page {page.number + 1} of {page.count} · {embed.footer.text}"[:2048])
    return fit(embed)


# -- /status -----------------------------------------------------------------------------------

def current_stage(entries: Iterable[Entry]) -> Entry | None:
    """The furthest stage that is confirmed or reported (a confirmed cancellation wins)."""
    solid = [e for e in entries if e.fact.confidence in ("confirmed", "reported")]
    cancelled = [e for e in solid if e.key == "cancelled"]
    if cancelled:
        return cancelled[0]
    solid.sort(key=lambda e: STAGES.index(e.key) if e.key in STAGES else -1)
    return solid[-1] if solid else None


def _progress(show: Show, statuses: dict[str, Entry], now: Entry | None) -> str:
    reached = STAGES.index(now.key) if now and now.key != "cancelled" else -1
    steps = []
    for i, stage in enumerate(STAGES[:-1]):
        entry = statuses.get(stage)
        if i <= reached:
            mark = "●"
        elif entry and entry.fact.confidence in ("rumored", "speculation"):
            mark = "◐"
        else:
            mark = "○"
        steps.append(f"{mark} {stage_label(stage, show)}")
    return " → ".join(steps)


def _status_value(fact: Fact, what: str | None) -> str:
    parts = [render_window(what) if what else "date unknown", source(fact)]
    if fact.fields.get("note"):
        parts.append(_clip(escape(str(fact.fields["note"])), 300))
    return "\n".join(parts)  # date ≤ 40 + source ≤ 600 + note ≤ 300: within a field's 1,024


def status_embed(show: Show, statuses: Sequence[Entry], release: Entry | None,
                 last_change: str | None) -> discord.Embed:
    """The /status card: the production path, the release window, the last change."""
    by_stage = {e.key: e for e in statuses}
    now = current_stage(statuses)
    embed = base_embed(f"{heading(show)}: where it stands", show)
    lines = [_progress(show, by_stage, now), ""]
    if now:
        lines.append(f"**Now: {stage_label(now.key, show)}** ({BADGES[now.fact.confidence]})")
    else:
        lines.append("**Now:** nothing confirmed or reported yet.")
    if last_change:
        lines.append(f"Last change {timestamp(last_change)}")
    embed.description = "\n".join(lines)
    for stage in STAGES:
        entry = by_stage.get(stage)
        if entry:
            embed.add_field(name=stage_label(stage, show),
                            value=_status_value(entry.fact, entry.fact.fields.get("when")),
                            inline=False)
    if release:
        embed.add_field(name="Release", value=_status_value(release.fact, release.fact.fields["when"]),
                        inline=False)
    else:
        embed.add_field(name="Release", value="No date or window known yet.", inline=False)
    return fit(embed)


# -- /cast ---------------------------------------------------------------------------------------

CAST_FILTERS = ("all", "confirmed", "rumored", "returning", "new")


def cast_matches(entry: Entry, which: str) -> bool:
    """Whether a cast entry passes a /cast filter."""
    fact = entry.fact
    return {
        "all": True,
        "confirmed": fact.confidence == "confirmed",
        "rumored": fact.confidence in ("rumored", "speculation"),
        "returning": fact.fields.get("state") == "returning",
        "new": fact.fields.get("state") == "new",
    }.get(which, True)


def cast_line(entry: Entry, *, with_link: bool = True) -> str:
    """`**Park Ji-hu** as Nam On-jo · main · returning · 📰 reported · [source](…)`."""
    fields = entry.fact.fields
    text = f"**{escape(fields['person'])}**"
    if fields.get("character"):
        text += f" as {escape(fields['character'])}"
    extras = [str(fields[k]) for k in ("billing", "state") if fields.get(k)]
    return " · ".join([text, *extras, source(entry.fact, with_link=with_link)])


def _billing_order(entry: Entry) -> tuple[int, str]:
    order = {"main": 0, "supporting": 1, "cameo": 2}
    return order.get(str(entry.fact.fields.get("billing")), 3), entry.key


def cast_list(entries: Iterable[Entry], which: str) -> list[Entry]:
    """The cast entries passing a filter, main cast first."""
    return sorted((e for e in entries if e.kind == "cast" and cast_matches(e, which)), key=_billing_order)


def cast_page(show: Show, cast: Sequence[Entry], which: str, number: int) -> tuple[discord.Embed, Page]:
    """One page of a /cast list (already filtered and ordered by `cast_list`)."""
    shown, number, count = paginate(cast, number, CAST_PAGE)
    lines = tuple(capped(cast_line(e), functools.partial(cast_line, e, with_link=False), CAST_LINE)
                  for e in shown)
    page = Page(lines, number, count)
    title = f"{heading(show)}: cast" + ("" if which == "all" else f" ({which})")
    empty = "No cast known yet." if which == "all" else f"No cast entries are {which} yet."
    return paged_embed(title, show, page, empty), page


def person_embed(show: Show, entry: Entry, related: Sequence[Entry]) -> discord.Embed:
    """Everything known about one person for this season, and where it comes from."""
    fields, fact = entry.fact.fields, entry.fact
    embed = base_embed(f"{escape(fields['person'])} in {heading(show)}", show)
    embed.description = escape(str(fields["note"]))[:1000] if fields.get("note") else None
    embed.add_field(name="Character", value=escape(fields.get("character") or "not known"))
    embed.add_field(name="Billing", value=fields.get("billing") or "not known")
    embed.add_field(name="Status", value=fields.get("state") or "not known")
    embed.add_field(name="Confidence and source", value=source(fact), inline=False)
    embed.add_field(name="As of", value=date_text(fact.as_of))
    if related:
        lines = [news_line(e) for e in related[:5]]
        embed.add_field(name="In the news", value="\n".join(lines)[:1024], inline=False)
    return fit(embed)


# -- /episodes -------------------------------------------------------------------------------------

EPISODE_FIELDS = {"count": "Episodes", "runtime": "Runtime", "rating": "Rating"}


def _episode_value(fact: Fact, name: str) -> str:
    value = fact.fields.get(name)
    if value is None:
        return "not known yet"
    basis = fact.basis(name)
    parts = [f"{value} minutes" if name == "runtime" else str(value), source(basis),
             f"as of {date_text(basis.as_of)}"]
    if basis.note:
        parts.append(_clip(escape(basis.note), 300))
    return "\n".join(parts)  # value + source ≤ 600 + date + note ≤ 300: within a field's 1,024


def episodes_embed(show: Show, entry: Entry | None) -> discord.Embed:
    """Episode count, runtime and rating, each with its own confidence, source and note."""
    embed = base_embed(f"{heading(show)}: episodes", show)
    if entry is None:
        embed.description = "Nothing is known about the episodes yet."
        return embed
    for name, label in EPISODE_FIELDS.items():
        embed.add_field(name=label, value=_episode_value(entry.fact, name), inline=False)
    return fit(embed)


# -- /news ----------------------------------------------------------------------------------------------

def news_date(entry: Entry) -> str:
    """The day a news item is filed under: its published date, else its as-of date."""
    return str(entry.fact.fields.get("published") or entry.fact.as_of)


def news_line(entry: Entry, *, with_link: bool = True) -> str:
    """`17 January 2024 · [headline](url) · 📰 reported · [source](…)`."""
    fields = entry.fact.fields
    headline = link(fields["headline"], fields["url"]) if with_link else escape(fields["headline"])
    return f"{date_text(news_date(entry))} · {headline} · {source(entry.fact, with_link=with_link)}"


def news_list(entries: Iterable[Entry], confidence: str | None) -> list[Entry]:
    """News entries of a confidence (or all), newest first."""
    news = [e for e in entries if e.kind == "news" and confidence in (None, e.fact.confidence)]
    return sorted(news, key=lambda e: (news_date(e), e.id), reverse=True)


def news_page(show: Show, news: Sequence[Entry], confidence: str | None,
              number: int) -> tuple[discord.Embed, Page]:
    """One page of the news timeline (already ordered by `news_list`)."""
    shown, number, count = paginate(news, number, NEWS_PAGE)
    lines = tuple(capped(news_line(e), functools.partial(news_line, e, with_link=False), NEWS_LINE)
                  for e in shown)
    page = Page(lines, number, count)
    title = f"{heading(show)}: news" + (f" ({confidence})" if confidence else "")
    empty = "No news yet." if confidence is None else f"No {confidence} news yet."
    return paged_embed(title, show, page, empty), page


# -- /history ------------------------------------------------------------------------------------------

def history_line(change: Change, show: Show) -> str:
    """`#12 · <t:…:R> · alice · Cast: Park Ji-hu: as On-jo (rumored · Soompi) → …; State: …`."""
    what = change_diff(change, show).line()
    marker = f" (correction of #{change.correction_of})" if change.correction_of else ""
    return (f"**#{change.id}** · {timestamp(change.created_at)} · {escape(change.editor.name)}"
            f" · {escape(what)}{marker}")[:HISTORY_LINE]


def history_embed(show: Show, changes: Sequence[Change], number: int, count: int,
                  label: str | None) -> discord.Embed:
    """One page of changes, newest first."""
    title = f"{heading(show)}: history" + (f" of {escape(label)}" if label else "")
    page = Page(tuple(history_line(c, show) for c in changes), number, count)
    return paged_embed(title, show, page, "No changes yet.")


# -- /about ----------------------------------------------------------------------------------------------

def about_embed(shows: list[Show], version: str) -> discord.Embed:
    """The /about card."""
    tracked = "\n".join(f"• {escape(s.title)} season {s.season}" for s in shows) or "none yet"
    embed = discord.Embed(
        title="seasonwatch",
        colour=COLOUR,
        description=(
            "What is known about upcoming seasons of the shows this server follows: "
            "production status, release window, cast, episodes and the news behind them. "
            "Most of it is rumour until it isn't, so every fact carries how sure it is and "
            "where it comes from."
        ),
    )
    embed.add_field(name="Confidence", value="\n".join(BADGES.values()), inline=False)
    embed.add_field(
        name="Where facts come from",
        value=("Trusted editors post each fact with its source link; `/history` shows every "
               "change, who made it and what it replaced."),
        inline=False,
    )
    embed.add_field(name="Predictions", value=f"`/predict`: guess, then get scored. {SCORING_RULES}",
                    inline=False)
    embed.add_field(name="Tracked", value=tracked[:1024], inline=False)
    embed.set_footer(text=f"seasonwatch {version}")
    return embed
