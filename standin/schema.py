"""Discord's OpenAPI spec: route matching and request-body validation.

The spec (standin/spec/openapi.json, 1.2 MB) is loaded lazily and once per process from the
package itself, never from outside the project.

Leniency applied in memory, because real Discord accepts it and discord.py relies on it:
snowflakes may be JSON integers as well as strings (discord.py sends `allowed_mentions.users`
and `.roles` as integers).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

log = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).parent / "spec" / "openapi.json"
SPEC_URI = "urn:discord-openapi"


@dataclass(frozen=True)
class RouteMatch:
    template: str  # e.g. "/channels/{channel_id}/messages"
    params: dict[str, str]


@functools.cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open("rb") as f:
        data: dict[str, Any] = json.load(f)
    data["components"]["schemas"]["SnowflakeType"] = {
        "anyOf": [
            {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"},
            {"type": "integer", "minimum": 0},
        ]
    }
    log.debug("loaded Discord OpenAPI spec (%d paths)", len(data["paths"]))
    return data


@functools.cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


@functools.cache
def _routes() -> list[tuple[re.Pattern[str], str]]:
    routes = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), template))
    # Literal segments win over parameters (/messages/@original before /messages/{message_id}).
    routes.sort(key=lambda r: r[1].count("{"))
    return routes


def match_route(path: str) -> RouteMatch | None:
    for pattern, template in _routes():
        m = pattern.match(path)
        if m:
            return RouteMatch(template, m.groupdict())
    return None


def has_method(template: str, method: str) -> bool:
    return method.lower() in spec()["paths"][template]


def _pointer_escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


@functools.cache
def _validator(template: str, method: str) -> Draft202012Validator | None:
    op = spec()["paths"][template].get(method.lower(), {})
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    pointer = "/".join(
        [
            "#",
            "paths",
            _pointer_escape(template),
            method.lower(),
            "requestBody",
            "content",
            "application~1json",
            "schema",
        ]
    )
    return Draft202012Validator({"$ref": SPEC_URI + pointer}, registry=_registry())


def body_required(template: str, method: str) -> bool:
    op = spec()["paths"][template].get(method.lower(), {})
    return bool(op.get("requestBody", {}).get("required", False))


def validate_body(template: str, method: str, body: Any) -> dict[str, Any]:
    """Discord-style `errors` object for `body`, empty when it is valid."""
    validator = _validator(template, method)
    if validator is None:
        return {}
    errors: dict[str, Any] = {}
    for error in validator.iter_errors(body):
        leaf = max(_leaves(error), key=lambda e: len(e.absolute_path))
        code, message = _describe(leaf)
        add_error(errors, list(leaf.absolute_path), code, message)
    return errors


def _leaves(error: ValidationError) -> list[ValidationError]:
    # For unions (anyOf/oneOf) the top-level error sits on the union; the deepest leaf
    # of the failed branches says what is actually wrong.
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _describe(error: ValidationError) -> tuple[str, str]:
    if error.validator == "maxLength":
        return "BASE_TYPE_MAX_LENGTH", f"Must be {error.validator_value} or fewer in length."
    if error.validator == "minLength":
        return "BASE_TYPE_MIN_LENGTH", f"Must be {error.validator_value} or more in length."
    if error.validator == "maxItems":
        return "BASE_TYPE_MAX_LENGTH", f"Must be {error.validator_value} or fewer in length."
    if error.validator == "required":
        return "BASE_TYPE_REQUIRED", "This field is required"
    return "BASE_TYPE_INVALID", error.message[:300]


def add_error(errors: dict[str, Any], path: list[str | int], code: str, message: str) -> None:
    """Insert an error at `path` in Discord's nested `{"a": {"0": {"_errors": [...]}}}` form."""
    node = errors
    for part in path:
        node = node.setdefault(str(part), {})
    node.setdefault("_errors", []).append({"code": code, "message": message})
