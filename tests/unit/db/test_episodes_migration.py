"""Migration 0004: an episodes entry's one shared source becomes one source per value."""

import json
import sqlite3

import pytest

from bot.core.errors import InvalidImport
from bot.core.models import Basis, Editor
from bot.db.migrate import migrations
from bot.store import Store

GUESS = {"confidence": "speculation", "source_name": "FanSided", "source_url": "https://fansided.com/",
         "as_of": "2024-01-31"}
OLD = {"fields": {"count": 12, "runtime": None, "rating": "TV-MA", "note": "All guesses"}, **GUESS}
NEWER = {"fields": {"count": 6, "runtime": 50, "rating": "TV-MA", "note": None},
         "confidence": "confirmed", "source_name": None, "source_url": "https://www.netflix.com/",
         "as_of": "2025-01-01"}


def legacy_database(path):
    """A database at version 3 holding an episodes entry written twice in the old shape."""
    with sqlite3.connect(path) as db:
        for migration in migrations()[:3]:
            db.executescript(migration.script)
        db.execute("INSERT INTO show VALUES (1, 's', 'S', NULL, NULL, 1, '[]', 0)")
        db.execute("INSERT INTO entry VALUES (1, 1, 'episodes', 'episodes', 2, ?, 'now')",
                   (json.dumps(NEWER),))
        db.execute("INSERT INTO change VALUES (1, 1, 1, NULL, ?, 0, 'importer', 'then', NULL, 1, NULL)",
                   (json.dumps(OLD),))
        db.execute("INSERT INTO change VALUES (2, 1, 2, ?, ?, 9, 'ed', 'now', NULL, 1, NULL)",
                   (json.dumps(OLD), json.dumps(NEWER)))


async def test_each_episodes_value_gets_the_source_and_note_it_had(tmp_path):
    legacy_database(tmp_path / "db.sqlite")
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        fact = store.view.entry(1, "episodes", "episodes").fact
        assert fact.fields == {"count": 6, "runtime": 50, "rating": "TV-MA"}
        netflix = Basis("confirmed", None, "https://www.netflix.com/", "2025-01-01", None)
        assert fact.bases == {"count": netflix, "runtime": netflix, "rating": netflix}
        [second, first] = await store.catalogue.changes(1)
        guess = Basis("speculation", "FanSided", "https://fansided.com/", "2024-01-31", "All guesses")
        assert first.after == second.before
        assert second.before.fields == {"count": 12, "runtime": None, "rating": "TV-MA"}
        assert second.before.bases == {"count": guess, "rating": guess}  # no basis for no value
    finally:
        await store.close()


async def test_undo_after_the_migration_restores_the_converted_before(tmp_path):
    legacy_database(tmp_path / "db.sqlite")
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        undo = await store.catalogue.undo(2, expected_version=2, editor=Editor(9, "ed"), reason="undo of #2")
        assert store.view.entry(1, "episodes", "episodes").fact == undo.after
        assert undo.after.bases["count"].note == "All guesses"
        assert undo.after.basis("count").source_name == "FanSided"
    finally:
        await store.close()


async def test_an_import_in_the_old_shape_gives_each_value_its_source(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.shows.add_show("s", "S", 1)
        data = store.files.export()
        data["shows"][0]["entries"] = [{"kind": "episodes", "key": "episodes", **OLD}]
        await store.files.import_data(data)
        fact = store.view.entry(store.view.show_by_slug("s").id, "episodes", "episodes").fact
        guess = Basis("speculation", "FanSided", "https://fansided.com/", "2024-01-31", "All guesses")
        assert fact.bases == {"count": guess, "rating": guess}
        assert store.files.export()["shows"][0]["entries"][0]["bases"]["count"]["note"] == "All guesses"
    finally:
        await store.close()


async def test_an_import_with_a_malformed_basis_is_refused(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.shows.add_show("s", "S", 1)
        data = store.files.export()
        bad = {"kind": "episodes", "key": "episodes", **NEWER, "bases": {"count": {"confidence": 1}}}
        data["shows"][0]["entries"] = [bad]
        with pytest.raises(InvalidImport, match="bases"):
            await store.files.import_data(data)
        assert store.view.entry(store.view.show_by_slug("s").id, "episodes", "episodes") is None
    finally:
        await store.close()
