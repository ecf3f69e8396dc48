"""Tokens committed, pasted in the wrong field or echoed back by a server never get printed.

Each test is the mistake or the attack itself: a token committed in some file of the repository,
a token pasted where the name of its CI secret belongs, a network or the Git host answering an
error whose body echoes the token. Nothing printed or written may hold any 6 characters of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import Scripted

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.sandbox.transport import SandboxTransport

#: shaped like the real thing, one per network and Git host
GITHUB_PAT = "ghp_R8mKq2LxV7nT4wZp9sJc3HdF6bYg1NuE5aQo"  # pragma: allowlist secret
GITHUB_JOB = "ghs_J7fRt3KwQ9zLm2XvB8nC5yHp1sDg4eUa6TiO"  # pragma: allowlist secret
GITLAB_PAT = "glpat-Zx8Vq3Lm9Rt2Kp7Wn4Yb"  # pragma: allowlist secret
VK_USER = (
    "vk1.a.T9xKq2Lm7Vb4Np8Zr3Ws6Yd1Hc5Gf0Ju-Ae_Oi9Uk2Ml7Nb4Vc8Xz3Qw"  # pragma: allowlist secret
)
VK_COMMUNITY = "vk1.a.C0mMuN1tyQ2wE3rT4yU5iO6pA7sD8fG9hJ0kL1zX2cV3bN"  # pragma: allowlist secret
VK_LEGACY = "5e0f" * 21 + "a"
TELEGRAM = "7012345678:AAGx9Kq2Lm7Vb4Np8Zr3Ws6Yd1Hc5Gf0Jux"  # pragma: allowlist secret
OK_TOKEN = "tkn1wkVNUWIusOzuCjdsPPDPOZ0jaVvTiSW8P0Qi8jhBqBE"  # pragma: allowlist secret
MAX_TOKEN = "f9LHodD0cOIn8H6zb4A3Uj7fsH5qV2LsX1rT8wKm"  # pragma: allowlist secret
FACEBOOK = "EAAGm0PX4ZCpsBAKq9Lm7Vb4Np8Zr3Ws6Yd1Hc5Gf0Ju"  # pragma: allowlist secret
INSTAGRAM = "IGQVJXk9Lm7Vb4Np8Zr3Ws6Yd1Hc5Gf0JuAe2Oi9Uk"  # pragma: allowlist secret
X_BEARER = (
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI"  # pragma: allowlist secret
)
X_OAUTH1 = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"  # pragma: allowlist secret

POST = """---
title: Новость
networks: [vk, telegram]
---

Мусор в праздники вывозят по графику.
"""


def _leaks(token: str, *texts: str) -> list[str]:
    """The 6-character pieces of ``token`` found in ``texts``."""
    joined = "\n".join(texts)
    return [token[i : i + 6] for i in range(len(token) - 5) if token[i : i + 6] in joined]


def _run(
    repo: Path,
    clock: FakeClock,
    *args: str,
    sandbox: Path | None = None,
    env: dict[str, str] | None = None,
    forge: httpx.BaseTransport | None = None,
) -> Result:
    prefix = ["--repo", str(repo), *(["--sandbox", str(sandbox)] if sandbox else [])]
    result = CliRunner().invoke(main, [*prefix, *args], obj=Deps(clock, env or {}, forge))
    assert "Traceback" not in result.output
    return result


def _files(*roots: Path) -> dict[Path, bytes]:
    """Every file under ``roots`` (Git's own objects excepted) with its bytes."""
    return {
        path: path.read_bytes()
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }


def _written(before: dict[Path, bytes], *roots: Path) -> str:
    """What the commands wrote under ``roots``: new and changed files, as text."""
    return "\n".join(
        data.decode("utf-8", "replace")
        for path, data in _files(*roots).items()
        if before.get(path) != data
    )


#: the environment of a pull request's CI job on GitHub
PR_JOB = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_REPOSITORY": "city/social",
    "GITHUB_REF": "refs/pull/7/merge",
    "GITHUB_TOKEN": GITHUB_JOB,
}


# ---- a token committed anywhere in the repository -----------------------------------------


COMMITTED = [
    ("README.md", "# Соцсети\n\nТокен для проверки: {token}\n", GITHUB_PAT, 3),
    ("design/cover.yml", "title: Обложка\nvk_token: {token}\n", VK_USER, 2),
    ("design/legacy.yml", "old: {token}\n", VK_LEGACY, 1),
    ("moderation.yml", "# бот модерации\nbot: {token}\nwords: []\n", TELEGRAM, 2),
    (".gitlab-ci.yml", "variables:\n  GL_TOKEN: {token}\n", GITLAB_PAT, 2),
    ("publisher.yml", "timezone: Europe/Moscow\nmax_token: {token}\n", MAX_TOKEN, 2),
    ("accounts/ok.md", "---\nnetwork: ok\n---\nСтарый токен {token}\n", OK_TOKEN, 4),
    ("content/inbox/2026-12.yml", "- text: спасибо\n  note: {token}\n", FACEBOOK, 2),
    ("content/2026/12/news.md", POST + "\n{token}\n", INSTAGRAM, 8),
    (
        "content/2026/12/news.published.yml",
        "post: 2026/12/news\nnetworks:\n  vk:\n    state: published\n    content_hash: {token}\n",
        VK_LEGACY,
        5,
    ),
    # a lone CR ends no line for the search: the post is searched as stored, not as parsed
    ("content/2026/12/cr.md", POST + "max_token:\r{token}\n", MAX_TOKEN, 7),
    (".github/workflows/publish.yml", "env:\n  X: {token}\n", X_BEARER, 2),
    ("docs/x.txt", "oauth_token={token}\n", X_OAUTH1, 1),
]


@pytest.mark.parametrize(
    ("path", "text", "token", "line"), COMMITTED, ids=[c[0] for c in COMMITTED]
)
def test_a_token_committed_in_any_text_file_fails_check_without_being_printed(
    make_repo: Callable[..., Path],
    clock: FakeClock,
    path: str,
    text: str,
    token: str,
    line: int,
) -> None:
    repo = make_repo({"content/2026/12/news.md": POST, path: text.format(token=token)})
    printed = _run(repo, clock, "check")
    as_json = _run(repo, clock, "check", "--format", "json")
    as_github = _run(repo, clock, "check", "--format", "github")

    assert printed.exit_code == 1
    assert f"{path}:{line}:" in printed.output
    found = json.loads(as_json.stdout)
    assert any(d["file"] == path and d["line"] == line for d in found)
    assert _leaks(token, printed.output, as_json.output, as_github.output) == []


def test_a_marked_fake_token_and_binary_files_are_left_alone(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo(
        {
            "docs/example.md": f"Пример: {GITHUB_PAT}  <!-- pragma: allowlist secret -->\n",
            "design/blob.bin": b"\0\1" + GITHUB_PAT.encode(),
        }
    )
    assert _run(repo, clock, "check").exit_code == 0


def test_a_token_in_an_ignored_file_is_not_the_repository_s(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({".gitignore": ".env\n"})
    (repo / ".env").write_text(f"GITHUB_TOKEN={GITHUB_PAT}\n")
    assert _run(repo, clock, "check").exit_code == 0
    (repo / "notes.md").write_text(f"{GITHUB_PAT}\n")  # new, not yet added: still checked
    assert "notes.md:1:" in _run(repo, clock, "check").output


# ---- a token pasted where the name of its secret belongs ------------------------------------


@pytest.mark.parametrize(
    ("field", "token"),
    [
        ("token_env: {token}", VK_USER),
        ("token_env: {token}", MAX_TOKEN),
        ("token_env: VK_USER_TOKEN\nsecrets:\n  community: {token}", VK_COMMUNITY),
    ],
)
def test_a_token_pasted_as_token_env_is_an_error_that_never_prints_it(
    make_repo: Callable[..., Path], clock: FakeClock, tmp_path: Path, field: str, token: str
) -> None:
    account = f'---\nnetwork: vk\nid: "1001"\n{field.format(token=token)}\n---\nСообщество.\n'
    repo = make_repo({"content/2026/12/news.md": POST, "accounts/vk.md": account})
    state = tmp_path / "state"
    env = {"VK_USER_TOKEN": VK_USER, "TELEGRAM_BOT_TOKEN": TELEGRAM}
    before = _files(repo)
    created = httpx.Response(201, json={"id": 1, "html_url": "https://c/1"})
    forge = Scripted().on("GET", ".*", []).on("POST", ".*", created)
    runs = [
        _run(repo, clock, "check"),
        _run(repo, clock, "check", "--format", "json"),
        _run(repo, clock, "plan", "--format", "json", sandbox=state, env=env),
        _run(repo, clock, "plan", sandbox=state, env=env),
        _run(repo, clock, "apply", sandbox=state, env=env),
        _run(repo, clock, "plan", "--comment", sandbox=state, env=env | PR_JOB, forge=forge),
    ]
    assert runs[0].exit_code == 1
    assert "похоже на токен" in runs[0].output and "accounts/vk.md:" in runs[0].output
    outputs = [r.output + repr(r.exception or "") for r in runs]
    posted = [request.content.decode() for request in forge.sent("POST", ".*")]
    assert posted and "vk" in posted[0]
    assert _leaks(token, *outputs, *posted, _written(before, repo, state)) == []


# ---- a server's error answer that echoes the token ------------------------------------------


def test_a_network_error_echoing_the_token_is_masked_before_it_is_cut(
    make_repo: Callable[..., Path],
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """VK answers the post with an error page that quotes the request, the token at the very
    place where the message is cut to 200 characters."""
    sandbox = SandboxTransport.handle_request

    def echoing(self: SandboxTransport, request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.vk.com" and request.url.path.endswith("/wall.post"):
            body = "x" * 189 + f" {VK_USER} {VK_COMMUNITY} refused"
            return httpx.Response(400, text=body, request=request)
        return sandbox(self, request)

    monkeypatch.setattr(SandboxTransport, "handle_request", echoing)
    repo = make_repo({"content/2026/12/news.md": POST})
    before = _files(repo)
    state = tmp_path / "state"
    env = {
        "VK_USER_TOKEN": VK_USER,
        "VK_COMMUNITY_TOKEN": VK_COMMUNITY,
        "TELEGRAM_BOT_TOKEN": TELEGRAM,
    }
    applied = _run(repo, clock, "apply", sandbox=state, env=env)
    logged = _run(repo, clock, "log")

    assert applied.exit_code != 0 and "HTTP 400" in applied.output
    for token in (VK_USER, VK_COMMUNITY):
        assert _leaks(token, applied.output, logged.output, _written(before, repo, state)) == []


def test_a_forge_error_echoing_the_token_is_masked_before_it_is_cut(
    make_repo: Callable[..., Path], clock: FakeClock, tmp_path: Path
) -> None:
    """The Git host refuses the plan comment and quotes the Authorization header back."""

    def refusing(request: httpx.Request) -> httpx.Response:
        header = request.headers["Authorization"]
        return httpx.Response(403, text="y" * 185 + f" {header} is not allowed", request=request)

    repo = make_repo({"content/2026/12/news.md": POST})
    before = _files(repo)
    result = _run(
        repo,
        clock,
        "plan",
        "--comment",
        sandbox=tmp_path / "state",
        env=PR_JOB,
        forge=Scripted(refusing),
    )
    assert "403" in result.output
    assert _leaks(GITHUB_JOB, result.output, _written(before, repo)) == []
