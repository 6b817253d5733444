"""Korean particles after a filled-in value: `{name}을(를)` becomes `박지후를` or `윤찬영을`.

A Korean particle depends on whether the word before it ends in a consonant (받침), which a
translator cannot know for a name filled in later. The catalogue writes both forms, `을(를)`,
`이(가)`, `은(는)`, `과(와)`, `(이)라는`, `(으)로`, right after a placeholder; once the value is
known, a Hangul last syllable picks one. Anything else (Latin letters, digits, a channel
mention) keeps the written-out pair, which Korean readers read as "whichever fits".
"""

from __future__ import annotations

import re

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINALS = 28  # final consonants per syllable block, 0 meaning none
_RIEUL = 8  # ㄹ as a final: `(으)로` takes plain 로 after it (서울로)
# Markdown may sit between a value and its particle (`**{title}**을(를)`).
_PAIR = re.compile(r"([*_`~|]*)(?:([을이은과])\(([를가는와])\)|\(([이으])\))")
_MARKUP = "*_`~| "
_AFTER_PLACEHOLDER = re.compile(r"\}" + _PAIR.pattern)


def after_placeholder(message: str) -> bool:
    """Whether a catalogue message has a particle pair right after a placeholder."""
    return _AFTER_PLACEHOLDER.search(message) is not None


def final_consonant(text: str) -> int | None:
    """The final consonant index of `text`'s last Hangul syllable (0: none); None when `text`
    does not end in a Hangul syllable (markup aside)."""
    last = text.rstrip(_MARKUP)[-1:]
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
