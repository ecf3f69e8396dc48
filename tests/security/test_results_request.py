"""The attack: a pull request tries to steer the request that a contest's results open, so that
the job's Git host token goes elsewhere or the results land on another branch. It names another
API address, branch or base in ``publisher.yml`` or in the contest post, and gives the contest a
title that pings people and links out. The token goes only to the API address of the CI
environment; the head branch follows from the post id and the base is the branch the run pushed
to; the title is inert text in the request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
from click.testing import CliRunner, Result
from conftest import BASE_CONFIG, FORGE_ENVS, FakeRequests, Publisher

from publisher.cli import Deps, main

BRANCH = "publisher/itogi-2026-12-konkurs"
HOSTILE_CONFIG = (
    BASE_CONFIG
    + """forge:
  api_url: https://evil.example
  token_env: VK_USER_TOKEN
github_api_url: https://evil.example
results_branch: main
base: production
"""
)
HOSTILE_TITLE = "Конкурс @everyone [приз](https://evil.example) <!-- #1 --> `x`"


def contest(title: str, extra: str = "") -> str:
    return f"""---
title: "{title}"
networks: [vk]
contest:
  entry: comment
  closes: 2026-12-05 18:00
  winners: 1
{extra}---

Пишите в комментарии.
"""


def clone_with(make_repo: Callable[..., Path], tmp_path: Path, files: dict[str, str]) -> Path:
    source = make_repo(files)
    origin = tmp_path / "origin.git"
    git.Repo.clone_from(source, origin, bare=True)
    return Path(git.Repo.clone_from(origin, tmp_path / "clone").working_dir)


def in_ci(run: Publisher, forge: FakeRequests) -> Result:
    args = ["--repo", str(run.repo), "--sandbox", str(run.state), "apply", "--push"]
    return CliRunner().invoke(main, args, obj=Deps(run.clock, FORGE_ENVS["github"], forge))


def test_publisher_yml_and_a_title_cannot_steer_the_request_or_the_token(
    make_repo: Callable[..., Path], tmp_path: Path, publisher: Callable[[Path], Publisher]
) -> None:
    files = {"publisher.yml": HOSTILE_CONFIG, "content/2026/12/konkurs.md": contest(HOSTILE_TITLE)}
    run = publisher(clone_with(make_repo, tmp_path, files))
    assert run("apply", "--push").exit_code == 0
    [published] = run.feed("vk")
    run.sandboxes().add_comment("vk", str(published["id"]), "Участвую", "501", "Житель")
    run.clock.advance(5 * 86400)
    forge = FakeRequests("github")  # fails the test if a request leaves api.github.test
    result = in_ci(run, forge)
    assert result.exit_code == 0, result.output
    [opened] = forge.opened
    assert (opened["head"]["ref"], opened["base"]["ref"]) == (BRANCH, "main")
    assert all(r.url.host == "api.github.test" for r in forge.requests)
    body = opened["body"]
    assert "@everyone" not in body and "](https://evil.example)" not in body
    assert "<!--" not in body and "#1" not in body
    heads = {h.name for h in git.Repo(tmp_path / "origin.git").heads}
    assert heads == {"main", BRANCH}


def test_a_contest_post_that_names_a_branch_or_host_is_held_back(
    make_repo: Callable[..., Path], tmp_path: Path, publisher: Callable[[Path], Publisher]
) -> None:
    extra = "  base: production\n  api_url: https://evil.example\n"
    post = contest("Конкурс", extra).replace("---\n\nПишите", "request_branch: main\n---\n\nПишите")
    files = {"content/2026/12/konkurs.md": post}
    run = publisher(clone_with(make_repo, tmp_path, files))
    assert run("apply", "--push").exit_code != 0
    assert run.feed("vk") == []
    run.clock.advance(5 * 86400)
    forge = FakeRequests("github")
    assert in_ci(run, forge).exit_code != 0
    assert forge.requests == []
    assert [h.name for h in git.Repo(tmp_path / "origin.git").heads] == ["main"]
