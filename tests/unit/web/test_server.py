"""The server's guard and its life as a background task."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import SECURITY_HEADERS, WebServer, build_app


async def broken(request: web.Request) -> web.Response:
    raise RuntimeError("secret detail")


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hello")


async def test_extra_routes_are_served_behind_the_same_guard(caplog):
    app = build_app([web.get("/broken", broken)], [web.get("/healthz", hello)])
    async with TestClient(TestServer(app)) as client:
        extra = await client.get("/healthz")
        assert extra.status == 200 and await extra.text() == "hello"
        assert all(extra.headers[name] == value for name, value in SECURITY_HEADERS.items())
        with caplog.at_level(logging.ERROR, "bot.web.server"):
            failed = await client.get("/broken")
        body = await failed.text()
        assert failed.status == 500 and "secret detail" not in body and "Traceback" not in body
        assert "the web page /broken failed" in caplog.text  # the operator's log has the why
        assert failed.headers["X-Content-Type-Options"] == "nosniff"
        posted = await client.post("/healthz", data=b"x")
        assert posted.status == 405 and posted.headers["Allow"] == "GET, HEAD"
        missing = await client.get("/nothing")
        assert missing.status == 404 and "404 Page not found" in await missing.text()
        assert missing.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_the_server_starts_on_a_port_the_system_chooses_and_stops():
    server = WebServer("127.0.0.1", 0, [web.get("/", hello)])
    server.start()
    await asyncio.wait_for(server.started.wait(), 5)
    assert server.running and server.port != 0
    async with aiohttp.ClientSession() as session, session.get(f"{server.address}/") as answer:
        assert await answer.text() == "hello"
    await server.stop()
    assert not server.running
    async with aiohttp.ClientSession() as session:
        try:
            await session.get(f"{server.address}/")
            raise AssertionError("still answering")
        except aiohttp.ClientConnectionError:
            pass


async def test_a_port_already_taken_is_logged_and_the_bot_goes_on(caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = WebServer("127.0.0.1", port, [web.get("/", hello)])
        server.start()
        with caplog.at_level(logging.ERROR, "bot.web.server"):
            await asyncio.sleep(0.2)
        assert not server.running
        assert f"cannot listen on 127.0.0.1:{port}" in caplog.text and "WEB_PORT" in caplog.text
        await server.stop()
