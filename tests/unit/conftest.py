import pytest

from bot.core.models import Editor, Fact
from bot.store import Store

ALICE = Editor(101, "alice")
BOB = Editor(102, "bob")


def cast_fact(person="Park Ji-hu", character="On-jo", confidence="reported"):
    return Fact(
        fields={"person": person, "character": character, "billing": "main",
                "state": "returning", "note": None},
        confidence=confidence,
        source_name="Teen Vogue",
        source_url="https://www.teenvogue.com/",
        as_of="2024-01-17",
    )


def target_of(store):
    """What `Store.open` opened: the SQLite file or the PostgreSQL URL."""
    return store.path or store.database.conn.url


@pytest.fixture
async def store(new_database):
    store = await Store.open(await new_database())
    yield store
    await store.close()


@pytest.fixture
async def show(store):
    return await store.shows.add_show("test-show", "Test Show", 2, aliases=["TS"])
