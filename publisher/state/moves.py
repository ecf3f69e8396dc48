"""A post moved or renamed keeps its publication: its result file follows it.

A result file sits next to its post. When the post is moved (``git mv`` of the file alone, or a
bundle's ``index.md`` without its ``published.yml``), the result file is left behind: it looks
like the results of a removed post (to be deleted from the networks), and the post at its new
place looks new (to be published again). Here each such left-behind result file is matched with
the post it belongs to, so that the plan moves the file instead:

* by id: the result file records the id of its post (``post:``), and the post still has it
  (an ``id:`` in its front matter, or the same id made from the path);
* without an id, by Git's rename detection: between the commit that last wrote the result file
  and the index, Git saw the old post file renamed to the new one.

A result file two posts claim, or a post that claims two, is an error on those posts: publisher
does not guess which post a publication belongs to.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core.errors import Diagnostic, Severity
from publisher.core.i18n import _
from publisher.core.model import Post
from publisher.state.result_files import ResultFiles


@dataclass(frozen=True)
class Moves:
    """Result files to carry to their moved posts, and the claims publisher cannot settle."""

    #: the new result file's path -> the left-behind one's
    carried: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()
    #: left-behind result files more than one post claims: left alone until that is settled
    disputed: frozenset[str] = frozenset()


def find_moves(repo: Path, posts: Sequence[Post], orphans: Sequence[str]) -> Moves:
    """Match result files left behind (``orphans``) with posts that have none."""
    if not orphans:
        return Moves()
    homeless = [p for p in posts if not (repo / p.result_file_path).exists()]
    result_files = ResultFiles(repo)
    recorded_ids = {rel: result_files.post_of(rel) for rel in orphans}
    renamed: dict[str, str] | None = None  # asked of Git only when an id does not tell
    claims: dict[str, list[Post]] = {}
    for post in homeless:
        found = [rel for rel, post_id in recorded_ids.items() if post_id == post.id]
        if not found:
            renamed = _renames(repo, orphans) if renamed is None else renamed
            found = [rel for rel in orphans if renamed.get(post_path_of(rel)) == post.path]
        for rel in found:
            claims.setdefault(rel, []).append(post)
    return _settle(claims)


def _settle(claims: Mapping[str, list[Post]]) -> Moves:
    """One result file for one post; every other claim is an error on its posts."""
    per_post: dict[str, list[str]] = {}
    for rel, posts in claims.items():
        for post in posts:
            per_post.setdefault(post.path, []).append(rel)
    carried: dict[str, str] = {}
    problems: list[Diagnostic] = []
    disputed: set[str] = set()
    for rel, posts in sorted(claims.items()):
        if len(posts) > 1:
            problems += [_claim_problem(post, rel, _shared(rel, posts)) for post in posts]
            disputed.add(rel)
            continue
        (post,) = posts
        if len(per_post[post.path]) > 1:
            problems.append(_claim_problem(post, rel, _two_files(per_post[post.path])))
            disputed.add(rel)
            continue
        carried[post.result_file_path] = rel
    return Moves(carried, tuple(dict.fromkeys(problems)), frozenset(disputed))


def _shared(rel: str, posts: Iterable[Post]) -> str:
    return _(
        "The results in {file} belong to one post, but these posts all look like it moved "
        "here: {posts}.",
        file=rel,
        posts=", ".join(p.path for p in posts),
    )


def _two_files(files: Iterable[str]) -> str:
    return _(
        "This post looks like it moved from more than one place: {files}.",
        files=", ".join(sorted(files)),
    )


def _claim_problem(post: Post, rel: str, message: str) -> Diagnostic:
    return Diagnostic(
        post.path,
        post.line_of("id"),
        Severity.ERROR,
        message,
        _(
            "Give each post its own 'id:' (the moved one keeps the id recorded in {file}), or "
            "move {file} next to the post it belongs to.",
            file=rel,
        ),
        "moved-post",
    )


def _renames(repo: Path, orphans: Sequence[str]) -> dict[str, str]:
    """Post files Git sees renamed (old path -> new path) between the last commit that had
    each left-behind result file's post and the index."""
    renamed: dict[str, str] = {}
    for base in dict.fromkeys(_last_with(repo, post_path_of(rel)) for rel in orphans):
        output = _git(repo, "diff", "--cached", "-M", "--name-status", "-z", base, "--")
        fields = output.split("\0")
        index = 0
        while index < len(fields) - 1:
            status = fields[index]
            if status.startswith("R"):
                renamed.setdefault(fields[index + 1], fields[index + 2])
                index += 3
            else:
                index += 2
    return renamed


def _last_with(repo: Path, rel: str) -> str:
    """The parent of the commit that removed ``rel``; HEAD if no commit did (not committed)."""
    removed = _git(repo, "log", "-1", "--format=%H", "--no-renames", "--diff-filter=D", "--", rel)
    return f"{removed.strip()}^" if removed.strip() else "HEAD"


def _git(repo: Path, *args: str) -> str:
    """Output of a Git command; empty outside Git or when it fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout if done.returncode == 0 else ""


def post_path_of(result_file_rel: str) -> str:
    """The post file a result file belongs to (``published.yml`` -> ``index.md``)."""
    if result_file_rel.endswith("/published.yml"):
        return result_file_rel[: -len("published.yml")] + "index.md"
    return result_file_rel[: -len(".published.yml")] + ".md"
