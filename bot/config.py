"""Settings read from the environment (and `.env`, which the environment overrides)."""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.db import url as dburl
from bot.outbox.shards import Shards

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg"
DEFAULT_TVMAZE_BASE = "https://api.tvmaze.com"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment, validated once at start-up."""

    token: str | None = field(default=None, repr=False)
    database_path: Path = Path("seasonwatch.db")
    database_url: str | None = field(default=None, repr=False)  # PostgreSQL instead of the file
    owner_ids: frozenset[int] = frozenset()
    home_guild_id: int | None = None
    editor_role_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    api_base: str = DEFAULT_API_BASE
    gateway_url: str = DEFAULT_GATEWAY_URL
    announce_rate: float = 25.0
    shards: Shards | None = None  # None: this process runs every shard
    delivery_lease: float = 90.0
    log_level: str = "INFO"
    review_channel_id: int | None = None  # where new queue items are posted
    feed_poll_minutes: float = 15.0
    feeds_allow_private: bool = False
    release_hour_utc: int = 8  # the hour premiere events start on the release day
    tvmaze_api_base: str = DEFAULT_TVMAZE_BASE
    listings_poll_hours: float = 6.0  # between checks of TVmaze for linked shows
    web_port: int | None = None  # None: no web server
    web_host: str = "127.0.0.1"
    public_url: str | None = None  # where Discord messages link the pages; None: they do not
    driver_secrets: tuple[str, ...] = field(default=(), repr=False)  # PGPASSWORD, read by asyncpg

    @property
    def database(self) -> Path | str:
        """What `Store.open` opens: DATABASE_URL if set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def web_address(self) -> str | None:
        """Where the web server answers: PUBLIC_URL, else http://WEB_HOST:WEB_PORT; None without one."""
        if self.web_port is None:
            return None
        host = f"[{self.web_host}]" if ":" in self.web_host else self.web_host
        return self.public_url or f"http://{host}:{self.web_port}"

    @property
    def announce_share(self) -> float:
        """This process's share of ANNOUNCE_RATE: the whole of it, or its shards' part."""
        return self.shards.share(self.announce_rate) if self.shards else self.announce_rate

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no output may show: the token, the database's passwords (in DATABASE_URL, as
        its user-info or a query parameter, and in PGPASSWORD)."""
        found = (self.token, *dburl.secrets(self.database_url), *self.driver_secrets)
        return tuple(dict.fromkeys(s for s in found if s))

    def __repr__(self) -> str:
        token = "set" if self.token else "unset"
        url = "set" if self.database_url else "unset"
        return (
            f"Settings(token=<{token}>, database_path={str(self.database_path)!r}, "
            f"database_url=<{url}>, "
            f"owner_ids={sorted(self.owner_ids)}, home_guild_id={self.home_guild_id}, "
            f"editor_role_ids={sorted(self.editor_role_ids)}, dev_guild_id={self.dev_guild_id}, "
            f"api_base={self.api_base!r}, gateway_url={self.gateway_url!r}, "
            f"announce_rate={self.announce_rate}, shards={self.shards}, "
            f"delivery_lease={self.delivery_lease}, log_level={self.log_level!r}, "
            f"review_channel_id={self.review_channel_id}, feed_poll_minutes={self.feed_poll_minutes}, "
            f"feeds_allow_private={self.feeds_allow_private}, release_hour_utc={self.release_hour_utc}, "
            f"tvmaze_api_base={self.tvmaze_api_base!r}, listings_poll_hours={self.listings_poll_hours}, "
            f"web_port={self.web_port}, web_host={self.web_host!r}, public_url={self.public_url!r})"
        )

    __str__ = __repr__


def _snowflake(name: str, raw: str) -> int:
    value = raw.strip()
    if not re.fullmatch(r"[0-9]{1,20}", value) or int(value) <= 0:
        raise ConfigError(f"{name} must be a Discord id (digits only), got {value!r}")
    return int(value)


def _optional_id(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    return _snowflake(name, raw) if raw else None


def _id_list(env: Mapping[str, str], name: str) -> frozenset[int]:
    raw = env.get(name, "")
    return frozenset(_snowflake(name, part) for part in raw.split(",") if part.strip())


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = env.get(name, "").strip() or default
    if not value.startswith(schemes) or "://" not in value or len(value.split("://", 1)[1]) == 0:
        raise ConfigError(f"{name} must be a URL starting with {' or '.join(schemes)}, got {value!r}")
    return value.rstrip("/")


def _database_url(env: Mapping[str, str]) -> str | None:
    """DATABASE_URL, if set: a postgresql:// URL (its password never in a message)."""
    value = env.get("DATABASE_URL", "").strip()
    if not value:
        return None
    scheme, sep, rest = value.partition("://")
    if scheme not in ("postgresql", "postgres") or not sep or not rest:
        # Only a plain scheme is quoted: without its ://, the value may start with the password.
        plain = sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,19}", scheme)
        got = f"one starting {scheme!r}" if plain else "no postgresql:// at its start"
        raise ConfigError("DATABASE_URL must be a postgresql://user:password@host:port/database URL "
                          f"(got {got}); unset it to use DATABASE_PATH")
    problem = dburl.unreadable(value)
    if problem:
        raise ConfigError(f"DATABASE_URL={dburl.shown(value)} cannot be read: {problem}")
    if not urllib.parse.urlsplit(value).path.strip("/"):
        raise ConfigError("DATABASE_URL must name the database after the host (…/seasonwatch)")
    return value


def _number(env: Mapping[str, str], name: str, default: float, unit: str,
            low: float, high: float, *, above: bool = False, why: str = "") -> float:
    """A number of `unit` from `low` (or above it, with `above`) to `high`; `default` if unset."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of {unit}, got {raw!r}") from None
    if not (value > low if above else value >= low) or not value <= high:
        span = f"above {low:g} and at most {high:g}" if above else f"from {low:g} to {high:g}"
        raise ConfigError(f"{name} must be {span} {unit}{why}, got {raw}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be 1 or 0, got {raw!r}")


def _hour(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return 8
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise ConfigError(f"{name} must be a whole hour from 0 to 23 (UTC), got {raw!r}")
    return int(raw)


def _shards(env: Mapping[str, str]) -> Shards | None:
    """SHARD_COUNT and SHARD_IDS: both or neither; ids distinct, each below the count."""
    count_raw, ids_raw = env.get("SHARD_COUNT", "").strip(), env.get("SHARD_IDS", "").strip()
    if not count_raw and not ids_raw:
        return None
    if not count_raw:
        raise ConfigError("SHARD_COUNT must be set when SHARD_IDS is (the total number of shards)")
    if not ids_raw:
        raise ConfigError("SHARD_IDS must be set when SHARD_COUNT is (this process's shards, e.g. 0,1)")
    if not re.fullmatch(r"[0-9]{1,5}", count_raw) or not 1 <= int(count_raw) <= 10000:
        raise ConfigError(f"SHARD_COUNT must be a whole number from 1 to 10000, got {count_raw!r}")
    count = int(count_raw)
    parts = [p.strip() for p in ids_raw.split(",")]
    if not all(re.fullmatch(r"[0-9]{1,5}", p) for p in parts):
        raise ConfigError(f"SHARD_IDS must be comma-separated shard numbers such as 0,1, got {ids_raw!r}")
    ids = [int(p) for p in parts]
    if len(set(ids)) != len(ids) or max(ids) >= count:
        raise ConfigError(f"SHARD_IDS must be distinct numbers from 0 to {count - 1} "
                          f"(SHARD_COUNT is {count}), got {ids_raw!r}")
    return Shards(count, tuple(sorted(ids)))


def _web(env: Mapping[str, str]) -> tuple[int | None, str, str | None]:
    """WEB_PORT, WEB_HOST and PUBLIC_URL. No port, no server. PUBLIC_URL unset: the pages link
    to themselves by the address they were asked at, and Discord messages do not link them
    (http://127.0.0.1:… would lead a fan nowhere)."""
    raw = env.get("WEB_PORT", "").strip()
    host = env.get("WEB_HOST", "").strip() or "127.0.0.1"
    if not re.fullmatch(r"[A-Za-z0-9.:-]{1,253}", host):
        raise ConfigError(f"WEB_HOST must be a host name or address such as 127.0.0.1 or ::1 "
                          f"(an IPv6 address without [brackets]), got {host!r}")
    public = env.get("PUBLIC_URL", "").strip()
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= 65535):
        raise ConfigError(f"WEB_PORT must be a port number from 1 to 65535, got {raw!r}")
    if public and not raw:
        raise ConfigError("PUBLIC_URL needs WEB_PORT: without the web server there is no page to link to")
    if not public:
        return (int(raw) if raw else None), host, None
    url = _url(env, "PUBLIC_URL", "", ("http://", "https://"))
    # Discord refuses a link with a space, a control or a non-ASCII character in it.
    if not re.fullmatch(r"[\x21-\x7e]+", url):
        raise ConfigError(f"PUBLIC_URL must be written in plain ASCII with no spaces or control "
                          f"characters (a non-ASCII host in its xn-- form, a path %-encoded), got {url!r}")
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname or parts.query or parts.fragment or "@" in parts.netloc:
        raise ConfigError(f"PUBLIC_URL must be an http(s) address with a host and no user, ?query or "
                          f"#fragment, such as https://seasons.example.org, got {url!r}")
    return int(raw), host, url


def _log_level(env: Mapping[str, str]) -> str:
    value = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if value not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return value


def settings_from(env: Mapping[str, str]) -> Settings:
    """Build validated settings from a mapping of environment variables."""
    database = env.get("DATABASE_PATH", "").strip() or "seasonwatch.db"
    web_port, web_host, public_url = _web(env)
    return Settings(
        token=env.get("DISCORD_TOKEN", "").strip() or None,
        database_path=Path(database),
        database_url=_database_url(env),
        owner_ids=_id_list(env, "OWNER_IDS"),
        home_guild_id=_optional_id(env, "HOME_GUILD_ID"),
        editor_role_ids=_id_list(env, "EDITOR_ROLE_IDS"),
        dev_guild_id=_optional_id(env, "DEV_GUILD_ID"),
        api_base=_url(env, "DISCORD_API_BASE", DEFAULT_API_BASE, ("http://", "https://")),
        gateway_url=_url(env, "DISCORD_GATEWAY_URL", DEFAULT_GATEWAY_URL, ("ws://", "wss://")),
        announce_rate=_number(env, "ANNOUNCE_RATE", 25.0, "sends a second", 0, 50, above=True,
                              why=" (Discord's global limit)"),
        shards=_shards(env),
        delivery_lease=_number(env, "DELIVERY_LEASE", 90.0, "seconds", 1, 3600),
        log_level=_log_level(env),
        review_channel_id=_optional_id(env, "REVIEW_CHANNEL_ID"),
        feed_poll_minutes=_number(env, "FEED_POLL_MINUTES", 15.0, "minutes", 0.1, 1440),
        feeds_allow_private=_flag(env, "FEEDS_ALLOW_PRIVATE"),
        release_hour_utc=_hour(env, "RELEASE_HOUR_UTC"),
        tvmaze_api_base=_url(env, "TVMAZE_API_BASE", DEFAULT_TVMAZE_BASE, ("http://", "https://")),
        listings_poll_hours=_number(env, "LISTINGS_POLL_HOURS", 6.0, "hours", 0, 720, above=True),
        driver_secrets=dburl.env_secrets(env),
        web_port=web_port, web_host=web_host, public_url=public_url,
    )


def load_settings(dotenv_path: Path | None = None) -> Settings:
    """Read `.env` (if present) under the process environment, which wins, and validate."""
    file_values = dotenv_values(dotenv_path or Path(".env"))
    merged = {k: v for k, v in file_values.items() if v is not None}
    merged.update(os.environ)
    return settings_from(merged)
