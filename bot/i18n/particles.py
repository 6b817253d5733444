"""Korean particles after a filled-in value: `{name}을(를)` becomes `박지후를` or `윤찬영을`.

A Korean particle depends on whether the word before it ends in a consonant (받침), which a
translator cannot know for a name filled in later. The catalogue writes both forms, `을(를)`,
`이(가)`, `은(는)`, `과(와)`, `(이)라는`, `(으)로`, right after a placeholder; once the value is
known, its last sound picks one:

- a Hangul last syllable by its own final consonant;
- a number as Korean reads it aloud: by its last digit (1 일, 2 이, 3 삼 … 0 영: `#1을`, `#2를`),
  or by the place word a round number ends in (10 십, 100 백, 1,000 천, 10,000 만: `#10을`);
- anything else (Latin letters, a channel mention) keeps the written-out pair, which Korean
  readers read as "whichever fits".

A show's title may itself end in a particle (지금 우리 학교는): another glued to it would read
doubled (`지금 우리 학교는에`). Such a title is put in quotes, as Korean text quotes a work's
name, so the message's particle attaches to the quoted name (`‘지금 우리 학교는’에`), chosen by
the title's last syllable. Dropping the particle instead would change the sentence (`에` says
where a question was opened), and quotes cost nothing when an ending only looks like a particle
(`군검사 도베르만`). Only titles (`TITLE_FIELDS`) are quoted: a person's name ending in 은
(김하은) is a name, not a particle.
"""

from __future__ import annotations

import re

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINALS = 28  # final consonants per syllable block, 0 meaning none
_RIEUL = 8  # ㄹ as a final: `(으)로` takes plain 로 after it (서울로, #1로)
# Markdown may sit between a value and its particle (`**{title}**을(를)`).
_PAIR = re.compile(r"([*_`~|]*)(?:([을이은과])\(([를가는와])\)|\(([이으])\))")
_MARKUP = "*_`~| "
_CLOSING_QUOTES = "’”"  # a quoted title's particle follows the title inside
_AFTER_PLACEHOLDER = re.compile(r"\}" + _PAIR.pattern)

# How a number is read aloud ends: its last digit, or the place word of a round number.
_DIGITS = "영일이삼사오육칠팔구"
_PLACES = "일십백천"  # ones (unused: the digit is read), tens, hundreds, thousands
_MYRIADS = "만억조경"  # 10^4, 10^8, 10^12, 10^16: Korean groups digits by four
_LAST_NUMBER = re.compile(r"[0-9](?:[0-9,]*[0-9])?$")

# Placeholders that hold a show's title (`show_title`, `heading`).
TITLE_FIELDS = frozenset({"title", "heading"})
# A title ending in one of these already ends in (what reads as) a particle.
_PARTICLE_ENDINGS = ("은", "는", "이", "가", "을", "를", "에", "의", "도", "와", "과", "로", "만")
_GLUED_TITLE = re.compile(r"\{(?:" + "|".join(sorted(TITLE_FIELDS)) + r")\}[*_`~|]*[가-힣(]")


def after_placeholder(message: str) -> bool:
    """Whether a catalogue message has a particle pair right after a placeholder, or a title
    with Korean glued to it (`{title}에`)."""
    return _AFTER_PLACEHOLDER.search(message) is not None or _GLUED_TITLE.search(message) is not None


def number_reading(digits: str) -> str:
    """The syllable a whole number (`12`, `1,000`) ends in when read aloud in Korean."""
    number = digits.replace(",", "").lstrip("0")
    if not number:
        return _DIGITS[0]
    zeros = len(number) - len(number.rstrip("0"))
    myriad, place = divmod(zeros, 4)
    if myriad:
        return _MYRIADS[min(myriad, len(_MYRIADS)) - 1]
    return _PLACES[place] if place else _DIGITS[int(number[-1])]


def final_consonant(text: str) -> int | None:
    """The final consonant index of how `text` ends when read (0: none): its last Hangul
    syllable, or a number's reading; None for anything else (markup and closing quotes aside)."""
    text = text.rstrip(_MARKUP + _CLOSING_QUOTES)
    number = _LAST_NUMBER.search(text)
    last = number_reading(number.group()) if number else text[-1:]
    if not last or not _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return None
    return (ord(last) - _HANGUL_FIRST) % _FINALS


def after(value: str, following: str) -> str:
    """`following` (the message text right after `value`) with a leading particle pair resolved."""
    match = _PAIR.match(following)
    if match is None:
        return following
    final = final_consonant(value)
    if final is None:
        return following
    markup, with_final, without_final, optional = match.groups()
    if optional == "이":
        particle = "이" if final else ""
    elif optional == "으":
        particle = "으" if final and final != _RIEUL else ""
    else:
        particle = with_final if final else without_final
    return markup + particle + following[match.end():]


def title(value: str, following: str) -> str:
    """A show's title as filled in before `following`: quoted when it ends in a particle and
    `following` glues Korean to it (`‘지금 우리 학교는’에`), else as it is."""
    glued = following.lstrip(_MARKUP.strip())[:1]
    if not value.endswith(_PARTICLE_ENDINGS) or not (glued == "(" or _is_hangul(glued)):
        return value
    return f"‘{value}’"


def _is_hangul(char: str) -> bool:
    return bool(char) and _HANGUL_FIRST <= ord(char) <= _HANGUL_LAST
