"""``monitoring.yml``: what ``inbox collect`` looks for outside our own accounts.

Clause 2.5 of the decree sends messages about the administration found anywhere in the open
(local public pages, comments under other communities' posts, residents' own posts) to the
procedure for messages from open sources. The file, changed through a reviewed request like
everything else, names the search phrases (place and street names, the head's name), the
communities read in full and those searched by phrase, the words that mark noise, and the
networks to use::

    networks: [vk]
    phrases: [Приморско-Ахтарск, Ахтарск, улица Мира, Бондаренко]
    communities: {vk: [podslushano_ahtarsk]}
    search_in: {vk: [typical_ahtarsk]}
    exclude: [продам, куплю, реклама]
    days: 3

Phrases match every form of their words: each word is cut to its root (the lemma pymorphy3
gives, without the endings of place names and their people: «Ахтарск» → «ахтар»), and a word
of the text matches when it (or its own root) starts with that root, so «Ахтарске», «ахтарцы»
and «ахтарчане» all match «Ахтарск». A root shorter than four letters («мир» of «улица Мира»)
matches only a word with the same root. The file names nothing publisher connects to:
communities are names or numbers on a network whose API host is fixed in its adapter, never an
address.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.errors import Diagnostic
from publisher.core.i18n import N_, _
from publisher.core.shapes import (
    ShapeError,
    known_keys,
    mapping,
    read_settings,
    sequence,
    settings_error,
    settings_problems,
)

MONITORING_FILE = "monitoring.yml"
KEYS = ("networks", "phrases", "communities", "search_in", "exclude", "days")
#: networks whose API lets an app read what others write in the open (``README``: what each
#: network allows); the others, with why not [verified for Telegram (bots see only chats they
#: are in) and VK; uncertain for OK and Max: no search method found in their documentation]
OPEN_NETWORKS = ("vk",)
CLOSED: Mapping[str, str] = {
    "telegram": N_(
        "Telegram bots read only chats and channels they are members of, and channels only as "
        "an administrator: a bot cannot search or read public channels."
    ),
    "max": N_("Max bots read only the chats they are members of; Max has no search for apps."),
    "ok": N_(
        "OK offers apps no search of groups' posts, and reads a group's feed only for its "
        "administrators."
    ),
    "facebook": N_("Facebook's API reads only the pages the app manages."),
    "instagram": N_("Instagram's API reads only the account's own media and mentions of it."),
    "x": N_("X's search API is a paid tier publisher does not use."),
}
MAX_PHRASES = 50
MAX_PHRASE_CHARS = 100
MAX_DAYS = 30
#: endings of a place's name and its people's that the root leaves out (longest first)
_TAILS = ("чанин", "чане", "чан", "ский", "ская", "ское", "ские", "цы", "ец", "ск")
_VOWELS = "аеёиоуыэюяьй"
_WORD = re.compile(r"\w+")
#: a community as a network names it: a short name, ``club123``/``public123``, or digits
_COMMUNITY = re.compile(r"-?\d{1,15}|(?:club|public)\d{1,15}|[A-Za-z][A-Za-z0-9_.]{1,63}")
#: a link to a VK community, the one form of address the file may use for it
_VK_LINK = re.compile(r"(?:https?://)?(?:m\.)?vk\.(?:com|ru)/([A-Za-z0-9_.]{2,64})/?")


@functools.lru_cache(maxsize=50_000)
def root(word: str) -> str:
    """The part of ``word`` every form shares: its lemma without a place name's ending or its
    people's, and without the final vowels."""
    # imported here: check reads this module for monitoring.yml's constants and problems, and
    # the detector's dictionaries took 0.008 s of a warm check of 10,000 posts
    from publisher.moderation.morphology import morph
    from publisher.moderation.normalize import fold

    folded = fold(word)
    parses = morph().parse(folded)
    stem = fold(str(parses[0].normal_form)) if parses else folded
    for tail in _TAILS:
        if stem.endswith(tail) and len(stem) - len(tail) >= 4:
            stem = stem[: -len(tail)]
            break
    while len(stem) > 3 and stem[-1] in _VOWELS:
        stem = stem[:-1]
    return stem


def _word_matches(word: str, stem: str) -> bool:
    """A word of the text has the root ``stem``: starts with it (any ending, a place's people)
    or has it as its own root (a verb whose forms change their stem: «продам», «продать»)."""
    from publisher.moderation.normalize import fold

    if len(stem) < 4:
        return root(word) == stem
    return fold(word).startswith(stem) or root(word).startswith(stem)


@dataclass(frozen=True)
class Phrase:
    """A phrase as written and the roots of its words, matched in a row."""

    text: str
    roots: tuple[str, ...]

    def found_in(self, words: list[str]) -> bool:
        size = len(self.roots)
        return any(
            all(_word_matches(words[i + k], stem) for k, stem in enumerate(self.roots))
            for i in range(len(words) - size + 1)
        )


def phrase(text: str) -> Phrase:
    return Phrase(text, tuple(root(w) for w in _WORD.findall(text)))


@dataclass(frozen=True)
class Monitoring:
    """What ``monitoring.yml`` says; an empty one (no file) looks for nothing."""

    networks: tuple[str, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    #: network -> communities read in full (their posts and the comments under them)
    communities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: network -> communities searched for the phrases
    search_in: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[Phrase, ...] = ()
    #: how far back the first collection looks, and how long a post's comments are read
    days: int = 3

    def mentions(self, text: str) -> str:
        """The first phrase ``text`` mentions ("" for none)."""
        words = _WORD.findall(text)
        return next((p.text for p in self.phrases if p.found_in(words)), "")

    def excluded(self, text: str) -> bool:
        """Whether ``text`` has a word that marks noise (adverts, sales)."""
        words = _WORD.findall(text)
        return any(p.found_in(words) for p in self.exclude)


def load_monitoring(repo: Path) -> Monitoring | None:
    """``monitoring.yml`` (None when there is none); ConfigError at the line of a mistake,
    with how to write it."""
    path = repo / MONITORING_FILE
    if not path.exists():
        return None
    text, data = read_settings(path, MONITORING_FILE)
    try:
        return _build(data)
    except ShapeError as exc:
        raise settings_error(MONITORING_FILE, text, exc) from None


def monitoring_problems(repo: Path) -> list[Diagnostic]:
    """For ``check``: the mistake that keeps ``monitoring.yml`` from being used, at its line."""
    return settings_problems(MONITORING_FILE, lambda: load_monitoring(repo))


def _build(data: Mapping[str, Any]) -> Monitoring:
    known_keys(data, KEYS)
    networks = tuple(
        _network(n, i) for i, n in enumerate(sequence(data.get("networks"), "networks"))
    )
    phrases = _phrases(data, "phrases")
    if networks and not phrases and not data.get("communities"):
        raise ShapeError(
            _("There is nothing to look for: no phrases and no communities."),
            ("networks",),
            _("Add phrases: [the district's places, streets, the head's name]."),
        )
    return Monitoring(
        networks=networks,
        phrases=phrases,
        communities=_communities(data, "communities", networks),
        search_in=_communities(data, "search_in", networks),
        exclude=_phrases(data, "exclude"),
        days=_days(data.get("days", 3)),
    )


def _network(value: object, index: int) -> str:
    name = str(value).strip().lower()
    if name not in NETWORK_TABLE:
        raise ShapeError(
            _("Unknown network '{name}'.", name=name),
            ("networks", str(index)),
            _("Known networks: {names}.", names=", ".join(NETWORK_TABLE)),
        )
    if name not in OPEN_NETWORKS:
        raise ShapeError(
            _("{network} cannot be monitored: {reason}", network=name, reason=_(CLOSED[name])),
            ("networks", str(index)),
            _("Networks that can: {names}.", names=", ".join(OPEN_NETWORKS)),
        )
    return name


def _phrases(data: Mapping[str, Any], key: str) -> tuple[Phrase, ...]:
    raw = sequence(data.get(key), key)
    if len(raw) > MAX_PHRASES:
        raise ShapeError(
            _("At most {count} phrases, not {given}.", count=MAX_PHRASES, given=len(raw)),
            (key,),
            _("Keep the phrases that find most; each is one search request per run."),
        )
    found = []
    for index, value in enumerate(raw):
        text = value.strip() if isinstance(value, str) else ""
        if not _WORD.search(text) or len(text) > MAX_PHRASE_CHARS:
            raise ShapeError(
                _("'{value}' is not a phrase of words.", value=str(value)[:60]),
                (key, str(index)),
                _(
                    "Write words, at most {count} characters, like: улица Мира.",
                    count=MAX_PHRASE_CHARS,
                ),
            )
        found.append(phrase(text))
    return tuple(found)


def _communities(
    data: Mapping[str, Any], key: str, networks: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for network, raw in mapping(data.get(key), key).items():
        if network not in networks:
            raise ShapeError(
                _("'{network}' is not among the networks monitored.", network=network),
                (key, str(network)),
                _("Add it to networks: [...], or remove it here."),
            )
        items = sequence(raw, key, network)
        found[network] = tuple(
            _community(value, (key, network, str(i))) for i, value in enumerate(items)
        )
    return found


def _community(value: object, keys: tuple[str, ...]) -> str:
    """A community's short name or number; a link to it on VK is read as its short name. Any
    other address is refused: no repository file chooses where publisher connects."""
    text = str(value).strip()
    link = _VK_LINK.fullmatch(text)
    if link is not None:
        text = link.group(1)
    if not _COMMUNITY.fullmatch(text):
        raise ShapeError(
            _("'{value}' is not a community's short name or number.", value=text[:60]),
            keys,
            _(
                "Write its short name as in its address (vk.com/podslushano_ahtarsk → "
                "podslushano_ahtarsk) or its number; publisher connects only to the network's "
                "own API."
            ),
        )
    return text


def _days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise ShapeError(
            _("'days' must be a whole number from 1 to {most}.", most=MAX_DAYS),
            ("days",),
            _("For example: days: 3."),
        )
    return value
