"""News intake end to end: a local feed server, the real bot, editors and fans through the stand-in.

The bot polls every 60 minutes here, so it never polls by itself during a test: `poll()` moves
the poller's clock on and wakes it, and the real poll cycle runs.
"""

# ruff: noqa: ASYNC109 (`timeout=` of the helpers, like the driver's)

import asyncio
import time

import discord
import pytest

from bot.app import running
from bot.store import Store
from tests.feeds import (
    AOUAD_NEWS,
    KOREAN_NEWS,
    UNRELATED,
    atom_feed,
    wordpress_feed,
    wordpress_item,
)
from tests.support.databases import database_of

OLD = wordpress_item(4, "All of Us Are Dead: old news")
pytestmark = pytest.mark.sqlite_only  # the store's own tests cover PostgreSQL


@pytest.fixture
def review(scene):
    return scene.home.add_channel("review")


@pytest.fixture
def bot_env(bot_env, review):
    return {
        **bot_env,
        "REVIEW_CHANNEL_ID": str(review.id),
        "FEEDS_ALLOW_PRIVATE": "1",
        "FEED_POLL_MINUTES": "60",
    }


async def poll(bot, hours=2.0):
    """Move the poller's clock on by `hours` and let one real poll cycle run."""
    poller = bot.get_cog("News").poller
    shift = getattr(poller, "test_shift", 0.0) + hours * 3600
    poller.test_shift = shift
    poller.clock = lambda: time.time() + shift
    before = poller.cycles
    poller.wake()
    for _ in range(250):
        if poller.cycles > before:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the poller did not run")


async def add_source(standin, scene, url, **options):
    reply = await standin.command(
        scene.editor, scene.home_general, "sources add", url=url, timeout=20, **options
    )
    assert reply.ephemeral, reply.content
    return reply


async def settled(standin, channel, count, *, timeout=5.0):
    """Wait until exactly `count` review posts are there, then check no more come."""
    if count:
        await standin.wait_for_messages(channel, count, timeout=timeout)
    await asyncio.sleep(0.3)
    messages = standin.messages(channel)
    assert len(messages) == count, [m.embeds[0]["description"][:60] for m in messages]
    return messages


async def wait_edited(message, text, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in message.embeds[0]["description"] and not message.components:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the review post was not edited: {message.embeds[0]['description']!r}")


async def test_a_feed_item_goes_from_the_feed_to_the_review_channel_to_the_timeline(
    standin, scene, bot, feeds, review
):
    url = feeds.serve("/feed/", wordpress_feed([*UNRELATED, OLD]))
    reply = await add_source(standin, scene, url)
    assert reply.content.startswith("Added **What’s on Netflix**: it holds 3 items"), reply.content
    await poll(bot)  # unchanged: a 304, nothing queued (the first fetch queued nothing either)
    assert feeds.headers_of("/feed/")[-1]["If-None-Match"]
    assert await bot.store.news.pending_items(None) == ([], 0)

    feeds.serve(
        "/feed/", wordpress_feed([AOUAD_NEWS, wordpress_item(5, "Netflix's new thriller"), OLD, *UNRELATED])
    )  # OLD was seen at the first fetch: not queued
    await poll(bot)
    [post] = await settled(standin, review, 1)
    assert [b["label"] for b in post.components[0]["components"]] == ["Add as news", "Dismiss"]
    text = post.embeds[0]["description"] + str(post.embeds[0]["fields"])
    assert "‘All of Us Are Dead’ Season 2 begins filming" in text and "Park Ji-hu" in text  # may concern
    [item], total = await bot.store.news.pending_items(None)
    assert total == 1 and item.review_message == post.id  # the unrelated item was not queued

    refused = await standin.click(scene.fan, post, "Add as news")
    assert refused.ephemeral and refused.content.startswith("Only editors can do this")
    await subscribe(standin, scene)
    modal = await standin.click(scene.editor, post, "Add as news")
    assert modal.modal is not None
    wrong = await standin.submit_modal(scene.editor, modal, {"Confidence": "sure", "published": "2024-13-01"})
    assert wrong.ephemeral and wrong.content.startswith("`confidence`: `sure` is not one of"), wrong.content
    modal = await standin.click(scene.editor, post, "Add as news")
    preview = await standin.submit_modal(scene.editor, modal, {"Confidence": "reported"})
    assert preview.ephemeral and preview.content.startswith("**Preview**"), preview.content
    published = await standin.click(scene.editor, preview, "Publish")
    assert published.content.startswith("Published as change **#"), published.content
    change_id = int(published.content.split("#")[1].split("*")[0])

    await wait_edited(post, f"Added as news by editor (change #{change_id})")
    news = await standin.command(scene.fan, scene.home_general, "news")
    assert "‘All of Us Are Dead’ Season 2 begins filming" in news.text and "article-3" in news.text
    await standin.wait_for_messages(scene.home_announcements, 1)
    await asyncio.sleep(0.3)
    assert len(standin.messages(scene.home_announcements)) == 1
    done = await bot.store.news.queue_item(item.id)
    assert done.state == "added" and done.change_id == change_id and done.settled_by_name == "editor"


async def subscribe(standin, scene):
    reply = await standin.command(
        scene.admin, scene.home_general, "alerts subscribe", channel=scene.home_announcements
    )
    assert reply.content.startswith("Subscribed"), reply.content


async def test_one_link_from_two_sources_and_a_tip_is_queued_once_and_tips_flow_too(
    standin, scene, bot, feeds, review
):
    first = feeds.serve("/a", wordpress_feed(UNRELATED))
    second = feeds.serve("/b", atom_feed([]), "application/atom+xml")
    await add_source(standin, scene, first)
    await add_source(standin, scene, second, show="all-of-us-are-dead", keywords="시즌2, season 2")
    feeds.serve("/a", wordpress_feed([AOUAD_NEWS, *UNRELATED]))
    # The same article under another guid and with other tracking parameters, and a Korean one.
    again = AOUAD_NEWS.replace("?p=1003", "?p=9003").replace("utm_medium=rss", "utm_medium=atom")
    feeds.serve("/b", wordpress_feed([again]).replace(b"What&#8217;s", b"Other"))
    await poll(bot)
    feeds.serve("/b", atom_feed([KOREAN_NEWS]), "application/atom+xml")
    await poll(bot)
    posts = await settled(standin, review, 2)
    assert "지금 우리 학교는 시즌2 촬영 시작" in posts[1].embeds[0]["description"]
    # Settled from /queue (the oldest first): the review post shows it too.
    queue = await standin.command(scene.editor, scene.home_general, "queue")
    assert queue.ephemeral and "Item 1 of 2" in queue.text
    await standin.click(scene.editor, queue, "Dismiss")
    await wait_edited(posts[0], "Dismissed by editor")

    known = await standin.command(
        scene.fan, scene.home_general, "tip", url="https://whatsonnetflix.example/news/article-3/?fbclid=abc"
    )
    assert known.ephemeral and known.content.startswith("Already known"), known.content
    tip = await standin.command(
        scene.fan,
        scene.home_general,
        "tip",
        url="https://fans.example/leak",
        note="@everyone the cast was seen filming <@1>",
    )
    assert tip.ephemeral and tip.content.startswith("Thanks!"), tip.content
    posts = await settled(standin, review, 3)
    assert "tip from fan" in str(posts[2].embeds[0]["fields"])
    await standin.click(scene.editor, posts[2], "Dismiss")
    await wait_edited(posts[2], "Dismissed by editor")
    for n in range(2):
        ok = await standin.command(scene.fan, scene.home_general, "tip", url=f"https://fans.example/{n}")
        assert ok.content.startswith("Thanks!")
    limited = await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/4")
    assert limited.ephemeral and "3 tips an hour" in limited.content
    assert (await bot.store.news.pending_items(None))[1] == 3


async def test_a_failing_source_backs_off_is_paused_after_a_day_and_resumes(standin, scene, bot, feeds):
    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    await add_source(standin, scene, url)
    feeds.serve("/feed/", b"", trouble="500")
    await poll(bot)
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    assert "failing since" in listed.text and "the server answered HTTP 500" in listed.text
    scene.editor.user.locale = "ko"
    try:  # the reason is stored as a notice and worded for each reader
        korean = await standin.command(scene.editor, scene.home_general, "sources list")
    finally:
        scene.editor.user.locale = "en-US"
    assert "서버가 HTTP 500" in korean.text and "answered" not in korean.text, korean.text
    requests = len(feeds.headers_of("/feed/"))
    await poll(bot, hours=0.05)  # within the 5-minute backoff: not fetched
    assert len(feeds.headers_of("/feed/")) == requests
    await poll(bot, hours=25)
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    assert "paused: the server answered HTTP 500" in listed.text, listed.text
    await poll(bot, hours=25)
    assert len(feeds.headers_of("/feed/")) == requests + 1  # paused: left alone
    feeds.serve("/feed/", wordpress_feed(UNRELATED))
    resumed = await add_source(standin, scene, url)
    assert resumed.content.startswith("Updated **What’s on Netflix** and resumed it")
    listed = await standin.command(scene.editor, scene.home_general, "sources list")
    assert "paused" not in listed.text and "last fetched" in listed.text


async def test_a_korean_editor_reads_the_queue_in_korean(standin, scene, bot):
    tip = await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/k")
    assert tip.content.startswith("Thanks!")
    scene.editor.user.locale = "ko"
    try:
        queue = await standin.command(scene.editor, scene.home_general, "queue")
        assert [b["label"] for b in queue.buttons] == ["소식으로 추가", "버리기"]
        assert queue.embeds[0]["title"].startswith("검토함 · ") and "제보" in queue.text  # a tip from fan
        form = await standin.click(scene.editor, queue, "소식으로 추가")
        assert form.modal["title"] == "소식으로 추가"
    finally:
        scene.editor.user.locale = "en-US"


async def test_a_korean_server_s_review_posts_are_in_korean(standin, scene, bot, review):
    scene.home.preferred_locale = "ko"
    await standin.update_guild(scene.home)
    await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/k")
    [post] = await settled(standin, review, 1)
    assert [b["label"] for b in post.components[0]["components"]] == ["소식으로 추가", "버리기"]
    assert post.embeds[0]["title"].startswith("검토함 · ")
    await standin.click(scene.editor, post, "버리기")
    await wait_edited(post, "")
    assert "님이 버렸습니다" in str(post.embeds[0]), post.embeds[0]


async def test_what_is_not_a_feed_is_not_saved_and_fans_cannot_add_sources(standin, scene, bot, feeds):
    page = feeds.serve("/page", b"<!doctype html><html><body>Hello</body></html>", "text/html")
    reply = await add_source(standin, scene, page)
    assert reply.content.startswith("Not added:") and "not an RSS or Atom feed" in reply.content
    assert await bot.store.news.sources() == []
    fan = await standin.command(scene.fan, scene.home_general, "sources add", url=page)
    assert fan.ephemeral and fan.content.startswith("Only editors")
    queue = await standin.command(scene.fan, scene.home_general, "queue")
    assert queue.ephemeral and queue.content.startswith("Only editors")


async def test_a_restart_between_fetch_and_post_loses_and_duplicates_nothing(
    standin, scene, bot_settings, feeds, review, monkeypatch
):
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )
    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    async with running(bot_settings) as bot:
        await standin.wait_ready()
        await add_source(standin, scene, url)
        feeds.serve("/feed/", wordpress_feed([AOUAD_NEWS, *UNRELATED]))
        await poll(bot)
        [posted] = await settled(standin, review, 1)
        assert posted.nonce.startswith("swq")
        await bot.services.reviews.stop()  # the process dies before posting what comes next
        feeds.serve(
            "/feed/", wordpress_feed([wordpress_item(6, "All of Us Are Dead cast photo"), AOUAD_NEWS])
        )
        await poll(bot)
    # As if the first post's send had succeeded but the crash came before it was recorded, an
    # hour ago: Discord has forgotten its nonce, so only looking in the channel can tell.
    standin.nonce_window = 0
    store = await Store.open(database_of({"DATABASE_PATH": str(bot_settings.database_path)}))
    try:
        await store.database.execute(
            "UPDATE news_item SET review_state = 'sending', review_message = NULL, "
            "review_tried_at = ? WHERE review_message = ?",
            (time.time() - 3600, posted.id),
        )
    finally:
        await store.close()
    async with running(bot_settings) as bot:
        posts = await settled(standin, review, 2)
        assert posts[0].id == posted.id and "cast photo" in posts[1].embeds[0]["description"]
        items, _ = await bot.store.news.pending_items(None)
        assert sorted(i.review_message for i in items) == sorted(p.id for p in posts)
        await standin.click(scene.editor, posts[0], "Dismiss")  # buttons from before the restart
        await wait_edited(posts[0], "Dismissed by editor")


async def test_a_review_post_on_the_wire_when_the_bot_is_killed_is_in_the_channel_once(
    standin, scene, bot_env, bot_process, review
):
    """SIGKILL while the post is on its way (it lands after the kill): the next process sends
    it again, and the editors still see it once (Discord keeps the nonce)."""
    first = await bot_process()
    standin.faults.latency = 0.5
    tip = await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/crash")
    assert tip.content.startswith("Thanks!"), tip.content
    path = f"/channels/{review.id}/messages"
    deadline = time.monotonic() + 10
    while not any(r.method == "POST" and r.path == path and r.status == 0 for r in standin.requests):
        assert time.monotonic() < deadline, first.log_text()[-3000:]
        await asyncio.sleep(0.005)
    await first.kill()
    [landed] = await standin.wait_for_messages(review, 1)  # after the kill: never recorded
    standin.faults.latency = 0
    second = await bot_process()
    store = await Store.open(database_of(bot_env))
    try:
        deadline = time.monotonic() + 10
        while (item := await store.news.queue_item(1)).review_state != "posted":
            assert time.monotonic() < deadline, f"{item.review_state}: {second.log_text()[-3000:]}"
            await asyncio.sleep(0.05)
    finally:
        await store.close()
    await asyncio.sleep(0.5)  # a second post would show up now
    assert standin.messages(review) == [landed]
    assert item.review_message == landed.id and "fans.example/crash" in str(landed.embeds[0])
    await second.stop()


async def test_a_form_opened_before_a_restart_is_still_taken_and_only_from_an_editor(
    standin, scene, bot_settings, monkeypatch
):
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    )
    async with running(bot_settings):
        await standin.wait_ready()
        await standin.command(scene.fan, scene.home_general, "tip", url="https://fans.example/restart")
        queue = await standin.command(scene.editor, scene.home_general, "queue")
        form = await standin.click(scene.editor, queue, "Add as news")
    assert form.modal is not None  # the editor is still typing while the bot restarts
    async with running(bot_settings) as bot:
        await standin.wait_ready()
        await standin.update_member(scene.editor, roles=[])  # no longer an editor meanwhile
        refused = await standin.submit_modal(scene.editor, form, {"Confidence": "reported"})
        assert refused.ephemeral and refused.content.startswith("Only editors can do this"), refused.content
        assert await bot.store.news.pending_items(None) != ([], 0)  # nothing written
        await standin.update_member(scene.editor, roles=[scene.editors])
        preview = await standin.submit_modal(scene.editor, form, {"Confidence": "reported"})
        assert preview.ephemeral and preview.content.startswith("**Preview**"), preview.content
        published = await standin.click(scene.editor, preview, "Publish")
        assert published.content.startswith("Published as change **#"), published.content
        assert await bot.store.news.pending_items(None) == ([], 0)
        change_id = int(published.content.split("#")[1].split("*")[0])
        assert (await bot.store.news.queue_item(1)).change_id == change_id  # the tip, settled by the form


def matching(numbers):
    """A feed of `numbers` new items that all mention the show, newest first."""
    return wordpress_feed([wordpress_item(n, f"All of Us Are Dead: story {n}") for n in numbers])


async def sources_line(standin, scene, lang="en-US"):
    scene.editor.user.locale = lang
    try:
        return (await standin.command(scene.editor, scene.home_general, "sources list")).text
    finally:
        scene.editor.user.locale = "en-US"


async def test_a_flooding_feed_queues_ten_a_fetch_and_twenty_five_in_all_and_says_what_it_skipped(
    standin, scene, bot, feeds, review
):
    standin.channel_rate = (100, 1.0)  # Discord's 5 posts per 5 s per channel would take minutes here
    url = feeds.serve("/feed/", wordpress_feed(UNRELATED))
    await add_source(standin, scene, url)
    feeds.serve("/feed/", matching(range(100, 130)))  # 30 new: the first 10 queued
    await poll(bot)
    posts = await settled(standin, review, 10)
    assert "story 100" in posts[0].embeds[0]["description"]
    listed = await sources_line(standin, scene)
    assert "New items skipped at the last fetch: 20. At most 10 are queued per fetch" in listed, listed
    korean = await sources_line(standin, scene, "ko")
    assert "건너뛴 새 항목: 20개" in korean and "skipped" not in korean, korean
    # The links rotate: new again, ten more; then the feed's 25 waiting items stop it.
    feeds.serve("/feed/", matching(range(200, 230)))
    await poll(bot)
    feeds.serve("/feed/", matching(range(300, 330)))
    await poll(bot)
    await settled(standin, review, 25)
    listed = await sources_line(standin, scene)
    assert "skipped at the last fetch: 25. 25 items from this feed already wait in /queue" in listed, listed
    # What was skipped counts as seen: settling makes room for new items only.
    queue = await standin.command(scene.editor, scene.home_general, "queue")
    await standin.click(scene.editor, queue, "Dismiss")
    feeds.serve("/feed/", matching([*range(100, 130), *range(300, 330), 400, 401]))
    await poll(bot)
    posts = await settled(standin, review, 26)
    assert "story 400" in posts[25].embeds[0]["description"]
    assert (await bot.store.news.pending_items(None))[1] == 25
    listed = await sources_line(standin, scene)
    assert "skipped at the last fetch: 1. 25 items" in listed, listed
    feeds.serve("/feed/", matching([*range(100, 130), *range(400, 402)]))
    await poll(bot)
    assert "skipped" not in await sources_line(standin, scene)  # nothing new: nothing skipped


async def test_items_with_forged_or_foreign_links_are_dropped_and_a_guid_is_one_item(
    standin, scene, bot, feeds, review
):
    def raw(guid, link, title):
        return (
            f"<item><title>{title}</title><link>{link}</link>"
            f'<guid isPermaLink="false">{guid}</guid></item>'
        )

    url = feeds.serve("/feed/", wordpress_feed([raw("seen", "https://news.example/seen", "Old news")]))
    await add_source(standin, scene, url)
    bad = [
        "https://evil.example/9\n**INJECTED**\n[x](https://evil.example/)",
        "https://evil.example/ spaced",
        "https://editor:hunter2@evil.example/creds",
        "https://evil.example/\u202eexe.pdf",
        "javascript:alert(1)//https://evil.example/",
        "ftp://files.example/all-of-us-are-dead.txt",
    ]
    feeds.serve(
        "/feed/",
        wordpress_feed(
            [
                *(raw(f"bad-{n}", link, f"All of Us Are Dead: bad link {n}") for n, link in enumerate(bad)),
                raw("same", "https://news.example/first", "All of Us Are Dead: first link"),
                raw("same", "https://news.example/second", "All of Us Are Dead: second link"),
                raw("seen", "https://news.example/moved", "All of Us Are Dead: seen, moved"),
            ]
        ),
    )
    await poll(bot)
    [post] = await settled(standin, review, 1)
    shown = str(post.embeds[0])
    assert "first link" in shown and "news.example/first" in shown
    assert "INJECTED" not in shown and "evil.example" not in shown
    [item], total = await bot.store.news.pending_items(None)
    assert total == 1 and item.url == "https://news.example/first"
