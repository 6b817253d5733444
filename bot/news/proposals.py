"""How a proposal reads ("TVmaze now lists: Release: 14 March 2027 (now: second half of 2024 to
first half of 2025, speculation)") and the fact that accepting it with a confidence would write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from bot.catalogue.diff import entry_label, main_text, value_text
from bot.catalogue.previews import carried
from bot.core.models import Basis, Fact, Show, sourced_apart
from bot.i18n import DEFAULT, t, term
from bot.news.models import Proposal

# Fields that name an entry (they are in its label) or only annotate it.
_UNSTATED = {"stage", "person", "note", "headline", "url"}
_EPISODE_LABELS = {"count": "Episodes", "runtime": "Runtime", "rating": "Rating"}


def _details(kind: str, fields: Mapping[str, Any], names: Iterable[str], lang: str) -> list[str]:
    shown = []
    for name in names:
        value = fields.get(name)
        if name in _UNSTATED or value in (None, ""):
            continue
        text = value_text(name, value, lang)
        shown.append(f"{t(lang, _EPISODE_LABELS[name])} {text}" if kind == "episodes" else text)
    return shown


def listed_text(proposal: Proposal, show: Show | None, lang: str = DEFAULT) -> str:
    """The listed value on one line: `Release: 14 March 2027`, `Cast: Park Ji-hu, as On-jo`."""
    details = _details(proposal.kind, proposal.fields, proposal.fields, lang)
    if proposal.kind == "episodes":
        return ", ".join(details)
    label = entry_label(proposal.kind, proposal.fields, show, lang)
    return f"{label}: {', '.join(details)}" if details else label


def current_text(proposal: Proposal, current: Fact | None, lang: str = DEFAULT) -> str:
    """What the catalogue says of the same values now, with its confidence, or that it says
    nothing: `second half of 2024 to first half of 2025, speculation`."""
    if current is None:
        return t(lang, "nothing known")
    details = _details(proposal.kind, current.fields, proposal.fields, lang)
    if not details:
        details = [main_text(proposal.kind, current.fields, lang)]
    first = next((n for n in proposal.fields if n not in _UNSTATED), "")
    return f"{', '.join(details)}, {term(lang, current.basis(first).confidence)}"


def proposal_text(proposal: Proposal, show: Show | None, current: Fact | None,
                  lang: str = DEFAULT) -> str:
    """The whole proposal in words of `lang`: what is listed and what the catalogue says now."""
    return t(lang, "{source} now lists: {value} (now: {current})", source=proposal.source_name,
             value=listed_text(proposal, show, lang), current=current_text(proposal, current, lang))


def settled_text(proposal: Proposal, show: Show | None, lang: str = DEFAULT) -> str:
    """A settled proposal: what was listed (what the catalogue says now is no longer the point)."""
    return t(lang, "{source} listed: {value}", source=proposal.source_name,
             value=listed_text(proposal, show, lang))


def accepted_fact(proposal: Proposal, current: Fact | None, confidence: str, day: dt.date) -> Fact:
    """The fact accepting a proposal writes: the listed values, at `confidence`, sourced to the
    listing; what the listing does not state keeps the catalogue's value (and, for episodes,
    the basis it has)."""
    as_of = day.isoformat()
    stated = {k: v for k, v in proposal.fields.items() if v is not None}
    if proposal.kind == "episodes":
        old = sourced_apart(current) if current else None
        fields = {**(old.fields if old else {}), **stated}
        bases = dict(old.bases) if old else {}
        for name in stated:
            bases[name] = Basis(confidence, proposal.source_name, proposal.source_url, as_of)
        return Fact(fields, confidence, proposal.source_name, proposal.source_url, as_of, bases)
    old_basis = current.basis() if current else None
    source_name, note = carried(old_basis, proposal.source_url, proposal.source_name, None)
    fields = {**(current.fields if current else {}), **stated, "note": note}
    return Fact(fields, confidence, source_name, proposal.source_url, as_of)
