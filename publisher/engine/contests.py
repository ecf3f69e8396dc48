"""Contests at ``apply`` time: read the entrants, draw the winners once, prepare the results.

Every run reads the entrants of each published contest that has not been drawn, on every
account that published it, and adds them to ``contests/<post id>.yml`` (Telegram shows a bot
comments for a day only, so a contest longer than that is read as it goes). An entry counts
once it is seen, until the author turns out to be excluded. The first run after the closing
time that reads every account draws: seed and entrants in, winners out (``core.draw``), written
once, atomically, and committed with the run's results; a record with a draw is never drawn
again. Only then is the results post written, as a draft beside the contest post, for people to
complete and approve in a merge request (which ``engine.results_request`` opens once the draft
is pushed, where a Git host is configured); publisher never publishes it by itself.

Who is left out: our own accounts and communities, the staff and the banned authors
(``contests:`` in publisher.yml, the moderation log), and comments without the keyword. A
person linked across networks (``contests: linked:``) enters once. Nothing personal is written:
entrants are pseudonyms (``pseudonym``), and the draw needs nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from publisher.core.config import ContestRules
from publisher.core.draw import draw
from publisher.core.errors import PublisherError
from publisher.core.i18n import _
from publisher.core.model import Contest, Entrant, Post, ResultEntry
from publisher.moderation.log import LogEntry
from publisher.networks.base import Adapter
from publisher.state.atomic import write_atomic
from publisher.state.contest_files import (
    CONTEST_FILE_ERRORS,
    RESULTS_SUFFIX,
    ContestRecord,
    Drawn,
    contest_file_path,
    read_contest_file,
    write_contest_file,
)


@dataclass(frozen=True)
class ResultsDraft:
    """A results post a run wrote, and what the request to approve it tells."""

    post: str
    title: str
    #: the draft's repository path
    path: str
    entrants: int
    #: the winners by pseudonym, in draw order
    winners: tuple[str, ...]


@dataclass
class ContestReport:
    """What one run did with the contests: files written, draws made, what waits and why."""

    files: list[str] = field(default_factory=list)
    #: post id -> its new draw
    drawn: dict[str, Drawn] = field(default_factory=dict)
    #: post id -> the results post written for it
    results: dict[str, ResultsDraft] = field(default_factory=dict)
    #: (post id, account) -> why its entrants could not be read this run
    failed: dict[tuple[str, str], str] = field(default_factory=dict)


def pseudonym(person: str) -> str:
    """A person (``<network>:<id>``, the first of their linked accounts) as the contest file
    names them: ``u-`` and 12 hex digits of SHA-256. It hides the id from a casual reader, not
    from someone who tries every id of a network, so the file is still kept minimal."""
    return "u-" + hashlib.sha256(person.encode()).hexdigest()[:12]


def results_post_path(post: Post) -> str:
    """``…/konkurs/index.md`` and ``…/konkurs.md`` -> ``…/konkurs-itogi.md``."""
    base = post.path.removesuffix("/index.md").removesuffix(".md")
    return base + RESULTS_SUFFIX


def banned_people(entries: Iterable[LogEntry]) -> set[str]:
    """``<network>:<author>`` of everyone whose last ban in the log is not lifted."""
    banned: set[str] = set()
    for entry in entries:
        person = f"{entry.network}:{entry.author_id}"
        if entry.action == "banned":
            banned.add(person)
        elif entry.action == "unbanned":
            banned.discard(person)
    return banned


@dataclass(frozen=True)
class Exclusions:
    """Who may not take part, and who is one person across networks."""

    rules: ContestRules
    #: our own accounts' ids by network (``vk:123`` for community 123)
    own: frozenset[str]
    banned: frozenset[str]

    def canonical(self, person: str) -> str:
        """The first of the linked accounts ``person`` is among, else ``person``."""
        for group in self.rules.linked:
            if person in group:
                return sorted(group)[0]
        return person

    def excludes(self, person: str) -> bool:
        """Our own account or a VK community (negative id: no person), a member of staff or
        a banned author, also by any account linked to this one."""
        network, _sep, ident = person.partition(":")
        if (network == "vk" and ident.startswith("-")) or person in self.own:
            return True
        group = next((g for g in self.rules.linked if person in g), (person,))
        barred = self.rules.staff | self.banned
        return any(member in barred for member in (person, *group))


class ContestRun:
    """One run's work on the contests of the repository at ``repo``."""

    def __init__(
        self,
        repo: Path,
        adapters: Mapping[str, Adapter],
        exclusions: Exclusions,
        now: datetime,
    ) -> None:
        self.repo, self.adapters, self.exclusions, self.now = repo, adapters, exclusions, now
        self.report = ContestReport()

    def run(self, post: Post, entries: Mapping[str, ResultEntry]) -> None:
        """Read, and draw if it is time, the contest of one published post."""
        contest = post.contest
        assert contest is not None
        rel = contest_file_path(post.id)
        try:
            record = read_contest_file(self.repo, rel)
        except CONTEST_FILE_ERRORS:
            self.report.failed[(post.id, "")] = _(
                "{file} is damaged; it is left as it is.", file=rel
            )
            return
        published = {
            name: entry
            for name, entry in sorted(entries.items())
            if entry.state == "published" and entry.remote_id
        }
        if not published:
            return
        if record is None:
            record = ContestRecord(
                post.id,
                contest.entry,
                contest.closes.isoformat(),
                contest.winners,
                seed=_seed(published),
            )
        if record.draw is not None and not _drawn_by_us(record, contest, published):
            self.report.failed[(post.id, "")] = _(
                "{file} holds a draw publisher did not make (before the closing time, or from "
                "another seed); it is left as it is: check it with publisher contest verify.",
                file=rel,
            )
            return
        if record.draw is None:
            record = self._read(post, contest, record, published)
            record = self._draw(contest, record, published, post.id)
            self._write(rel, record)
        if record.draw is not None and not record.results_post:
            path = self._results_post(post, record)
            self._write(rel, replace(record, results_post=path))

    def _read(
        self,
        post: Post,
        contest: Contest,
        record: ContestRecord,
        published: Mapping[str, ResultEntry],
    ) -> ContestRecord:
        entrants = set(record.entrants)
        read = dict(record.read)
        excluded: set[str] = set()
        for name, entry in published.items():
            adapter = self.adapters.get(name)
            if adapter is None:
                self.report.failed[(post.id, name)] = _("no token for the account")
                continue
            try:
                found = adapter.entrants(entry.ref(), contest.entry)
            except PublisherError as error:
                self.report.failed[(post.id, name)] = error.message
                continue
            kept, left = self._sorted(found, contest)
            entrants |= kept
            excluded |= left
            read[name] = self.now.isoformat()
        entrants -= excluded
        return replace(
            record,
            entrants=tuple(sorted(entrants)),
            read=read,
            excluded=max(record.excluded, len(excluded)),
        )

    def _sorted(self, found: Iterable[Entrant], contest: Contest) -> tuple[set[str], set[str]]:
        """The pseudonyms of those who count, and of those left out (so that one seen before
        and excluded since drops out too)."""
        kept: set[str] = set()
        left: set[str] = set()
        keyword = contest.keyword.casefold()
        for entrant in found:
            person = f"{entrant.network}:{entrant.person}"
            name = pseudonym(self.exclusions.canonical(person))
            if self.exclusions.excludes(person):
                left.add(name)
            elif entrant.at is not None and entrant.at > contest.closes:
                continue  # after the closing time: neither in nor out
            elif keyword and keyword not in entrant.text.casefold():
                continue
            else:
                kept.add(name)
        return kept, left

    def _draw(
        self,
        contest: Contest,
        record: ContestRecord,
        published: Mapping[str, ResultEntry],
        post_id: str,
    ) -> ContestRecord:
        """Draw once the contest has closed and every account was read after it closed."""
        if self.now < contest.closes or not record.seed:
            return record
        late = [
            name
            for name in published
            if not record.read.get(name)
            or datetime.fromisoformat(record.read[name]) < contest.closes
        ]
        if late:
            return record
        made = draw(record.seed, record.entrants, record.winners)
        drawn = Drawn(self.now.isoformat(), made.seed, made.digest, made.winners)
        self.report.drawn[post_id] = drawn
        return replace(record, draw=drawn)

    def _write(self, rel: str, record: ContestRecord) -> None:
        current = None
        try:
            current = read_contest_file(self.repo, rel)
        except CONTEST_FILE_ERRORS:
            current = None
        if current == record:
            return
        write_contest_file(self.repo, rel, record)
        if rel not in self.report.files:
            self.report.files.append(rel)

    def _results_post(self, post: Post, record: ContestRecord) -> str:
        """The draft results post beside the contest post (not over one a person wrote)."""
        rel = results_post_path(post)
        target = self.repo / rel
        if not target.exists():
            write_atomic(target, results_text(post, record), prefix=".itogi.")
            self.report.files.append(rel)
            winners = record.draw.winners if record.draw else ()
            drafted = ResultsDraft(post.id, post.title, rel, len(record.entrants), winners)
            self.report.results[post.id] = drafted
        return rel


def results_text(post: Post, record: ContestRecord) -> str:
    """The results post as a draft: the winners by pseudonym, and what a person adds."""
    assert record.draw is not None
    targets = ", ".join(post.accounts or post.networks)
    field_name = "accounts" if post.accounts else "networks"
    winners = "\n".join(
        _("{n}. Entrant {code}", n=n, code=code) for n, code in enumerate(record.draw.winners, 1)
    ) or _("Nobody took part.")
    # a double-quoted YAML string: no backslash or quote of the title may end or escape it
    title = _("Contest results: {title}", title=post.title).replace("\\", "/").replace('"', "'")
    body = _(
        "The contest \u00ab{title}\u00bb has ended: {count} people took part. The winners "
        "were drawn by lot; anyone can check the draw with publisher contest verify {post}.",
        title=post.title,
        count=len(record.entrants),
        post=post.id,
    )
    note = _(
        "Write the winners' names here once they agree, then set status: ready in a merge "
        "request. publisher contest winners {post}, run with the token, shows the links to their "
        "pages and writes them nowhere.",
        post=post.id,
    )
    return (
        f'---\ntitle: "{title}"\n{field_name}: [{targets}]\nstatus: draft\n---\n\n'
        f"{body}\n\n{winners}\n\n<!-- {note} -->\n"
    )


def ready_text(draft: str) -> str:
    """The results post as ``results_text`` wrote it, with ``status: ready`` for ``draft``
    (in its front matter only; a line of the text that says the same stays)."""
    front, sep, rest = draft.partition("\n---\n")
    return front.replace("\nstatus: draft", "\nstatus: ready", 1) + sep + rest


def _drawn_by_us(
    record: ContestRecord, contest: Contest, published: Mapping[str, ResultEntry]
) -> bool:
    """Whether a recorded draw can be publisher's: made after the closing time, from the seed
    the result file gives, with the winners that seed and list give. A draw written into the
    file by hand before the contest closed would otherwise stop publisher from drawing."""
    assert record.draw is not None
    try:
        made_at = datetime.fromisoformat(record.draw.at)
    except ValueError:
        return False
    made = draw(record.seed, record.entrants, record.winners)
    return (
        made_at >= contest.closes
        and record.seed == record.draw.seed == _seed(published)
        and made.winners == record.draw.winners
    )


def _seed(published: Mapping[str, ResultEntry]) -> str:
    """The commit that published the contest: the source of its first publication."""
    first = sorted(published.values(), key=lambda e: (e.published_at, e.account_key))
    return next((e.source_commit for e in first if e.source_commit), "")


def own_people(accounts: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Each of our accounts, given as (network, account id), as an author id on its network:
    a VK community writes as ``-<id>`` (user 1001 and community 1001 are different people)."""
    return frozenset(
        f"vk:-{ident.strip().removeprefix('-').removeprefix('club').removeprefix('public')}"
        if network == "vk"
        else f"{network}:{ident.strip()}"
        for network, ident in accounts
    )


def winners_found(
    winners: Iterable[str], found: Iterable[Entrant], exclusions: Exclusions
) -> dict[str, Entrant]:
    """The entrant behind each winning pseudonym, among those the networks show now."""
    wanted = set(winners)
    people: dict[str, Entrant] = {}
    for entrant in found:
        code = pseudonym(exclusions.canonical(f"{entrant.network}:{entrant.person}"))
        if code in wanted:
            people.setdefault(code, entrant)
    return people
