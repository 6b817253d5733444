"""What the stand-in's REST routes share: Discord's JSON errors, one call as a handler gets it,
and the JSON response."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from .records import RequestRecord

if TYPE_CHECKING:
    from .world import Channel, Guild, Message

JSON = "application/json"  # exactly this: discord.py rejects a charset suffix


class ApiError(Exception):
    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            data["errors"] = self.errors
        return data


def unknown(what: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


MISSING_ACCESS = (403, 50001, "Missing Access")
MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")


@dataclass
class Call:
    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    record: RequestRecord


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **(headers or {})},
    )


Handler = Callable[[Call], Awaitable[Any]]


class Routes(Protocol):
    """What a group of routes needs of the REST server (`rest.Rest`): a way to add a route and the
    look-ups every route shares. Typed here so the route modules need not import the server."""

    server: Any

    def route(self, method: str, template: str, handler: Handler) -> None: ...
    def channel(self, call: Call) -> Channel: ...
    def guild(self, call: Call) -> Guild: ...
    def require(self, ch: Channel, *bits: int) -> None: ...
    def message_in(self, ch: Channel, call: Call) -> Message: ...
    def check_content(self, call: Call, body: dict[str, Any], *, creating: bool) -> None: ...
