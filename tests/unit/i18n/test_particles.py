"""Korean particles after filled-in names follow the name's last syllable (받침)."""

import pytest

from bot.i18n import t
from bot.i18n.particles import after, final_consonant

UNKNOWN_PERSON = "I don't know anyone called `{typed}`. Did you mean {names}? `/cast` lists everyone known."


@pytest.mark.parametrize(("value", "following", "expected"), [
    ("윤찬영", "을(를) 찾으셨나요?", "을 찾으셨나요?"),     # 영: final ㅇ
    ("박지후", "을(를) 찾으셨나요?", "를 찾으셨나요?"),     # 후: no final
    ("**윤찬영**", "**이(가) 구독", "**이 구독"),           # markdown between value and particle
    ("로몬", "은(는)", "은"), ("이유미", "은(는)", "는"),
    ("로몬", "과(와)", "과"), ("박지후", "과(와)", "와"),
    ("`김신입`", "`(이)라는 사람", "`이라는 사람"), ("`박지후`", "`(이)라는 사람", "`라는 사람"),
    ("2024년 하반기", "(으)로 답하세요", "로 답하세요"),   # 기: no final
    ("서울", "(으)로", "로"),                             # ㄹ takes plain 로
    ("질문", "(으)로", "으로"),
    ("Lomon", "을(를) 찾으셨나요?", "을(를) 찾으셨나요?"),  # not Hangul: both forms stay
    ("<#123>", "이(가) 구독", "이(가) 구독"),
    ("#12", "(으)로", "(으)로"),
    ("박지후", " 역", " 역"),                             # no particle: unchanged
    ("", "을(를)", "을(를)"),
])
def test_a_particle_pair_follows_the_last_hangul_syllable(value, following, expected):
    assert after(value, following) == expected


def test_final_consonant_reads_hangul_only():
    assert final_consonant("박지후") == 0 and final_consonant("서울") == 8
    assert final_consonant("Park") is None and final_consonant("") is None


def test_korean_messages_choose_particles_for_names_but_never_touch_user_text():
    assert t("ko", UNKNOWN_PERSON, typed="김신입", names="`이유미`").startswith(
        "`김신입`이라는 사람을 모릅니다. `이유미`를 찾으셨나요?")
    assert t("ko", UNKNOWN_PERSON, typed="Lomonn", names="`Lomon`").startswith(
        "`Lomonn`(이)라는 사람을 모릅니다. `Lomon`을(를) 찾으셨나요?")
    # A pair inside a value is someone's text, not the catalogue's: it stays as typed.
    assert t("ko", UNKNOWN_PERSON, typed="을(를)은", names="`x`").startswith("`을(를)은`이라는")
    english = t("en", UNKNOWN_PERSON, typed="박지후", names="`윤찬영`")
    assert english.startswith("I don't know anyone called `박지후`. Did you mean `윤찬영`?")


def test_format_specs_still_apply_in_messages_with_particles():
    message = "`{text}` is not a whole number from {low} to {high:,}."
    assert t("ko", message, text="열", low=1, high=10000) == "`열`은 1부터 10,000까지의 정수가 아닙니다."
    assert t("ko", message, text="하나", low=1, high=10000) == "`하나`는 1부터 10,000까지의 정수가 아닙니다."
