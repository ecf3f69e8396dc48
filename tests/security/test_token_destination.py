"""The attack: a pull request adds ``settings: {api_base: https://evil.example}`` to an account
file so that the next run sends the network's token there. No file may decide where a token
goes: ``check`` refuses every settings key a network does not declare, and the adapters call
only their network's fixed hosts whatever the account file says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import Sandboxes, make_account

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.core.model import Media, RenderedPost
from publisher.core.redact import Secret
from publisher.networks.base import Tokens
from publisher.networks.facebook import FacebookAdapter
from publisher.sandbox.app import Sandbox

EVIL = "https://evil.example"

#: each network's API host: the only places its token may go
OFFICIAL_HOSTS = {
    "vk": "api.vk.com",
    "telegram": "api.telegram.org",
    "max": "platform-api2.max.ru",
    "x": "api.x.com",
}


def account(network: str, account_id: str, settings: dict[str, str], more: str = "") -> str:
    lines = "".join(f"  {key}: {value}\n" for key, value in settings.items())
    return (
        f"---\nnetwork: {network}\nid: '{account_id}'\ntoken_env: {network.upper()}_TOKEN\n"
        f"{more}settings:\n{lines}---\nОписание.\n"
    )


NEWS = """---
title: Ремонт дорог
networks: [vk, telegram, max, x]
---

Начали ремонт дорог на улице Ленина.
"""
VK_COMMUNITY = "secrets:\n  community: VK_COMMUNITY_TOKEN\n"
RULES = """categories:
  obscene:
    words: [гадослово]
"""


class Recorder(httpx.BaseTransport):
    """Passes every request on to the sandbox, noting the URL it was addressed to."""

    def __init__(self, inner: httpx.BaseTransport, urls: list[httpx.URL]) -> None:
        self.inner, self.urls = inner, urls

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(request.url)
        return self.inner.handle_request(request)


@pytest.fixture
def urls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.URL]]:
    """Every URL the CLI's sandbox transport is asked to reach during the test."""
    seen: list[httpx.URL] = []
    original = Sandbox.transport
    monkeypatch.setattr(Sandbox, "transport", lambda self: Recorder(original(self), seen))
    yield seen


def cli(repo: Path, state: Path, clock: FakeClock, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), *args], obj=Deps(clock, {})
    )


@pytest.mark.parametrize(
    ("network", "key"),
    [
        ("vk", "api_base"),
        ("vk", "base_url"),
        ("vk", "api_url"),
        ("x", "api_base"),
        ("x", "upload_base"),
        ("max", "base_url"),
        ("max", "host"),
        ("telegram", "api_base"),
        ("telegram", "base_url"),
        ("facebook", "graph_host"),
        ("instagram", "api_base"),
        ("ok", "api_url"),
    ],
)
def test_check_refuses_a_setting_that_names_a_host(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock, network: str, key: str
) -> None:
    settings = {"application_key": "CBAKEY"} if network == "ok" else {}
    text = account(network, "1001", {**settings, key: EVIL})
    repo = make_repo({f"accounts/{network}.md": text})

    result = cli(repo, tmp_path / "state", clock, "check")

    assert result.exit_code == 1, result.output
    line = text.splitlines().index(f"  {key}: {EVIL}") + 1
    assert f"accounts/{network}.md:{line}" in result.output
    assert key in result.output
    assert "handle" in result.output, "the message lists the keys the network takes"


def test_check_lists_the_keys_a_network_takes(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    text = account("ok", "1001", {"application_key": "CBAKEY", "api_base": EVIL})
    repo = make_repo({"accounts/ok.md": text})

    result = cli(repo, tmp_path / "state", clock, "check")

    assert result.exit_code == 1
    assert "application_key, handle" in result.output


def test_declared_settings_pass_check(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    repo = make_repo(
        {
            "accounts/ok.md": account("ok", "1001", {"application_key": "CBAKEY"}),
            "accounts/x.md": account("x", "1001", {"handle": "city"}),
            "accounts/instagram.md": account(
                "instagram", "1001", {"graph_version": "v25.0", "media_base_url": EVIL}
            ),
        }
    )

    result = cli(repo, tmp_path / "state", clock, "check")

    assert "unknown-setting" not in result.output and "api_base" not in result.output
    assert result.exit_code == 0, result.output


def test_no_command_sends_a_request_to_a_host_an_account_file_names(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock, urls: list[httpx.URL]
) -> None:
    """Even with check's verdict ignored, apply, moderate and inbox collect reach only the
    networks' own hosts."""
    evil = {"api_base": EVIL, "base_url": EVIL, "api_url": EVIL, "host": "evil.example"}
    repo = make_repo(
        {
            "accounts/vk.md": account("vk", "1001", evil, VK_COMMUNITY),
            "accounts/telegram.md": account("telegram", "@city", evil),
            "accounts/max.md": account("max", "-7001", evil),
            "accounts/x.md": account("x", "1001", evil),
            "content/news.md": NEWS,
            "moderation.yml": RULES,
        }
    )
    state = sandboxes.state

    cli(repo, state, clock, "apply")  # exits 1 for the account files, publishes the post
    box = sandboxes()
    for post in box.show()["vk"]["posts"]:  # a question for moderate and inbox collect to read
        box.add_comment("vk", str(post["id"]), "Почему не убирают снег во дворе?", "701", "Олег")
    assert cli(repo, state, clock, "moderate").exit_code == 0
    collected = cli(repo, state, clock, "inbox", "collect")
    assert collected.exit_code == 0, collected.output

    hosts = [url.host for url in urls]
    assert not [h for h in hosts if "evil" in h]
    assert set(hosts) <= set(OFFICIAL_HOSTS.values()), set(hosts)
    assert set(OFFICIAL_HOSTS.values()) <= set(hosts), "every network was called"
    published = box.show()
    assert all(published[network]["posts"] for network in OFFICIAL_HOSTS)


@pytest.mark.parametrize(
    "community",
    ["https://evil.example/club1", "evil.example:443", "//evil.example", "vk.com.evil.example/x"],
)
def test_monitoring_yml_cannot_send_the_search_token_elsewhere(
    make_repo: Callable[..., Path],
    sandboxes: Sandboxes,
    clock: FakeClock,
    urls: list[httpx.URL],
    community: str,
) -> None:
    """A community in monitoring.yml is a name on the network, never an address: one that
    looks like another host is refused before any request, and a VK link is read as a name."""
    monitoring = f"networks: [vk]\nphrases: [Ахтарск]\ncommunities:\n  vk: ['{community}']\n"
    repo = make_repo({"monitoring.yml": monitoring})
    refused = cli(repo, sandboxes.state, clock, "inbox", "collect")
    assert refused.exit_code != 0 and "monitoring.yml:4" in refused.output, refused.output
    assert urls == []

    linked = monitoring.replace(community, "https://vk.com/podslushano")
    (repo / "monitoring.yml").write_text(linked, encoding="utf-8")
    sandboxes().add_community("vk", "podslushano", "Подслушано")
    assert cli(repo, sandboxes.state, clock, "inbox", "collect").exit_code == 0
    hosts = {url.host for url in urls}
    assert "api.vk.com" in hosts and hosts <= set(OFFICIAL_HOSTS.values()), hosts


# -- Facebook: video uploads go to the Video API host, and only there ----------------------------

PAGE = "4242"
FACEBOOK_TOKEN = "sandbox-facebook-main"


def test_facebook_video_is_uploaded_to_the_video_host(
    sandboxes: Sandboxes, clock: FakeClock, tmp_path: Path
) -> None:
    """ "Videos must be published to graph-video.facebook.com instead of the regular Graph API
    URL" (developers.facebook.com/docs/graph-api/video-uploads)."""
    seen: list[httpx.URL] = []
    sandbox = sandboxes("facebook")
    http = httpx.Client(transport=Recorder(sandbox.transport(), seen))
    tokens = Tokens(Secret(FACEBOOK_TOKEN))
    adapter = FacebookAdapter(make_account("facebook", account_id=PAGE), tokens, http, clock=clock)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0" * 1024)
    video = Media(clip, "clip.mp4", "video", size=1024)

    ref = adapter.publish(RenderedPost("p1", "facebook", ("Видео",), media=(video,)), "k")
    adapter.publish(RenderedPost("p2", "facebook", ("Текст",)), "k2")

    assert ref.extra == {"kind": "video"}
    uploads = [url for url in seen if url.path.endswith("/videos")]
    assert len(uploads) >= 3, "start, transfer and finish"
    assert {url.host for url in uploads} == {"graph-video.facebook.com"}
    assert {url.host for url in seen if url not in uploads} == {"graph.facebook.com"}


def test_facebook_sandbox_serves_video_only_on_the_video_host(
    sandboxes: Sandboxes,
) -> None:
    http = sandboxes.client(sandboxes("facebook"))
    auth = {"Authorization": f"Bearer {FACEBOOK_TOKEN}"}
    start = {"upload_phase": "start", "file_size": "1024"}

    wrong_host = http.post(
        f"https://graph.facebook.com/v25.0/{PAGE}/videos", data=start, headers=auth
    )
    not_video = http.post(
        f"https://graph-video.facebook.com/v25.0/{PAGE}/feed", data={"message": "x"}, headers=auth
    )
    right = http.post(
        f"https://graph-video.facebook.com/v25.0/{PAGE}/videos", data=start, headers=auth
    )

    assert wrong_host.status_code == 400 and "graph-video" in wrong_host.json()["error"]["message"]
    assert not_video.status_code == 400 and "error" in not_video.json()
    assert right.status_code == 200 and right.json()["upload_session_id"]
