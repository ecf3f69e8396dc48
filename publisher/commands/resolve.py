"""``publisher resolve``: a person settles a post (or an answer to a citizen) that an interrupted
run left uncertain."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from publisher.content.render import render_post, rendered_media_hash
from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.core.model import Post, ResultEntry
from publisher.state.result_files import RESULT_FILE_ERRORS, ResultFiles, result_file_problem

if TYPE_CHECKING:
    from publisher.engine.workspace import Workspace


def resolve_uncertain(
    ws: Workspace, post_id: str, network: str, url: str, remote_id: str, absent: bool
) -> str:
    """Record what the person found on the network (``post_id``: a post's id, or a citizen's
    message by its file; ``network``: the account's name, or a network's for its default
    account); return the result file's path.

    A publication found there dates from the interrupted run (the intent's time): the time of
    publication is never the time someone looked."""
    content = ws.load()
    default = content.default_account(network)  # a network's name means its default account
    account = default.name if default is not None and content.account(network) is None else network
    post = next((p for p in content.posts if p.id == post_id), None)
    item = next((i for i in content.inbox if i.path == post_id), None)
    if post is not None:
        rel = post.result_file_path
    elif item is not None:
        rel = item.result_file_path
    else:
        raise ConfigError(
            _("There is no post '{post}'.", post=post_id),
            _("Use the post id shown by publisher plan."),
        )
    result_files = ResultFiles(ws.repo, content.account_aliases)
    entry = _intent(result_files, rel, account, post_id, network)
    now = ws.clock.now().isoformat(timespec="seconds")
    if absent:
        entry = replace(entry, state="failed", at=now, error=_("resolved by hand: not published"))
    else:
        entry = replace(
            entry,
            state="published",
            remote_id=remote_id or url.rstrip("/").rsplit("/", 1)[-1],
            url=url,
            at=now,
            published_at=entry.at or now,
            media_hash=_media_hash(ws, post, entry, account),
            operation="resolve",
        )
    result_files.record(rel, post_id, entry)
    return rel


def _intent(
    result_files: ResultFiles, rel: str, account: str, post_id: str, network: str
) -> ResultEntry:
    """The intent the person settles (ConfigError when nothing waits, or the file is damaged:
    it is never written over)."""
    try:
        entry = result_files.read(rel).get(account)
    except RESULT_FILE_ERRORS as error:
        problem = result_file_problem(rel, error)
        raise ConfigError(
            f"{problem.path}:{problem.line}: {problem.message}", problem.hint
        ) from None
    if entry is None or entry.state != "intent":
        raise ConfigError(
            _(
                "Nothing about post '{post}' on {network} waits for your decision.",
                post=post_id,
                network=network,
            )
        )
    return entry


def _media_hash(ws: Workspace, post: Post | None, entry: ResultEntry, account: str) -> str:
    """What the post's media were when it went out (an answer to a citizen has none)."""
    if post is None:
        return entry.media_hash
    caps, options = ws.capabilities[entry.network], ws.config.network_options
    return rendered_media_hash(
        render_post(post, entry.network, caps, options.get(entry.network), account)
    )
