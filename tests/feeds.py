"""A local feed server for the news-intake tests: outlets' feeds, and misbehaviour on demand.

`FeedServer` serves named feeds on 127.0.0.1 (and 127.0.0.2) with real conditional GET (an ETag
and a Last-Modified per body, 304 when the client sends either back), gzip when asked for, and a
`trouble` per path: 500, a hang past the timeout, a redirect loop, a redirect elsewhere, a body
over the size cap. Every request's headers are recorded.

The fixtures below are written to look like what the outlets publish: a WordPress RSS 2.0 feed
(numeric entities in titles, `guid isPermaLink="false"`, CDATA HTML descriptions, `content:encoded`),
and an Atom 1.0 feed with relative links and Korean titles and summaries.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from aiohttp import web

RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def wordpress_item(n: int, title: str, *, summary: str = "", day: int = 1) -> str:
    return f"""
    <item>
      <title>{title}</title>
      <link>https://whatsonnetflix.example/news/article-{n}/?utm_source=rss&amp;utm_medium=rss</link>
      <dc:creator><![CDATA[Staff Writer]]></dc:creator>
      <pubDate>Tue, {day:02d} Oct 2024 14:{n % 60:02d}:00 +0000</pubDate>
      <category><![CDATA[Netflix News]]></category>
      <guid isPermaLink="false">https://whatsonnetflix.example/?p={1000 + n}</guid>
      <description><![CDATA[<p>{summary or title}</p><p>The post <a href="https://whatsonnetflix.example/">
        appeared first</a>.</p>]]></description>
      <content:encoded><![CDATA[<p>{summary or title} <script>alert(1)</script></p>]]></content:encoded>
    </item>"""


def wordpress_feed(items: list[str]) -> bytes:
    return ("""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
	<title>What&#8217;s on Netflix</title>
	<atom:link href="https://whatsonnetflix.example/feed/" rel="self" type="application/rss+xml" />
	<link>https://whatsonnetflix.example</link>
	<description>Netflix news, every day</description>
	<lastBuildDate>Tue, 01 Oct 2024 15:00:00 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<generator>https://wordpress.org/?v=6.6.2</generator>""" + "".join(items) + """
</channel>
</rss>
""").encode()


def atom_entry(n: int, title: str, summary: str, *, path: str | None = None) -> str:
    return f"""
  <entry>
    <title type="html">{title}</title>
    <link rel="alternate" type="text/html" href="{path or f'/entertainment/{n}#top'}"/>
    <id>tag:kdrama.example,2024:news-{n}</id>
    <published>2024-10-0{1 + n % 9}T09:00:00+09:00</published>
    <updated>2024-10-0{1 + n % 9}T09:30:00+09:00</updated>
    <author><name>연예부</name></author>
    <summary type="html">&lt;p&gt;{summary}&lt;/p&gt;</summary>
  </entry>"""


def atom_feed(entries: list[str]) -> bytes:
    return ("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ko" xml:base="https://kdrama.example/">
  <title>케이드라마 뉴스</title>
  <link rel="self" href="/feeds/atom.xml"/>
  <id>tag:kdrama.example,2024:feed</id>
  <updated>2024-10-09T09:30:00+09:00</updated>""" + "".join(entries) + """
</feed>
""").encode()


# The shipped show's news, as each outlet would write it.
UNRELATED = [wordpress_item(1, "Everything coming to Netflix this week"),
             wordpress_item(2, "&#8216;Squid Game&#8217; season 3: what we know")]
AOUAD_NEWS = wordpress_item(3, "&#8216;All of Us Are Dead&#8217; Season 2 begins filming",
                            summary="Park Ji-hu and Yoon Chan-young return, sources say.", day=2)
KOREAN_NEWS = atom_entry(7, "지금 우리 학교는 시즌2 촬영 시작", "박지후와 윤찬영이 돌아온다는 소식입니다.",
                         path="/entertainment/7?utm_campaign=feed#comments")


@dataclass
class Route:
    body: bytes = b""
    content_type: str = RSS_TYPE
    trouble: str | None = None  # "500", "hang", "loop", "redirect:<url>", "huge"
    etag: str = ""
    modified: str = ""


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    runner: Any = None
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, content_type: str = RSS_TYPE, trouble: str | None = None) -> str:
        """Serve `body` at `path` (a new body gets new validators); its URL."""
        digest = hashlib.sha1(body).hexdigest()[:12]
        old = self.routes.get(path)
        changed = old is None or old.body != body
        modified = formatdate(usegmt=True) if changed or not old else old.modified
        self.routes[path] = Route(body, content_type, trouble, f'"{digest}"', modified)
        return self.url(path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        # Also on 127.0.0.2, which the address tests' narrowed rule refuses: a redirect there that
        # slipped through would really be read, not just fail to connect.
        await web.TCPSite(self.runner, "127.0.0.2", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, dict(request.headers)))
        route = self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        trouble = route.trouble or ""
        if trouble == "500":
            return web.Response(status=500, text="Internal Server Error")
        if trouble == "hang":
            await asyncio.sleep(3)  # past the test fetcher's timeout, short enough to clean up
        if trouble == "loop":
            return web.Response(status=302, headers={"Location": request.path})
        if trouble.startswith("redirect:"):
            return web.Response(status=301, headers={"Location": trouble.removeprefix("redirect:")})
        if trouble == "huge":
            return await self._huge(request)
        # As HTTP says: If-None-Match, when sent, decides alone (dates have only 1 s resolution).
        if "If-None-Match" in request.headers:
            fresh = request.headers["If-None-Match"] == route.etag
        else:
            fresh = request.headers.get("If-Modified-Since") == route.modified
        if fresh:
            return web.Response(status=304, headers={"ETag": route.etag})
        headers = {"ETag": route.etag, "Last-Modified": route.modified, "Content-Type": route.content_type}
        body = route.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return web.Response(body=body, headers=headers)

    @staticmethod
    async def _huge(request: web.Request) -> web.StreamResponse:
        """6 MiB of a valid-looking feed, streamed without a Content-Length."""
        response = web.StreamResponse(headers={"Content-Type": RSS_TYPE})
        await response.prepare(request)
        await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>')
        chunk = wordpress_item(9, "filler").encode() * 64
        sent = 0
        try:
            while sent < 6 * 1024 * 1024:
                await response.write(chunk)
                sent += len(chunk)
        except (ConnectionResetError, RuntimeError):
            pass  # the client stopped reading at its cap
        return response
