"""Korean particles after filled-in names follow the name's last syllable (받침)."""

import pytest

from bot.i18n import t
from bot.i18n.particles import after, final_consonant, number_reading, title

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
    ("TV-MA", "(으)로", "(으)로"),
    ("박지후", " 역", " 역"),                             # no particle: unchanged
    ("", "을(를)", "을(를)"),
])
def test_a_particle_pair_follows_the_last_hangul_syllable(value, following, expected):
    assert after(value, following) == expected


def test_final_consonant_reads_hangul_and_numbers_only():
    assert final_consonant("박지후") == 0 and final_consonant("서울") == 8
    assert final_consonant("#1") == 8 and final_consonant("#2") == 0  # 일, 이
    assert final_consonant("Park") is None and final_consonant("") is None


@pytest.mark.parametrize(("number", "read"), [
    ("0", "영"), ("1", "일"), ("2", "이"), ("3", "삼"), ("4", "사"), ("5", "오"), ("6", "육"),
    ("7", "칠"), ("8", "팔"), ("9", "구"), ("10", "십"), ("100", "백"), ("1000", "천"),
    ("1,000", "천"), ("10000", "만"), ("20", "십"), ("2024", "사"), ("120000", "만"),
    ("1,200,000", "만"), ("100000000", "억"), ("007", "칠"),
])
def test_a_number_ends_in_its_last_digit_or_the_place_word_of_a_round_number(number, read):
    assert number_reading(number) == read


@pytest.mark.parametrize(("value", "following", "expected"), [
    ("#1", "을(를) 설정", "을 설정"), ("2", "을(를)", "를"), ("3", "을(를)", "을"),
    ("4", "을(를)", "를"), ("5", "을(를)", "를"), ("6", "을(를)", "을"), ("7", "을(를)", "을"),
    ("8", "을(를)", "을"), ("9", "을(를)", "를"), ("0", "을(를)", "을"), ("10", "을(를)", "을"),
    ("100", "을(를)", "을"), ("1,000", "을(를)", "을"), ("10,000", "을(를)", "을"),
    ("#1", "`이(가) 켜져", "`이 켜져"), ("#2", "`이(가) 켜져", "`가 켜져"),
    ("#1", "(으)로", "로"), ("#7", "(으)로", "로"),          # 일, 칠: ㄹ takes plain 로
    ("#3", "(으)로", "으로"), ("#12", "(으)로", "로"), ("500", "(으)로", "으로"),
    ("시즌 2", "은(는)", "는"),
])
def test_after_a_number_the_particle_follows_how_it_is_read(value, following, expected):
    assert after(value, following) == expected


def test_korean_messages_choose_particles_after_numbers():
    assert t("ko", "Reminder `#{id}` set: you will get a direct message whenever **{what}** changes.",
             id=1, what="x").startswith("리마인더 `#1`을 설정했습니다")
    stopped = t("ko", "Stopped reminder `#{id}` ({what}).", id=2, what="x")
    assert stopped == "리마인더 `#2`를 중지했습니다 (x)."


@pytest.mark.parametrize(("value", "following", "expected"), [
    ("지금 우리 학교는", "에 질문", "‘지금 우리 학교는’"),
    ("지금 우리 학교는", "**을(를) 보관", "‘지금 우리 학교는’"),
    ("지금 우리 학교는", " 시즌 2", "지금 우리 학교는"),      # nothing glued: as it is
    ("지금 우리 학교는", "", "지금 우리 학교는"),
    ("오징어 게임", "에 질문", "오징어 게임"),                # no particle at its end
    ("All of Us Are Dead", "에 질문", "All of Us Are Dead"),
])
def test_a_title_ending_in_a_particle_is_quoted_only_before_another(value, following, expected):
    assert title(value, following) == expected


OPENED = ("Opened question **#{id}** on {title}: {question} ({closing}).{tie} Announced to channels "
          "subscribed to `predictions`.")
ARCHIVED = "{title} is archived and announces nothing more; pick a tracked show."


def test_korean_messages_never_glue_a_second_particle_to_a_title():
    values = {"id": 1, "question": "q", "closing": "c", "tie": ""}
    assert t("ko", OPENED, title="지금 우리 학교는", **values).startswith(
        "‘지금 우리 학교는’에 질문 **#1**을 열었습니다")
    assert t("ko", OPENED, title="오징어 게임", **values).startswith("오징어 게임에 질문")
    # the particle after the quote still follows the title's last syllable (는: ㄴ)
    assert t("ko", ARCHIVED, title="지금 우리 학교는").startswith("‘지금 우리 학교는’은 보관되어")
    assert t("ko", ARCHIVED, title="나의 아저씨").startswith("나의 아저씨는 보관되어")
    # a person's name is never quoted, whatever it ends in
    assert t("ko", UNKNOWN_PERSON, typed="김하은", names="`x`").startswith("`김하은`이라는 사람")
    assert t("en", OPENED, title="지금 우리 학교는", **values).startswith("Opened question **#1** on 지금")


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
