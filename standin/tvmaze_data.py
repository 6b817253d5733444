"""The demo TVmaze's shows, in TVmaze's documented JSON shapes (https://www.tvmaze.com/api).

The shows are real K-dramas, but ids, dates past the public record, orders and runtimes are
invented: this is test data, not a copy of TVmaze's. `Catalogue` holds them as TVmaze would
answer, and tests change them (a premiere date moved, a season added, a show marked updated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

NETFLIX = {"id": 1, "name": "Netflix", "country": None, "officialSite": "https://www.netflix.com/"}
KOREA = {"name": "Korea, Republic of", "code": "KR", "timezone": "Asia/Seoul"}
USA = {"name": "United States", "code": "US", "timezone": "America/New_York"}


@dataclass
class DemoShow:
    """One show: its record, seasons, cast, akas and each season's episodes' runtime."""

    show: dict[str, Any]
    seasons: list[dict[str, Any]]
    cast: list[dict[str, Any]]
    akas: list[dict[str, Any]]
    runtimes: dict[int, int | None] = field(default_factory=dict)  # season id -> episode runtime


def _show(show_id: int, name: str, slug: str, *, language: str, premiered: str,
          runtime: int | None, network: dict[str, Any] | None = None,
          web: dict[str, Any] | None = NETFLIX) -> dict[str, Any]:
    page = f"https://www.tvmaze.com/shows/{show_id}/{slug}"
    return {
        "id": show_id, "url": page, "name": name, "type": "Scripted", "language": language,
        "genres": ["Drama"], "status": "Running", "runtime": runtime, "averageRuntime": runtime,
        "premiered": premiered, "ended": None, "officialSite": None,
        "schedule": {"time": "", "days": []}, "rating": {"average": 7.5}, "weight": 90,
        "network": network, "webChannel": None if network else web, "dvdCountry": None,
        "externals": {"tvrage": None, "thetvdb": None, "imdb": None}, "image": None,
        "summary": f"<p>{name}.</p>", "updated": 1700000000,
        "_links": {"self": {"href": f"https://api.tvmaze.com/shows/{show_id}"}},
    }


def season(season_id: int, number: int, premiere: str | None, order: int | None) -> dict[str, Any]:
    """A season record as `embed[]=seasons` lists it."""
    return {
        "id": season_id, "url": f"https://www.tvmaze.com/seasons/{season_id}/season-{number}",
        "number": number, "name": "", "episodeOrder": order, "premiereDate": premiere,
        "endDate": None, "network": None, "webChannel": NETFLIX, "image": None, "summary": None,
        "_links": {"self": {"href": f"https://api.tvmaze.com/seasons/{season_id}"}},
    }


def cast(person_id: int, person: str, character: str | None) -> dict[str, Any]:
    """A cast credit as `embed[]=cast` lists it."""
    return {
        "person": {"id": person_id, "url": f"https://www.tvmaze.com/people/{person_id}/x",
                   "name": person, "country": KOREA, "birthday": None, "deathday": None,
                   "gender": None, "image": None, "updated": 1700000000},
        "character": None if character is None else {
            "id": person_id + 50000, "url": f"https://www.tvmaze.com/characters/{person_id + 50000}/x",
            "name": character, "image": None},
        "self": False, "voice": False,
    }


def aka(name: str, country: dict[str, Any] | None) -> dict[str, Any]:
    """An alias as `/shows/{id}/akas` lists it."""
    return {"name": name, "country": country}


def demo_shows(today: dt.date) -> dict[int, DemoShow]:
    """The demo catalogue: Sweet Home's third season premieres about 100 days after `today`."""
    future = (today + dt.timedelta(days=100)).isoformat()
    return {
        1001: DemoShow(
            _show(1001, "All of Us Are Dead", "all-of-us-are-dead", language="Korean",
                  premiered="2022-01-28", runtime=60),
            [season(5001, 1, "2022-01-28", 12), season(5002, 2, None, None)],
            [cast(7001, "Park Ji-hu", "Nam On-jo"), cast(7002, "Yoon Chan-young", "Lee Cheong-san"),
             cast(7003, "Cho Yi-hyun", "Choi Nam-ra"), cast(7004, "Lomon", "Lee Su-hyeok")],
            [aka("지금 우리 학교는", KOREA), aka("Estamos muertos", {"name": "Spain", "code": "ES",
                                                          "timezone": "Europe/Madrid"})],
            {5001: 62, 5002: None}),
        1002: DemoShow(
            _show(1002, "Sweet Home", "sweet-home", language="Korean", premiered="2020-12-18",
                  runtime=50),
            [season(5011, 1, "2020-12-18", 10), season(5012, 2, "2023-12-01", 8),
             season(5013, 3, future, 8)],
            [cast(7011, "Song Kang", "Cha Hyun-su"), cast(7012, "Lee Jin-wook", "Pyeon Sang-wook"),
             cast(7013, "Lee Si-young", "Seo Yi-kyung"), cast(7014, "Go Min-si", "Lee Eun-yu")],
            [aka("스위트홈", KOREA), aka("Sweet Home", USA)],
            {5011: 50, 5012: 55, 5013: None}),
        1003: DemoShow(
            _show(1003, "Sweet Home Oklahoma", "sweet-home-oklahoma", language="English",
                  premiered="2019-09-05", runtime=30,
                  network={"id": 3, "name": "ABC", "country": USA, "officialSite": None}),
            [season(5021, 1, "2019-09-05", 13)],
            [cast(7021, "Jane Porter", "Ellie Mae")],
            [], {5021: 30}),
        1004: DemoShow(
            _show(1004, "Kingdom", "kingdom", language="Korean", premiered="2019-01-25", runtime=50),
            [season(5031, 1, "2019-01-25", 6), season(5032, 2, "2020-03-13", 6)],
            [cast(7031, "Ju Ji-hoon", "Lee Chang"), cast(7032, "Bae Doona", "Seo-bi")],
            [aka("킹덤", KOREA)], {5031: 48, 5032: 50}),
    }
