"""Korean through the stand-in: registration with localizations, replies in the invoker's locale."""

from __future__ import annotations

import functools
import re

import pytest

SHOW = "all-of-us-are-dead"


@pytest.fixture
def korean(scene):
    """The fan's Discord client is in Korean; everyone else's stays in English."""
    scene.fan.user.locale = "ko"
    yield scene.fan
    scene.fan.user.locale = "en-US"


async def test_commands_are_registered_with_korean_names_and_descriptions(standin, scene, bot):
    registered = {c["name"]: c for c in standin.commands[None]}
    assert registered["status"]["name_localizations"]["ko"] == "상태"
    assert registered["status"]["description_localizations"]["ko"].startswith("시즌 진행 상황")
    cast_options = {o["name"]: o for o in registered["cast"]["options"]}
    assert cast_options["show"]["name_localizations"]["ko"] == "작품"
    filters = {c["value"]: c["name_localizations"]["ko"] for c in cast_options["filter"]["choices"]}
    assert filters["confirmed"] == "확정: ✅ 확정만"


async def test_a_korean_fan_gets_errors_in_korean_and_an_english_one_in_english(standin, scene, bot, korean):
    reply = await standin.command(korean, scene.home_general, "status", show="no such show")
    assert reply.ephemeral and "작품을 모릅니다" in reply.content
    scene.fan.user.locale = "en-GB"
    reply = await standin.command(scene.fan, scene.home_general, "status", show="no such show")
    assert "I don't know a show called" in reply.content


async def test_an_invalid_option_is_named_as_the_korean_client_shows_it(standin, scene, bot, korean):
    reply = await standin.command(scene.editor, scene.home_general, "edit release", when="soon",
                                  confidence="rumored", source_url="https://example.com/x")
    assert reply.content.startswith("`when`:")
    scene.editor.user.locale = "ko"
    reply = await standin.command(scene.editor, scene.home_general, "edit release", when="soon",
                                  confidence="rumored", source_url="https://example.com/x")
    assert reply.content.startswith("`시기`: `soon`은(는) 올바른 날짜나 시기가 아닙니다")
    assert reply.content.endswith("또는 이 중 두 개를 `..`로 이은 범위.")
    scene.editor.user.locale = "en-US"


async def test_status_in_korean_has_korean_title_stages_and_dates(standin, scene, bot, korean):
    reply = await standin.command(korean, scene.home_general, "status", show=SHOW)
    embed = reply.embeds[0]
    assert embed["title"] == "지금 우리 학교는 시즌 2: 진행 상황"
    assert "**현재: 사전 제작** (📰 보도)" in embed["description"] and "● 시즌 확정 →" in embed["description"]
    release = next(f["value"] for f in embed["fields"] if f["name"] == "공개")
    assert "2024년 하반기 ~ 2025년 상반기" in release and "🔮 추측" in release
    assert "2023년 9월" in next(f["value"] for f in embed["fields"] if f["name"] == "사전 제작")
    assert "✅ 확정 · 📰 보도" in embed["footer"]["text"]


async def test_a_show_with_nothing_known_yet_says_so_publicly_in_korean(standin, scene, bot, korean):
    await standin.command(scene.owner, scene.home_general, "shows add", slug="empty", title="Empty Show",
                          season=1)
    said = {"status": "이번 시즌에 대해 아직 알려진 것이 없습니다.", "cast": "아직 알려진 출연진이 없습니다.",
            "episodes": "회차에 대해 아직 알려진 것이 없습니다.", "news": "아직 소식이 없습니다."}
    for command, text in said.items():
        reply = await standin.command(korean, scene.home_general, command, show="empty")
        assert not reply.ephemeral and text in reply.text, f"/{command}: {reply.text}"


async def test_the_same_status_stays_english_for_an_english_client(standin, scene, bot):
    reply = await standin.command(scene.fan, scene.home_general, "status", show=SHOW)
    assert reply.embeds[0]["title"] == "All of Us Are Dead season 2: where it stands"


async def test_cast_pages_in_korean_with_korean_buttons(standin, scene, bot, korean):
    reply = await standin.command(korean, scene.home_general, "cast", show=SHOW)
    embed = reply.embeds[0]
    assert embed["title"] == "지금 우리 학교는 시즌 2: 출연진"
    assert "남온조 역" in embed["description"] or " 역 · " in embed["description"]
    assert "주연" in embed["description"] and "복귀" in embed["description"]
    rumored = await standin.command(korean, scene.home_general, "cast", show=SHOW, filter="rumored")
    assert rumored.embeds[0]["title"].endswith("출연진 (루머)")


async def test_cast_paging_buttons_speak_the_presser_s_language(standin, scene, bot, korean):
    await bot.store.files.import_data(big_cast())
    reply = await standin.command(korean, scene.home_general, "cast", show="big")
    assert [b["label"] for b in reply.buttons] == ["이전", "다음"]
    assert reply.embeds[0]["footer"]["text"].startswith("4쪽 중 1쪽")
    page2 = await standin.click(korean, reply, "다음")
    assert page2.embeds[0]["footer"]["text"].startswith("4쪽 중 2쪽")


async def test_person_card_episodes_news_and_history_in_korean(standin, scene, bot, korean):
    card = await standin.command(korean, scene.home_general, "cast", show=SHOW, person="Park Ji-hu")
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert {"배역", "비중", "상태", "신뢰도와 출처", "기준일"} <= set(fields)
    assert "년" in fields["기준일"] and "월" in fields["기준일"]
    episodes = await standin.command(korean, scene.home_general, "episodes", show=SHOW)
    assert episodes.embeds[0]["title"].endswith(": 회차")
    assert {"회차", "러닝타임", "등급"} <= {f["name"] for f in episodes.embeds[0]["fields"]}
    news = await standin.command(korean, scene.home_general, "news", show=SHOW)
    assert news.embeds[0]["title"].endswith(": 소식") and "년 " in news.embeds[0]["description"]
    history = await standin.command(korean, scene.home_general, "history", show=SHOW)
    assert history.embeds[0]["title"].endswith(": 기록")
    about = await standin.command(korean, scene.home_general, "about")
    assert "/편집 상태|공개|출연진|출연진-삭제|회차|소식" in about.text


async def test_an_unknown_person_is_told_in_korean_with_suggestions(standin, scene, bot, korean):
    reply = await standin.command(korean, scene.home_general, "cast", show=SHOW, person="Lomonn")
    assert reply.ephemeral
    assert reply.content.startswith("`Lomonn`(이)라는 사람을 모릅니다. `Lomon`")
    assert reply.content.endswith("찾으셨나요? `/출연진`에서 알려진 모든 출연진을 볼 수 있습니다.")


def big_cast(count: int = 35):
    entry = {"kind": "cast", "fields": {"character": None, "billing": None, "state": "new", "note": None},
             "confidence": "rumored", "source_name": "Outlet", "source_url": "https://example.com/",
             "as_of": "2024-01-01"}
    entries = [entry | {"key": f"actor {i:03d}", "fields": entry["fields"] | {"person": f"Actor {i:03d}"}}
               for i in range(count)]
    show = {"slug": "big", "title": "Big Show", "original_title": None, "network": None, "season": 1,
            "aliases": [], "archived": False, "entries": entries}
    return {"format": 1, "shows": [show]}


# -- announcements in the subscription's language ----------------------------------------------

async def test_one_change_goes_out_once_per_subscription_each_in_its_language(standin, scene, bot):
    from tests.e2e.alerts.test_alerts import exactly, subscribe, write

    await subscribe(standin, scene.admin, scene.home_general, language="en")
    await subscribe(standin, scene.admin, scene.home_announcements, language="ko")
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert "English" in listed.text and "한국어" in listed.text
    await write(bot)
    [english] = await exactly(standin, scene.home_general, 1)
    [korean] = await exactly(standin, scene.home_announcements, 1)
    assert english.embeds[0]["title"] == "All of Us Are Dead season 2 · Cast: Kim Newcomer"
    assert korean.embeds[0]["title"] == "지금 우리 학교는 시즌 2 · 출연진: Kim Newcomer"
    new = "신규: 출연진: Kim Newcomer: Transfer student 역 (루머 · Soompi)"
    assert new in korean.embeds[0]["description"]
    fields = {f["name"]: f["value"] for f in korean.embeds[0]["fields"]}
    assert fields["신뢰도"] == "💬 루머" and "#sw-delivery-" in korean.embeds[0]["url"]
    assert "delivery" not in korean.embeds[0]["footer"]["text"]


async def test_a_korean_server_subscribes_in_korean_by_default(standin, scene, bot):
    from tests.e2e.alerts.test_alerts import subscribe

    scene.home.preferred_locale = "ko"
    await subscribe(standin, scene.admin, scene.home_general)
    [sub] = await bot.store.alerts.subscriptions(scene.home.id)
    assert sub.language == "ko"
    scene.home.preferred_locale = "en-US"
    await subscribe(standin, scene.admin, scene.home_announcements)
    assert {s.language for s in await bot.store.alerts.subscriptions(scene.home.id)} == {"ko", "en"}


# -- names in both scripts ---------------------------------------------------------------------

async def test_a_fan_searching_hangul_finds_park_ji_hu_hangul_first_in_korean(standin, scene, bot, korean):
    card = await standin.command(scene.fan, scene.home_general, "cast", show=SHOW, person="박지후")
    assert card.embeds[0]["title"] == "지금 우리 학교는 시즌 2의 박지후 (Park Ji-hu)"
    scene.fan.user.locale = "en-US"
    card = await standin.command(scene.fan, scene.home_general, "cast", show=SHOW, person="박지후")
    assert card.embeds[0]["title"] == "Park Ji-hu in All of Us Are Dead season 2"
    choices = await standin.autocomplete(scene.fan, scene.home_general, "cast", "person", "윤찬", show=SHOW)
    assert choices == [{"name": "Yoon Chan-young", "value": "Yoon Chan-young"}]
    scene.fan.user.locale = "ko"
    choices = await standin.autocomplete(scene.fan, scene.home_general, "cast", "person", "yoon chan",
                                         show=SHOW)
    assert choices == [{"name": "윤찬영 (Yoon Chan-young)", "value": "Yoon Chan-young"}]


async def test_an_editor_sets_a_native_name_validated_like_other_names(standin, scene, bot):
    base = {"person": "Kim Newcomer", "confidence": "rumored", "source_url": "https://example.com/a"}
    edit = functools.partial(standin.command, scene.editor, scene.home_general, "edit cast", **base)
    bad = await edit(native_name="김\u200b신입")
    assert bad.ephemeral and bad.content.startswith("`native_name`: contains the invisible character U+200B")
    preview = await edit(native_name="김신입")
    assert "Native name: 김신입" in preview.text
    await standin.click(scene.editor, preview, "Publish")
    scene.fan.user.locale = "ko"
    found = await standin.command(scene.fan, scene.home_general, "cast", show=SHOW, person="김신입")
    assert found.embeds[0]["title"].endswith("김신입 (Kim Newcomer)")


# -- editors -------------------------------------------------------------------------------------

async def test_a_korean_editor_gets_a_korean_preview_buttons_and_conflict(standin, scene, bot):
    scene.editor.user.locale = "ko"
    options = {"person": "Park Ji-hu", "confidence": "confirmed", "source_url": "https://www.example.com/a"}
    first = await standin.command(scene.editor, scene.home_general, "edit cast", character="A", **options)
    second = await standin.command(scene.owner, scene.home_general, "edit cast", character="B", **options)
    assert first.content.startswith("**미리 보기**") and [b["label"] for b in first.buttons] == [
        "게시", "조용히 게시", "취소"]
    assert first.embeds[0]["footer"]["text"] == "미리 보기 · 아직 게시되지 않음"
    assert first.embeds[0]["title"] == "지금 우리 학교는 시즌 2 · 출연진: 박지후 (Park Ji-hu)"
    published = await standin.click(scene.editor, first, "게시")
    assert published.content.startswith("변경 **#") and "구독 채널에 알렸습니다" in published.content
    scene.owner.user.locale = "ko"
    refused = await standin.click(scene.owner, second, "Publish")  # made while in English
    assert refused.content.startswith("**게시하지 않음: 충돌.**")
    assert "지금 내용: 출연진: 박지후 (Park Ji-hu): A 역 (확정 · www.example.com)" in refused.content


# -- particles after numbers and titles ------------------------------------------------------------

async def test_a_reminder_number_takes_the_particle_it_is_read_with(standin, scene, bot, korean):
    first = await standin.command(korean, scene.home_general, "remind me")
    assert first.content.startswith("리마인더 `#1`을 설정했습니다: **지금 우리 학교는"), first.content
    again = await standin.command(korean, scene.home_general, "remind me")
    assert again.content.startswith("리마인더 `#1`이 켜져 있습니다"), again.content
    entries = await standin.autocomplete(korean, scene.home_general, "remind me", "entry", "")
    other = next(c["value"] for c in entries if "공개" not in c["name"])
    second = await standin.command(korean, scene.home_general, "remind me", entry=other)
    assert second.content.startswith("리마인더 `#2`를 설정했습니다"), second.content
    stopped = await standin.command(korean, scene.home_general, "remind stop", reminder="1")
    assert stopped.content.startswith("리마인더 `#1`을 중지했습니다"), stopped.content
    assert [r.id for r in await bot.store.reminders.of_user(korean.user.id)] == [2]


async def test_a_title_ending_in_a_particle_is_quoted_before_another(standin, scene, bot):
    scene.editor.user.locale = "ko"
    opened = await standin.command(scene.editor, scene.home_general, "predict open",
                                   question="How many episodes?", kind="number")
    scene.editor.user.locale = "en-US"
    assert opened.content.startswith("‘지금 우리 학교는’에 질문 **#1**을 열었습니다"), opened.content
    assert "학교는에" not in opened.content


# -- the sandbox -----------------------------------------------------------------------------------

async def test_the_sandbox_switches_locale_and_lists_korean_names(standin, scene, bot):
    from bot.sandbox.session import Sandbox

    sandbox = Sandbox(standin, scene)
    assert "(everyone's Discord now speaks ko)" in await sandbox.handle("locale ko")
    korean = await sandbox.handle("/status")
    assert "진행 상황" in korean
    assert "마지막 변경 2024년 1월 31일" in korean, korean  # the latest fact's own date (issue #23)
    # the Discord client renders a timestamp in its own language; the sandbox stands in for it
    history = await sandbox.handle("/history")
    assert re.search(r"\d+\S* 전 \(\d{4}년 \d+월 \d+일 ", history), history
    await sandbox.handle("locale en")
    english = await sandbox.handle("/status")
    assert "where it stands" in english and "Last change 31 January 2024" in english
    history = await sandbox.handle("/history")
    assert "ago (" in history or "just now (" in history
    assert "error: no locale 'fr'" in await sandbox.handle("locale fr")
    listed = await sandbox.handle("commands")
    assert "ko: /상태)" in listed and "ko: /편집 출연진-삭제)" in listed
    assert "Type slash commands as in Discord" in await sandbox.handle("help")
    await sandbox.handle("locale ko")
    assert (await sandbox.handle("help")).startswith("Discord에서처럼 슬래시 명령을 입력하고")
    listed = await sandbox.handle("commands")
    assert "(시즌 진행 상황" in listed and "ko: /상태)" in listed
    # Typed with the names a Korean client shows, sent with the default ones as Discord does.
    card = await sandbox.handle("/출연진 인물:박지후")
    assert "박지후 (Park Ji-hu)" in card and "error" not in card
    denied = await sandbox.handle("/소식 신뢰도:부인")
    assert "TikTok" in denied and "시즌 2: 소식 (부인)" in denied
    await sandbox.handle("as editor")
    preview = await sandbox.handle("/편집 출연진 인물:Kim Newcomer 신뢰도:루머 출처_url:https://example.com/a")
    assert "[게시]" in preview and "[Publish]" not in preview  # the locale is everyone's


async def test_the_sandbox_lists_the_choices_a_korean_client_shows(standin, scene, bot):
    from bot.sandbox.session import Sandbox

    sandbox = Sandbox(standin, scene)
    await sandbox.handle("locale ko")
    refused = await sandbox.handle("/소식 신뢰도:xyz")
    assert refused == "error: option '신뢰도': 'xyz' is not one of its choices: 확정, 보도, 루머, 추측, 부인"
    await sandbox.handle("locale en")
    refused = await sandbox.handle("/news confidence:xyz")
    assert refused.endswith("choices: confirmed, reported, rumored, speculation, denied"), refused


# -- predictions -----------------------------------------------------------------------------------

async def test_a_korean_fan_predicts_in_korean(standin, scene, bot, korean):
    from tests.e2e.predictions.test_predict import IN_TWO_DAYS, make, open_question, resolve

    prediction = await open_question(standin, scene, bot, "When does it premiere?", "date",
                                     closes=IN_TWO_DAYS)
    listed = await standin.command(korean, scene.home_general, "predict list")
    assert listed.embeds[0]["title"] == "지금 우리 학교는 시즌 2: 예측"
    [field] = [f for f in listed.embeds[0]["fields"] if f["name"].startswith(f"#{prediction.id}")]
    assert "YYYY-MM-DD 형식의 날짜로 답하세요" in field["value"] and "예측 0개" in field["value"]
    assert "아직 예측이 없습니다." in field["value"]
    made = await make(standin, korean, scene.home_general, prediction, "2025-03-14")
    assert made.content.startswith(f"**#{prediction.id}** (When does it premiere?)에 대한 내 예측: "
                                   "**2025년 3월 14일**")
    bad = await make(standin, korean, scene.home_general, prediction, "soon")
    assert bad.content.startswith("`답`: `soon`")
    scene.editor.user.locale = "ko"
    resolved = await resolve(standin, scene, prediction, "2025-03-14")
    assert resolved.content.startswith(f"**#{prediction.id}** (When does it premiere?)의 정답은 "
                                       "**2025년 3월 14일**입니다. 예측 1개를 채점했습니다.")
    mine = await standin.command(korean, scene.home_general, "predict mine")
    assert mine.embeds[0]["title"] == "내 예측" and "**100점**" in mine.text
    board = await standin.command(korean, scene.home_general, "predict leaderboard")
    assert board.embeds[0]["title"].endswith("예측 순위 (이 서버)")
    assert "fan — 100점 (질문 1개) **← 나**" in board.embeds[0]["description"]


async def test_a_korean_admin_manages_alerts_in_korean(standin, scene, bot):
    scene.admin.user.locale = "ko"
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, min_confidence="reported")
    assert reply.content.startswith(f"{scene.home_general.mention}이(가) 모든 작품을 구독합니다.")
    assert "모든 주제 · 보도 이상 · English" in reply.content
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert listed.embeds[0]["title"] == "Home의 알림" and listed.embeds[0]["footer"]["text"] == "구독 1개"
    removed = await standin.command(scene.admin, scene.home_general, "alerts unsubscribe",
                                    channel=scene.home_general)
    assert removed.content == f"{scene.home_general.mention}에서 구독 1개를 삭제했습니다."
    choices = await standin.autocomplete(scene.admin, scene.home_general, "alerts subscribe", "show", "",
                                         channel=scene.home_general)
    assert choices[0]["name"] == "지금 우리 학교는 (시즌 2)"


async def test_a_paused_subscription_s_reason_is_worded_for_each_admin_s_language(standin, scene, bot):
    import asyncio

    from standin.world import EMBED_LINKS, Overwrite
    from tests.e2e.alerts.test_alerts import subscribe, write

    channel = scene.home_general
    await subscribe(standin, scene.admin, channel)
    channel.overwrites.append(Overwrite.for_(scene.home.bot_member, deny=EMBED_LINKS))
    await standin.update_channel(channel)
    await asyncio.sleep(0.2)
    await write(bot)
    for _ in range(100):
        if not (await bot.store.alerts.subscriptions(scene.home.id))[0].active:
            break
        await asyncio.sleep(0.05)
    english = await standin.command(scene.admin, channel, "alerts list")
    assert f"The bot lacks Embed Links in {channel.mention}. Grant it there" in english.text
    scene.admin.user.locale = "ko"
    korean = await standin.command(scene.admin, channel, "alerts list")
    assert f"**일시 중지:** 봇에게 {channel.mention}에서 링크 첨부 권한이 없습니다." in korean.text
    assert "/알림 구독을 다시 실행하세요" in korean.text and "Embed Links" not in korean.text
    refused = await standin.command(scene.admin, channel, "alerts subscribe", channel=channel)
    assert refused.ephemeral and "**링크 첨부** 권한이 없습니다" in refused.content
    scene.admin.user.locale = "en-US"


async def test_entry_change_and_question_autocompletes_speak_the_invoker_s_language(standin, scene, bot,
                                                                                  korean):
    from tests.e2e.alerts.test_alerts import write
    from tests.e2e.predictions.test_predict import IN_TWO_DAYS, open_question

    entries = await standin.autocomplete(korean, scene.home_general, "history", "entry", "박지후", show=SHOW)
    assert entries[0]["name"] == "출연진: 박지후 (Park Ji-hu)"
    english = await standin.autocomplete(scene.editor, scene.home_general, "history", "entry", "박지후",
                                         show=SHOW)
    assert english[0] == {"name": "Cast: Park Ji-hu", "value": entries[0]["value"]}
    history = await standin.command(korean, scene.home_general, "history", show=SHOW, entry="출연진: 박지후")
    assert not history.ephemeral and "출연진: 박지후 (Park Ji-hu)" in history.embeds[0]["description"]
    unknown = await standin.command(korean, scene.home_general, "history", show=SHOW, entry="출연진: 없음")
    assert unknown.ephemeral and unknown.content.startswith("`출연진: 없음`이라는 항목을 모릅니다. `출연진: ")
    assert "Cast:" not in unknown.content
    prediction = await open_question(standin, scene, bot, "When does it premiere?", "date",
                                     closes=IN_TWO_DAYS)
    change = await write(bot)
    scene.editor.user.locale = "ko"
    changes = await standin.autocomplete(scene.editor, scene.home_general, "undo", "change", "Kim")
    [undo] = [c for c in changes if c["value"] == str(change.id)]
    assert undo["name"].startswith(f"#{change.id} 신규: 출연진: Kim Newcomer: Transfer student 역")
    questions = await standin.autocomplete(scene.editor, scene.home_general, "predict resolve", "question",
                                           "premiere")
    [question] = [c for c in questions if c["value"] == str(prediction.id)]
    assert question["name"] == f"#{prediction.id} [진행 중] When does it premiere?"
    scene.editor.user.locale = "en-US"
