"""The disk filling up while an editor publishes, through the stand-in: an ephemeral error, nothing
written, nothing announced, and the bot keeps answering.

SQLite's `PRAGMA max_page_count` on the bot's own connection stands in for a full disk: a write
that needs one more page fails with SQLITE_FULL ("database or disk is full").
"""

import asyncio

import pytest

pytestmark = pytest.mark.sqlite_only  # SQLite's own faults (a full disk, a read-only directory)

SOURCE = "https://www.example.com/report"
# A big change: 1,000 four-byte characters make the entry's row longer than a 4,096-byte page
# holds, so it needs a new (overflow) page however full the existing pages happen to be.
NOTE = "🎬" * 1000


async def cap_pages(bot, extra=0):
    db = bot.store.database.conn.raw
    [(pages,)] = await db.execute_fetchall("PRAGMA page_count")
    await db.execute(f"PRAGMA max_page_count = {pages + extra}")


async def counts(bot):
    db = bot.store.database.conn.raw
    [(changes,)] = await db.execute_fetchall("SELECT count(*) FROM change")
    [(deliveries,)] = await db.execute_fetchall("SELECT count(*) FROM delivery")
    return changes, deliveries


async def test_a_publish_that_fills_the_disk_is_refused_and_the_bot_keeps_answering(standin, scene, bot):
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general)
    assert reply.content.startswith("Subscribed"), reply.content
    before, catalogue = await counts(bot), bot.store.files.export()
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="Kim Newcomer",
                                    confidence="rumored", source_url=SOURCE, note=NOTE)
    await cap_pages(bot)
    refused = await standin.click(scene.editor, preview, "Publish")
    assert refused.ephemeral
    assert "could not be written (database or disk is full)" in refused.content, refused.content
    assert "nothing was saved or announced" in refused.content
    assert await counts(bot) == before and bot.store.files.export() == catalogue
    db = bot.store.database.conn.raw
    assert await db.execute_fetchall("PRAGMA foreign_key_check") == []
    await asyncio.sleep(0.5)
    assert standin.messages(scene.home_general) == []

    status = await standin.command(scene.fan, scene.home_general, "status")
    assert "All of Us Are Dead" in status.embeds[0]["title"]

    await db.execute("PRAGMA max_page_count = 1073741823")  # space again
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="Kim Newcomer",
                                    confidence="rumored", source_url=SOURCE, note=NOTE)
    published = await standin.click(scene.editor, preview, "Publish")
    assert "Published as change **#" in published.content, published.content
    [message] = await standin.wait_for_messages(scene.home_general, 1)
    assert "Kim Newcomer" in message.embeds[0]["title"]
    assert await counts(bot) == (before[0] + 1, before[1] + 1)
