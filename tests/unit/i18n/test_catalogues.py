"""Every message has a translation in every catalogue, filling the same placeholders.

The messages are found the way gettext tools find them: Babel extracts each `t(lang, "…")`
and `N_("…")` from bot/ and cogs/; the command tree adds every command, option and choice name
and description as registered. A new language is one more catalogue that passes this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot.i18n import DEFAULT, LANGUAGES, NAME_CONTEXTS, catalogue, catalogue_path, placeholders
from tests.unit.commands_payload import registered_payload

ROOT = Path(__file__).resolve().parents[3]
# Calls whose string argument is a message: `t(lang, message)`, `N_(message)` and the errors
# that carry one to the user (`InvalidInput(option, message)`).
KEYWORDS = {"t": (2,), "N_": None, "UserError": None, "UnknownShow": None, "WriteFailed": None,
            "Refused": None, "InvalidInput": (2,)}
OTHERS = [lang for lang in LANGUAGES if lang != DEFAULT]


def code_messages() -> set[str]:
    found = set()
    for folder in ("bot", "cogs"):
        for _, _, message, _, _ in extract_from_dir(ROOT / folder, [("**.py", "python")], keywords=KEYWORDS):
            found.add(message)
    return found


def _tree_messages(items: list[dict], out: set[tuple[str | None, str]]) -> None:
    for item in items:
        # Top-level commands and subcommands are type 1 or 2; options 3 and up.
        out.add(("command" if item.get("type", 1) in (1, 2) else "option", item["name"]))
        out.add((None, item["description"]))
        for choice in item.get("choices") or []:
            out.add(("choice", str(choice["name"])))
        _tree_messages(item.get("options") or [], out)


def test_code_messages_are_found():
    messages = code_messages()
    assert "Slow down: try again in {retry:.0f} s." in messages and len(messages) > 20


@pytest.mark.parametrize("lang", OTHERS)
def test_every_code_message_is_translated(lang):
    table = catalogue(lang)
    assert sorted(m for m in code_messages() if (None, m) not in table) == []


@pytest.mark.parametrize("lang", OTHERS)
async def test_every_command_text_is_translated(lang, store):
    wanted: set[tuple[str | None, str]] = set()
    _tree_messages(await registered_payload(store), wanted)
    codes = {"TV-Y", "TV-Y7", "TV-G", "TV-PG", "TV-14", "TV-MA", "ALL", "7+", "12+", "15+", "19+"}
    table = catalogue(lang)
    missing = sorted((c or "", m) for c, m in wanted if (c, m) not in table and m not in codes)
    assert missing == []
    assert set(NAME_CONTEXTS.values()) == {"command", "option", "choice"}


@pytest.mark.parametrize("lang", OTHERS)
def test_translations_fill_the_same_placeholders_and_differ_from_english(lang):
    table = catalogue(lang)
    assert table, f"{catalogue_path(lang)} is empty"
    wrong = [m for (_, m), tr in table.items() if placeholders(m) != placeholders(tr)]
    same = [m for (_, m), tr in table.items() if m == tr]
    assert wrong == [] and same == []


@pytest.mark.parametrize("lang", OTHERS)
def test_no_message_is_untranslated_or_fuzzy(lang):
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as f:
        po = read_po(f)
    assert [m.id for m in po if m.id and (not m.string or m.fuzzy)] == []
