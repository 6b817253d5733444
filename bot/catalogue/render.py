"""Turning catalogue records into Discord embeds that always fit Discord's limits."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import discord

from bot.catalogue.diff import change_diff, main_text, source_name, stage_label
from bot.catalogue.diff import (
    entry_label as entry_label,  # named here too: cogs and search read it from render
)
from bot.catalogue.diff import person_name as person_name  # named here too: cogs read it from render
from bot.core.messages import N_
from bot.core.models import STAGES, Basis, Change, Entry, Fact, Show
from bot.i18n import DEFAULT, t, term
from bot.i18n.dates import date_text as date_text  # named here too: cogs read it from render
from bot.i18n.dates import window_text

T = TypeVar("T")

BADGES = {
    "confirmed": "✅ confirmed",
    "reported": "📰 reported",
    "rumored": "💬 rumored",
    "speculation": "🔮 speculation",
    "denied": "❌ denied",
}
LEGEND = " · ".join(BADGES.values())
_HANGUL = re.compile("[\uac00-\ud7a3]")


def badge(confidence: str, lang: str = DEFAULT) -> str:
    """`✅ confirmed` / `✅ 확정`: the emoji, then the confidence word as the command list has it."""
    if confidence not in BADGES:
        return confidence
    return f"{BADGES[confidence].split()[0]} {term(lang, confidence)}"


def legend(lang: str = DEFAULT) -> str:
    """Every badge, for footers."""
    return " · ".join(badge(c, lang) for c in BADGES)
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


def show_title(show: Show, lang: str = DEFAULT) -> str:
    """The title a reader of `lang` knows the show by: for Korean its original title when that
    is Korean (지금 우리 학교는), else the title."""
    if lang == "ko" and show.original_title and _HANGUL.search(show.original_title):
        return show.original_title
    return show.title


def heading(show: Show, lang: str = DEFAULT) -> str:
    """`Title season 2`, the title escaped: an owner's title never becomes a link or markdown."""
    return t(lang, "{title} season {season}", title=escape(show_title(show, lang)), season=show.season)


def source(fact: Fact | Basis, *, with_link: bool = True, lang: str = DEFAULT) -> str:
    """`📰 reported · [Outlet](url)`."""
    name = source_name(fact)
    return f"{badge(fact.confidence, lang)} · {link(name, fact.source_url) if with_link else escape(name)}"


def timestamp(iso: str, style: Any = "R") -> str:
    """A Discord timestamp (`<t:…:R>`) for a stored ISO time: each client words it itself."""
    return discord.utils.format_dt(dt.datetime.fromisoformat(iso), style)


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


def base_embed(title: str, show: Show, lang: str = DEFAULT) -> discord.Embed:
    """An embed with the house colour, a title and the confidence legend in the footer."""
    embed = discord.Embed(title=title[:256], colour=COLOUR)
    footer = t(lang, "{title} season {season}", title=show_title(show, lang), season=show.season)
    embed.set_footer(text=f"{footer} · {legend(lang)}"[:2048])
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


def paged_embed(title: str, show: Show, page: Page, empty: str, lang: str = DEFAULT) -> discord.Embed:
    """An embed showing one page of lines, with `page N of M` in the footer."""
    embed = base_embed(title, show, lang)
    embed.description = "\n".join(page.lines) or empty
    if page.count > 1:
        where = t(lang, "Page {number} of {count}", number=page.number + 1, count=page.count)
        embed.set_footer(text=f"{where} · {embed.footer.text}"[:2048])
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


def _progress(show: Show, statuses: dict[str, Entry], now: Entry | None, lang: str) -> str:
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
        steps.append(f"{mark} {stage_label(stage, show, lang)}")
    return " → ".join(steps)


def _status_value(fact: Fact, what: str | None, lang: str) -> str:
    parts = [window_text(what, lang) if what else t(lang, "date unknown"), source(fact, lang=lang)]
    if fact.fields.get("note"):
        parts.append(_clip(escape(str(fact.fields["note"])), 300))
    return "\n".join(parts)  # date ≤ 40 + source ≤ 600 + note ≤ 300: within a field's 1,024


def status_embed(show: Show, statuses: Sequence[Entry], release: Entry | None,
                 latest: str | None, lang: str = DEFAULT, page: str | None = None) -> discord.Embed:
    """The /status card: the production path, the release window, and the date of the latest
    fact (`latest`, an as-of date); its title links the season's web `page` when there is one."""
    by_stage = {e.key: e for e in statuses}
    now = current_stage(statuses)
    embed = base_embed(t(lang, "{heading}: where it stands", heading=heading(show, lang)), show, lang)
    embed.url = page
    lines = [_progress(show, by_stage, now, lang), ""]
    if now:
        lines.append(t(lang, "**Now: {stage}** ({badge})", stage=stage_label(now.key, show, lang),
                       badge=badge(now.fact.confidence, lang)))
    elif not statuses and release is None:
        lines.append(t(lang, "Nothing is known about this season yet."))
    else:
        lines.append(t(lang, "**Now:** nothing confirmed or reported yet."))
    if latest:
        lines.append(t(lang, "Last change {when}", when=date_text(latest, lang)))
    embed.description = "\n".join(lines)
    for stage in STAGES:
        entry = by_stage.get(stage)
        if entry:
            embed.add_field(name=stage_label(stage, show, lang),
                            value=_status_value(entry.fact, entry.fact.fields.get("when"), lang),
                            inline=False)
    release_name = t(lang, "Release")
    if release:
        embed.add_field(name=release_name, inline=False,
                        value=_status_value(release.fact, release.fact.fields["when"], lang))
    else:
        embed.add_field(name=release_name, value=t(lang, "No date or window known yet."), inline=False)
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


def cast_line(entry: Entry, *, with_link: bool = True, lang: str = DEFAULT) -> str:
    """`**Park Ji-hu** as Nam On-jo · main · returning · 📰 reported · [source](…)`."""
    fields = entry.fact.fields
    text = f"**{escape(person_name(fields, lang))}**"
    if fields.get("character"):
        text += " " + t(lang, "as {character}", character=escape(fields["character"]))
    extras = [term(lang, str(fields[k])) for k in ("billing", "state") if fields.get(k)]
    return " · ".join([text, *extras, source(entry.fact, with_link=with_link, lang=lang)])


def _billing_order(entry: Entry) -> tuple[int, str]:
    order = {"main": 0, "supporting": 1, "cameo": 2}
    return order.get(str(entry.fact.fields.get("billing")), 3), entry.key


def cast_list(entries: Iterable[Entry], which: str) -> list[Entry]:
    """The cast entries passing a filter, main cast first."""
    return sorted((e for e in entries if e.kind == "cast" and cast_matches(e, which)), key=_billing_order)


def cast_page(show: Show, cast: Sequence[Entry], which: str, number: int,
              lang: str = DEFAULT) -> tuple[discord.Embed, Page]:
    """One page of a /cast list (already filtered and ordered by `cast_list`)."""
    shown, number, count = paginate(cast, number, CAST_PAGE)
    lines = tuple(capped(cast_line(e, lang=lang), functools.partial(cast_line, e, with_link=False, lang=lang),
                         CAST_LINE) for e in shown)
    page = Page(lines, number, count)
    if which == "all":
        title = t(lang, "{heading}: cast", heading=heading(show, lang))
        empty = t(lang, "No cast known yet.")
    else:
        title = t(lang, "{heading}: cast ({which})", heading=heading(show, lang), which=term(lang, which))
        empty = t(lang, "No cast entries are {which} yet.", which=term(lang, which))
    return paged_embed(title, show, page, empty, lang), page


def person_embed(show: Show, entry: Entry, related: Sequence[Entry], lang: str = DEFAULT) -> discord.Embed:
    """Everything known about one person for this season, and where it comes from."""
    fields, fact = entry.fact.fields, entry.fact
    unknown = t(lang, "not known")
    embed = base_embed(t(lang, "{person} in {heading}", person=escape(person_name(fields, lang)),
                         heading=heading(show, lang)), show, lang)
    embed.description = escape(str(fields["note"]))[:1000] if fields.get("note") else None
    embed.add_field(name=t(lang, "Character"), value=escape(fields.get("character") or unknown))
    for name, label in (("billing", t(lang, "Billing")), ("state", t(lang, "Status"))):
        embed.add_field(name=label, value=term(lang, str(fields[name])) if fields.get(name) else unknown)
    embed.add_field(name=t(lang, "Confidence and source"), value=source(fact, lang=lang), inline=False)
    embed.add_field(name=t(lang, "As of"), value=date_text(fact.as_of, lang))
    if related:
        lines = [news_line(e, lang=lang) for e in related[:5]]
        embed.add_field(name=t(lang, "In the news"), value="\n".join(lines)[:1024], inline=False)
    return fit(embed)


# -- /episodes -------------------------------------------------------------------------------------

EPISODE_FIELDS = {"count": N_("Episodes"), "runtime": N_("Runtime"), "rating": N_("Rating")}


def _episode_value(fact: Fact, name: str, lang: str) -> str:
    value = fact.fields.get(name)
    if value is None:
        return t(lang, "not known yet")
    basis = fact.basis(name)
    parts = [t(lang, "{count} minutes", count=value) if name == "runtime" else str(value),
             source(basis, lang=lang), t(lang, "as of {date}", date=date_text(basis.as_of, lang))]
    if basis.note:
        parts.append(_clip(escape(basis.note), 300))
    return "\n".join(parts)  # value + source ≤ 600 + date + note ≤ 300: within a field's 1,024


def episodes_embed(show: Show, entry: Entry | None, lang: str = DEFAULT) -> discord.Embed:
    """Episode count, runtime and rating, each with its own confidence, source and note."""
    embed = base_embed(t(lang, "{heading}: episodes", heading=heading(show, lang)), show, lang)
    if entry is None:
        embed.description = t(lang, "Nothing is known about the episodes yet.")
        return embed
    for name, label in EPISODE_FIELDS.items():
        embed.add_field(name=t(lang, label), value=_episode_value(entry.fact, name, lang), inline=False)
    return fit(embed)


# -- /news ----------------------------------------------------------------------------------------------

def news_date(entry: Entry) -> str:
    """The day a news item is filed under: its published date, else its as-of date."""
    return str(entry.fact.fields.get("published") or entry.fact.as_of)


def news_line(entry: Entry, *, with_link: bool = True, lang: str = DEFAULT) -> str:
    """`17 January 2024 · [headline](url) · 📰 reported · [source](…)`; `undated · …` when the
    source gave no day (the as-of day only files it: it is not when the news came out)."""
    fields = entry.fact.fields
    headline = link(fields["headline"], fields["url"]) if with_link else escape(fields["headline"])
    sourced = source(entry.fact, with_link=with_link, lang=lang)
    return f"{main_text('news', fields, lang)} · {headline} · {sourced}"


def news_list(entries: Iterable[Entry], confidence: str | None) -> list[Entry]:
    """News entries of a confidence (or all), newest first."""
    news = [e for e in entries if e.kind == "news" and confidence in (None, e.fact.confidence)]
    return sorted(news, key=lambda e: (news_date(e), e.id), reverse=True)


def news_page(show: Show, news: Sequence[Entry], confidence: str | None,
              number: int, lang: str = DEFAULT) -> tuple[discord.Embed, Page]:
    """One page of the news timeline (already ordered by `news_list`)."""
    shown, number, count = paginate(news, number, NEWS_PAGE)
    lines = tuple(capped(news_line(e, lang=lang), functools.partial(news_line, e, with_link=False, lang=lang),
                         NEWS_LINE) for e in shown)
    page = Page(lines, number, count)
    if confidence is None:
        title = t(lang, "{heading}: news", heading=heading(show, lang))
        empty = t(lang, "No news yet.")
    else:
        which = term(lang, confidence)
        title = t(lang, "{heading}: news ({which})", heading=heading(show, lang), which=which)
        empty = t(lang, "No {which} news yet.", which=which)
    return paged_embed(title, show, page, empty, lang), page


# -- /history ------------------------------------------------------------------------------------------

def history_line(change: Change, show: Show, lang: str = DEFAULT) -> str:
    """`#12 · <t:…:R> · alice · Cast: Park Ji-hu: as On-jo (rumored · Soompi) → …; State: …`."""
    what = change_diff(change, show, lang).line()
    marker = " " + t(lang, "(correction of #{id})", id=change.correction_of) if change.correction_of else ""
    return (f"**#{change.id}** · {timestamp(change.created_at)} · {escape(change.editor.name)}"
            f" · {escape(what)}{marker}")[:HISTORY_LINE]


def history_embed(show: Show, changes: Sequence[Change], number: int, count: int,
                  label: str | None, lang: str = DEFAULT) -> discord.Embed:
    """One page of changes, newest first."""
    if label:
        title = t(lang, "{heading}: history of {label}", heading=heading(show, lang), label=escape(label))
    else:
        title = t(lang, "{heading}: history", heading=heading(show, lang))
    page = Page(tuple(history_line(c, show, lang) for c in changes), number, count)
    return paged_embed(title, show, page, t(lang, "No changes yet."), lang)
