"""Running generated interactions against the real bot and checking what must always hold.

`Fuzzer` performs one step at a time (a command, an autocomplete, a button press) through the
stand-in, exactly as a user would, and after each step checks the invariants:

- answered within 3 s (the stand-in's own deadline, a `late_response` violation), and a
  deferred answer completed within `ANSWER_WITHIN` (else `NoReply`);
- no unhandled exception: no ERROR log record and no "Something went wrong" reply;
- every request the bot made passes the stand-in's OpenAPI check (`standin.violations`);
- a refused input (the reply came from `bot.interactions.replies.error_message`) wrote nothing: the row
  count of every table, and the contents of show/entry/change, are unchanged;
- nobody is pinged, except the role a subscription names in its own channel's announcements;
- user text never becomes a link or breaks out of its line, code span or field in a message
  others see (see the markers in `fuzz_values`).

Failures are collected, not raised, so one run reports every distinct defect with the
shortest reproducer seen for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from standin import StandIn
from standin.driver import CommandUsageError, NoReply, Reply
from standin.world import Channel, Member, Message, Role, User
from tests.e2e.fuzz_values import BREAK_HEAD, BREAK_TAIL, INJECT_HOST, Pick

log = logging.getLogger(__name__)

# Discord wants the first response within 3 s: the stand-in records a later one as a
# "late_response" violation. A deferred reply may take longer to complete; allow 10 s.
ANSWER_WITHIN = 10.0
HASHED_TABLES = ("show", "entry", "change")  # the announcer never touches these
LINK_INTO_INJECT = re.compile(r"(?<!\\)\]\(\s*<?[^)\s>]*" + re.escape(INJECT_HOST))
AUTOLINK_INJECT = re.compile(r"(?i)[a-z][a-z0-9+.-]*://" + re.escape(INJECT_HOST))
BROKEN_LINE = re.compile(r"^[\W_]*" + BREAK_TAIL)
ESCAPED_TICK = re.compile(r"\\`")
MARKDOWN_START = re.compile(r"^\s*(#{1,3} |> |>>> |-# |[-*] |\d+\. |```)")


@dataclass(frozen=True)
class Caller:
    """Who acts, and where: `channel` None is a DM with the bot."""

    label: str
    who: Member | User
    channel: Channel | None

    def __repr__(self) -> str:
        where = f"#{self.channel.name}" if self.channel is not None else "DM"
        return f"{self.label} {self.who.name!r} in {where}"


@dataclass
class Failure:
    kind: str
    reproducer: str
    detail: str


class ErrorLog(logging.Handler):
    """Collects ERROR records from every logger while the fuzz runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.records.append(text)


def spy_on_refusals(monkeypatch: Any) -> set[int]:
    """Record the interaction id of every reply made by `error_message` (calls through)."""
    import sys

    import bot.interactions.replies

    refused: set[int] = set()
    original = bot.interactions.replies.error_message

    def recording(error: BaseException, interaction: Any = None) -> str:
        if interaction is not None:
            refused.add(interaction.id)
        return original(error, interaction)

    # Every module that imported the function by name, so new cogs are covered too.
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("bot", "cogs") and getattr(module, "error_message", None) is original:
            monkeypatch.setattr(module, "error_message", recording)
    return refused


def snapshot(db_path: Path) -> dict[str, str]:
    """Row counts of every table, and a digest of the catalogue tables' contents."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        state = {t: str(db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}
        for t in HASHED_TABLES:
            if t in state:
                rows = db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                state[t] += ":" + hashlib.sha1(repr(rows).encode()).hexdigest()[:12]
        return state


def visible_chunks(msg: Message) -> list[str]:
    """Each separately rendered piece of text in a message (content, embed parts, labels)."""
    chunks = [msg.content]
    for e in msg.embeds:
        chunks += embed_chunks(e)
    chunks += [b.get("label") or "" for b in _components(msg.components)]
    return [c for c in chunks if c]


def embed_chunks(embed: dict[str, Any]) -> list[str]:
    """Each separately rendered piece of text in one embed."""
    chunks = [embed.get("title") or "", embed.get("description") or ""]
    for f in embed.get("fields") or []:
        chunks += [f.get("name") or "", f.get("value") or ""]
    return [*chunks, (embed.get("footer") or {}).get("text") or "",
            (embed.get("author") or {}).get("name") or ""]


def _components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for c in components:
        found.append(c)
        found += _components(c.get("components") or [])
    return found


def text_problems(chunk: str) -> list[str]:
    """What is wrong with one piece of public text, judged by the generated markers."""
    problems = []
    if LINK_INTO_INJECT.search(chunk):
        problems.append("user text became a masked link")
    if AUTOLINK_INJECT.search(chunk):
        problems.append("user text became a clickable URL")
    lines = chunk.splitlines()
    if any(_broken(lines, n) for n in range(len(lines))):
        problems.append("user text broke out of its line")
    for line in lines:
        unescaped = ESCAPED_TICK.sub("", line).replace("```", "")
        if unescaped.count("`") % 2:
            problems.append("a code span is left open (user text broke out of it)")
            break
    return problems


def _broken(lines: list[str], n: int) -> bool:
    """Whether line `n` is the tail of a user line break that escaped its place.

    Free text (a note, a reason) may hold line breaks: alone in its own field that is fine.
    It escapes when the lines it makes start markdown (a heading, quote, list or code
    block), or when bot lines follow or precede them (a list, an "old → new" line).
    """
    if not BROKEN_LINE.match(lines[n]):
        return False
    head = next((i for i in range(n - 1, -1, -1) if lines[i].strip()), None)
    if head is None or BREAK_HEAD not in lines[head]:
        return False
    return bool(MARKDOWN_START.match(lines[n])) or head > 0 or n < len(lines) - 1


def _short(value: Any) -> str:
    """An option value as a reproducer shows it: world objects by name, text as repr."""
    if isinstance(value, Channel):
        return f"#{value.name}"
    if isinstance(value, (Member, User)):
        return f"@{value.name}"
    if isinstance(value, Role):
        return f"&{value.name}"
    return repr(value)


def excerpt(chunk: str, problem: str) -> str:
    """The part of a long text where `problem` is."""
    if "line" in problem:
        found = re.search(r"\n[\W_]*" + BREAK_TAIL, chunk)
        at = found.start() if found else 0
    elif "link" in problem or "URL" in problem:
        at = max(chunk.find(INJECT_HOST), 0)
    else:
        at = next((chunk.find(line) for line in chunk.splitlines()
                   if ESCAPED_TICK.sub("", line).replace("```", "").count("`") % 2), 0)
    return chunk[max(at - 150, 0):at + 100]


class Fuzzer:
    """One bot, many generated steps; see the module docstring for what is checked."""

    def __init__(self, standin: StandIn, db_path: Path, refused: set[int], errors: ErrorLog) -> None:
        self.standin = standin
        self.db_path = db_path
        self.refused = refused
        self.errors = errors
        self.counts: Counter[str] = Counter()
        self.failures: dict[tuple[str, str], Failure] = {}
        self.trail: list[str] = []
        self.path = ""  # the command of the current example: failures are grouped by it
        self.writes: list[str] = []  # what announcements found later are attributed to
        self.last: Reply | None = None
        self.slowest = 0.0
        self._seen_messages = 0
        self._seen_pings = 0
        self._seen_violations = 0
        self._seen_errors = 0

    # -- steps ------------------------------------------------------------------------------

    def begin(self) -> None:
        """A new example: its steps form the reproducer of anything it finds."""
        self.trail = []
        self.last = None

    async def command(self, caller: Caller, path: str, options: dict[str, Any]) -> list[str]:
        """Run `/path` with `options` (autocomplete `Pick`s typed first); returns button labels."""
        self.path = path
        filled: dict[str, Any] = {}
        for name, value in options.items():
            if isinstance(value, Pick):
                value = await self._pick(caller, path, name, value, filled)
                if value is None:
                    return []
            filled[name] = value
        shown = ", ".join(f"{k}={_short(v)}" for k, v in filled.items())
        self.trail.append(f"{caller.label}: /{path} {shown}")
        return await self._step(self.standin.command(
            caller.who, caller.channel, path, timeout=ANSWER_WITHIN, **filled))

    async def click(self, caller: Caller, label: str) -> list[str]:
        """Press `label` on the last reply's message; returns the buttons of the new reply."""
        assert self.last is not None
        target = self.last.message
        if target is None:
            return []
        self.trail.append(f"{caller.label}: click {label!r}")
        self.counts[f"pressed {label}"] += 1
        return await self._step(self.standin.click(caller.who, target, label, timeout=ANSWER_WITHIN))

    async def _pick(self, caller: Caller, path: str, option: str, pick: Pick,
                    filled: dict[str, Any]) -> Any:
        choices = await self._choices(caller, path, option, pick.typed, filled)
        if choices == [] and pick.typed:  # nothing matched: take one of the unfiltered choices
            choices = await self._choices(caller, path, option, "", filled)
        if choices is None:
            return None
        return choices[pick.index % len(choices)]["value"] if choices else pick.typed

    async def _choices(self, caller: Caller, path: str, option: str, typed: str,
                       filled: dict[str, Any]) -> list[dict[str, Any]] | None:
        self.counts["autocompletes"] += 1
        given = "".join(f", {k}={_short(v)}" for k, v in filled.items())
        what = f"{caller.label}: autocomplete /{path} {option}={typed!r}{given}"
        started = time.monotonic()
        try:
            choices = await self.standin.autocomplete(
                caller.who, caller.channel, path, option, typed, timeout=ANSWER_WITHIN, **filled)
        except NoReply as exc:
            self._fail("unanswered", what, str(exc)[:300])
            return None
        self.slowest = max(self.slowest, time.monotonic() - started)
        self._check_logs(what)
        return choices

    async def _step(self, action: Any) -> list[str]:
        before = snapshot(self.db_path)
        started = time.monotonic()
        try:
            reply: Reply = await action
        except CommandUsageError as exc:
            self.counts["not possible in Discord"] += 1
            log.debug("skipped: %s", exc)
            self.trail.pop()
            return []
        except NoReply as exc:
            self.counts["interactions"] += 1
            self._fail("unanswered", self._repro(), str(exc)[:300])
            return []
        self.counts["interactions"] += 1
        self.slowest = max(self.slowest, time.monotonic() - started)
        self.last = reply
        self._check_reply(reply, before)
        self.check_public()
        return [b["label"] for b in reply.buttons
                if b.get("label") and not b.get("disabled") and "custom_id" in b]

    # -- checks -----------------------------------------------------------------------------

    def _check_reply(self, reply: Reply, before: dict[str, str]) -> None:
        repro = self._repro()
        if "Something went wrong" in reply.text:
            self._fail("unhandled exception", repro, reply.text[:200])
        self._check_logs(repro)
        after = snapshot(self.db_path)
        if reply.interaction_id in self.refused:
            self.counts["refused"] += 1
            log.debug("refused %s: %s", self.path, reply.text[:120])
            changed = {t: (before.get(t), after.get(t)) for t in after if before.get(t) != after[t]}
            if changed:
                self._fail("written on a refused input", repro, f"{reply.text[:150]!r}: {changed}")
        elif before != after:
            self.counts["writes"] += 1
            self.writes.append(repro)
        for source in (reply.message, reply.source):
            if source is not None and not source.ephemeral:
                self._check_message(source, repro)

    def _check_logs(self, repro: str) -> None:
        for record in self.errors.records[self._seen_errors:]:
            self._fail("error logged", repro, record[:300])
        self._seen_errors = len(self.errors.records)

    def check_public(self) -> None:
        """Check messages posted since the last call (announcements arrive on their own time)."""
        s = self.standin
        for v in s.violations[self._seen_violations:]:
            self._fail(f"refused by Discord ({v.kind})", self._repro(), str(v)[:300])
        self._seen_violations = len(s.violations)
        messages = list(s.all_messages.values())
        for msg in messages[self._seen_messages:]:
            if msg.interaction_id is None:
                self._check_message(msg, None, "announcement")
            elif not msg.ephemeral:
                self._check_message(msg, self._repro())
        self._seen_messages = len(messages)
        allowed = self._subscription_roles()
        for pings in s.pings[self._seen_pings:]:
            self._check_pings(pings, allowed)
        self._seen_pings = len(s.pings)

    def _check_message(self, msg: Message, repro: str | None, group: str | None = None) -> None:
        self.counts["public texts checked"] += 1
        for chunk in visible_chunks(msg):
            for problem in text_problems(chunk):
                self._fail(problem, repro or self._announced_by(problem), excerpt(chunk, problem), group)

    def _announced_by(self, problem: str) -> str:
        """The latest write whose input carries the marker behind `problem`."""
        marker = BREAK_HEAD if "line" in problem else INJECT_HOST if "link" in problem \
            or "URL" in problem else "`"
        found = next((w for w in reversed(self.writes) if marker in w), "an earlier write")
        return f"the announcement of: {found}"

    def _check_pings(self, pings: Any, allowed: dict[int, set[int]]) -> None:
        msg = self.standin.all_messages.get(pings.message_id)
        intended = (
            msg is not None and msg.interaction_id is None and not pings.users
            and not pings.everyone and pings.roles <= allowed.get(pings.channel_id, set())
        )
        if pings.anyone and not intended:
            detail = f"users={pings.users} roles={pings.roles} everyone={pings.everyone}"
            self._fail("ping", self._repro(), detail + (f" in {msg.content[:200]!r}" if msg else ""))
        elif pings.anyone:
            self.counts["subscription role pings (intended)"] += 1

    def _subscription_roles(self) -> dict[int, set[int]]:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT channel_id, role_id FROM subscription WHERE role_id IS NOT NULL")
            found: dict[int, set[int]] = {}
            for channel_id, role_id in rows:
                found.setdefault(channel_id, set()).add(role_id)
            return found

    # -- reporting --------------------------------------------------------------------------

    def _repro(self) -> str:
        return " → ".join(self.trail)

    def _fail(self, kind: str, reproducer: str, detail: str, group: str | None = None) -> None:
        self.counts[f"failed: {kind}"] += 1
        key = (kind, group or self.path)
        known = self.failures.get(key)
        if known is None or len(reproducer) < len(known.reproducer):
            self.failures[key] = Failure(kind, reproducer, detail)

    def summary(self, name: str) -> str:
        """One line of counts for the test session's summary."""
        c = self.counts
        unhandled = c["failed: unhandled exception"] + c["failed: error logged"]
        links = c["failed: user text became a masked link"] + c["failed: user text became a clickable URL"]
        broken = (c["failed: user text broke out of its line"]
                  + c["failed: a code span is left open (user text broke out of it)"])
        return (
            f"{name}: {c['interactions']} interactions + {c['autocompletes']} autocompletes, "
            f"{c['refused']} refused, {c['writes']} writes, {c['public texts checked']} public "
            f"messages checked; {unhandled} unhandled, {c['failed: unanswered']} unanswered, "
            f"{c['failed: written on a refused input']} written when refused, {c['failed: ping']} "
            f"pings, {links} injected links, {broken} broken lines/code spans; "
            f"{len(self.failures)} distinct failures; slowest answer {self.slowest:.2f}s"
        )

    def report(self) -> str:
        """Every distinct failure with its shortest reproducer."""
        return "\n".join(
            f"- {f.kind}: {f.reproducer}\n    {f.detail}" for f in self.failures.values())
