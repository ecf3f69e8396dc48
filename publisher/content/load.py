"""Load posts and accounts from the tree, with every problem reported at its file and line.

A post is ``content/**/<name>.md`` or a bundle ``content/**/<name>/index.md`` with its media beside
it; an account is ``accounts/<name>.md``. Both are Markdown with YAML front matter. Loading never
stops at the first problem: it collects them all (each with a fix) and returns what it could
load. Nothing here talks to a network.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import re
import stat
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property, lru_cache, partial
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import msgspec

from publisher.content.confine import IMAGE_FORMATS, confined, content_problem
from publisher.content.profiles import IMAGES_DIR, check_image, profile_for
from publisher.content.secrets import env_name_problem, find_tokens
from publisher.content.targets import Directory, account_problems, resolve_targets
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.config import Config
from publisher.core.errors import Diagnostic, Severity
from publisher.core.escape import one_line
from publisher.core.front_matter import FrontMatter, FrontMatterError, read_front_matter
from publisher.core.i18n import _
from publisher.core.model import (
    Account,
    Contest,
    EditFallback,
    EntryKind,
    Live,
    Media,
    MediaKind,
    Override,
    Poll,
    Post,
    Profile,
    Target,
    result_file_path,
)
from publisher.core.packing import Codec, decoder, packed, typed
from publisher.core.parallel import fork_map
from publisher.inbox.items import InboxItem, read_items
from publisher.state.cache import (
    Cache,
    Entry,
    decode_entry,
    decode_result_file,
    encode_entry,
    encode_result_file,
    read_id_index,
    salt_of,
)
from publisher.state.moves import find_moves, post_path_of
from publisher.state.result_files import (
    RESULT_FILE_ERRORS,
    ResultFile,
    ResultFiles,
    parse_result_file,
)
from publisher.state.tree import Tree, scan_tree, scope_filter

POST_FIELDS = (
    "title",
    "id",
    "networks",
    "accounts",
    "repost_from",
    "publish_at",
    "status",
    "media",
    "poll",
    "overrides",
    "tags",
    "link",
    "hold",
    "on_edit_unsupported",
    "contest",
    "live",
)
#: what ``contest:`` may say; nothing in it chooses the draw (see ``engine.contests``)
CONTEST_FIELDS = ("entry", "closes", "winners", "keyword")
ENTRY_KINDS: dict[str, EntryKind] = {"comment": "comment", "repost": "repost", "poll": "poll"}
#: the most winners a contest may draw: more is a typo, not a municipal contest
MAX_WINNERS = 100
LIVE_FIELDS = ("starts", "title")
ACCOUNT_FIELDS = (
    "network",
    "id",
    "token_env",
    "secrets",
    "title",
    "avatar",
    "cover",
    "website",
    "settings",
    "default",
    "moderation",
    "on_edit_unsupported",
)
STATUSES = ("draft", "ready", "withdrawn")
MEDIA_KINDS: dict[str, MediaKind] = {
    ".jpg": "photo",
    ".jpeg": "photo",
    ".png": "photo",
    ".webp": "photo",
    ".gif": "animation",
    ".mp4": "video",
    ".mov": "video",
    ".avi": "video",
    ".webm": "video",
    ".pdf": "document",
    ".doc": "document",
    ".docx": "document",
    ".xls": "document",
    ".xlsx": "document",
    ".zip": "document",
}
RESULT_FILE_NAMES = ("published.yml",)
HASH_CHUNK = 1024 * 1024
#: the largest post or account file read: ten times the longest text any network takes (a
#: Facebook post, 63,206 characters, in two-byte Cyrillic), so only junk is refused unread
MAX_FILE_BYTES = 1024 * 1024
#: an explicit ``id:``: lower-case Latin letters, digits and dashes, as ``publisher new`` names
#: a post's folder, optionally in segments like the ids taken from paths (``2026/12/elka``)
ID_PATTERN = re.compile(r"(?=.{1,100}\Z)[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*\Z")
#: what a front matter value used as text, an option or a poll answer may be
_SCALARS = (str, int, float)
#: the values of ``on_edit_unsupported:``
_FALLBACKS: dict[str, EditFallback] = {"blocked": "blocked", "replace": "replace"}
#: what ``hold:`` may say: ``all`` holds the whole post back for any error, ``network`` (the
#: default) only the targets whose rule the post breaks
_HOLDS = {"all": True, "network": False}


@dataclass(frozen=True)
class Content:
    """Everything loaded from the tree, and every problem met on the way."""

    posts: tuple[Post, ...]
    accounts: tuple[Account, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    #: each account's profile by account name, its images read from disk
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    orphan_result_files: tuple[str, ...] = ()
    broken_posts: frozenset[str] = field(default_factory=frozenset)
    #: citizens' messages filed under content/inbox/
    inbox: tuple[InboxItem, ...] = ()
    #: the files under content/ and accounts/ with the identity of their contents
    tree: Tree | None = field(default=None, compare=False)
    #: result files left behind by moved posts: the new path -> the left-behind one
    moves: Mapping[str, str] = field(default_factory=dict)
    #: where each post goes, by post path (``content.targets``; None: worked out from the
    #: accounts, with no groups, when first asked: content built by hand in a test)
    targets: Mapping[str, tuple[Target, ...]] | None = None
    #: why check holds a post back, by post path: by target (account name), or "" for the
    #: whole post (see ``holding_back``)
    holds: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def holding_back(self, errors: Iterable[Diagnostic]) -> Content:
        """The content with posts held back from publishing where check found an error.

        An error of one network's rule (``Diagnostic.targets``) holds the post back on those
        targets only, unless the post says ``hold: all``; any other error in its file, or in
        its result file (a damaged one must not read as "never published"), everywhere. Each
        hold keeps its reason in words for the plan (``hold_reason``)."""
        posts = {p.path: p for p in self.posts}
        found: dict[str, dict[str, list[Diagnostic]]] = {}
        for problem in errors:
            if not problem.is_error:
                continue
            post = posts.get(problem.path)
            scoped = problem.targets and post is not None and not post.hold_all
            for target in problem.targets if scoped else ("",):
                found.setdefault(problem.path, {}).setdefault(target, []).append(problem)
        for post in self.posts:
            for rel in (post.result_file_path, self.moves.get(post.result_file_path, "")):
                damaged = found.get(rel, {}).get("")
                if damaged:
                    found.setdefault(post.path, {}).setdefault("", []).extend(damaged)
        holds = {
            path: {target: hold_reason(problems) for target, problems in by_target.items()}
            for path, by_target in found.items()
        }
        whole = {path for path, by_target in holds.items() if "" in by_target}
        return replace(self, broken_posts=self.broken_posts | whole, holds={**self.holds, **holds})

    def held(self, post: Post, target: str) -> str | None:
        """Why ``post`` is held back on ``target`` (an account name), or None if it is not:
        the reason check gave (see ``holding_back``), or for a file that could not be loaded
        whole, that it has errors."""
        reasons = self.holds.get(post.path, {})
        if post.path in self.broken_posts:
            return reasons.get("") or _("the file has errors: run publisher check")
        return reasons.get(target)

    def targets_of(self, post: Post) -> tuple[Target, ...]:
        """The accounts the post goes to (see ``content.targets``)."""
        return self._targets.get(post.path, ())

    @cached_property
    def _targets(self) -> Mapping[str, tuple[Target, ...]]:
        if self.targets is not None:
            return self.targets
        return resolve_targets(self.posts, Directory(self.accounts, {}, NETWORK_TABLE))[0]

    def default_account(self, network: str) -> Account | None:
        """The account a post that names just the network goes to (see ``content.targets``)."""
        return self._directory.default_of(network)

    @cached_property
    def default_accounts(self) -> Mapping[str, str]:
        """Network -> the name of its default account: what a record written when a network
        had one account (a result entry, log entry, cursor or inbox file naming no account)
        is about."""
        found = (self.default_account(network) for network in NETWORK_TABLE)
        return {account.network: account.name for account in found if account is not None}

    @cached_property
    def account_aliases(self) -> Mapping[str, str]:
        """``default_accounts`` where the account's name is not its network's: what an old
        result entry keyed by its network must be filed under (``with_aliases``)."""
        return {n: name for n, name in self.default_accounts.items() if name != n}

    @cached_property
    def _directory(self) -> Directory:
        return Directory(self.accounts, {}, ())

    def account(self, name: str) -> Account | None:
        """The account named ``name`` (its file name), if there is one."""
        for account in self.accounts:  # a few: a loop is quicker than any index
            if account.name == name:
                return account
        return None


def hold_reason(problems: list[Diagnostic]) -> str:
    """Why a post is held back, for a plan row: the first error in words, where it is, and
    how many more check lists."""
    first = problems[0]
    reason = _(
        "{problem} ({file}:{line})",
        problem=first.message.rstrip("."),
        file=first.path,
        line=first.line,
    )
    if len(problems) == 1:
        return reason
    return _(
        "{reason}; more errors: {count} (publisher check lists them)",
        reason=reason,
        count=len(problems) - 1,
    )


class _Problems:
    """Collects diagnostics for one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def error(self, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(self.path, line, Severity.ERROR, message, hint, code))

    def warning(self, line: int, message: str, hint: str = "", code: str = "") -> None:
        self.items.append(Diagnostic(self.path, line, Severity.WARNING, message, hint, code))


def load_content(
    repo: Path, config: Config, known_networks: Iterable[str], only: Iterable[str] | None = None
) -> Content:
    """Load every post and account under ``repo``; collect problems instead of stopping."""
    return load_cached(repo, config, known_networks, only)[0]


def load_cached(
    repo: Path, config: Config, known_networks: Iterable[str], only: Iterable[str] | None = None
) -> tuple[Content, Cache | None]:
    """The content, and the cache it was loaded through (the run's: what it derives goes there
    too, and ``Cache.save`` keeps it for the next run).

    With ``only`` (some files or folders, as a pull request's check names them), only the posts
    there are loaded, without a cache; the others are known just by their ids (from the last
    full run's index where their files are unchanged), to find a duplicate id.
    """
    networks = tuple(known_networks)
    tree = scan_tree(repo, (config.content_dir, config.accounts_dir))
    salt = salt_of(config, networks, str(repo.resolve()))
    paths = _post_paths(tree, config)
    cache: Cache | None = None
    others: dict[str, str] = {}
    loaded_now: set[str] = set()
    wanted = scope_filter(only)
    if only is None:
        cache = Cache(repo, tree, salt)
        entries, loaded_now = _post_entries(cache, paths, repo, config, networks)
    else:
        entries = _load_entries([rel for rel in paths if wanted(rel)], repo, config, networks)
        others = _ids_of(
            [rel for rel in paths if not wanted(rel)], tree, salt, repo, config, networks
        )
    posts: list[Post] = []
    broken: set[str] = set()
    diagnostics: list[Diagnostic] = []
    for rel, entry in entries.items():
        diagnostics.extend(entry.problems)
        if entry.post is None or any(p.is_error for p in entry.problems):
            broken.add(rel)
        if entry.post is not None:
            posts.append(entry.post)
    diagnostics.extend(_duplicate_ids(posts, others))
    accounts: list[Account] = []
    profiles: dict[str, Profile] = {}
    for path in sorted((repo / config.accounts_dir).rglob("*.md")):
        account, problems = load_account(repo, path, networks)
        diagnostics.extend(problems)
        if account is not None:
            accounts.append(account)
            if wanted(account.path):  # a profile is rendered and its images read: costly
                profile, image_problems = _profile(repo, account, cache)
                profiles[account.name] = profile
                diagnostics.extend(image_problems)
    diagnostics.extend(account_problems(accounts, config.groups))
    targets, target_problems = resolve_targets(posts, Directory(accounts, config.groups, networks))
    diagnostics.extend(target_problems)
    broken.update(d.path for d in target_problems)
    if cache is not None:
        unread = [p.result_file_path for p in posts if p.path not in loaded_now]
        _read_result_files(repo, tree, unread, cache)
    foreign, foreign_problems = _foreign_result_files(repo, tree, posts, cache)
    diagnostics.extend(foreign_problems)
    broken.update(d.path for d in foreign_problems)
    orphans = _orphan_result_files(tree, config, posts, broken) + foreign if only is None else ()
    moves = find_moves(repo, posts, orphans)
    orphans = tuple(rel for rel in orphans if rel not in moves.disputed)  # nothing deleted
    diagnostics.extend(moves.problems)
    broken.update(d.path for d in moves.problems)
    content = Content(
        tuple(posts),
        tuple(accounts),
        tuple(sorted(diagnostics, key=lambda d: (d.path, d.line))),
        profiles,
        orphans,
        frozenset(broken),
        tuple(read_items(repo)),
        tree,
        moves.carried,
        targets,
    )
    return content, cache


def _post_paths(tree: Tree, config: Config) -> list[str]:
    """Post files in path order (folders named inbox hold citizens' messages, not posts)."""
    skip = len(config.content_dir.rstrip("/"))
    return [
        rel
        for rel in tree.under(config.content_dir)
        if _is_post_file(rel) and "/inbox/" not in rel[skip:]
    ]


def _post_entries(
    cache: Cache, paths: list[str], repo: Path, config: Config, networks: tuple[str, ...]
) -> tuple[dict[str, Entry], set[str]]:
    """Each post file's entry by path, in path order: from the cache, or loaded now, and with
    it its result file where the cache does not know that (see ``_read_result_files``); and
    the paths of the post files loaded now."""
    entries = {rel: cache.get(rel) for rel in paths}
    results = {}
    for rel, entry in entries.items():
        target = result_file_path(rel)
        digest = cache.tree.digest(target) if entry is None else None
        if digest is not None and cache.known_result_file(digest) is None:
            results[rel] = target
    missing = [rel for rel, entry in entries.items() if entry is None]
    loaded = _load_entries(missing, repo, config, networks, cache, results)
    return {rel: entry or loaded[rel] for rel, entry in entries.items()}, set(missing)


def _load_entries(
    paths: list[str],
    repo: Path,
    config: Config,
    networks: tuple[str, ...],
    cache: Cache | None = None,
    results: Mapping[str, str] | None = None,
) -> dict[str, Entry]:
    """Load post files (on all cores when there are many), with the media each depends on,
    into the ``cache`` if given: with the files found free of tokens meanwhile, and the result
    file of each post in ``results`` (by post file) that loaded, read in the same pass."""
    wanted = results or {}

    def load(rel: str) -> _Loaded:
        path = repo / rel
        post, problems, media, text = _load_post(repo, path, config, networks, rel)
        if cache is None:
            return _Loaded(Entry(post, problems))
        identities = {str(media_path): cache.identity(media_path) for media_path in media}
        loaded = _Loaded(Entry(post, problems, identities), _free_of_tokens(path, text))
        if post is not None and rel in wanted:
            loaded.result_file, loaded.result_clean = _read_result_file(repo, wanted[rel])
        return loaded

    found = dict(zip(paths, fork_map(load, paths, _LOADED), strict=True))
    if cache is not None:
        for rel, loaded in found.items():
            cache.put(rel, loaded.entry, loaded.stored)
            _keep(cache, cache.tree.digest(rel), None, loaded.clean)
            if rel in wanted:
                target = cache.tree.digest(wanted[rel])
                _keep(cache, target, loaded.result_file, loaded.result_clean, loaded.parsed)
    return {rel: loaded.entry for rel, loaded in found.items()}


@dataclass
class _Loaded:
    """A post file loaded: its entry; whether it is free of tokens; its result file if it was
    read in the same pass (in the cache's form; None if damaged), and whether that is free of
    tokens. Where a worker sent it: the entry's stored form, and the result file decoded as
    its bytes came in (the workers go on meanwhile)."""

    entry: Entry
    clean: bool = False
    result_file: bytes | None = None
    result_clean: bool = False
    stored: msgspec.Raw | None = None
    parsed: ResultFile | None = None


class _Sent(msgspec.Struct, array_like=True, frozen=True):
    """``_Loaded`` as a worker sends it."""

    entry: msgspec.Raw
    clean: bool
    result_file: bytes | None
    result_clean: bool


def _encode_loaded(loaded: _Loaded) -> bytes | None:
    stored = encode_entry(loaded.entry)
    if stored is None:
        return None
    sent = _Sent(msgspec.Raw(stored), loaded.clean, loaded.result_file, loaded.result_clean)
    return packed(sent)


def _decode_loaded(data: bytes) -> _Loaded:
    sent = _SENT.decode(data)
    entry = decode_entry(sent.entry)
    parsed = decode_result_file(sent.result_file) if sent.result_file is not None else None
    result_file = sent.result_file if parsed is not None else None
    return _Loaded(entry, sent.clean, result_file, sent.result_clean, sent.entry, parsed)


_SENT = decoder(_Sent)
_LOADED = Codec(_encode_loaded, _decode_loaded)


def _free_of_tokens(path: Path, text: str | None) -> bool:
    """Whether the file, read as ``text``, has no token in it (``scan_for_tokens`` need not
    read it): not if it is a link, which the search does not follow."""
    return text is not None and not path.is_symlink() and not find_tokens(text)


def _ids_of(
    paths: list[str],
    tree: Tree,
    salt: str,
    repo: Path,
    config: Config,
    networks: tuple[str, ...],
) -> dict[str, str]:
    """The post id of each file: from the last full run's index if unchanged, else loaded."""
    index = read_id_index(repo, salt) or {}
    ids: dict[str, str] = {}
    unknown: list[str] = []
    for rel in paths:
        known = index.get(rel)
        if known is not None and known[0] == tree.digest(rel):
            ids[rel] = known[1]
        else:
            unknown.append(rel)
    for rel, entry in _load_entries(unknown, repo, config, networks).items():
        if entry.post is not None:
            ids[rel] = entry.post.id
    return ids


def _is_post_file(rel: str) -> bool:
    """A Markdown file whose name does not start with ``_`` or ``.``."""
    name = rel.rpartition("/")[2]
    return name.endswith(".md") and not name.startswith(("_", "."))


@lru_cache(maxsize=64)
def _joined(repo: Path, folder: str) -> Path:
    """``repo / folder``, made once per run (for each of 10,000 posts it took 2 µs)."""
    return repo / folder


def _rel(repo: Path, path: Path) -> str:
    return path.relative_to(repo).as_posix()


def post_id_for(rel: str, content_dir: str) -> str:
    """``content/2026/12/new-year/index.md`` -> ``2026/12/new-year``."""
    inner = PurePosixPath(rel).relative_to(content_dir)
    if inner.name == "index.md":
        return inner.parent.as_posix()
    return inner.with_suffix("").as_posix()


def read_document(path: Path, problems: _Problems, root: Path | None = None) -> FrontMatter | None:
    """Read a Markdown file's front matter and body; report an unreadable file or front matter."""
    return _document(_read_text(path, problems, root), problems)


def _document(text: str | None, problems: _Problems) -> FrontMatter | None:
    """The front matter and body of a file's ``text`` (None if unread; reported if unreadable),
    its line ends read as ``open`` reads them: ``\r\n`` and a lone ``\r`` end a line."""
    if text is None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return read_front_matter(text)
    except FrontMatterError as error:
        problems.error(error.line, error.message, error.hint, error.code)
        return None


def _read_text(path: Path, problems: _Problems, root: Path | None) -> str | None:
    """The file's text as stored, line ends untouched (the token search reads it so), or None
    (reported) if it is a symlink out of ``root`` (its text would be published), too large to
    be a post, or unreadable."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            if root is not None and confined(root, _rel(root, path), (root,)) is None:
                problems.error(
                    1,
                    _(
                        "The file is a link to a file outside the folder {folder}.",
                        folder=root.name,
                    ),
                    _("Commit the file itself instead of a link."),
                    "link-outside",
                )
                return None
            info = path.stat()
        if info.st_size > MAX_FILE_BYTES:
            problems.error(
                1,
                _(
                    "The file is {size} KB; a post or account file may be at most {limit} KB.",
                    size=info.st_size // 1024,
                    limit=MAX_FILE_BYTES // 1024,
                ),
                _("No network takes a text this long: shorten it or split it into posts."),
                "file-too-large",
            )
            return None
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        problems.error(1, _("The file is not UTF-8 text."), _("Save it as UTF-8."), "encoding")
    except OSError as exc:
        problems.error(1, _("Cannot read the file: {error}", error=exc.strerror), "", "unreadable")
    return None


def _unknown_fields(doc: FrontMatter, allowed: tuple[str, ...], problems: _Problems) -> None:
    for name in doc.data:
        if str(name) in allowed:
            continue
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        hint = (
            _("Did you mean '{name}'?", name=close[0])
            if close
            else _("Known fields: {names}.", names=", ".join(allowed))
        )
        problems.error(
            doc.lines.get(str(name), 1),
            _("Unknown field '{name}'.", name=name),
            hint,
            "unknown-field",
        )


def load_post(
    repo: Path, path: Path, config: Config, networks: tuple[str, ...]
) -> tuple[Post | None, list[Diagnostic]]:
    """Load one post file; return the post (if its front matter could be read) and problems."""
    post, problems, _media, _text = _load_post(repo, path, config, networks)
    return post, problems


def _load_post(
    repo: Path, path: Path, config: Config, networks: tuple[str, ...], rel: str = ""
) -> tuple[Post | None, list[Diagnostic], list[Path], str | None]:
    """``load_post``, every media file it looked for (found or not): a change to any of them
    changes the result; and the file's text as stored, if it was read. ``rel``: the path in
    the repository, if known."""
    rel = rel or _rel(repo, path)
    problems = _Problems(rel)
    text = _read_text(path, problems, _joined(repo, config.content_dir))
    doc = _document(text, problems)
    if doc is None:
        return None, problems.items, [], text
    _unknown_fields(doc, POST_FIELDS, problems)
    reader = _PostReader(repo, path, rel, doc, config, networks, problems)
    return reader.build(), problems.items, reader.media_seen, text


class _PostReader:
    """Turns one post's front matter into a ``Post``, reporting each bad field."""

    def __init__(
        self,
        repo: Path,
        path: Path,
        rel: str,
        doc: FrontMatter,
        config: Config,
        networks: tuple[str, ...],
        problems: _Problems,
    ) -> None:
        self.repo, self.path, self.rel, self.doc = repo, path, rel, doc
        self.config, self.networks, self.problems = config, networks, problems
        self.media_seen: list[Path] = []

    def line(self, name: str) -> int:
        return self.doc.lines.get(name, 1)

    def build(self) -> Post:
        return Post(
            id=self._id(),
            path=self.rel,
            title=self._title(),
            body=self.doc.body,
            networks=self._networks(),
            accounts=self._accounts(),
            repost_from=self._names("repost_from", []),
            status=self._status(),
            publish_at=self._publish_at(),
            media=self._media(),
            poll=self._poll(),
            overrides=self._overrides(),
            tags=self._tags(),
            lines=dict(self.doc.lines),
            hold_all=self._hold_all(),
            on_edit_unsupported=edit_fallback(self.doc, self.problems),
            contest=self._contest(),
            live=self._live(),
        )

    def _hold_all(self) -> bool:
        value = self.doc.data.get("hold") or "network"
        held = _HOLDS.get(str(value).strip().lower())
        if held is None:
            self.problems.error(
                self.line("hold"),
                _("'hold' must be 'all' or 'network', not '{value}'.", value=one_line(str(value))),
                _(
                    "hold: all holds the whole post back when it breaks one network's rule; "
                    "without the line only that network waits."
                ),
                "hold",
            )
        return bool(held)

    def _id(self) -> str:
        value = self.doc.data.get("id")
        if value is None or value == "":
            return post_id_for(self.rel, self.config.content_dir)
        if not isinstance(value, str | int) or not ID_PATTERN.match(str(value)):
            self.problems.error(
                self.line("id"),
                _("The id '{id}' is not a valid id.", id=value),
                _(
                    "Use lower-case Latin letters, digits, dashes and slashes (up to 100), such "
                    "as elka-na-ploshchadi, or remove the line to take the id from the file's "
                    "path."
                ),
                "id",
            )
        return str(value)

    def _title(self) -> str:
        title = self.doc.data.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problems.error(
                self.line("title"),
                _("The post has no title."),
                _("Add a line 'title: ...' to the front matter."),
                "title",
            )
            return ""
        return title.strip()

    def _networks(self) -> tuple[str, ...]:
        """The names under ``networks:``: the config's default networks when the post names
        neither networks nor accounts. Which accounts they mean is ``content.targets``' to
        say, once every account is known."""
        default = [] if "accounts" in self.doc.data else list(self.config.default_networks)
        return self._names("networks", default)

    def _accounts(self) -> tuple[str, ...]:
        return self._names("accounts", [])

    def _names(self, field: str, default: list[str]) -> tuple[str, ...]:
        """A list of names (``networks:`` or ``accounts:``), lower-cased, each once."""
        value = self.doc.data.get(field, default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            example = "[vk, telegram]" if field == "networks" else "[district-vk, head-tg]"
            self.problems.error(
                self.line(field),
                _("'{field}' must be a list such as {example}.", field=field, example=example),
                code=field,
            )
            return ()
        return tuple(dict.fromkeys(str(item).strip().lower() for item in value))

    def _status(self) -> Any:
        status = str(self.doc.data.get("status", "ready")).strip().lower()
        if status not in STATUSES:
            self.problems.error(
                self.line("status"),
                _("Unknown status '{status}'.", status=status),
                _("Use one of: draft, ready, withdrawn."),
                "status",
            )
            return "draft"
        return status

    def _publish_at(self) -> datetime | None:
        if "publish_at" not in self.doc.data:
            return None
        value = self.doc.data["publish_at"]
        parsed = parse_time(value, self.config)
        if parsed is None:
            self.problems.error(
                self.line("publish_at"),
                _("Cannot read the time '{value}'.", value=one_line(str(value))),
                _time_hint(value),
                "publish-at",
            )
        return parsed

    def _media(self) -> tuple[Media, ...]:
        value = self.doc.data.get("media") or []
        if not isinstance(value, list):
            value = [value]
        items = (self._media_item(index, item) for index, item in enumerate(value))
        return tuple(m for m in items if m is not None)

    def _media_item(self, index: int, item: Any) -> Media | None:
        line = self.doc.lines.get(f"media[{index}]", self.line("media"))
        if isinstance(item, str):
            item = {"file": item}
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            self.problems.error(
                line,
                _("A media item must be a file name or 'file: ..., alt: ...'."),
                code="media",
            )
            return None
        file_name = item["file"].strip()
        found = confined(self.path.parent, file_name, self._media_roots())
        if found is None:
            self._outside(line, file_name)
            return None
        target, root = found
        self.media_seen.append(target)
        kind = item.get("kind") or MEDIA_KINDS.get(target.suffix.lower())
        if kind not in ("photo", "video", "animation", "document"):
            self.problems.error(
                line,
                _("Unknown media type of '{file}'.", file=file_name),
                _("Use JPEG, PNG, GIF, MP4 or PDF files, or set 'kind:'."),
                "media-kind",
            )
            return None
        alt = str(item.get("alt") or "").strip()
        media = inspect_media(target, self.repo, kind, alt, line, self.problems, root)
        if media is not None and kind == "photo" and not alt:
            self.problems.warning(
                line,
                _("The photo '{file}' has no description (alt).", file=file_name),
                _(
                    "Write it as file: {file} with alt: what is in the photo, in a few words. "
                    "Screen readers read it aloud to blind readers.",
                    file=file_name,
                ),
                "media-alt",
            )
        return media

    def _media_roots(self) -> tuple[Path, ...]:
        """The post's own folder, and the configured media folder."""
        media_dir = self.config.media_dir
        return (self.path.parent, *((self.repo / media_dir,) if media_dir else ()))

    def _outside(self, line: int, file_name: str) -> None:
        media_dir = self.config.media_dir
        self.problems.error(
            line,
            _("The media file '{file}' is outside the post's folder.", file=file_name),
            (
                _(
                    "Put the file next to the post or in the media folder {folder}; files whose "
                    "names start with a dot and links out of the folder are never published.",
                    folder=media_dir,
                )
                if media_dir
                else _(
                    "Put the file next to the post (or set media_dir in publisher.yml to a folder "
                    "under content/ for shared files); files whose names start with a dot and "
                    "links out of the folder are never published."
                )
            ),
            "media-outside",
        )

    def _poll(self) -> Poll | None:
        value = self.doc.data.get("poll")
        if value is None:
            return None
        line = self.line("poll")
        options = value.get("options") if isinstance(value, dict) else None
        question = value.get("question") if isinstance(value, dict) else None
        if not isinstance(question, str) or not isinstance(options, list) or len(options) < 2:
            self.problems.error(
                line,
                _("A poll needs a question and at least two options."),
                _("Write poll: with question: ... and options: [..., ...]."),
                "poll",
            )
            return None
        assert isinstance(value, dict)
        if not all(isinstance(o, _SCALARS) for o in options):
            self.problems.error(
                self.doc.lines.get("poll.options", line),
                _("Each poll option must be a line of text."),
                _("Write options: [First answer, Second answer]."),
                "poll",
            )
            return None
        answers = tuple(str(o).strip() for o in options)
        self._split_answer(answers, self.doc.lines.get("poll.options", line))
        return Poll(question.strip(), answers, bool(value.get("multiple")))

    def _contest(self) -> Contest | None:
        """``contest:``: how to take part, when it closes, how many win."""
        value = self.doc.data.get("contest")
        if value is None:
            return None
        line = self.line("contest")
        if not isinstance(value, dict):
            self.problems.error(
                line,
                _("'contest' must list its settings below it."),
                _("Write contest: with entry:, closes: and winners: lines below it."),
                "contest",
            )
            return None
        self._contest_fields(value, line)
        entry = ENTRY_KINDS.get(str(value.get("entry", "")).strip().lower())
        if entry is None:
            self.problems.error(
                self.doc.lines.get("contest.entry", line),
                _(
                    "Unknown way to take part '{entry}'.",
                    entry=one_line(str(value.get("entry", ""))),
                ),
                _("Write entry: comment, entry: repost or entry: poll."),
                "contest-entry",
            )
        closes = self._contest_closes(value, line)
        winners = self._contest_winners(value, line)
        keyword = str(value.get("keyword") or "").strip()
        if keyword and entry != "comment":
            self.problems.error(
                self.doc.lines.get("contest.keyword", line),
                _("A keyword counts only for entry: comment."),
                _("Remove keyword, or write entry: comment."),
                "contest-keyword",
            )
        if entry == "poll" and "poll" not in self.doc.data:
            self.problems.error(
                line,
                _("A contest by poll answer needs a poll in the post."),
                _("Add poll: with question: and options:, or take part by comment."),
                "contest-poll",
            )
        if entry is None or closes is None or winners is None:
            return None
        return Contest(entry, closes, winners, keyword)

    def _contest_fields(self, value: dict[Any, Any], line: int) -> None:
        for key in value:
            key_line = self.doc.lines.get(f"contest.{key}", line)
            if key == "seed":
                self.problems.error(
                    key_line,
                    _("A contest cannot name its draw's seed."),
                    _(
                        "Remove the line: the draw takes the commit that published the post, "
                        "fixed before anyone could enter, so nobody can choose the winners."
                    ),
                    "contest-seed",
                )
            elif key not in CONTEST_FIELDS:
                self.problems.error(
                    key_line,
                    _("Unknown contest setting '{name}'.", name=one_line(str(key))),
                    _("A contest takes: {names}.", names=", ".join(CONTEST_FIELDS)),
                    "contest-field",
                )

    def _contest_closes(self, value: dict[Any, Any], line: int) -> datetime | None:
        closes = parse_time(value.get("closes"), self.config)
        closes_line = self.doc.lines.get("contest.closes", line)
        if closes is None:
            self.problems.error(
                closes_line,
                _(
                    "Cannot read the closing time '{value}'.",
                    value=one_line(str(value.get("closes", ""))),
                ),
                _("Write closes: 2026-12-25 18:00 (local time)."),
                "contest-closes",
            )
            return None
        publish_at = parse_time(self.doc.data.get("publish_at"), self.config)
        if publish_at is not None and closes <= publish_at:
            self.problems.error(
                closes_line,
                _("The contest closes before the post is published."),
                _("Set closes: after publish_at."),
                "contest-closes",
            )
        return closes

    def _contest_winners(self, value: dict[Any, Any], line: int) -> int | None:
        winners = value.get("winners", 1)
        valid = isinstance(winners, int) and not isinstance(winners, bool)
        if not valid or not 1 <= winners <= MAX_WINNERS:
            self.problems.error(
                self.doc.lines.get("contest.winners", line),
                _(
                    "'winners' must be a whole number from 1 to {limit}, not '{value}'.",
                    limit=MAX_WINNERS,
                    value=one_line(str(winners)),
                ),
                _("Write, for example, winners: 3."),
                "contest-winners",
            )
            return None
        return int(winners)

    def _live(self) -> Live | None:
        """``live:``: the broadcast the post announces."""
        value = self.doc.data.get("live")
        if value is None:
            return None
        line = self.line("live")
        data = value if isinstance(value, dict) else {}
        for key in data:
            if key not in LIVE_FIELDS:
                self.problems.error(
                    self.doc.lines.get(f"live.{key}", line),
                    _("Unknown broadcast setting '{name}'.", name=one_line(str(key))),
                    _("A broadcast takes: {names}.", names=", ".join(LIVE_FIELDS)),
                    "live-field",
                )
        starts = parse_time(data.get("starts"), self.config)
        if starts is None:
            self.problems.error(
                self.doc.lines.get("live.starts", line),
                _("A broadcast needs its start time."),
                _("Write live: with starts: 2026-12-25 18:00 below it."),
                "live-starts",
            )
            return None
        return Live(starts, str(data.get("title") or "").strip())

    def _split_answer(self, answers: tuple[str, ...], line: int) -> None:
        """An option starting with a small letter is most likely the end of the one before,
        which a comma split in two: ``[Да, удобно, Нет]`` is three options to YAML."""
        for previous, answer in itertools.pairwise(answers):
            if answer[:1].islower() and not answer[1:2].isupper():  # not a name like iPhone
                self.problems.warning(
                    line,
                    _(
                        "The poll option '{option}' starts with a small letter: it may be the "
                        "end of '{previous}', split at the comma.",
                        option=answer,
                        previous=previous,
                    ),
                    _(
                        'If "{answer}" is one answer, put it in quotes: options: ["{answer}", '
                        "...].",
                        answer=", ".join((previous, answer)),
                    ),
                    "poll-comma",
                )
                return

    def _overrides(self) -> Mapping[str, Override]:
        value = self.doc.data.get("overrides") or {}
        link = self.doc.data.get("link")
        if link and not self._web_link(link, self.line("link")):
            link = None
        result: dict[str, Override] = {}
        if not isinstance(value, dict):
            self.problems.error(
                self.line("overrides"),
                _("Under 'overrides', write a network name and its settings below it."),
                code="overrides",
            )
            return result
        # a name that is neither a network nor an account is reported by ``content.targets``
        for network in set(map(str, value)) | set(self.networks if link else ()):
            settings = value.get(network) or {}
            if not isinstance(settings, dict):
                settings = {"text": settings}
            if not self._override_types(network, settings):
                continue
            own_link = settings.get("link")
            line = self.doc.lines.get(f"overrides.{network}", self.line("overrides"))
            if own_link and not self._web_link(own_link, line):
                continue
            options = {str(k): v for k, v in settings.items() if k != "text"}
            if link:
                options.setdefault("link", str(link))
            text = settings.get("text")
            result[network.lower()] = Override(str(text) if text is not None else None, options)
        return result

    def _web_link(self, value: object, line: int) -> bool:
        """Whether ``value`` is a web address; a ``javascript:`` or ``file:`` link is an error
        (the networks get it as a link card, the preview site as a live link)."""
        parts = urlsplit(str(value).strip())
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return True
        self.problems.error(
            line,
            _("The link '{link}' is not a web address.", link=one_line(str(value))[:100]),
            _("Write the whole address, starting with https://."),
            "link",
        )
        return False

    def _override_types(self, network: str, settings: dict[Any, Any]) -> bool:
        """Text and each setting of a network's override are plain values; report the rest."""
        wrong = [
            str(k)
            for k, v in settings.items()
            if v is not None and not isinstance(v, (*_SCALARS, bool))
        ]
        if not wrong:
            return True
        self.problems.error(
            self.doc.lines.get(f"overrides.{network}", self.line("overrides")),
            _(
                "'{name}' under overrides: {network}: must be text, a number or true/false.",
                name=wrong[0],
                network=network,
            ),
            _("Write it on one line, as in text: Short text for this network."),
            "overrides",
        )
        return False

    def _tags(self) -> tuple[str, ...]:
        value = self.doc.data.get("tags") or []
        if isinstance(value, str):
            value = [value]
        return tuple(str(t) for t in value) if isinstance(value, list) else ()


#: a date written day first, as ``20.12.2026 10:00`` (and the time after it, if any)
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T,]+(\d{1,2}):(\d{2}))?")


def _time_hint(value: Any) -> str:
    """How to write ``publish_at`` so it is read: this very time year first, where it was
    written day first, or with a time where it has none."""
    found = _DAY_FIRST.fullmatch(str(value).strip())
    if found is not None:
        day, month, year, hour, minute = found.groups()
        try:
            written = date(int(year), int(month), int(day))
        except ValueError:
            written = None
        if written is not None:
            time = f"{int(hour):02d}:{minute}" if hour else "10:00"
            return _("Write the date year first: publish_at: {day} {time}.", day=written, time=time)
    if isinstance(value, date) and not isinstance(value, datetime):
        return _("Add the time: publish_at: {day} 10:00.", day=value)
    return _("Write it as 2026-12-31 10:00 or 2026-12-31T10:00:00+03:00.")


def parse_time(value: Any, config: Config) -> datetime | None:
    """A ``publish_at`` value as an aware datetime; the config's zone when none is given."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        return None
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=config.zone)
    return parsed


def inspect_media(
    target: Path,
    repo: Path,
    kind: Any,
    alt: str,
    line: int,
    problems: _Problems,
    root: Path | None = None,
) -> Media | None:
    """Read a media file's size, hash and (for images) dimensions; report it if unreadable or
    if its bytes are not the ``kind`` it claims (``root``: the folder it was confined to)."""
    rel = (
        target.relative_to(repo.resolve()).as_posix()
        if target.is_relative_to(repo.resolve())
        else str(target)
    )
    name = PurePosixPath(rel).name
    if not target.is_file():
        problems.error(
            line,
            _("The media file '{file}' does not exist.", file=name),
            _("Put the file next to the post or correct its name."),
            "media-missing",
        )
        return None
    try:
        size, digest = _hash_file(target)
        wrong = content_problem(target, kind)
    except OSError as exc:
        problems.error(line, _("Cannot read '{file}': {error}", file=rel, error=exc.strerror))
        return None
    if wrong is not None:
        problems.error(
            line,
            _("'{file}' is not what its type says: {problem}", file=name, problem=wrong),
            _("Attach the real file, or set the right 'kind:'."),
            "media-content",
        )
        return None
    media = Media(path=target, rel=rel, kind=kind, alt=alt, size=size, sha256=digest, root=root)
    if kind in ("photo", "animation"):
        return _with_image_info(media, line, problems)
    if kind == "video":
        return replace(media, seconds=video_seconds(target))
    return media


def read_media(
    repo: Path, target: Path, root: Path, kind: MediaKind = "photo"
) -> tuple[Media | None, list[Diagnostic]]:
    """A file inside ``root`` as ``Media`` (size, hash, image size), or the problems that stop
    it being one."""
    problems = _Problems(_rel(repo, target) if target.is_relative_to(repo) else str(target))
    inside = target.is_relative_to(root)
    found = confined(root, target.relative_to(root).as_posix(), (root,)) if inside else None
    if found is None:
        problems.error(
            1,
            _(
                "The image '{file}' is outside the folder {folder}.",
                file=problems.path,
                folder=_rel(repo, root) if root.is_relative_to(repo) else str(root),
            ),
            code="media-outside",
        )
        return None, problems.items
    media = inspect_media(found[0], repo, kind, "", 1, problems, found[1])
    return media, problems.items


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def video_seconds(path: Path) -> float | None:
    """A video's play time from its MP4/MOV header (``mvhd``, or the sound track's ``mdhd``,
    read by mutagen); None when there is none to read: another container (WebM, AVI), a
    damaged or fragmented file (which says 0). Not knowing is no error: the network judges
    the file then, as it did before durations were read."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    try:
        seconds = float(MP4(path).info.length)
    except (MutagenError, OSError):
        return None
    return seconds if 0 < seconds < UNKNOWN_SECONDS else None


#: a play time this long is the header's "unknown" (all ones: 49 days at a time scale of
#: 1000), not a video anyone films; read as not known. At a time scale of 90,000 "unknown"
#: reads as 13 hours, and such a file is judged by that length [a known limit of reading
#: headers through mutagen, which gives the length but not the raw value]
UNKNOWN_SECONDS = 30 * 24 * 3600


def _with_image_info(media: Media, line: int, problems: _Problems) -> Media | None:
    """The image's size and format, if Pillow decodes it (only formats without external
    programs) and it is not a decompression bomb (more pixels than ``MAX_IMAGE_PIXELS``)."""
    from PIL import Image, UnidentifiedImageError

    name = PurePosixPath(media.rel).name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(media.path, formats=IMAGE_FORMATS) as image:
                width, height = image.size
                image_format = image.format or ""
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        problems.error(
            line,
            _(
                "'{file}' has too many pixels: at most {limit} million are read.",
                file=name,
                limit=(Image.MAX_IMAGE_PIXELS or 0) // 1_000_000,
            ),
            _("Scale the image down (a photo for a post needs no more than 4000×4000 px)."),
            "media-too-many-pixels",
        )
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        problems.error(
            line,
            _("'{file}' is not a readable image.", file=name),
            _("Save it again as JPEG or PNG."),
            "media-unreadable",
        )
        return None
    return replace(media, width=width, height=height, image_format=image_format)


def _duplicate_ids(posts: list[Post], others: Mapping[str, str]) -> list[Diagnostic]:
    """A post whose id an earlier file (in path order) already has; ``others`` are the ids of
    files not loaded, by path."""
    loaded = {post.path: post for post in posts}
    seen: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for path in sorted(loaded.keys() | others.keys()):
        post = loaded.get(path)
        post_id = post.id if post is not None else others[path]
        first = seen.setdefault(post_id, path)
        if first != path and post is not None:
            problems.append(
                Diagnostic(
                    post.path,
                    post.line_of("id"),
                    Severity.ERROR,
                    _(
                        "Two posts have the id '{id}': this one and {other}.",
                        id=post.id,
                        other=first,
                    ),
                    _("Give one of them a different 'id:'."),
                    "duplicate-id",
                )
            )
    return problems


def load_account(
    repo: Path, path: Path, networks: tuple[str, ...]
) -> tuple[Account | None, list[Diagnostic]]:
    """Load ``accounts/<name>.md``; the body is the account's description."""
    rel = _rel(repo, path)
    problems = _Problems(rel)
    doc = read_document(path, problems, path.parent)
    if doc is None:
        return None, problems.items
    _unknown_fields(doc, ACCOUNT_FIELDS, problems)
    data = doc.data
    network = str(data.get("network", "")).strip().lower()
    if network not in networks:
        problems.error(
            doc.lines.get("network", 1),
            _("Unknown network '{name}'.", name=network or "—"),
            _("Known networks: {names}.", names=", ".join(networks)),
            "unknown-network",
        )
    given_env = str(data.get("token_env") or "").strip()
    token_env = _env_name(given_env, "token_env", doc, problems)
    if not given_env:
        problems.error(
            doc.lines.get("token_env", 1),
            _("The account has no 'token_env'."),
            _(
                "Add 'token_env: NAME', the name of the CI secret holding the token (never the "
                "token itself)."
            ),
            "token-env",
        )
    secrets = data.get("secrets") or {}
    if not isinstance(secrets, dict):
        problems.error(
            doc.lines.get("secrets", 1),
            _("Under 'secrets', write lines like community: SECRET_NAME."),
        )
        secrets = {}
    settings = data.get("settings") or {}
    moderation = data.get("moderation")
    if moderation is None:
        moderation = {}
    elif not isinstance(moderation, dict):
        problems.error(
            doc.lines.get("moderation", 1),
            _("Under 'moderation', write rules as moderation.yml does: lines like name: value."),
            _("For example: categories: {insult: {action: review}}."),
            "account-moderation",
        )
        moderation = {}
    account = Account(
        name=path.stem,
        path=rel,
        network=network,
        account_id=str(data.get("id", "")).strip(),
        token_env=token_env,
        title=str(data.get("title") or ""),
        description=doc.body,
        avatar=str(data.get("avatar") or ""),
        cover=str(data.get("cover") or ""),
        website=str(data.get("website") or ""),
        extra_token_envs={
            str(k): _env_name(str(v).strip(), f"secrets.{k}", doc, problems)
            for k, v in secrets.items()
        },
        settings=dict(settings) if isinstance(settings, dict) else {},
        lines=dict(doc.lines),
        default=_flag(doc, "default", problems),
        moderation=moderation,
        on_edit_unsupported=edit_fallback(doc, problems),
    )
    if not account.account_id:
        problems.error(
            doc.lines.get("id", 1),
            _("The account has no 'id'."),
            _("Add 'id: ...', the group, channel or page id on the network."),
            "account-id",
        )
    return account, problems.items


def edit_fallback(doc: FrontMatter, problems: _Problems) -> EditFallback | None:
    """``on_edit_unsupported:`` of a post or an account file (None: not written there)."""
    value = doc.data.get("on_edit_unsupported")
    if value is None:
        return None
    found = _FALLBACKS.get(str(value).strip().lower())
    if found is None:
        problems.error(
            doc.lines.get("on_edit_unsupported", 1),
            _(
                "on_edit_unsupported must be 'blocked' or 'replace', not '{value}'.",
                value=one_line(str(value)),
            ),
            _(
                "blocked: the plan shows the edit a network cannot make and waits; replace: the "
                "post is deleted there and published again."
            ),
            "on-edit-unsupported",
        )
    return found


def _flag(doc: FrontMatter, field: str, problems: _Problems) -> bool:
    """A yes/no setting: ``true`` or ``false`` (anything else is an error, and no)."""
    value = doc.data.get(field, False)
    if isinstance(value, bool):
        return value
    problems.error(
        doc.lines.get(field, 1),
        _("'{field}' must be true or false.", field=field),
        code=field,
    )
    return False


def _env_name(value: str, field: str, doc: FrontMatter, problems: _Problems) -> str:
    """``value`` if it is the name of an environment variable, else "" and a problem that
    does not quote it (a token pasted here must not be printed again)."""
    wrong = env_name_problem(value) if value else None
    if wrong is None:
        return value
    problems.error(doc.lines.get(field, 1), *wrong, "token-env")
    return ""


def _profile(repo: Path, account: Account, cache: Cache | None) -> tuple[Profile, list[Diagnostic]]:
    """The account's profile, its avatar and cover read from paths relative to the repository
    (inside ``design/`` only)."""
    problems = _Problems(account.path)
    images: dict[str, Media | None] = {}
    for name in ("avatar", "cover"):
        rel = str(getattr(account, name))
        images[name] = None
        if not rel:
            continue
        line = account.lines.get(name, 1)
        found = confined(repo, rel, (repo / IMAGES_DIR,))
        if found is None:
            problems.error(
                line,
                _(
                    "The image '{file}' is outside the folder {folder}.",
                    file=rel,
                    folder=IMAGES_DIR,
                ),
                _(
                    "Put the image in {folder}/ and write its path from the repository root, "
                    "such as {folder}/avatar.png.",
                    folder=IMAGES_DIR,
                ),
                "media-outside",
            )
            continue
        media = inspect_media(found[0], repo, "photo", "", line, problems, found[1])
        images[name] = media
        if media is not None:
            problems.items.extend(check_image(account, name, media))
    return profile_for(account, images["avatar"], images["cover"], cache), problems.items


def _foreign_result_files(
    repo: Path, tree: Tree, posts: list[Post], cache: Cache | None
) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """Result files at a post's place that record the id of another post that exists, and an
    error on each such post: that post was moved away and a new one took its place. The new
    post must not inherit (edit, withdraw) the old one's publications; the old post, found by
    its id, takes its results along. A match is remembered by the contents' ids (``cache``)."""
    result_files = ResultFiles(repo)
    ids = {post.id for post in posts}
    foreign: list[str] = []
    problems: list[Diagnostic] = []
    for post in posts:
        digest = tree.digest(post.result_file_path)
        fact = f"owner:{digest}:{post.id}"
        if digest is None or (cache is not None and cache.known_clean(fact)):
            continue
        found = cache.known_result_file(digest) if cache is not None else None
        owner = found.post if found is not None else result_files.post_of(post.result_file_path)
        if owner in ("", post.id):
            if cache is not None:
                cache.mark_clean(fact)
            continue
        if owner not in ids:  # no such post now: a folder moved with its results (id = path)
            continue
        foreign.append(post.result_file_path)
        problems.append(
            Diagnostic(
                post.path,
                post.line_of("id"),
                Severity.ERROR,
                _(
                    "The results at this post's place ({file}) were recorded for another "
                    "post, '{owner}': that post was moved away and this one took its place.",
                    file=post.result_file_path,
                    owner=owner,
                ),
                _(
                    "Move {file} along with the post '{owner}' (git mv), or give this post "
                    "another file name; if '{owner}' is gone from the networks, remove {file}. "
                    "Until then this post is not published.",
                    file=post.result_file_path,
                    owner=owner,
                ),
                "moved-post",
            )
        )
    return tuple(foreign), problems


def _read_result_files(repo: Path, tree: Tree, paths: list[str], cache: Cache) -> None:
    """Parse the result files the cache does not know yet, on all cores, into the cache, and
    search them for tokens meanwhile: this run reads each of them once. A damaged one is left
    for its readers to report, one that holds a token for ``scan_for_tokens``."""
    todo = [
        (rel, digest)
        for rel in paths
        if (digest := tree.digest(rel)) is not None and cache.known_result_file(digest) is None
    ]
    read = fork_map(partial(_read_result_file, repo), [rel for rel, _digest in todo], _READ)
    for (_rel, digest), (encoded, clean) in zip(todo, read, strict=True):
        _keep(cache, digest, encoded, clean)


def _keep(
    cache: Cache,
    digest: str | None,
    result_file: bytes | None,
    clean: bool,
    parsed: ResultFile | None = None,
) -> None:
    """What reading the file with blob id ``digest`` found: the result file parsed (in the
    cache's form, and decoded if ``parsed``), if it is one, and whether it is free of tokens."""
    if digest is None:
        return
    if result_file is not None:
        cache.keep_encoded_result_file(digest, result_file, parsed)
    if clean:
        cache.mark_clean(digest)


def _read_result_file(repo: Path, rel: str) -> tuple[bytes | None, bool]:
    """A result file as parsed, in the cache's form (None if damaged), and whether it is text
    free of tokens."""
    path = repo / rel
    try:
        if path.is_symlink():  # left to its readers, as it is to the token search
            return None, False
        text = path.read_bytes().decode("utf-8")
    except RESULT_FILE_ERRORS:
        return None, False
    clean = not find_tokens(text)
    try:
        encoded = encode_result_file(parse_result_file(text))
    except RESULT_FILE_ERRORS:
        return None, clean
    return (bytes(encoded) if encoded is not None else None), clean


#: a result file read by a worker (``_read_result_file``)
_READ = typed(tuple[bytes | None, bool])


def _orphan_result_files(
    tree: Tree, config: Config, posts: list[Post], broken: set[str]
) -> tuple[str, ...]:
    """Result files whose post file was removed: their posts are to be deleted."""
    known = {p.result_file_path for p in posts}
    orphans = []
    for rel in tree.under(config.content_dir):
        if not (rel.endswith("/published.yml") or rel.endswith(".published.yml")):
            continue
        if rel.startswith(f"{config.content_dir}/inbox/"):
            continue  # answers to citizens, not posts
        if rel in known or post_path_of(rel) in broken:
            continue
        orphans.append(rel)
    return tuple(orphans)
