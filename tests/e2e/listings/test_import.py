"""`/shows import` end to end: the real bot, the TVmaze stand-in, an owner through the Discord
stand-in; the catalogue's commands read the imported facts back, and nothing is announced."""

import asyncio

import pytest

pytestmark = pytest.mark.sqlite_only  # the store's own tests cover PostgreSQL


@pytest.fixture
def bot_env(bot_env, tvmaze):
    return {**bot_env, "TVMAZE_API_BASE": tvmaze.base, "FEEDS_ALLOW_PRIVATE": "1"}


async def search(standin, who, channel, query, **options):
    reply = await standin.command(who, channel, "shows import", query=query, timeout=15, **options)
    assert reply.ephemeral, reply.content
    return reply


async def test_import_pick_deselect_two_and_import_silently(bot, standin, scene, tvmaze):
    await standin.command(scene.admin, scene.home_general, "alerts subscribe", channel=scene.home_general)
    matches = await search(standin, scene.owner, scene.home_general, "sweet home")
    assert "**Sweet Home** (2020 · Netflix · ?)" in matches.content
    assert "<https://www.tvmaze.com/shows/1002/sweet-home>" in matches.content
    assert "Sweet Home Oklahoma" in matches.content
    preview = await standin.click(scene.owner, matches, "1. Sweet Home (2020)", timeout=15)
    embed = preview.embeds[0]
    assert embed["title"] == "Import from TVmaze: Sweet Home"
    assert "Original title: 스위트홈" in embed["description"]
    assert "Network: Netflix" in embed["description"] and "Season 3" in embed["description"]
    facts = embed["fields"][0]["value"]
    assert "✅ Status: Renewed: date unknown (reported · TVmaze)" in facts
    assert "Release:" in facts and "Cast: Song Kang" in facts
    assert embed["fields"][0]["name"] == "Facts (8 of 8 chosen)"
    menu = next(c for row in preview.components for c in row.get("components", []) if c["type"] == 3)
    labels = {o["label"]: o["value"] for o in menu["options"]}
    keep = [v for label, v in labels.items() if label not in ("Cast: Go Min-si", "Cast: Lee Si-young")]
    chosen = await standin.select(scene.owner, preview, keep)
    assert chosen.embeds[0]["fields"][0]["name"] == "Facts (6 of 8 chosen)"
    done = await standin.click(scene.owner, chosen, "Import", timeout=10)
    assert "Imported **Sweet Home** season 3 as `sweet-home`: 6 facts" in done.content

    show = bot.store.view.show_by_slug("sweet-home")
    assert (show.title, show.original_title, show.network, show.season) == ("Sweet Home", "스위트홈", "Netflix", 3)
    cast = await standin.command(scene.fan, scene.home_general, "cast", show="sweet-home")
    listed = cast.embeds[0]["description"]
    assert "Song Kang" in listed and "Lee Jin-wook" in listed
    assert "Go Min-si" not in listed and "Lee Si-young" not in listed
    assert "speculation" in listed and "TVmaze" in listed
    status = await standin.command(scene.fan, scene.home_general, "status", show="sweet-home")
    text = str(status.embeds[0])
    assert "TVmaze" in text and "reported" in text and "tvmaze.com/shows/1002" in text
    episodes = await standin.command(scene.fan, scene.home_general, "episodes", show="sweet-home")
    fields = str(episodes.embeds[0])
    assert "8" in fields and "TVmaze" in fields
    changes = await bot.store.catalogue.changes(show.id)
    assert len(changes) == 6 and all(c.silent and c.editor.name == "TVmaze" for c in changes)
    link = await bot.get_cog("Shows").imports.importer.link_of(show)
    assert link.external_id == "1002" and link.page_url == "https://www.tvmaze.com/shows/1002/sweet-home"
    await asyncio.sleep(0.5)
    assert standin.messages(scene.home_general) == []  # nothing announced
    assert [d for d in await bot.store.alerts.deliveries() if d.change_id in {c.id for c in changes}] == []

    again = await search(standin, scene.owner, scene.home_general, "sweet home")
    second = await standin.click(scene.owner, again, "1. Sweet Home (2020)", timeout=15)
    assert "Already tracked as `sweet-home`" in second.embeds[0]["description"]
    assert second.components == []
    assert len([s for s in bot.store.view.shows() if s.title == "Sweet Home"]) == 1
