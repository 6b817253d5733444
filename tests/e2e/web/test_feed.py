"""A season's Atom feed: its published changes newest first, each linking the page with the old
and new text and the source; silent publishes are left out."""

from __future__ import annotations

import feedparser
import pytest

from tests.support.web import SHOW, fetch, web_address

pytestmark = pytest.mark.sqlite_only

SOURCE = "https://www.example.com/report"


async def publish(standin, scene, path, label="Publish", **options):
    preview = await standin.command(scene.editor, scene.home_general, path, **options)
    assert preview.ephemeral, preview.text
    return await standin.click(scene.editor, preview, label)


async def test_published_edits_appear_in_the_feed_and_silent_ones_do_not(standin, scene, bot):
    base = await web_address(bot)
    await publish(standin, scene, "edit release", when="2026-03", confidence="reported",
                  source_url=SOURCE, source_name="Example News")
    await publish(standin, scene, "edit news", headline="Quiet <b>correction</b>",
                  url="https://www.example.com/quiet", confidence="rumored", label="Publish silently")
    await publish(standin, scene, "edit news", headline="Filming wraps & <script>x</script>",
                  url="https://www.example.com/wrap", confidence="reported")

    answer = await fetch(f"{base}/s/{SHOW}/changes.atom")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(answer.body)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.title == "All of Us Are Dead season 2: history"
    assert feed.id.startswith("urn:uuid:") and feed.updated and feed.author == "seasonwatch"
    assert {(link.rel, link.href) for link in feed.links} >= {
        ("self", f"{base}/s/{SHOW}/changes.atom"), ("alternate", f"{base}/s/{SHOW}")}

    titles = [entry.title for entry in parsed.entries]
    assert len(titles) == 2, titles  # the silent one is not there
    newest, older = parsed.entries
    assert newest.title.endswith("News: Filming wraps & <script>x</script>")
    assert older.title.endswith("Release")
    assert "Quiet" not in answer.text
    for entry in parsed.entries:
        assert entry.id.startswith("urn:uuid:") and entry.updated and entry.author == "editor"
        assert entry.link.startswith(f"{base}/s/{SHOW}#change-")
    assert "→ March 2026 (reported · Example News)" in older.content[0].value
    assert f"Example News: {SOURCE}" in older.content[0].value
    assert "New: News: Filming wraps & <script>x</script>" in newest.content[0].value
    assert newest.content[0].type == "text/plain"
    assert newest.updated >= older.updated

    korean = feedparser.parse((await fetch(f"{base}/s/{SHOW}/changes.atom?lang=ko")).body)
    assert korean.feed.title == "지금 우리 학교는 시즌 2: 기록" and len(korean.entries) == 2


async def test_an_unknown_show_has_no_feed(bot):
    base = await web_address(bot)
    assert (await fetch(f"{base}/s/nope/changes.atom")).status == 404
