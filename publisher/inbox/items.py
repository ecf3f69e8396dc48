"""Citizens' messages: find them, file them with a deadline, publish the approved answer.

``collect`` reads new comments (and direct messages where the API gives them) on every account,
keeps questions, requests and complaints about the district's life, and files each as
``content/inbox/YYYY/MM/<account>-<id>.md`` with the account it came to (``account:``, the
answer goes out from it), a category and a deadline counted in working hours on the production
calendar. Files and cursors written before accounts were named are about each network's
default account. An officer writes the answer under ``## Ответ``; after the
merge, ``apply`` publishes it as a reply where the citizen asked, records it beside the file and
sets ``status: answered`` (only that line of the file changes).

A citizen's name and text are theirs to choose, so the file is written by ``yaml.safe_dump``
and read back by ``publisher.core.front_matter`` (python-frontmatter's split: the front matter
ends at the first line that is only dashes; values by the safe loader): a name like
``---\nstatus: answered`` stays a name.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from publisher.core.capabilities import network_title
from publisher.core.errors import ConfigError, Diagnostic, PublisherError, Severity
from publisher.core.escape import markdown_inline, markdown_link, one_line, printable
from publisher.core.front_matter import (
    FrontMatter,
    FrontMatterError,
    NoFrontMatter,
    read_front_matter,
)
from publisher.core.i18n import _
from publisher.core.labels import category_label
from publisher.core.model import Comment, by_account
from publisher.core.resources import DATA_DIR
from publisher.core.shapes import ShapeError, line_of, mapping, moment_of, sequence
from publisher.core.workcalendar import WorkCalendar, load_calendar
from publisher.inbox.departments import Departments
from publisher.state.atomic import write_atomic

INBOX_DIR = "content/inbox"
STATE_FILE = "content/inbox/state.yml"
DEFAULTS = DATA_DIR / "inbox.yml"
ANSWER_HEADING = "## Ответ"
#: the heading on a line of its own: the citizen's quoted "> ## Ответ" is not the answer
_ANSWER_LINE = re.compile(rf"^{re.escape(ANSWER_HEADING)}[ \t]*$", re.MULTILINE)
STATUSES = ("new", "in_progress", "answered", "closed")
#: ``source:`` of a message found outside our accounts (``monitoring.yml``)
OPEN_SOURCE = "open"
#: the mark of a quoted line, as ``render_item`` writes the citizen's message
_QUOTE = re.compile(r"^>[ ]?")
_STATUS_LINE = re.compile(r"^status:[ \t]*(\S*)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class InboxRules:
    """What is filed, how it is sorted, and when it is due (``inbox:`` in publisher.yml)."""

    relevant: tuple[str, ...]
    chatter: tuple[str, ...]
    urgent: tuple[str, ...]
    categories: Mapping[str, tuple[str, ...]]
    deadline: str = "8h"
    urgent_deadline: str = "4h"
    pseudonymize: bool = False
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    #: asks that alone file a message only about a public matter (a category's words, or
    #: ``public``), and never with ``noise`` (sales, asking for a shop or a master)
    questions: tuple[str, ...] = ()
    public: tuple[str, ...] = ()
    noise: tuple[str, ...] = ()


def load_inbox_rules(repo: Path, overrides: Mapping[str, Any] | None) -> InboxRules:
    """Package defaults with the repository's ``inbox:`` settings on top."""
    data = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))
    data.update(dict(overrides or {}))
    try:
        deadlines = mapping(data.get("deadlines"), "inbox", "deadlines")
        categories = mapping(data["categories"], "inbox", "categories")
        hours = mapping(data.get("working_hours"), "inbox", "working_hours")
        return InboxRules(
            relevant=_lower(data["relevant"], "relevant"),
            chatter=_lower(data["chatter"], "chatter"),
            urgent=_lower(data["urgent"], "urgent"),
            categories={str(k): _lower(v, "categories", str(k)) for k, v in categories.items()},
            deadline=str(deadlines.get("default", "8h")),
            urgent_deadline=str(deadlines.get("urgent", "4h")),
            pseudonymize=bool(data.get("pseudonymize", False)),
            calendar=load_calendar(repo, dict(hours)),
            questions=_lower(data.get("questions"), "questions"),
            public=_lower(data.get("public"), "public"),
            noise=_lower(data.get("noise"), "noise"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            _("The inbox settings in publisher.yml cannot be used: {error}", error=exc),
            _("Compare them with the README's example."),
        ) from None


def _lower(values: object, *keys: str) -> tuple[str, ...]:
    return tuple(str(v).lower() for v in sequence(values, "inbox", *keys))


def _matches(text: str, stems: Iterable[str]) -> list[str]:
    """Stems found at the start of a word (or anywhere, for punctuation like ``?``)."""
    found = []
    for stem in stems:
        if stem.isalpha() or " " in stem:
            if re.search(r"(?<!\w)" + re.escape(stem), text):
                found.append(stem)
        elif stem in text:
            found.append(stem)
    return found


@dataclass(frozen=True)
class Sorting:
    """How a message was sorted: filed or not, category, urgency."""

    relevant: bool
    category: str
    urgent: bool


def sort_message(text: str, rules: InboxRules) -> Sorting:
    """Questions, requests and complaints about public matters are filed; thanks, chatter and
    residents' questions to each other are not.

    A message that only asks (``questions``: "?", «когда», «подскажите») is filed when it
    speaks of a public matter (a category's words, or ``public``: the administration, a
    benefit, a permit) and is not about buying, selling or finding a shop (``noise``); a plain
    request or complaint («отремонтируйте», «нет воды», «жалоба») is filed as it is.
    """
    lowered = " ".join(text.lower().split())
    asks = _matches(lowered, rules.relevant)
    words = re.findall(r"\w+", lowered)
    relevant = bool(asks) and len(words) >= 3
    if relevant and asks == ["?"] and _matches(lowered, rules.chatter) and len(words) < 6:
        relevant = False
    scores = {name: len(_matches(lowered, stems)) for name, stems in rules.categories.items()}
    best = max(scores, key=lambda name: scores[name]) if scores else "other"
    category = best if scores.get(best) else "other"
    if relevant and all(ask in rules.questions for ask in asks):
        public = category != "other" or bool(_matches(lowered, rules.public))
        relevant = public and not _matches(lowered, rules.noise)
    return Sorting(relevant, category, bool(_matches(lowered, rules.urgent)))


@dataclass(frozen=True)
class ReplyTo:
    """Where and how the answer goes (``reply_to`` in the file, written by ``collect``)."""

    post: str = ""
    parent: str = ""
    author_id: str = ""
    direct: bool = False
    #: what the adapter needs to reply (Telegram's discussion chat, OK's discussion id, ...)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InboxItem:
    """One filed message, read back from its file (``read_items``); the fields are its keys."""

    path: str
    network: str = ""
    id: str = ""
    link: str = ""
    #: the account (its file name) the message came to; older files name none
    account: str = ""
    #: times as written: naive when written without an offset (the reports take them as
    #: local; ``check`` reports such a ``due``), None when absent or unreadable
    received: datetime | None = None
    author: str = ""
    author_link: str = ""
    category: str = "other"
    urgent: bool = False
    due: datetime | None = None
    status: str = "new"
    department: str = ""
    #: ``open`` for a message found outside our accounts; "" for one that came to them
    source: str = ""
    reply_to: ReplyTo = field(default_factory=ReplyTo)
    body: str = ""
    #: what a person's edit of the file broke (``_item_problems``): such a file is not answered
    problems: tuple[Diagnostic, ...] = ()

    @property
    def answer(self) -> str:
        """The officer's answer: the text under ``## Ответ`` up to the next heading."""
        found = _ANSWER_LINE.search(self.body)
        if found is None:
            return ""
        rest = self.body[found.end() :]
        return re.split(r"^#{1,2} ", rest, maxsplit=1, flags=re.MULTILINE)[0].strip()

    @property
    def question(self) -> str:
        """The citizen's message as filed: the quoted lines above ``## Ответ``, unquoted."""
        found = _ANSWER_LINE.search(self.body)
        above = self.body[: found.start()] if found else self.body
        return "\n".join(_QUOTE.sub("", line) for line in above.strip().splitlines()).strip()

    @property
    def deadline(self) -> datetime | None:
        """``due`` when it can be compared with the time now (it has an offset)."""
        return _aware(self.due)

    @property
    def result_file_path(self) -> str:
        return self.path[: -len(".md")] + ".published.yml"

    def comment(self) -> Comment:
        """The message as the adapter needs it to reply, and its text for the plan."""
        reply = self.reply_to
        return Comment(
            network=self.network,
            id=self.id,
            text=self.question,
            author_id=reply.author_id,
            post_id=reply.post,
            parent_id=reply.parent,
            is_direct=reply.direct,
            extra=dict(reply.extra),
        )


def _item(path: str, document: FrontMatter, text: str) -> InboxItem:
    """The item a file's front matter describes (``text``: the whole file), with what an edit
    broke in it."""
    data = document.data
    try:
        reply, broken = _reply_of(data), None
    except ShapeError as exc:
        reply, broken = ReplyTo(), exc
    return InboxItem(
        path=path,
        network=_text(data, "network"),
        account=_text(data, "account"),
        id=_text(data, "id"),
        link=_text(data, "link"),
        received=moment_of(data.get("received")),
        author=_text(data, "author"),
        author_link=_text(data, "author_link"),
        category=_text(data, "category", "other"),
        urgent=bool(data.get("urgent", False)),
        due=moment_of(data.get("due")),
        status=_text(data, "status", "new"),
        department=_text(data, "department"),
        source=_text(data, "source"),
        reply_to=reply,
        body=document.body,
        problems=_item_problems(path, document, broken, text),
    )


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None else str(value)


def _aware(moment: datetime | None) -> datetime | None:
    """A time that can be compared with the time now: one with its UTC offset."""
    return moment if moment is not None and moment.tzinfo else None


def _reply_of(data: Mapping[str, Any]) -> ReplyTo:
    """``reply_to`` and its ``extra``: where and how the answer goes."""
    reply = mapping(data.get("reply_to"), "reply_to")
    return ReplyTo(
        post=_text(reply, "post"),
        parent=_text(reply, "parent"),
        author_id=_text(reply, "author_id"),
        direct=bool(reply.get("direct", False)),
        extra=dict(mapping(reply.get("extra"), "reply_to", "extra")),
    )


def _item_problems(
    path: str, document: FrontMatter, broken: ShapeError | None, text: str
) -> tuple[Diagnostic, ...]:
    """What a person's edit broke in the lines publisher wrote (``broken``: in ``reply_to``;
    an open message's status line, which apply sets alone), each at its line: the file's
    answer cannot be sent (or its deadline counted) until they are restored."""
    data, lines = document.data, document.lines
    restore = _("Restore the line as publisher inbox collect wrote it (see the file's history).")
    found: list[tuple[int, str, str]] = []
    if broken is not None:
        found.append((_line_of(lines, broken.keys), str(broken), restore))
    if data.get("network") and data.get("id") in (None, ""):
        no_id = _("The message has no id: publisher cannot tell where to send the answer.")
        found.append((1, no_id, restore))
    if data.get("network") and str(data.get("status", "new")) not in ("answered", "closed"):
        try:
            with_status(text, "answered", path)
        except PublisherError as exc:
            found.append((lines.get("status", 1), exc.message, exc.hint))
    due = data.get("due")
    if due not in (None, "") and _aware(moment_of(due)) is None:
        unreadable = _("Cannot read the time '{value}'.", value=due)
        found.append(
            (
                lines.get("due", 1),
                unreadable,
                _("Write it with its time zone, like 2026-12-01T18:00+03:00."),
            )
        )
    return tuple(
        Diagnostic(path, line, Severity.ERROR, message, hint, "inbox-file")
        for line, message, hint in found
    )


def _line_of(lines: Mapping[str, int], keys: tuple[str, ...]) -> int:
    """The line of the deepest of ``keys`` the front matter has (``reply_to.extra``, else
    ``reply_to``); 1 when it has none."""
    names = (".".join(keys[:depth]) for depth in range(len(keys), 0, -1))
    return next((lines[name] for name in names if name in lines), 1)


def item_path(account: str, comment: Comment, received: datetime) -> str:
    """``<account>-<id>.md`` (``<account>-dm-<id>.md`` for a direct message) in the month's
    folder: two accounts of one network may have messages of one id (VK numbers comments per
    community), and a comment and a direct message may have one id too."""
    direct = "dm-" if comment.is_direct else ""
    name = re.sub(r"[^0-9A-Za-z_.-]", "_", f"{account}-{direct}{comment.id}")
    return f"{INBOX_DIR}/{received:%Y}/{received:%m}/{name}.md"


def open_item_path(comment: Comment, received: datetime) -> str:
    """``open-<network>-wall<wall>_<post>[_<comment>].md`` in the month's folder: a message found
    in the open is known by where it is, whichever of our accounts answers it."""
    name = re.sub(r"[^0-9A-Za-z_.-]", "_", f"open-{comment.network}-wall{_open_place(comment)}")
    return f"{INBOX_DIR}/{received:%Y}/{received:%m}/{name}.md"


def open_key(comment: Comment) -> str:
    """What tells one message found in the open from every other, across runs and across the
    searches that found it: its network, the wall, the post and the comment."""
    return f"open:{comment.network}:{_open_place(comment)}"


def _open_place(comment: Comment) -> str:
    owner = str(comment.extra.get("owner_id", ""))
    place = f"{owner}_{comment.post_id}"
    return place if comment.extra.get("kind") == "post" else f"{place}_{comment.id}"


def message_key(account: str, message_id: str, direct: bool) -> str:
    """What tells one message from every other: its account, its id, and whether it is a
    direct message (comments and direct messages are numbered apart)."""
    return f"{account}:{'direct:' if direct else ''}{message_id}"


def pseudonym(comment: Comment) -> str:
    digest = hashlib.sha256(f"{comment.network}:{comment.author_id}".encode()).hexdigest()[:8]
    return _("Resident {code}", code=digest)


def render_item(
    comment: Comment,
    account: str,
    sorting: Sorting,
    received: datetime,
    due: datetime,
    pseudonymize: bool,
    department: str = "",
    source: str = "",
) -> str:
    """The file for a new message: front matter, the message quoted, an empty answer section.

    The name and the text are kept without control characters (a terminal showing the file
    would obey them, and YAML cannot keep some of them).
    """
    name = printable(comment.author_name or comment.author_id)
    author = pseudonym(comment) if pseudonymize else name
    front = {
        "network": comment.network,
        "account": account,
        **({"source": source} if source else {}),
        "id": comment.id,
        "link": comment.url,
        "received": received.isoformat(timespec="minutes"),
        "author": author,
        "author_link": "" if pseudonymize else comment.author_url,
        "category": sorting.category,
        "urgent": sorting.urgent,
        "due": due.isoformat(timespec="minutes"),
        "status": "new",
        "department": department,
        "reply_to": {
            "post": comment.post_id,
            "parent": comment.parent_id,
            "author_id": "" if pseudonymize else comment.author_id,
            "direct": comment.is_direct,
            "extra": dict(comment.extra),
        },
    }
    lines = printable(comment.text).splitlines()
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{header}---\n\n{quoted}\n\n{ANSWER_HEADING}\n\n"


def read_items(repo: Path) -> list[InboxItem]:
    """Every filed message, oldest first."""
    folder = repo / INBOX_DIR
    items = []
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        rel = path.relative_to(repo).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            items.append(InboxItem(rel, problems=(_unreadable(rel),)))
            continue
        try:
            document = _front_matter(text)
        except NoFrontMatter:
            continue
        except FrontMatterError:  # front matter there, but broken by an edit
            items.append(InboxItem(rel, body=text, problems=(_unreadable(rel),)))
            continue
        items.append(_item(rel, document, text))
    return items


def _unreadable(rel: str) -> Diagnostic:
    return Diagnostic(
        rel,
        1,
        Severity.ERROR,
        _("The fields at the top of this message's file cannot be read."),
        _("Restore the file as publisher inbox collect wrote it (see the file's history)."),
        "inbox-file",
    )


def _front_matter(text: str) -> FrontMatter:
    """The file's front matter, the body without the whitespace around it (``FrontMatterError``
    if it cannot be read)."""
    document = read_front_matter(text)
    return replace(document, body=document.body.strip())


def set_status(repo: Path, rel: str, status: str) -> None:
    """Change only the ``status:`` line of an inbox file's front matter; every other byte stays
    (``with_status``)."""
    path = repo / rel
    write_atomic(path, with_status(path.read_text(encoding="utf-8"), status, rel))


def with_status(text: str, status: str, rel: str) -> str:
    """``text`` (the file ``rel``) with only its ``status:`` line set to ``status``.

    The line is looked for between the two front matter delimiters only, and the result is read
    back: unless exactly ``status`` changed, PublisherError is raised.
    """
    before = _readable(text)
    if before is None:
        raise PublisherError(_("{file} has no status line.", file=rel))
    start, end = before.span
    header, count = _STATUS_LINE.subn(f"status: {status}", text[start:end], count=1)
    updated = text[:start] + header + text[end:]
    if count != 1:
        raise PublisherError(
            _("{file} has no status line.", file=rel),
            _("Write the status line as 'status: new' on a line of its own and run apply again."),
        )
    if _readable(updated) != replace(before, data={**before.data, "status": status}):
        raise PublisherError(
            _(
                "The status of {file} cannot be changed alone: its front matter is unusual.",
                file=rel,
            ),
            _("Write the status line as 'status: new' on a line of its own and run apply again."),
        )
    return updated


def marked_answered(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` (an open message's file) with only its status set to
    ``answered``: the one change to a filed message that ``apply`` makes, in its result
    commit; any other change is a person's."""
    previous = _readable(before)
    if previous is None or str(previous.data.get("status", "new")) in ("answered", "closed"):
        return False
    try:
        return with_status(before, "answered", "") == after
    except PublisherError:
        return False


def _readable(text: str) -> FrontMatter | None:
    """``_front_matter``, or None if it cannot be read."""
    try:
        return _front_matter(text)
    except FrontMatterError:
        return None


@dataclass
class CollectReport:
    """What ``inbox collect`` filed and skipped."""

    filed: list[str] = field(default_factory=list)
    skipped: int = 0
    failed_accounts: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class Collector:
    """Files new relevant messages once; keeps a cursor per account.

    ``removed`` holds ``account:id`` of the comments moderation took away; ``defaults``
    (network -> the name of its default account) says which account the files and cursors
    written per network are about; ``departments`` says which department answers each.
    """

    def __init__(
        self,
        repo: Path,
        rules: InboxRules,
        removed: set[str],
        defaults: Mapping[str, str] | None = None,
        departments: Departments | None = None,
    ) -> None:
        self.repo = repo
        self.rules = rules
        self.removed = removed
        self.departments = departments or Departments()
        defaults = defaults or {}
        self.cursors = by_account(_read_cursors(repo), defaults)
        self.known = {_known_key(i, defaults) for i in read_items(repo)}

    def file(
        self, comments: Iterable[Comment], account: str, now: datetime, report: CollectReport
    ) -> None:
        """File the relevant ones of ``comments``, which came to ``account``."""
        for comment in comments:
            key = message_key(account, comment.id, comment.is_direct)
            if key in self.known or key in self.removed:
                continue
            self.known.add(key)
            self._file_one(comment, account, now, report, "")

    def file_open(
        self, found: Iterable[Comment], account: str, now: datetime, report: CollectReport
    ) -> None:
        """File the relevant ones of the messages ``found`` in the open, each once whichever
        search found it; ``account`` is ours that answers them."""
        for comment in found:
            key = open_key(comment)
            if key in self.known:
                continue
            self.known.add(key)
            self._file_one(comment, account, now, report, OPEN_SOURCE)

    def _file_one(
        self, comment: Comment, account: str, now: datetime, report: CollectReport, source: str
    ) -> None:
        """Sort the message by the inbox's rules and file it, routed to its department, with
        the deadline counted in that department's working hours."""
        sorting = sort_message(comment.text, self.rules)
        if not sorting.relevant:
            report.skipped += 1
            return
        received = (comment.created_at or now).astimezone(now.tzinfo)
        deadline = self.rules.urgent_deadline if sorting.urgent else self.rules.deadline
        department = self.departments.route(comment.text, sorting.category)
        calendar = department.calendar if department and department.calendar else None
        due = (calendar or self.rules.calendar).add(received, deadline)
        rel = open_item_path(comment, received) if source else item_path(account, comment, received)
        text = render_item(
            comment,
            account,
            sorting,
            received,
            due,
            self.rules.pseudonymize,
            department.key if department else "",
            source,
        )
        write_atomic(self.repo / rel, text)
        report.filed.append(rel)

    def since(self, account: str) -> datetime | None:
        return self.cursors.get(account)

    def advance(self, account: str, now: datetime) -> None:
        self.cursors[account] = now.replace(microsecond=0)

    def save(self) -> str:
        state = {
            n: {"last_collect": at.isoformat(timespec="seconds")} for n, at in self.cursors.items()
        }
        body = yaml.safe_dump(state, allow_unicode=True, sort_keys=True)
        write_atomic(self.repo / STATE_FILE, "# Ведёт publisher.\n" + body)
        return STATE_FILE


def _known_key(item: InboxItem, defaults: Mapping[str, str]) -> str:
    """The key ``Collector`` knows a filed message by (``open_key``, ``message_key``)."""
    if item.source == OPEN_SOURCE:
        return open_key(item.comment())
    account = item.account or defaults.get(item.network, item.network)
    return message_key(account, item.id, item.reply_to.direct)


def _read_cursors(repo: Path) -> dict[str, datetime]:
    """When each account was last collected from (``account: {last_collect: time}``, as
    ``Collector.save`` writes it; older files: by network); a damaged file is an error at its
    line."""
    path = repo / STATE_FILE
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _damaged_state(mark.line + 1 if mark else 1) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _damaged_state(1)
    cursors: dict[str, datetime] = {}
    for network, cursor in data.items():
        if not isinstance(cursor, dict | None):
            raise _damaged_state(line_of(text, str(network)))
        last = (cursor or {}).get("last_collect")
        at = _aware(moment_of(last))
        if at is not None:
            cursors[str(network)] = at
        elif last is not None:
            raise _damaged_state(line_of(text, str(network), "last_collect"))
    return cursors


def _damaged_state(line: int) -> PublisherError:
    return PublisherError(
        _("{file}:{line}: publisher cannot read this line.", file=STATE_FILE, line=line),
        _("Restore it from Git history; publisher writes it."),
    )


#: a message due within this long is raised in the inbox's issue before it is overdue
NEARING = timedelta(hours=2)


@dataclass(frozen=True)
class OpenItem:
    """A message still waiting for its answer."""

    path: str
    network: str
    category: str
    author: str
    due: datetime | None
    overdue: bool
    link: str
    #: the account it came to ("" in files written before accounts were named)
    account: str = ""
    department: str = ""
    source: str = ""
    #: due within ``NEARING``, not yet overdue
    nearing: bool = False

    @property
    def place(self) -> str:
        """Where it came to, as ``inbox status`` shows it: the account (its file name, the
        network's name where a network has one account named after it), else the network."""
        return self.account or self.network


def open_items(items: Iterable[InboxItem], now: datetime) -> list[OpenItem]:
    """Unanswered messages by deadline, overdue first."""
    result = []
    for item in items:
        if item.status in ("answered", "closed"):
            continue
        due = item.deadline
        overdue = due is not None and due < now
        result.append(
            OpenItem(
                item.path,
                item.network,
                item.category,
                item.author,
                due,
                overdue,
                item.link,
                item.account,
                item.department,
                item.source,
                nearing=due is not None and not overdue and due - now <= NEARING,
            )
        )
    return sorted(result, key=lambda o: (not o.overdue, o.due or now))


@dataclass(frozen=True)
class InboxSummary:
    """The counts ``inbox status`` gives with the open messages."""

    open: int
    overdue: int
    by_category: Mapping[str, int]
    by_network: Mapping[str, int]
    by_department: Mapping[str, int]


def summarize(items: Sequence[OpenItem]) -> InboxSummary:
    return InboxSummary(
        open=len(items),
        overdue=sum(1 for i in items if i.overdue),
        by_category=Counter(i.category for i in items),
        by_network=Counter(i.network for i in items),
        by_department=Counter(i.department for i in items if i.department),
    )


def status_json(items: list[OpenItem]) -> dict[str, Any]:
    """``inbox status --format=json``: the summary's counts and every open message."""
    summary = summarize(items)
    return {
        "open": summary.open,
        "overdue": summary.overdue,
        "by_category": dict(summary.by_category),
        "by_network": dict(summary.by_network),
        "by_department": dict(summary.by_department),
        "items": [
            {
                "file": i.path,
                "network": i.network,
                "account": i.place,
                "source": i.source or "account",
                "department": i.department,
                "category": i.category,
                "author": i.author,
                "due": i.due.isoformat(timespec="minutes") if i.due else None,
                "overdue": i.overdue,
                "nearing": i.nearing,
                "link": i.link,
            }
            for i in items
        ],
    }


def status_text(
    items: list[OpenItem], markdown: bool = False, departments: Departments | None = None
) -> str:
    """The open messages for a person: by department (where ``departments.yml`` names them),
    overdue first, then by deadline, with counts; in Markdown each department's group mentions
    its reviewers."""
    departments = departments or Departments()
    summary = summarize(items)
    title = _(
        "Citizens' messages: open {open}, overdue {overdue}.",
        open=summary.open,
        overdue=summary.overdue,
    )
    lines = [f"### {title}" if markdown else title]
    groups: dict[str, list[OpenItem]] = {}
    for item in items:
        groups.setdefault(item.department, []).append(item)
    for key in sorted(groups, key=lambda k: (k == "", k)):
        if len(groups) > 1 or key:
            lines.append(_group_heading(key, departments, markdown))
        lines.extend(_status_line(item, markdown) for item in groups[key])
    for counts, label in (
        (summary.by_category, category_label),
        (summary.by_network, network_title),
    ):
        if counts:
            clean = markdown_inline if markdown else one_line
            named = sorted((label(k), v) for k, v in counts.items())
            lines.append(
                ("- " if markdown else "") + ", ".join(f"{clean(k)}: {v}" for k, v in named)
            )
    return "\n".join(lines)


def _group_heading(key: str, departments: Departments, markdown: bool) -> str:
    """A department's heading: its name, and in Markdown its reviewers' @handles."""
    department = departments.by_key.get(key)
    name = department.name if department else key or _("No department")
    if not markdown:
        return f"[{one_line(name)}]"
    mentions = f" — {department.mentions}" if department and department.mentions else ""
    return f"\n#### {markdown_inline(name)}{mentions}"


def _status_line(item: OpenItem, markdown: bool) -> str:
    due = item.due.strftime("%Y-%m-%d %H:%M") if item.due else "—"
    flag = _("OVERDUE") if item.overdue else _("DUE SOON") if item.nearing else ""
    place = item.account or network_title(item.network)
    if item.source == OPEN_SOURCE:
        place = _("open: {network}", network=network_title(item.network))
    if markdown:
        return (
            f"- {'**' + flag + '** ' if flag else ''}{due} · {markdown_inline(place)} · "
            f"{markdown_inline(category_label(item.category))} · "
            f"{markdown_link(item.path, item.link)}"
        )
    category = category_label(item.category)
    place, category, path = (one_line(v) for v in (place, category, item.path))
    return f"{flag:>12} {due}  {place:<10} {category:<12} {path}"
