"""Where each post goes: the accounts its ``networks:`` and ``accounts:`` lists name.

A repository may keep any number of accounts on one network (``accounts/<name>.md``, in
subfolders too): the district's VK community, a settlement's, the head's Telegram channel. A
post names them in ``accounts: [district-vk, head-tg]``, or names networks in
``networks: [vk, ok]``: a network means its account marked ``default: true``, or its only
account. Both lists may name a group from ``publisher.yml`` (``groups: {settlements: [...]}``),
and ``overrides:`` may be keyed by account as well as by network (the account's wins).

A repository with one account per network works as before: ``networks: [vk]`` means that
account. A network named with no account file is still a target, named after the network and
without an account, so that the plan can say the file is missing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.model import Account, Post, Target

#: how deep groups may name groups (a loop of groups ends here)
MAX_GROUP_DEPTH = 4


class Directory:
    """The repository's accounts and groups, by name, for resolving what posts name."""

    def __init__(
        self,
        accounts: Sequence[Account],
        groups: Mapping[str, Sequence[str]],
        networks: Iterable[str],
    ) -> None:
        self.accounts = {a.name: a for a in accounts}
        self.groups = groups
        self.networks = tuple(networks)
        self.by_network: dict[str, list[Account]] = {}
        for account in accounts:
            self.by_network.setdefault(account.network, []).append(account)

    def default_of(self, network: str) -> Account | None:
        """The account ``networks: [network]`` means (None: none, or several unmarked)."""
        found = self.by_network.get(network, [])
        marked = [a for a in found if a.default]
        if len(marked) == 1:
            return marked[0]
        return found[0] if len(found) == 1 and not marked else None

    def names(self) -> list[str]:
        return [*self.networks, *self.accounts, *self.groups]


def resolve_targets(
    posts: Iterable[Post], directory: Directory
) -> tuple[dict[str, tuple[Target, ...]], list[Diagnostic]]:
    """Each post's targets by path, in the order written, each once; and an error for each
    name that is no network, account or group, or a network whose account is ambiguous."""
    targets: dict[str, tuple[Target, ...]] = {}
    problems: list[Diagnostic] = []
    #: what a name means, where working it out met no problem: the same for every post (a
    #: cold plan of 10,000 posts resolved ``vk`` 10,000 times: 0.03 s)
    meanings: dict[str, list[Target]] = {}
    #: the targets of each pair of lists met with no problem (most posts share a few pairs: a
    #: warm check of 10,000 posts spent 0.06 s resolving each post's names one by one)
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Target, ...]] = {}
    for post in posts:
        pair = (post.networks, post.accounts)
        resolved_pair = pairs.get(pair)
        if resolved_pair is None:
            known = len(problems)
            resolved_pair = _resolve_lists(post, directory, meanings, problems)
            if len(problems) == known:
                pairs[pair] = resolved_pair
        if post.overrides:
            problems.extend(_unknown_overrides(post, directory))
        if post.repost_from:
            problems.extend(_repost_problems(post, list(resolved_pair)))
        targets[post.path] = resolved_pair
    return targets, problems


def _resolve_lists(
    post: Post,
    directory: Directory,
    meanings: dict[str, list[Target]],
    problems: list[Diagnostic],
) -> tuple[Target, ...]:
    """The targets the post's ``networks:`` and ``accounts:`` name, each once, in order
    (``meanings``: each name met with no problem so far, filled in here)."""
    found: dict[str, Target] = {}
    for field, names in (("networks", post.networks), ("accounts", post.accounts)):
        for index, name in enumerate(names):
            resolved = meanings.get(name)
            if resolved is None:
                line = post.lines.get(f"{field}[{index}]", post.line_of(field))
                known = len(problems)
                resolved = _resolve(name, directory, post, line, problems, 0)
                if len(problems) == known:
                    meanings[name] = resolved
            for target in resolved:
                found.setdefault(target.name, target)
    return tuple(found.values())


def repost_source(post: Post, target: Target, targets: Iterable[Target]) -> Target | None:
    """The account whose publication ``target`` reposts (``repost_from:`` names another of
    the post's accounts on the same network), or None: ``target`` publishes the post itself.
    Whether the network can repost at all is its capabilities' to say."""
    for name in post.repost_from:
        for source in targets:
            if source.name == name and source.network == target.network:
                return None if source.name == target.name else source
    return None


def _repost_problems(post: Post, targets: list[Target]) -> list[Diagnostic]:
    """``repost_from:`` must name accounts the post goes to, at most one a network."""
    accounts = {t.name: t for t in targets if t.account is not None}
    problems: list[Diagnostic] = []
    chosen: dict[str, str] = {}
    for index, name in enumerate(post.repost_from):
        line = post.lines.get(f"repost_from[{index}]", post.line_of("repost_from"))
        source = accounts.get(name)
        if source is None:
            hint = (
                _("Name one of them: {names}.", names=", ".join(accounts))
                if accounts
                else _("The post goes to no account yet: name them under accounts: first.")
            )
            message = _(
                "repost_from names '{name}', which is not one of the accounts this post goes to.",
                name=name,
            )
            problems.append(Diagnostic(post.path, line, Severity.ERROR, message, hint, "repost"))
            continue
        first = chosen.setdefault(source.network, name)
        if first != name:
            message = _(
                "repost_from names two accounts of {network} ({first}, {second}); a post is "
                "reposted from one of them.",
                network=source.network,
                first=first,
                second=name,
            )
            hint = _("Keep one of them.")
            problems.append(Diagnostic(post.path, line, Severity.ERROR, message, hint, "repost"))
    return problems


def _resolve(
    name: str,
    directory: Directory,
    post: Post,
    line: int,
    problems: list[Diagnostic],
    depth: int,
) -> list[Target]:
    account = directory.accounts.get(name)
    if account is not None:
        return [Target(account.name, account.network, account)]
    if name in directory.groups and depth < MAX_GROUP_DEPTH:
        return [
            target
            for member in directory.groups[name]
            for target in _resolve(member, directory, post, line, problems, depth + 1)
        ]
    if name in directory.networks:
        return _network_target(name, directory, post, line, problems)
    problems.append(_unknown(post.path, line, name, directory))
    return []


def _network_target(
    network: str, directory: Directory, post: Post, line: int, problems: list[Diagnostic]
) -> list[Target]:
    accounts = directory.by_network.get(network, [])
    if not accounts:
        return [Target(network, network)]
    chosen = directory.default_of(network)
    if chosen is not None:
        return [Target(chosen.name, network, chosen)]
    names = ", ".join(a.name for a in accounts)
    problems.append(
        Diagnostic(
            post.path,
            line,
            Severity.ERROR,
            _(
                "'{network}' has several accounts ({names}): it is not clear which one is meant.",
                network=network,
                names=names,
            ),
            _(
                "Name the accounts under accounts: [...], or mark one of them default: true "
                "in its file."
            ),
            "ambiguous-account",
        )
    )
    return []


def _unknown(path: str, line: int, name: str, directory: Directory) -> Diagnostic:
    close = difflib.get_close_matches(name, directory.names(), n=1)
    hint = (
        _("Did you mean '{name}'?", name=close[0])
        if close
        else _(
            "Known networks: {names}. Accounts are the names of the files in accounts/; "
            "groups are listed under groups: in publisher.yml.",
            names=", ".join(directory.networks),
        )
    )
    return Diagnostic(
        path,
        line,
        Severity.ERROR,
        _("There is no network, account or group '{name}'.", name=name),
        hint,
        "unknown-network",
    )


def _unknown_overrides(post: Post, directory: Directory) -> list[Diagnostic]:
    """Overrides keyed by a name that is neither a network nor an account."""
    return [
        _unknown(
            post.path, post.lines.get(f"overrides.{key}", post.line_of("overrides")), key, directory
        )
        for key in sorted(post.overrides)
        if key not in directory.networks and key not in directory.accounts
    ]


def account_problems(
    accounts: Sequence[Account], groups: Mapping[str, Sequence[str]]
) -> list[Diagnostic]:
    """Two accounts of one name (files in two folders), two defaults on one network, an
    account named after another network, and groups that collide with accounts."""
    problems: list[Diagnostic] = []
    seen: dict[str, Account] = {}
    defaults: dict[str, Account] = {}
    for account in accounts:
        first = seen.setdefault(account.name, account)
        if first is not account:
            problems.append(
                _account_error(
                    account,
                    "name",
                    _(
                        "A second account named '{name}' (the first is {other}).",
                        name=account.name,
                        other=first.path,
                    ),
                    _("An account's name is its file name: rename one of the files."),
                )
            )
        if account.default:
            marked = defaults.setdefault(account.network, account)
            if marked is not account:
                problems.append(
                    _account_error(
                        account,
                        "default",
                        _(
                            "A second default account for '{network}' (the first is {other}).",
                            network=account.network,
                            other=marked.path,
                        ),
                        _("Keep default: true in one account file per network."),
                    )
                )
    for name in groups:
        if name in seen:
            problems.append(
                Diagnostic(
                    "publisher.yml",
                    1,
                    Severity.ERROR,
                    _("The group '{name}' has the name of an account.", name=name),
                    _("Give the group another name."),
                    "groups",
                )
            )
    return problems


def _account_error(account: Account, field: str, message: str, hint: str) -> Diagnostic:
    line = account.lines.get(field, 1) if field != "name" else 1
    return Diagnostic(account.path, line, Severity.ERROR, message, hint, "duplicate-account")
