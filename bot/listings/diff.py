"""What a listing says against what the catalogue says: each mapped fact as a proposal, and
whether it differs from the entry it is about.

Only the values the listing states count: a listing that gives no date for a renewal says
nothing against the date an editor gave it, and a note, a Hangul name or a confidence are the
editors' own. A cast member is matched as `/edit cast` matches them (case, accents, either
script), so a proposal names the catalogue's entry, not a second one for the same person.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot.catalogue.view import View
from bot.core.facts import same_name
from bot.core.models import Entry
from bot.listings.mapping import MappedFact
from bot.news.models import Proposal
from bot.news.proposals_store import Listed

log = logging.getLogger(__name__)

# The values a listing speaks to, per kind of entry.
SPOKEN: Mapping[str, tuple[str, ...]] = {
    "status": ("stage", "when"), "release": ("when",), "episodes": ("count", "runtime"),
    "cast": ("person", "character", "billing", "state"),
}


def stated(mapped: MappedFact) -> dict[str, Any]:
    """The values the listing states for this fact (None is no statement)."""
    fields = mapped.fact.fields
    return {name: fields[name] for name in SPOKEN.get(mapped.kind, ()) if fields.get(name) is not None}


def differs(kind: str, values: Mapping[str, Any], entry: Entry | None) -> bool:
    """Whether the catalogue's entry says otherwise than the listed `values` (no entry: it does)."""
    if entry is None:
        return True
    for name, value in values.items():
        have = entry.fact.fields.get(name)
        same = same_name(str(have), str(value)) if name == "person" and have else have == value
        if not same:
            return True
    return False


def entry_for(view: View, show_id: int, mapped: MappedFact) -> Entry | None:
    """The catalogue's entry this fact is about (a cast member however they are spelled)."""
    if mapped.kind == "cast":
        return view.person_entry(show_id, str(mapped.fact.fields["person"]))
    return view.entry(show_id, mapped.kind, mapped.key)


def proposal(mapped: MappedFact, entry: Entry | None) -> Proposal:
    """The fact as a proposal for `entry` (its key and the person's spelling there, if any)."""
    values = stated(mapped)
    key = entry.key if entry is not None else mapped.key
    if mapped.kind == "cast" and entry is not None:
        values["person"] = entry.fact.fields["person"]
    # An episodes fact's values each have a basis: the listing gives them all the same one.
    basis = mapped.fact.basis(next(iter(values), ""))
    return Proposal(mapped.kind, key, values, basis.confidence,
                    basis.source_name or "?", basis.source_url)


def compare(view: View, show_id: int, mapped: Sequence[MappedFact]) -> list[Listed]:
    """Every fact the listing states, as a proposal, with whether the catalogue differs."""
    found = []
    for fact in mapped:
        if not stated(fact):
            continue
        entry = entry_for(view, show_id, fact)
        found.append(Listed(proposal(fact, entry), differs(fact.kind, stated(fact), entry)))
    return found
