"""``contests/<post id>.yml``: the machine-owned record of one contest, and of its draw.

``apply`` writes it: the seed (fixed at the first reading, from the commit that published the
contest), the entrants by pseudonym as each run reads them, and once the contest has closed and
every account was read after the closing time, the draw. The draw is written once: a record
that has one is never drawn again, whatever a later run reads, so two runs (or a run after a
crash) cannot make two different draws. Names, profile links and user ids are not kept: a
pseudonym is all ``contest verify`` needs, and ``contest winners`` finds the winners' profiles
on the networks for the operator, with the token, without writing them anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from publisher.state.atomic import write_atomic

CONTESTS_DIR = "contests"
#: what ends a results post's name, beside the contest post (``konkurs-itogi.md``)
RESULTS_SUFFIX = "-itogi.md"
HEADER = (
    "# Этот файл ведёт publisher: участники конкурса (псевдонимы) и жеребьёвка. Не редактируйте "
    "его:\n# publisher contest verify сверяет его с историей Git.\n"
    "# Machine-owned: written by publisher apply. Do not edit by hand.\n"
)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: what reading a damaged contest file raises
CONTEST_FILE_ERRORS = (yaml.YAMLError, AttributeError, TypeError, ValueError, KeyError, OSError)


@dataclass(frozen=True)
class Drawn:
    """The draw as it was made: when, from what, and who won (by pseudonym, in draw order)."""

    at: str
    seed: str
    digest: str
    winners: tuple[str, ...]


@dataclass(frozen=True)
class ContestRecord:
    """What one contest's file holds."""

    post: str
    entry: str
    closes: str
    winners: int
    #: the commit that published the contest (the draw's seed)
    seed: str = ""
    #: every entrant by pseudonym, sorted
    entrants: tuple[str, ...] = ()
    #: when each account was last read (ISO time), by account name
    read: Mapping[str, str] = field(default_factory=dict)
    #: entries left out: our accounts, staff, banned authors, comments without the keyword
    excluded: int = 0
    draw: Drawn | None = None
    #: the results post prepared for approval (repository path)
    results_post: str = ""


def contest_file_path(post_id: str) -> str:
    return f"{CONTESTS_DIR}/{post_id}.yml"


def is_contest_file(rel: str) -> bool:
    return rel.startswith(CONTESTS_DIR + "/") and rel.endswith(".yml")


def read_contest_file(repo: Path, rel: str) -> ContestRecord | None:
    """The record at ``rel``; None when there is none yet (CONTEST_FILE_ERRORS if damaged)."""
    path = repo / rel
    if not path.exists():
        return None
    return parse_contest(path.read_text(encoding="utf-8"))


def parse_contest(text: str) -> ContestRecord:
    data = yaml.load(text, Loader=_LOADER)
    if not isinstance(data, dict):
        raise ValueError("a contest file holds settings")
    drawn = data.get("draw")
    return ContestRecord(
        post=str(data["post"]),
        entry=str(data["entry"]),
        closes=str(data["closes"]),
        winners=int(data["winners"]),
        seed=str(data.get("seed") or ""),
        entrants=tuple(sorted(str(e) for e in data.get("entrants") or [])),
        read={str(k): str(v) for k, v in dict(data.get("read") or {}).items()},
        excluded=int(data.get("excluded") or 0),
        draw=_drawn(drawn) if drawn else None,
        results_post=str(data.get("results_post") or ""),
    )


def _drawn(raw: Mapping[str, Any]) -> Drawn:
    return Drawn(
        at=str(raw["at"]),
        seed=str(raw["seed"]),
        digest=str(raw["digest"]),
        winners=tuple(str(w) for w in raw.get("winners") or []),
    )


def render_contest(record: ContestRecord) -> str:
    document: dict[str, Any] = {
        "post": record.post,
        "entry": record.entry,
        "closes": record.closes,
        "winners": record.winners,
        "seed": record.seed,
        "read": dict(sorted(record.read.items())),
        "excluded": record.excluded,
        "entrants": sorted(record.entrants),
    }
    if record.draw is not None:
        document["draw"] = {
            "at": record.draw.at,
            "seed": record.draw.seed,
            "digest": record.draw.digest,
            "winners": list(record.draw.winners),
        }
    if record.results_post:
        document["results_post"] = record.results_post
    return HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def write_contest_file(repo: Path, rel: str, record: ContestRecord) -> None:
    """Write the record atomically: a crash leaves the old one or the new one, never half."""
    target = repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, render_contest(record), prefix=".contest.")
