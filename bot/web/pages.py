"""The pages: `/`, `/s/{slug}`, `/s/{slug}/changes.atom`, the stylesheet and the error pages.

Pages are built from the in-memory view. A season's latest published changes are read from the
database once per write to that show (kept with the show's revision), never once per request,
and a built page is kept for its show's revision and language, so reading a page costs about as
much as serving a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from urllib.parse import quote

import jinja2
from aiohttp import web

import bot
from bot.catalogue.store import Catalogue
from bot.catalogue.view import View
from bot.core.models import Change, Show
from bot.i18n import DEFAULT, LOCALES, t
from bot.web import feed, season
from bot.web.http import cached, http_date, language, later
from bot.web.words import ERROR_TITLES, ERRORS, SWITCH, labels

log = logging.getLogger(__name__)

HTML = "text/html"
# A season's page address by slug and language; None when PUBLIC_URL is not set.
PageUrl = Callable[[str, str], str | None]
CACHED_PAGES = 256  # built pages kept (each is one show's page in one language)

def _in(lang: str, url: str) -> str:
    """`url` in `lang`: English needs no query, another language says itself."""
    return url if lang == DEFAULT else f"{url}?lang={lang}"


def build_tag() -> str:
    """What this build's pages are made of: the version, the templates, the stylesheet and the
    translations. It seeds every ETag, so an upgrade that rewords a page is not answered with
    304 to a reader holding the old words."""
    digest = hashlib.sha256(bot.__version__.encode())
    web_files = resources.files("bot.web")
    files = [("templates", t) for t in sorted(web_files.joinpath("templates").iterdir(), key=str)]
    files.append(("static", web_files.joinpath("static/style.css")))
    for kind, file in files:
        digest.update(f"|{kind}/{file.name}|".encode())
        digest.update(file.read_bytes())
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        digest.update(f"|{po.parent.parent.name}|".encode())
        digest.update(po.read_bytes())
    return digest.hexdigest()[:16]


def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("bot.web", "templates")
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)

@dataclass(frozen=True)
class Published:
    """A show's latest published changes and when anything on its page last changed, as of one
    revision of the show."""

    revision: int
    changes: tuple[Change, ...]
    last_modified: str | None

class Pages:
    """The web pages of one catalogue. `public_url` is where they are served (None: nowhere,
    so nothing links to them)."""

    def __init__(self, view: View, catalogue: Catalogue, public_url: str | None) -> None:
        self.view = view
        self.catalogue = catalogue
        self.public_url = public_url
        self._env = _environment()
        self._css = resources.files("bot.web").joinpath("static/style.css").read_bytes()
        self._icon = resources.files("bot.web").joinpath("static/icon.svg").read_bytes()
        self._css_tag = hashlib.sha256(self._css).hexdigest()[:16]
        self._build_tag = build_tag()
        # When this process first served each page's current state (see `_since`).
        self._seen: dict[tuple[str, int], tuple[str, str]] = {}
        self.clock = time.time
        self._published: dict[int, Published] = {}
        self._built: OrderedDict[tuple[str, int, str, str], bytes] = OrderedDict()

    # -- what others link to -----------------------------------------------------------------

    def page_url(self, slug: str, lang: str = DEFAULT) -> str | None:
        """The season page's public address (None when no web server is configured)."""
        if self.public_url is None:
            return None
        return _in(lang, f"{self.public_url}/s/{quote(slug, safe='')}")

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self.index),
            web.get("/s/{slug}", self.season),
            web.get("/s/{slug}/changes.atom", self.feed),
            web.get("/static/style.css", self.stylesheet),
            web.get("/static/icon.svg", self.icon),
            web.get("/favicon.ico", self.icon),  # asked for by browsers whatever the page says
        ]

    # -- handlers ------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.Response:
        lang = language(request)
        shows = self.view.shows(include_archived=True)
        state = "|".join(f"{s!r}:{self.view.change_count(s.id)}" for s in shows)
        etag = self._etag("index", state, lang)
        since = self._since(("index", 0), state)

        def build() -> web.Response:
            rows = [(season.heading(s, lang), s.slug, s.archived) for s in shows]
            html = self._render("index.html", lang, request.path, title=t(lang, "Tracked shows"),
                                shows=rows, description=None)
            return web.Response(body=html, content_type=HTML, charset="utf-8")

        return cached(request, etag, since, build)

    async def season(self, request: web.Request) -> web.Response:
        show = self._show(request)
        lang = language(request)
        published = await self._published_of(show)
        etag = self._etag("season", f"{show!r}:{self.view.change_count(show.id)}", lang)
        modified = self._modified(show, published)

        def build() -> web.Response:
            key = (etag, show.id, lang, str(published.revision))
            html = self._built.get(key)
            if html is None:
                page = season.season(self.view, show, published.changes, lang)
                html = self._render("season.html", lang, request.path, title=page.heading, page=page,
                                    description=page.summary,
                                    feed_url=_in(lang, f"{request.path}/changes.atom"),
                                    url=self.page_url(show.slug, lang))
                self._keep(key, html)
            return web.Response(body=html, content_type=HTML, charset="utf-8")

        return cached(request, etag, modified, build)

    async def feed(self, request: web.Request) -> web.Response:
        show = self._show(request)
        lang = language(request)
        published = await self._published_of(show)
        etag = self._etag("feed", f"{show!r}:{self.view.change_count(show.id)}", lang)
        modified = self._modified(show, published)
        base = self.public_url or f"{request.scheme}://{request.host}"
        page = f"{base}/s/{quote(show.slug, safe='')}"
        # A Korean feed links the Korean page, and names itself with its ?lang=ko.
        page_url, feed_url = _in(lang, page), _in(lang, f"{page}/changes.atom")

        def build() -> web.Response:
            key = (etag, show.id, lang, f"{published.revision}:{base}")
            body = self._built.get(key)
            if body is None:  # feed readers poll: built once per write, like the page
                body = feed.atom(show, published.changes, page_url, feed_url, lang)
                self._keep(key, body)
            return web.Response(body=body, content_type="application/atom+xml", charset="utf-8")

        return cached(request, etag, modified, build)

    async def stylesheet(self, request: web.Request) -> web.Response:
        def build() -> web.Response:
            return web.Response(body=self._css, content_type="text/css", charset="utf-8")

        response = cached(request, f'"{self._css_tag}"', None, build)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    async def icon(self, request: web.Request) -> web.Response:
        response = web.Response(body=self._icon, content_type="image/svg+xml")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    def error_page(self, request: web.Request, status: int) -> web.Response:
        """An error as a page in the reader's language, with its status (never a traceback)."""
        try:
            lang = language(request)
        except Exception:  # a request too broken to read a language from
            lang = DEFAULT
        title = t(lang, ERROR_TITLES[status]) if status in ERROR_TITLES else str(status)
        message = t(lang, ERRORS[status]) if status in ERRORS else title
        html = self._render("error.html", lang, None, title=title, status=status, message=message,
                            description=None)
        return web.Response(status=status, body=html, content_type=HTML, charset="utf-8")

    # -- helpers ---------------------------------------------------------------------------------

    def _show(self, request: web.Request) -> Show:
        show = self.view.show_by_slug(request.match_info["slug"])
        if show is None:
            raise web.HTTPNotFound()
        return show

    async def _published_of(self, show: Show) -> Published:
        """The show's latest published changes, read again only after a write to the show."""
        revision = self.view.revision(show.id)
        known = self._published.get(show.id)
        if known is None or known.revision != revision:
            changes = tuple(await self.catalogue.published_changes(show.id, season.CHANGES_SHOWN))
            times = [e.updated_at for e in self.view.entries(show.id)] + [c.created_at for c in changes]
            newest = max(times, default=None)
            known = Published(revision, changes, http_date(newest) if newest else None)
            # The revision read before the await: a write meanwhile makes the next request read again.
            self._published[show.id] = known
        return known

    def _modified(self, show: Show, published: Published) -> str | None:
        """A season's Last-Modified: its newest entry or change, or later if the show itself
        (title, archived, ...) changed since, which moves no entry's time."""
        state = f"{show!r}:{published.revision}:{self.view.change_count(show.id)}"
        return later(published.last_modified, self._since(("show", show.id), state))

    def _since(self, key: tuple[str, int], state: str) -> str:
        """When this process first saw `key` in `state`: a time no earlier than the state's
        last change. A restart (an upgrade, say) moves it too, so a reader keeping a copy by
        date alone asks once more and gets the new build's page."""
        known = self._seen.get(key)
        if known is None or known[0] != state:
            now = dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat()
            known = (state, http_date(now) or "")
            self._seen[key] = known
        return known[1]

    def _etag(self, what: str, state: str, lang: str) -> str:
        digest = zlib.crc32(f"{what}|{state}|{self._build_tag}".encode())
        return f'W/"{what}-{digest:08x}-{lang}"'

    def _keep(self, key: tuple[str, int, str, str], html: bytes) -> None:
        self._built[key] = html
        while len(self._built) > CACHED_PAGES:
            self._built.popitem(last=False)

    def _render(self, template: str, lang: str, path: str | None, **values: object) -> bytes:
        other, other_name = SWITCH.get(lang, SWITCH[DEFAULT])
        switch = f"{path}?lang={other}" if path is not None else None
        text = self._env.get_template(template).render(
            lang=lang, words=labels(lang), switch_url=switch, switch_name=other_name,
            css=f"/static/style.css?v={self._css_tag}", **values)
        return text.encode("utf-8")
