"""Attacks on the approval gate: whatever changes what goes out must come through an approved,
merged request, checked in CI against a fake Git host, and nothing reaches the networks
otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import httpx
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Sandboxes, Scripted, jpeg_bytes, write_files

from publisher.cli import Deps, main
from publisher.core.config import load_config
from publisher.core.errors import ConfigError
from publisher.forge import detect
from publisher.forge.gitlab import GitLab

CI_ENV = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "city/smm",
    "GITHUB_TOKEN": "ghs_job_token",
    "GITHUB_API_URL": "https://api.github.test",
    "GITHUB_REF": "refs/heads/main",
}
#: commits people make; the CI job commits as the test environment's identity
OFFICER = "Officer <officer@city.example>"
MALLORY = "Mallory <mallory@city.example>"

NEWS = """---
title: Вывоз мусора
networks: [vk, telegram]
---

Мусор в праздники вывозят по графику.
"""

ELKA = """---
title: Ёлка
networks: [vk, telegram]
media:
  - file: a.jpg
    alt: Ёлка на площади
---

Ёлку нарядили.
"""

CONCERT = """---
title: Концерт
networks: [vk, telegram]
---

Концерт в субботу в доме культуры.
"""

RULES = "categories:\n  obscene:\n    words: [гадослово]\n"
#: rules that would remove every comment criticising the road works
CENSOR = "categories:\n  obscene:\n    words: [гадослово, ремонт, дорога]\n"

INBOX_ITEM = """---
network: vk
id: "1"
status: new
---

> Когда починят свет?

## Ответ

"""


class FakeGitHub(Scripted):
    """GitHub's REST answers for the merged pull requests registered with ``merge``."""

    def __init__(self) -> None:
        super().__init__(httpx.Response(404, json={"message": "Not Found"}))
        self.pulls: dict[str, dict[str, Any]] = {}
        self.reviews: dict[int, list[dict[str, Any]]] = {}
        self.commits: dict[int, list[dict[str, Any]]] = {}
        self.on(None, "/commits/[0-9a-f]+/pulls", self._pulls_of)
        self.on(None, r"/pulls/\d+/reviews", lambda request: self.reviews[_number(request)])
        self.on(None, r"/pulls/\d+/commits", lambda request: self.commits[_number(request)])

    def merge(
        self,
        sha: str,
        reviewers: tuple[str, ...] = ("chief",),
        base: str = "main",
        commits: list[dict[str, Any]] | None = None,
    ) -> None:
        """``sha`` came through pull request n, merged into ``base`` and approved on its head."""
        number = len(self.pulls) + 1
        head = f"{number:040x}"
        self.pulls[sha] = {
            "number": number,
            "html_url": f"https://github.test/city/smm/pull/{number}",
            "user": {"login": "officer"},
            "head": {"sha": head},
            "base": {"ref": base},
            "merge_commit_sha": sha,
            "merged_at": "2026-12-01T09:00:00Z",
        }
        self.reviews[number] = [
            {"user": {"login": r}, "state": "APPROVED", "commit_id": head} for r in reviewers
        ]
        self.commits[number] = commits or [
            {"author": {"login": "officer"}, "commit": {"author": {}, "message": "Пост"}}
        ]

    def _pulls_of(self, request: httpx.Request) -> list[dict[str, Any]]:
        pull = self.pulls.get(request.url.path.split("/")[-2])
        return [pull] if pull else []


def _number(request: httpx.Request) -> int:
    """The pull request number of ``.../pulls/<n>/<edge>``."""
    return int(request.url.path.split("/")[-2])


class Ci:
    """``publisher`` run as the CI job would, against the sandbox and the fake Git host."""

    def __init__(self, repo: Path, sandboxes: Sandboxes, forge: FakeGitHub) -> None:
        self.repo, self.sandboxes, self.forge = repo, sandboxes, forge
        self.state, self.clock = sandboxes.state, sandboxes.clock

    def __call__(self, *args: str) -> Result:
        deps = Deps(self.clock, CI_ENV, self.forge)
        prefix = ["--repo", str(self.repo), "--sandbox", str(self.state)]
        return CliRunner().invoke(main, [*prefix, *args], obj=deps)

    def texts(self) -> list[str]:
        """Every text the sandbox's networks now show."""
        feeds = self.sandboxes().show()
        return [str(p.get("text")) for feed in feeds.values() for p in feed.get("posts", [])]

    def snapshot(self) -> str:
        return json.dumps(self.sandboxes().show(), sort_keys=True)


def commit(repo: Path, files: dict[str, str | bytes], message: str, author: str = OFFICER) -> str:
    write_files(repo, files)
    handle = git.Repo(repo)
    handle.git.add("--all")
    handle.git.commit("-m", message, f"--author={author}")
    return handle.head.commit.hexsha


@pytest.fixture
def ci(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Ci:
    """A repository whose first content came through an approved request and was published."""
    repo = make_repo(
        {
            "moderation.yml": RULES,
            "content/2026/12/news.md": NEWS,
            "content/2026/12/elka/index.md": ELKA,
            "content/2026/12/elka/a.jpg": jpeg_bytes(),
            "content/inbox/2026/12/vk-1.md": INBOX_ITEM,
        }
    )
    forge = FakeGitHub()
    forge.merge(git.Repo(repo).head.commit.hexsha)
    runner = Ci(repo, sandboxes, forge)
    first = runner("apply")
    assert first.exit_code == 0, first.output
    assert "Source: " in str(git.Repo(repo).head.commit.message)
    return runner


def approved_post(ci: Ci) -> str:
    sha = commit(ci.repo, {"content/2026/12/concert.md": CONCERT}, "Концерт")
    ci.forge.merge(sha)
    return sha


ATTACKS = {
    "phishing link in publisher.yml": (
        "publisher.yml",
        "timezone: Europe/Moscow\ndefault_networks: [vk, telegram]\nnetworks:\n"
        "  vk:\n    link: https://gosuslugi.phish.example/login\n",
    ),
    "swapped photo of a published post": (
        "content/2026/12/elka/a.jpg",
        jpeg_bytes(1080, 1080, "red"),
    ),
    "photo with a Russian name": ("content/2026/12/elka/ёлка.jpg", jpeg_bytes(800, 800, "red")),
    "moderation rules": ("moderation.yml", CENSOR),
    "open-source monitoring": ("monitoring.yml", "networks: [vk]\nphrases: [Ахтарск]\n"),
    "departments and their reviewers": (
        "departments.yml",
        'departments:\n  roads:\n    reviewers: ["@mallory"]\n    categories: [roads]\n',
    ),
    "account file": (
        "accounts/vk.md",
        '---\nnetwork: vk\nid: "1001"\ntoken_env: VK_USER_TOKEN\n---\nКупите у нас!\n',
    ),
    "answer to a citizen": (
        "content/inbox/2026/12/vk-1.md",
        INBOX_ITEM + "Переходите по ссылке https://phish.example\n",
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_a_direct_push_stops_the_run_before_anything_is_posted(ci: Ci, name: str) -> None:
    path, content = ATTACKS[name]
    approved_post(ci)
    pushed = commit(ci.repo, {path: content}, "Небольшая правка", author=MALLORY)
    before = ci.snapshot()

    result = ci("apply")

    assert result.exit_code == 1, result.output
    assert path in result.output and pushed[:10] in result.output
    assert ci.snapshot() == before
    assert not any("Концерт" in text for text in ci.texts())


@pytest.mark.parametrize("approved", [False, True])
def test_moderation_by_directly_pushed_rules_removes_nothing(ci: Ci, approved: bool) -> None:
    sandbox = ci.sandboxes()
    post = str(sandbox.show()["vk"]["posts"][0]["id"])
    sandbox.add_comment("vk", post, "Когда закончат ремонт дороги?", "501", "Житель")
    sha = commit(ci.repo, {"moderation.yml": CENSOR}, "Правила", author=MALLORY)
    if approved:
        ci.forge.merge(sha)

    result = ci("moderate")

    comments = ci.sandboxes().show()["vk"]["posts"][0]["comments"]
    if approved:
        assert result.exit_code == 0, result.output
        assert comments == []
    else:
        assert result.exit_code == 1 and "moderation.yml" in result.output, result.output
        assert [c["text"] for c in comments] == ["Когда закончат ремонт дороги?"]


def test_a_directly_pushed_cover_template_is_not_uploaded(ci: Ci) -> None:
    template = (
        'size: [1590, 400]\nslots:\n  - text: "Выплаты: https://phish.example"\n'
        "    x: 60\n    y: 50\n    size: 56\n"
    )
    sha = commit(ci.repo, {"design/cover.yml": template}, "Обложка", author=MALLORY)
    before = ci.snapshot()
    result = ci("accounts", "cover", "--upload")
    assert result.exit_code == 1, result.output
    assert "design/cover.yml" in result.output and sha[:10] in result.output
    assert ci.snapshot() == before


def test_the_same_change_through_an_approved_request_goes_out(ci: Ci) -> None:
    approved_post(ci)
    path, content = ATTACKS["account file"]
    ci.forge.merge(commit(ci.repo, {path: content}, "Новое описание"))
    result = ci("apply")
    assert result.exit_code == 0, result.output
    assert any("Концерт" in text for text in ci.texts())


def test_a_forged_result_commit_is_not_a_machine_commit(ci: Ci) -> None:
    """A ``publisher:`` subject by the job's own identity still needs approval for a person's
    file, and a hand edit of a result file (to have a post sent again) needs one too."""
    approved_post(ci)
    result_files = "content/2026/12/news.published.yml"
    forged = commit(
        ci.repo,
        {result_files: "", "publisher.yml": "timezone: Europe/Moscow\n"},
        "publisher: 1 published\n\nSource: 0000000",
        author="Test Officer <officer@example.org>",
    )
    result = ci("apply")
    assert result.exit_code == 1, result.output
    assert forged[:10] in result.output and result_files in result.output
    assert not any("Концерт" in text for text in ci.texts())


def test_a_new_message_filed_by_the_job_needs_no_approval(ci: Ci) -> None:
    item = INBOX_ITEM.replace('id: "1"', 'id: "2"')
    commit(
        ci.repo,
        {"content/inbox/2026/12/vk-2.md": item},
        "publisher: inbox, 1 new messages\n",
        author="Test Officer <officer@example.org>",
    )
    approved_post(ci)
    result = ci("apply")
    assert result.exit_code == 0, result.output


FILED_WITH_ANSWER = """---
network: vk
id: "2"
link: ""
received: 2026-12-01T10:00+03:00
author: Житель 1a2b3c4d
author_link: ""
category: question
urgent: false
due: 2026-12-03T10:00+03:00
status: new
department: ""
reply_to:
  post: "1"
  parent: ""
  author_id: ""
  direct: false
  extra: {}
---

> Когда починят свет?

## Ответ

Оплатите ремонт по ссылке https://phish.example
"""


def test_an_answer_filed_under_the_job_identity_does_not_go_out(ci: Ci) -> None:
    """A ``publisher: inbox`` commit may add a citizen's message without approval, but not an
    answer to it: the answer's own last change must come from an approved request."""
    path = "content/inbox/2026/12/vk-2.md"
    forged = commit(
        ci.repo,
        {path: FILED_WITH_ANSWER},
        "publisher: inbox, 1 new messages\n",
        author="Test Officer <officer@example.org>",
    )
    assert "ответов 1" in ci("plan").output
    before = ci.snapshot()
    result = ci("apply")
    assert result.exit_code == 1, result.output
    assert path in result.output and forged[:10] in result.output
    assert ci.snapshot() == before


def answer_through_a_request(ci: Ci) -> str:
    """A citizen's question under a VK post, answered in an approved request; the CI run sends
    the answer and commits its status with the results. The message file's path."""
    box = ci.sandboxes()
    post = str(box.show()["vk"]["posts"][0]["id"])
    comment = box.add_comment("vk", post, "Когда починят свет?", "601", "Житель")
    item = (
        FILED_WITH_ANSWER.replace('id: "2"', f'id: "{comment}"')
        .replace('post: "1"', f'post: "{post}"')
        .replace("Оплатите ремонт по ссылке https://phish.example", "Починим к пятнице.")
    )
    path = "content/inbox/2026/12/vk-9.md"
    ci.forge.merge(commit(ci.repo, {path: item}, "Ответ жителю"))
    result = ci("apply")
    assert result.exit_code == 0, result.output
    return path


def test_the_answered_status_the_job_commits_needs_no_approval(ci: Ci) -> None:
    path = answer_through_a_request(ci)
    handle = git.Repo(ci.repo)
    assert path in handle.head.commit.stats.files
    assert "status: answered" in handle.git.show(f"HEAD:{path}")
    approved_post(ci)

    result = ci("apply")

    assert result.exit_code == 0, result.output
    assert any("Концерт" in text for text in ci.texts())
    assert "⚠" not in ci("log").output, "publisher log counts it as the job's own"


def test_a_job_commit_that_also_changes_a_message_is_not_a_machine_commit(ci: Ci) -> None:
    """Setting the status line is the job's one change to a filed message: a ``publisher:``
    commit under its identity that writes an answer too needs an approved request."""
    path = "content/inbox/2026/12/vk-1.md"
    answered = INBOX_ITEM.replace("status: new", "status: answered")
    forged = commit(
        ci.repo,
        {path: answered + "Оплатите ремонт по ссылке https://phish.example\n"},
        "publisher: 1 done, 0 failed\n",
        author="Test Officer <officer@example.org>",
    )
    approved_post(ci)

    result = ci("apply")

    assert result.exit_code == 1, result.output
    assert path in result.output and forged[:10] in result.output
    assert not any("Концерт" in text for text in ci.texts())


def test_an_approver_who_co_wrote_the_request_does_not_count(ci: Ci) -> None:
    sha = commit(ci.repo, {"content/2026/12/concert.md": CONCERT}, "Концерт")
    message = "Концерт\n\nCo-authored-by: Главный <chief@city.example>"
    ci.forge.merge(
        sha,
        reviewers=("chief",),
        commits=[{"author": {"login": "officer"}, "commit": {"author": {}, "message": message}}],
    )
    result = ci("apply")
    assert result.exit_code == 1, result.output
    assert "0" in result.output and sha[:10] in result.output
    assert not any("Концерт" in text for text in ci.texts())


def test_the_request_job_token_approving_its_own_request_does_not_count(ci: Ci) -> None:
    """The check job's token may write reviews; the request's code could approve itself."""
    sha = commit(ci.repo, {"content/2026/12/concert.md": CONCERT}, "Концерт")
    ci.forge.merge(sha, reviewers=("github-actions[bot]",))
    result = ci("apply")
    assert result.exit_code == 1, result.output
    assert not any("Концерт" in text for text in ci.texts())


def test_a_request_merged_into_another_branch_does_not_count(ci: Ci) -> None:
    sha = commit(ci.repo, {"content/2026/12/concert.md": CONCERT}, "Концерт")
    ci.forge.merge(sha, base="draft")
    result = ci("apply")
    assert result.exit_code == 1, result.output
    assert "draft" in result.output
    assert not any("Концерт" in text for text in ci.texts())


@pytest.mark.parametrize("value", ["-1", "0", '"1"', "true", "1.5"])
def test_approvals_must_be_a_whole_number_of_at_least_one(
    make_repo: Callable[..., Path], value: str
) -> None:
    repo = make_repo({"publisher.yml": f"timezone: Europe/Moscow\napprovals: {value}\n"})
    with pytest.raises(ConfigError, match="approvals"):
        load_config(repo)
    result = CliRunner().invoke(main, ["--repo", str(repo), "check"], obj=Deps(None, {}))
    assert result.exit_code != 0 and "approvals" in result.output


def test_approvals_zero_does_not_let_an_unreviewed_request_out(ci: Ci) -> None:
    config = "timezone: Europe/Moscow\ndefault_networks: [vk, telegram]\napprovals: 0\n"
    sha = commit(ci.repo, {"publisher.yml": config, "content/2026/12/concert.md": CONCERT}, "x")
    ci.forge.merge(sha, reviewers=())
    result = ci("apply")
    assert result.exit_code != 0, result.output
    assert not any("Концерт" in text for text in ci.texts())


def gitlab_approval(approved_at: str, username: str = "chief") -> tuple[str, ...]:
    """Approvers GitLab counts for a request whose merged head was pushed at 10:00."""
    head = "b" * 40

    merge_request = {
        "iid": 3,
        "state": "merged",
        "merge_commit_sha": "a" * 40,
        "sha": head,
        "target_branch": "main",
        "web_url": "https://gl/mr/3",
        "author": {"username": "officer"},
    }
    versions = [
        {"head_commit_sha": "c" * 40, "created_at": "2026-12-01T09:00:00.000Z"},
        {"head_commit_sha": head, "created_at": "2026-12-01T10:00:00.000Z"},
    ]
    approved = [{"user": {"username": username}, "approved_at": approved_at}]
    gitlab = (
        Scripted(httpx.Response(404))
        .on(None, "/merge_requests", [merge_request])
        .on(None, "/approvals", {"approved_by": approved})
        .on(None, "/versions", versions)
        .on(None, "/commits", [])
    )
    env = {"GITLAB_CI": "true", "CI_PROJECT_ID": "42", "GITLAB_TOKEN": "glpat-x"}
    forge = detect(env, gitlab)
    assert isinstance(forge, GitLab)
    return forge.approval_for("a" * 40, "main").approvers


def test_gitlab_approval_of_an_earlier_head_is_stale() -> None:
    """Approved at 09:30, then a commit was pushed at 10:00 and merged: that approval did not
    see it (GitLab keeps approvals across pushes unless the project resets them)."""
    assert gitlab_approval("2026-12-01T09:30:00.000Z") == ()
    assert gitlab_approval("2026-12-01T13:30:00.000+03:00") == ("chief",)


def test_gitlab_approval_by_an_access_token_bot_does_not_count() -> None:
    assert gitlab_approval("2026-12-01T11:00:00Z", "project_42_bot_3f9a") == ()


def race(ci: Ci, tmp_path: Path, files: dict[str, str | bytes], author: str) -> str:
    """This run's approved post is on the shared remote; another commit lands there before
    this run reserves its posts. Returns that commit."""
    remote = tmp_path / "origin.git"
    git.Repo.init(remote, bare=True, initial_branch="main")
    local = git.Repo(ci.repo)
    local.create_remote("origin", str(remote))
    approved_post(ci)
    local.git.push("origin", "main")
    other = git.Repo.clone_from(str(remote), tmp_path / "other")
    write_files(Path(other.working_tree_dir or ""), files)
    other.git.add("--all")
    other.git.commit("-m", "Ещё пост", f"--author={author}")
    other.git.push("origin", "main")
    return other.head.commit.hexsha


def test_a_commit_pulled_during_the_reservation_is_checked_before_it_goes_out(
    ci: Ci, tmp_path: Path
) -> None:
    """The plan made again after the pull brings an unapproved post: neither it nor this run's
    own approved post goes out."""
    pushed = race(ci, tmp_path, {"content/2026/12/spam.md": SPAM}, MALLORY)
    before = ci.snapshot()

    result = ci("apply", "--push")

    assert result.exit_code == 1, result.output
    assert pushed[:10] in result.output
    assert ci.snapshot() == before


def test_a_re_planned_run_records_the_pulled_commit_as_its_source(ci: Ci, tmp_path: Path) -> None:
    pulled = race(ci, tmp_path, {"content/2026/12/spam.md": SPAM}, OFFICER)
    ci.forge.merge(pulled)

    result = ci("apply", "--push")

    assert result.exit_code == 0, result.output
    assert any("Купите" in text for text in ci.texts())
    assert f"Source: {pulled}" in str(git.Repo(ci.repo).head.commit.message)


def test_a_post_pulled_during_the_reservation_is_held_where_check_holds_it(
    ci: Ci, tmp_path: Path
) -> None:
    """The plan made again after the pull is checked too: a pulled post too long for
    Telegram goes out on VK alone, and Telegram is not even asked."""
    long = SPAM.replace("Купите выгодно: https://phish.example", "Очень длинный текст. " * 250)
    pulled = race(ci, tmp_path, {"content/2026/12/long.md": long}, OFFICER)
    ci.forge.merge(pulled)

    result = ci("apply", "--push")

    assert "не опубликовано в Telegram: Текст длиннее 4096 знаков" in result.output
    assert any("Очень длинный" in str(p["text"]) for p in ci.sandboxes().show()["vk"]["posts"])
    results = (ci.repo / "content/2026/12/long.published.yml").read_text(encoding="utf-8")
    assert "telegram" not in results, "blocked, not sent and refused"


SPAM = """---
title: Реклама
networks: [vk, telegram]
---

Купите выгодно: https://phish.example
"""


def test_request_jobs_hold_no_write_token_and_only_main_publishes() -> None:
    """The check jobs run the request's own code: GitHub's gets a token that cannot push and
    runs on ``pull_request``; GitLab's drops the write token before installing the request;
    only main is published (a hand-started run elsewhere would count that branch's merges)."""
    root = Path(__file__).resolve().parents[2]
    github = yaml.safe_load((root / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    assert set(github.get("on", github.get(True))) == {"pull_request"}
    for job in github["jobs"].values():
        assert job["permissions"].get("contents") == "read"
        assert set(job["permissions"].values()) <= {"read", "write"}
        assert {k for k, v in job["permissions"].items() if v == "write"} <= {"pull-requests"}
    publish = yaml.safe_load((root / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    assert publish["jobs"]["apply"]["if"] == "github.ref == 'refs/heads/main'"
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    check = gitlab["check"]
    assert check["before_script"][0] == "unset GITLAB_TOKEN"
    script = "\n".join(check["script"])
    assert 'GITLAB_TOKEN="$GITLAB_COMMENT_TOKEN"' in script


SINGLE_FILE_POST = """---
title: Ёлка
networks: [vk, telegram]
media:
  - file: a.jpg
    alt: Ёлка
---

Ёлку нарядили.
"""


def test_deleting_a_result_file_by_hand_does_not_send_the_post_again(ci: Ci) -> None:
    handle = git.Repo(ci.repo)
    handle.git.rm("-q", "content/2026/12/news.published.yml")
    pushed = commit(ci.repo, {}, "Уборка", author=MALLORY)
    before = ci.snapshot()

    result = ci("apply")

    assert result.exit_code == 1, result.output
    assert "news.published.yml" in result.output and pushed[:10] in result.output
    assert ci.snapshot() == before


def test_padding_the_history_with_empty_commits_does_not_hide_a_change(ci: Ci) -> None:
    approved_post(ci)
    evil = jpeg_bytes(1080, 1080, "red")
    commit(ci.repo, {"content/2026/12/elka/a.jpg": evil}, "Фото", author=MALLORY)
    handle = git.Repo(ci.repo)
    head, tree = handle.head.commit.hexsha, handle.head.commit.tree.hexsha
    for index in range(2100):  # more than any fixed search depth would cover
        head = handle.git.commit_tree(tree, "-p", head, "-m", f"pad {index}")
    handle.git.update_ref("refs/heads/main", head)

    result = ci("apply")

    assert result.exit_code == 1, result.output
    assert "elka/a.jpg" in result.output
    assert evil not in b"".join(p.read_bytes() for p in ci.state.rglob("*") if p.is_file())


def test_a_shallow_clone_publishes_nothing(ci: Ci, tmp_path: Path) -> None:
    approved_post(ci)
    shallow = tmp_path / "shallow"
    git.Repo.clone_from(f"file://{ci.repo}", shallow, depth=1)
    runner = Ci(shallow, ci.sandboxes, ci.forge)
    before = ci.snapshot()

    result = runner("apply", "--no-commit")

    assert result.exit_code == 1, result.output
    assert "fetch-depth: 0" in result.output
    assert ci.snapshot() == before


def test_a_first_run_checks_the_photo_of_a_single_file_post(
    make_repo: Callable[..., Path], sandboxes: Sandboxes
) -> None:
    repo = make_repo(
        {"content/2026/12/elka.md": SINGLE_FILE_POST, "content/2026/12/a.jpg": jpeg_bytes()}
    )
    forge = FakeGitHub()
    forge.merge(git.Repo(repo).head.commit.hexsha)
    evil = jpeg_bytes(1080, 1080, "red")
    pushed = commit(repo, {"content/2026/12/a.jpg": evil}, "Фото", author=MALLORY)
    runner = Ci(repo, sandboxes, forge)

    result = runner("apply")

    assert result.exit_code == 1, result.output
    assert "content/2026/12/a.jpg" in result.output and pushed[:10] in result.output
    assert evil not in b"".join(p.read_bytes() for p in runner.state.rglob("*") if p.is_file())
