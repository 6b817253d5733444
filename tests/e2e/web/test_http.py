"""The web server of the real bot, read with a plain HTTP client: security headers on every
answer, errors as pages with their status (never a traceback), the language, and caching."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.web import SHOW, fetch, web_address

pytestmark = pytest.mark.sqlite_only  # the pages come from the in-memory view, whatever the backend

SOURCE = "https://www.example.com/report"
HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_safe(answer, status: int) -> None:
    assert answer.status == status, (answer.status, answer.text[:300])
    for name, value in HEADERS.items():
        assert answer.headers.get(name) == value, (name, answer.headers)
    assert "Traceback" not in answer.text and 'File "' not in answer.text


async def test_pages_and_bad_requests_answer_with_their_status_and_the_security_headers(bot):
    base = await web_address(bot)
    index = await fetch(f"{base}/")
    assert_safe(index, 200)
    assert f'href="/s/{SHOW}"' in index.text and "All of Us Are Dead season 2" in index.text
    page = await fetch(f"{base}/s/{SHOW}")
    assert_safe(page, 200)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in page.text and "<script" not in page.text
    stylesheet = await fetch(f"{base}/static/style.css")
    assert_safe(stylesheet, 200)
    assert "prefers-color-scheme: dark" in stylesheet.text

    unknown = await fetch(f"{base}/s/no-such-show")
    assert_safe(unknown, 404)
    assert "<h1>Page not found</h1>" in unknown.text and '<html lang="en">' in unknown.text
    assert_safe(await fetch(f"{base}/nothing/here"), 404)
    odd = await fetch(f"{base}/s/{SHOW}?lang=xx%3Cscript%3E")  # an odd language: English
    assert_safe(odd, 200)
    assert '<html lang="en">' in odd.text and "xx<script>" not in odd.text
    too_long = await fetch(f"{base}/s/{'x' * 5000}")
    assert_safe(too_long, 414)
    assert "Address too long" in too_long.text
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        refused = await fetch(f"{base}/s/{SHOW}", method)
        assert_safe(refused, 405)
        assert refused.headers["Allow"] == "GET, HEAD", method
        assert "Method not allowed" in refused.text
    head = await fetch(f"{base}/s/{SHOW}", "HEAD")
    assert_safe(head, 200)
    assert head.body == b"" and head.headers["ETag"] == page.headers["ETag"]


async def test_a_request_aiohttp_cannot_read_gets_400_without_a_traceback(bot, caplog):
    base = await web_address(bot)
    host, port = base.removeprefix("http://").rsplit(":", 1)
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /s/x HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
    await writer.drain()
    raw = (await asyncio.wait_for(reader.read(), 5)).decode("utf-8", "replace")
    writer.close()
    assert raw.split("\r\n")[0].endswith(" 400 Bad Request"), raw[:200]
    assert "Traceback" not in raw
    # The bot's log has one line, not a traceback per scanner's probe.
    [logged] = [r for r in caplog.records if r.name.startswith(("bot.web", "aiohttp"))]
    assert logged.levelname == "INFO" and logged.exc_info is None, logged.getMessage()
    assert "refused an unreadable request (400)" in logged.getMessage()


async def test_korean_by_query_or_accept_language_with_a_switch_to_the_other(bot):
    base = await web_address(bot)
    asked = await fetch(f"{base}/s/{SHOW}?lang=ko")
    assert '<html lang="ko">' in asked.text and "지금 우리 학교는 시즌 2" in asked.text
    assert f'href="/s/{SHOW}?lang=en"' in asked.text
    browser = await fetch(f"{base}/s/{SHOW}", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"})
    assert '<html lang="ko">' in browser.text
    assert browser.headers["Vary"] == "Accept-Language"
    english = await fetch(f"{base}/s/{SHOW}", headers={"Accept-Language": "en-GB,ko;q=0.3"})
    assert '<html lang="en">' in english.text and f'href="/s/{SHOW}?lang=ko"' in english.text


async def test_a_page_is_not_sent_again_until_it_changes(standin, scene, bot):
    base = await web_address(bot)
    first = await fetch(f"{base}/s/{SHOW}")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    same = await fetch(f"{base}/s/{SHOW}", headers={"If-None-Match": etag})
    assert same.status == 304 and same.body == b"" and same.headers["ETag"] == etag
    since = await fetch(f"{base}/s/{SHOW}", headers={"If-Modified-Since": modified})
    assert since.status == 304
    absurd = await fetch(f"{base}/s/{SHOW}",
                         headers={"If-Modified-Since": "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"})
    assert_safe(absurd, 200)  # a date no calendar holds: the page, not a 500
    other_language = await fetch(f"{base}/s/{SHOW}?lang=ko", headers={"If-None-Match": etag})
    assert other_language.status == 200

    preview = await standin.command(scene.editor, scene.home_general, "edit release", when="2026-03",
                                    confidence="reported", source_url=SOURCE)
    await standin.click(scene.editor, preview, "Publish")
    changed = await fetch(f"{base}/s/{SHOW}", headers={"If-None-Match": etag})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert "March 2026" in changed.text
