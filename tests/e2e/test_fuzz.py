"""Fuzz every registered command through the stand-in with Hypothesis (see `fuzzing.py`).

Each test runs one bot for one cast of callers (fans, in a server, in another server and in
DMs, with another server's admin; editors; owners and admins). First an edge sweep: every
edge value of `fuzz_values` once in every free text, URL and date option of every command,
the other options plain, pressing Publish when a preview offers it. Then
`fuzz_values.EXAMPLES` generated sessions (fixed seed: Hypothesis derandomized): a caller, a
command with generated options, then up to three presses of the buttons it got back.
Commands and options are read from what the bot registered, so a new command is fuzzed
without touching this file. The counts are printed in the session summary. A longer run:

    SEASONWATCH_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/e2e/test_fuzz.py
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from standin.commands import BOOLEAN, CHANNEL, INTEGER, MENTIONABLE, NUMBER, ROLE, STRING, USER
from standin.scene import Scene
from standin.world import MANAGE_GUILD
from tests.e2e.fuzz_values import (
    DATE_EDGES,
    EXAMPLES,
    TEXT_EDGES,
    URL_EDGES,
    Pick,
    dates,
    integers,
    tame_texts,
    texts,
    urls,
)
from tests.e2e.fuzzing import Caller, ErrorLog, Fuzzer, spy_on_refusals

# It reads the SQLite file to check every command's effect; the store tests cover PostgreSQL.
pytestmark = pytest.mark.sqlite_only

DATE_OPTIONS = {"when", "published", "closes"}
# Which callers each test uses: apart, so an owner archiving the show does not starve fans.
CASTS = {
    "fans": ("fan", "other-fan", "dm-fan", "other-admin"),
    "editors": ("editor", "editor", "editor", "fan"),
    "owners-admins": ("owner", "admin", "other-admin"),
}
# Commands a cast mostly runs (the others still come up): editors edit, owners add shows.
FOCUS = {"fans": (), "editors": ("edit", "undo", "predict"), "owners-admins": ("shows", "alerts")}


@dataclass(frozen=True)
class Command:
    path: str
    options: tuple[dict[str, Any], ...]
    in_dms: bool


@pytest.fixture(autouse=True)
def offline_names(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`/sources add` fetches the URL it is given: on a machine with a network, example.com
    would be a real request. Names fail to resolve, as they do offline; the stand-in's
    127.0.0.1 is not a name and is not affected. The names refused, in order."""
    refused: list[str] = []
    original = aiohttp.ThreadedResolver.resolve

    async def resolve(self: Any, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> Any:
        with contextlib.suppress(ValueError):
            ipaddress.ip_address(host)
            return await original(self, host, port, family)
        refused.append(host)
        raise OSError(socket.EAI_NONAME, f"{host}: names do not resolve in the fuzz")

    monkeypatch.setattr(aiohttp.ThreadedResolver, "resolve", resolve)
    return refused


@pytest.fixture
def crowd(scene: Scene) -> dict[str, list[Caller]]:
    """Many people per role, so that the per-person anti-spam limit rarely decides the reply."""
    home, other = scene.home, scene.other
    fans = [home.add_member(f"fan{i}") for i in range(60)]
    callers = {
        "fan": [Caller("fan", m, scene.home_general) for m in fans],
        "other-fan": [Caller("other-fan", other.add_member(m.user), scene.other_general)
                      for m in fans[:20]],
        "dm-fan": [Caller("dm-fan", m.user, None) for m in fans[20:40]],
        "editor": [Caller("editor", home.add_member(f"editor{i}", roles=[scene.editors]),
                          scene.home_general) for i in range(15)],
        "owner": [Caller("owner", home.add_member(f"owner{i}"), scene.home_general) for i in range(5)],
        "admin": [Caller("admin", home.add_member(f"admin{i}", permissions_via_role=MANAGE_GUILD),
                         scene.home_general) for i in range(10)],
        "other-admin": [Caller("other-admin",
                               other.add_member(f"oadmin{i}", permissions_via_role=MANAGE_GUILD),
                               scene.other_general) for i in range(10)],
    }
    return callers


@pytest.fixture
def bot_env(bot_env: dict[str, str], crowd: dict[str, list[Caller]]) -> dict[str, str]:
    owners = [str(c.who.id) for c in crowd["owner"]]
    return {**bot_env, "OWNER_IDS": ",".join([bot_env["OWNER_IDS"], *owners])}


def registered(standin: Any) -> list[Command]:
    """Every leaf command (a command, or a subcommand of a group) the bot registered."""
    found = []
    for top in standin.commands.get(None, []):
        contexts = top.get("contexts")
        in_dms = 1 in contexts if contexts is not None else top.get("dm_permission") is not False
        for path, leaf in _leaves(top.get("options") or [], [top["name"]]):
            found.append(Command(" ".join(path), tuple(leaf), in_dms))
    return found


def _leaves(options: list[dict[str, Any]], path: list[str]) -> Iterator[tuple[list[str], list[Any]]]:
    groups = [o for o in options if o["type"] in (1, 2)]
    if not groups:
        yield path, options
    for g in groups:
        yield from _leaves(g.get("options") or [], [*path, g["name"]])


def value_strategy(opt: dict[str, Any], caller: Caller, scene: Scene,
                   tame: bool) -> st.SearchStrategy[Any] | None:
    """What a Discord user can put into this option; None if nothing (a channel in a DM).

    `tame` values are the kind a validator should accept, so that edits get to Publish.
    """
    kind, name = opt["type"], opt["name"]
    guild = caller.channel.guild if caller.channel is not None else None
    if opt.get("choices"):
        return st.sampled_from([c["value"] for c in opt["choices"]])
    if kind == STRING:
        if "url" in name:
            plain = st.builds("https://example.com/{}".format, st.text("abc/-_", max_size=20)) \
                if tame else urls()
        elif name in DATE_OPTIONS:
            plain = dates(tame)
        else:
            plain = tame_texts(scene.editors.id, scene.fan.id) if tame \
                else texts(scene.editors.id, scene.fan.id)
        if opt.get("autocomplete"):
            typed = st.sampled_from(["", "a", "al", "park", "1", "#", "zz"]) | texts(hostile=False)
            pick = st.builds(Pick, typed, st.integers(0, 24))
            return pick if tame else pick | plain
        return plain
    if kind in (INTEGER, NUMBER):
        return st.integers(1, 24) if tame else integers(opt)
    if kind == BOOLEAN:
        return st.booleans()
    if kind in (USER, MENTIONABLE):
        people = list(guild.members.values()) if guild else [caller.who]
        return st.sampled_from(people)
    if kind == ROLE and guild is not None:
        return st.sampled_from(list(guild.roles.values()))
    if kind == CHANNEL and guild is not None:
        types = opt.get("channel_types") or [0, 5]
        return st.sampled_from([c for c in guild.channels.values() if c.type in types])
    return None


def edges_for(opt: dict[str, Any]) -> list[str]:
    """The edge values a free string option gets in the sweep (none for choices)."""
    if opt["type"] != STRING or opt.get("choices"):
        return []
    if "url" in opt["name"]:
        return URL_EDGES
    return DATE_EDGES if opt["name"] in DATE_OPTIONS else TEXT_EDGES


def plain_value(opt: dict[str, Any], caller: Caller) -> Any:
    """A value the option accepts, so that the edge in another option is what gets judged."""
    if opt.get("choices"):
        return opt["choices"][0]["value"]
    if opt.get("autocomplete"):
        return Pick("", 0)
    if opt["type"] in (INTEGER, NUMBER):
        return max(opt.get("min_value", 1), 1)
    if opt["type"] == BOOLEAN:
        return False
    if opt["type"] == CHANNEL and caller.channel is not None:
        return caller.channel
    if "url" in opt["name"]:
        return "https://example.com/sweep"
    return "2027-05" if opt["name"] in DATE_OPTIONS else "Plain text"


async def edge_sweep(fz: Fuzzer, callers: list[list[Caller]], commands: list[Command]) -> None:
    """Every edge value once in every free string option, the other options plain."""
    pool = callers[0]
    n = 0
    for command in {c.path: c for c in commands}.values():
        required = [o for o in command.options if o.get("required")]
        for opt in command.options:
            for edge in edges_for(opt):
                caller = pool[n % len(pool)]  # a new caller each time: no anti-spam limit
                n += 1
                fz.begin()
                options = {o["name"]: plain_value(o, caller) for o in required}
                labels = await fz.command(caller, command.path, options | {opt["name"]: edge})
                if "Publish" in labels:  # so that accepted edges reach the announcements
                    await fz.click(caller, "Publish")


def run_session(data: Any, fz: Fuzzer, call: Callable[[Any], Any], callers: list[list[Caller]],
                commands: list[Command], scene: Scene) -> None:
    """One example: a caller runs one command, then presses up to three buttons."""
    pool = data.draw(st.sampled_from(callers), label="role")
    caller = data.draw(st.sampled_from(pool), label="caller")
    usable = [c for c in commands if c.in_dms or caller.channel is not None]
    command = data.draw(st.sampled_from(usable), label="command")
    options: dict[str, Any] = {}
    tame = data.draw(st.sampled_from([True, True, False]), label="tame")
    for opt in command.options:
        strategy = value_strategy(opt, caller, scene, tame)
        if strategy is None:
            if opt.get("required"):
                return
            continue
        if opt.get("required") or data.draw(st.booleans()):
            options[opt["name"]] = data.draw(strategy, label=opt["name"])
    fz.begin()
    labels = call(fz.command(caller, command.path, options))
    for _ in range(data.draw(st.sampled_from([1, 2, 3, 0]), label="presses")):
        if not labels:
            break
        # Publishing is what puts user text in front of everyone: press it most.
        weighted = labels + ["Publish"] * 3 if "Publish" in labels else labels
        label = data.draw(st.sampled_from(weighted), label="button")
        labels = call(fz.click(caller, label))


async def fuzz(cast: str, standin: Any, scene: Scene, crowd: dict[str, list[Caller]], bot: Any,
               bot_settings: Any, monkeypatch: pytest.MonkeyPatch) -> Fuzzer:
    """Run the examples on a worker thread; each step runs on the bot's event loop."""
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    fz = Fuzzer(standin, bot_settings.database_path, spy_on_refusals(monkeypatch), errors)
    for channel in (scene.home_announcements, scene.other_news):
        await bot.store.alerts.subscribe(channel.guild.id, channel.id, show_id=None,
                                         created_by=scene.admin.id)
    callers = [crowd[label] for label in CASTS[cast]]
    commands = [c for c in registered(standin)
                for _ in range(4 if c.path.startswith(FOCUS[cast]) else 1)]
    loop = asyncio.get_running_loop()

    def call(step: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(step, loop).result(60)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.data())
    def examples(data: Any) -> None:
        run_session(data, fz, call, callers, commands, scene)

    try:
        await edge_sweep(fz, callers, [c for c in commands if c.path.startswith(FOCUS[cast] or "")])
        await loop.run_in_executor(None, examples)
        await asyncio.sleep(1.0)  # announcements of the last publishes
        fz.check_public()
    finally:
        logging.getLogger().removeHandler(errors)
    return fz


@pytest.mark.parametrize("cast", list(CASTS))
async def test_fuzz_every_command(cast, standin, scene, crowd, bot, bot_settings, monkeypatch,
                                  record_property, offline_names):
    fz = await fuzz(cast, standin, scene, crowd, bot, bot_settings, monkeypatch)
    if cast == "editors":  # their `/sources add` fetched, and no name left this machine
        assert "example.com" in offline_names
    record_property("proof", fz.summary(f"fuzz {cast}"))
    print(fz.summary(f"fuzz {cast}"), dict(fz.counts))  # shown with -s: what was pressed
    assert fz.counts["interactions"] >= EXAMPLES // 2, fz.counts
    assert not fz.failures, f"{len(fz.failures)} distinct failures:\n{fz.report()}"
