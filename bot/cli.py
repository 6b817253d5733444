"""The `seasonwatch` command line: run, start, sync, db upgrade, db copy, import, export, backup,
sandbox."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import discord

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.core.errors import InvalidImport, StoreError
from bot.db import postgres
from bot.db import url as dburl
from bot.db.faults import check_backup_target, explain, written_whole
from bot.i18n.texts import plural
from bot.logs import setup_logging
from bot.store import COPY_TARGET, Store

log = logging.getLogger(__name__)


# Each command's line in `seasonwatch --help`, and the description its own --help opens with.
COMMANDS = {
    "run": "run the bot on Discord (needs DISCORD_TOKEN); stops cleanly on SIGINT/SIGTERM",
    "start": "run the bot if DISCORD_TOKEN is set, else the sandbox",
    "sync": "sync the slash commands to Discord now, changed or not (run syncs them when they "
            "change)",
    "db": "database maintenance: `db upgrade` applies pending schema migrations; `db copy URL` "
          "copies everything into an empty PostgreSQL database",
    "import": "merge a catalogue JSON file (all or nothing)",
    "export": "write the catalogue as JSON (stdout by default)",
    "backup": "copy the SQLite database consistently, even while the bot runs",
    "sandbox": "try the bot without Discord, against a local stand-in for it",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seasonwatch", description="seasonwatch, a Discord bot for TV-show fan communities.",
        epilog="`seasonwatch COMMAND --help` says more about one command.")
    parser.add_argument("--version", action="version", version=f"seasonwatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = {name: sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
           for name, text in COMMANDS.items()}
    add["db"].add_argument("action", choices=["upgrade", "copy"],
                           help="upgrade: apply pending migrations; copy URL: copy everything "
                                "into an empty PostgreSQL database")
    add["db"].add_argument("url", nargs="?", help="copy: the target, postgresql://user:password@host/db")
    add["import"].add_argument("file", type=Path)
    add["export"].add_argument("file", type=Path, nargs="?")
    add["backup"].add_argument("path", type=Path)
    add["sandbox"].add_argument("--db", type=Path, help="database file (default: a temporary one)")
    add["sandbox"].add_argument("--script", type=Path,
                                help="run the lines of FILE and print the transcript")
    return parser


async def _with_store(settings: Settings, action: Callable[[Store], Awaitable[int]]) -> int:
    store = await Store.open(settings.database)
    try:
        await store.files.seed_if_empty()
        return await action(store)
    finally:
        await store.close()


async def _db_upgrade(settings: Settings) -> int:
    store = await Store.open(settings.database, upgrade=False)
    try:
        before, after = await store.upgrade()
    finally:
        await store.close()
    print(f"{store.name}: schema version {before} -> {after}")
    return 0


async def _db_copy(settings: Settings, url: str | None) -> int:
    if not url or not postgres.is_url(url):
        print("error: db copy needs the target as a postgresql://user:password@host/database URL",
              file=sys.stderr)
        return 2
    if problem := dburl.unreadable(url):
        print(f"error: {postgres.named(url, COPY_TARGET)} cannot be read: {problem}", file=sys.stderr)
        return 2
    store = await Store.open(settings.database, upgrade=False)
    try:
        if not store.is_current(await store.schema_version()):
            raise StoreError(f"{store.name} is not at the latest schema version: run "
                             "`seasonwatch db upgrade` first")
        copied = await store.copy_to(url)
    finally:
        await store.close()
    counts = ", ".join(f"{n} {table}" for table, n in copied.items())
    print(f"copied {store.name} to {postgres.shown(url)}; verified counts: {counts}")
    return 0


async def _import(store: Store, path: Path) -> int:
    try:
        data: Any = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 1
    report = await store.files.import_data(data)
    print(f"imported {path}: {plural(report.shows_added, 'new show')}, "
          f"{plural(report.entries_changed, 'entry')} changed")
    return 0


async def _export(store: Store, path: Path | None) -> int:
    text = json.dumps(store.files.export(), ensure_ascii=False, indent=2) + "\n"
    if path is None:
        sys.stdout.write(text)
        return 0
    try:
        with written_whole(path) as partial:
            partial.write_text(text, "utf-8")
    except OSError as exc:
        print(f"error: {explain(path, exc, where=f'export file {path}', instead='choose another path')}",
              file=sys.stderr)
        return 1
    print(f"exported to {path}", file=sys.stderr)
    return 0


async def _backup(store: Store, path: Path) -> int:
    await store.files.backup(path)
    print(f"backed up {store.path} to {path}")
    return 0


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.app import run

        if not settings.token:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put the bot token in .env (see .env.example), "
                "or try `seasonwatch sandbox` without one"
            )
        asyncio.run(run(settings))
        return 0
    if args.command == "sync":
        from bot.app import sync

        asyncio.run(sync(settings))
        print("synced the slash commands")
        return 0
    if args.command == "start" and settings.token:
        where = settings.web_address
        print(f"season pages and feeds at {where}/" if where else
              "no web server (set WEB_PORT to serve the season pages)", file=sys.stderr)
        args.command = "run"
        return _dispatch(args, settings)
    if args.command in ("sandbox", "start"):
        from bot.sandbox.main import main as sandbox_main

        if args.command == "start":
            print("DISCORD_TOKEN is not set: starting the sandbox (a local stand-in for Discord).",
                  file=sys.stderr)
        return sandbox_main(settings, db=getattr(args, "db", None), script=getattr(args, "script", None))
    if args.command == "db" and args.action == "copy":
        return asyncio.run(_db_copy(settings, args.url))
    if args.command == "db":
        return asyncio.run(_db_upgrade(settings))
    if args.command == "backup":
        check_backup_target(settings.database_path, args.path)  # before opening (and seeding) it
    actions: dict[str, Callable[[Store], Awaitable[int]]] = {
        "import": lambda s: _import(s, args.file),
        "export": lambda s: _export(s, args.file),
        "backup": lambda s: _backup(s, args.path),
    }
    return asyncio.run(_with_store(settings, actions[args.command]))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `seasonwatch` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    url = getattr(args, "url", None)
    setup_logging(settings.log_level, *settings.secrets, *dburl.secrets(url))
    try:
        return _dispatch(args, settings)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (StoreError, InvalidImport) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # a write after opening: the database locked or full
        print(f"error: {explain(settings.database_path, exc)}", file=sys.stderr)
        return 1
    except aiohttp.ClientConnectionError as exc:
        print(f"error: cannot reach Discord at DISCORD_API_BASE={settings.api_base} "
              f"({' '.join(str(exc).split())}); check the network, or DISCORD_API_BASE if you set it",
              file=sys.stderr)
        return 1
    except discord.LoginFailure:
        print("error: Discord refused the token in DISCORD_TOKEN; check it in the developer portal",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except postgres.Postgres.Error as exc:  # the server gone after opening
        if not settings.database_url:
            raise
        print(f"error: {postgres.explain(settings.database_url, exc)}", file=sys.stderr)
        return 1
