"""The Git host: who approved the merge that brought a commit, and the plan comment.

``detect(env)`` returns the forge of the CI the process runs in (GitHub Actions or GitLab CI),
or None outside CI. Only these modules talk to a Git host's API.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from publisher.forge.base import Approval, Forge


def detect(env: Mapping[str, str], transport: httpx.BaseTransport | None = None) -> Forge | None:
    """The forge named by the CI environment, or None when not running in CI."""
    if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_REPOSITORY"):
        from publisher.forge.github import GitHub

        return GitHub.from_env(env, transport)
    if env.get("GITLAB_CI") == "true" and env.get("CI_PROJECT_ID"):
        from publisher.forge.gitlab import GitLab

        return GitLab.from_env(env, transport)
    return None


def request_number(env: Mapping[str, str]) -> int | None:
    """The pull/merge request a CI job runs for, if any."""
    ref = env.get("GITHUB_REF", "")
    if ref.startswith("refs/pull/"):
        number = ref.split("/")[2]
        return int(number) if number.isdigit() else None
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    return int(iid) if iid.isdigit() else None


__all__ = ["Approval", "Forge", "detect", "request_number"]
