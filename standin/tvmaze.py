"""A loopback stand-in for TVmaze's API, for tests and the sandbox.

It answers the paths the bot uses, in TVmaze's documented shapes: `/search/shows?q=`,
`/shows/{id}` (with `embed[]=seasons` and `embed[]=cast`), `/shows/{id}/akas`,
`/seasons/{id}/episodes` and `/updates/shows?since=day`. Tests change the data
(`set_premiere`, `add_season`, `mark_updated`), switch faults on (`fault`: 429 with and without
Retry-After, 500, a delay past the timeout, malformed JSON, JSON nested too deep, JSON of the
wrong shape, 404, an oversized body) and read what was fetched (`requests`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .tvmaze_data import DemoShow, demo_shows, season

FAULTS = ("429", "429 retry-after", "500", "slow", "malformed", "deep", "unexpected", "404", "oversized")
DEEP = 100_000  # arrays nested past Python's recursion limit
OVERSIZED = 3 * 1024 * 1024


@dataclass(frozen=True)
class Fetched:
    """One request the stand-in answered (or refused)."""

    path: str
    query: str
    user_agent: str
    at: float
    status: int


@dataclass
class Fault:
    kind: str
    path: str  # the faults applies to paths starting with this ("" for every path)
    times: int


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isalnum()).casefold()


class TVmazeStandIn:
    """Serve the demo TVmaze on 127.0.0.1; `base` is what TVMAZE_API_BASE should be."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.shows: dict[int, DemoShow] = demo_shows(today or dt.date.today())
        self.updated: dict[int, int] = {}  # show id -> when it changed (Unix seconds)
        self.requests: list[Fetched] = []
        self.faults: list[Fault] = []
        self.slow_seconds = 15.0
        self.retry_after = 1
        self.base = ""
        self._runner: web.AppRunner | None = None

    # -- life ------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1") -> str:
        """Start serving; the API's base URL."""
        app = web.Application(middlewares=[self._faults_first])
        app.router.add_get("/search/shows", self._search)
        app.router.add_get("/shows/{id}", self._show)
        app.router.add_get("/shows/{id}/akas", self._akas)
        app.router.add_get("/seasons/{id}/episodes", self._episodes)
        app.router.add_get("/updates/shows", self._updates)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, 0).start()
        self.base = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.base

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests change -----------------------------------------------------------------------

    def fault(self, kind: str, *, path: str = "", times: int = 1) -> None:
        """Answer the next `times` requests under `path` with `kind` (one of FAULTS)."""
        assert kind in FAULTS, kind
        self.faults.append(Fault(kind, path, times))

    def set_premiere(self, show_id: int, number: int, day: str | None) -> None:
        """Move a season's premiere date (None: unknown); the show counts as updated."""
        self._season(show_id, number)["premiereDate"] = day
        self.mark_updated(show_id)

    def set_episode_order(self, show_id: int, number: int, order: int | None) -> None:
        """Change a season's episode order; the show counts as updated."""
        self._season(show_id, number)["episodeOrder"] = order
        self.mark_updated(show_id)

    def add_season(self, show_id: int, number: int, day: str | None = None,
                   order: int | None = None) -> None:
        """List another season; the show counts as updated."""
        demo = self.shows[show_id]
        season_id = 9000 + 100 * (show_id % 100) + number
        demo.seasons.append(season(season_id, number, day, order))
        demo.runtimes[season_id] = None
        self.mark_updated(show_id)

    def mark_updated(self, show_id: int) -> None:
        """List the show in `/updates/shows?since=day`."""
        self.updated[show_id] = int(time.time())

    def fetched(self, path: str) -> int:
        """How many requests asked for exactly `path`."""
        return sum(1 for r in self.requests if r.path == path)

    def _season(self, show_id: int, number: int) -> dict[str, Any]:
        return next(s for s in self.shows[show_id].seasons if s["number"] == number)

    # -- serving ---------------------------------------------------------------------------------

    @web.middleware
    async def _faults_first(self, request: web.Request, handler: Any) -> web.StreamResponse:
        fault = next((f for f in self.faults if request.path.startswith(f.path)), None)
        if fault is not None:
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            response = await self._fault(fault.kind)
        else:
            response = await handler(request)
        self.requests.append(Fetched(request.path, request.query_string,
                                     request.headers.get("User-Agent", ""), time.monotonic(),
                                     response.status))
        return response

    async def _fault(self, kind: str) -> web.StreamResponse:
        if kind == "429":
            return web.Response(status=429, text="Too Many Requests")
        if kind == "429 retry-after":
            return web.Response(status=429, headers={"Retry-After": str(self.retry_after)})
        if kind == "500":
            return web.Response(status=500, text="Internal Server Error")
        if kind == "404":
            return _not_found()
        if kind == "malformed":
            return web.Response(body=b'{"id": 1001, "name": "All of', content_type="application/json")
        if kind == "deep":
            return web.Response(body=b"[" * DEEP + b"]" * DEEP, content_type="application/json")
        if kind == "unexpected":
            return _json({"id": "one", "name": 5, "url": None})
        if kind == "oversized":
            return web.Response(body=b"[" + b'"x",' * (OVERSIZED // 4) + b'"x"]',
                                content_type="application/json")
        await asyncio.sleep(self.slow_seconds)  # "slow"
        return _json([])

    def _demo(self, request: web.Request) -> DemoShow | None:
        raw = request.match_info["id"]
        return self.shows.get(int(raw)) if raw.isdigit() else None

    async def _search(self, request: web.Request) -> web.Response:
        words = _fold(request.query.get("q", ""))
        hits = [(len(words) / len(_fold(d.show["name"])), d) for d in self.shows.values()
                if words and words in _fold(d.show["name"])]
        hits.sort(key=lambda hit: -hit[0])
        return _json([{"score": round(score, 3), "show": d.show} for score, d in hits[:10]])

    async def _show(self, request: web.Request) -> web.Response:
        demo = self._demo(request)
        if demo is None:
            return _not_found()
        embeds = request.query.getall("embed[]", [])
        body = dict(demo.show)
        embedded = {}
        if "seasons" in embeds:
            embedded["seasons"] = sorted(demo.seasons, key=lambda s: s["number"])
        if "cast" in embeds:
            embedded["cast"] = demo.cast
        if embedded:
            body["_embedded"] = embedded
        return _json(body)

    async def _akas(self, request: web.Request) -> web.Response:
        demo = self._demo(request)
        return _json(demo.akas) if demo is not None else _not_found()

    async def _episodes(self, request: web.Request) -> web.Response:
        raw = request.match_info["id"]
        for demo in self.shows.values():
            for found in demo.seasons:
                if str(found["id"]) == raw:
                    return _json(_episodes(demo, found))
        return _not_found()

    async def _updates(self, request: web.Request) -> web.Response:
        return _json({str(show_id): at for show_id, at in sorted(self.updated.items())})


def _episodes(demo: DemoShow, found: dict[str, Any]) -> list[dict[str, Any]]:
    """A season's episodes: one per episode of its order once it premiered, none before."""
    premiere = found["premiereDate"]
    if not premiere or premiere > dt.date.today().isoformat():
        return []
    runtime = demo.runtimes.get(found["id"])
    return [{"id": found["id"] * 100 + n, "url": f"https://www.tvmaze.com/episodes/{found['id'] * 100 + n}/x",
             "name": f"Episode {n}", "season": found["number"], "number": n, "type": "regular",
             "airdate": premiere, "airtime": "", "airstamp": f"{premiere}T08:00:00+00:00",
             "runtime": runtime, "rating": {"average": None}, "image": None, "summary": None,
             "_links": {"self": {"href": "https://api.tvmaze.com/episodes/1"}}}
            for n in range(1, (found["episodeOrder"] or 0) + 1)]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data, ensure_ascii=False).encode(), status=status,
                        content_type="application/json", charset="UTF-8")


def _not_found() -> web.Response:
    return _json({"name": "Not Found", "message": "", "code": 0, "status": 404}, status=404)
