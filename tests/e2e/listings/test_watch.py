"""The listings watch end to end: the real bot, the TVmaze stand-in changing a premiere date, the
proposal in /queue and the review channel, Accept → preview → Publish, Dismiss, a newer value,
and what is not fetched. The watch's interval is a day here, so it never runs by itself:
`watch_cycle` runs one real cycle now."""

import asyncio
import time

import pytest

from bot.i18n.dates import window_text
from tests.e2e.news.test_news import settled, subscribe, wait_edited
from tests.support.listings import KINGDOM, SWEET_HOME, day, import_show, watch_cycle

pytestmark = pytest.mark.sqlite_only  # the store's own tests cover PostgreSQL


@pytest.fixture
def review(scene):
    return scene.home.add_channel("review")


@pytest.fixture
def bot_env(bot_env, tvmaze, review):
    return {**bot_env, "TVMAZE_API_BASE": tvmaze.base, "FEEDS_ALLOW_PRIVATE": "1",
            "REVIEW_CHANNEL_ID": str(review.id), "LISTINGS_POLL_HOURS": "24"}


def shift(watcher, seconds):
    """Move the watch's clock on by `seconds` (as the poller's tests move the poller's)."""
    moved = watcher.clock() - time.time() + seconds
    watcher.clock = lambda: time.time() + moved


def buttons(message):
    return [c["label"] for row in message.components for c in row["components"]]


async def wait_text(message, text):
    for _ in range(250):
        if text in message.embeds[0]["description"]:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the review post does not say {text!r}: {message.embeds[0]['description']!r}")


async def test_a_changed_premiere_is_proposed_accepted_published_and_announced_once(
        standin, scene, bot, tvmaze, review):
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    await import_show(standin, scene, "kingdom", "1. Kingdom (2019)")
    await watch_cycle(bot.services.watcher)
    assert await bot.store.news.pending_items(None) == ([], 0)  # just imported: nothing differs
    await subscribe(standin, scene)

    new_day = day(120)
    tvmaze.set_premiere(SWEET_HOME, 3, new_day)
    kingdom = tvmaze.fetched(f"/shows/{KINGDOM}")
    await watch_cycle(bot.services.watcher)
    assert tvmaze.fetched(f"/shows/{KINGDOM}") == kingdom  # unchanged in /updates: not fetched
    [post] = await settled(standin, review, 1)
    assert buttons(post) == ["Accept", "Dismiss"]
    assert post.embeds[0]["title"] == "Listing proposal · Sweet Home season 3", post.embeds[0]["title"]
    assert post.embeds[0]["description"].startswith("TVmaze now lists: Release: "), post.embeds[0]
    queue = await standin.command(scene.editor, scene.home_general, "queue")
    assert queue.embeds[0]["description"] == post.embeds[0]["description"]
    assert queue.embeds[0]["author"]["name"] == "Item 1 of 1"

    refused = await standin.click(scene.fan, post, "Accept")
    assert refused.ephemeral and refused.content.startswith("Only editors can do this"), refused.content
    asked = await standin.click(scene.editor, post, "Accept")
    assert asked.ephemeral and "Publish it with which confidence?" in asked.content
    assert buttons(asked) == ["confirmed", "reported", "rumored", "speculation", "denied"]
    preview = await standin.click(scene.editor, asked, "confirmed")
    assert preview.content.startswith("**Preview**"), preview.content
    assert "confirmed" in str(preview.embeds[0]) and "TVmaze" in str(preview.embeds[0])
    published = await standin.click(scene.editor, preview, "Publish")
    assert published.content.startswith("Published as change **#"), published.content
    change_id = int(published.content.split("#")[1].split("*")[0])

    await wait_edited(post, f"Accepted by editor (change #{change_id})")
    show = bot.store.view.show_by_slug("sweet-home")
    release = bot.store.view.entry(show.id, "release", "release").fact
    said = (release.fields["when"], release.confidence, release.source_name)
    assert said == (new_day, "confirmed", "TVmaze")
    status = await standin.command(scene.fan, scene.home_general, "status", show="sweet-home")
    assert "confirmed" in str(status.embeds[0]) and "tvmaze.com/shows/1002" in str(status.embeds[0])
    await standin.wait_for_messages(scene.home_announcements, 1)
    await asyncio.sleep(0.3)
    assert len(standin.messages(scene.home_announcements)) == 1
    again = await standin.click(scene.editor, queue, "Accept")  # /queue's page from before: settled once
    assert again.ephemeral and "already settled" in again.content, again.content
    await watch_cycle(bot.services.watcher)  # the catalogue now says what is listed: nothing new
    await settled(standin, review, 1)


async def test_dismiss_is_remembered_and_a_newer_value_replaces_a_pending_proposal(
        standin, scene, bot, tvmaze, review):
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    tvmaze.set_premiere(SWEET_HOME, 3, day(120))
    await watch_cycle(bot.services.watcher)
    [post] = await settled(standin, review, 1)
    [first], _ = await bot.store.news.pending_items(None)

    later = day(150)
    tvmaze.set_premiere(SWEET_HOME, 3, later)  # a second change before anyone settled the first
    await watch_cycle(bot.services.watcher)
    [item], total = await bot.store.news.pending_items(None)
    assert total == 1 and item.id == first.id and item.proposal.fields == {"when": later}
    await settled(standin, review, 1)  # the same post, edited, still with its buttons
    await wait_text(post, window_text(later, "en"))
    assert buttons(post) == ["Accept", "Dismiss"]

    await standin.click(scene.editor, post, "Dismiss")
    await wait_edited(post, "Dismissed by editor")
    await watch_cycle(bot.services.watcher)  # still listed: the dismissed value is not proposed
    await settled(standin, review, 1)
    assert await bot.store.news.pending_items(None) == ([], 0)

    tvmaze.set_premiere(SWEET_HOME, 3, day(180))  # the listing changes once more
    await watch_cycle(bot.services.watcher)
    posts = await settled(standin, review, 2)
    [newest], _ = await bot.store.news.pending_items(None)
    assert newest.proposal.fields == {"when": day(180)} and newest.review_message == posts[1].id



async def test_a_failing_listing_backs_off_and_shows_its_reason_in_sources_list(
        standin, scene, bot, tvmaze):
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    text = listed.embeds[0]["description"]
    assert "**Linked listings**" in text
    assert "**Sweet Home** · TVmaze <https://www.tvmaze.com/shows/1002" in text
    assert "not checked yet" in text

    tvmaze.fault("404", path=f"/shows/{SWEET_HOME}", times=2)  # the show gone from TVmaze
    tvmaze.mark_updated(SWEET_HOME)
    watcher = bot.services.watcher
    show = bot.store.view.show_by_slug("sweet-home")

    async def link_now():
        async with bot.store.database.lock:
            return await bot.store.listings.link_of(show.id, "tvmaze")

    await watch_cycle(watcher)
    first = await link_now()
    assert first.failures == 1 and 4.5 * 60 <= first.next_check_at - watcher.clock() <= 5.5 * 60
    fetched = tvmaze.fetched(f"/shows/{SWEET_HOME}")
    await watch_cycle(watcher)  # listed as changed, but backing off: not fetched
    assert tvmaze.fetched(f"/shows/{SWEET_HOME}") == fetched and (await link_now()).failures == 1
    shift(watcher, 6 * 60)
    await watch_cycle(watcher)
    link = await link_now()
    # Backed off, doubling: the second wait is about twice the first (5 then 10 minutes, ±10%).
    assert link.failures == 2 and link.last_error, link
    assert 9 * 60 <= link.next_check_at - watcher.clock() <= 11 * 60, link
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    text = listed.embeds[0]["description"]
    assert "⚠️ failing since" in text and "(2 tries)" in text, text
    reason = text.split("(2 tries): ")[1].split("; next try")[0]
    assert "TVmaze" in reason, reason
    scene.editor.user.locale = "ko"
    try:
        listed = await standin.command(scene.editor, scene.home_general, "sources list")
        korean = listed.embeds[0]["description"]
        assert "**연결된 편성 정보**" in korean and "부터 실패 중 (2회 시도)" in korean, korean
        assert reason not in korean  # the reason, too, in the reader's language
    finally:
        scene.editor.user.locale = "en-US"

    shift(watcher, 20 * 60)
    await watch_cycle(watcher)  # the backoff over and the fault used up: it works again
    link = await link_now()
    assert link.failures == 0 and link.last_ok_at
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    assert "✅ last checked" in listed.embeds[0]["description"]


async def test_a_korean_editor_reads_a_proposal_in_korean(standin, scene, bot, tvmaze):
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    tvmaze.set_premiere(SWEET_HOME, 3, day(120))
    await watch_cycle(bot.services.watcher)
    scene.editor.user.locale = "ko"
    try:
        queue = await standin.command(scene.editor, scene.home_general, "queue")
        assert [b["label"] for b in queue.buttons] == ["받아들이기", "버리기"]
        assert queue.embeds[0]["title"].startswith("편성 정보 제안 · ")
        assert queue.embeds[0]["description"].startswith("TVmaze에 새로 올라온 정보: ")
        asked = await standin.click(scene.editor, queue, "받아들이기")
        assert "어떤 신뢰도로 게시할까요?" in asked.content and "보도" in [b["label"] for b in asked.buttons]
    finally:
        scene.editor.user.locale = "en-US"


async def test_linking_a_tracked_show_proposes_its_differences_at_once(standin, scene, bot, tvmaze, review):
    """The shipped show, linked with /shows edit: what TVmaze lists that the catalogue does not say
    is proposed now, not at the next cycle."""
    fetched = tvmaze.fetched("/shows/1001")
    done = await standin.command(scene.owner, scene.home_general, "shows edit",
                                 show="all-of-us-are-dead", tvmaze=1001, timeout=15)
    assert done.ephemeral, done.content
    assert tvmaze.fetched("/shows/1001") > fetched
    items, total = await bot.store.news.pending_items(None, limit=25)
    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    assert total >= 1 and all(i.show_id == show.id and i.proposal for i in items)
    kinds = {(i.proposal.kind, i.proposal.key) for i in items}
    assert ("cast", "lomon") in kinds, kinds  # in TVmaze's cast, not in the catalogue's
    await settled(standin, review, total)


async def test_a_proposal_the_listing_takes_back_is_withdrawn(standin, scene, bot, tvmaze, review):
    await import_show(standin, scene, "sweet home", "1. Sweet Home (2020)")
    tvmaze.set_premiere(SWEET_HOME, 3, day(120))
    await watch_cycle(bot.services.watcher)
    [post] = await settled(standin, review, 1)
    tvmaze.set_premiere(SWEET_HOME, 3, day(100))  # back to the imported date: nothing differs
    await watch_cycle(bot.services.watcher)
    await wait_edited(post, "Withdrawn: TVmaze no longer lists this.")
    assert await bot.store.news.pending_items(None) == ([], 0)
    await settled(standin, review, 1)


async def test_sources_list_keeps_whole_lines_and_lists_failing_links_first(standin, scene, bot):
    db = bot.store.database
    slugs = [f"show-{n:03d}" for n in range(80)]
    for slug in slugs:
        show = await bot.store.shows.add_show(slug, f"Show {slug}", 1)
        async with db.lock, db.transaction():
            link = await bot.store.listings.link(show.id, "tvmaze", str(100 + show.id),
                                                 f"https://www.tvmaze.com/shows/{100 + show.id}/{slug}", 0.0)
    async with db.lock, db.transaction():  # the last one linked fails
        await bot.store.listings.failed(link.id, 1_700_000_000.0, "gone", 1_800_000_000.0)
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    text = listed.embeds[0]["description"]
    assert len(text) <= 4096
    blocks = text.split("\n\n")
    first = blocks.index("**Linked listings**") + 1
    assert blocks[first].startswith("**Show show-079**") and "⚠️ failing since" in blocks[first]
    shown = [b for b in blocks if b.startswith("**Show ")]
    assert blocks[-1] == f"… and {80 - len(shown)} more linked shows"
    assert all(b.count("<") == b.count(">") for b in blocks)  # no timestamp or link cut in two
