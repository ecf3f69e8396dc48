"""``publisher check``: every problem in the repository, each at its file and line with a fix.

Structure comes from ``content`` (broken YAML, unknown fields, missing media); this module adds
what depends on the networks: length counted the way each network counts, media each network
refuses, polls it cannot take. Tokens committed by mistake are ``secrets_scan``'s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from publisher.content.load import Content
from publisher.content.render import MAX_THREAD_PARTS, counter, override_for, source_text
from publisher.content.skeleton import PLACEHOLDERS
from publisher.content.stylecheck import post_style, style_diagnostics
from publisher.content.targets import repost_source
from publisher.core.capabilities import Capabilities, MediaRules, network_title
from publisher.core.config import Config
from publisher.core.errors import Diagnostic, Severity
from publisher.core.front_matter import BODY
from publisher.core.i18n import _, decimal
from publisher.core.model import Account, Contest, Media, Post, Target
from publisher.state.cache import salt_of
from publisher.state.tree import scope_filter


@dataclass(frozen=True)
class CheckResult:
    """Diagnostics of one check run, in file order."""

    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)


#: check's findings about one post: what ``post_findings`` returned, by post path
Findings = Mapping[str, Sequence[Diagnostic]]


@dataclass(frozen=True)
class Measured:
    """What check needs of a post's rendering for one target."""

    #: the length the network counts
    length: int
    #: how many posts it is sent as (a thread's parts; 1 elsewhere)
    parts: int = 1


def check_content(
    content: Content,
    findings: Findings,
    config: Config,
    capabilities: Mapping[str, Capabilities],
    extra: Iterable[Diagnostic] = (),
    strict: bool = False,
    only: Iterable[str] | None = None,
) -> CheckResult:
    """All diagnostics for the loaded content, with ``findings`` about the posts of
    ``checked_posts(content, only)`` that were looked into (see ``content.context``; a preview
    plan leaves out those live everywhere as they are); ``only`` keeps those of some paths."""
    found = [
        *content.diagnostics,
        *extra,
        *check_account_settings(content, capabilities),
        *(problem for item in content.inbox for problem in item.problems),
    ]
    for post in checked_posts(content, only):
        found.extend(findings.get(post.path, ()))
    if strict or config.strict:
        found = [replace(d, severity=Severity.ERROR) for d in found]
    if only is not None:
        wanted = scope_filter(only)
        found = [d for d in found if wanted(d.path)]
    found.sort(key=lambda d: (d.path, d.line))
    return CheckResult(tuple(found))


def checked_posts(content: Content, only: Iterable[str] | None = None) -> list[Post]:
    """The posts a check looks into: those loaded whole, under ``only`` if given (a check of
    some files checks only those; their ids still meet all the others')."""
    wanted = scope_filter(only)
    return [p for p in content.posts if p.path not in content.broken_posts and wanted(p.path)]


def findings_key(content: Content, config: Config, capabilities: Mapping[str, Capabilities]) -> str:
    """What a post's findings depend on besides the post: kept with them in the cache."""
    rules = config.style
    return "check:" + salt_of(
        content.accounts, dict(capabilities), rules, rules.strict, config.groups, config.max_thread
    )


def post_findings(
    post: Post,
    measured: Mapping[str, Measured | None],
    content: Content,
    config: Config,
    capabilities: Mapping[str, Capabilities],
) -> list[Diagnostic]:
    """What check finds in one post, its style included. ``measured`` holds, for each of the
    post's targets, its rendering's length and parts there, or None where
    ``needs_rendering`` says they cannot matter."""
    report = post_style(post, config.style)
    return [
        *check_post(post, measured, content, config, capabilities),
        *style_diagnostics(post, report, config.style.strict),
    ]


def check_account_settings(
    content: Content, capabilities: Mapping[str, Capabilities]
) -> list[Diagnostic]:
    """A ``settings:`` key the account's network does not declare is an error.

    No setting may decide where a request (and so a token) goes: a key such as ``api_base``
    would, if an adapter read it, send the token to any host named in a pull request.
    """
    problems: list[Diagnostic] = []
    for account in content.accounts:
        caps = capabilities.get(account.network)
        if caps is None:  # an unknown network is reported where the account is loaded
            continue
        allowed = ", ".join(sorted(caps.settings)) or "—"
        for key in sorted(set(map(str, account.settings)) - caps.settings):
            problems.append(
                Diagnostic(
                    account.path,
                    account.lines.get(f"settings.{key}", account.lines.get("settings", 1)),
                    Severity.ERROR,
                    _("Unknown setting '{name}'.", name=key),
                    _(
                        "Remove or correct it. {network} takes only: {names}. API addresses "
                        "are fixed in the program: no setting changes them.",
                        network=network_title(account.network),
                        names=allowed,
                    ),
                    "unknown-setting",
                )
            )
    return problems


def check_post(
    post: Post,
    measured: Mapping[str, Measured | None],
    content: Content,
    config: Config,
    capabilities: Mapping[str, Capabilities],
) -> list[Diagnostic]:
    """What each of the post's targets would refuse or drop, each problem scoped to the
    targets it concerns (``Diagnostic.targets``), and what the post has of a template."""
    problems: list[Diagnostic] = []
    if not post.body.strip() and not post.media and post.poll is None:
        problems.append(
            _error(
                post,
                "title",
                _("The post has no text, media or poll."),
                _("Write the text below the front matter."),
                "empty",
            )
        )
    problems.extend(_check_template(post))
    for target in content.targets_of(post):
        caps = capabilities[target.network]
        found = _check_target(post, target, caps, measured[target.name], content, config)
        problems.extend(replace(d, targets=(target.name,)) for d in found)
    if post.repost_from:
        problems.extend(_check_reposts(post, content.targets_of(post), capabilities))
    return _merged(problems)


def _merged(problems: list[Diagnostic]) -> list[Diagnostic]:
    """The problems in order, one that several targets share said once, naming them all
    (two accounts of a network); one about the whole post stays about the whole post."""
    merged: dict[Diagnostic, Diagnostic] = {}
    for problem in problems:
        key = replace(problem, targets=())
        seen = merged.get(key)
        if seen is None:
            merged[key] = problem
        elif seen.targets and problem.targets:
            merged[key] = replace(seen, targets=(*seen.targets, *problem.targets))
        else:
            merged[key] = key
    return list(merged.values())


def _check_template(post: Post) -> list[Diagnostic]:
    """What ``publisher new`` wrote as an example and is still in the post: a line of the
    template's text, or the template's description of a photo."""
    problems: list[Diagnostic] = []
    first = post.line_of(BODY)
    for offset, line in enumerate(post.body.splitlines()):
        if line.strip() in PLACEHOLDERS:
            problems.append(
                Diagnostic(
                    post.path,
                    first + offset,
                    Severity.ERROR,
                    _("The post still has the template's text: '{text}'.", text=line.strip()),
                    _("Write the post's own text in place of this line."),
                    "template-text",
                )
            )
    for index, media in enumerate(post.media):
        if media.alt.strip() in PLACEHOLDERS:
            problems.append(
                _error(
                    post,
                    f"media[{index}]",
                    _("The description of '{file}' is the template's.", file=Path(media.rel).name),
                    _("Under alt:, say what is in this photo."),
                    "template-text",
                )
            )
    return problems


def _check_target(
    post: Post,
    target: Target,
    caps: Capabilities,
    measured: Measured | None,
    content: Content,
    config: Config,
) -> list[Diagnostic]:
    """What ``target``'s network would refuse or drop (its ``Diagnostic.targets`` is set by
    ``check_post``)."""
    problems: list[Diagnostic] = []
    network, title = target.network, network_title(target.network)
    if target.account is None:
        problems.append(
            _error(
                post,
                "networks",
                _("There is no account for network '{network}'.", network=title),
                _(
                    "Add accounts/{network}.md or remove '{network}' from networks.",
                    network=network,
                ),
                "no-account",
            )
        )
    if measured is not None:
        problems.extend(_check_length(post, target, caps, measured, config))
    problems.extend(_check_media(post, title, caps))
    problems.extend(_check_durations(post, network, caps))
    problems.extend(_check_poll(post, title, caps))
    media = [m for m in post.media if caps.accepts(m.kind)]
    if caps.requires_media and not media:
        problems.append(
            _error(
                post,
                "networks",
                _("{network} publishes only posts with a photo or video.", network=title),
                _("Add a photo, or remove '{network}' from networks.", network=network),
                "needs-media",
            )
        )
    if network == "instagram" and media and not _media_base_url(target.account, config):
        problems.append(
            _error(
                post,
                "media",
                _("Instagram fetches photos from a public address, and none is configured."),
                _("Set media_base_url in publisher.yml (for example the repository's Pages site)."),
                "media-base-url",
            )
        )
    return problems


def _check_length(
    post: Post, target: Target, caps: Capabilities, measured: Measured, config: Config
) -> list[Diagnostic]:
    """A text longer than the network takes is an error; a thread longer than
    ``max_thread`` parts, a warning. Both at the text's first line: the body's, or the
    override's the target takes its text from."""
    network, title = target.network, network_title(target.network)
    override = override_for(post, network, target.name)
    own = override is not None and override.text is not None
    names = (f"overrides.{target.name}", f"overrides.{network}", "overrides")
    line = next((post.lines[n] for n in names if n in post.lines), 1) if own else post.line_of(BODY)
    limit = _total_limit(caps)
    if measured.length > limit:
        message = _(
            "The text is longer than {limit} characters for {network}: {length}.",
            length=measured.length,
            network=title,
            limit=limit,
        )
        hint = _(
            "Shorten it, or write a shorter text under overrides: {network}: text:.",
            network=network,
        )
        return [Diagnostic(post.path, line, Severity.ERROR, message, hint, "too-long")]
    most = config.thread_limit(network)
    if caps.thread and measured.parts > most:
        message = _(
            "On {network} the text becomes a thread of {parts} posts; more than {most} are "
            "seldom read to the end.",
            network=title,
            parts=measured.parts,
            most=most,
        )
        hint = _(
            "Shorten it, or give {network} its own short text under overrides: {name}: "
            "text:. The number is max_thread under networks: {name}: in publisher.yml.",
            network=title,
            name=network,
        )
        return [Diagnostic(post.path, line, Severity.WARNING, message, hint, "long-thread")]
    return []


def _check_reposts(
    post: Post, targets: Sequence[Target], capabilities: Mapping[str, Capabilities]
) -> list[Diagnostic]:
    """What ``repost_from:`` cannot do (a name that is none of the post's accounts is an error
    of ``content.targets``): a network without reposts publishes the post afresh on its other
    accounts, a source alone on its network has nothing to repost to, and an override for a
    reposting account is not seen, since a repost shows the source's post."""
    problems: list[Diagnostic] = []
    for index, name in enumerate(post.repost_from):
        source = next((t for t in targets if t.name == name), None)
        if source is None:
            continue
        others = [t.name for t in targets if repost_source(post, t, targets) == source]
        network = network_title(source.network)
        if not others:
            message = _(
                "The post goes to no other account of {network} than {name}: there is nothing "
                "to repost.",
                network=network,
                name=name,
            )
            hint = _("Add the accounts to repost to under accounts:, or remove repost_from.")
        elif not capabilities[source.network].repost:
            message = _(
                "{network} cannot repost: the post is published anew on {names}.",
                network=network,
                names=", ".join(others),
            )
            hint = _("Nothing to do if that is fine; otherwise remove repost_from.")
        elif overridden := [n for n in others if n in post.overrides]:
            message = _(
                "A repost shows the post as {name} published it: the overrides for {names} "
                "are not used.",
                name=name,
                names=", ".join(overridden),
            )
            hint = _("Remove those overrides, or publish there afresh without repost_from.")
        else:
            continue
        line = post.lines.get(f"repost_from[{index}]", post.line_of("repost_from"))
        problems.append(Diagnostic(post.path, line, Severity.WARNING, message, hint, "repost"))
    return problems


#: a reference-style link definition: its address is written out at every use of the link
_REFERENCE_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]]+\]:")


def _total_limit(caps: Capabilities) -> int:
    """The network's limit, or for a thread that of ``MAX_THREAD_PARTS`` parts."""
    return caps.text_limit * (MAX_THREAD_PARTS if caps.thread else 1)


def needs_rendering(post: Post, network: str, caps: Capabilities, account: str = "") -> bool:
    """Whether the check must count the post's rendered length and parts for ``network``.

    Rendering adds at most as many characters as the Markdown has (a list number can grow by a
    digit, a link's address goes in brackets), so a text under a third of the limit cannot be
    over it, and rendering it (the slowest part of a cold check) is skipped; where the network
    threads, a third of one post's limit (it stays one post). Not where the network counts
    markup, nor with reference-style links, whose addresses are repeated at each use
    (``tests/content/test_check.py`` tests the bound).
    """
    source = source_text(post, network, account)
    short = 3 * counter(caps.length_unit)(source) + 16 <= caps.text_limit
    return not short or caps.counts_markup or bool(_REFERENCE_DEFINITION.search(source))


def _media_base_url(account: Account | None, config: Config) -> str:
    from_account = str(account.settings.get("media_base_url", "")) if account else ""
    return from_account or config.media_base_url


def _check_media(post: Post, network: str, caps: Capabilities) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    accepted = [m for m in post.media if caps.accepts(m.kind)]
    for index, media in enumerate(post.media):
        field = f"media[{index}]"
        if not caps.accepts(media.kind):
            problems.append(
                _warning(
                    post,
                    field,
                    _(
                        "{network} does not take {kind} files: '{file}' goes out without it.",
                        network=network_title(network),
                        kind=kind_label(media.kind),
                        file=Path(media.rel).name,
                    ),
                    "",
                    "media-dropped",
                )
            )
            continue
        problems.extend(_check_media_rules(post, field, network, media, caps))
    kinds = {m.kind for m in accepted}
    if not caps.mixed_media and kinds & {"video", "animation"} and len(accepted) > 1:
        problems.append(
            _error(
                post,
                "media",
                _(
                    "{network} takes one video or GIF, or several photos, in a post; not both.",
                    network=network_title(network),
                ),
                _("Make two posts: one with the video, one with the photos."),
                "media-mixed",
            )
        )
    if len(accepted) > caps.max_media:
        problems.append(
            _error(
                post,
                "media",
                _(
                    "{count} media files; {network} takes at most {limit}.",
                    count=len(accepted),
                    network=network_title(network),
                    limit=caps.max_media,
                ),
                _("Remove some, or split the post."),
                "too-many-media",
            )
        )
    return problems


def _check_media_rules(
    post: Post, field: str, network: str, media: Media, caps: Capabilities
) -> list[Diagnostic]:
    rules = caps.media[media.kind]
    name = Path(media.rel).name
    problems: list[Diagnostic] = []
    if rules.max_bytes and media.size > rules.max_bytes:
        problems.append(
            _error(
                post,
                field,
                _(
                    "'{file}' is {size} MB; {network} takes at most {limit} MB.",
                    file=name,
                    size=_mb(media.size),
                    network=network_title(network),
                    limit=_mb(rules.max_bytes),
                ),
                _("Compress the file or use a smaller one."),
                "media-too-large",
            )
        )
    if media.image_format and rules.formats and media.image_format not in rules.formats:
        problems.append(
            _error(
                post,
                field,
                _(
                    "'{file}' is {format}; {network} takes {formats}.",
                    file=name,
                    format=media.image_format,
                    network=network_title(network),
                    formats=", ".join(sorted(rules.formats)),
                ),
                _("Save the image in one of those formats."),
                "media-format",
            )
        )
    if media.width and media.height:
        problems.extend(_check_dimensions(post, field, network, media, rules))
    return problems


def _check_durations(post: Post, network: str, caps: Capabilities) -> list[Diagnostic]:
    """A video shorter or longer than the network plays (X: 0.5–140 s, Instagram: 3 s–15 min),
    found before the upload instead of by the network's refusal. A video whose header states
    no length (``Media.seconds`` None) is left to the network."""
    problems: list[Diagnostic] = []
    title = network_title(network)
    for index, media in enumerate(post.media):
        rules = caps.media.get(media.kind)
        if rules is None or media.seconds is None:
            continue
        name = Path(media.rel).name
        if rules.max_seconds and media.seconds > rules.max_seconds:
            message = _(
                "'{file}' plays {duration}; {network} takes videos of at most {limit}.",
                file=name,
                duration=duration_label(media.seconds, math.ceil),
                network=title,
                limit=duration_label(rules.max_seconds),
            )
            hint = _(
                "Cut the video to {limit}, or leave {network} out of the post's 'networks:'.",
                limit=duration_label(rules.max_seconds),
                network=network,
            )
        elif rules.min_seconds and media.seconds < rules.min_seconds:
            message = _(
                "'{file}' plays {duration}; {network} takes videos of at least {limit}.",
                file=name,
                duration=duration_label(media.seconds, math.floor),
                network=title,
                limit=duration_label(rules.min_seconds),
            )
            hint = _(
                "Use a video of at least {limit}, or leave {network} out of the post's "
                "'networks:'.",
                limit=duration_label(rules.min_seconds),
                network=network,
            )
        else:
            continue
        problems.append(_error(post, f"media[{index}]", message, hint, "media-duration"))
    return problems


def duration_label(seconds: float, rounding: Callable[[float], int] = round) -> str:
    """A play time as a reader says it: "2 мин 35 с", "0,5 с", "4 ч". Tenths of a second
    are kept below a minute's worth of detail; ``rounding`` rounds them (up for a video too
    long, down for one too short, so the figure never equals the limit it breaks)."""
    tenths = rounding(seconds * 10)
    hours, rest = divmod(tenths, 36000)
    minutes, tenths = divmod(rest, 600)
    parts = [_("{n} h", n=hours)] if hours else []
    parts += [_("{n} min", n=minutes)] if minutes else []
    if tenths or not parts:
        shown = decimal(tenths / 10).removesuffix(",0").removesuffix(".0")
        parts.append(_("{n} s", n=shown))
    return " ".join(parts)


def _check_dimensions(
    post: Post, field: str, network: str, media: Media, rules: MediaRules
) -> list[Diagnostic]:
    """Pixel rules: width+height, longest side, and the shape (aspect ratio)."""
    name = Path(media.rel).name
    width, height = media.width, media.height
    problems: list[Diagnostic] = []
    too_big = (rules.max_side_sum and width + height > rules.max_side_sum) or (
        rules.max_side and max(width, height) > rules.max_side
    )
    if too_big:
        problems.append(
            _error(
                post,
                field,
                _(
                    "'{file}' is {width}×{height} px, too large for {network}.",
                    file=name,
                    width=width,
                    height=height,
                    network=network_title(network),
                ),
                _("Scale the image down."),
                "media-dimensions",
            )
        )
    ratio = width / max(1, height)
    low, high = rules.aspect_range
    stretched = rules.max_aspect and max(ratio, 1 / ratio) > rules.max_aspect
    if stretched or (high and not low <= ratio <= high):
        hint = (
            _("Crop it to a width/height ratio between {low} and {high}.", low=low, high=high)
            if high
            else _("Crop it closer to a square.")
        )
        problems.append(
            _error(
                post,
                field,
                _(
                    "'{file}' ({width}×{height} px) has a shape {network} does not take.",
                    file=name,
                    width=width,
                    height=height,
                    network=network_title(network),
                ),
                hint,
                "media-aspect",
            )
        )
    return problems


def _check_poll(post: Post, network: str, caps: Capabilities) -> list[Diagnostic]:
    poll = post.poll
    if poll is None:
        return []
    if not caps.polls:
        return [
            _warning(
                post,
                "poll",
                _(
                    "{network} has no polls: the post goes out without the poll.",
                    network=network_title(network),
                ),
                "",
                "poll-dropped",
            )
        ]
    problems: list[Diagnostic] = []
    if len(poll.options) > caps.poll_max_options:
        problems.append(
            _error(
                post,
                "poll",
                _(
                    "The poll has {count} options; {network} allows {limit}.",
                    count=len(poll.options),
                    network=network_title(network),
                    limit=caps.poll_max_options,
                ),
                _("Remove some options."),
                "poll-options",
            )
        )
    long_options = [o for o in poll.options if len(o) > caps.poll_option_limit]
    if long_options:
        problems.append(
            _error(
                post,
                "poll",
                _(
                    "Poll option '{option}' is longer than {limit} characters ({network}).",
                    option=long_options[0],
                    limit=caps.poll_option_limit,
                    network=network_title(network),
                ),
                _("Shorten the option."),
                "poll-option-length",
            )
        )
    if len(poll.question) > caps.poll_question_limit:
        problems.append(
            _error(
                post,
                "poll",
                _(
                    "The poll question is longer than {limit} characters ({network}).",
                    limit=caps.poll_question_limit,
                    network=network,
                ),
                _("Shorten the question."),
                "poll-question-length",
            )
        )
    return problems


def kind_label(kind: str) -> str:
    """A media kind as a reader says it."""
    labels = {
        "photo": _("photo"),
        "video": _("video"),
        "animation": _("GIF"),
        "document": _("document"),
    }
    return labels.get(kind, kind)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _error(post: Post, field: str, message: str, hint: str, code: str) -> Diagnostic:
    return Diagnostic(post.path, post.line_of(field), Severity.ERROR, message, hint, code)


def _warning(post: Post, field: str, message: str, hint: str, code: str) -> Diagnostic:
    return Diagnostic(post.path, post.line_of(field), Severity.WARNING, message, hint, code)


def contest_problems(
    content: Content,
    capabilities: Mapping[str, Capabilities],
    now: datetime,
    published: Callable[[Post], bool],
) -> list[Diagnostic]:
    """What a contest or a broadcast in a post cannot do: close in the past before it is
    published (``published`` tells), count entries on a network whose API does not show them
    (held back there), be created on a network with no API for it (steps by hand).

    Not among a post's cached findings: whether a closing time has passed changes by the
    minute."""
    problems: list[Diagnostic] = []
    for post in checked_posts(content):
        if post.status != "ready":
            continue
        if post.contest is not None:
            problems.extend(_check_contest(post, post.contest, content, capabilities))
            if post.contest.closes <= now and not published(post):
                problems.append(
                    _error(
                        post,
                        "contest",
                        _(
                            "The contest would close before it is published: its closing time "
                            "has passed."
                        ),
                        _("Set closes: to a time after the publication."),
                        "contest-closed",
                    )
                )
        if post.live is not None:
            problems.extend(_check_live(post, content, capabilities))
    return problems


def _check_contest(
    post: Post, contest: Contest, content: Content, capabilities: Mapping[str, Capabilities]
) -> list[Diagnostic]:
    targets = content.targets_of(post)
    blind = [t for t in targets if contest.entry not in capabilities[t.network].contest_entries]
    problems = [
        replace(
            _error(
                post,
                "contest",
                _(
                    "{network} does not show who took part by {entry}: entries there would not "
                    "count.",
                    network=network_title(target.network),
                    entry=entry_label(contest.entry),
                ),
                _(
                    "Take part by comment, or leave {network} out of the post's networks.",
                    network=network_title(target.network),
                ),
                "contest-network",
            ),
            targets=(target.name,),
        )
        for target in blind
    ]
    if targets and len(blind) == len(targets):
        problems = [replace(problems[0], targets=())]
    return problems


def _check_live(
    post: Post, content: Content, capabilities: Mapping[str, Capabilities]
) -> list[Diagnostic]:
    return [
        replace(
            _warning(
                post,
                "live",
                _(
                    "{network} has no API for broadcasts: the plan lists the steps to take by "
                    "hand.",
                    network=network_title(target.network),
                ),
                "",
                "live-manual",
            ),
            targets=(target.name,),
        )
        for target in content.targets_of(post)
        if not capabilities[target.network].live
    ]


def entry_label(entry: str) -> str:
    """A way to take part as a reader says it."""
    labels = {"comment": _("comment"), "repost": _("repost"), "poll": _("poll answer")}
    return labels.get(entry, entry)
