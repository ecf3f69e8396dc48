"""``publisher live``: the stream key for the broadcaster's terminal, and the end of a broadcast.

The key is the one thing that lets anyone broadcast as the administration, so it goes only to
the terminal of the person who runs the command with the account's token: never into the
repository, a log, a merge request comment or CI output (the command refuses to run in CI,
where its output would be the job's log).
"""

from __future__ import annotations

from collections.abc import Mapping

from publisher.commands.contest import find_post
from publisher.content.load import Content
from publisher.core.errors import PublisherError
from publisher.core.i18n import _
from publisher.core.model import Post
from publisher.engine.workspace import Workspace
from publisher.state.live_files import LiveEntry, live_file_path, read_live_file

#: set by GitHub Actions, GitLab CI and most other CI systems
CI_MARKERS = ("CI", "GITHUB_ACTIONS", "GITLAB_CI")


def broadcasts_of(ws: Workspace, content: Content, name: str) -> tuple[Post, dict[str, LiveEntry]]:
    post = find_post(content, name)
    if post is None or post.live is None:
        raise PublisherError(
            _("There is no post with a broadcast '{name}'.", name=name),
            _("Name the post by its id or its file, such as 2026/12/efir."),
        )
    entries = read_live_file(ws.repo, live_file_path(post.id))
    if not entries:
        raise PublisherError(
            _("No broadcast has been created for {post} yet.", post=post.id),
            _("apply creates it when it publishes the announcement."),
        )
    return post, entries


def refuse_in_ci(env: Mapping[str, str]) -> None:
    """Stop before a stream key could be printed into a CI job's log."""
    if any(env.get(name, "").strip().lower() not in ("", "0", "false") for name in CI_MARKERS):
        raise PublisherError(
            _("The stream key is not shown in CI: the job's log would keep it."),
            _("Run publisher live key on your own computer, with the account's token."),
        )


def key_text(ws: Workspace, content: Content, name: str, account: str | None) -> str:
    """The server and stream key of each broadcast (or of ``account``'s), for the terminal."""
    refuse_in_ci(ws.env)
    post, entries = broadcasts_of(ws, content, name)
    chosen = {n: e for n, e in entries.items() if account in (None, n)}
    if not chosen:
        raise PublisherError(
            _("{post} has no broadcast on {account}.", post=post.id, account=account)
        )
    lines = [_("Only for the person who runs the broadcast; do not paste it anywhere else.")]
    with ws.http_client() as http:
        adapters = ws.adapters_for(content, chosen, http)
        for name_, entry in sorted(chosen.items()):
            if name_ in adapters.unavailable:
                raise adapters.unavailable[name_]
            server, key = adapters.ready[name_].stream_key(entry.broadcast)
            lines += [
                _("{account}: {url}", account=name_, url=entry.broadcast.url),
                _("  server: {server}", server=server),
                _("  stream key: {key}", key=key.reveal()),
            ]
    return "\n".join(lines)


def end_broadcasts(ws: Workspace, content: Content, name: str) -> list[str]:
    """End every broadcast of the post that is not over; the accounts ended. ``apply``
    records the end (and the recording's link) at its next run."""
    _post, entries = broadcasts_of(ws, content, name)
    ended: list[str] = []
    open_ones = {n: e for n, e in entries.items() if not e.ended}
    with ws.http_client() as http:
        adapters = ws.adapters_for(content, open_ones, http)
        for account, entry in sorted(open_ones.items()):
            if account in adapters.unavailable:
                raise adapters.unavailable[account]
            adapters.ready[account].stop_live(entry.broadcast)
            ended.append(account)
    return ended
