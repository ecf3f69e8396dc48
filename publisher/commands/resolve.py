"""``publisher resolve``: a person settles a post that an interrupted run left uncertain."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from publisher.content.render import render_post, rendered_media_hash
from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.state.result_files import RESULT_FILE_ERRORS, ResultFiles, result_file_problem

if TYPE_CHECKING:
    from publisher.engine.workspace import Workspace


def resolve_uncertain(
    ws: Workspace, post_id: str, network: str, url: str, remote_id: str, absent: bool
) -> str:
    """Record what the person found on the network (``network``: the account's name, or a
    network's for its default account); return the result file's path."""
    content = ws.load()
    post = next((p for p in content.posts if p.id == post_id), None)
    if post is None:
        raise ConfigError(
            _("There is no post '{post}'.", post=post_id),
            _("Use the post id shown by publisher plan."),
        )
    default = content.default_account(network)  # a network's name means its default account
    account = default.name if default is not None and content.account(network) is None else network
    result_files = ResultFiles(ws.repo)
    try:
        entry = result_files.read(post.result_file_path).get(account)
    except RESULT_FILE_ERRORS as error:  # a damaged file is never written over
        problem = result_file_problem(post.result_file_path, error)
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
    now = ws.clock.now().isoformat(timespec="seconds")
    if absent:
        entry = replace(entry, state="failed", at=now, error=_("resolved by hand: not published"))
    else:
        caps, options = ws.capabilities[entry.network], ws.config.network_options
        rendered = render_post(post, entry.network, caps, options.get(entry.network), account)
        entry = replace(
            entry,
            state="published",
            remote_id=remote_id or url.rstrip("/").rsplit("/", 1)[-1],
            url=url,
            at=now,
            published_at=entry.at or now,
            media_hash=rendered_media_hash(rendered),
            operation="resolve",
        )
    result_files.record(post.result_file_path, post.id, entry)
    return post.result_file_path
