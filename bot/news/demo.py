"""The sandbox's demo news feed: a small RSS feed served on 127.0.0.1, into which a new item
about the shipped show "arrives" after the first fetch, so a newcomer sees the whole intake
(poll, queue, review post, Add as news, Publish) without the internet."""

from __future__ import annotations

import logging
from email.utils import formatdate

from aiohttp import web

log = logging.getLogger(__name__)

PATH = "/demo-feed.xml"
_ITEM = """
  <item>
    <title>{title}</title>
    <link>https://news.example/{slug}</link>
    <guid isPermaLink="false">demo-{slug}</guid>
    <pubDate>{date}</pubDate>
    <description><![CDATA[<p>{summary}</p>]]></description>
  </item>"""
OLD = [("Netflix's spring line-up announced", "spring-line-up", "Every series coming in spring."),
       ("All of Us Are Dead: a look back at season 1", "season-1-look-back", "Why fans still talk about it.")]
NEW = ("All of Us Are Dead season 2 wraps filming", "season-2-wraps",
       "Park Ji-hu and Yoon Chan-young were seen at the wrap party, according to the report.")


def feed(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, slug, summary) items, newest first."""
    date = formatdate(usegmt=True)
    body = "".join(_ITEM.format(title=t, slug=s, summary=m, date=date) for t, s, m in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Demo News</title>'
            f"<link>https://news.example/</link><description>The sandbox's feed</description>{body}"
            "</channel></rss>").encode()


class DemoFeed:
    """Serves the demo feed; the first request gets the old items, later ones the new item too."""

    def __init__(self) -> None:
        self.requests = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        """Start serving; the feed's URL."""
        app = web.Application()
        app.router.add_get(PATH, self._feed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}{PATH}"
        return self.url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _feed(self, request: web.Request) -> web.Response:
        self.requests += 1
        items = OLD if self.requests == 1 else [NEW, *OLD]
        return web.Response(body=feed(items), content_type="application/rss+xml", charset="utf-8")
