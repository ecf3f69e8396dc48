"""Reach figures through every adapter: what each network gives (and only that), batching,
rate limits, a deleted post, and a token without the right to read statistics."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from conftest import Sandboxes, Scripted, jpeg_bytes, make_account

from publisher.cli import Deps, main
from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.clock import FakeClock
from publisher.core.errors import Rejected
from publisher.core.figures import FIGURES, FOLLOWERS
from publisher.core.model import RemoteRef
from publisher.core.redact import Secret
from publisher.engine.stats import recorded_posts
from publisher.engine.workspace import Workspace, open_workspace
from publisher.networks.base import Adapter, Tokens
from publisher.networks.facebook import FacebookAdapter
from publisher.networks.instagram import InstagramAdapter
from publisher.networks.vk import VkAdapter
from publisher.networks.x import XAdapter
from publisher.sandbox.facebook import FacebookEmulator

ROOT = Path(__file__).resolve().parents[2]
NETWORKS = "[vk, ok, telegram, max, facebook, instagram, x]"
POST = """---
title: Каток открыт {n}
networks: {networks}
media: [a.jpg]
---

Каток на площади открыт, вход свободный. День {n}.
"""
CONFIG = "timezone: Europe/Moscow\nmedia_base_url: https://city.example/media/\n"
DAY = 86_400


class Counting(httpx.BaseTransport):
    """The sandbox's transport, counting the requests by the end of their path."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)


@pytest.fixture
def published(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock
) -> Callable[[int], Path]:
    """``published(n)``: a repository whose ``n`` posts went out to every network."""

    def build(count: int) -> Path:
        files: dict[str, str | bytes] = {
            f"accounts/{p.name}": p.read_text(encoding="utf-8")
            for p in sorted((ROOT / "accounts").glob("*.md"))
        }
        files.update({f"design/{p.name}": p.read_bytes() for p in (ROOT / "design").glob("*.*")})
        fitted = (ROOT / "design/fitted").glob("*")
        files.update({f"design/fitted/{p.name}": p.read_bytes() for p in fitted})
        files["publisher.yml"] = CONFIG
        for n in range(count):
            files[f"content/katok-{n}/index.md"] = POST.format(n=n, networks=NETWORKS)
            files[f"content/katok-{n}/a.jpg"] = jpeg_bytes(1080, 1080)
        repo = make_repo(files, accounts=False)
        args = ["--repo", str(repo), "--sandbox", str(sandboxes.state), "apply"]
        result = CliRunner().invoke(main, args, obj=Deps(clock, {}))
        assert result.exit_code == 0, result.output
        return repo

    return build


@pytest.fixture
def adapters(
    sandboxes: Sandboxes, clock: FakeClock
) -> Iterator[Callable[[Path], tuple[dict[str, Adapter], dict[str, list[RemoteRef]], Counting]]]:
    clients: list[httpx.Client] = []

    def build(repo: Path) -> tuple[dict[str, Adapter], dict[str, list[RemoteRef]], Counting]:
        counting = Counting(sandboxes().transport())
        ws: Workspace = open_workspace(repo, clock, {}, sandboxes.state, counting)
        content = ws.load()
        http = httpx.Client(transport=counting)
        clients.append(http)
        built = ws.adapters_for(content, [a.name for a in content.accounts], http)
        since = clock.now() - timedelta(days=1)
        posts = recorded_posts(content, ws.result_entries(content), since)
        refs = {name: [r.entry.ref() for r in found] for name, found in posts.items()}
        return built.ready, refs, counting

    yield build
    for client in clients:
        client.close()


def test_every_network_gives_the_figures_its_capabilities_declare_and_no_others(
    published: Callable[[int], Path], adapters: Callable[..., tuple], clock: FakeClock
) -> None:
    ready, refs, _counting = adapters(published(1))
    clock.advance(2 * DAY)
    first: dict[str, dict[str, int]] = {}
    for name, adapter in ready.items():
        caps = adapter.capabilities
        assert FOLLOWERS in caps.stats and adapter.followers() > 0, name
        if name not in refs:  # an account no post went to (a settlement's, a second channel)
            continue
        if not set(FIGURES) & caps.stats:
            with pytest.raises(Rejected):
                adapter.post_figures(refs[name])
            continue
        read = adapter.post_figures(refs[name])
        (figures,) = read.posts.values()
        assert set(figures.known()) == set(FIGURES) & caps.stats, name
        assert not read.gaps, name
        first[name] = figures.known()
    assert set(first) >= {"vk", "ok", "max", "facebook", "instagram", "x"}
    clock.advance(DAY)
    for name, before in first.items():
        (after,) = ready[name].post_figures(refs[name]).posts.values()
        grown = after.known()
        assert all(grown[f] >= value for f, value in before.items()), name
        assert sum(grown.values()) > sum(before.values()), f"{name}: figures grow"


def test_vk_x_max_and_ok_read_many_posts_in_one_call(
    published: Callable[[int], Path], adapters: Callable[..., tuple], clock: FakeClock
) -> None:
    ready, refs, counting = adapters(published(3))
    clock.advance(DAY)
    for name in ("vk", "x", "max", "ok"):
        counting.paths.clear()
        read = ready[name].post_figures(refs[name])
        assert len(read.posts) == 3, name
        assert len(counting.paths) == 1 + (name == "vk"), f"{name}: {counting.paths}"


def test_a_deleted_post_is_left_out(
    published: Callable[[int], Path], adapters: Callable[..., tuple], clock: FakeClock
) -> None:
    ready, refs, _counting = adapters(published(2))
    clock.advance(DAY)
    for name in ("vk", "x", "max", "ok", "facebook", "instagram"):
        gone, kept = refs[name]
        ready[name].delete(gone)
        read = ready[name].post_figures([gone, kept])
        assert list(read.posts) == [kept.remote_id], name


def test_vk_token_of_no_administrator_keeps_the_counts_and_says_why_no_reach(
    scripted: Scripted, clock: FakeClock
) -> None:
    item = {"id": 7, "views": {"count": 40}, "likes": {"count": 3}, "reposts": {"count": 1}}
    item["comments"] = {"count": 2}
    scripted.on("POST", r"/method/wall\.getById", {"response": {"items": [item]}})
    denied = {"error_code": 15, "error_msg": "Access denied: no access to call this method"}
    scripted.on("POST", r"/method/stats\.getPostReach", {"error": denied})
    account = make_account("vk", account_id="123", token_env="VK_TOKEN")
    with httpx.Client(transport=scripted) as http:
        adapter = VkAdapter(account, Tokens(Secret("t", "VK_TOKEN")), http, clock=clock)
        read = adapter.post_figures([RemoteRef("vk", "7")])
    figures = read.posts["7"]
    assert (figures.views, figures.reactions, figures.reposts, figures.comments) == (40, 3, 1, 2)
    assert figures.reach is None, "no reach is not zero reach"
    (gap,) = read.gaps
    assert "администратора сообщества" in gap and "Access denied" in gap
    (sent,) = scripted.sent("POST", r"/method/wall\.getById")
    assert sent.content.decode().count("-123_7") == 1


def test_vk_hostile_counters_are_no_figures(scripted: Scripted, clock: FakeClock) -> None:
    item = {"id": 7, "views": {"count": "много"}, "likes": {"count": -1}, "reposts": 5}
    scripted.on("POST", r"/method/wall\.getById", {"response": {"items": [item]}})
    scripted.on("POST", r"/method/stats\.getPostReach", {"response": [{"post_id": 7}]})
    account = make_account("vk", account_id="123", token_env="VK_TOKEN")
    with httpx.Client(transport=scripted) as http:
        adapter = VkAdapter(account, Tokens(Secret("t", "VK_TOKEN")), http, clock=clock)
        figures = adapter.post_figures([RemoteRef("vk", "7")]).posts["7"]
    assert figures.known() == {}, "a string, a negative number or a bare number is no count"


def test_x_asks_for_at_most_a_hundred_ids_a_call(scripted: Scripted, clock: FakeClock) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["ids"].split(",")
        metrics = {"impression_count": 9, "like_count": 1, "retweet_count": 2, "quote_count": 1}
        metrics["reply_count"] = 0
        data = [{"id": i, "text": "", "public_metrics": metrics} for i in ids]
        return httpx.Response(200, json={"data": data})

    scripted.on("GET", "/2/tweets", answer)
    account = make_account("x", account_id="me", token_env="X_TOKEN")
    refs = [RemoteRef("x", str(1000 + n)) for n in range(150)]
    with httpx.Client(transport=scripted) as http:
        adapter = XAdapter(account, Tokens(Secret("t", "X_TOKEN")), http, clock=clock)
        read = adapter.post_figures(refs)
    sizes = [len(r.url.params["ids"].split(",")) for r in scripted.sent("GET", "/2/tweets")]
    assert sizes == [100, 50]
    assert read.posts["1000"].reposts == 3 and read.posts["1149"].views == 9


def test_x_waits_out_a_429_and_reads_on(scripted: Scripted, clock: FakeClock) -> None:
    reset = int(clock.now().timestamp()) + 20
    headers = {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0"}
    headers["x-rate-limit-reset"] = str(reset)
    limited = httpx.Response(429, headers=headers, json={"title": "Too Many Requests"})
    metrics = {"impression_count": 5, "like_count": 0, "retweet_count": 0, "quote_count": 0}
    metrics["reply_count"] = 0
    fine = {"data": [{"id": "1", "text": "", "public_metrics": metrics}]}
    scripted.on("GET", "/2/tweets", limited, fine)
    account = make_account("x", account_id="me", token_env="X_TOKEN")
    start = clock.now()
    with httpx.Client(transport=scripted) as http:
        adapter = XAdapter(account, Tokens(Secret("t", "X_TOKEN")), http, clock=clock)
        read = adapter.post_figures([RemoteRef("x", "1")])
    assert read.posts["1"].views == 5
    assert (clock.now() - start).total_seconds() >= 20, "it waited for the window to reset"


def test_facebook_token_without_insights_keeps_the_counts(
    published: Callable[[int], Path],
    adapters: Callable[..., tuple],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ready, refs, _counting = adapters(published(2))
    clock.advance(DAY)
    monkeypatch.setattr(FacebookEmulator, "grants_insights", False)
    adapter = ready["facebook"]
    assert isinstance(adapter, FacebookAdapter)
    read = adapter.post_figures(refs["facebook"])
    assert len(read.posts) == 2
    for figures in read.posts.values():
        assert figures.views is None and figures.reach is None
        assert figures.reactions is not None and figures.reactions > 0
    (gap,) = read.gaps
    assert "read_insights" in gap


def test_telegram_reads_subscribers_and_says_it_cannot_read_views() -> None:
    caps = NETWORK_TABLE["telegram"].capabilities
    assert caps.stats == {FOLLOWERS} and "не видят просмотров" in _ru(caps.stats_gap)


def _ru(msgid: str) -> str:
    from publisher.core.i18n import _

    return _(msgid)


def test_instagram_refuses_a_withdrawn_metric_as_meta_does(
    published: Callable[[int], Path], adapters: Callable[..., tuple], clock: FakeClock
) -> None:
    ready, refs, _counting = adapters(published(1))
    adapter = ready["instagram"]
    assert isinstance(adapter, InstagramAdapter)
    (ref,) = refs["instagram"]
    url = adapter.graph_url(f"{ref.remote_id}/insights")
    with pytest.raises(Rejected) as refused:
        adapter.api.call(
            "GET", url, "insights", params={"metric": "impressions"}, headers=adapter.bearer()
        )
    assert "no longer supported" in refused.value.detail
    assert adapter.followers() > 0
