"""The fuzz's judgements on public text: each flags what it should and nothing else."""

import pytest

from tests.e2e.fuzz_values import BREAK_HEAD, BREAK_TAIL, INJECT_HOST
from tests.e2e.fuzzing import text_problems


@pytest.mark.parametrize("text, problem", [
    (f"Note: [click](https://{INJECT_HOST}/a)", "user text became a masked link"),
    (f"[click](<https://{INJECT_HOST}/b>)", "user text became a masked link"),
    (f"see https://{INJECT_HOST}/d", "user text became a clickable URL"),
    (f"Note: {BREAK_HEAD}\n# {BREAK_TAIL}", "user text broke out of its line"),
    (f"**#3** · {BREAK_HEAD}\r\n{BREAK_TAIL}**\n**#2** · next change", "user text broke out of its line"),
    (f"**#3** · one\n**#2** · {BREAK_HEAD}\n\n{BREAK_TAIL}", "user text broke out of its line"),
    ("`#12` · `a`b`", "a code span is left open (user text broke out of it)"),
])
def test_a_problem_is_flagged(text, problem):
    assert problem in text_problems(text)


@pytest.mark.parametrize("text", [
    f"Note: \\[click\\](https:\u200b//{INJECT_HOST}/a)",  # escaped, as bot.catalogue.render.escape does
    f"[{INJECT_HOST}](<https://example.com/a>)",  # the bot's own link with an escaped label
    f"{BREAK_HEAD} {BREAK_TAIL}",  # the line break was removed
    f"why {BREAK_HEAD}\n{BREAK_TAIL} too",  # free text with a line break, alone in its field
    f"{BREAK_HEAD}\n\\# {BREAK_TAIL}",  # the same, its heading escaped
    f"first line\n{BREAK_TAIL} on its own line, but no user line break before it",
    "`#12` · \\` escaped · ```block```",
    "✅ confirmed · [Netflix](<https://www.netflix.com/tudum>)",
])
def test_safe_text_is_not_flagged(text):
    assert text_problems(text) == []
