"""The web server: an aiohttp.web application in the bot's process, started and stopped as one
of the composition root's background tasks (bot/services.py).

Every answer goes through the same middlewares: only GET and HEAD reach a handler, every answer
carries the security headers, and an error is a short page with its status, never a traceback.
Routes other parts want served (`/healthz`, `/metrics`) come in as `extra_routes`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ALLOWED_METHODS = ("GET", "HEAD")
# No script at all, from anywhere; styles and images from this server only.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
# A request line longer than this is no page of ours (aiohttp itself refuses past 8,190).
MAX_PATH = 2048
# How an error page is worded when nothing more specific is known; `ErrorPage` renders it.
ERROR_TITLES = {
    400: "Bad request", 404: "Page not found", 405: "Method not allowed",
    414: "Address too long", 500: "Something went wrong",
}

ErrorPage = Callable[[web.Request, int], web.Response]
Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


def plain_error_page(request: web.Request, status: int) -> web.Response:
    """A minimal error page, for a server with no pages of its own (the pages replace it)."""
    title = ERROR_TITLES.get(status, "Error")
    body = (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
            f"</head><body><h1>{status} {title}</h1></body></html>")
    return web.Response(status=status, text=body, content_type="text/html")


def _with_headers(response: web.StreamResponse) -> web.StreamResponse:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def guard(error_page: ErrorPage) -> Middleware:
    """The middleware every request passes: methods, path length, errors as pages, headers."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        response: web.StreamResponse
        if request.method not in ALLOWED_METHODS:
            response = error_page(request, 405)
            response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
            return _with_headers(response)
        if len(request.raw_path) > MAX_PATH:
            return _with_headers(error_page(request, 414))
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:  # redirects and 304s pass as they are
                return _with_headers(exc)
            response = error_page(request, exc.status)
            if exc.status == 405:
                response.headers["Allow"] = ", ".join(ALLOWED_METHODS)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the web page %s failed", request.path)
            response = error_page(request, 500)
        return _with_headers(response)

    return middleware


class WebServer:
    """The web server as a background task: `start()` binds in the background, `stop()` closes.

    `routes` are the pages; `extra_routes` whatever other parts serve beside them; `error_page`
    words an error for the reader (the pages' own, or a plain one)."""

    def __init__(self, host: str, port: int, routes: Sequence[web.AbstractRouteDef] = (),
                 extra_routes: Sequence[web.AbstractRouteDef] = (),
                 error_page: ErrorPage = plain_error_page) -> None:
        self.host = host
        self.port = port
        self.app = build_app(routes, extra_routes, error_page)
        self._runner: web.AppRunner | None = None
        self._task: asyncio.Task[None] | None = None
        self.started = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._runner is not None and self.started.is_set()

    @property
    def address(self) -> str:
        """`http://host:port` as bound (the port the system chose, when asked for port 0)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        self._task = asyncio.create_task(self.serve(), name="seasonwatch-web")

    async def serve(self) -> None:
        """Bind and start answering; a port already taken is logged, not fatal to the bot."""
        # Request lines up to 16 KiB reach the guard, which answers a long path with 414.
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, max_line_size=16384)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            log.error("the web server cannot listen on %s:%s: %s (WEB_HOST, WEB_PORT)",
                      self.host, self.port, exc)
            return
        self._runner = runner
        if self.port == 0 and runner.addresses:  # the port the system chose
            self.port = int(runner.addresses[0][1])
        self.started.set()
        log.info("serving the season pages at %s", self.address)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.started.clear()


def build_app(routes: Sequence[web.AbstractRouteDef], extra_routes: Sequence[web.AbstractRouteDef],
              error_page: ErrorPage = plain_error_page) -> web.Application:
    """The application: the pages, then the extra routes, behind the guard."""
    app = web.Application(middlewares=[guard(error_page)])  # type: ignore[list-item]
    app.add_routes([*routes, *extra_routes])
    return app
