"""The sandbox in the language of the person typing: its help, the `commands` listing, and slash
commands typed with the names a Korean Discord client shows (`/출연진 인물:박지후`).

Discord itself sends an interaction with the default (English) names whatever the client shows,
so a line typed with localized names is first read back to the registered default names, the
way a client would send it; the bot never sees the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.core.messages import N_
from bot.i18n import DEFAULT, t

# Discord's option types for subcommands and groups (every other type is a value).
_SUB_COMMAND, _SUB_COMMAND_GROUP = 1, 2

HELP = N_("""\
Type slash commands as in Discord, options as name:value (a value runs to the next name:):
  /status                      /cast person:Park Ji-hu         /news confidence:denied
  /cast filter:rumored         /history                        /about
Subcommands are words: /edit cast person:X confidence:rumored source_url:https://a.b/
Other lines:
  as fan | as editor | as admin | as owner | as other-admin   act as someone else
  channel #announcements | channel #general | channel dm      where you type
  locale ko | locale en        everyone's Discord client language (replies follow it)
  click Next                   click a button (on the latest message that has it)
  submit name:value ...        fill in and send the form the bot just opened
  commands                     what the bot registered, with its options and Korean names
  wait 8                       let 8 seconds pass (the demo news feed is polled every 6)
  help | quit (or Ctrl-D)
News intake: a demo feed is watched from the start; a new item arrives about 6 s in, is posted
in #review and waits in /queue (as editor: click Add as news, submit, click Publish).
Blank lines and lines starting with # are skipped.""")
LISTINGS_HELP = N_("""\
Listings: a demo TVmaze runs locally. As owner: /shows import query:sweet home, click a match,
choose 1 2 3 (the facts to keep, by their number in the menu), then click Import (or Cancel);
/status show:sweet-home shows what was imported.""")


WATCH_HELP = N_("""\
A few seconds after an import the demo listing's premiere moves: wait 12, then as editor /queue
shows the proposal (click Accept, a confidence, then Publish).""")


def help_text(lang: str = DEFAULT) -> str:
    """The sandbox's help for a person whose client speaks `lang`."""
    return t(lang, HELP) + "\n" + t(lang, LISTINGS_HELP) + "\n" + t(lang, WATCH_HELP)


def names(item: dict[str, Any]) -> set[str]:
    """Every name a command, option or choice answers to: its own and each localized one."""
    return {str(item["name"]), *(str(n) for n in (item.get("name_localizations") or {}).values())}


def localized(item: dict[str, Any], lang: str, key: str = "name") -> str:
    """A name or description as a client in `lang` shows it."""
    return str((item.get(f"{key}_localizations") or {}).get(lang, item[key]))


def _subcommands(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in item.get("options") or [] if o["type"] in (_SUB_COMMAND, _SUB_COMMAND_GROUP)]


def to_default(registered: list[dict[str, Any]], path: str,
               options: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A command path and option names typed in any language, as the registered default names;
    anything unknown is left as typed, for the driver to report."""
    level = [c for c in registered if c.get("type", 1) == 1]
    found: list[dict[str, Any]] = []
    for word in path.split():
        item = next((c for c in level if word in names(c)), None)
        if item is None:
            return path, options
        found.append(item)
        level = _subcommands(item)
    leaf: list[dict[str, Any]] = found[-1].get("options") or [] if found else []
    by_name = {name: str(o["name"]) for o in leaf for name in names(o)}
    return " ".join(str(c["name"]) for c in found), {by_name.get(k, k): v for k, v in options.items()}


def option_names(leaf: list[dict[str, Any]]) -> list[str]:
    """Every name the options of a command answer to, in every language."""
    return sorted({name for o in leaf for name in names(o)})


def listing(registered: list[dict[str, Any]], lang: str = DEFAULT) -> Iterator[str]:
    """Every command with its options, e.g. `/cast [show:…] [filter:all|new]    (what it does;
    ko: /출연진)`, described in `lang`."""
    for command in sorted(registered, key=lambda c: str(c["name"])):
        yield from _walk(command, f"/{command['name']}", f"/{localized(command, 'ko')}", lang)


def _walk(item: dict[str, Any], path: str, korean: str, lang: str) -> Iterator[str]:
    subs = _subcommands(item)
    if subs:
        for sub in subs:
            yield from _walk(sub, f"{path} {sub['name']}", f"{korean} {localized(sub, 'ko')}", lang)
        return
    parts = [path]
    for o in item.get("options") or []:
        choices = "|".join(str(c["value"]) for c in o.get("choices") or [])
        part = f"{o['name']}:{choices or '…'}"
        parts.append(part if o.get("required") else f"[{part}]")
    yield f"  {' '.join(parts)}    ({localized(item, lang, 'description')}; ko: {korean})"
