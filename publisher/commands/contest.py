"""``publisher contest``: check a draw anyone can redo, and show the winners to the operator."""

from __future__ import annotations

from publisher.content.load import Content
from publisher.core.errors import PublisherError
from publisher.core.escape import one_line
from publisher.core.i18n import _
from publisher.core.model import Post
from publisher.engine.contest_verify import Verification
from publisher.engine.workspace import Workspace


def find_post(content: Content, name: str) -> Post | None:
    """The post named by its id or its file's path (with or without ``content/``)."""
    wanted = name.strip().removesuffix("/")
    for post in content.posts:
        if wanted in (post.id, post.path, post.path.removesuffix("/index.md")):
            return post
    return None


def verification_text(post_id: str, found: Verification) -> str:
    """What ``contest verify`` prints, in the user's language."""
    lines: list[str] = []
    record = found.record
    if record is not None and record.draw is not None:
        lines += [
            _(
                "Contest {post}: {entrants} entrants, {winners} to win.",
                post=post_id,
                entrants=len(record.entrants),
                winners=record.winners,
            ),
            _("Seed: commit {seed}; digest {digest}.", seed=record.seed, digest=record.draw.digest),
            _("Winners drawn again:"),
            *(
                "  " + _("{n}. Entrant {code}", n=n, code=code)
                for n, code in enumerate(found.winners, 1)
            ),
        ]
    if found.holds:
        lines.append(_("The draw holds: the file gives the same winners."))
    for problem in found.problems:
        lines.append(_("Mismatch: {problem}", problem=problem))
    return "\n".join(lines)


def winners_text(ws: Workspace, content: Content, post: Post) -> str:
    """The winners' names and links, read from the networks now, for the terminal only."""
    people = ws.contest_winners(content, post)
    from publisher.state.contest_files import contest_file_path, read_contest_file

    record = read_contest_file(ws.repo, contest_file_path(post.id))
    assert record is not None and record.draw is not None
    lines = [_("Winners of {post} (not written anywhere):", post=post.id)]
    for n, code in enumerate(record.draw.winners, 1):
        entrant = people.get(code)
        if entrant is None:
            lines.append(_("  {n}. {code}: no longer found on the networks", n=n, code=code))
        else:
            lines.append(
                f"  {n}. {code}: {one_line(entrant.name) or entrant.person} "
                f"{one_line(entrant.url)}".rstrip()
            )
    return "\n".join(lines)


def require_post(content: Content, name: str) -> Post:
    post = find_post(content, name)
    if post is None or post.contest is None:
        raise PublisherError(
            _("There is no contest post '{name}'.", name=name),
            _("Name the post by its id or its file, such as 2026/12/konkurs."),
        )
    return post
