"""The listings watch end to end: the real bot, the TVmaze stand-in changing a premiere date, the
proposal in /queue and the review channel, Accept → preview → Publish, Dismiss, a newer value,
and what is not fetched. The watch's interval is a day here, so it never runs by itself:
`watch_cycle` runs one real cycle now."""

import asyncio

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

