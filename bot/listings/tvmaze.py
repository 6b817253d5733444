"""TVmaze's API (https://www.tvmaze.com/api), read politely and defensively.

One client per process (built in bot/services.py), so the import and the watch share one pace:
at most 2 requests a second in all, per process (imports run in any shard's process). A 429
holds that shared pace (every caller waits) for what Retry-After says, else 2 s, then twice as
long each time. Every answer is bounded (10 s, 2 MiB) and checked against the few fields used:
whatever goes wrong is a ListingError saying why. Addresses follow the feeds' rule
(bot/news/fetch.py): only public ones, unless FEEDS_ALLOW_PRIVATE=1 (tests, the sandbox).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import yarl

from bot import __version__
from bot.core.messages import N_
from bot.listings.provider import Alias, CastMember, Listing, ListingError, Match, Season
from bot.news.fetch import Fetcher, FetchFailed, PrivateAddress, PublicResolver

log = logging.getLogger(__name__)

NAME = "TVmaze"
DEFAULT_BASE = "https://api.tvmaze.com"
USER_AGENT = f"seasonwatch/{__version__} (Discord bot; TV listings reader)"
TIMEOUT = 10.0
MAX_BYTES = 2 * 1024 * 1024
PER_SECOND = 2.0
FIRST_WAIT = 2.0  # after a 429 without Retry-After; doubles each time
RETRIES = 3  # 429s answered before giving up: waits of 2, 4 and 8 s
MAX_RESULTS = 5
# A show whose network does not say its country (Netflix, say): its language tells, for the few
# languages spoken in essentially one country whose aliases matter here.
LANGUAGE_COUNTRIES = {"Korean": "KR", "Japanese": "JP", "Thai": "TH", "Turkish": "TR"}

_PAGE = re.compile(r"https?://[^\s<>()\[\]\"'`\\]{1,400}")
SHAPE = N_("TVmaze's answer was not in the expected shape ({problem})")
SLOW_DOWN = N_("TVmaze kept asking the bot to slow down (HTTP 429); try again in a few minutes")
NO_ANSWER = N_("TVmaze did not answer within {seconds:.0f} s")
CONNECTION = N_("the connection to TVmaze failed ({error})")
PRIVATE = N_("TVMAZE_API_BASE is a private or local address (allowed only with FEEDS_ALLOW_PRIVATE=1)")


class Pacer:
    """At most `per_second` starts a second, in order, whoever asks."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.gap = 1.0 / per_second
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may start."""
        async with self._lock:
            delay = self._next - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = max(self._clock(), self._next) + self.gap

    def hold(self, seconds: float) -> None:
        """TVmaze asked us to slow down: no request of any caller starts for `seconds`."""
        self._next = max(self._next, self._clock() + seconds)


class TVmaze:
    """The TVmaze client: a `Provider` (bot/listings/provider.py)."""

    name = NAME

    def __init__(self, base: str = DEFAULT_BASE, *, allow_private: bool = False,
                 timeout: float = TIMEOUT, per_second: float = PER_SECOND,
                 first_wait: float = FIRST_WAIT) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.first_wait = first_wait
        self.pacer = Pacer(per_second)
        # The feeds' address rule, the same code: its host check and its socket guard.
        self._guard = Fetcher(allow_private=allow_private)
        self._session: aiohttp.ClientSession | None = None

    # -- the provider's questions --------------------------------------------------------------

    async def search(self, query: str) -> list[Match]:
        """Up to five shows whose name is like `query`, best first."""
        found = _list(await self.get_json("/search/shows", q=query), "search results")
        return [self._match(_obj(_obj(hit, "result").get("show"), "result.show"))
                for hit in found[:MAX_RESULTS]]

    async def listing(self, external_id: str, season: int | None = None) -> Listing:
        """The show, its seasons and cast, its aliases, and the runtime of `season` (else of the
        latest season) read from its episodes."""
        path = f"/shows/{_show_id(external_id)}"
        show = _obj(await self.get_json(path, gone=True, **{"embed[]": ["seasons", "cast"]}), "show")
        akas = _list(await self.get_json(f"{path}/akas", gone=True), "akas")
        embedded = _obj(show.get("_embedded"), "show._embedded")
        seasons = [_season(_obj(s, "season")) for s in _list(embedded.get("seasons"), "seasons")]
        number = season if season is not None else max((s.number for s in seasons), default=None)
        chosen = next((s for s in seasons if s.number == number), None)
        if chosen is not None:
            episodes = _list(await self.get_json(f"/seasons/{chosen.id}/episodes"), "episodes")
            runtime = _usual_runtime(episodes)
            seasons = [Season(s.number, s.premiere, s.episode_order, s.id, runtime)
                       if s is chosen else s for s in seasons]
        return Listing(
            provider=NAME, external_id=str(_number(show.get("id"), "show.id")), page_url=_page(show),
            title=_text(show.get("name"), "show.name"), country=_country(show),
            network=_network(show), aliases=tuple(_alias(_obj(a, "aka")) for a in akas),
            seasons=tuple(sorted(seasons, key=lambda s: s.number)),
            cast=tuple(_member(_obj(c, "cast")) for c in _list(embedded.get("cast"), "cast")),
            runtime=_minutes(show.get("runtime") or show.get("averageRuntime"), "show.runtime"),
        )

    async def updated_since_day(self) -> set[str]:
        """The ids of the shows TVmaze changed in the last day."""
        found = _obj(await self.get_json("/updates/shows", since="day"), "updates")
        if not all(key.isdigit() for key in found):
            raise ListingError(SHAPE, problem="updates: a key is not a show id")
        return set(found)

    def _match(self, show: dict[str, Any]) -> Match:
        premiered = _day(show.get("premiered"), "show.premiered")
        return Match(NAME, str(_number(show.get("id"), "show.id")), _page(show),
                     _text(show.get("name"), "show.name"), premiered.year if premiered else None,
                     _network(show), _country(show, by_language=False))

    # -- HTTP ----------------------------------------------------------------------------------

    async def get_json(self, path: str, *, gone: bool = False, **query: Any) -> Any:
        """GET `path` at the pace, 429s waited out; the parsed JSON. `gone`: a 404 means the show
        is no longer listed."""
        url = f"{self.base}{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query, doseq=True)
        wait = self.first_wait
        for _ in range(RETRIES + 1):
            await self.pacer.wait()
            status, retry_after, body = await self._get(url)
            if status != 429:
                return _parse(status, body, gone)
            delay = retry_after if retry_after is not None else wait
            log.info("TVmaze answered 429; every request waits %.1f s", delay)
            self.pacer.hold(delay)  # the next pacer.wait() sleeps it out, and every other caller's
            wait *= 2
        raise ListingError(SLOW_DOWN)

    async def _get(self, url: str) -> tuple[int, float | None, bytes]:
        self._check(url)
        try:
            async with asyncio.timeout(self.timeout):
                async with self._open().get(url, allow_redirects=False) as response:
                    return response.status, _retry_after(response), await _read(response)
        except TimeoutError:
            raise ListingError(NO_ANSWER, seconds=self.timeout) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddress):
                raise ListingError(PRIVATE) from None
            raise ListingError(N_("cannot connect to TVmaze ({host})"), host=exc.host) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise ListingError(CONNECTION, error=type(exc).__name__) from None

    def _check(self, url: str) -> None:
        host = yarl.URL(url).raw_host
        if host and not self._guard.allow_private:
            try:
                self._guard.check_host(host)
            except FetchFailed:
                raise ListingError(PRIVATE) from None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            guard: dict[str, Any] = ({} if self._guard.allow_private else
                                     {"resolver": PublicResolver(self._guard.blocked),
                                      "socket_factory": self._guard.open_socket})
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=4, ttl_dns_cache=300, **guard),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                cookie_jar=aiohttp.DummyCookieJar())
        return self._session

    async def close(self) -> None:
        """Close the session (a new request opens another)."""
        if self._session is not None:
            await self._session.close()


async def _read(response: aiohttp.ClientResponse) -> bytes:
    if (response.content_length or 0) > MAX_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in response.content.iter_chunked(65536):
        body += chunk
        if len(body) > MAX_BYTES:
            raise _too_large()
    return bytes(body)


def _too_large() -> ListingError:
    return ListingError(N_("TVmaze's answer is larger than {mib} MiB"), mib=MAX_BYTES // (1024 * 1024))


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    try:
        return min(max(float(raw), 0.0), 120.0) if raw else None
    except ValueError:
        return None  # an HTTP date: rare; the doubling wait serves


def _parse(status: int, body: bytes, gone: bool) -> Any:
    if status == 404 and gone:
        raise ListingError(N_("TVmaze no longer lists this show (HTTP 404)"))
    if status != 200:
        raise ListingError(N_("TVmaze answered HTTP {status}"), status=status)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # nested past Python's limit: as malformed as broken JSON
        raise ListingError(SHAPE, problem="not JSON") from None


# -- the shapes used -----------------------------------------------------------------------------

def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ListingError(SHAPE, problem=f"{what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ListingError(SHAPE, problem=f"{what} is not a list")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ListingError(SHAPE, problem=f"{what} is not text")
    return " ".join(value.split())[:100]


def _optional_text(value: Any, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _number(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ListingError(SHAPE, problem=f"{what} is not a number")
    return value


def _minutes(value: Any, what: str) -> int | None:
    if value is None:
        return None
    minutes = _number(value, what)
    return minutes if 1 <= minutes <= 300 else None


def _day(value: Any, what: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ListingError(SHAPE, problem=f"{what} is not a date") from None


def _show_id(external_id: str) -> int:
    if not external_id.isdigit():
        raise ListingError(N_("`{id}` is not a TVmaze show id (a number)"), id=external_id[:20])
    return int(external_id)


def _page(show: dict[str, Any]) -> str:
    url = _text(show.get("url"), "show.url")
    if not _PAGE.fullmatch(url):  # shown as a link: nothing that could end it or start another
        raise ListingError(SHAPE, problem="show.url is not a web address")
    return url


def _channel(show: dict[str, Any]) -> dict[str, Any] | None:
    for key in ("network", "webChannel"):
        if show.get(key) is not None:
            return _obj(show[key], f"show.{key}")
    return None


def _network(show: dict[str, Any]) -> str | None:
    channel = _channel(show)
    return None if channel is None else _text(channel.get("name"), "network.name")


def _country(show: dict[str, Any], *, by_language: bool = True) -> str | None:
    for key in ("network", "webChannel"):
        channel = show.get(key)
        if isinstance(channel, dict) and isinstance(channel.get("country"), dict):
            code = channel["country"].get("code")
            if isinstance(code, str) and len(code) == 2:
                return code.upper()
    language = show.get("language")
    return LANGUAGE_COUNTRIES.get(language) if by_language and isinstance(language, str) else None


def _alias(aka: dict[str, Any]) -> Alias:
    country = aka.get("country")
    code = _obj(country, "aka.country").get("code") if country is not None else None
    return Alias(_text(aka.get("name"), "aka.name"), code.upper() if isinstance(code, str) else None)


def _season(season: dict[str, Any]) -> Season:
    order = season.get("episodeOrder")
    return Season(_number(season.get("number"), "season.number"),
                  _day(season.get("premiereDate"), "season.premiereDate"),
                  None if order is None else _number(order, "season.episodeOrder") or None,
                  str(_number(season.get("id"), "season.id")))


def _member(cast: dict[str, Any]) -> CastMember:
    person = _obj(cast.get("person"), "cast.person")
    character = cast.get("character")
    name = _obj(character, "cast.character").get("name") if character is not None else None
    return CastMember(_text(person.get("name"), "person.name"), _optional_text(name, "character.name"))


def _usual_runtime(episodes: list[Any]) -> int | None:
    """The most common length of the season's episodes, if any says."""
    lengths = Counter(m for e in episodes
                      if (m := _minutes(_obj(e, "episode").get("runtime"), "episode.runtime")))
    return lengths.most_common(1)[0][0] if lengths else None
