"""`seasonwatch sandbox`: the bot against the local stand-in for Discord, driven from a prompt.

The stand-in and the real bot run on an event loop in a background thread; the main thread
reads lines (a terminal, a pipe or `--script FILE`), hands each to that loop (bot/sandbox/session.py's
`Sandbox`) and prints what Discord would have shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

from bot.config import Settings
from bot.i18n.texts import plural
from bot.logs import setup_logging
from bot.sandbox.session import TIMEOUT, Quit, Sandbox

T = TypeVar("T")


class _Loop:
    """An event loop in a daemon thread, so the prompt can block on input() while the bot runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sandbox-loop", daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the loop and wait for its result."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def close(self) -> None:
        """Cancel what is left, stop the loop and join its thread."""

        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(cancel_rest(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        if not self.loop.is_running():
            self.loop.close()


async def _start(settings: Settings, db_path: Path) -> tuple[Sandbox, contextlib.AsyncExitStack]:
    from bot.app import running
    from bot.news.demo import DemoFeed
    from standin import StandIn
    from standin.scene import build_scene
    from standin.world import CREATE_EVENTS

    stack = contextlib.AsyncExitStack()
    try:
        standin = StandIn()
        await standin.start()
        stack.push_async_callback(standin.stop)
        scene = build_scene(standin)
        review = scene.home.add_channel("review")
        demo = DemoFeed()
        await demo.start()
        stack.push_async_callback(demo.stop)
        if scene.home.bot_role is not None:  # so that /alerts subscribe events:true works
            scene.home.bot_role.permissions |= CREATE_EVENTS
        # The season pages on a free port (or WEB_PORT), linked from /status and announcements.
        port = settings.web_port or free_port(settings.web_host)
        sandboxed = dataclasses.replace(
            settings,
            token=standin.token,
            database_path=db_path,
            api_base=standin.api_base,
            gateway_url=standin.gateway_url,
            owner_ids=frozenset({scene.owner.id}),
            home_guild_id=scene.home.id,
            editor_role_ids=frozenset({scene.editors.id}),
            dev_guild_id=None,
            log_level="WARNING",
            review_channel_id=review.id,  # the demo feed's items are posted in #review
            feed_poll_minutes=0.1,
            feeds_allow_private=True,
            web_port=port,
        )
        # Its own address, unless PUBLIC_URL names one: the sandbox's messages link the pages.
        sandboxed = dataclasses.replace(sandboxed, public_url=sandboxed.web_address)
        bot = await stack.enter_async_context(running(sandboxed))
        await standin.wait_ready(timeout=10.0)
        if bot.services.web is not None:
            await asyncio.wait_for(bot.services.web.started.wait(), TIMEOUT)
        # Watched from the start (as an editor would add it), so its new item arrives by itself.
        await standin.command(scene.editor, scene.home_general, "sources add", url=demo.url, timeout=TIMEOUT)
    except BaseException:
        await stack.aclose()
        raise
    return Sandbox(standin, scene, web=sandboxed.public_url), stack


def free_port(host: str) -> int:
    """A port nothing listens on now, for the sandbox's web server."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _lines(script: Path | None) -> tuple[Iterator[str], bool]:
    """The lines to run and whether to echo them (not when a person types at a terminal)."""
    if script is not None:
        return iter(script.read_text("utf-8").splitlines()), True
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 (line editing and history for input())
        return iter([]), False
    return (line.rstrip("\n") for line in sys.stdin), True


def _repl(portal: _Loop, sandbox: Sandbox, lines: Iterator[str], echo: bool) -> int:
    interactive = not echo
    while True:
        if interactive:
            pending = portal.call(_collect(sandbox))
            if pending:
                print(pending)
            try:
                text = input(sandbox.prompt)
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                return 130
        else:
            following = next(lines, None)
            if following is None:
                return _script_status(sandbox.failed)
            text = following
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        if echo:
            print(sandbox.prompt + text.strip(), flush=True)
        try:
            output = portal.call(sandbox.handle(text))
        except Quit:
            return 0
        except KeyboardInterrupt:
            print("(interrupted)")
            continue
        if output:
            print(output, flush=True)


def _script_status(failed: list[str]) -> int:
    """0 when every line of a script or pipe was done, else 1 with the failed lines listed."""
    if not failed:
        return 0
    print(f"{plural(len(failed), 'line')} failed:", *(f"  {line}" for line in failed),
          sep="\n", file=sys.stderr)
    return 1


async def _collect(sandbox: Sandbox) -> str:
    return "\n".join(sandbox.collect())


def _reader_left() -> int:
    """Whoever read our output stopped (`| head`): stop quietly, as shell tools do."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail again
    return 141  # 128 + SIGPIPE


def quiet_logging() -> None:
    """Warnings only, and none of those that mean nothing to the person at the prompt."""
    setup_logging("WARNING")
    gateway = logging.getLogger("discord.gateway")
    if _not_lag not in gateway.filters:
        gateway.addFilter(_not_lag)
    logging.getLogger("standin").setLevel(logging.ERROR)  # violations are printed in the transcript


def _not_lag(record: logging.LogRecord) -> bool:
    # "Can't keep up, websocket is 41.3s behind" shows while the prompt sits idle: the bot is fine.
    return "Can't keep up" not in record.getMessage()


def main(settings: Settings, *, db: Path | None, script: Path | None) -> int:
    """Run the sandbox; returns the exit status."""
    quiet_logging()
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        import standin  # noqa: F401
    except ImportError as exc:
        print(f"error: the sandbox needs the stand-in's dependencies ({exc}): "
              "pip install -e '.[sandbox]'", file=sys.stderr)
        return 2
    try:
        lines, echo = _lines(script)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the script {script}: {exc}", file=sys.stderr)
        return 2
    portal = _Loop()
    with tempfile.TemporaryDirectory(prefix="seasonwatch-sandbox-") as tmp:
        try:
            try:
                sandbox, stack = portal.call(_start(settings, db or Path(tmp) / "sandbox.db"))
            except Exception as exc:
                print(f"error: the bot failed to start: {exc}", file=sys.stderr)
                return 1
            pages = f"Season pages: {sandbox.web}/ (while the sandbox runs)."
            if not echo:
                print("seasonwatch sandbox: the real bot against a local stand-in for Discord.\n"
                      f"{pages}\nYou are {sandbox.who} in #general of Home; type help, or quit.")
            else:
                print(pages, file=sys.stderr)
            try:
                return _repl(portal, sandbox, lines, echo)
            except BrokenPipeError:
                return _reader_left()
            finally:
                portal.call(stack.aclose())
        finally:
            portal.close()
