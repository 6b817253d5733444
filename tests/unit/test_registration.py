"""Every command, option and choice as registered, in every language, passes Discord's rules.

Discord refuses the whole sync (50035, naming no culprit) for one bad localized name, and
discord.py validates only the default names; so the translated payload is checked here with
the stand-in's rules (`standin.names`), the same ones the stand-in enforces at registration.
"""

from __future__ import annotations

from typing import Any

from standin.names import command_problems, name_problem
from tests.unit.commands_payload import registered_payload


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        out.append(item)
        out += _walk(item.get("options") or [])
    return out


async def test_every_name_and_text_in_every_language_is_one_discord_accepts(store):
    payload = await registered_payload(store)
    assert command_problems(payload) == []


async def test_every_command_option_and_description_has_korean(store):
    items = _walk(await registered_payload(store))
    missing = [i["name"] for i in items if "ko" not in (i.get("name_localizations") or {})]
    missing += [f"{i['name']} description" for i in items
                if "description" in i and "ko" not in (i.get("description_localizations") or {})]
    assert missing == []
    korean = {i["name"]: i["name_localizations"]["ko"] for i in items}
    assert korean["status"] == "상태" and korean["cast"] == "출연진"


async def test_choices_have_korean_names_except_codes(store):
    for item in _walk(await registered_payload(store)):
        for choice in item.get("choices") or []:
            if item["name"] == "rating":  # age-rating codes read the same everywhere
                assert not choice.get("name_localizations")
            else:
                assert choice["name_localizations"]["ko"] != choice["name"], choice


def test_the_rule_itself_refuses_what_discord_refuses():
    assert name_problem("상태") is None and name_problem("내_예측") is None
    assert name_problem("출연진-삭제") is None and name_problem("स्थिति") is None
    for bad in ("내 예측", "Status", "", "x" * 33, "상태!", "a.b"):
        assert name_problem(bad), bad


def test_siblings_may_not_share_a_name_in_any_language():
    options = [{"name": "show", "description": "d", "name_localizations": {"ko": "작품"}},
               {"name": "title", "description": "d", "name_localizations": {"ko": "작품"}}]
    problems = command_problems([{"name": "x", "description": "d", "options": options}])
    assert any("both '작품' in ko" in p for p in problems)
    clash = [{"name": "a", "description": "d", "name_localizations": {"ko": "b"}},
             {"name": "b", "description": "d"}]
    assert command_problems(clash)  # a's Korean name is b's own name


def test_long_descriptions_and_choice_names_are_refused():
    too_long = {"name": "x", "description": "d", "description_localizations": {"ko": "가" * 101},
                "options": [{"name": "y", "description": "d", "type": 3, "choices": [
                    {"name": "c", "value": "c", "name_localizations": {"ko": "가" * 101}}]}]}
    assert len(command_problems([too_long])) == 2
