"""The sandbox's output: what the bot sent, as terminal text (Discord markdown made plain,
embeds behind `|`, buttons in brackets), and how to find buttons and form fields in it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from bot.i18n import DEFAULT
from bot.sandbox.clock import when

if TYPE_CHECKING:
    from standin.world import Message


_MARKUP = re.compile(
    r"(?P<ts><t:(?P<secs>-?\d+)(?::(?P<style>[tTdDfFR]))?>)"
    r"|(?P<link>(?<!\\)\[(?P<text>(?:\\.|[^\]\\])*)\]\(<?(?P<url>[^)>\s]+)>?\))"
    r"|(?P<user><@!?(?P<uid>\d+)>)|(?P<role><@&(?P<rid>\d+)>)|(?P<chan><#(?P<cid>\d+)>)"
    r"|(?P<emoji><a?:(?P<ename>\w+):\d+>)"
)
_PLAIN = re.compile(r"\\([^\w\s])|\*\*|\u200b")


def readable(text: str, names: Mapping[int, str] | None = None, now: dt.datetime | None = None,
             lang: str = DEFAULT) -> str:
    """Discord markdown made plain: timestamps as dates (in `lang`), `[t](<u>)` as `t <u>`, no escapes."""
    names = names or {}

    def unescape(s: str) -> str:
        return _PLAIN.sub(lambda m: m.group(1) or "", s)

    def one(m: re.Match[str]) -> str:
        if m["ts"]:
            return when(int(m["secs"]), m["style"], now, lang)
        if m["link"]:
            return f"{unescape(m['text'])} <{m['url']}>"
        if m["emoji"]:
            return f":{m['ename']}:"
        key, sigil = (m["uid"], "@") if m["user"] else (m["rid"], "@") if m["role"] else (m["cid"], "#")
        return sigil + names.get(int(key), key)

    out, last = [], 0
    for m in _MARKUP.finditer(text):
        out += [unescape(text[last : m.start()]), one(m)]
        last = m.end()
    out.append(unescape(text[last:]))
    return "".join(out)


def _components(components: list[dict[str, Any]]) -> Iterator[str]:
    for c in components:
        kind = c.get("type")
        if kind == 2:
            label = c.get("label") or (c.get("emoji") or {}).get("name") or "?"
            extra = f" <{c['url']}>" if c.get("url") else " (disabled)" if c.get("disabled") else ""
            yield f"[{label}{extra}]"
        elif kind in (3, 5, 6, 7, 8):
            # A string menu's options, numbered as `choose` takes them; ✓ marks a chosen one.
            shown = "; ".join(f"{n}. {'✓' if o.get('default') else ''}{o.get('label')}"
                              for n, o in enumerate(c.get("options") or [], 1))
            yield f"[{c.get('placeholder') or 'choose'} ▾{': ' + shown if shown else ''}]"
        yield from _components(c.get("components") or [])
        if isinstance(c.get("accessory"), dict):
            yield from _components([c["accessory"]])


def render(
    header: str,
    content: str,
    embeds: list[dict[str, Any]],
    components: list[dict[str, Any]],
    names: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
    lang: str = DEFAULT,
) -> str:
    """A message as terminal text: header, content, each embed behind `|`, then the buttons."""

    def text(s: Any) -> str:
        return readable(str(s), names, now, lang)

    def indent(s: str, first: str, rest: str) -> list[str]:
        lines = s.splitlines() or [""]
        return [first + lines[0], *(rest + line for line in lines[1:])]

    out = [header]
    if content:
        out += indent(text(content), "  ", "  ")
    for e in embeds:
        if (e.get("author") or {}).get("name"):
            out.append("  | " + text(e["author"]["name"]))
        if e.get("title"):
            # The recovery marker (`#sw-…`) is not for readers: Discord shows no link text either.
            url = f" <{e['url'].split('#sw-')[0]}>" if e.get("url") else ""
            out.append(f"  | {text(e['title'])}{url}")
            out.append("  | " + "-" * min(len(text(e["title"])), 60))
        if e.get("description"):
            out += indent(text(e["description"]), "  | ", "  | ")
        for f in e.get("fields") or []:
            out += indent(text(f.get("value", "")), f"  | {text(f.get('name', ''))}: ", "  |   ")
        if (e.get("footer") or {}).get("text"):
            out += indent(text(e["footer"]["text"]), "  | -- ", "  |    ")
    buttons = list(_components(components))
    if buttons:
        out.append("  " + " ".join(buttons))
    if len(out) == 1:
        out.append("  (empty message)")
    return "\n".join(line.rstrip() for line in out)


def event_line(kind: str, event: dict[str, Any] | None) -> str:
    """A change to a server's Events tab, as the transcript shows it."""
    if event is None:
        return f"seasonwatch {kind}d a scheduled event"
    done = {"create": "scheduled", "modify": "moved", "cancel": "cancelled", "delete": "deleted"}[kind]
    where = (event.get("entity_metadata") or {}).get("location", "")
    start = str(event.get("scheduled_start_time", ""))[:16].replace("T", " ")
    return f"seasonwatch {done} an event: {event.get('name')} · {start} UTC · {where}"


def has_button(msg: Message, label: str) -> bool:
    return not msg.deleted and any(b.get("label") == label for b in buttons(msg.components))


def menu_options(msg: Message) -> list[dict[str, Any]] | None:
    """The options of a message's string select menu, or None if it has none."""
    if msg.deleted:
        return None
    rows = [c for row in msg.components for c in [row, *(row.get("components") or [])]]
    menus = [c for c in rows if c.get("type") == 3]
    return list(menus[0].get("options") or []) if menus else None


def buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        found += [c] if c.get("type") == 2 else []
        found += buttons(c.get("components") or [])
    return found


def text_inputs(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        found += [c] if c.get("type") == 4 else []
        found += text_inputs(c.get("components") or [])
        if isinstance(c.get("component"), dict):
            found += text_inputs([c["component"]])
    return found
