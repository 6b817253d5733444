"""`seasonwatch sandbox`: the line parser, the terminal rendering, and whole transcripts."""

import datetime as dt
import os
import subprocess
import sys

import pytest

from bot.sandbox.commands import to_default
from bot.sandbox.lines import Line, LineError, parse_line, split_options
from bot.sandbox.render import readable, render
from bot.sandbox.session import Sandbox
from tests.support.paths import REPO

# -- reading lines --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/status", Line("command", "status")),
        ("  /cast person:Park Ji-hu  ", Line("command", "cast", {"person": "Park Ji-hu"})),
        ("/cast filter:rumored", Line("command", "cast", {"filter": "rumored"})),
        (
            "/edit cast person:X confidence:rumored source_url:https://a.b/",
            Line(
                "command",
                "edit cast",
                {"person": "X", "confidence": "rumored", "source_url": "https://a.b/"},
            ),
        ),
        ('/cast person:" Lomon "', Line("command", "cast", {"person": " Lomon "})),
        ("/Status", Line("command", "status")),
        ("as editor", Line("as", "editor")),
        ("click Publish silently", Line("click", "Publish silently")),
        ("channel #announcements", Line("channel", "#announcements")),
        ("submit reason:a typo", Line("submit", "reason:a typo", {"reason": "a typo"})),
        ("help", Line("help")),
        ("?", Line("help")),
        ("commands", Line("commands")),
        ("quit", Line("quit")),
        ("exit", Line("quit")),
    ],
)
def test_parse_line(text, expected):
    assert parse_line(text) == expected


def test_a_value_runs_to_the_next_name_and_may_hold_urls_and_colons():
    path, options = split_options("edit news headline:Set: 2025 url:https://x.y/a?b=c:d")
    assert path == "edit news"
    assert options == {"headline": "Set: 2025", "url": "https://x.y/a?b=c:d"}


def test_with_registered_names_only_they_start_an_option():
    line = parse_line("/edit cast person:X note:see also: the thing", lambda path: ["person", "note"])
    assert line.options == {"person": "X", "note": "see also: the thing"}
    # without them, `also:` looks like an option (and the bot would refuse it by name)
    assert "also" in parse_line("/edit cast person:X note:see also: the thing").options


REGISTERED = [
    {"name": "cast", "name_localizations": {"ko": "출연진"}, "type": 1, "options": [
        {"name": "person", "name_localizations": {"ko": "인물"}, "type": 3}]},
    {"name": "edit", "name_localizations": {"ko": "편집"}, "type": 1, "options": [
        {"name": "cast-remove", "name_localizations": {"ko": "출연진-삭제"}, "type": 1, "options": [
            {"name": "reason", "name_localizations": {"ko": "사유"}, "type": 3}]}]},
]


@pytest.mark.parametrize(("path", "options", "expected"), [
    ("출연진", {"인물": "박지후"}, ("cast", {"person": "박지후"})),
    ("편집 출연진-삭제", {"사유": "x", "person": "y"}, ("edit cast-remove", {"reason": "x", "person": "y"})),
    ("edit 출연진-삭제", {}, ("edit cast-remove", {})),
    ("상태", {"작품": "x"}, ("상태", {"작품": "x"})),          # unknown: left for the driver to report
    ("편집 없음", {}, ("편집 없음", {})),
])
def test_korean_command_and_option_names_are_read_as_the_default_ones(path, options, expected):
    assert to_default(REGISTERED, path, options) == expected


def test_a_mistyped_option_name_is_kept_so_the_error_names_it():
    line = parse_line("/cast persn:X", lambda path: ["person", "filter", "show"])
    assert line.options == {"persn": "X"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "slash commands start with /"),
        ("/", "no command after /"),
        ("/cast person:", "has no value"),
        ("/cast person:a person:b", "given twice"),
        ("as", "as what?"),
        ("click", "click what?"),
        ("submit", "submit what?"),
    ],
)
def test_lines_that_make_no_sense_say_why(text, message):
    with pytest.raises(LineError, match=message):
        parse_line(text)


# -- showing messages --

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_timestamps_links_escapes_and_mentions_read_plainly():
    at = int(dt.datetime(2024, 5, 30, 9, 30, tzinfo=dt.UTC).timestamp())
    text = (
        f"Last change <t:{at}:R> on <t:{at}:D> · [BH \\(Insta\\)](<https://x.y/>) "
        "**Now** <@1> in <#2> for <@&3> \\*not bold\\* https:\u200b//z"
    )
    assert readable(text, {1: "fan", 2: "general", 3: "Editors"}, NOW) == (
        "Last change 2 days ago (30 May 2024 09:30 UTC) on 30 May 2024 · BH (Insta) <https://x.y/> "
        "Now @fan in #general for @Editors *not bold* https://z"
    )


def test_a_message_renders_content_embed_fields_footer_and_buttons():
    embed = {
        "title": "Park Ji-hu",
        "description": "line one\nline two",
        "fields": [{"name": "Character", "value": "Nam On-jo"}, {"name": "Note", "value": "a\nb"}],
        "footer": {"text": "footer"},
    }
    buttons = [
        {
            "type": 1,
            "components": [
                {"type": 2, "label": "Previous", "custom_id": "p", "disabled": True},
                {"type": 2, "label": "Next", "custom_id": "n"},
            ],
        }
    ]
    text = render("seasonwatch (ephemeral):", "hello", [embed], buttons, now=NOW)
    assert text.splitlines() == [
        "seasonwatch (ephemeral):",
        "  hello",
        "  | Park Ji-hu",
        "  | ----------",
        "  | line one",
        "  | line two",
        "  | Character: Nam On-jo",
        "  | Note: a",
        "  |   b",
        "  | -- footer",
        "  [Previous (disabled)] [Next]",
    ]


def test_an_announcements_link_is_shown_without_its_recovery_marker():
    embed = {"title": "Release", "url": "https://www.soompi.com/a#sw-delivery-5"}
    text = render("seasonwatch:", None, [embed], [], now=NOW)
    assert text.splitlines()[1] == "  | Release <https://www.soompi.com/a>"


# -- in-process, against the stand-in (whose fixture fails the test on any violation) --


async def test_choices_by_name_paging_and_identities(standin, scene, bot):
    sandbox = Sandbox(standin, scene)
    out = await sandbox.handle("/cast filter:Rumored")  # a choice picked by its name
    assert "Roh Yoon-seo" in out and "Park Ji-hu" not in out
    out = await sandbox.handle("/history")
    assert "Page 1 of" in out and "[Next]" in out
    out = await sandbox.handle("click Next")
    assert "(updated the message)" in out and "Page 2 of" in out
    assert "error" in await sandbox.handle("as nobody")
    await sandbox.handle("as editor")
    assert sandbox.prompt == "editor> "
    await sandbox.handle("channel #announcements")
    assert sandbox.prompt == "editor #announcements> "
    out = await sandbox.handle("/about")
    assert "seasonwatch 0.1.0" in out
    assert standin.interactions[max(standin.interactions)].user is scene.editor.user


async def test_locale_is_everyone_s_so_the_editor_publishes_with_the_korean_button(standin, scene, bot):
    sandbox = Sandbox(standin, scene)
    assert "(everyone's Discord now speaks ko)" in await sandbox.handle("locale ko")
    await sandbox.handle("as editor")
    preview = await sandbox.handle(
        "/edit cast person:Roh Yoon-seo confidence:reported source_url:https://www.starnewskorea.com/")
    assert "[게시]" in preview and "[Publish]" not in preview, preview
    published = await sandbox.handle("click 게시")
    assert "error" not in published and "구독 채널에 알렸습니다" in published, published
    show = bot.store.view.show_by_slug("all-of-us-are-dead")
    assert bot.store.view.entry(show.id, "cast", "roh yoon-seo").fact.confidence == "reported"
    await sandbox.handle("as admin")
    assert "진행 상황" in await sandbox.handle("/status")
    assert standin.interactions[max(standin.interactions)].payload["locale"] == "ko"


# -- the command as a person runs it --


def sandbox(*args, tmp_path, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        env=env,
        cwd=tmp_path,
    )


def test_a_script_prints_a_readable_transcript(tmp_path):
    script = tmp_path / "try.txt"
    script.write_text(
        "# what a fan sees\n"
        "/status\n"
        "\n"
        "/cast person:Park Ji-hu\n"
        "/news confidence:denied\n"
        "/history\n"
        "click Next\n"
        "as editor\n"
        "/about\n",
        "utf-8",
    )
    result = sandbox("--script", str(script), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "fan> /status\n" in out and "fan> /cast person:Park Ji-hu\n" in out
    assert "editor> /about\n" in out
    assert "# what a fan sees" not in out
    assert "Park Ji-hu" in out and "Character: Nam On-jo" in out
    for word in ("✅ confirmed", "📰 reported", "💬 rumored", "🔮 speculation", "❌ denied"):
        assert word in out
    assert "[Previous (disabled)] [Next]" in out and "Page 2 of" in out
    assert "<t:" not in out and "](<" not in out and "\\" not in out
    assert "error" not in out and "Discord would refuse" not in out
    assert "Traceback" not in result.stderr


def test_a_bad_line_is_one_clear_message_and_the_rest_still_runs(tmp_path):
    lines = "/nope\n/cast persn:Lomon\n/cast Lomon\n/status\n"
    result = sandbox(tmp_path=tmp_path, stdin=lines)  # piped lines run like a script
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-4:] == ["3 lines failed:", "  /nope", "  /cast persn:Lomon",
                                               "  /cast Lomon"]
    out = result.stdout.splitlines()
    assert out[out.index("fan> /nope") + 1].startswith("error: /nope is not registered")
    assert "no option 'persn'" in out[out.index("fan> /cast persn:Lomon") + 1]
    assert "name:value" in out[out.index("fan> /cast Lomon") + 1]
    assert any("where it stands" in line for line in out[out.index("fan> /status") :])


def test_a_transcript_piped_into_head_stops_quietly(tmp_path):
    script = tmp_path / "long.txt"
    script.write_text("/status\n" * 40, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(f"'{sys.executable}' -m bot sandbox --script '{script}' | head -n 3; "
                          "echo \"status ${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash",
                          capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert done.stdout.splitlines()[0] == "fan> /status"
    assert done.stdout.splitlines()[-1] == "status 141"
    assert "BrokenPipeError" not in done.stderr and "Traceback" not in done.stderr


def test_a_bot_that_cannot_start_exits_non_zero(tmp_path):
    result = sandbox("--db", str(tmp_path), "--script", os.devnull, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "the bot failed to start" in result.stderr


def test_timestamps_read_in_the_reader_s_client_language():
    at = int(dt.datetime(2024, 5, 30, 9, 30, tzinfo=dt.UTC).timestamp())
    text = f"마지막 변경 <t:{at}:R> · <t:{at}:D> · <t:{at}:F>"
    assert readable(text, {}, NOW, "ko") == (
        "마지막 변경 2일 전 (2024년 5월 30일 09:30 UTC) · 2024년 5월 30일 · 2024년 5월 30일 목요일 09:30 UTC"
    )


def test_the_demo_feed_brings_a_news_item_from_the_queue_to_the_timeline(tmp_path):
    script = tmp_path / "news.txt"
    script.write_text(
        "commands\nas editor\nwait 8\n/queue\nclick Add as news\nsubmit confidence:reported\nclick Publish\n"
        "/news\n", "utf-8")
    result = sandbox("--script", str(script), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    out = result.stdout
    assert "/sources add url:… [show:…] [keywords:…]" in out and "/queue [show:…]" in out  # listed
    arrived = out.index("seasonwatch in #review (Home):")
    assert arrived < out.index("editor> /queue") and "May concern: Park Ji-hu" in out[arrived:]
    assert "Published as change #" in out
    assert "✅ Added as news by editor" in out[out.index("editor> click Publish"):]
    assert "All of Us Are Dead season 2 wraps filming" in out[out.index("editor> /news"):]
    assert "Discord would refuse" not in out and "Traceback" not in result.stderr


def test_reminders_and_premiere_events_show_in_the_transcript(tmp_path):
    script = tmp_path / "fans.txt"
    script.write_text(
        "/remind me\n"
        "/remind list\n"
        "as admin\n"
        "/alerts subscribe channel:#general events:true\n"
        "as editor\n"
        "/edit release when:2099-03-14 confidence:confirmed source_url:https://about.netflix.com/\n"
        "click Publish\n",
        "utf-8",
    )
    result = sandbox("--script", str(script), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Reminder `#1` set" in out and "Your reminders (1)" in out
    assert "seasonwatch in DM to fan:" in out and "reminder #1" in out
    assert ("seasonwatch scheduled an event: All of Us Are Dead season 2 premiere · "
            "2099-03-14 08:00 UTC · Netflix") in out
    assert "Discord would refuse" not in out and "Traceback" not in result.stderr
