"""`seasonwatch sandbox`: the bot against the local stand-in for Discord, driven from a prompt.

The stand-in and the real bot run on an event loop in a background thread; the main thread
reads lines (a terminal, a pipe or `--script FILE`), hands each to that loop and prints what
Discord would have shown: the reply, new channel messages, and anything Discord would refuse.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot import sandbox_commands
from bot.config import Settings
from bot.i18n import DEFAULT, language
from bot.logs import setup_logging
from bot.sandbox_time import when
from bot.texts import plural

if TYPE_CHECKING:
    from standin import Reply, StandIn
    from standin.scene import Scene
    from standin.world import Channel, Message, User

T = TypeVar("T")

TIMEOUT = 5.0  # seconds the bot gets to answer, as the stand-in's driver allows
SETTLE = 0.15  # quiet seconds after a reply before new channel messages are collected
SETTLE_MAX = 2.0
PEOPLE = ("fan", "editor", "admin", "owner", "other-admin")


# -- reading a line ---------------------------------------------------------------------------


class LineError(ValueError):
    """A line the sandbox cannot make sense of; the message says why."""


@dataclass(frozen=True)
class Line:
    """One parsed line: `verb` is command, as, click, channel, locale, submit, commands, wait, help
    or quit."""

    verb: str
    arg: str = ""  # the command path ("edit cast"), a person, a label or a channel
    options: dict[str, str] = field(default_factory=dict)


_EXAMPLES = {"as": "as editor", "click": "click Next", "channel": "channel #announcements",
             "locale": "locale ko"}
# `locale` words to the Discord locale a client in that language sends.
LOCALES = {"ko": "ko", "en": "en-US"}
_GENERIC_NAME = re.compile(r"(?<!\S)([\w-]+):(?!//)")
_PATH = re.compile(r"[\w-]+(?:\s+[\w-]+)*")


def split_options(text: str, names: Collection[str] | None = None) -> tuple[str, dict[str, str]]:
    """Split `edit cast person:X Y note:Z` into ("edit cast", {"person": "X Y", "note": "Z"}).

    A value runs until the next ` name:`; with `names` only those names start an option, so a
    value may contain `see also: x`. Values may be quoted ("...") to keep spaces at the ends.
    """
    if names is None:
        starts = list(_GENERIC_NAME.finditer(text))
    else:
        wanted = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        starts = list(re.finditer(rf"(?<!\S)({wanted}):", text)) if wanted else []
    head = text[: starts[0].start()] if starts else text
    options: dict[str, str] = {}
    for here, after in zip(starts, [*starts[1:], None][: len(starts)], strict=True):
        name = here.group(1)
        value = text[here.end() : after.start() if after else len(text)].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if name in options:
            raise LineError(f"option {name!r} is given twice")
        if not value:
            raise LineError(f"option {name!r} has no value (write {name}:something)")
        options[name] = value
    return " ".join(head.split()), options


def parse_line(text: str, option_names: Callable[[str], Collection[str] | None] | None = None) -> Line:
    """Parse one typed line; `option_names(path)` gives a command's registered option names."""
    line = text.strip()
    verb, _, rest = line.partition(" ")
    rest = rest.strip()
    if line.startswith("/"):
        path, options = split_options(line[1:])
        if option_names is not None and (names := option_names(path)) is not None:
            # Only registered names start options, unless that hides a mistyped one.
            known_path, known = split_options(line[1:], names)
            if known_path == path:
                options = known
        if not path:
            raise LineError("no command after / (try /status, or type help)")
        if not _PATH.fullmatch(path):
            raise LineError(f"/{path}: options are written name:value, e.g. /cast person:Park Ji-hu")
        return Line("command", path.lower(), options)
    verb = verb.lower()
    if verb == "wait":
        if not re.fullmatch(r"[0-9]{1,2}(\.[0-9]+)?", rest):
            raise LineError("wait how long? (e.g. wait 8, in seconds, at most 60)")
        return Line("wait", rest)
    if verb in ("help", "?", "commands", "quit", "exit"):
        return Line("quit" if verb == "exit" else "help" if verb == "?" else verb)
    if verb in ("as", "click", "channel", "locale"):
        if not rest:
            raise LineError(f"{verb} what? (e.g. {_EXAMPLES[verb]})")
        return Line(verb, rest)
    if verb == "submit":
        _, options = split_options(rest)
        if not options:
            raise LineError("submit what? (e.g. submit reason:typo)")
        return Line("submit", rest, options)
    raise LineError(f"don't know {line!r}: slash commands start with / (type help)")


# -- showing what the bot sent ----------------------------------------------------------------

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
            yield f"[{c.get('placeholder') or 'choose'} ▾]"
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
            url = f" <{e['url']}>" if e.get("url") else ""
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


# -- acting in the stand-in's world -----------------------------------------------------------


class Quit(Exception):
    """The person asked to leave."""


class Sandbox:
    """Who is typing where, what they have seen, and how their lines become interactions."""

    def __init__(self, standin: StandIn, scene: Scene) -> None:
        self.standin = standin
        self.scene = scene
        members = (scene.fan, scene.editor, scene.admin, scene.owner, scene.other_admin)
        self.people: dict[str, User] = {n: m.user for n, m in zip(PEOPLE, members, strict=True)}
        self.who = "fan"
        self.channel: Channel | None = scene.home_general
        self.shown: list[Message] = []  # messages printed, newest last, for `click`
        self.seen: dict[int, str | None] = {}  # message id -> edited_timestamp when last shown
        self.violations = 0
        self.events = 0  # scheduled event changes shown so far
        self.last: Reply | None = None
        self.failed: list[str] = []  # lines the sandbox could not do, for a script's exit status

    # -- state ----------------------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        """`fan> `, or `editor #announcements> ` away from Home's #general."""
        if self.channel is self.scene.home_general:
            return f"{self.who}> "
        where = "dm" if self.channel is None else f"#{self.channel.name}"
        if self.channel is not None and self.channel.guild is not self.scene.home:
            where += f" ({self.channel.guild.name if self.channel.guild else ''})"
        return f"{self.who} {where}> "

    def names(self) -> dict[int, str]:
        """Ids of users, roles and channels to the names mentions show."""
        world = self.standin.world
        found = {u.id: u.name for u in world.users.values()}
        found |= {c.id: c.name for c in world.channels.values()}
        for g in world.guilds.values():
            found |= {r.id: r.name.lstrip("@") for r in g.roles.values()}
        return found

    @property
    def lang(self) -> str:
        """The language of the current person's Discord client (`locale ko`)."""
        return language(self.people[self.who].locale)

    def _scopes(self) -> list[list[dict[str, Any]]]:
        """The commands registered where the current person types: this server's, then global."""
        guild = self.channel.guild if self.channel is not None else None
        return [self.standin.commands.get(scope, []) for scope in ([guild.id] if guild else []) + [None]]

    def _registered(self, path: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        from standin.commands import CommandUsageError, find_command

        for registered in self._scopes():
            with contextlib.suppress(CommandUsageError, IndexError):
                default, _ = sandbox_commands.to_default(registered, path, {})
                top, leaf, _ = find_command(registered, default)
                return top, leaf
        return None

    def option_names(self, path: str) -> list[str] | None:
        """The registered options of `/path` by every name they have, or None when there is no
        such command."""
        found = self._registered(path)
        return sandbox_commands.option_names(found[1]) if found else None

    def default_names(self, path: str, options: dict[str, str]) -> tuple[str, dict[str, str]]:
        """A command typed with Korean names, as a Korean client sends it: with the default ones."""
        for registered in self._scopes():
            default, named = sandbox_commands.to_default(registered, path, options)
            if any(c["name"] == default.split(" ")[0] for c in registered):
                return default, named
        return path, options

    # -- one line ------------------------------------------------------------------------------

    async def handle(self, text: str) -> str:
        """Do one line; returns everything to print (raises Quit on `quit`)."""
        from standin import CommandUsageError, NoReply

        out = [*self.collect()]
        try:
            line = parse_line(text, self.option_names)
            out += await self._do(line)
        except (LineError, CommandUsageError) as exc:
            hint = " (options are written name:value)" if "no subcommand" in str(exc) else ""
            out.append(f"error: {exc}{hint}")
            self.failed.append(text.strip())
        except NoReply as exc:
            out.append(f"error: the bot did not answer: {str(exc).split('; ')[0]}")
            self.failed.append(text.strip())
        else:
            if line.verb in ("command", "click", "submit"):
                await self.settle()
        out += self.collect()
        return "\n".join(out)

    async def _do(self, line: Line) -> list[str]:
        if line.verb == "quit":
            raise Quit
        if line.verb == "help":
            return [sandbox_commands.help_text(self.lang)]
        if line.verb == "commands":
            return self.commands()
        if line.verb == "wait":
            await asyncio.sleep(min(float(line.arg), 60.0))
            return []
        if line.verb == "as":
            name = line.arg.lower().lstrip("@")
            if name not in self.people:
                raise LineError(f"nobody called {line.arg!r} here (try: {', '.join(PEOPLE)})")
            self.who = name
            return [f"(you are now {name})"]
        if line.verb == "channel":
            return [self._switch(line.arg)]
        if line.verb == "locale":
            return [self._locale(line.arg)]
        who = self.people[self.who]
        if line.verb == "command":
            path, typed = self.default_names(line.arg, line.options)
            options = self.coerce(path, typed)
            reply = await self.standin.command(who, self.channel, path, timeout=TIMEOUT, **options)
        elif line.verb == "click":
            target = next((m for m in reversed(self.shown) if _has_button(m, line.arg)), None)
            if target is None:
                raise LineError(f"no button {line.arg!r} on any message shown so far")
            reply = await self.standin.click(who, target, line.arg, timeout=TIMEOUT)
        else:  # submit
            if self.last is None or self.last.modal is None:
                raise LineError("there is no open form to submit")
            inputs = _inputs(self.last.modal.get("components") or [])
            keys = [str(c[k]) for c in inputs for k in ("custom_id", "label") if c.get(k)]
            _, values = split_options(line.arg, keys)  # custom ids may hold colons, labels spaces
            reply = await self.standin.submit_modal(who, self.last, values or line.options, timeout=TIMEOUT)
        self.last = reply
        return self.show_reply(reply)

    def _locale(self, code: str) -> str:
        """Switch the current person's client language: interactions carry it as their locale."""
        wanted = code.strip().lower()
        if wanted not in LOCALES:
            raise LineError(f"no locale {code!r} (try: {', '.join(LOCALES)})")
        self.people[self.who].locale = LOCALES[wanted]
        return f"({self.who}'s Discord now speaks {LOCALES[wanted]})"

    def _switch(self, where: str) -> str:
        name = where.strip().lstrip("#").lower()
        if name in ("dm", "dms"):
            self.channel = None
            return "(you are now in a DM with the bot)"
        guild_name, _, name = name.rpartition(" ")
        name = name.lstrip("#")
        guilds = [self.scene.home, self.scene.other]
        for g in guilds:
            if guild_name and g.name.lower() != guild_name.lstrip("(").rstrip(")"):
                continue
            found = next((c for c in g.channels.values() if c.name == name and not c.deleted), None)
            if found is not None:
                self.channel = found
                return f"(you are now in #{found.name} of {g.name})"
        every = sorted({f"#{c.name}" for g in guilds for c in g.channels.values()})
        raise LineError(f"no channel {where!r} (try {', '.join(every)} or dm; `channel other #news`)")

    # -- options ---------------------------------------------------------------------------------

    def coerce(self, path: str, raw: dict[str, str]) -> dict[str, Any]:
        """Typed option values from typed text, by the option types the bot registered."""
        found = self._registered(path)
        if found is None:
            return dict(raw)  # the driver says the command is not registered
        schema = {o["name"]: o for o in found[1]}
        return {k: self._value(schema[k], v) if k in schema else v for k, v in raw.items()}

    def _value(self, opt: dict[str, Any], raw: str) -> Any:
        from standin.commands import BOOLEAN, CHANNEL, INTEGER, MENTIONABLE, NUMBER, ROLE, USER

        kind, name = opt["type"], opt["name"]
        for choice in opt.get("choices") or []:  # Discord users pick choices by their names
            shown = sandbox_commands.names(choice) | {str(choice["value"])}
            if raw.casefold() in {n.casefold() for n in shown}:
                return choice["value"]
        try:
            if kind == INTEGER:
                return int(raw)
            if kind == NUMBER:
                return float(raw)
        except ValueError:
            raise LineError(f"option {name!r} takes a number, got {raw!r}") from None
        if kind == BOOLEAN:
            if raw.lower() not in ("true", "false", "yes", "no"):
                raise LineError(f"option {name!r} takes true or false, got {raw!r}")
            return raw.lower() in ("true", "yes")
        guild = self.channel.guild if self.channel is not None else None
        key = raw.lstrip("@#").lower()
        if kind in (USER, MENTIONABLE) and key in self.people:
            member = guild.member(self.people[key].id) if guild else None
            return member or self.people[key]
        if kind in (ROLE, MENTIONABLE) and guild is not None:
            role = next((r for r in guild.roles.values() if r.name.lower().lstrip("@") == key), None)
            if role is not None:
                return role
        if kind == CHANNEL and guild is not None:
            channel = next((c for c in guild.channels.values() if c.name == key), None)
            if channel is not None:
                return channel
        if kind in (USER, ROLE, CHANNEL, MENTIONABLE):
            what = {USER: "person", ROLE: "role", CHANNEL: "channel"}.get(kind, "person or role")
            raise LineError(f"option {name!r}: no {what} {raw!r} here")
        return raw

    # -- output ----------------------------------------------------------------------------------

    def show(self, header: str, msg: Message) -> str:
        """Render one message and remember it for `click`."""
        self.seen[msg.id] = msg.edited_timestamp
        if msg in self.shown:
            self.shown.remove(msg)
        self.shown.append(msg)
        return render(header, msg.content, msg.embeds, msg.components, self.names(), lang=self.lang)

    def show_reply(self, reply: Reply) -> list[str]:
        """The reply to a command or click: the message, its followups, or the form it opened."""
        out = []
        if reply.modal is not None:
            inputs = [
                f"{c.get('custom_id')} ({c.get('label') or ''})"
                for c in _inputs(reply.modal.get("components") or [])
            ]
            out.append(f"seasonwatch opened a form {reply.modal.get('title')!r}: " + ", ".join(inputs))
            out.append("  (fill it in with: submit name:value ...)")
        elif reply.message is not None:
            edited = reply.source is not None and reply.message is reply.source
            tag = " (updated the message)" if edited else " (ephemeral)" if reply.ephemeral else ""
            out.append(self.show(f"seasonwatch{tag}:", reply.message))
        for extra in reply.followups:
            if extra is not reply.message:
                tag = " (ephemeral)" if extra.ephemeral else ""
                out.append(self.show(f"seasonwatch followup{tag}:", extra))
        return out

    def collect(self) -> list[str]:
        """New or edited channel messages and new violations since the last call."""
        out = []
        for ch in list(self.standin.world.channels.values()):
            for m in self.standin.messages(ch):
                if m.id in self.seen and self.seen[m.id] == m.edited_timestamp:
                    continue
                edited = " (edited)" if m.id in self.seen else ""
                if ch.guild is None:
                    where = f"DM to {ch.recipient.name if ch.recipient else '?'}"
                else:
                    where = f"#{ch.name} ({ch.guild.name})"
                out.append(self.show(f"seasonwatch in {where}{edited}:", m))
        for kind, event_id in self.standin.event_log[self.events :]:
            out.append(event_line(kind, self.standin.scheduled_events.get(event_id)))
        self.events = len(self.standin.event_log)
        for v in self.standin.violations[self.violations :]:
            out.append(f"! Discord would refuse this: {v}")
        self.violations = len(self.standin.violations)
        return out

    async def settle(self) -> None:
        """Wait until the bot has been quiet for a moment (announcements go out after replies)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_MAX
        count = -1
        while count != len(self.standin.requests) and loop.time() < deadline:
            count = len(self.standin.requests)
            await asyncio.sleep(SETTLE)

    def commands(self) -> list[str]:
        """Every registered command with its options and Korean names, described in the
        current person's language."""
        out = [line for registered in reversed(self._scopes())
               for line in sandbox_commands.listing(registered, self.lang)]
        return out or ["(the bot registered no commands)"]


def event_line(kind: str, event: dict[str, Any] | None) -> str:
    """A change to a server's Events tab, as the transcript shows it."""
    if event is None:
        return f"seasonwatch {kind}d a scheduled event"
    done = {"create": "scheduled", "modify": "moved", "cancel": "cancelled", "delete": "deleted"}[kind]
    where = (event.get("entity_metadata") or {}).get("location", "")
    start = str(event.get("scheduled_start_time", ""))[:16].replace("T", " ")
    return f"seasonwatch {done} an event: {event.get('name')} · {start} UTC · {where}"


def _has_button(msg: Message, label: str) -> bool:
    return not msg.deleted and any(b.get("label") == label for b in _buttons(msg.components))


def _buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        found += [c] if c.get("type") == 2 else []
        found += _buttons(c.get("components") or [])
    return found


def _inputs(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        found += [c] if c.get("type") == 4 else []
        found += _inputs(c.get("components") or [])
        if isinstance(c.get("component"), dict):
            found += _inputs([c["component"]])
    return found


# -- starting, the prompt, stopping -------------------------------------------------------------


class _Loop:
    """An event loop in a daemon thread, so the prompt can block on input() while the bot runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sandbox-loop", daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and wait for its result."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def close(self) -> None:
        """Cancel what is left, stop the loop and join its thread."""

        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(cancel_rest(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        if not self.loop.is_running():
            self.loop.close()


async def _start(settings: Settings, db_path: Path) -> tuple[Sandbox, contextlib.AsyncExitStack]:
    from bot.app import running
    from bot.news.demo import DemoFeed
    from standin import StandIn
    from standin.scene import build_scene
    from standin.world import CREATE_EVENTS

    stack = contextlib.AsyncExitStack()
    try:
        standin = StandIn()
        await standin.start()
        stack.push_async_callback(standin.stop)
        scene = build_scene(standin)
        review = scene.home.add_channel("review")
        demo = DemoFeed()
        await demo.start()
        stack.push_async_callback(demo.stop)
        if scene.home.bot_role is not None:  # so that /alerts subscribe events:true works
            scene.home.bot_role.permissions |= CREATE_EVENTS
        sandboxed = dataclasses.replace(
            settings,
            token=standin.token,
            database_path=db_path,
            api_base=standin.api_base,
            gateway_url=standin.gateway_url,
            owner_ids=frozenset({scene.owner.id}),
            home_guild_id=scene.home.id,
            editor_role_ids=frozenset({scene.editors.id}),
            dev_guild_id=None,
            log_level="WARNING",
            review_channel_id=review.id,  # the demo feed's items are posted in #review
            feed_poll_minutes=0.1,
            feeds_allow_private=True,
        )
        await stack.enter_async_context(running(sandboxed))
        await standin.wait_ready(timeout=10.0)
        # Watched from the start (as an editor would add it), so its new item arrives by itself.
        await standin.command(scene.editor, scene.home_general, "sources add", url=demo.url, timeout=TIMEOUT)
    except BaseException:
        await stack.aclose()
        raise
    return Sandbox(standin, scene), stack


def _lines(script: Path | None) -> tuple[Iterator[str], bool]:
    """The lines to run and whether to echo them (not when a person types at a terminal)."""
    if script is not None:
        return iter(script.read_text("utf-8").splitlines()), True
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 (line editing and history for input())
        return iter([]), False
    return (line.rstrip("\n") for line in sys.stdin), True


def _repl(portal: _Loop, sandbox: Sandbox, lines: Iterator[str], echo: bool) -> int:
    interactive = not echo
    while True:
        if interactive:
            pending = portal.call(_collect(sandbox))
            if pending:
                print(pending)
            try:
                text = input(sandbox.prompt)
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                return 130
        else:
            following = next(lines, None)
            if following is None:
                return _script_status(sandbox.failed)
            text = following
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if echo:
            print(sandbox.prompt + text.strip(), flush=True)
        try:
            output = portal.call(sandbox.handle(text))
        except Quit:
            return 0
        except KeyboardInterrupt:
            print("(interrupted)")
            continue
        if output:
            print(output, flush=True)


def _script_status(failed: list[str]) -> int:
    """0 when every line of a script or pipe was done, else 1 with the failed lines listed."""
    if not failed:
        return 0
    print(f"{plural(len(failed), 'line')} failed:", *(f"  {line}" for line in failed),
          sep="\n", file=sys.stderr)
    return 1


async def _collect(sandbox: Sandbox) -> str:
    return "\n".join(sandbox.collect())


def _reader_left() -> int:
    """Whoever read our output stopped (`| head`): stop quietly, as shell tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail again
    return 141  # 128 + SIGPIPE


def quiet_logging() -> None:
    """Warnings only, and none of those that mean nothing to the person at the prompt."""
    setup_logging("WARNING")
    gateway = logging.getLogger("discord.gateway")
    if _not_lag not in gateway.filters:
        gateway.addFilter(_not_lag)
    logging.getLogger("standin").setLevel(logging.ERROR)  # violations are printed in the transcript


def _not_lag(record: logging.LogRecord) -> bool:
    # "Can't keep up, websocket is 41.3s behind" shows while the prompt sits idle: the bot is fine.
    return "Can't keep up" not in record.getMessage()


def main(settings: Settings, *, db: Path | None, script: Path | None) -> int:
    """Run the sandbox; returns the exit status."""
    quiet_logging()
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        import standin  # noqa: F401
    except ImportError as exc:
        print(f"error: the sandbox needs the stand-in's dependencies ({exc}): "
              "pip install -e '.[sandbox]'", file=sys.stderr)
        return 2
    try:
        lines, echo = _lines(script)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the script {script}: {exc}", file=sys.stderr)
        return 2
    portal = _Loop()
    with tempfile.TemporaryDirectory(prefix="seasonwatch-sandbox-") as tmp:
        try:
            try:
                sandbox, stack = portal.call(_start(settings, db or Path(tmp) / "sandbox.db"))
            except Exception as exc:
                print(f"error: the bot failed to start: {exc}", file=sys.stderr)
                return 1
            if not echo:
                print("seasonwatch sandbox: the real bot against a local stand-in for Discord.\n"
                      f"You are {sandbox.who} in #general of Home; type help, or quit.")
            try:
                return _repl(portal, sandbox, lines, echo)
            except BrokenPipeError:
                return _reader_left()
            finally:
                portal.call(stack.aclose())
        finally:
            portal.close()
