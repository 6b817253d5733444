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
    assert "**Sweet Home** (2020 · Netflix)" in matches.content
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
    assert (show.title, show.original_title, show.network) == ("Sweet Home", "스위트홈", "Netflix")
    assert show.season == 3
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
    assert "8" in fields and "50 minutes" in fields and "reported" in fields and "TVmaze" in fields
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


async def test_a_show_tracked_by_name_is_linked_when_the_owner_confirms(bot, standin, scene, tvmaze):
    seeded = bot.store.view.show_by_slug("all-of-us-are-dead")
    linked = []
    bot.get_cog("Shows").imports.importer.on_linked.append(_record(linked))
    matches = await search(standin, scene.owner, scene.home_general, "all of us are dead", season=2)
    preview = await standin.click(scene.owner, matches, "1. All of Us Are Dead (2022)", timeout=15)
    assert "A tracked show, `all-of-us-are-dead`, has this name" in preview.embeds[0]["description"]
    done = await standin.click(scene.owner, preview, "Link to all-of-us-are-dead")
    assert "Linked **All of Us Are Dead** (`all-of-us-are-dead`) to TVmaze" in done.content
    assert [x.show_id for x in linked] == [seeded.id]
    assert len(bot.store.view.shows()) == 1  # linked, not duplicated
    link = await bot.get_cog("Shows").imports.importer.link_of(seeded)
    assert link.external_id == "1001" and link.last_ok_at is not None  # the watch checked it at once


def _record(found):
    async def linked(link):
        found.append(link)
    return linked


async def test_edit_links_and_unlinks_a_tvmaze_id(bot, standin, scene, tvmaze):
    importer = bot.get_cog("Shows").imports.importer
    seeded = bot.store.view.show_by_slug("all-of-us-are-dead")
    reply = await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                                  tvmaze=1001, timeout=15)
    assert "Linked to TVmaze's All of Us Are Dead (<https://www.tvmaze.com/shows/1001/" in reply.content
    assert (await importer.link_of(seeded)).external_id == "1001"
    reply = await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                                  tvmaze=0, timeout=15)
    assert "Unlinked from TVmaze." in reply.content
    assert await importer.link_of(seeded) is None
    reply = await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                                  tvmaze=424242, timeout=15)
    assert reply.ephemeral and "TVmaze no longer lists this show (HTTP 404)" in reply.content
    assert await importer.link_of(seeded) is None


@pytest.mark.parametrize("who", ["fan", "editor"])
async def test_only_owners_may_import(bot, standin, scene, tvmaze, who):
    reply = await standin.command(getattr(scene, who), scene.home_general, "shows import", query="kingdom")
    assert reply.ephemeral and "Only the bot's owners can do this" in reply.content
    assert tvmaze.requests == []


async def test_a_match_button_refuses_a_non_owner(bot, standin, scene, tvmaze):
    matches = await search(standin, scene.owner, scene.home_general, "kingdom")
    custom_id = next(c["custom_id"] for row in matches.components for c in row["components"])
    reply = await standin.forge_click(scene.editor, scene.home_general, matches.message, custom_id)
    assert "Only the bot's owners can do this" in reply.content
    assert tvmaze.fetched("/shows/1004") == 0


async def test_bad_input_is_explained_and_nothing_is_written(bot, standin, scene, tvmaze):
    shows = len(bot.store.view.shows())
    none = await search(standin, scene.owner, scene.home_general, "no such show anywhere")
    assert "TVmaze lists no show like `no such show anywhere`" in none.content
    matches = await search(standin, scene.owner, scene.home_general, "kingdom", season=7)
    reply = await standin.click(scene.owner, matches, "1. Kingdom (2019)", timeout=15)
    text = reply.followups[-1].content if reply.followups else reply.content
    assert "TVmaze lists no season 7 of Kingdom; it lists 1, 2" in text
    tvmaze.fault("500", path="/search")
    failing = await search(standin, scene.owner, scene.home_general, "kingdom")
    assert "TVmaze answered HTTP 500" in failing.content
    assert len(bot.store.view.shows()) == shows


async def test_after_a_restart_matches_still_work_and_a_preview_says_it_expired(
        standin, scene, tvmaze, bot_process):
    first = await bot_process()
    matches = await search(standin, scene.owner, scene.home_general, "kingdom")
    preview = await standin.click(scene.owner, matches, "1. Kingdom (2019)", timeout=15)
    untouched = await search(standin, scene.owner, scene.home_general, "kingdom")
    await first.kill()

    await bot_process()
    expired = await standin.click(scene.owner, preview, "Import")
    text = expired.followups[-1].content if expired.followups else expired.content
    assert "This import expired" in text
    again = await standin.click(scene.owner, untouched, "1. Kingdom (2019)", timeout=15)
    assert again.embeds[0]["title"] == "Import from TVmaze: Kingdom"
    done = await standin.click(scene.owner, again, "Import")
    assert "Imported **Kingdom** season 2 as `kingdom`" in done.content


async def test_korean_owner_gets_korean_matches_and_preview(bot, standin, scene, tvmaze):
    scene.owner.user.locale = "ko"
    matches = await search(standin, scene.owner, scene.home_general, "kingdom")
    assert "`kingdom`와(과) 비슷한 TVmaze 작품입니다" in matches.content
    preview = await standin.click(scene.owner, matches, "1. Kingdom (2019)", timeout=15)
    embed = preview.embeds[0]
    assert embed["title"] == "TVmaze에서 가져오기: Kingdom" and "원제: 킹덤" in embed["description"]
    labels = [c.get("label") for row in preview.components for c in row["components"]]
    assert "가져오기" in labels and "취소" in labels


async def test_about_credits_tvmaze(bot, standin, scene):
    reply = await standin.command(scene.fan, scene.home_general, "about")
    listings = next(f["value"] for f in reply.embeds[0]["fields"] if f["name"] == "Listings")
    assert "[TVmaze](<https://www.tvmaze.com>)" in listings and "CC BY-SA" in listings


async def test_edit_season_and_link_proposes_the_new_season_withdrawing_the_old(bot, standin, scene, tvmaze):
    importer = bot.get_cog("Shows").imports.importer
    proposals = bot.store.proposals
    seeded = bot.store.view.show_by_slug("all-of-us-are-dead")
    await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                          season=1, tvmaze=1001, timeout=15)
    first = await proposals.pending(seeded.id)
    assert any(p.proposal.fields.get("when") == "2022-01-28" for p in first)  # season 1: released
    reply = await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                                  season=2, tvmaze=1001, timeout=15)
    assert "Linked to TVmaze's All of Us Are Dead" in reply.content
    assert bot.store.view.show(seeded.id).season == 2
    now = await proposals.pending(seeded.id)
    assert now and not {p.id for p in now} & {p.id for p in first}
    assert all(p.proposal.fields.get("when") != "2022-01-28" for p in now)  # season 2's facts only
    assert all(p.proposal.fields.get("count") != 12 for p in now)
    settled = [await bot.store.news.queue_item(p.id) for p in first]
    assert {(i.state, i.settled_by) for i in settled} == {("dismissed", 0)}
    assert (await importer.link_of(seeded)).external_id == "1001"


async def test_unlinking_withdraws_proposals_and_a_second_link_is_refused(bot, standin, scene, tvmaze):
    importer = bot.get_cog("Shows").imports.importer
    seeded = bot.store.view.show_by_slug("all-of-us-are-dead")
    await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                          season=1, tvmaze=1001, timeout=15)
    assert await bot.store.proposals.pending(seeded.id)
    refused = await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                                    season=2, tvmaze=1002, timeout=15)
    assert refused.ephemeral and "already linked to another TVmaze show" in refused.content
    assert "/shows edit tvmaze:0" in refused.content
    assert bot.store.view.show(seeded.id).season == 1  # a refused edit saves nothing
    assert (await importer.link_of(seeded)).external_id == "1001"
    await standin.command(scene.owner, scene.home_general, "shows edit", show="all-of-us-are-dead",
                          tvmaze=0, timeout=15)
    assert await bot.store.proposals.pending(seeded.id) == []
    async with bot.store.database.lock:
        rows = await bot.store.database.fetchall("SELECT * FROM proposal_memory WHERE show_id = ?",
                                                 (seeded.id,))
    assert rows == []


async def test_link_answers_in_time_while_tvmaze_is_slow(bot, standin, scene, tvmaze):
    seeded = bot.store.view.show_by_slug("all-of-us-are-dead")
    matches = await search(standin, scene.owner, scene.home_general, "all of us are dead")
    preview = await standin.click(scene.owner, matches, "1. All of Us Are Dead (2022)", timeout=15)
    tvmaze.slow_seconds = 4.0  # past Discord's 3 s, within the client's 10 s timeout
    tvmaze.fault("slow", path="/shows/1001")
    done = await standin.click(scene.owner, preview, "Link to all-of-us-are-dead", timeout=20)
    assert "Linked **All of Us Are Dead** (`all-of-us-are-dead`) to TVmaze" in done.content
    assert (await bot.get_cog("Shows").imports.importer.link_of(seeded)).external_id == "1001"
