"""`seasonwatch import` while the bot runs: the bot picks the change up by itself."""

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import time

import pytest


@pytest.fixture
def quick_db_watch(monkeypatch):
    monkeypatch.setattr("bot.services.DB_WATCH_SECONDS", 0.2)


def seasonwatch(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=True,
    )


async def test_an_import_while_the_bot_runs_reaches_fans(
    quick_db_watch, standin, scene, bot, bot_env, tmp_path
):
    data = json.loads(seasonwatch("export", env=bot_env).stdout)
    data["shows"][0]["entries"].append(
        {
            "kind": "cast",
            "key": "kim imported",
            "confidence": "rumored",
            "source_name": None,
            "source_url": "https://example.com/",
            "as_of": "2025-01-01",
            "fields": {
                "person": "Kim Imported",
                "character": None,
                "billing": None,
                "state": "new",
                "note": None,
            },
        }
    )
    catalogue = tmp_path / "more.json"
    catalogue.write_text(json.dumps(data))
    await asyncio.to_thread(seasonwatch, "import", str(catalogue), env=bot_env)
    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    for _ in range(50):
        if bot.store.view.entry(show.id, "cast", "kim imported"):
            break
        await asyncio.sleep(0.1)
    reply = await standin.command(scene.fan, scene.home_general, "cast", filter="new")
    assert "Kim Imported" in reply.embeds[0]["description"]


async def test_another_processs_commit_reaches_the_running_bot_within_a_second(
    standin, scene, bot, bot_env
):
    # No quick_db_watch: the bot's own watch, as configured, must meet the second.
    from bot.core.models import Editor
    from bot.store import Store
    from tests.support.catalogue import cast_fact
    from tests.support.databases import database_of

    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    other = await Store.open(database_of(bot_env))  # what a second process would hold
    try:
        fact = cast_fact(person="Kim Elsewhere")
        fact = dataclasses.replace(fact, fields={**fact.fields, "state": "new"})
        await other.catalogue.write(show.id, "cast", "kim elsewhere", fact, expected_version=0,
                          editor=Editor(7, "other process"))
        committed = time.monotonic()
        while bot.store.view.entry(show.id, "cast", "kim elsewhere") is None:
            assert time.monotonic() - committed < 1.0, "not in the bot's view within 1 s"
            await asyncio.sleep(0.02)
    finally:
        await other.close()
    reply = await standin.command(scene.fan, scene.home_general, "cast", filter="new")
    assert "Kim Elsewhere" in reply.embeds[0]["description"]
