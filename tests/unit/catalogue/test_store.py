"""The store: shows, the single write path, history, undo, concurrency."""

import asyncio
import dataclasses
import sqlite3

import pytest

from bot.core.errors import ConflictError, InvalidInput, UserError
from bot.core.facts import check_fact
from bot.core.models import Basis, Fact
from bot.store import Store
from tests.support.catalogue import ALICE, BOB, cast_fact


async def test_a_new_show_is_listed_and_found_by_slug(store, show):
    assert store.view.shows() == [show]
    assert store.view.show_by_slug("test-show") == show
    assert show.aliases == ("TS",)


async def test_a_taken_slug_is_refused(store, show):
    with pytest.raises(InvalidInput, match="slug"):
        await store.shows.add_show("test-show", "Other", 1)


async def test_an_archived_show_leaves_the_list_but_stays_readable(store, show):
    await store.shows.update_show(dataclasses.replace(show, archived=True))
    assert store.view.shows() == []
    assert store.view.show_by_slug("test-show").archived
    assert len(store.view.shows(include_archived=True)) == 1


async def test_writing_a_new_entry_records_a_change_from_nothing(store, show):
    change = await store.catalogue.write(
        show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE, reason="agency post"
    )
    entry = store.view.entry(show.id, "cast", "park ji-hu")
    assert entry.version == 1 and entry.fact.fields["character"] == "On-jo"
    assert change.before is None and change.after == entry.fact
    assert change.editor == ALICE and change.reason == "agency post" and not change.silent
    assert await store.catalogue.change(change.id) == change


async def test_updating_an_entry_keeps_the_previous_fact_in_the_change(store, show):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    change = await store.catalogue.write(
        show.id,
        "cast",
        "park ji-hu",
        cast_fact(confidence="confirmed"),
        expected_version=1,
        editor=BOB,
        silent=True,
    )
    assert change.before.confidence == "reported"
    assert change.after.confidence == "confirmed"
    assert change.silent
    assert store.view.entry(show.id, "cast", "park ji-hu").version == 2


async def test_removing_an_entry_hides_it_but_keeps_its_version_and_history(store, show):
    first = await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                        editor=ALICE)
    await store.catalogue.write(
        show.id, "cast", "park ji-hu", None, expected_version=1, editor=ALICE, reason="left the show"
    )
    assert store.view.entry(show.id, "cast", "park ji-hu") is None
    assert store.view.entry_version(show.id, "cast", "park ji-hu") == 2
    history = await store.catalogue.changes(show.id, entry_id=first.entry_id)
    assert [c.version for c in history] == [2, 1]
    assert history[0].after is None


async def test_removing_an_entry_that_does_not_exist_is_refused(store, show):
    with pytest.raises(UserError):
        await store.catalogue.write(show.id, "cast", "nobody", None, expected_version=0, editor=ALICE)


async def test_a_write_based_on_an_old_version_is_a_conflict_and_changes_nothing(store, show):
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    await store.catalogue.write(
        show.id, "cast", "park ji-hu", cast_fact(character="Nam On-jo"), expected_version=1, editor=ALICE
    )
    with pytest.raises(ConflictError) as caught:
        await store.catalogue.write(
            show.id, "cast", "park ji-hu", cast_fact(character="Wrong"), expected_version=1, editor=BOB
        )
    assert caught.value.current.fact.fields["character"] == "Nam On-jo"
    assert store.view.entry(show.id, "cast", "park ji-hu").fact.fields["character"] == "Nam On-jo"
    assert await store.catalogue.count_changes(show.id) == 2


async def test_concurrent_writes_to_one_entry_let_exactly_one_win(store, show):
    async def attempt(name):
        fact = cast_fact(character=name)
        return await store.catalogue.write(show.id, "cast", "park ji-hu", fact, expected_version=0,
                                           editor=ALICE)

    results = await asyncio.gather(*(attempt(f"C{i}") for i in range(10)), return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, ConflictError) for r in results if r not in winners)
    entry = store.view.entry(show.id, "cast", "park ji-hu")
    assert entry.fact == winners[0].after
    assert await store.catalogue.count_changes(show.id) == 1


async def test_an_invalid_fact_is_refused_before_anything_is_written(store, show):
    # Checked once, where it enters: an edit's preview checks it before anything is written.
    bad = dataclasses.replace(cast_fact(), source_url="javascript:alert(1)")
    with pytest.raises(InvalidInput, match="source_url"):
        check_fact("cast", bad)
    assert await store.catalogue.count_changes(show.id) == 0


async def test_undo_restores_the_replaced_fact_as_a_correction(store, show):
    first = await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                        editor=ALICE)
    second = await store.catalogue.write(
        show.id, "cast", "park ji-hu", cast_fact(character="Wrong"), expected_version=1, editor=BOB
    )
    undo = await store.catalogue.undo(second.id, expected_version=2, editor=ALICE)
    assert undo.correction_of == second.id
    assert undo.after == first.after
    assert store.view.entry(show.id, "cast", "park ji-hu").fact == first.after
    assert [c.id for c in await store.catalogue.changes(show.id)] == [undo.id, second.id, first.id]


async def test_undoing_a_creation_removes_the_entry(store, show):
    first = await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                        editor=ALICE)
    await store.catalogue.undo(first.id, expected_version=1, editor=ALICE)
    assert store.view.entry(show.id, "cast", "park ji-hu") is None


async def test_history_pages_newest_first_by_offset(store, show):
    for i in range(5):
        await store.catalogue.write(
            show.id, "cast", "park ji-hu", cast_fact(character=f"C{i}"), expected_version=i, editor=ALICE
        )
    newest = await store.catalogue.changes(show.id, limit=2)
    older = await store.catalogue.changes(show.id, limit=2, offset=2)
    assert [c.version for c in newest] == [5, 4]
    assert [c.version for c in older] == [3, 2]


async def test_published_changes_leave_out_silent_ones_newest_first(store, show):
    other = await store.shows.add_show("other-show", "Other Show", 1)
    loud = await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                       editor=ALICE)
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(character="Quiet"),
                                expected_version=1, editor=ALICE, silent=True)
    louder = await store.catalogue.write(show.id, "cast", "lee", cast_fact(person="Lee"), expected_version=0,
                                         editor=BOB)
    await store.catalogue.write(other.id, "cast", "kim", cast_fact(person="Kim"), expected_version=0,
                                editor=BOB)
    assert [c.id for c in await store.catalogue.published_changes(show.id)] == [louder.id, loud.id]
    assert [c.id for c in await store.catalogue.published_changes(show.id, limit=1)] == [louder.id]


async def test_a_reopened_store_sees_what_was_committed(tmp_path):
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    show = await store.shows.add_show("test-show", "Test Show", 2)
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    await store.close()
    store = await Store.open(path)
    try:
        assert store.view.entry(show.id, "cast", "park ji-hu").fact == cast_fact()
    finally:
        await store.close()


async def test_the_database_uses_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "db.sqlite"
    store = await Store.open(path)
    await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_another_processs_commit_is_picked_up_by_refresh(tmp_path):
    path = tmp_path / "shared.db"
    running, importer = await Store.open(path), await Store.open(path)
    try:
        show = await running.shows.add_show("test-show", "Test Show", 2)
        assert await importer.view.refresh_if_changed()  # it sees the show the other one added
        await importer.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                       editor=BOB)
        assert running.view.entry(show.id, "cast", "park ji-hu") is None  # not seen yet
        assert await running.view.refresh_if_changed()
        assert running.view.entry(show.id, "cast", "park ji-hu").fact == cast_fact()
        assert not await running.view.refresh_if_changed()  # nothing new since
    finally:
        await running.close()
        await importer.close()


async def test_a_write_after_another_processs_commit_reports_the_real_current_value(tmp_path):
    path = tmp_path / "shared.db"
    running, importer = await Store.open(path), await Store.open(path)
    try:
        show = await running.shows.add_show("test-show", "Test Show", 2)
        await importer.view.refresh_if_changed()
        await importer.catalogue.write(
            show.id, "cast", "park ji-hu", cast_fact(character="From import"), expected_version=0, editor=BOB
        )
        with pytest.raises(ConflictError) as caught:  # based on what `running` had: nothing
            await running.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0,
                                          editor=ALICE)
        assert caught.value.current.fact.fields["character"] == "From import"
        change = await running.catalogue.write(
            show.id, "cast", "park ji-hu", cast_fact(), expected_version=1, editor=ALICE
        )
        assert change.version == 2
    finally:
        await running.close()
        await importer.close()


async def test_a_person_is_found_by_their_hangul_name_and_not_listed_twice(store, show):
    fact = cast_fact()
    fact = dataclasses.replace(fact, fields={**fact.fields, "native_name": "박지후"})
    await store.catalogue.write(show.id, "cast", "park ji-hu", fact, expected_version=0, editor=ALICE)
    assert store.view.person_key(show.id, "박 지후") == "park ji-hu"
    with pytest.raises(InvalidInput, match="already listed"):
        await store.catalogue.write(show.id, "cast", "박지후", cast_fact(person="박지후"),
                                    expected_version=0, editor=ALICE)
    assert len(store.view.entries(show.id, "cast")) == 1


async def test_the_latest_as_of_date_is_the_newest_facts_or_values_own(store, show):
    assert store.view.latest_as_of(show.id) is None
    await store.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(), expected_version=0, editor=ALICE)
    assert store.view.latest_as_of(show.id) == "2024-01-17"
    runtime = Basis("confirmed", "Netflix", "https://www.netflix.com/", "2024-03-02")
    episodes = Fact({"count": 8, "runtime": 50, "rating": None, "note": None}, "reported", None,
                    "https://a.example/", "2024-02-01", {"runtime": runtime})
    await store.catalogue.write(show.id, "episodes", "episodes", episodes, expected_version=0, editor=ALICE)
    assert store.view.latest_as_of(show.id) == "2024-03-02"
