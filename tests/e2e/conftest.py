"""End-to-end fixtures: the real bot against the loopback Discord stand-in.

Fixtures:
- `standin`: a started `standin.StandIn`; at teardown the test fails if the bot did anything
  Discord would refuse (`standin.violations`), or created or edited any message without an
  explicit `allowed_mentions` whose `parse` is empty; an announcement may list only the role
  an admin chose with `/alerts subscribe mention_role:` for its channel.
- `scene`: the default world (`standin.scene`, shared with `seasonwatch sandbox`), built
  before the bot starts: guild "Home" (Editors role, #general text, #announcements
  announcement) and guild "Other" (#general, #news);
  members fan (both guilds), editor (Editors in Home), admin (Manage Server in Home),
  other_admin (Manage Server in Other), owner (an OWNER_IDS user, member of Home).
- `bot_env`: the environment of `python -m bot run`; with `backend` "postgresql" (every test
  runs once per backend, unless marked `sqlite_only`) it adds DATABASE_URL, a fresh database
  on the test server. `tests.support.databases.database_of(bot_env)` is what `Store.open`
  takes for it.
- `bot_settings`: `bot.config.Settings` pointing at the stand-in, database in tmp_path.
- `bot`: the bot in-process (`async with bot.app.running(bot_settings)`), ready.
- `bot_process`: a factory starting `python -m bot run` as a subprocess with env vars
  (crash/restart tests): `proc = await bot_process(); await proc.kill(); await bot_process()`;
  each is a `tests.support.process.BotProcess`.
Helpers tests import are in tests/support/, never here.
"""

# ruff: noqa: ASYNC109 (`timeout=` is part of the fixture API)
from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from standin import StandIn
from standin.mentions import mention_problems
from standin.scene import Scene, build_scene
from tests.support.mentions import subscription_roles
from tests.support.paths import REPO
from tests.support.process import BotProcess


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Works whatever asyncio_mode is configured: coroutine tests run on pytest-asyncio.
    for item in items:
        if isinstance(item, pytest.Function) and asyncio.iscoroutinefunction(item.obj):
            item.add_marker(pytest.mark.asyncio)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # The fuzz, soak and load tests record their counts as a "proof" property: show them
    # even under -q, where passing tests' output is hidden.
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for key, value in getattr(report, "user_properties", [])
        if key == "proof"
    ]
    for line in lines:
        terminalreporter.write_line(line)


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[StandIn]:
    s = StandIn()
    await s.start()
    try:
        yield s
    finally:
        await s.stop()
    # Teardown runs after the bot fixtures (they depend on this one), so all is recorded.
    problems = [str(v) for v in s.violations]
    problems += mention_problems(s.mention_records, subscription_roles(s))
    if problems:
        pytest.fail("the bot did what Discord would refuse:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def scene(standin: StandIn) -> Scene:
    return build_scene(standin)


@pytest_asyncio.fixture
async def bot_env(standin: StandIn, scene: Scene, tmp_path: Path, backend: str,
                  new_database: Callable[[], Awaitable[Any]]) -> dict[str, str]:
    """Environment variables for `python -m bot run` (also the source of `bot_settings`)."""
    database = {"DATABASE_URL": await new_database()} if backend == "postgresql" else {}
    return {
        **database,
        "DISCORD_TOKEN": standin.token,
        "DATABASE_PATH": str(tmp_path / "seasonwatch.db"),
        "DISCORD_API_BASE": standin.api_base,
        "DISCORD_GATEWAY_URL": standin.gateway_url,
        "OWNER_IDS": str(scene.owner.id),
        "HOME_GUILD_ID": str(scene.home.id),
        "EDITOR_ROLE_IDS": str(scene.editors.id),
        "ANNOUNCE_RATE": "25",
        "LOG_LEVEL": "DEBUG",
    }


@pytest.fixture
def bot_settings(bot_env: dict[str, str]) -> Any:
    from bot.config import settings_from

    return settings_from(bot_env)


@pytest_asyncio.fixture
async def bot(
    standin: StandIn, bot_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    from bot.app import running

    # The bot points these class attributes at the stand-in; put them back afterwards.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    started = time.perf_counter()
    async with running(bot_settings) as b:
        await standin.wait_ready()
        print(f"start to ready: {time.perf_counter() - started:.2f}s")
        yield b


@pytest_asyncio.fixture
async def bot_process(
    standin: StandIn, bot_env: dict[str, str], tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[BotProcess]]]:
    started: list[BotProcess] = []

    async def start(
        *, wait: bool = True, timeout: float = 20.0, **env_overrides: str
    ) -> BotProcess:
        env = {**os.environ, **bot_env, **env_overrides, "PYTHONUNBUFFERED": "1"}
        log_path = tmp_path / f"bot-{len(started)}.log"
        before = standin.gateway.identifies
        # A fresh process must identify again before it counts as ready. It syncs commands
        # only if they changed (before identifying), so an earlier sync still counts.
        standin.gateway.ready.clear()
        with log_path.open("wb") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        bp = BotProcess(proc, log_path, before)
        started.append(bp)
        if wait:
            t0 = time.perf_counter()
            try:
                await standin.wait_ready(timeout)
            except AssertionError as exc:
                raise AssertionError(f"{exc}\n--- bot log ---\n{bp.log_text()[-4000:]}") from None
            print(f"subprocess start to ready: {time.perf_counter() - t0:.2f}s")
        return bp

    yield start
    for bp in started:
        await bp.kill()
