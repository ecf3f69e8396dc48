"""The Git host: who approved the merge that brought a commit, the plan comment, and style
suggestions on the request.

``detect(env)`` returns the forge of the CI the process runs in (GitHub Actions or GitLab CI),
or None outside CI. Only these modules talk to a Git host's API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from publisher.forge.base import Approval, Forge, Suggested

if TYPE_CHECKING:
    from publisher.forge.github import GitHub
    from publisher.forge.gitlab import GitLab


def detect(env: Mapping[str, str], transport: httpx.BaseTransport | None = None) -> Forge | None:
    """The forge named by the CI environment, or None when not running in CI."""
    forge = _forge_class(env)
    return forge.from_env(env, transport) if forge is not None else None


def comment_limit(env: Mapping[str, str]) -> int:
    """The longest comment the CI's Git host takes; outside CI, GitHub's (the smaller)."""
    from publisher.forge.github import GitHub

    return (_forge_class(env) or GitHub).comment_limit


def _forge_class(env: Mapping[str, str]) -> type[GitHub] | type[GitLab] | None:
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_REPOSITORY"):
        from publisher.forge.github import GitHub

        return GitHub
    if env.get("GITLAB_CI") == "true" and env.get("CI_PROJECT_ID"):
        from publisher.forge.gitlab import GitLab

        return GitLab
    return None


def request_number(env: Mapping[str, str]) -> int | None:
    """The pull/merge request a CI job runs for, if any."""
    ref = env.get("GITHUB_REF", "")
    if ref.startswith("refs/pull/"):
        number = ref.split("/")[2]
        return int(number) if number.isdigit() else None
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return int(iid) if iid.isdigit() else None


__all__ = ["Approval", "Forge", "Suggested", "comment_limit", "detect", "request_number"]
