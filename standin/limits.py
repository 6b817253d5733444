"""Discord's content limits beyond what the OpenAPI schema encodes (message.mdx, reference.mdx).

Each check returns a Discord-style `errors` object (empty when the message is fine).
"""

from __future__ import annotations

import logging
from typing import Any

from .schema import add_error

log = logging.getLogger(__name__)

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
MAX_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_CUSTOM_ID = 100
MAX_LABEL = 80


def _too_long(errors: dict[str, Any], path: list[str | int], limit: int) -> None:
    add_error(errors, path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def embed_text_length(embed: dict[str, Any]) -> int:
    """Characters that count toward the 6,000 per-message total."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def check_message(body: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    content = body.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        _too_long(errors, ["content"], MAX_CONTENT)
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        _too_long(errors, ["embeds"], MAX_EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        total += embed_text_length(embed)
        for key, limit in EMBED_LIMITS.items():
            if len(embed.get(key) or "") > limit:
                _too_long(errors, ["embeds", i, key], limit)
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            _too_long(errors, ["embeds", i, "fields"], MAX_FIELDS)
        for j, f in enumerate(fields):
            if len(f.get("name") or "") > FIELD_NAME:
                _too_long(errors, ["embeds", i, "fields", j, "name"], FIELD_NAME)
            if len(f.get("value") or "") > FIELD_VALUE:
                _too_long(errors, ["embeds", i, "fields", j, "value"], FIELD_VALUE)
            if not f.get("name") or not f.get("value"):
                add_error(
                    errors,
                    ["embeds", i, "fields", j],
                    "BASE_TYPE_REQUIRED",
                    "This field is required",
                )
        if len((embed.get("footer") or {}).get("text") or "") > FOOTER_TEXT:
            _too_long(errors, ["embeds", i, "footer", "text"], FOOTER_TEXT)
        if len((embed.get("author") or {}).get("name") or "") > AUTHOR_NAME:
            _too_long(errors, ["embeds", i, "author", "name"], AUTHOR_NAME)
    if total > MAX_EMBED_TOTAL:
        add_error(
            errors, ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
        )
    _check_components(errors, body.get("components") or [])
    return errors


def _check_components(errors: dict[str, Any], rows: list[Any]) -> None:
    if len(rows) > MAX_ROWS:
        _too_long(errors, ["components"], MAX_ROWS)
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or row.get("type") != 1:
            continue
        children = row.get("components") or []
        buttons = [c for c in children if c.get("type") == 2]
        if len(buttons) > MAX_BUTTONS_PER_ROW:
            _too_long(errors, ["components", i, "components"], MAX_BUTTONS_PER_ROW)
        for j, c in enumerate(children):
            if len(c.get("custom_id") or "") > MAX_CUSTOM_ID:
                _too_long(errors, ["components", i, "components", j, "custom_id"], MAX_CUSTOM_ID)
            if len(c.get("label") or "") > MAX_LABEL:
                _too_long(errors, ["components", i, "components", j, "label"], MAX_LABEL)


def is_empty(body: dict[str, Any]) -> bool:
    """Discord refuses a message with nothing in it (50006)."""
    return not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("attachments")
    )
