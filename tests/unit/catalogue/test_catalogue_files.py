"""Seeding, import, export and backup of the catalogue."""

import asyncio
import copy
import json
import sqlite3

import pytest

from bot.core.errors import InvalidImport, StoreError
from bot.store import Store
from tests.support.catalogue import ALICE, cast_fact
from tests.support.databases import target_of

# Makes the database refuse the import's second change, as a full disk would.
REFUSE = {
    "sqlite": "CREATE TRIGGER refuse BEFORE INSERT ON change WHEN (SELECT COUNT(*) FROM change) > {count} "
              "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    "postgresql": "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  "IF (SELECT COUNT(*) FROM change) > {count} THEN RAISE EXCEPTION 'injected failure'; "
                  "END IF; RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON change "
                  "FOR EACH ROW EXECUTE FUNCTION refuse()",
}


@pytest.fixture
async def seeded(new_database):
    store = await Store.open(await new_database())
    await store.files.seed_if_empty()
    yield store
    await store.close()


def _entry(store, kind, key):
    show = store.view.show_by_slug("all-of-us-are-dead")
    return store.view.entry(show.id, kind, key)


async def test_an_empty_database_is_seeded_with_the_first_show(seeded):
    show = seeded.view.show_by_slug("all-of-us-are-dead")
    assert show.season == 2 and "지금 우리 학교는" in show.aliases
    assert _entry(seeded, "cast", "park ji-hu").fact.fields["character"].endswith("On-jo")
    assert _entry(seeded, "cast", "roh yoon-seo").fact.confidence == "rumored"
    renewal = _entry(seeded, "status", "announced").fact
    assert renewal.confidence == "confirmed" and renewal.fields["when"] == "2022-06-06"
    episodes = _entry(seeded, "episodes", "episodes").fact
    assert episodes.fields["count"] == 12 and episodes.confidence == "speculation"


async def test_seeding_twice_does_nothing(seeded):
    assert await seeded.files.seed_if_empty() is False


async def test_export_then_import_into_a_new_database_round_trips(seeded, new_database):
    exported = seeded.files.export()
    other = await Store.open(await new_database())
    try:
        report = await other.files.import_data(copy.deepcopy(exported))
        assert report.shows_added == 1
        assert other.files.export() == exported
    finally:
        await other.close()


async def test_importing_an_unchanged_catalogue_writes_no_changes(seeded):
    show = seeded.view.show_by_slug("all-of-us-are-dead")
    before = await seeded.catalogue.count_changes(show.id)
    report = await seeded.files.import_data(seeded.files.export())
    assert report.entries_changed == 0
    assert await seeded.catalogue.count_changes(show.id) == before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["shows"][0]["entries"][3].update(confidence="certain"), "confidence"),
        (lambda d: d["shows"][0]["entries"][0].update(source_url="ftp://x"), "source_url"),
        (lambda d: d["shows"][0]["entries"][0]["fields"].update(when="2025-13"), "when"),
        (lambda d: d["shows"][0].update(slug="Bad Slug"), "slug"),
        (lambda d: d["shows"][0]["entries"].append(d["shows"][0]["entries"][0]), "twice"),
        (lambda d: d.update(format=7), "format"),
    ],
)
async def test_a_bad_import_names_the_fault_and_writes_nothing(seeded, mutate, message):
    data = seeded.files.export()
    data["shows"][0]["entries"][5]["confidence"] = "confirmed"  # a valid change that must not land
    mutate(data)
    before = seeded.files.export()
    with pytest.raises(InvalidImport, match=message):
        await seeded.files.import_data(data)
    assert seeded.files.export() == before


async def test_an_import_failing_inside_the_transaction_rolls_back(seeded, backend):
    data = seeded.files.export()
    data["shows"][0]["entries"][0]["confidence"] = "reported"
    data["shows"][0]["entries"][1]["confidence"] = "reported"
    count = await seeded.database.value("SELECT COUNT(*) FROM change")
    async with seeded.database.lock:
        await seeded.database.execute(REFUSE[backend].format(count=count))
    before = seeded.files.export()
    with pytest.raises(Exception, match="injected failure"):
        await seeded.files.import_data(data)
    assert seeded.files.export() == before
    reopened = await Store.open(target_of(seeded))
    try:
        assert reopened.files.export() == before
    finally:
        await reopened.close()


@pytest.mark.postgresql_only
async def test_a_postgresql_database_is_not_backed_up_as_a_file(seeded, tmp_path):
    with pytest.raises(StoreError, match="pg_dump"):
        await seeded.files.backup(tmp_path / "backup.db")
    assert not (tmp_path / "backup.db").exists()


@pytest.mark.sqlite_only
async def test_a_backup_taken_during_writes_opens_and_is_consistent(seeded, tmp_path):
    show = await seeded.shows.add_show("busy", "Busy", 1)

    async def keep_writing():
        for i in range(200):
            await seeded.catalogue.write(show.id, "cast", "park ji-hu", cast_fact(character=f"C{i}"),
                               expected_version=i, editor=ALICE)

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.01)
    target = tmp_path / "backup.db"
    await seeded.files.backup(target)
    await writer
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        version, data = db.execute(
            "SELECT version, data FROM entry WHERE key = 'park ji-hu' AND show_id = ?", (show.id,)
        ).fetchone()
        changes = db.execute(
            "SELECT COUNT(*) FROM change c JOIN entry e ON e.id = c.entry_id WHERE e.show_id = ?",
            (show.id,),
        ).fetchone()[0]
    assert changes == version
    assert json.loads(data)["fields"]["character"] == f"C{version - 1}"
    copy_store = await Store.open(target)
    try:
        assert copy_store.view.entry(show.id, "cast", "park ji-hu").version == version
    finally:
        await copy_store.close()
