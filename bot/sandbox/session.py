"""The sandbox's session: one person at a time in the stand-in's world, acting on each line
they type (a slash command, a button, a form, a change of person, channel or language) and
answering with what Discord would have shown: the reply, new channel messages, and anything
Discord would refuse. bot/sandbox/main.py runs it behind a prompt."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, TypeVar

from bot.i18n import language
from bot.sandbox import commands as sandbox_commands
from bot.sandbox.lines import LOCALES, Line, LineError, parse_line, split_options
from bot.sandbox.render import event_line, has_button, render, text_inputs

if TYPE_CHECKING:
    from standin import Reply, StandIn
    from standin.scene import Scene
    from standin.world import Channel, Message, User

T = TypeVar("T")

TIMEOUT = 5.0  # seconds the bot gets to answer, as the stand-in's driver allows
SETTLE = 0.15  # quiet seconds after a reply before new channel messages are collected
SETTLE_MAX = 2.0
PEOPLE = ("fan", "editor", "admin", "owner", "other-admin")


# -- acting in the stand-in's world -----------------------------------------------------------


class Quit(Exception):
    """The person asked to leave."""


class Sandbox:
    """Who is typing where, what they have seen, and how their lines become interactions."""

    def __init__(self, standin: StandIn, scene: Scene, web: str | None = None) -> None:
        self.standin = standin
        self.scene = scene
        self.web = web  # the season pages' address
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
        """The language of the current person's Discord client (everyone's, after `locale ko`)."""
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
            target = next((m for m in reversed(self.shown) if has_button(m, line.arg)), None)
            if target is None:
                raise LineError(f"no button {line.arg!r} on any message shown so far")
            reply = await self.standin.click(who, target, line.arg, timeout=TIMEOUT)
        else:  # submit
            if self.last is None or self.last.modal is None:
                raise LineError("there is no open form to submit")
            inputs = text_inputs(self.last.modal.get("components") or [])
            keys = [str(c[k]) for c in inputs for k in ("custom_id", "label") if c.get(k)]
            _, values = split_options(line.arg, keys)  # custom ids may hold colons, labels spaces
            reply = await self.standin.submit_modal(who, self.last, values or line.options, timeout=TIMEOUT)
        self.last = reply
        return self.show_reply(reply)

    def _locale(self, code: str) -> str:
        """Switch the language of every person's client, as the one typing switches person with
        `as` and expects to stay in that language: interactions carry it as their locale."""
        wanted = code.strip().lower()
        if wanted not in LOCALES:
            raise LineError(f"no locale {code!r} (try: {', '.join(LOCALES)})")
        for person in self.people.values():
            person.locale = LOCALES[wanted]
        return f"(everyone's Discord now speaks {LOCALES[wanted]})"

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
        choices = opt.get("choices") or []
        for choice in choices:  # Discord users pick choices by their names
            shown = sandbox_commands.names(choice) | {str(choice["value"])}
            if raw.casefold() in {n.casefold() for n in shown}:
                return choice["value"]
        if choices:  # a client offers only these, by the names it shows them with
            offered = ", ".join(sandbox_commands.localized(c, self.lang) for c in choices)
            raise LineError(f"option {sandbox_commands.localized(opt, self.lang)!r}: {raw!r} is "
                            f"not one of its choices: {offered}")
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
                for c in text_inputs(reply.modal.get("components") or [])
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
